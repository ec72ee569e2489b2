"""Snakemake job: the run's effective config as an HTML page for the report."""

from vdbo.core.jobs import run_job
from vdbo.report.tables import config_page


def main(sm):
    config_page(sm.params.config, sm.output[0])


run_job(snakemake, main)
