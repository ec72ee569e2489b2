"""Snakemake job: re-score one pair with the official HAAQI; fail on any difference."""

from pathlib import Path

from vdbo.jobs import run_job
from vdbo.scoring import score_pair_files, verify_against, write_pair_scores


def main(sm):
    w = sm.wildcards
    segment = None if sm.params.segment is None else tuple(sm.params.segment)
    score, per_stem = score_pair_files(
        w.song,
        w.listener,
        dict(sm.params.listener),
        sm.input.stems,
        sm.input.references,
        segment=segment,
        enhanced_cropped=sm.params.enhanced_cropped,
        engine="official",
    )
    verify_against(Path(sm.input.fast), score, per_stem)
    write_pair_scores(Path(sm.output[0]), w.song, w.listener, score, per_stem)


run_job(snakemake, main)
