"""Snakemake job: official HAAQI scores of one (song, listener) pair."""

from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.core.resources import scoring_job_segment
from vdbo.evaluation.pairs import score_pair_files, write_pair_checks, write_pair_scores


def main(sm):
    w = sm.wildcards
    segment = scoring_job_segment(
        sm.params.segment,
        sm.input.references[0],
        sm.params.engine,
        sm.resources.get("mem_mb"),
    )
    result = score_pair_files(
        w.song,
        w.listener,
        dict(sm.params.listener),
        sm.input.stems,
        sm.input.references,
        segment=segment,
        enhanced_cropped=sm.params.enhanced_cropped,
        engine=sm.params.engine,
        threads=sm.threads,
        silent_reference=sm.params.silent_reference,
    )
    write_pair_checks(Path(sm.output.checks), result, sm.params.silent_reference)
    write_pair_scores(
        Path(sm.output.csv), w.song, w.listener, result.score, result.per_stem
    )


run_job(snakemake, main)
