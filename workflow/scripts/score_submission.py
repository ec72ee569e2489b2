"""Snakemake job: official HAAQI scores of one pair of a submission."""

from pathlib import Path

from vdbo.jobs import run_job
from vdbo.resources import scoring_job_segment
from vdbo.scoring import score_pair, write_pair_scores
from vdbo.submission_intake import cropped, score_cropped_pair


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
    engine = {"engine": sm.params.engine, "threads": sm.threads}
    if cropped(spec):
        score, per_stem = score_cropped_pair(*args, *paths, segment, **engine)
    else:
        score, per_stem = score_pair(*args, *paths, segment=segment, **engine)
    write_pair_scores(Path(sm.output[0]), w.song, w.listener, score, per_stem)


run_job(snakemake, main)
