"""Snakemake job: SDR (museval) of one separator's stems of one song."""

from pathlib import Path

from vdbo import STEMS
from vdbo.core.jobs import run_job
from vdbo.evaluation.sdr import score_separated


def main(sm):
    score_separated(
        sm.wildcards.song,
        Path(sm.input.separated),
        dict(zip(STEMS, map(Path, sm.input.references), strict=True)),
        sm.params.segment,
        Path(sm.output.json),
        Path(sm.output.csv),
    )


run_job(snakemake, main)
