"""Snakemake job: the comparison tables as an HTML page (vdbo.report.compare_page)."""

from vdbo.core.jobs import run_job
from vdbo.report.compare_page import compare_page


def main(sm):
    compare_page(
        sm.input.comparisons, sm.input.ranking, sm.output[0], sm.params.confidence
    )


run_job(snakemake, main)
