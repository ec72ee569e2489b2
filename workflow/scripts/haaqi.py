"""Snakemake job: HAAQI of one pair's stems or one remix (vdbo.evaluation.job)."""

from vdbo.core.jobs import run_job
from vdbo.evaluation.job import run

run_job(snakemake, run)
