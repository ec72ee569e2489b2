"""Snakemake job: HAAQI against a per-song metric (SDR), per stem, by hearing loss."""

from vdbo.core.jobs import run_job
from vdbo.report import metric_vs_haaqi


def main(sm):
    separators = sm.params.separators
    bands = metric_vs_haaqi.listener_bands(sm.params.audiograms, sm.params.bands)
    table = metric_vs_haaqi.points(
        dict(zip(separators, sm.input.haaqi, strict=True)),
        dict(zip(separators, sm.input.metric, strict=True)),
        sm.params.column,
        bands,
    )
    order = [b["name"] for b in sm.params.bands]
    metric_vs_haaqi.plot(table, sm.params.title, order, sm.output[0])


run_job(snakemake, main)
