"""Snakemake job: train or fine-tune one separator on the train split."""

from pathlib import Path

from vdbo.core.determinism import log_settings
from vdbo.core.jobs import run_job
from vdbo.training import train


def main(sm):
    log_settings()
    settings = dict(sm.params.settings)
    init = sm.params.init_checkpoint
    train(
        settings,
        Path(sm.params.music_dir),
        list(sm.params.train_songs),
        list(sm.params.valid_songs),
        Path(sm.output.checkpoint),
        Path(sm.output.log),
        init_checkpoint=None if init is None else Path(init),
        device=sm.params.device,  # checked (and `auto` resolved) by train()
    )


run_job(snakemake, main)
