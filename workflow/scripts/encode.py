"""Snakemake job: write one pair's 8 stem FLACs and its remix FLAC."""

from pathlib import Path

from vdbo import MUSDB_SAMPLE_RATE, REMIX_SAMPLE_RATE, STEM_SAMPLE_RATE
from vdbo.encoding import write_official_remix, write_stems
from vdbo.jobs import run_job
from vdbo.stems_npz import load_stems


def main(sm):
    processed = load_stems(Path(sm.input[0]))
    w = sm.wildcards
    write_stems(
        processed,
        Path(sm.params.root),
        w.listener,
        w.song,
        MUSDB_SAMPLE_RATE,
        STEM_SAMPLE_RATE,
    )
    write_official_remix(
        processed,
        Path(sm.output.remix),
        MUSDB_SAMPLE_RATE,
        REMIX_SAMPLE_RATE,
        sm.params.soft_clip,
    )


run_job(snakemake, main)
