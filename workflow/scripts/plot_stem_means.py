"""Snakemake job: mean HAAQI per separator, stem and ear (vdbo.report.scores)."""

from vdbo.core.jobs import run_job
from vdbo.report.scores import plot_stem_means


def main(sm):
    plot_stem_means(
        dict(zip(sm.params.separators, sm.input, strict=True)), sm.output[0]
    )


run_job(snakemake, main)
