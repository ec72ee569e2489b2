"""HAAQI against a separation metric (SDR), per stem: does a separator's SDR gain
reach each kind of listener?

One point per (separator, pair, stem): x is the song's value of the metric for that
separator and stem (computed once per song: separation does not depend on the
listener), y the pair's HAAQI of that stem (the mean of its two ears, as the summary
averages them), coloured by the listener's hearing-loss band (``compare.bands``, the
better ear's pure-tone average, as the paired comparison bands them).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vdbo import SIDES, STEMS
from vdbo.evaluation import compare
from vdbo.evaluation.metrics import read_table
from vdbo.report import style
from vdbo.report.hearing import pure_tone_average
from vdbo.report.scores import read_scores

NO_BAND = "beyond the last band"
POINT_COLUMNS = ["separator", "song", "listener", "stem", "metric", "haaqi", "band"]


def points(
    haaqi_tables: Mapping[str, str | Path],
    metric_tables: Mapping[str, str | Path],
    column: str,
    bands_by_listener: Mapping[str, str | None],
) -> pd.DataFrame:
    """One row per (separator, song, listener, stem): the metric and HAAQI."""
    rows = []
    for separator, path in metric_tables.items():
        metric = read_table(path).set_index(["song", "stem"])[column]
        scores = read_scores(haaqi_tables[separator])
        for _, pair in scores.iterrows():
            for stem in STEMS:
                ears = [pair[f"{side}_{stem}"] for side in SIDES]
                rows.append(
                    {
                        "separator": separator,
                        "song": pair["song"],
                        "listener": pair["listener"],
                        "stem": stem,
                        "metric": metric.get((pair["song"], stem), np.nan),
                        "haaqi": np.nanmean(ears)
                        if not np.isnan(ears).all()
                        else np.nan,
                        "band": bands_by_listener.get(pair["listener"]) or NO_BAND,
                    }
                )
    table = pd.DataFrame(rows, columns=POINT_COLUMNS)
    return table.astype({"metric": float, "haaqi": float})


def listener_bands(audiograms: Mapping[str, dict], bands: list[dict]) -> dict:
    """{listener: band name} as the paired comparison bands listeners."""
    ptas = {
        lid: tuple(pure_tone_average(a, side) for side in SIDES)
        for lid, a in audiograms.items()
    }
    return compare.listener_bands(ptas, compare.bands_from_config(bands))


def plot(table: pd.DataFrame, title: str, band_order: list[str], out: str | Path):
    """Four panels (one per stem): HAAQI against the metric, coloured by band.

    Infinite metric values (the oracle's SDR) cannot be placed and are counted in
    the panel's title."""
    fig, axes = style.figure(1, len(STEMS), width=12.0, height=3.8, sharey=True)
    colour = style.colours([*band_order, NO_BAND])
    for ax, stem in zip(axes[0], STEMS, strict=True):
        mine = table[table.stem == stem]
        finite = mine[np.isfinite(mine.metric) & np.isfinite(mine.haaqi)]
        for band in [*band_order, NO_BAND]:
            dots = finite[finite.band == band]
            if len(dots):
                ax.scatter(
                    dots.metric,
                    dots.haaqi,
                    s=24,
                    alpha=0.8,
                    color=colour[band],
                    label=band,
                    gid=f"points:{stem}:{band}",
                )
        unplaced = len(mine) - len(finite)
        ax.set_title(stem + (f" ({unplaced} not finite)" if unplaced else ""))
        ax.set_xlabel(title)
        if not len(finite):
            style.note(ax, "no finite point")
    axes[0, 0].set_ylabel("HAAQI of the stem (mean of ears)")
    axes[0, 0].set_ylim(-0.02, 1.02)
    handles = {}
    for ax in axes[0]:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, h)
    if handles:
        axes[0, -1].legend(handles.values(), handles.keys(), title="hearing loss")
    style.save(fig, out)
