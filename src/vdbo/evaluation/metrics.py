"""The metrics a run computes (config ``scoring.metrics``): one registry.

A metric is a name and what it compares:

- ``enhanced``: a pair's enhanced signals against their references, once per
  (separator, listener, song): HAAQI, the official CAD1 score (the scoring job of
  :mod:`vdbo.evaluation.job`, rules/score.smk; tables under ``results/scores/``);
- ``separated``: a separator's 44.1 kHz stems against the reference stems, once per
  (separator, song), since separation does not depend on the listener: SDR
  (:mod:`vdbo.evaluation.sdr`, rules/sdr.smk) and every metric of the user's own
  (``scoring.custom_metrics``, rules/metrics.smk). Their tables lie under
  ``results/metrics/<metric>/``: one CSV per (separator, song), one per separator
  (columns ``song``, ``stem`` and the metric's columns), and the summary's table (the
  median over songs of its ``headline`` column, per stem).

Adding a built-in metric: a module with its scorer, one :func:`register` call here
(or in that module), schema keys if it has settings. A user's metric: a function

    def score(references, estimates, sample_rate, **options):
        # references, estimates: {stem: float64 (samples, 2)}, the scored segment
        return {stem: value}            # or {stem: {column: value}}

named in the config (``scoring.custom_metrics: {name: {callable: mod:function,
python_path: folder, columns: [...], options: {...}}}``) and listed in
``scoring.metrics``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vdbo import STEMS
from vdbo.core.atomic import atomic_output
from vdbo.core.errors import InputError
from vdbo.core.resources import Cost

ENHANCED = "enhanced"
SEPARATED = "separated"
METRICS_DIR = "results/metrics"
"""Tables of the ``separated`` metrics: ``results/metrics/<metric>/``."""


@dataclass(frozen=True)
class Metric:
    """One metric of the registry."""

    name: str
    compares: str
    """:data:`ENHANCED` (per pair) or :data:`SEPARATED` (per separator and song)."""
    columns: tuple[str, ...]
    """The values it writes per stem (separated) or per pair (enhanced)."""
    headline: str
    """The column the summary, the comparison and the figures read."""
    title: str
    """How tables and figures name it."""
    cost: Callable[[Mapping], Cost] | None = None
    """Its measured cost model, given the ``scoring`` config (None: not measured)."""
    scorer: Callable | None = None
    """``separated``: ``(references, estimates, sample_rate) -> {stem: value}``."""
    options: Mapping = field(default_factory=dict)
    higher_is_better: bool = True


REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    """Add a metric (a name registered twice is an error: each has one home)."""
    if metric.name in REGISTRY:
        raise ValueError(f"metric {metric.name!r} is registered twice")
    if metric.compares not in (ENHANCED, SEPARATED):
        raise ValueError(f"metric {metric.name!r}: compares {metric.compares!r}")
    REGISTRY[metric.name] = metric
    return metric


def _haaqi_cost(scoring: Mapping) -> Cost:
    from vdbo.evaluation.engines import get_engine

    return get_engine(scoring.get("engine", "fast")).cost


SDR_COST = Cost(peak_mb=(646.5, 26.08), wall_s=(51.7, 2.007))
"""museval on four stereo stems, fitted through a 30 s and a 240 s demo song
(benchmarks/sdr_cost.py; 240 s: 167 CPU s, 533 s wall, 6906 MB peak) on a 2-core
machine under heavy load (load average 13), so the wall line is pessimistic; see
docs/metrics.md."""

register(
    Metric(
        "haaqi",
        ENHANCED,
        columns=("score",),
        headline="score",
        title="HAAQI",
        cost=_haaqi_cost,
    )
)
register(
    Metric(
        "sdr",
        SEPARATED,
        columns=("SDR", "SIR", "ISR", "SAR"),
        headline="SDR",
        title="SDR (dB, museval BSSEval v4)",
        cost=lambda scoring: SDR_COST,
    )
)


CUSTOM_COST = Cost(peak_mb=(500.0, 10.0), wall_s=(10.0, 1.0))
"""A user's metric is not measured: half a GB plus ten times the song's eight float64
channels, a second of CPU per second of audio (override with ``--set-resources``)."""


def cost_of(name: str, scoring: Mapping) -> Cost:
    """The cost model of a metric of the run."""
    metric = REGISTRY.get(name)
    return metric.cost(scoring) if metric and metric.cost else CUSTOM_COST


def custom_metric(name: str, spec: Mapping) -> Metric:
    """A metric of the user's own (``scoring.custom_metrics``), not yet imported."""
    columns = tuple(spec.get("columns") or [name])
    return Metric(
        name,
        SEPARATED,
        columns=columns,
        headline=columns[0],
        title=spec.get("title") or name,
        options=dict(spec),
        higher_is_better=spec.get("higher_is_better", True),
    )


def selected(scoring: Mapping) -> list[Metric]:
    """The metrics of ``scoring.metrics``, in that order, or an InputError."""
    custom = scoring.get("custom_metrics") or {}
    chosen = []
    for name in scoring.get("metrics", ["haaqi", "sdr"]):
        if name in REGISTRY and name in custom:
            raise InputError(
                None,
                f"scoring.custom_metrics.{name} has the name of a built-in metric",
                "give your metric another name",
            )
        if name in REGISTRY:
            chosen.append(REGISTRY[name])
        elif name in custom:
            chosen.append(custom_metric(name, custom[name]))
        else:
            raise InputError(
                None,
                f"scoring.metrics lists {name!r}, which is neither built in "
                f"({', '.join(REGISTRY)}) nor in scoring.custom_metrics",
                "correct the name, or define it under scoring.custom_metrics",
            )
    if "haaqi" not in [m.name for m in chosen]:
        raise InputError(
            None,
            "scoring.metrics must list haaqi (the CAD1 score the run is built on)",
            "add haaqi to scoring.metrics",
        )
    return chosen


def separated_names(scoring: Mapping) -> list[str]:
    """The ``separated`` metrics of the run (their rules run per separator, song)."""
    return [m.name for m in selected(scoring) if m.compares == SEPARATED]


def custom_names(scoring: Mapping) -> list[str]:
    """The user's metrics the run computes (rule metric_separated)."""
    custom = scoring.get("custom_metrics") or {}
    return [n for n in separated_names(scoring) if n in custom]


def read_table(path: Path) -> pd.DataFrame:
    """A ``separated`` metric's table: empty and ``nan`` cells as NaN, ``inf`` as
    inf, song names as written (a song named ``NA`` stays one)."""
    return pd.read_csv(
        path,
        keep_default_na=False,
        na_values=["", "nan", "NaN"],
        dtype={"song": str, "stem": str},
    )


def concat_tables(song_csvs: list[Path], out: Path) -> pd.DataFrame:
    """One separator's table of a ``separated`` metric: its songs' rows in order."""
    table = pd.concat([read_table(p) for p in song_csvs], ignore_index=True)
    with atomic_output(out) as tmp:
        table.to_csv(tmp, index=False)
    return table


def summarise(metric: Metric, tables: Mapping[str, Path]) -> pd.DataFrame:
    """Per separator and stem: the median over songs of the metric's headline
    column (the MUSDB18 protocol for SDR; songs where a stem is NaN are skipped)."""
    rows = []
    for separator, path in tables.items():
        t = read_table(path)
        row = {"separator": separator, "songs": int(t["song"].nunique())}
        for stem in STEMS:
            values = t.loc[t["stem"] == stem, metric.headline].dropna()
            row[stem] = float(np.median(values)) if len(values) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows, columns=["separator", "songs", *STEMS])


SUMMARY_COLUMNS = ["metric", "separator", "songs", *STEMS]
"""Columns of ``results/metrics_summary.csv``: a row per (metric, separator)."""


def summary_table(
    tables: Mapping[tuple[str, str], Path], scoring: Mapping
) -> pd.DataFrame:
    """Every separated metric's summary (:func:`summarise`), one row per (metric,
    separator), metrics in ``scoring.metrics`` order."""
    metrics = {m.name: m for m in selected(scoring)}
    frames = []
    for name in dict.fromkeys(metric for metric, _ in tables):
        mine = {sep: path for (m, sep), path in tables.items() if m == name}
        frame = summarise(metrics[name], mine)
        frame.insert(0, "metric", name)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    return pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS]


def write_metrics_summary(table: pd.DataFrame | None, out: Path) -> None:
    """``results/metrics_summary.csv`` (its header only when no metric is run)."""
    table = pd.DataFrame(columns=SUMMARY_COLUMNS) if table is None else table
    with atomic_output(out) as tmp:
        table.to_csv(tmp, index=False, float_format="%.4f")


def metric_title(name: str, scoring: Mapping | None = None) -> str:
    """How a metric is named in tables and figures."""
    if name in REGISTRY:
        return REGISTRY[name].title
    custom = (scoring or {}).get("custom_metrics") or {}
    return custom.get(name, {}).get("title") or name


def metrics_markdown(table: pd.DataFrame | None, scoring: Mapping | None = None) -> str:
    """A Markdown section per metric of ``table``: per separator and stem, the
    median over songs."""
    from vdbo.evaluation.aggregate import markdown_table

    if table is None or not len(table):
        return ""
    text = ""
    for name, rows in table.groupby("metric", sort=False):
        text += (
            f"\n## {metric_title(name, scoring)} per stem: median over songs "
            "(computed per separator and song, not per listener)\n\n"
        )
        text += markdown_table(rows.drop(columns="metric").reset_index(drop=True))
    return text
