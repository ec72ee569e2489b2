"""Snakemake job: CPU time and peak memory per rule from benchmark files."""

from vdbo.jobs import run_job
from vdbo.plots.cost import plot_cost


def main(sm):
    files = {
        rule: [f] if isinstance(f, str) else list(f) for rule, f in sm.input.items()
    }
    plot_cost(files, sm.output[0])


run_job(snakemake, main)
