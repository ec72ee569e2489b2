"""The summary tables and the run's config as small self-contained HTML pages.

The Snakemake report shows HTML results in place (CSV results are only offered as a
download), so the tables a reader should see are rendered here.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import yaml

from vdbo.core.atomic import write_text

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 1.2em; color: #222; }
h1 { font-size: 1.25em; } h2 { font-size: 1.05em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: right; }
th { background: #f0f0f0; white-space: normal; max-width: 8em; }
td:first-child, th:first-child { text-align: left; }
tbody tr:nth-child(even) { background: #fafafa; }
p.note { color: #555; max-width: 50em; }
pre { background: #f6f6f6; padding: 1em; font-size: 0.85em; }
"""


def table_html(table: pd.DataFrame, table_id: str) -> str:
    """A DataFrame as an HTML table (floats to 4 decimals), rows in a ``tbody``."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = []
    for _, row in table.iterrows():
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.4f}"
    return str(value)


def page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


def summary_page(
    summary_csv: str | Path,
    remix_csv: str | Path,
    out: str | Path,
    verification: str | Path,
    metrics_csv: str | Path | None = None,
    scoring: dict | None = None,
) -> dict[str, pd.DataFrame]:
    """The summary tables of ``results/summary.md`` as one HTML page, read from the
    summary job's CSVs (``results/summary.csv``, ``results/remix_summary.csv``) and
    its verification line, so the page shows exactly what it says. Returns the
    tables shown."""
    tables = {"haaqi": pd.read_csv(summary_csv)}
    remix = pd.read_csv(remix_csv)
    line = Path(verification).read_text(encoding="utf-8").strip()
    body = (
        "<h2>HAAQI of the eight stems (official CAD1 evaluation)</h2>"
        f'<p id="verification">{html.escape(line)}.</p>'
        '<p class="note">Mean over listener-song pairs; per stem, left and right '
        "ears averaged.</p>" + table_html(tables["haaqi"], "summary-haaqi")
    )
    metrics = pd.read_csv(metrics_csv) if metrics_csv else pd.DataFrame()
    for name, rows in metrics.groupby("metric", sort=False) if len(metrics) else []:
        from vdbo.evaluation.metrics import metric_title

        tables[name] = rows.drop(columns="metric")
        body += (
            f"<h2>{html.escape(metric_title(name, scoring))} per stem</h2>"
            '<p class="note">Median over songs, computed per separator and song '
            "(not per listener); for SDR each song's value is its median over 1 s "
            "frames.</p>" + table_html(tables[name], f"summary-{name}")
        )
    if len(remix):
        tables["remix"] = remix
        body += (
            "<h2>Personalised remixes: loudness, peaks, remix HAAQI</h2>"
            '<p class="note">Per strategy and separator, over all pairs.</p>'
            + table_html(tables["remix"], "summary-remix")
        )
    write_text(out, page("vdbo results: summary tables", body))
    return tables


def config_page(config: dict, out: str | Path) -> str:
    """The run's effective config (config files merged, schema defaults filled in)."""
    text = yaml.safe_dump(config, sort_keys=False, default_flow_style=False)
    body = (
        '<p class="note">The configuration that produced these results, after '
        "merging the config files and filling in the schema defaults "
        "(src/vdbo/schemas/config.schema.yaml).</p>"
        f'<pre id="config">{html.escape(text)}</pre>'
    )
    write_text(out, page("vdbo run configuration", body))
    return text
