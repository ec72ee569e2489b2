"""Snakemake job: build the embedded demo dataset."""

from pathlib import Path

from vdbo.demo.build import build_demo_dataset
from vdbo.jobs import run_job


def main(sm):
    build_demo_dataset(Path(sm.params.root), Path(sm.input.listeners))


run_job(snakemake, main)
