"""Snakemake job: one separator's scores in the official CSV columns, and its
reference checks (stem-ears skipped for a silent reference, very quiet ones)."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.evaluation.aggregate import collect_checks, concat_scores


def main(sm):
    concat_scores([Path(p) for p in sm.input.scores], Path(sm.output.csv))
    collect_checks([Path(p) for p in sm.input.checks], Path(sm.output.checks))


run_job(snakemake, main)
