"""The metric registry (vdbo.evaluation.metrics) and the per-song comparison."""

import numpy as np
import pandas as pd
import pytest

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation import compare, metrics

SCORING = {"metrics": ["haaqi", "sdr"], "custom_metrics": {}}


def test_defaults_are_haaqi_then_sdr_with_their_kinds_and_costs():
    chosen = metrics.selected(SCORING)
    assert [(m.name, m.compares) for m in chosen] == [
        ("haaqi", metrics.ENHANCED),
        ("sdr", metrics.SEPARATED),
    ]
    assert metrics.separated_names(SCORING) == ["sdr"]
    assert metrics.cost_of("sdr", SCORING) is metrics.SDR_COST
    from vdbo.evaluation.engines import get_engine

    assert (
        metrics.cost_of("haaqi", {"engine": "official"}) is get_engine("official").cost
    )


@pytest.mark.parametrize(
    "scoring, message",
    [
        ({"metrics": ["haaqi", "pesq"]}, "neither built in"),
        ({"metrics": ["sdr"]}, "must list haaqi"),
        (
            {
                "metrics": ["haaqi", "sdr"],
                "custom_metrics": {"sdr": {"callable": "a:b"}},
            },
            "name of a built-in",
        ),
    ],
)
def test_bad_metric_lists_are_refused(scoring, message):
    with pytest.raises(InputError, match=message):
        metrics.selected(scoring)


def test_a_name_registers_once():
    with pytest.raises(ValueError, match="twice"):
        metrics.register(metrics.REGISTRY["sdr"])


def write_table(path, per_song):
    rows = [
        {"song": song, "stem": stem, "SDR": value + i}
        for song, value in per_song.items()
        for i, stem in enumerate(STEMS)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_summary_is_the_median_over_songs_per_stem(tmp_path):
    a = write_table(tmp_path / "a.csv", {"s1": 1.0, "s2": 2.0, "s3": 10.0})
    b = write_table(tmp_path / "b.csv", {"s1": np.nan, "s2": 4.0, "s3": 6.0})
    table = metrics.summary_table({("sdr", "a"): a, ("sdr", "b"): b}, SCORING)
    assert list(table.columns) == metrics.SUMMARY_COLUMNS
    assert table.loc[0, "vocals"] == 2.0 and table.loc[0, "other"] == 5.0
    assert table.loc[1, "vocals"] == 5.0  # the NaN song is skipped
    text = metrics.metrics_markdown(table, SCORING)
    assert text.startswith("\n## SDR (dB, museval BSSEval v4) per stem")


def test_per_song_comparison_resamples_songs_and_names_its_metric(tmp_path):
    songs = {f"s{i}": float(i) for i in range(6)}
    better = write_table(tmp_path / "better.csv", {s: v + 1 for s, v in songs.items()})
    worse = write_table(tmp_path / "worse.csv", songs)
    values = {
        name: compare.read_metric_values(path, "SDR")
        for name, path in (("better", better), ("worse", worse))
    }
    table, ranks = compare.compare_metric(
        values, compare.Settings(500, 1, 0.95, 5, 10), "sdr"
    )
    assert set(table.metric) == {"sdr"} and set(table.scope) == {"overall", "stem"}
    overall = table[table.scope == "overall"].iloc[0]
    assert overall.system_a == "better" and overall.mean_diff == pytest.approx(1.0)
    assert overall.listeners == 1 and overall.songs == 6
    assert overall.significant  # 6 songs >= min_songs; listeners do not apply
    assert list(ranks.system) == ["better", "worse"] and "mean_sdr" in ranks
