"""Snakemake job: paired comparison of the separators on a per-song metric (SDR)."""

from vdbo.core.atomic import atomic_output
from vdbo.core.jobs import run_job
from vdbo.evaluation import compare


def main(sm):
    column = sm.params.column
    values = {
        s: compare.read_metric_values(p, column)
        for s, p in zip(sm.params.systems, sm.input, strict=True)
    }
    cfg = sm.params.settings
    settings = compare.Settings(
        cfg["resamples"], cfg["seed"], cfg["confidence"], cfg["min_songs"], 1
    )
    table, ranks = compare.compare_metric(values, settings, sm.wildcards.metric)
    for key, frame in (("comparisons", table), ("ranking", ranks)):
        with atomic_output(getattr(sm.output, key)) as tmp:
            frame.to_csv(tmp, index=False)


run_job(snakemake, main)
