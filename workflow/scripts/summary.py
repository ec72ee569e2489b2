"""Snakemake job: mean HAAQI per separator and stem, and the remix statistics."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.evaluation.aggregate import remix_summary, summarise, write_summary
from vdbo.evaluation.metrics import summary_table
from vdbo.evaluation.verification import verification_line


def main(sm):
    tables = dict(zip(sm.params.separators, map(Path, sm.input.scores), strict=True))
    checks = dict(zip(sm.params.separators, map(Path, sm.input.checks), strict=True))
    remix_keys = [tuple(k) for k in sm.params.remix_keys]
    remix = remix_summary(dict(zip(remix_keys, map(Path, sm.input.remix), strict=True)))
    out = sm.output
    checked = list(
        zip(
            map(Path, sm.input.verified_fast),
            map(Path, sm.input.verified),
            strict=False,
        )
    )
    metric_keys = [tuple(k) for k in sm.params.metric_keys]
    metrics = summary_table(
        dict(zip(metric_keys, map(Path, sm.input.metrics), strict=True)),
        sm.params.scoring,
    )
    line = verification_line(sm.params.engine, sm.params.pairs, checked)
    write_summary(
        summarise(tables, checks),
        Path(out.csv),
        Path(out.md),
        remix,
        Path(out.remix),
        verification=line,
        verification_path=Path(out.verification),
        metrics=metrics,
        metrics_csv_path=Path(out.metrics),
        metrics_scoring=sm.params.scoring,
    )


run_job(snakemake, main)
