"""Snakemake job: remix loudness, true peak and HAAQI per strategy (vdbo.report)."""

from vdbo.core.jobs import run_job
from vdbo.report.remix import plot_remix


def main(sm):
    keys = [tuple(k) for k in sm.params.remix_keys]
    tables = dict(zip(keys, sm.input, strict=True))
    plot_remix(tables, dict(sm.params.levels), sm.output[0])


run_job(snakemake, main)
