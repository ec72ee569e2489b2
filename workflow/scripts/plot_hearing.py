"""Snakemake job: HAAQI against pure-tone average per ear (vdbo.report.hearing)."""

from vdbo.core.jobs import run_job
from vdbo.report.hearing import plot_haaqi_vs_pta


def main(sm):
    tables = dict(zip(sm.params.separators, sm.input, strict=True))
    plot_haaqi_vs_pta(tables, dict(sm.params.audiograms), sm.output[0])


run_job(snakemake, main)
