"""Paired comparison of systems, checked against independent computations: an exact
Wilcoxon p-value by enumerating every sign assignment, scipy's own test on the pairs
both tables hold, and a bootstrap interval from a hand-rolled resampling loop with the
same seed."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scistats

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation import compare
from vdbo.evaluation.aggregate import OFFICIAL_COLUMNS

SONGS = [f"Song {k}" for k in range(4)]
LISTENERS = [f"L{k:04d}" for k in range(1, 6)]


def write_table(path: Path, cells: dict[tuple[str, str], np.ndarray]) -> Path:
    """An official score table: pair -> 8 cells in OFFICIAL_COLUMNS order (NaN ok)."""
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(OFFICIAL_COLUMNS)
        for (song, lid), ears in cells.items():
            w.writerow(
                [song, lid, repr(float(np.nanmean(ears)))] + list(map(repr, ears))
            )
    return path


def random_cells(seed: int, level: float, skip=()) -> dict:
    rng = np.random.default_rng(seed)
    return {
        (s, lid): np.clip(level + 0.15 * rng.standard_normal(8), 0, 1)
        for s in SONGS
        for lid in LISTENERS
        if (s, lid) not in skip
    }


def exact_wilcoxon_p(d: np.ndarray) -> float:
    """Two-sided exact p: the share of the 2^n sign flips whose positive-rank sum is
    at least as far from its mean as the observed one (no ties, no zeros)."""
    ranks = scistats.rankdata(np.abs(d))
    observed = ranks[d > 0].sum()
    centre = ranks.sum() / 2
    sums = np.array(
        [
            ranks[np.array(signs, bool)].sum()
            for signs in itertools.product([0, 1], repeat=len(d))
        ]
    )
    return float(np.mean(np.abs(sums - centre) >= abs(observed - centre) - 1e-12))


def test_wilcoxon_matches_exact_enumeration():
    d = np.array([0.12, -0.03, 0.08, 0.21, -0.05, 0.17, 0.02, 0.11, -0.09, 0.14])
    assert compare.wilcoxon_p(d) == pytest.approx(exact_wilcoxon_p(d), rel=1e-9)
    assert compare.wilcoxon_p(np.zeros(4)) == 1.0
    assert np.isnan(compare.wilcoxon_p(np.array([])))


def test_pairs_aligned_and_missing_counted(tmp_path):
    cells_a = random_cells(1, 0.6, skip={("Song 0", "L0001"), ("Song 2", "L0003")})
    cells_b = random_cells(2, 0.4, skip={("Song 1", "L0004")})
    cells_b[("Song 3", "L0005")][[6, 7]] = np.nan  # both vocals ears skipped
    a = compare.read_pair_values(write_table(tmp_path / "a.csv", cells_a))
    # b's rows in another order: pairs are matched by (song, listener), not by row
    b_cells = dict(reversed(list(cells_b.items())))
    b = compare.read_pair_values(write_table(tmp_path / "b.csv", b_cells))
    settings = compare.Settings(resamples=200, seed=7)
    row = compare.compare_pair(a["overall"], b["overall"], settings)
    assert row["pairs"] == len(SONGS) * len(LISTENERS)
    assert (row["missing_a"], row["missing_b"], row["missing_both"]) == (2, 1, 0)
    assert row["used"] == row["pairs"] - 3
    common = sorted(set(cells_a) & set(cells_b))
    d = np.array([np.nanmean(cells_a[k]) - np.nanmean(cells_b[k]) for k in common])
    assert row["p_wilcoxon"] == pytest.approx(scistats.wilcoxon(d).pvalue, rel=1e-12)
    assert row["mean_diff"] == pytest.approx(d.mean(), abs=1e-12)
    assert row["win_share"] == pytest.approx(np.mean(d > 0))
    assert row["wins"] + row["ties"] + row["losses"] == row["used"]
    vocals = compare.compare_pair(a["vocals"], b["vocals"], settings)
    assert vocals["missing_b"] == 2  # Song 1/L0004 absent, Song 3/L0005 skipped
    one_ear = {k: v for k, v in cells_b.items()}
    one_ear[("Song 3", "L0005")] = cells_b[("Song 3", "L0005")].copy()
    one_ear[("Song 3", "L0005")][7] = 0.5  # right vocals back: the left is kept out
    b2 = compare.read_pair_values(write_table(tmp_path / "b2.csv", one_ear))
    assert b2.loc[("Song 3", "L0005"), "vocals"] == 0.5


def test_bootstrap_interval_equals_hand_rolled_resampling(tmp_path):
    a = compare.read_pair_values(
        write_table(
            tmp_path / "a.csv", random_cells(3, 0.6, skip={("Song 1", "L0002")})
        )
    )
    b = compare.read_pair_values(write_table(tmp_path / "b.csv", random_cells(4, 0.5)))
    settings = compare.Settings(resamples=300, seed=1234, confidence=0.9)
    row = compare.compare_pair(a["drums"], b["drums"], settings)
    # by hand: the same generator, songs drawn first then listeners, each resample's
    # mean over the drawn songs x drawn listeners that both tables hold
    songs, listeners = sorted(SONGS), sorted(LISTENERS)
    rng = np.random.default_rng(1234)
    song_draws = rng.integers(0, len(songs), size=(300, len(songs)))
    listener_draws = rng.integers(0, len(listeners), size=(300, len(listeners)))
    da, db = a["drums"].to_dict(), b["drums"].to_dict()
    means = []
    for s_idx, l_idx in zip(song_draws, listener_draws, strict=True):
        values = []
        for i in s_idx:
            for j in l_idx:
                key = (songs[i], listeners[j])
                if key in da and key in db:
                    values.append(da[key] - db[key])
        means.append(sum(values) / len(values))
    low, high = np.percentile(means, [5, 95])
    assert row["ci_low"] == pytest.approx(low, abs=1e-12)
    assert row["ci_high"] == pytest.approx(high, abs=1e-12)
    assert row["empty_resamples"] == 0
    again = compare.compare_pair(a["drums"], b["drums"], settings)
    assert (again["ci_low"], again["ci_high"]) == (row["ci_low"], row["ci_high"])


def test_compare_systems_bands_ranking_and_ties(tmp_path):
    weak = random_cells(6, 0.30)
    # weak_too: weak with +-0.01 alternating over pairs, level with it by design
    weak_too = {k: v + 0.01 * (-1) ** i for i, (k, v) in enumerate(weak.items())}
    cells = {"oracle": random_cells(5, 0.95), "weak": weak, "weak_too": weak_too}
    values = {
        name: compare.read_pair_values(write_table(tmp_path / f"{name}.csv", c))
        for name, c in cells.items()
    }
    bands = compare.bands_from_config(
        [
            {"name": "mild", "below_db_hl": 35},
            {"name": "moderate", "below_db_hl": 50},
            {"name": "worse", "below_db_hl": None},
        ]
    )
    ptas = {lid: (20.0 + 10 * k, 40.0) for k, lid in enumerate(LISTENERS)}
    by_listener = compare.listener_bands(ptas, bands)
    # better ear: 20, 30 -> mild; 40, 40, 40 -> moderate (right ear better); none worse
    assert list(by_listener.values()) == ["mild", "mild", "moderate"] + ["moderate"] * 2
    settings = compare.Settings(resamples=500, seed=3, min_songs=4, min_listeners=2)
    table = compare.compare_systems(
        values, by_listener, [b.name for b in bands], settings
    )
    assert list(table.columns) == compare.COLUMNS
    per_pair = 1 + len(STEMS) + len(bands)
    assert len(table) == 3 * per_pair
    first = table.iloc[0]
    assert first["system_a"] == "oracle" and first["scope"] == "overall"
    assert first["significant"] and first["ci_low"] > 0
    worse = table[(table.scope == "band") & (table.subset == "worse")]
    assert (worse["used"] == 0).all() and worse["mean_diff"].isna().all()
    mild = table[(table.scope == "band") & (table.subset == "mild")].iloc[0]
    assert mild["listeners"] == 2 and mild["used"] == 2 * len(SONGS)
    p = table["p_wilcoxon"].to_numpy()
    have = np.isfinite(p)
    expected = scistats.false_discovery_control(p[have])
    np.testing.assert_allclose(table["q_bh"].to_numpy()[have], expected)
    ranks = compare.ranking(values, table).set_index("system")
    assert ranks.loc["oracle", "rank"] == "1"
    weak_pair = table[(table.scope == "overall") & (table.system_a != "oracle")]
    assert not weak_pair["significant"].item()
    assert ranks.loc["weak", "rank"] == ranks.loc["weak_too", "rank"] == "2-3"
    assert ranks.loc["weak", "tied_with"] == "weak_too"
    assert ranks.loc["oracle", "tied_with"] == ""
    text = compare.sentence(first)
    assert text.startswith("oracle beats weak") and f"{first['mean_diff']:+.3f}" in text
    # 4 songs, 5 listeners: with the default minimum of 10 each, the same interval
    # is printed but not trusted, and nothing is ranked apart
    strict = compare.compare_systems(
        values, by_listener, [b.name for b in bands], compare.Settings(500, seed=3)
    )
    assert strict.iloc[0]["ci_low"] == first["ci_low"]
    assert not strict["significant"].any() and not strict["enough_units"].any()
    assert compare.sentence(strict.iloc[0]).startswith("oracle leads weak")
    assert "only 4 songs and 5 listeners: too few to call" in compare.sentence(
        strict.iloc[0]
    )
    assert set(compare.ranking(values, strict)["rank"]) == {"1-3"}


def test_bad_tables_and_bands(tmp_path):
    path = tmp_path / "dup.csv"
    cells = random_cells(8, 0.5)
    write_table(path, cells)
    with path.open("a") as f:
        first = next(iter(cells))
        f.write(",".join([first[0], first[1]] + ["0.5"] * 9) + "\n")
    with pytest.raises(InputError, match="listed twice"):
        compare.read_pair_values(path)
    pd.DataFrame({"song": ["x"], "listener": ["L1"]}).to_csv(tmp_path / "bad.csv")
    with pytest.raises(InputError, match="missing columns"):
        compare.read_pair_values(tmp_path / "bad.csv")
    with pytest.raises(InputError, match="not increasing"):
        compare.bands_from_config(
            [{"name": "a", "below_db_hl": 50}, {"name": "b", "below_db_hl": 35}]
        )
    a = compare.read_pair_values(write_table(tmp_path / "a.csv", cells))
    with pytest.raises(InputError, match="no audiogram"):
        compare.compare_systems(
            {"a": a, "b": a}, {}, ["mild"], compare.Settings(resamples=10)
        )
