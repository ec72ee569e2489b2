"""Snakemake job: a user's metric (scoring.custom_metrics) of one separator's song."""

from pathlib import Path

from vdbo import STEMS
from vdbo.core.jobs import run_job
from vdbo.evaluation.metrics import custom_metric
from vdbo.evaluation.separated import run_custom


def main(sm):
    run_custom(
        custom_metric(sm.wildcards.metric, sm.params.spec),
        sm.wildcards.song,
        Path(sm.input.separated),
        dict(zip(STEMS, map(Path, sm.input.references), strict=True)),
        sm.params.segment,
        Path(sm.output.csv),
    )


run_job(snakemake, main)
