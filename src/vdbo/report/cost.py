"""Where the run's time and memory go: Snakemake's ``benchmark:`` files per rule.

Each benchmarked job writes one TSV (``s`` wall seconds, ``cpu_time`` CPU seconds,
``max_rss`` peak resident memory in MB, ...). Per rule: CPU and wall seconds summed
over its jobs, and the largest peak memory of one job (what a cluster job must ask for).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vdbo.core.errors import InputError
from vdbo.report import style


def read_benchmarks(files: dict[str, list[str | Path]]) -> pd.DataFrame:
    """``{rule: [benchmark tsv, ...]}`` as one row per job (rule, path, s, cpu, rss).

    A missing file (a job run before its rule recorded benchmarks) gives a row of NaN.
    """
    rows = []
    for rule, paths in files.items():
        for path in paths:
            if not Path(path).exists():  # the job ran before its rule had benchmark:
                rows.append({"rule": rule, "path": str(path)})
                continue
            t = pd.read_csv(path, sep="\t")
            if missing := [c for c in ("s", "cpu_time", "max_rss") if c not in t]:
                raise InputError(
                    path,
                    f"not a Snakemake benchmark file (no {missing})",
                    "delete it and rerun the job that writes it",
                )
            rec = t.iloc[-1]  # with `repeat`, the last run
            rows.append(
                {
                    "rule": rule,
                    "path": str(path),
                    "wall_s": _num(rec["s"]),
                    "cpu_s": _num(rec["cpu_time"]),
                    "max_rss_mb": _num(rec["max_rss"]),
                }
            )
    return pd.DataFrame(rows, columns=["rule", "path", "wall_s", "cpu_s", "max_rss_mb"])


def _num(value) -> float:
    return float(pd.to_numeric(value, errors="coerce"))


def cost_per_rule(jobs: pd.DataFrame) -> pd.DataFrame:
    """Per rule: jobs, summed wall and CPU seconds, largest and mean peak memory."""
    g = jobs.groupby("rule", sort=False)
    table = pd.DataFrame(
        {
            "jobs": g["wall_s"].count(),
            "wall_s": g["wall_s"].sum(min_count=1),
            "cpu_s": g["cpu_s"].sum(min_count=1),
            "max_rss_mb": g["max_rss_mb"].max(),
            "mean_rss_mb": g["max_rss_mb"].mean(),
        }
    )
    return table.sort_values("wall_s", ascending=True).reset_index()


def plot_cost(files: dict[str, list[str | Path]], out: str | Path) -> pd.DataFrame:
    """Horizontal bars per rule: CPU and wall seconds, and peak memory per job."""
    jobs = read_benchmarks(files)
    missing = int(jobs["wall_s"].isna().sum())
    table = cost_per_rule(jobs)
    fig, axes = style.figure(1, 2, width=10.5, height=2.2 + 0.45 * max(len(table), 1))
    y = np.arange(len(table))
    ax = axes[0, 0]
    for offset, column, colour, label in (
        (0.2, "cpu_s", 0, "CPU time"),
        (-0.2, "wall_s", 1, "wall time"),
    ):
        ax.barh(
            y + offset,
            table[column],
            0.38,
            color=style.CYCLE[colour],
            label=label,
            gid=f"bar:{column}",
        )
    ax.set_yticks(
        y,
        [
            f"{r} ({n} job{'s' if n != 1 else ''})"
            for r, n in zip(table["rule"], table["jobs"], strict=True)
        ],
    )
    ax.set_xlabel("seconds, summed over the rule's jobs (s)")
    ax.set_title(
        f"Time per rule (wall {table['wall_s'].sum():.0f} s, "
        f"CPU at least {table['cpu_s'].sum():.0f} s)"
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    ax = axes[0, 1]
    ax.barh(
        y,
        table["max_rss_mb"],
        0.6,
        color=style.CYCLE[2],
        label="largest job",
        gid="bar:max_rss_mb",
    )
    ax.scatter(
        table["mean_rss_mb"], y, color="black", zorder=3, s=18, label="mean over jobs"
    )
    ax.set_yticks(y, table["rule"])
    ax.set_xlabel("peak resident memory of one job (MB)")
    ax.set_title("Memory per job")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    title = "Cost of the run per rule (Snakemake benchmark files)"
    if missing:
        title += f"\n{missing} of {len(jobs)} jobs not counted: run before benchmarks"
    fig.suptitle(title)
    style.save(fig, out)
    return table
