"""The comparison of systems as a report page: ranking with ties, the findings in
words, and every comparison as a table (``results/compare/*.csv`` rendered)."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from vdbo.core.atomic import write_text
from vdbo.evaluation.compare import sentence
from vdbo.report.forest import read_comparisons
from vdbo.report.tables import page, table_html


def interval_text(row: pd.Series) -> str:
    """``+0.021 [0.010, 0.032]``, or an empty cell without common pairs."""
    if not np.isfinite(row["mean_diff"]):
        return ""
    return f"{row['mean_diff']:+.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}]"


def printed_table(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The comparison table as the page prints it (one row per comparison)."""
    return pd.DataFrame(
        {
            "A - B": comparisons.system_a + " - " + comparisons.system_b,
            "subset": [
                s if scope != "band" else f"{s} (band)"
                for scope, s in zip(comparisons.scope, comparisons.subset, strict=True)
            ],
            "difference [interval]": comparisons.apply(interval_text, axis=1),
            "significant": [
                "yes" if sig else ("no" if enough else "too few songs/listeners")
                for sig, enough in zip(
                    comparisons.significant, comparisons.enough_units, strict=True
                )
            ],
            "p (Wilcoxon)": [_p(p) for p in comparisons.p_wilcoxon],
            "q (BH)": [_p(q) for q in comparisons.q_bh],
            "A wins": [
                "" if not np.isfinite(w) else f"{w:.0%}" for w in comparisons.win_share
            ],
            "pairs used": comparisons.used.astype(int),
            "missing A / B / both": [
                f"{a} / {b} / {n}"
                for a, b, n in zip(
                    comparisons.missing_a,
                    comparisons.missing_b,
                    comparisons.missing_both,
                    strict=True,
                )
            ],
        }
    )


def _p(value: float) -> str:
    if not np.isfinite(value):
        return ""
    return f"{value:.2g}" if value >= 1e-4 else "<0.0001"


def compare_page(
    comparisons: str | Path,
    ranking: str | Path,
    out: str | Path,
    confidence: float = 0.95,
) -> dict[str, pd.DataFrame]:
    """Write the page; returns the tables shown (ranking, comparisons as printed)."""
    table = read_comparisons(comparisons)
    ranks = pd.read_csv(ranking, keep_default_na=False)
    shown_ranks = ranks[["rank", "system", "mean_haaqi", "pairs", "tied_with"]]
    printed = printed_table(table)
    findings = [sentence(r) for _, r in table[table.significant].iterrows()]
    level = [sentence(r) for _, r in table[table.scope == "overall"].iterrows()]
    body = (
        "<h2>Ranking</h2>"
        "<p class=\"note\">By mean HAAQI over each system's pairs. A system's rank "
        "range runs from 1 + the systems significantly better to the number of "
        "systems minus those significantly worse (significant: the "
        f"{confidence:.0%} bootstrap interval of the paired difference excludes 0, "
        "over at least compare.min_songs songs and compare.min_listeners "
        "listeners); systems not told apart share ranks.</p>"
        + table_html(shown_ranks, "compare-ranking")
        + '<h2>Overall</h2><ul id="compare-overall">'
        + "".join(f"<li>{html.escape(t)}</li>" for t in level)
        + "</ul><h2>Every significant difference</h2>"
        + '<ul id="compare-findings">'
        + "".join(f"<li>{html.escape(t)}</li>" for t in findings)
        + "</ul>"
        + ("" if findings else '<p class="note">None.</p>')
        + "<h2>All comparisons</h2>"
        '<p class="note">Difference: mean over the pairs both systems have of A - B '
        f"(HAAQI), with its {confidence:.0%} bootstrap percentile interval (songs and "
        "listeners resampled). p: Wilcoxon signed-rank test of the pair differences "
        "(pairs taken as independent); q: Benjamini-Hochberg over this table. A "
        "wins: share of the used pairs where A scores higher. Missing: pairs one "
        "system lacks (absent, or NaN for a skipped silent reference), left out of "
        "that comparison.</p>" + table_html(printed, "compare-table")
    )
    write_text(out, page("vdbo results: comparison of systems", body))
    return {"ranking": shown_ranks, "comparisons": printed}
