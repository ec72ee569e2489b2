"""The personalised remixes: level per listener against target and limit, remix HAAQI.

Input: the remix tables ``results/scores/remix-<strategy>/<separator>.csv`` (one row per
pair: integrated loudness in LUFS, true peak in dBTP, HAAQI per ear when scored) and,
per strategy, the loudness target and true-peak limit from the config (``None`` for
strategies that are not level-safe, such as the official ``baseline``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from vdbo import SIDES
from vdbo.core.errors import InputError
from vdbo.report import style

LEVEL_COLUMNS = ("integrated_loudness_lufs", "true_peak_dbtp")


def read_remix_tables(tables: dict[tuple[str, str], str | Path]) -> pd.DataFrame:
    """All remix tables in one frame with ``strategy``, ``separator`` and ``series``."""
    frames = []
    for (strategy, separator), path in tables.items():
        t = pd.read_csv(path, dtype={"song": str, "listener": str})
        if missing := [c for c in ("song", "listener", *LEVEL_COLUMNS) if c not in t]:
            raise InputError(
                path,
                f"missing columns {missing}",
                "rerun the remix_table rule that writes it",
            )
        t["strategy"], t["separator"] = strategy, separator
        t["series"] = (
            strategy if _one_separator(tables) else f"{strategy} / {separator}"
        )
        frames.append(t)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _one_separator(tables) -> bool:
    return len({sep for _, sep in tables}) <= 1


def plot_remix(
    tables: dict[tuple[str, str], str | Path], levels: dict[str, dict], out: str | Path
) -> dict[str, pd.DataFrame]:
    """Loudness and true peak per listener and strategy, remix HAAQI per strategy.

    ``levels``: ``{strategy: {"loudness_target_lufs": x, "true_peak_limit_dbtp": y}}``.
    Returns the plotted per-listener means (``loudness``, ``true_peak``) and the mean
    HAAQI per series and ear (``haaqi``, empty when the remixes were not scored).
    """
    data = read_remix_tables(tables)
    series = list(dict.fromkeys(data["series"]))
    listeners = list(dict.fromkeys(data["listener"]))
    colour = style.colours(series)
    fig, axd = style.mosaic([["loudness", "peak"], ["haaqi", "haaqi"]], 10.5, 8.5)
    plotted = {}
    x = np.arange(len(listeners))
    width = 0.8 / max(len(series), 1)
    for ax, column, key, unit, ref_key, ref_name in (
        (
            axd["loudness"],
            "integrated_loudness_lufs",
            "loudness",
            "LUFS",
            "loudness_target_lufs",
            "target",
        ),
        (
            axd["peak"],
            "true_peak_dbtp",
            "true_peak",
            "dBTP",
            "true_peak_limit_dbtp",
            "limit",
        ),
    ):
        means = data.groupby(["series", "listener"], sort=False)[column].mean()
        plotted[key] = means.rename(column).reset_index()
        for i, name in enumerate(series):
            offset = (i - (len(series) - 1) / 2) * width
            heights = [means.get((name, lid), np.nan) for lid in listeners]
            ax.bar(
                x + offset,
                heights,
                width * 0.92,
                color=colour[name],
                alpha=0.85,
                label=name,
                gid=f"bar:{key}:{name}",
            )
            mine = data[data.series == name]
            xs = [x[listeners.index(lid)] + offset for lid in mine["listener"]]
            ax.scatter(
                xs,
                mine[column],
                s=12,
                color="black",
                zorder=3,
                gid=f"songs:{key}:{name}",
            )
            strategy = mine["strategy"].iloc[0]
            ref = (levels.get(strategy) or {}).get(ref_key)
            if ref is not None:
                ax.axhline(
                    ref,
                    color=colour[name],
                    linestyle="--",
                    linewidth=1.5,
                    label=f"{ref_name} {ref:g} {unit} ({name})",
                    gid=f"{ref_name}:{name}",
                )
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_xticks(x, listeners)
        ax.set_xlabel("listener")
        ax.legend(loc="best", fontsize=8)
    axd["loudness"].set_ylabel("integrated loudness (LUFS)")
    axd["loudness"].set_title("Loudness of the remix (bars: mean over songs)")
    axd["peak"].set_ylabel("true peak (dBTP)")
    axd["peak"].set_title("True peak of the remix (dots: songs)")
    ax = axd["haaqi"]
    sides = [s for s in SIDES if f"haaqi_{s}" in data]
    if sides:
        haaqi = data.groupby("series", sort=False)[[f"haaqi_{s}" for s in sides]].mean()
        plotted["haaqi"] = haaqi.reset_index()
        xs = np.arange(len(series))
        for k, side in enumerate(sides):
            ax.bar(
                xs + (k - 0.5) * 0.4,
                haaqi.loc[series, f"haaqi_{side}"],
                0.38,
                color=[colour[s] for s in series],
                hatch="" if side == "left" else "//",
                edgecolor="white",
                label=f"{side} ear",
                gid=f"bar:haaqi:{side}",
            )
        ax.set_xticks(xs, series, rotation=15, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("strategy")
        ax.set_ylabel("remix HAAQI, mean over pairs (0-1)")
        ax.set_title("Remix HAAQI per strategy and ear")
        ax.legend(
            [
                Patch(facecolor="#BBBBBB", edgecolor="white", hatch=h)
                for h in ("", "//")
            ],
            ["left ear", "right ear (hatched)"],
            loc="best",
        )
    else:
        plotted["haaqi"] = pd.DataFrame()
        style.note(ax, "remix HAAQI not computed\n(config remix.haaqi: false)")
    style.save(fig, out)
    return plotted
