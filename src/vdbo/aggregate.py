"""Collecting per-pair scores into the official CSV and a cross-separator summary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vdbo import STEMS

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


def concat_scores(pair_csvs: list[Path], out: Path) -> pd.DataFrame:
    """One separator's scores: the pair rows in the given order, official columns.

    Values are carried as the official writer's text: a float round trip through
    pandas' parser can change the last digit.
    """
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in pair_csvs]
    table = pd.concat(frames, ignore_index=True)[OFFICIAL_COLUMNS]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    return table


def summarise(tables: dict[str, Path]) -> pd.DataFrame:
    """Mean HAAQI per separator, overall and per stem (left and right averaged)."""
    rows = []
    for separator, path in tables.items():
        t = pd.read_csv(path, float_precision="round_trip")
        row = {"separator": separator, "pairs": len(t), "haaqi": t["score"].mean()}
        for stem in STEMS:
            row[stem] = t[[f"left_{stem}", f"right_{stem}"]].to_numpy().mean()
        rows.append(row)
    return pd.DataFrame(rows).sort_values("haaqi", ascending=False, ignore_index=True)


def write_summary(summary: pd.DataFrame, csv_path: Path, md_path: Path) -> None:
    """The summary as CSV (for tools) and a Markdown table (for people)."""
    summary.to_csv(csv_path, index=False, float_format="%.4f")
    header = "| " + " | ".join(summary.columns) + " |"
    rule = "|" + "|".join("---" for _ in summary.columns) + "|"
    lines = [header, rule]
    for _, r in summary.iterrows():
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in r]
        lines.append("| " + " | ".join(cells) + " |")
    Path(md_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
