"""Snakemake job: one separator's Listen page (vdbo.report.listen)."""

import pandas as pd

from vdbo.core.jobs import run_job
from vdbo.report.listen import listen_page, pair_sources


def main(sm):
    p = sm.params
    pairs = [tuple(x) for x in p.pairs]
    mixture = dict(zip(p.songs, sm.input.mixtures, strict=True))
    remix = dict(zip(pairs, sm.input.remixes, strict=True))
    offsets, windows = p.timing["offsets"], p.timing["windows"]
    tables = {
        st: pd.read_csv(path, dtype={"song": str, "listener": str}).set_index(
            ["song", "listener"]
        )
        for st, path in zip(p.strategies, sm.input.strategy_tables, strict=True)
    }
    files = iter(sm.input.strategy_remixes)
    strategy_files = {(st, pair): next(files) for st in p.strategies for pair in pairs}
    sources = {
        (song, lid): pair_sources(
            sm.wildcards.separator,
            lid,
            mixture[song],
            remix[(song, lid)],
            offsets[song],
            {
                st: (
                    strategy_files[(st, (song, lid))],
                    _remix_haaqi(tables[st], song, lid),
                )
                for st in p.strategies
            },
        )
        for song, lid in pairs
    }
    listen_page(
        sm.wildcards.separator,
        sm.input.scores,
        sources,
        p.audiograms,
        p.picks,
        p.extra,
        {song: tuple(w) for song, w in windows.items()},
        p.sample_rate,
        p.mp3_kbps,
        sm.output.page,
        sm.output.manifest,
        p.reference_spl_db,
    )


def _remix_haaqi(table, song, lid):
    row = table.loc[(song, lid)]
    return {
        f"{side} ear": float(row[f"haaqi_{side}"])
        for side in ("left", "right")
        if f"haaqi_{side}" in row
    }


run_job(snakemake, main)
