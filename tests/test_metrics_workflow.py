"""Metrics beside HAAQI through the real workflow (scoring.metrics).

One finished run with HAAQI only (two songs, one listener, oracle and mixture); then
Snakemake's own dry run shows that adding ``sdr`` plans only the SDR jobs and what
reads them; a real run adds SDR and a metric registered from the user's own Python
file, into the summary, the comparison and the report's figure; removing ``sdr``
afterwards plans no metric job.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from scipy.io import wavfile
from snakemake_log import job_stats, jobs, rule_counts
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

from vdbo import STEMS
from vdbo.separation.stems_npz import load_stems

SONGS = {"Nora & The Owls - Don't Wait": "test", "Ada's Garden - Slow & Low": "test"}
LISTENER = "L0066"
SEPARATORS = ("oracle", "mixture")
SEGMENT = (0.0, 1.0)

TOY = '''
import numpy as np


def energy_ratio_db(references, estimates, sample_rate, floor_db=-120.0):
    """Estimate energy over reference energy, in dB, per stem."""
    assert sample_rate == 44100
    out = {}
    for stem, ref in references.items():
        est = estimates[stem]
        ratio = np.sum(est**2) / max(np.sum(ref**2), 1e-30)
        out[stem] = max(floor_db, 10 * np.log10(max(ratio, 1e-30)))
    return out
'''


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A complete HAAQI-only run: (its folder, its config)."""
    base = tmp_path_factory.mktemp("metrics")
    data = make_dataset(base / "data", SONGS, [LISTENER], seconds=1.5)
    mine = base / "mine"
    mine.mkdir()
    (mine / "toy_metric.py").write_text(TOY)
    config = {
        "data": {"root": str(data), "build_demo": False},
        "separators": {s: {"kind": s} for s in SEPARATORS},
        "scoring": {
            "verify_pairs": 0,
            "segment": {"start": SEGMENT[0], "end": SEGMENT[1]},
            "metrics": ["haaqi"],
            "custom_metrics": {
                "energy": {
                    "callable": "toy_metric:energy_ratio_db",
                    "python_path": str(mine),
                    "title": "Energy ratio (dB)",
                }
            },
        },
        "compare": {"min_songs": 2, "min_listeners": 2, "resamples": 200},
    }
    snakemake(base / "run", write_config(base / "config.yaml", config))
    return base, config


def with_metrics(finished, metrics, name, *extra, dry=True):
    base, config = finished
    changed = copy.deepcopy(config)
    changed["scoring"]["metrics"] = metrics
    path = write_config(base / f"{name}.yaml", changed)
    done = snakemake(base / "run", path, *(["--dry-run"] if dry else []), *extra)
    return done.stdout + done.stderr


# what reads the metric tables: the summary (and its report page), the config page
# (any config change), and the root Snakefile's target rule (`default`)
READERS = {"summary": 1, "report_tables": 1, "report_config": 1, "all": 1}


@pytest.mark.slow
def test_adding_sdr_then_a_user_metric_and_removing_sdr(finished):
    base, _ = finished
    run = base / "run"
    songs, seps = len(SONGS), len(SEPARATORS)

    text = with_metrics(finished, ["haaqi", "sdr"], "add_sdr")
    expected = {"sdr": songs * seps, "metric_table": seps, "plot_metric_vs_haaqi": 1}
    expected |= {"compare_metric": 1, "plot_forest_metric": 1}
    assert rule_counts(jobs(text)) == {**expected, **READERS}, text[-3000:]
    assert job_stats(text) == {**expected, **READERS}
    print(f"\nadding sdr plans: {job_stats(text)}")

    with_metrics(finished, ["haaqi", "sdr", "energy"], "add_both", dry=False)
    summary = (run / "results/summary.md").read_text()
    print(summary)
    assert "## SDR (dB, museval BSSEval v4) per stem" in summary
    assert "## Energy ratio (dB) per stem" in summary
    table = pd.read_csv(run / "results/metrics_summary.csv")
    sdr = table[table.metric == "sdr"].set_index("separator")
    assert np.isposinf(sdr.loc["oracle", list(STEMS)].astype(float)).all()
    assert np.isfinite(sdr.loc["mixture", list(STEMS)].astype(float)).all()

    # the user's metric, recomputed here from the run's own files
    energy = pd.read_csv(run / "results/metrics/energy/mixture.csv")
    data = base / "data/audio/musdb18hq/test"
    start, end = (int(t * 44100) for t in SEGMENT)
    for song in SONGS:
        stems = load_stems(run / f"results/separated/mixture/{song}.npz")
        for stem in STEMS:
            ref = wavfile.read(data / song / f"{stem}.wav")[1][start:end] / 32768.0
            est = stems[stem].T.astype(np.float64)[start:end]
            want = 10 * np.log10(np.sum(est**2) / np.sum(ref**2))
            got = energy[(energy.song == song) & (energy.stem == stem)]["energy"]
            assert float(got.iloc[0]) == pytest.approx(want, rel=1e-12)
    assert (run / "results/plots/haaqi_vs_sdr.png").stat().st_size > 10_000
    assert (run / "results/plots/haaqi_vs_energy.png").stat().st_size > 10_000
    comparisons = pd.read_csv(run / "results/compare/energy/comparisons.csv")
    assert set(comparisons.metric) == {"energy"}
    assert set(comparisons.scope) == {"overall", "stem"}  # songs only: no bands
    assert (comparisons.listeners == 1).all() and (comparisons.songs == 2).all()
    ranking = pd.read_csv(run / "results/compare/sdr/ranking.csv")
    assert list(ranking.system) == ["oracle", "mixture"] and "mean_sdr" in ranking
    assert (run / "results/plots/compare_forest_sdr.png").stat().st_size > 10_000
    museval_json = run / f"results/metrics/sdr/mixture/{next(iter(SONGS))}.json"
    assert "museval_version" in museval_json.read_text()

    text = with_metrics(finished, ["haaqi", "energy"], "remove_sdr")
    planned = rule_counts(jobs(text))
    print(f"removing sdr plans: {job_stats(text)}")
    assert planned == READERS, text[-3000:]
