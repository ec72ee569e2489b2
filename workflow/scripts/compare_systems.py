"""Snakemake job: paired comparison of every two scored systems."""

from vdbo import SIDES
from vdbo.core.atomic import atomic_output
from vdbo.core.jobs import run_job
from vdbo.evaluation import compare
from vdbo.report.hearing import pure_tone_average


def main(sm):
    values = {
        s: compare.read_pair_values(p)
        for s, p in zip(sm.params.systems, sm.input, strict=True)
    }
    cfg = sm.params.settings
    settings = compare.Settings(
        cfg["resamples"],
        cfg["seed"],
        cfg["confidence"],
        cfg["min_songs"],
        cfg["min_listeners"],
    )
    bands = compare.bands_from_config(cfg["bands"])
    ptas = {
        lid: tuple(pure_tone_average(a, side) for side in SIDES)
        for lid, a in sm.params.audiograms.items()
    }
    by_listener = compare.listener_bands(ptas, bands)
    table = compare.compare_systems(
        values, by_listener, [b.name for b in bands], settings
    )
    for key, frame in (
        ("comparisons", table),
        ("ranking", compare.ranking(values, table)),
        ("bands", compare.band_table(ptas, by_listener)),
    ):
        with atomic_output(getattr(sm.output, key)) as tmp:
            frame.to_csv(tmp, index=False)


run_job(snakemake, main)
