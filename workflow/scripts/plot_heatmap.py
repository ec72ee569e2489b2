"""Snakemake job: listener x song HAAQI heat map per separator (vdbo.report.scores)."""

from vdbo.core.jobs import run_job
from vdbo.report.scores import plot_heatmaps


def main(sm):
    plot_heatmaps(dict(zip(sm.params.separators, sm.input, strict=True)), sm.output[0])


run_job(snakemake, main)
