# Input functions and params of rules/remix.smk.


def remix_strategies():
    return list(config["remix"]["strategies"])


def remix_config(wildcards):
    return dict(config["remix"]["strategies"][wildcards.strategy])


def official_remix_reused(wildcards):
    """Whether this strategy's remix is encode's official remix FLAC, byte for byte:
    the official strategy (baseline) with enhancement.soft_clip, whole songs (in
    evaluation mode encode crops the remix to the subjective segment)."""
    from vdbo.remix import get_strategy, resolve_config

    strategy = resolve_config(remix_config(wildcards))
    return (
        get_strategy(strategy["strategy"]).official
        and strategy["soft_clip"] == config["enhancement"]["soft_clip"]
        and not EVALUATION
    )


def remix_inputs(wildcards):
    """The separated stems; for the official strategy also encode's remix to copy."""
    w = wildcards
    inputs = {"stems": output_of("separate", separator=w.separator, song=w.song)}
    if official_remix_reused(wildcards):
        inputs["official"] = output_of(
            "encode", "remix", separator=w.separator, listener=w.listener, song=w.song
        )
    return inputs


def remix_override(wildcards):
    """This listener's row of the override table, if the strategy takes overrides.

    Passed as a param, so editing one listener's row reruns only that listener.
    """
    from vdbo.remix import get_strategy, load_overrides

    table = config["remix"]["overrides"]
    strategy = get_strategy(remix_config(wildcards)["strategy"])
    if not table or not strategy.accepts_overrides:
        return None
    name = listeners()[wildcards.listener].get("name", wildcards.listener)
    return load_overrides(table).get(name)


def remix_pairs(wildcards):
    """Per-pair remix stats (and HAAQI) of one strategy and separator."""
    job, key = ("remix_haaqi", 0) if config["remix"]["haaqi"] else ("remix", "stats")
    w = wildcards
    return [
        output_of(
            job,
            key,
            strategy=w.strategy,
            separator=w.separator,
            listener=lid,
            song=song,
        )
        for song, lid in pairs()
    ]


def remix_separators():
    wanted = config["remix"]["separators"]
    return [s for s in enabled_separators() if not wanted or s in wanted]


def remix_table_keys():
    """[strategy, separator] of every remix table, in the order of remix_tables()."""
    return [[s, sep] for s in remix_strategies() for sep in remix_separators()]


def remix_tables():
    return [
        output_of("remix_table", strategy=strategy, separator=sep)
        for strategy, sep in remix_table_keys()
    ]
