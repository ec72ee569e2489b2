"""Snakemake job: mean HAAQI per separator and stem."""

from pathlib import Path

from vdbo.aggregate import summarise, write_summary
from vdbo.jobs import run_job


def main(sm):
    tables = dict(zip(sm.params.separators, map(Path, sm.input), strict=True))
    write_summary(summarise(tables), Path(sm.output.csv), Path(sm.output.md))


run_job(snakemake, main)
