"""Snakemake job: write one pair's 8 stem FLACs and its remix FLAC."""

from pathlib import Path

from vdbo import MUSDB_SAMPLE_RATE, REMIX_SAMPLE_RATE, STEM_SAMPLE_RATE
from vdbo.core.jobs import run_job
from vdbo.core.metadata import SEGMENT_KINDS
from vdbo.enhancement.encoding import write_official_remix, write_stems
from vdbo.separation.stems_npz import load_stems


def main(sm):
    processed = load_stems(Path(sm.input[0]))
    w = sm.wildcards
    crops = sm.params.segments or {}
    # test.py crops the stems to the objective segment, the remix to the subjective
    stem_crop, remix_crop = (crops.get(kind) for kind in SEGMENT_KINDS)
    write_stems(
        processed,
        Path(sm.params.root),
        w.listener,
        w.song,
        MUSDB_SAMPLE_RATE,
        STEM_SAMPLE_RATE,
        segment=stem_crop,
    )
    write_official_remix(
        processed,
        Path(sm.output.remix),
        MUSDB_SAMPLE_RATE,
        REMIX_SAMPLE_RATE,
        sm.params.soft_clip,
        segment=remix_crop,
    )


run_job(snakemake, main)
