"""Snakemake job: re-score one pair with the official HAAQI; fail on any difference."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.evaluation.pairs import score_pair_files, verify_against, write_pair_scores


def main(sm):
    w = sm.wildcards
    segment = None if sm.params.segment is None else tuple(sm.params.segment)
    result = score_pair_files(
        w.song,
        w.listener,
        dict(sm.params.listener),
        sm.input.stems,
        sm.input.references,
        segment=segment,
        enhanced_cropped=sm.params.enhanced_cropped,
        engine="official",
        silent_reference=sm.params.silent_reference,
    )
    verify_against(Path(sm.input.fast), result.score, result.per_stem)
    write_pair_scores(
        Path(sm.output[0]), w.song, w.listener, result.score, result.per_stem
    )


run_job(snakemake, main)
