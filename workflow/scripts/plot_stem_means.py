"""Snakemake job: mean HAAQI per separator, stem and ear (vdbo.plots.scores)."""

from vdbo.jobs import run_job
from vdbo.plots.scores import plot_stem_means


def main(sm):
    plot_stem_means(
        dict(zip(sm.params.separators, sm.input, strict=True)), sm.output[0]
    )


run_job(snakemake, main)
