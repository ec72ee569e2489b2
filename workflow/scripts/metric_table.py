"""Snakemake job: one separator's table of a per-song metric (its songs' rows)."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.evaluation.metrics import concat_tables


def main(sm):
    concat_tables(list(map(Path, sm.input)), Path(sm.output[0]))


run_job(snakemake, main)
