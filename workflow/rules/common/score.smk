# Input functions and params of rules/score.smk.

from vdbo.evaluation.engines import CALLS_PER_PAIR, CALLS_PER_REMIX, get_engine
from vdbo.evaluation.verification import verification_sample


def haaqi_settings(segment=None, engine=None, cropped=None):
    """params.haaqi of a HAAQI scoring job: engine (scoring.engine unless given), the
    silence policy, the scored segment (input function, scored_segment unless given),
    whether the stems hold only that segment, and the listener's audiogram."""
    segment = segment or scored_segment
    cropped = cropped or (lambda w: EVALUATION)

    def settings(wildcards):
        return {
            "engine": engine or config["scoring"]["engine"],
            "silent_reference": config["scoring"]["silent_reference"],
            "segment": segment(wildcards),
            "enhanced_cropped": cropped(wildcards),
            "listener": listener_audiogram(wildcards),
        }

    return settings


def haaqi_threads(engine=None):
    """Cores of a HAAQI job: scoring.threads where the engine spreads over them."""
    threaded = get_engine(engine or config["scoring"]["engine"]).threaded
    return config["scoring"]["threads"] if threaded else 1


def haaqi_seconds(segment=None):
    """The audio seconds one call of the job scores (the segment, or the song)."""

    def seconds(wildcards):
        seg = (segment or scored_segment)(wildcards)
        return song_seconds(wildcards.song) if seg is None else seg[1] - seg[0]

    return seconds


def haaqi_mem_mb(segment=None, engine=None):
    """mem_mb of a HAAQI job, from the engine's cost model and what it scores (more
    per retry: per_attempt)."""
    seconds = haaqi_seconds(segment)
    return per_attempt(
        lambda w: get_engine(engine or config["scoring"]["engine"]).mem_mb(seconds(w))
    )


def haaqi_runtime(segment=None, engine=None, calls=CALLS_PER_PAIR):
    """runtime (minutes) of a HAAQI job of ``calls`` calls."""
    seconds = haaqi_seconds(segment)
    name = engine or config["scoring"]["engine"]
    return lambda w: get_engine(name).runtime_min(
        seconds(w), haaqi_threads(name), calls
    )


def pair_scores(wildcards, key="csv"):
    """Per-pair score files of one separator, in the official (song, listener) order."""
    return [
        output_of("score", key, separator=wildcards.separator, listener=lid, song=song)
        for song, lid in pairs()
    ]


def pair_checks(wildcards):
    """Per-pair reference checks (skipped and quiet stem-ears), as pair_scores."""
    return pair_scores(wildcards, "checks")


def separator_tables(key="csv"):
    """The score table of every scored system (separators, received submissions; the
    two share aggregate_scores' layout): ``key`` csv, or checks (reference checks)."""
    return expand(
        getattr(rules.aggregate_scores.output, key), separator=scored_systems()
    )


def verified_pair_wildcards():
    """Pairs re-scored with the official engine when the fast one is used: per
    separator at least scoring.verify_pairs, or scoring.verify_fraction of its pairs
    if more, spread over songs and listeners (vdbo.evaluation.verification)."""
    scoring = config["scoring"]
    if scoring["engine"] == "official":
        return []
    chosen = verification_sample(
        list(songs()),
        list(listeners()),
        enabled_separators(),
        scoring["verify_pairs"],
        scoring["verify_fraction"],
    )
    return [dict(separator=sep, listener=lid, song=song) for sep, song, lid in chosen]


def verified_pairs():
    """The official engine's score files of :func:`verified_pair_wildcards`."""
    return [output_of("verify_scores", **w) for w in verified_pair_wildcards()]
