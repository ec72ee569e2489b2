"""Snakemake job: one listener's remix of one song with one remix strategy."""

import json
from pathlib import Path

from vdbo.core.atomic import write_text
from vdbo.core.jobs import run_job
from vdbo.enhancement.amplification import amplify_stems
from vdbo.remix import copy_official_remix, remix, stem_gains_db, write_remix
from vdbo.remix.stem_keys import stem_channels
from vdbo.separation.stems_npz import load_stems, stem_order


def main(sm):
    listener = dict(sm.params.listener)
    override = sm.params.override
    overrides = None if override is None else {listener["name"]: dict(override)}
    config = dict(sm.params.strategy)
    official = sm.input.get("official")  # encode's official remix (see rule remix)
    if official:
        channels = stem_channels(stem_order(Path(sm.input.stems)))
        gains_db = stem_gains_db(channels, listener, config, overrides)
        stats = copy_official_remix(official, sm.output.flac, config, gains_db)
    else:
        processed = amplify_stems(
            load_stems(Path(sm.input.stems)),
            listener,
            dict(sm.params.nalr),
            dict(sm.params.compressor or {}),
            sm.params.apply_compressor,
        )
        signal, gains_db = remix(processed, listener, config, overrides)
        stats = write_remix(signal, Path(sm.output.flac), config, gains_db)
    stats.update(song=sm.wildcards.song, listener=sm.wildcards.listener)
    write_text(sm.output.stats, json.dumps(stats, indent=1))


run_job(snakemake, main)
