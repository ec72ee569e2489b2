"""One look for every figure: colour-blind-safe colours, readable sizes, atomic saves.

Colours are the Okabe-Ito palette (Okabe & Ito 2008), distinguishable with every common
colour-vision deficiency. A separator keeps its colour across figures: the reference
separators get fixed ones, the others take the rest in config order.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from vdbo.core.atomic import atomic_output  # noqa: E402

OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [
    OKABE_ITO[k]
    for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow")
]
REFERENCE_COLOURS = {"oracle": OKABE_ITO["black"], "mixture": "#7F7F7F"}
STEM_COLOURS = {
    "vocals": OKABE_ITO["vermillion"],
    "drums": OKABE_ITO["blue"],
    "bass": OKABE_ITO["green"],
    "other": OKABE_ITO["purple"],
}
SIDE_MARKERS = {"left": "o", "right": "^"}
HEATMAP_CMAP = "cividis"  # perceptually uniform, readable with colour-vision deficiency
DPI = 100
MAX_WIDTH_IN, MAX_HEIGHT_IN = 10.5, 9.0
"""The report shows a figure at its pixel size in a pane about 1050 px wide: larger
figures would be cut off there, so every figure fits 1050 x 900 px."""

RC = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "font.family": "DejaVu Sans",
}


def colours(names: Iterable[str]) -> dict[str, str]:
    """A stable colour per name: references fixed, the others in order."""
    out, free = {}, iter(CYCLE * 4)
    for name in names:
        out[name] = REFERENCE_COLOURS.get(name) or next(free)
    return out


def figure(
    nrows: int = 1, ncols: int = 1, width: float = 8.0, height: float = 4.5, **kwargs
):
    """``plt.subplots`` in the project style (always a 2-D array of axes), the size
    capped at :data:`MAX_WIDTH_IN` x :data:`MAX_HEIGHT_IN` inches."""
    matplotlib.rcParams.update(RC)
    return plt.subplots(
        nrows,
        ncols,
        figsize=(min(width, MAX_WIDTH_IN), min(height, MAX_HEIGHT_IN)),
        squeeze=False,
        layout="constrained",
        **kwargs,
    )


def mosaic(layout: list[list[str]], width: float, height: float):
    """``plt.subplot_mosaic`` in the project style: (figure, {name: axes})."""
    matplotlib.rcParams.update(RC)
    size = (min(width, MAX_WIDTH_IN), min(height, MAX_HEIGHT_IN))
    return plt.subplot_mosaic(layout, figsize=size, layout="constrained")


def save(fig, path: str | Path) -> Path:
    """Write ``fig`` to ``path`` atomically (format from the suffix), then close it."""
    try:
        with atomic_output(path) as tmp:
            fig.savefig(tmp, dpi=DPI)
    finally:
        plt.close(fig)
    return Path(path)


def note(ax, text: str) -> None:
    """A centred message in an empty panel (e.g. nothing of that kind ran)."""
    ax.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=10,
        color="#555555",
        wrap=True,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
