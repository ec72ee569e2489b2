"""Snakemake job: build the embedded demo dataset."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.demo.build import build_demo_dataset


def main(sm):
    build_demo_dataset(Path(sm.params.root), Path(sm.input.listeners))


run_job(snakemake, main)
