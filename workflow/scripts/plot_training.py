"""Snakemake job: training curves of one model (vdbo.report.training)."""

from vdbo.core.jobs import run_job
from vdbo.report.training import plot_training


def main(sm):
    plot_training(sm.input[0], sm.wildcards.model, sm.output[0])


run_job(snakemake, main)
