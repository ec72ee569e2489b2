"""HAAQI against hearing-loss severity: the question the challenge asks.

Severity is the pure-tone average (PTA) of each ear's audiogram: the mean hearing
threshold at 500, 1000, 2000 and 4000 Hz (the four-frequency average of the WHO
grades of hearing loss), in dB HL. A pair's HAAQI for one ear is the mean of its four
stem scores for that ear, from the official CSV.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vdbo import SIDES, STEMS
from vdbo.core.errors import InputError
from vdbo.core.metadata import ear_audiogram
from vdbo.report import style
from vdbo.report.scores import read_scores

PTA_FREQUENCIES_HZ = (500, 1000, 2000, 4000)


def pure_tone_average(listener: dict, side: str) -> float:
    """Mean threshold (dB HL) of one ear at :data:`PTA_FREQUENCIES_HZ`.

    A frequency the audiogram lacks is interpolated linearly on a log-frequency axis.
    The audiogram is read and checked as the remixes read it (``ear_audiogram``).
    """
    cfs, levels = ear_audiogram(listener, side)
    freqs = np.log(PTA_FREQUENCIES_HZ)
    return float(np.mean(np.interp(freqs, np.log(cfs), levels)))


def ear_points(
    tables: dict[str, str | Path], audiograms: dict[str, dict]
) -> pd.DataFrame:
    """One row per (separator, pair, ear): PTA of that ear and its HAAQI."""
    rows = []
    pta = {}  # (listener, side): one average per ear, not one per row
    for separator, path in tables.items():
        t = read_scores(path)
        for side in SIDES:
            haaqi = t[[f"{side}_{stem}" for stem in STEMS]].mean(axis=1)
            for (_, r), h in zip(t.iterrows(), haaqi, strict=True):
                if r["listener"] not in audiograms:
                    raise InputError(
                        path,
                        f"listener {r['listener']!r} has no audiogram",
                        "score and plot with the same listeners file",
                    )
                key = (r["listener"], side)
                if key not in pta:
                    pta[key] = pure_tone_average(audiograms[r["listener"]], side)
                rows.append(
                    {
                        "separator": separator,
                        "song": r["song"],
                        "listener": r["listener"],
                        "side": side,
                        "pta_db_hl": pta[key],
                        "haaqi": float(h),
                    }
                )
    return pd.DataFrame(rows)


def trend(points: pd.DataFrame) -> tuple[float, float] | None:
    """Least-squares line (slope per dB, intercept) of HAAQI on PTA, None if flat x."""
    x, y = points["pta_db_hl"].to_numpy(), points["haaqi"].to_numpy()
    if len(x) < 2 or np.ptp(x) == 0:
        return None
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def plot_haaqi_vs_pta(
    tables: dict[str, str | Path], audiograms: dict[str, dict], out: str | Path
) -> tuple[pd.DataFrame, dict]:
    """Scatter of ear HAAQI against ear PTA, a trend line per separator.

    Returns the points and ``{separator: (slope, intercept) or None}``.
    """
    points = ear_points(tables, audiograms)
    colour = style.colours(tables)
    fig, axes = style.figure(1, 1, width=8.0, height=4.8)
    ax = axes[0, 0]
    fits = {}
    for sep in tables:
        mine = points[points.separator == sep]
        for side in SIDES:
            ear = mine[mine.side == side]
            ax.scatter(
                ear["pta_db_hl"],
                ear["haaqi"],
                color=colour[sep],
                alpha=0.75,
                marker=style.SIDE_MARKERS[side],
                s=30,
                gid=f"points:{sep}:{side}",
            )
        fits[sep] = trend(mine)
        if fits[sep] is not None:
            slope, intercept = fits[sep]
            xs = np.array([mine["pta_db_hl"].min(), mine["pta_db_hl"].max()])
            ax.plot(
                xs,
                slope * xs + intercept,
                color=colour[sep],
                linewidth=2,
                label=f"{sep}: {slope * 10:+.3f} HAAQI per 10 dB",
                gid=f"trend:{sep}",
            )
        else:
            ax.plot([], [], color=colour[sep], label=f"{sep} (one PTA: no trend)")
    for side in SIDES:
        ax.scatter(
            [],
            [],
            marker=style.SIDE_MARKERS[side],
            color="#555555",
            label=f"{side} ear",
        )
    ax.set_xlabel("pure-tone average 0.5/1/2/4 kHz of the ear (dB HL)")
    ax.set_ylabel("HAAQI of the ear, mean of 4 stems (0-1)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("HAAQI against hearing loss, per ear (lines: least-squares fit)")
    ax.legend(loc="best")
    style.save(fig, out)
    return points, fits
