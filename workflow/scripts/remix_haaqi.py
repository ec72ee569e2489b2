"""Snakemake job: HAAQI per ear of one remix against the gained reference mixture."""

import json
from pathlib import Path

from vdbo.core.atomic import write_text
from vdbo.core.jobs import run_job
from vdbo.evaluation.remix_scores import score_remix


def main(sm):
    stats = json.loads(Path(sm.input.stats).read_text())
    segment = None if sm.params.segment is None else tuple(sm.params.segment)
    scores = score_remix(
        Path(sm.input.flac),
        {Path(p).stem: Path(p) for p in sm.input.references},
        stats["gains_db"],
        dict(sm.params.listener),
        sm.wildcards.song,
        segment,
        sm.params.engine,
        threads=sm.threads,
        silent_reference=sm.params.silent_reference,
    )
    stats.update({f"haaqi_{k}": v for k, v in scores.items()})
    write_text(sm.output[0], json.dumps(stats, indent=1))


run_job(snakemake, main)
