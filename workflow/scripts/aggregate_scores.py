"""Snakemake job: one separator's scores in the official CSV columns."""

from pathlib import Path

from vdbo.aggregate import concat_scores
from vdbo.jobs import run_job


def main(sm):
    concat_scores([Path(p) for p in sm.input], Path(sm.output[0]))


run_job(snakemake, main)
