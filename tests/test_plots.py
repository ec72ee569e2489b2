"""Figures plot what the workflow's CSVs say: numbers recomputed independently.

Each ``plot_*`` returns what it drew; the tests recompute a bar height, a trend slope,
a heat-map cell, a remix level, a training point and a cost from the files with plain
csv/json code (no vdbo helper), and also read the drawn matplotlib artists back.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as scistats

from vdbo import SIDES, STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation.aggregate import STAT_COLUMNS, summarise, write_summary
from vdbo.report import cost, hearing, remix, scores, tables, training

REPO = Path(__file__).resolve().parents[1]
LISTENERS = json.loads(
    (REPO / "resources/listeners/clarity_listeners.json").read_text()
)
LIDS = ["L0045", "L0026", "L0066"]
SONGS = ["Ada's Garden - Slow & Low", "Kit & Kaboodle - Two Step"]
COLUMNS = ["song", "listener", "score"] + [f"{s}_{t}" for t in STEMS for s in SIDES]


def write_scores(path: Path, seed: int, level: float) -> Path:
    rng = np.random.default_rng(seed)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for song in SONGS:
            for lid in LIDS:
                ears = np.clip(level + 0.1 * rng.standard_normal(8), 0, 1)
                w.writerow(
                    [song, lid, repr(float(ears.mean()))]
                    + [repr(float(v)) for v in ears]
                )
    return path


@pytest.fixture
def score_tables(tmp_path):
    return {
        "oracle": write_scores(tmp_path / "oracle.csv", 1, 0.9),
        "umx": write_scores(tmp_path / "umx.csv", 2, 0.4),
        "mixture": write_scores(tmp_path / "mixture.csv", 3, 0.2),
    }


def rows(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_stem_means_bar_heights_and_reference_lines(score_tables, tmp_path):
    out = tmp_path / "stems.png"
    means = scores.plot_stem_means(score_tables, out)
    assert out.stat().st_size > 10_000
    umx = rows(score_tables["umx"])
    expected = sum(float(r["right_drums"]) for r in umx) / len(umx)
    got = means[
        (means.separator == "umx") & (means.side == "right") & (means.stem == "drums")
    ]
    assert got["haaqi"].item() == pytest.approx(expected, abs=1e-12)
    assert got["drawn_as"].item() == "bar"
    oracle = rows(score_tables["oracle"])
    expected = sum(float(r["left_vocals"]) for r in oracle) / len(oracle)
    drawn = means[
        (means.separator == "oracle")
        & (means.side == "left")
        & (means.stem == "vocals")
    ]
    assert drawn["drawn_as"].item() == "line"
    assert drawn["haaqi"].item() == pytest.approx(expected, abs=1e-12)


def test_stem_means_artists_carry_the_numbers(score_tables, tmp_path, monkeypatch):
    """Read the bar heights off the drawn figure itself."""
    captured = {}
    real_save = scores.style.save

    def keep(fig, path):
        captured["fig"] = fig
        fig.canvas.draw()
        captured["bars"] = {
            (p.get_gid(), round(p.get_x() + p.get_width() / 2, 6)): p.get_height()
            for ax in fig.axes
            for p in ax.patches
            if p.get_gid()
        }
        captured["lines"] = {
            c.get_gid(): c.get_segments()[0][0][1]
            for ax in fig.axes
            for c in ax.collections
            if c.get_gid()
        }
        return real_save(fig, path)

    monkeypatch.setattr(scores.style, "save", keep)
    scores.plot_stem_means(score_tables, tmp_path / "s.png")
    umx = rows(score_tables["umx"])
    left_bass = sum(float(r["left_bass"]) for r in umx) / len(umx)
    bass_x = STEMS.index("bass")
    heights = [
        h
        for (gid, x), h in captured["bars"].items()
        if gid == "bar:umx:left" and abs(x - bass_x) < 0.5
    ]
    assert heights == [pytest.approx(left_bass, abs=1e-12)]
    mixture = rows(score_tables["mixture"])
    right_other = sum(float(r["right_other"]) for r in mixture) / len(mixture)
    assert captured["lines"]["line:mixture:right:other"] == pytest.approx(right_other)


def test_heatmap_cell_is_the_pair_score(score_tables, tmp_path):
    grids = scores.plot_heatmaps(score_tables, tmp_path / "heat.png")
    row = next(
        r
        for r in rows(score_tables["mixture"])
        if r["listener"] == "L0066" and r["song"] == SONGS[1]
    )
    assert grids["mixture"].loc["L0066", SONGS[1]] == float(row["score"])
    assert list(grids["umx"].index) == LIDS and list(grids["umx"].columns) == SONGS


def test_heatmap_of_more_systems_than_a_row_holds(score_tables, tmp_path):
    """Four systems: two rows of panels, the empty ones removed, one colour bar."""
    tables = {**score_tables, "submitted": score_tables["mixture"]}
    grids = scores.plot_heatmaps(tables, tmp_path / "heat4.png")
    assert list(grids) == list(tables)
    assert (tmp_path / "heat4.png").stat().st_size > 0


def test_pure_tone_average_of_a_real_audiogram():
    l0066 = LISTENERS["L0066"]
    cfs = l0066["audiogram_cfs"]
    expected = np.mean(
        [l0066["audiogram_levels_r"][cfs.index(f)] for f in (500, 1000, 2000, 4000)]
    )
    assert hearing.pure_tone_average(l0066, "right") == pytest.approx(expected)


def test_trend_slope_recomputed_with_scipy(score_tables, tmp_path):
    points, fits = hearing.plot_haaqi_vs_pta(
        score_tables, LISTENERS, tmp_path / "h.png"
    )
    assert len(points) == 3 * len(SONGS) * len(LIDS) * 2
    xs, ys = [], []
    for r in rows(score_tables["umx"]):
        audiogram = LISTENERS[r["listener"]]
        cfs = audiogram["audiogram_cfs"]
        for side, key in (
            ("left", "audiogram_levels_l"),
            ("right", "audiogram_levels_r"),
        ):
            xs.append(
                np.mean([audiogram[key][cfs.index(f)] for f in (500, 1000, 2000, 4000)])
            )
            ys.append(np.mean([float(r[f"{side}_{stem}"]) for stem in STEMS]))
    fit = scistats.linregress(xs, ys)
    slope, intercept = fits["umx"]
    assert slope == pytest.approx(fit.slope, rel=1e-9)
    assert intercept == pytest.approx(fit.intercept, rel=1e-9)


def test_unknown_listener_is_reported(score_tables, tmp_path):
    with pytest.raises(InputError, match="L0026"):
        hearing.plot_haaqi_vs_pta(
            score_tables, {"L0045": LISTENERS["L0045"]}, tmp_path / "h.png"
        )


def write_remix(path: Path, strategy: str, loudness: float, rng) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow([*STAT_COLUMNS, "haaqi_left", "haaqi_right", "haaqi_mean"])
        for song in SONGS:
            for lid in LIDS:
                hl, hr = rng.uniform(0.2, 0.8, 2)
                w.writerow(
                    [
                        song,
                        lid,
                        strategy,
                        loudness + rng.normal(0, 2),
                        rng.uniform(-3, 4),
                        0.0,
                        0.0,
                        0.0,
                        hl,
                        hr,
                        (hl + hr) / 2,
                    ]
                )
    return path


def test_remix_levels_and_haaqi(tmp_path):
    rng = np.random.default_rng(5)
    paths = {
        ("baseline", "oracle"): write_remix(tmp_path / "b.csv", "baseline", -3, rng),
        ("audiogram", "oracle"): write_remix(tmp_path / "a.csv", "audiogram", -14, rng),
    }
    levels = {
        "baseline": {"loudness_target_lufs": None, "true_peak_limit_dbtp": None},
        "audiogram": {"loudness_target_lufs": -14.0, "true_peak_limit_dbtp": -1.0},
    }
    plotted = remix.plot_remix(paths, levels, tmp_path / "remix.png")
    table = rows(paths[("audiogram", "oracle")])
    l0026 = [
        float(r["integrated_loudness_lufs"]) for r in table if r["listener"] == "L0026"
    ]
    loud = plotted["loudness"]
    got = loud[(loud.series == "audiogram") & (loud.listener == "L0026")]
    assert got["integrated_loudness_lufs"].item() == pytest.approx(np.mean(l0026))
    right = np.mean(
        [float(r["haaqi_right"]) for r in rows(paths[("baseline", "oracle")])]
    )
    haaqi = plotted["haaqi"].set_index("series")
    assert haaqi.loc["baseline", "haaqi_right"] == pytest.approx(right)


def test_training_curves_follow_the_last_run(tmp_path):
    log = tmp_path / "training_log.jsonl"
    sdr = {s: 1.0 for s in STEMS}
    lines = [
        {"event": "start", "first_epoch": 1},
        {"event": "epoch", "epoch": 1, "train_loss": 9.0},  # an older run: ignored
        {"event": "start", "first_epoch": 1},
        {"event": "initial", "valid_loss": 2.0, "valid_sdr": sdr, "mixture_sdr": sdr},
        {
            "event": "epoch",
            "epoch": 1,
            "train_loss": 1.5,
            "valid_loss": 1.8,
            "valid_sdr": {**sdr, "bass": 2.5},
            "mixture_sdr": sdr,
        },
        {"event": "resume", "first_epoch": 2},
        {
            "event": "epoch",
            "epoch": 2,
            "train_loss": 1.2,
            "valid_loss": 1.6,
            "valid_sdr": {**sdr, "bass": 3.25},
            "mixture_sdr": sdr,
        },
        {"event": "end"},
    ]
    log.write_text("\n".join(json.dumps(e) for e in lines) + "\n")
    curves = training.plot_training(log, "tiny", tmp_path / "t.png")
    assert list(curves["epoch"]) == [0, 1, 2]
    assert curves.loc[curves.epoch == 1, "train_loss"].item() == 1.5
    assert curves.loc[curves.epoch == 2, "valid_sdr_bass"].item() == 3.25
    log.write_text('{"event": "start"}\nnot json\n')
    with pytest.raises(InputError, match="line 2"):
        training.read_training_log(log)


def test_cost_per_rule_sums_benchmark_files(tmp_path):
    columns = "s h:m:s max_rss max_vms max_uss max_pss io_in io_out mean_load cpu_time"
    header = "\t".join(columns.split()) + "\n"
    files = {"score": [], "separate": []}
    for i, (rule, s, rss, cpu) in enumerate(
        [
            ("score", 10.5, 300.0, 19.0),
            ("score", 12.0, 420.5, 22.5),
            ("separate", 3.0, 900.0, 5.5),
        ]
    ):
        path = tmp_path / f"{rule}{i}.tsv"
        path.write_text(header + f"{s}\t0:00:10\t{rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n")
        files[rule].append(path)
    table = cost.plot_cost(files, tmp_path / "cost.png").set_index("rule")
    assert table.loc["score", "cpu_s"] == pytest.approx(41.5)
    assert table.loc["score", "wall_s"] == pytest.approx(22.5)
    assert table.loc["score", "max_rss_mb"] == 420.5
    assert table.loc["separate", "jobs"] == 1
    # a job that ran before its rule had `benchmark:` is counted as missing, not zero
    files["encode"] = [tmp_path / "never-written.tsv"]
    jobs = cost.read_benchmarks(files)
    assert jobs["wall_s"].isna().sum() == 1
    table = cost.plot_cost(files, tmp_path / "cost2.png").set_index("rule")
    assert table.loc["encode", "jobs"] == 0
    assert table.loc["score", "cpu_s"] == pytest.approx(41.5)


def test_summary_and_config_pages(score_tables, tmp_path):
    out = tmp_path / "summary.html"
    csv_path, remix_csv = tmp_path / "summary.csv", tmp_path / "remix_summary.csv"
    line = "2 of 12 pairs re-scored with the official engine: all equal (max |diff| 0)"
    verification = tmp_path / "verification.txt"
    write_summary(
        summarise(score_tables), csv_path, tmp_path / "summary.md", None, remix_csv,
        line, verification,
    )  # fmt: skip
    assert f"{line}.\n" in (tmp_path / "summary.md").read_text()
    shown = tables.summary_page(csv_path, remix_csv, out, verification)
    text = out.read_text()
    assert f'<p id="verification">{line}.</p>' in text
    assert text.count("<tr>") == 1 + len(score_tables)
    assert list(shown["haaqi"]["separator"])[0] == "oracle"
    header = "".join(f"<th>{c}</th>" for c in rows(csv_path)[0])
    assert header in text  # the columns of summary.csv, all of them
    assert "summary-remix" not in text  # no remix strategies, no remix table
    cfg = tables.config_page({"scoring": {"engine": "fast"}}, tmp_path / "config.html")
    assert (
        "engine: fast" in cfg
        and "engine: fast" in (tmp_path / "config.html").read_text()
    )


def test_metric_vs_haaqi_without_points_still_draws(tmp_path):
    """A run with nothing to place (no separator with both tables, e.g. only a
    received submission) still writes the figure, saying so in each panel."""
    from vdbo.report import metric_vs_haaqi

    table = metric_vs_haaqi.points({}, {}, "SDR", {})
    assert list(table.columns) == metric_vs_haaqi.POINT_COLUMNS and table.empty
    out = tmp_path / "haaqi_vs_sdr.png"
    metric_vs_haaqi.plot(table, "SDR (dB)", ["mild"], out)
    assert out.stat().st_size > 0
