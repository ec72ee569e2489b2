"""Snakemake job: the summary tables as an HTML page for the report."""

from vdbo.core.jobs import run_job
from vdbo.report.tables import summary_page


def main(sm):
    summary_page(
        sm.input.summary,
        sm.input.remix,
        sm.output[0],
        sm.input.verification,
        sm.input.metrics,
        sm.params.scoring,
    )


run_job(snakemake, main)
