"""Snakemake job: official HAAQI scores of one (song, listener) pair."""

from pathlib import Path

from vdbo.jobs import run_job
from vdbo.resources import audio_seconds, check_scoring_budget
from vdbo.scoring import score_pair_files, write_pair_scores


def main(sm):
    w = sm.wildcards
    segment = None if sm.params.segment is None else tuple(sm.params.segment)
    seconds = (
        audio_seconds(sm.input.references[0])
        if segment is None
        else segment[1] - segment[0]
    )
    check_scoring_budget(seconds, sm.params.engine, sm.resources.get("mem_mb"))
    score, per_stem = score_pair_files(
        w.song,
        w.listener,
        dict(sm.params.listener),
        sm.input.stems,
        sm.input.references,
        segment=segment,
        enhanced_cropped=sm.params.enhanced_cropped,
        engine=sm.params.engine,
        threads=sm.threads,
    )
    write_pair_scores(Path(sm.output[0]), w.song, w.listener, score, per_stem)


run_job(snakemake, main)
