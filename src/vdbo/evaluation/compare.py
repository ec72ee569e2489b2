"""Paired comparison of scored systems: which is better, for whom, and how sure.

Two systems scored on the same (song, listener) pairs are compared on the pairs both
have: the mean paired difference of HAAQI with a bootstrap confidence interval that
resamples songs and listeners (a crossed, two-way bootstrap: songs and listeners are
both samples of larger populations, and pairs sharing a song or a listener are not
independent), a Wilcoxon signed-rank test of the pair differences (scipy), and the share
of pairs each wins. Overall (the official pair ``score``), per stem (both ears
averaged, as the summary does) and per hearing-loss band of the listener.

A pair one system lacks (absent from its table, or NaN: a stem-ear skipped for a silent
reference) is counted per comparison (``missing_a``, ``missing_b``, ``missing_both``),
never dropped unseen. Every bootstrap uses the same seed, so a comparison's interval
does not change when systems are added to the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from vdbo import SIDES, STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation.aggregate import OFFICIAL_COLUMNS

PAIR = ("song", "listener")
OVERALL = "overall"
COLUMNS = [
    "system_a",
    "system_b",
    "scope",
    "subset",
    "pairs",
    "used",
    "missing_a",
    "missing_b",
    "missing_both",
    "songs",
    "listeners",
    "mean_a",
    "mean_b",
    "mean_diff",
    "ci_low",
    "ci_high",
    "enough_units",
    "significant",
    "p_wilcoxon",
    "q_bh",
    "wins",
    "ties",
    "losses",
    "win_share",
    "empty_resamples",
]
"""Columns of ``results/compare/comparisons.csv``, one row per (pair of systems,
subset). ``used``: pairs both systems have; ``win_share``: wins of A / used;
``enough_units``: songs and listeners reach ``Settings.min_songs``/``min_listeners``;
``significant``: that, and the interval excludes 0."""


@dataclass(frozen=True)
class Settings:
    """How the comparison is computed (config key ``compare``)."""

    resamples: int = 10000
    seed: int = 20240101
    confidence: float = 0.95
    min_songs: int = 10
    min_listeners: int = 10
    """Below these, an interval is printed but never called significant: resampling
    2 songs knows 3 compositions, and percentile intervals of so few units are far
    too narrow."""


@dataclass(frozen=True)
class Band:
    """A hearing-loss band: listeners whose better-ear PTA is below ``below_db_hl``
    (None: no upper limit) and not in an earlier band."""

    name: str
    below_db_hl: float | None


def bands_from_config(entries: Iterable[dict]) -> list[Band]:
    """Bands in config order (``compare.bands``), upper limits increasing."""
    bands = [Band(e["name"], e.get("below_db_hl")) for e in entries]
    limits = [b.below_db_hl for b in bands]
    finite = [x for x in limits if x is not None]
    if (
        finite != sorted(finite)
        or None in limits[:-1]
        or len(set(limits)) < len(limits)
    ):
        raise InputError(
            None,
            f"compare.bands limits {limits} are not increasing (null only last)",
            "list the bands from mild to severe, each below_db_hl above the last",
        )
    return bands


def band_of(pta_db_hl: float, bands: Sequence[Band]) -> str | None:
    """The first band whose limit is above ``pta_db_hl``; None if above them all."""
    for band in bands:
        if band.below_db_hl is None or pta_db_hl < band.below_db_hl:
            return band.name
    return None


def listener_bands(
    ptas: dict[str, tuple[float, float]], bands: Sequence[Band]
) -> dict[str, str | None]:
    """{listener: band} from each listener's (left, right) PTA; the better ear (the
    lower threshold) decides, as in the WHO grades of hearing loss."""
    return {lid: band_of(min(pair), bands) for lid, pair in ptas.items()}


def band_table(
    ptas: dict[str, tuple[float, float]], bands: dict[str, str | None]
) -> pd.DataFrame:
    """Each listener's PTA per ear, the better ear's and its band (for the CSV)."""
    return pd.DataFrame(
        [
            {
                "listener": lid,
                "pta_left_db_hl": left,
                "pta_right_db_hl": right,
                "pta_better_ear_db_hl": min(left, right),
                "band": bands[lid],
            }
            for lid, (left, right) in ptas.items()
        ]
    )


def read_pair_values(path: str | Path) -> pd.DataFrame:
    """One system's official table as one row per pair: ``overall`` (the official
    pair score) and one column per stem (nanmean of its two ears, NaN when both are
    skipped), indexed by (song, listener)."""
    table = pd.read_csv(
        path, float_precision="round_trip", dtype={"song": str, "listener": str}
    )
    if missing := [c for c in OFFICIAL_COLUMNS if c not in table]:
        raise InputError(
            path,
            f"missing columns {missing}",
            "rerun the aggregate_scores (or score_submission) rule that writes it",
        )
    if table.duplicated(list(PAIR)).any():
        dup = table[table.duplicated(list(PAIR), keep=False)][list(PAIR)]
        raise InputError(
            path,
            f"pairs listed twice: {dup.drop_duplicates().values.tolist()[:5]}",
            "rerun the rule that writes it; a pair has one row",
        )
    values = pd.DataFrame({OVERALL: table["score"].astype(float)})
    for stem in STEMS:
        ears = table[[f"{side}_{stem}" for side in SIDES]].to_numpy(dtype=float)
        have = np.isfinite(ears).sum(axis=1)
        values[stem] = np.where(
            have > 0, np.nansum(ears, axis=1) / np.maximum(have, 1), np.nan
        )
    values.index = pd.MultiIndex.from_frame(table[list(PAIR)])
    return values


def difference_grid(
    a: pd.Series, b: pd.Series
) -> tuple[np.ndarray, list[str], list[str]]:
    """A - B as a song x listener matrix over every pair either lists (NaN where one
    lacks it); songs and listeners sorted by name, so the order of the tables does not
    change the resampling."""
    pairs = a.index.union(b.index)
    songs = sorted(set(pairs.get_level_values("song")))
    listeners = sorted(set(pairs.get_level_values("listener")))
    grid = np.full((len(songs), len(listeners)), np.nan)
    diff = a.reindex(pairs) - b.reindex(pairs)
    si = {s: i for i, s in enumerate(songs)}
    li = {lid: j for j, lid in enumerate(listeners)}
    for (song, lid), d in diff.items():
        grid[si[song], li[lid]] = d
    return grid, songs, listeners


def resample_indices(
    n_songs: int, n_listeners: int, resamples: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap draws: song indices (resamples x songs), then listener indices
    (resamples x listeners), from one generator seeded with ``seed``."""
    rng = np.random.default_rng(seed)
    songs = rng.integers(0, n_songs, size=(resamples, n_songs))
    listeners = rng.integers(0, n_listeners, size=(resamples, n_listeners))
    return songs, listeners


def bootstrap_means(grid: np.ndarray, settings: Settings) -> np.ndarray:
    """Mean of ``grid`` over the pairs of each resample: every (song, listener) of the
    resampled songs x resampled listeners, counted as often as drawn, NaN cells left
    out; NaN for a resample holding no present pair."""
    n_songs, n_listeners = grid.shape
    song_idx, listener_idx = resample_indices(
        n_songs, n_listeners, settings.resamples, settings.seed
    )
    song_counts = _counts(song_idx, n_songs)
    listener_counts = _counts(listener_idx, n_listeners)
    present = np.isfinite(grid)
    total = np.einsum(
        "bs,sl,bl->b", song_counts, np.where(present, grid, 0.0), listener_counts
    )
    weight = np.einsum("bs,sl,bl->b", song_counts, present * 1.0, listener_counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 0, total / weight, np.nan)


def _counts(indices: np.ndarray, n: int) -> np.ndarray:
    counts = np.zeros((indices.shape[0], n))
    np.add.at(counts, (np.arange(indices.shape[0])[:, None], indices), 1.0)
    return counts


def interval(means: np.ndarray, confidence: float) -> tuple[float, float]:
    """Percentile interval of the bootstrap means (NaN resamples left out)."""
    finite = means[np.isfinite(means)]
    if not finite.size:
        return np.nan, np.nan
    tail = (1 - confidence) / 2
    low, high = np.quantile(finite, [tail, 1 - tail])
    return float(low), float(high)


def wilcoxon_p(diffs: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value (scipy, zero differences dropped);
    1.0 when no difference is non-zero (nothing to test), NaN without pairs."""
    if not diffs.size:
        return np.nan
    if not np.any(diffs != 0):
        return 1.0
    return float(stats.wilcoxon(diffs, zero_method="wilcox").pvalue)


def compare_pair(
    a: pd.Series, b: pd.Series, settings: Settings
) -> dict[str, float | int]:
    """Every statistic of one comparison (A - B) of two series indexed by pair."""
    grid, songs, listeners = difference_grid(a, b)
    pairs = a.index.union(b.index)
    have_a = a.reindex(pairs).notna().to_numpy()
    have_b = b.reindex(pairs).notna().to_numpy()
    used = have_a & have_b
    diffs = grid[np.isfinite(grid)]
    both = pairs[used]
    row: dict[str, float | int] = {
        "pairs": len(pairs),
        "used": int(used.sum()),
        "missing_a": int((~have_a & have_b).sum()),
        "missing_b": int((have_a & ~have_b).sum()),
        "missing_both": int((~have_a & ~have_b).sum()),
        "songs": len(set(both.get_level_values("song"))) if len(both) else 0,
        "listeners": len(set(both.get_level_values("listener"))) if len(both) else 0,
        "mean_a": float(a.reindex(both).mean()) if len(both) else np.nan,
        "mean_b": float(b.reindex(both).mean()) if len(both) else np.nan,
    }
    if not diffs.size:
        return (
            row
            | dict.fromkeys(
                ("mean_diff", "ci_low", "ci_high", "p_wilcoxon", "win_share"), np.nan
            )
            | {"wins": 0, "ties": 0, "losses": 0, "empty_resamples": 0}
        )
    means = bootstrap_means(grid, settings)
    low, high = interval(means, settings.confidence)
    return row | {
        "mean_diff": float(diffs.mean()),
        "ci_low": low,
        "ci_high": high,
        "p_wilcoxon": wilcoxon_p(diffs),
        "wins": int((diffs > 0).sum()),
        "ties": int((diffs == 0).sum()),
        "losses": int((diffs < 0).sum()),
        "win_share": float((diffs > 0).mean()),
        "empty_resamples": int(np.isnan(means).sum()),
    }


def system_means(values: dict[str, pd.DataFrame]) -> pd.Series:
    """Mean official pair score of each system over the pairs it has, best first
    (ties by name)."""
    means = pd.Series({s: float(v[OVERALL].mean()) for s, v in values.items()})
    order = sorted(means.index, key=lambda s: (-np.nan_to_num(means[s], nan=-1), s))
    return means[order]


def compare_systems(
    values: dict[str, pd.DataFrame],
    bands: dict[str, str | None],
    band_names: Sequence[str],
    settings: Settings,
) -> pd.DataFrame:
    """Every two systems (A the one with the higher mean pair score), overall, per
    stem and per hearing-loss band (``bands``: {listener: band}; a band no listener
    falls in still gets its rows, with 0 pairs). Columns :data:`COLUMNS`."""
    order = list(system_means(values).index)
    rows = []
    for i, name_a in enumerate(order):
        for name_b in order[i + 1 :]:
            a, b = values[name_a], values[name_b]
            subsets = [("overall", OVERALL, OVERALL, None)]
            subsets += [("stem", stem, stem, None) for stem in STEMS]
            subsets += [("band", name, OVERALL, name) for name in band_names]
            for scope, subset, column, band in subsets:
                sa, sb = a[column], b[column]
                if band is not None:
                    sa, sb = _in_band(sa, bands, band), _in_band(sb, bands, band)
                stats_row = compare_pair(sa, sb, settings)
                rows.append(
                    {
                        "system_a": name_a,
                        "system_b": name_b,
                        "scope": scope,
                        "subset": subset,
                    }
                    | stats_row
                )
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "q_bh"])
    table["enough_units"] = (table["songs"] >= settings.min_songs) & (
        table["listeners"] >= settings.min_listeners
    )
    table["significant"] = table["enough_units"] & (
        (table["ci_low"] > 0) | (table["ci_high"] < 0)
    )
    table.insert(COLUMNS.index("q_bh"), "q_bh", _bh(table["p_wilcoxon"]))
    return table[COLUMNS]


def _in_band(series: pd.Series, bands: dict[str, str | None], band: str) -> pd.Series:
    listeners = series.index.get_level_values("listener")
    unknown = sorted(set(listeners) - set(bands))
    if unknown:
        raise InputError(
            None,
            f"listeners {unknown[:5]} have no audiogram",
            "compare with the listeners file the systems were scored with",
        )
    return series[[bands[lid] == band for lid in listeners]]


def _bh(p: pd.Series) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values over the table's tests (scipy)."""
    out = np.full(len(p), np.nan)
    have = p.notna().to_numpy()
    if have.any():
        out[have] = stats.false_discovery_control(p[have].to_numpy(), method="bh")
    return out


def ranking(values: dict[str, pd.DataFrame], comparisons: pd.DataFrame) -> pd.DataFrame:
    """Systems by mean pair score with the ranks the overall intervals allow.

    ``rank_best`` is 1 + the systems significantly better (their interval of the
    difference excludes 0), ``rank_worst`` the number of systems minus those
    significantly worse: two systems whose intervals include 0 share ranks (a tie).
    """
    means = system_means(values)
    overall = comparisons[comparisons["scope"] == "overall"]
    rows = []
    for system, mean in means.items():
        better = worse = 0
        tied = []
        for _, r in overall.iterrows():
            if system not in (r["system_a"], r["system_b"]):
                continue
            other = r["system_b"] if r["system_a"] == system else r["system_a"]
            sign = 1 if r["system_a"] == system else -1
            if r["significant"] and sign * r["mean_diff"] > 0:
                worse += 1
            elif r["significant"]:
                better += 1
            else:
                tied.append(other)
        rank_best, rank_worst = 1 + better, len(means) - worse
        rows.append(
            {
                "rank": str(rank_best)
                if rank_best == rank_worst
                else f"{rank_best}-{rank_worst}",
                "system": system,
                "mean_haaqi": mean,
                "pairs": int(values[system][OVERALL].notna().sum()),
                "rank_best": rank_best,
                "rank_worst": rank_worst,
                "tied_with": " ".join(tied),
            }
        )
    return pd.DataFrame(rows)


def sentence(row: pd.Series) -> str:
    """One comparison in words: ``demo_umx beats mixture on vocals: +0.030
    [0.010, 0.050] (120 pairs)``; ``is level with`` when the interval includes 0,
    ``leads``/``is behind``, flagged, with too few songs or listeners to resample."""
    where = {
        "overall": "overall",
        "stem": f"on {row['subset']}",
        "band": f"for {row['subset']} listeners",
    }[row["scope"]]
    if not np.isfinite(row["mean_diff"]):
        return f"{row['system_a']} and {row['system_b']}: no common pairs {where}"
    if row["significant"]:
        verb = "beats" if row["mean_diff"] > 0 else "trails"
    elif row["enough_units"]:
        verb = "is level with"
    else:
        verb = "leads" if row["mean_diff"] > 0 else "is behind"
    text = (
        f"{row['system_a']} {verb} {row['system_b']} {where}: "
        f"{row['mean_diff']:+.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}] "
        f"({row['used']} pairs"
    )
    if not row["enough_units"]:
        text += (
            f"; only {row['songs']} songs and {row['listeners']} listeners: too few "
            "to call"
        )
    return text + ")"


ALL_LISTENERS = "all listeners"
"""The listener of a per-song metric's values (SDR does not depend on the listener):
its comparisons resample songs only."""


def read_metric_values(path: str | Path, column: str) -> pd.DataFrame:
    """A per-song metric's table (vdbo.evaluation.metrics) as :func:`read_pair_values`
    gives a HAAQI table: one row per song (listener :data:`ALL_LISTENERS`), a column
    per stem (``column`` of the table) and ``overall``, the mean of the four stems."""
    from vdbo.evaluation.metrics import read_table

    table = read_table(path)
    if missing := [c for c in ("song", "stem", column) if c not in table]:
        raise InputError(
            path, f"missing columns {missing}", "rerun the metric_table rule"
        )
    wide = table.pivot(index="song", columns="stem", values=column)
    values = pd.DataFrame({OVERALL: wide[list(STEMS)].mean(axis=1)})
    for stem in STEMS:
        values[stem] = wide[stem]
    values.index = pd.MultiIndex.from_arrays(
        [wide.index.astype(str), [ALL_LISTENERS] * len(wide)], names=list(PAIR)
    )
    return values


def compare_metric(
    values: dict[str, pd.DataFrame], settings: Settings, metric: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paired comparison and ranking of a per-song metric: as :func:`compare_systems`
    over songs (no listener to resample, so no band rows and only ``min_songs``
    decides whether there are enough units); both tables name the metric."""
    per_song = Settings(
        settings.resamples, settings.seed, settings.confidence, settings.min_songs, 1
    )
    table = compare_systems(values, {}, [], per_song)
    table.insert(0, "metric", metric)
    ranks = ranking(values, table).rename(columns={"mean_haaqi": f"mean_{metric}"})
    ranks.insert(0, "metric", metric)
    return table, ranks
