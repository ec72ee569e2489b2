# Input functions and targets of rules/listen.smk.

from types import SimpleNamespace


def listen_separators():
    wanted = config["listen"]["separators"]
    if not config["listen"]["enabled"]:
        return []
    return [s for s in enabled_separators() if not wanted or s in wanted]


def listen_strategies(separator):
    """Remix strategies whose remixes of this separator exist (remix.separators)."""
    return remix_strategies() if separator in remix_separators() else []


def listen_inputs(wildcards):
    """Score table, mixtures, official remixes, strategy remixes and their tables."""
    sep = wildcards.separator
    strategies = listen_strategies(sep)
    return {
        "scores": output_of("aggregate_scores", "csv", separator=sep),
        "mixtures": [str(track_dir(song) / "mixture.wav") for song in songs()],
        "remixes": [
            output_of("encode", "remix", separator=sep, listener=lid, song=song)
            for song, lid in pairs()
        ],
        "strategy_remixes": [
            output_of(
                "remix", "flac", strategy=st, separator=sep, listener=lid, song=song
            )
            for st in strategies
            for song, lid in pairs()
        ],
        "strategy_tables": [
            output_of("remix_table", strategy=st, separator=sep) for st in strategies
        ],
    }


def listen_windows(wildcards):
    """{song: [start, end]} song seconds of the clips, and {song: song time of the
    official remix's first sample}: evaluation mode plays the subjective segment the
    official remix holds; otherwise the scored segment (or the song)."""
    windows, offsets = {}, {}
    length = config["listen"]["clip_seconds"]
    for song in songs():
        if EVALUATION:
            start, end = test_segments(song)[SUBJECTIVE]
            offsets[song] = start
        else:
            seg = scored_segment(SimpleNamespace(song=song))
            start, end = seg if seg is not None else (0.0, song_seconds(song))
            offsets[song] = 0.0
        windows[song] = [start, min(end, start + length)]
    return {"windows": windows, "offsets": offsets}


def listen_targets():
    return expand(rules.listen.output.page, separator=listen_separators())


def listen_and_compare_targets():
    """What rule all asks of rules/compare.smk and rules/listen.smk."""
    return compare_targets() + listen_targets()


if unknown := [
    p["separator"]
    for p in config["listen"]["pairs"]
    if p["separator"] not in listen_separators()
]:
    raise ValueError(
        f"Invalid configuration: listen.pairs names {', '.join(sorted(set(unknown)))}, "
        "not a separator the Listen pages cover (enabled, in listen.separators)"
    )
