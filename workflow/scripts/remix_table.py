"""Snakemake job: one strategy's remix loudness, peak, gains (and HAAQI) per pair."""

from pathlib import Path

from vdbo.core.atomic import atomic_output
from vdbo.core.jobs import run_job
from vdbo.evaluation.aggregate import remix_table


def main(sm):
    table = remix_table([Path(p) for p in sm.input])
    with atomic_output(sm.output[0]) as tmp:
        table.to_csv(tmp, index=False)


run_job(snakemake, main)
