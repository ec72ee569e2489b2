"""Snakemake job: one strategy's remix loudness, peak, gains (and HAAQI) per pair."""

from pathlib import Path

from vdbo.jobs import run_job
from vdbo.remix_scoring import remix_table


def main(sm):
    remix_table([Path(p) for p in sm.input]).to_csv(sm.output[0], index=False)


run_job(snakemake, main)
