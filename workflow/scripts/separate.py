"""Snakemake job: separate one song with one separator."""

from pathlib import Path

import torch

from vdbo.determinism import log_settings
from vdbo.jobs import run_job
from vdbo.separators.run import save_stems, separate_track


def main(sm):
    log_settings()
    torch.set_num_threads(sm.threads)
    stems = separate_track(
        sm.params.spec,
        Path(sm.input.mixture).parent,
        device=sm.params.device,
        name=sm.wildcards.separator,
    )
    save_stems(stems, Path(sm.output[0]))


run_job(snakemake, main)
