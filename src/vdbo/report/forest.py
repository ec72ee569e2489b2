"""Forest plot of the paired comparisons (``results/compare/comparisons.csv``).

One row per two systems (A - B, A the better on mean pair score); the mean paired
difference of HAAQI with its bootstrap interval, overall and per hearing-loss band on
the left, per stem on the right. An interval that crosses the zero line is a tie.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation.compare import COLUMNS
from vdbo.report import style


def read_comparisons(path: str | Path) -> pd.DataFrame:
    table = pd.read_csv(path, float_precision="round_trip", keep_default_na=True)
    if missing := [c for c in COLUMNS if c not in table]:
        raise InputError(
            path, f"missing columns {missing}", "rerun the compare_systems rule"
        )
    return table


def plot_forest(
    comparisons: str | Path,
    out: str | Path,
    confidence: float = 0.95,
    metric: str = "HAAQI",
    units: str = "songs and listeners",
) -> pd.DataFrame:
    """Draw the forest plot (``confidence``: the intervals' coverage, for the title);
    hollow markers: too few songs or listeners to trust the interval. Returns the
    drawn rows with their panel and y position."""
    table = read_comparisons(comparisons)
    table["comparison"] = table.system_a + " - " + table.system_b
    labels = list(dict.fromkeys(table["comparison"]))
    bands = list(dict.fromkeys(table.loc[table.scope == "band", "subset"]))
    panels = {
        "overall and hearing-loss band": ["overall", *bands],
        "stem (both ears averaged)": list(STEMS),
    }
    colour = {"overall": style.OKABE_ITO["black"]} | style.STEM_COLOURS
    band_colours = [style.OKABE_ITO[k] for k in ("sky", "orange", "purple", "green")]
    colour |= dict(zip(bands, band_colours * len(bands), strict=False))  # no yellow
    rows_per = max(len(v) for v in panels.values())
    height = 1.9 + len(labels) * (0.22 * rows_per + 0.25)
    fig, axes = style.figure(1, 2, width=10.5, height=height, sharey=True)
    drawn = []
    for ax, (title, subsets) in zip(axes[0], panels.items(), strict=True):
        step = 0.8 / max(len(subsets), 1)
        for k, subset in enumerate(subsets):
            rows = table[table.subset == subset]
            ys, xs, lows, highs, hollow = [], [], [], [], []
            for _, r in rows.iterrows():
                if not np.isfinite(r["mean_diff"]):
                    continue  # no common pair: listed in the table, nothing to draw
                y = labels.index(r["comparison"]) + (k - (len(subsets) - 1) / 2) * step
                ys.append(-y)
                xs.append(r["mean_diff"])
                lows.append(r["mean_diff"] - r["ci_low"])
                highs.append(r["ci_high"] - r["mean_diff"])
                if not r["enough_units"]:
                    hollow.append((r["mean_diff"], -y))
                drawn.append(
                    {"panel": title, "comparison": r["comparison"], "subset": subset}
                    | {"y": -y, "mean_diff": r["mean_diff"]}
                    | {"ci_low": r["ci_low"], "ci_high": r["ci_high"]}
                )
            used = rows["used"]
            ax.errorbar(
                xs,
                ys,
                xerr=[lows, highs],
                fmt="D" if subset == "overall" else "o",
                markersize=6 if subset == "overall" else 4.5,
                color=colour[subset],
                capsize=2.5,
                linewidth=1.4,
                label=f"{subset} ({int(used.max()) if len(used) else 0} pairs max)",
                gid=f"forest:{title}:{subset}",
            )
            if hollow:  # too few songs or listeners: the interval is not trusted
                ax.scatter(
                    *zip(*hollow, strict=True),
                    marker="D" if subset == "overall" else "o",
                    s=22,
                    facecolors="white",
                    edgecolors=colour[subset],
                    zorder=3,
                    gid=f"untrusted:{title}:{subset}",
                )
        ax.axvline(0, color="#555555", linewidth=1, linestyle="--")
        ax.set_title(title)
        ax.set_xlabel(f"{metric} difference A - B (mean, bootstrap interval)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
    axes[0, 0].set_yticks([-i for i in range(len(labels))], labels)
    axes[0, 0].set_ylim(-len(labels) + 0.45, 0.55)
    fig.suptitle(
        f"Paired comparisons of {metric}: mean difference and {confidence:.0%} "
        "bootstrap interval "
        f"({units} resampled)"
    )
    style.save(fig, out)
    return pd.DataFrame(drawn)
