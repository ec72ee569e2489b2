"""Snakemake job: pack one separator's evaluation files as test.py packs them."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.enhancement.submission import pack


def main(sm):
    pack(Path(sm.params.root_dir), sm.params.team_id, Path(sm.output[0]), sm.input)


run_job(snakemake, main)
