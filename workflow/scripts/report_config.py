"""Snakemake job: the run's effective config as an HTML page for the report."""

from vdbo.jobs import run_job
from vdbo.plots.tables import config_page


def main(sm):
    config_page(sm.params.config, sm.output[0])


run_job(snakemake, main)
