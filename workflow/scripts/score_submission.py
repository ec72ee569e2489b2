"""Snakemake job: official HAAQI scores of one pair of a submission."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.core.resources import scoring_job_segment
from vdbo.evaluation.pairs import (
    score_pair_checked,
    write_pair_checks,
    write_pair_scores,
)
from vdbo.evaluation.received import cropped, score_cropped_pair


def main(sm):
    w = sm.wildcards
    segment = scoring_job_segment(
        sm.params.segment,
        sm.input.references[0],
        sm.params.engine,
        sm.resources.get("mem_mb"),
    )
    args = (w.song, w.listener, dict(sm.params.listener), sm.params.split)
    paths = (Path(sm.params.music_dir), Path(sm.params.root))
    spec = {"kind": sm.params.kind, "cropped": sm.params.cropped}
    options = {
        "engine": sm.params.engine,
        "threads": sm.threads,
        "silent_reference": sm.params.silent_reference,
    }
    if cropped(spec):
        result = score_cropped_pair(*args, *paths, segment, **options)
    else:
        result = score_pair_checked(*args, *paths, segment=segment, **options)
    write_pair_checks(Path(sm.output.checks), result, sm.params.silent_reference)
    write_pair_scores(
        Path(sm.output.csv), w.song, w.listener, result.score, result.per_stem
    )


run_job(snakemake, main)
