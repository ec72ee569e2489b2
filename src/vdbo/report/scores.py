"""HAAQI of the separators: mean per stem and ear, and the listener x song heat map.

Input: the official per-separator CSVs ``results/scores/<separator>.csv`` (one row per
pair: song, listener, score, ``<side>_<stem>`` HAAQI).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vdbo import SIDES, STEMS
from vdbo.core.errors import InputError
from vdbo.report import style

REFERENCES = ("oracle", "mixture")
"""Separators drawn as reference lines: the upper and the lower bound."""


def read_scores(path: str | Path) -> pd.DataFrame:
    """One separator's official CSV, checked for the columns the figures use."""
    table = pd.read_csv(
        path, float_precision="round_trip", dtype={"song": str, "listener": str}
    )
    needed = ["song", "listener", "score"] + [f"{s}_{t}" for t in STEMS for s in SIDES]
    if missing := [c for c in needed if c not in table]:
        raise InputError(
            path,
            f"missing columns {missing}",
            "rerun the aggregate_scores rule that writes it",
        )
    return table


def stem_means(tables: dict[str, str | Path]) -> pd.DataFrame:
    """Mean HAAQI over pairs per separator, ear and stem (long form)."""
    rows = []
    for separator, path in tables.items():
        t = read_scores(path)
        for side in SIDES:
            for stem in STEMS:
                rows.append(
                    {
                        "separator": separator,
                        "side": side,
                        "stem": stem,
                        "haaqi": float(t[f"{side}_{stem}"].mean()),
                        "pairs": len(t),
                    }
                )
    return pd.DataFrame(rows)


def plot_stem_means(tables: dict[str, str | Path], out: str | Path) -> pd.DataFrame:
    """Bars per separator, stem and ear; oracle and mixture as reference lines.

    Returns the plotted values with a ``drawn_as`` column ("bar" or "line").
    """
    means = stem_means(tables)
    separators = list(tables)
    bars = [s for s in separators if s not in REFERENCES] or []
    refs = [s for s in separators if s in REFERENCES]
    colour = style.colours(separators)
    fig, axes = style.figure(1, 2, width=9.5, height=4.2, sharey=True)
    x = np.arange(len(STEMS))
    width = 0.8 / max(len(bars), 1)
    for ax, side in zip(axes[0], SIDES, strict=True):
        for i, sep in enumerate(bars):
            values = [_value(means, sep, side, stem) for stem in STEMS]
            offset = (i - (len(bars) - 1) / 2) * width
            ax.bar(
                x + offset,
                values,
                width * 0.92,
                color=colour[sep],
                label=sep,
                gid=f"bar:{sep}:{side}",
            )
        for sep in refs:
            ls = "-" if sep == "oracle" else "--"
            bound = "upper bound" if sep == "oracle" else "lower bound"
            for j, stem in enumerate(STEMS):
                ax.hlines(
                    _value(means, sep, side, stem),
                    j - 0.45,
                    j + 0.45,
                    colors=colour[sep],
                    linestyles=ls,
                    linewidth=2.2,
                    label=f"{sep} ({bound})" if j == 0 else None,
                    gid=f"line:{sep}:{side}:{stem}",
                )
        ax.set_xticks(x, STEMS)
        ax.set_title(f"{side} ear")
        ax.set_xlabel("stem")
        ax.set_ylim(0, 1.05)
    axes[0, 0].set_ylabel("mean HAAQI (0-1)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))
    pairs = int(means["pairs"].max()) if len(means) else 0
    fig.suptitle(f"Mean HAAQI per stem and ear ({pairs} listener-song pairs each)")
    style.save(fig, out)
    means["drawn_as"] = np.where(means["separator"].isin(REFERENCES), "line", "bar")
    return means


def _value(means: pd.DataFrame, sep: str, side: str, stem: str) -> float:
    row = means[(means.separator == sep) & (means.side == side) & (means.stem == stem)]
    return float(row["haaqi"].iloc[0])


def pair_grid(path: str | Path) -> pd.DataFrame:
    """HAAQI per pair (the official ``score``) as a listener x song table."""
    t = read_scores(path)
    grid = t.pivot(index="listener", columns="song", values="score")
    return grid.loc[list(dict.fromkeys(t["listener"])), list(dict.fromkeys(t["song"]))]


def plot_heatmaps(
    tables: dict[str, str | Path], out: str | Path
) -> dict[str, pd.DataFrame]:
    """One listener x song heat map of pair HAAQI per separator, shared 0-1 scale.

    Panels side by side (at most 3 a row), listeners down, songs across; cells are
    labelled with their value while they are large enough to read.
    """
    grids = {sep: pair_grid(path) for sep, path in tables.items()}
    n = len(grids)
    ncols = min(n, 3)
    nrows = -(-n // ncols)
    songs = max((g.shape[1] for g in grids.values()), default=1)
    listeners = max((g.shape[0] for g in grids.values()), default=1)
    fig, axes = style.figure(
        nrows,
        ncols,
        width=1.6 + ncols * (1.2 + 0.6 * songs),
        height=nrows * (1.6 + 0.3 * listeners) + 1.2,
        sharey=True,
        sharex=True,
    )
    label_cells = songs * ncols <= 12 and listeners * nrows <= 30
    image = None
    for ax, (sep, grid) in zip(list(axes.flat)[:n], grids.items(), strict=True):
        image = ax.imshow(
            grid.to_numpy(),
            vmin=0,
            vmax=1,
            cmap=style.HEATMAP_CMAP,
            aspect="auto",
            gid=f"heatmap:{sep}",
        )
        ax.grid(False)
        ax.set_title(sep)
        ax.set_xticks(
            range(grid.shape[1]),
            [_short(s) for s in grid.columns],
            rotation=30,
            ha="right",
        )
        ax.set_yticks(range(grid.shape[0]), grid.index)
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            if label_cells and np.isfinite(v):
                ax.text(
                    j,
                    i,
                    f"{v:.2f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if v > 0.6 else "white",
                )
    used = list(axes.flat)[:n]
    for ax in list(axes.flat)[n:]:
        ax.remove()
    for ax in axes[:, 0]:
        ax.set_ylabel("listener")
    for ax in axes[-1, :]:
        ax.set_xlabel("song")
    if image is not None:
        fig.colorbar(image, ax=used, label="HAAQI (0-1)", shrink=0.8)
    fig.suptitle("HAAQI per listener-song pair (mean of the 8 stem-ear scores)")
    style.save(fig, out)
    return grids


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
