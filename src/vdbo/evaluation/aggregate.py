"""Collecting per-pair scores into the official CSV and a cross-separator summary.

A stem-ear skipped for a silent reference (``scoring.silent_reference: skip``) is
``nan`` in the CSV, as the official ``ResultsFile`` writes a float nan; pandas reads
it as NaN. Means skip it, and the summary counts such cells per separator.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from vdbo import STEMS
from vdbo.core.atomic import atomic_output, write_text

OFFICIAL_COLUMNS = [
    "song",
    "listener",
    "score",
    "left_bass",
    "right_bass",
    "left_drums",
    "right_drums",
    "left_other",
    "right_other",
    "left_vocals",
    "right_vocals",
]

REMIX_SUMMARY_COLUMNS = ["strategy", "separator", "pairs"]
"""Leading columns of ``remix_summary.csv`` (see :func:`remix_summary`)."""


def concat_scores(pair_csvs: list[Path], out: Path) -> pd.DataFrame:
    """One separator's scores: the pair rows in the given order, official columns.

    Values are carried as the official writer's text: a float round trip through
    pandas' parser can change the last digit.
    """
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in pair_csvs]
    table = pd.concat(frames, ignore_index=True)[OFFICIAL_COLUMNS]
    with atomic_output(out) as tmp:
        table.to_csv(tmp, index=False)
    return table


def collect_checks(check_jsons: list[Path], out: Path) -> dict:
    """One separator's reference checks: skipped (silent) and quiet stem-ears."""
    pairs = [json.loads(Path(p).read_text()) for p in check_jsons]
    total = {
        "skipped_cells": sum(len(p["skipped"]) for p in pairs),
        "quiet_cells": sum(len(p["quiet_dbfs"]) for p in pairs),
        "pairs": [{"file": str(f), **p} for f, p in zip(check_jsons, pairs, strict=True)
                  if p["skipped"] or p["quiet_dbfs"]],
    }  # fmt: skip
    log = logging.getLogger(__name__)
    for key in ("skipped_cells", "quiet_cells"):
        if total[key]:
            log.warning("%s: %d %s", out, total[key], key.replace("_", " "))
    write_text(out, json.dumps(total, indent=1))
    return total


def summarise(
    tables: dict[str, Path], checks: dict[str, Path] | None = None
) -> pd.DataFrame:
    """Mean HAAQI per separator, overall and per stem (left and right averaged).

    ``skipped_cells`` counts stem-ears left out for a silent reference (nan cells),
    ``quiet_cells`` those scored with a reference below -90 dBFS (from ``checks``).
    """
    rows = []
    for separator, path in tables.items():
        t = pd.read_csv(path, float_precision="round_trip")
        row = {"separator": separator, "pairs": len(t), "haaqi": t["score"].mean()}
        for stem in STEMS:
            cells = t[[f"left_{stem}", f"right_{stem}"]].to_numpy()
            row[stem] = (
                np.nanmean(cells)
                if cells.size and not np.isnan(cells).all()
                else np.nan
            )
        row["skipped_cells"] = int(t[OFFICIAL_COLUMNS[3:]].isna().to_numpy().sum())
        if checks is not None:
            found = json.loads(Path(checks[separator]).read_text())
            row["quiet_cells"] = int(found["quiet_cells"])
        rows.append(row)
    return pd.DataFrame(rows).sort_values("haaqi", ascending=False, ignore_index=True)


def markdown_table(table: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table, floats to 4 decimals."""
    lines = ["| " + " | ".join(table.columns) + " |"]
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    for _, r in table.iterrows():
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in r]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_summary(
    summary: pd.DataFrame,
    csv_path: Path,
    md_path: Path,
    remix: pd.DataFrame | None,
    remix_csv_path: Path,
    verification: str,
    verification_path: Path,
    metrics: pd.DataFrame | None = None,
    metrics_csv_path: Path | None = None,
    metrics_scoring: dict | None = None,
) -> None:
    """The summary as CSV (for tools) and Markdown (for people), remixes included,
    with the line that says what the run proved about its HAAQI engine (also
    written alone to ``verification_path``, for the report).

    ``remix_csv_path`` is always written, with only its header when there are no
    remixes, so that it can be a declared output; ``metrics`` (the other metrics of
    the run, :func:`vdbo.evaluation.metrics.summary_table`) likewise.
    """
    with atomic_output(csv_path) as tmp:
        summary.to_csv(tmp, index=False, float_format="%.4f")
    write_text(verification_path, verification + "\n")
    text = "## HAAQI of the eight stems (official CAD1 evaluation)\n\n"
    text += f"{verification}.\n\n"
    text += markdown_table(summary)
    if metrics_csv_path is not None:
        from vdbo.evaluation.metrics import metrics_markdown, write_metrics_summary

        write_metrics_summary(metrics, metrics_csv_path)
        text += metrics_markdown(metrics, metrics_scoring)
    has_remix = remix is not None and len(remix) > 0
    table = remix if has_remix else pd.DataFrame(columns=REMIX_SUMMARY_COLUMNS)
    with atomic_output(remix_csv_path) as tmp:
        table.to_csv(tmp, index=False, float_format="%.4f")
    if has_remix:
        text += "\n## Personalised remixes: loudness, peaks, remix HAAQI\n\n"
        text += markdown_table(remix)
    write_text(md_path, text)


STAT_COLUMNS = [
    "song",
    "listener",
    "strategy",
    "integrated_loudness_lufs",
    "true_peak_dbtp",
    "sample_peak_dbfs",
    "gain_applied_db",
    "limiter_gain_reduction_max_db",
]


def remix_table(pair_jsons: list[Path]) -> pd.DataFrame:
    """One row per pair: level statistics, gains per stem and side, HAAQI if scored."""
    import pandas as pd

    rows = []
    for path in pair_jsons:
        stats = json.loads(Path(path).read_text())
        row = {k: stats.get(k) for k in STAT_COLUMNS}
        row.update({f"gain_{k}_db": v for k, v in stats.get("gains_db", {}).items()})
        row.update({k: v for k, v in stats.items() if k.startswith("haaqi_")})
        rows.append(row)
    return pd.DataFrame(rows)


def remix_summary(tables: dict[tuple[str, str], Path]) -> pd.DataFrame:
    """Per (strategy, separator): loudness spread across listeners, peaks, HAAQI."""
    import pandas as pd

    rows = []
    for (strategy, separator), path in tables.items():
        t = pd.read_csv(path)
        loud = t["integrated_loudness_lufs"]
        row = {
            "strategy": strategy,
            "separator": separator,
            "pairs": len(t),
            "loudness_mean_lufs": loud.mean(),
            "loudness_spread_lu": loud.max() - loud.min(),
            "true_peak_max_dbtp": t["true_peak_dbtp"].max(),
            "limiter_max_db": t["limiter_gain_reduction_max_db"].max(),
        }
        if "haaqi_mean" in t:
            row["remix_haaqi"] = t["haaqi_mean"].mean()
        for key in ("skipped", "quiet"):
            if f"haaqi_{key}" in t:
                row[f"remix_haaqi_{key}"] = int(t[f"haaqi_{key}"].sum())
        rows.append(row)
    return pd.DataFrame(rows)
