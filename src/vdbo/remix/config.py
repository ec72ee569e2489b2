"""The remix configuration: one flat dict, defaults filled in, checked.

Why a plain dict and not a class: the Snakemake config hands each entry of
``remix.strategies`` straight to :func:`vdbo.remix.remix` and
:func:`vdbo.remix.write_remix`, and keeping the same shape everywhere means the schema,
the docs and the code describe one thing.

The keys, their defaults, limits and documentation have one home: the strategy entry
of the config schema, ``remix.strategies.<name>`` in
``src/vdbo/schemas/config.schema.yaml`` (read through :mod:`vdbo.core.schema`). Unknown
keys are refused, because a typo in a key (``loudness_target``) would otherwise
silently fall back to a default. Here is only the check across keys: a loudness
target below the true-peak ceiling.
"""

from __future__ import annotations

import copy
from typing import Any

from vdbo.core import schema
from vdbo.core.errors import InputError

STRATEGY_SCHEMA = schema.section("remix", "strategies", "*")
"""The schema of one strategy entry: keys, defaults, limits, documentation."""

DEFAULT_CONFIG: dict[str, Any] = schema.defaults(STRATEGY_SCHEMA)

_FIX = (
    f"use only the keys {sorted(DEFAULT_CONFIG)} within the limits of "
    "remix.strategies in src/vdbo/schemas/config.schema.yaml"
)


def resolve_config(strategy_config: dict | None) -> dict[str, Any]:
    """Return a full copy of ``strategy_config`` with defaults filled in and checked."""
    config = copy.deepcopy(DEFAULT_CONFIG)
    config.update(copy.deepcopy(dict(strategy_config or {})))
    if problems := schema.problems(config, STRATEGY_SCHEMA, "remix config"):
        raise InputError(None, "; ".join(problems), _FIX)
    for key in (
        "loudness_target_lufs",
        "true_peak_limit_dbtp",
        "limiter_lookahead_ms",
        "limiter_hold_ms",
    ):
        if config[key] is not None:
            config[key] = float(config[key])
    target = config["loudness_target_lufs"]
    if target is not None and target >= config["true_peak_limit_dbtp"]:
        raise InputError(
            None,
            "loudness_target_lufs must be below true_peak_limit_dbtp",
            "use a target such as -23, -20 or -14 LUFS",
        )
    return config
