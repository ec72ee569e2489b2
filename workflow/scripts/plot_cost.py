"""Snakemake job: CPU time and peak memory per rule from benchmark files."""

from vdbo.core.jobs import run_job
from vdbo.report.cost import plot_cost


def main(sm):
    plot_cost(
        {rule: list(files) for rule, files in sm.params.benchmarks.items()},
        sm.output[0],
    )


run_job(snakemake, main)
