"""Snakemake job: amplify one song's stems for one listener (NAL-R, compressor)."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.enhancement.amplification import amplify_stems
from vdbo.separation.stems_npz import load_stems, save_stems


def main(sm):
    processed = amplify_stems(
        load_stems(Path(sm.input.stems)),
        sm.params.listener,
        dict(sm.params.nalr),
        dict(sm.params.compressor or {}),
        sm.params.apply_compressor,
    )
    save_stems(processed, Path(sm.output[0]))


run_job(snakemake, main)
