"""Snakemake job: the summary tables as an HTML page for the report."""

from vdbo.jobs import run_job
from vdbo.plots.tables import summary_page


def main(sm):
    scores = dict(zip(sm.params.separators, sm.input.scores, strict=True))
    keys = [tuple(k) for k in sm.params.remix_keys]
    summary_page(scores, dict(zip(keys, sm.input.remix, strict=True)), sm.output[0])


run_job(snakemake, main)
