"""Snakemake job: forest plot of the paired comparisons (vdbo.report.forest): of
HAAQI (rule plot_forest) or of a per-song metric (rule plot_forest_metric)."""

from vdbo.core.jobs import run_job
from vdbo.report.forest import plot_forest


def main(sm):
    if hasattr(sm.params, "title"):
        plot_forest(
            sm.input[0], sm.output[0], sm.params.confidence, sm.params.title, "songs"
        )
    else:
        plot_forest(sm.input[0], sm.output[0], sm.params.confidence)


run_job(snakemake, main)
