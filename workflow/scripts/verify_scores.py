"""Snakemake job: re-score one pair with the official HAAQI; fail on any difference."""

from pathlib import Path

from vdbo.jobs import run_job
from vdbo.scoring import score_pair, verify_against, write_pair_scores


def main(sm):
    w = sm.wildcards
    segment = None if sm.params.segment is None else tuple(sm.params.segment)
    score, per_stem = score_pair(
        w.song,
        w.listener,
        dict(sm.params.listener),
        sm.params.split,
        Path(sm.params.music_dir),
        Path(sm.params.root),
        segment=segment,
        engine="official",
        silent_reference=sm.params.silent_reference,
    )
    verify_against(Path(sm.input.fast), score, per_stem)
    write_pair_scores(Path(sm.output[0]), w.song, w.listener, score, per_stem)


run_job(snakemake, main)
