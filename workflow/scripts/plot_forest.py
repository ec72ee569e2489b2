"""Snakemake job: forest plot of the paired comparisons (vdbo.report.forest)."""

from vdbo.core.jobs import run_job
from vdbo.report.forest import plot_forest


def main(sm):
    plot_forest(sm.input[0], sm.output[0], sm.params.confidence)


run_job(snakemake, main)
