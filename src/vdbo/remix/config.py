"""The remix configuration: one flat dict, every key documented, defaults filled in.

Why a plain dict and not a class: the Snakemake config (validated by the JSON schema)
hands the ``remix`` section straight to :func:`vdbo.remix.remix` and
:func:`vdbo.remix.write_remix`, and keeping the same shape everywhere means the schema,
the docs and the code describe one thing. Unknown keys are refused, because a typo in a
key (``loudness_target``) would otherwise silently fall back to a default.

Keys (default in brackets):

``strategy`` ["baseline"]
    Name of the remix strategy in the registry (:mod:`vdbo.remix.strategies`):
    ``baseline`` (official sum, official clip-and-write, bit-identical),
    ``baseline_normalised`` (official sum, then level safety),
    ``fixed_gains`` (per-stem gains from ``gains_db``), ``audiogram`` (gains from the
    listener's audiogram, see :mod:`vdbo.remix.audiogram_rule`).
``gains_db`` [{}]
    ``fixed_gains`` only: gain in dB per stem, keys among vocals, drums, bass, other;
    a missing stem gets 0 dB. Same gain on both sides.
``audiogram_rule`` [{}]
    ``audiogram`` only: overrides of the rule's parameters (field names of
    :class:`vdbo.remix.audiogram_rule.AudiogramRule`).
``loudness_target_lufs`` [-20.0]
    Integrated loudness (ITU-R BS.1770, stereo) of the written remix, in LUFS.
    Level-safe strategies only. -23 is the EBU R 128 broadcast level, -14 is the
    usual streaming level. None (null): no loudness normalisation, only the
    true-peak limiter, so the remix keeps the level NAL-R gave it. HAAQI of the
    remix rewards level for listeners with hearing loss (the reference is presented
    at 65 dB SPL): on a demo song, L0001, the remix HAAQI went 0.24 / 0.47 / 0.70 at
    -20 / -14 / -10 LUFS, and 0.81 for the clipped official baseline (-2.5 LUFS).
``true_peak_limit_dbtp`` [-1.0]
    Ceiling for the true peak (4x oversampled) of the written remix, in dBTP.
``limiter_lookahead_ms`` [5.0]
    How early the limiter starts to lower the gain before a peak (and how long its
    gain ramps last), in ms. Longer is smoother, shorter is more transparent.
``limiter_hold_ms`` [50.0]
    How long the limiter keeps its gain down after a peak before recovering, in ms.
    Longer than a bass period so the gain does not ripple within one cycle.
``soft_clip`` [True]
    ``baseline`` only: the official ``soft_clip`` option (tanh before the clip).
"""

from __future__ import annotations

import copy
import math
from typing import Any

from vdbo.errors import InputError

DEFAULT_CONFIG: dict[str, Any] = {
    "strategy": "baseline",
    "gains_db": {},
    "audiogram_rule": {},
    "loudness_target_lufs": -20.0,
    "true_peak_limit_dbtp": -1.0,
    "limiter_lookahead_ms": 5.0,
    "limiter_hold_ms": 50.0,
    "soft_clip": True,
}

_FIX = "see the key list in vdbo/remix/config.py (config section `remix`)"


def resolve_config(strategy_config: dict | None) -> dict[str, Any]:
    """Return a full copy of ``strategy_config`` with defaults filled in and checked."""
    given = dict(strategy_config or {})
    unknown = sorted(set(given) - set(DEFAULT_CONFIG))
    if unknown:
        raise InputError(
            None,
            f"unknown remix config key(s) {unknown}",
            f"use only {sorted(DEFAULT_CONFIG)}; {_FIX}",
        )
    config = copy.deepcopy(DEFAULT_CONFIG)
    config.update(copy.deepcopy(given))
    if config["loudness_target_lufs"] is not None:
        config["loudness_target_lufs"] = _finite_number(
            config["loudness_target_lufs"], "loudness_target_lufs"
        )
    for key in (
        "true_peak_limit_dbtp",
        "limiter_lookahead_ms",
        "limiter_hold_ms",
    ):
        config[key] = _finite_number(config[key], key)
    if config["true_peak_limit_dbtp"] > 0.0:
        raise InputError(
            None,
            f"true_peak_limit_dbtp is {config['true_peak_limit_dbtp']} dBTP, above "
            "full scale",
            "use a ceiling at or below 0 dBTP, typically -1.0",
        )
    target = config["loudness_target_lufs"]
    if target is not None and target >= config["true_peak_limit_dbtp"]:
        raise InputError(
            None,
            "loudness_target_lufs must be below true_peak_limit_dbtp",
            "use a target such as -23, -20 or -14 LUFS",
        )
    if config["limiter_lookahead_ms"] <= 0 or config["limiter_hold_ms"] < 0:
        raise InputError(
            None,
            "limiter_lookahead_ms must be > 0 and limiter_hold_ms >= 0",
            "use for example 5.0 and 50.0",
        )
    for key in ("gains_db", "audiogram_rule"):
        if not isinstance(config[key], dict):
            raise InputError(None, f"remix config key {key!r} must be a mapping", _FIX)
    if not isinstance(config["strategy"], str):
        raise InputError(None, "remix config key 'strategy' must be a name", _FIX)
    if not isinstance(config["soft_clip"], bool):
        raise InputError(None, "remix config key 'soft_clip' must be true/false", _FIX)
    return config


def _finite_number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(None, f"remix config key {key!r} must be a number", _FIX)
    if not math.isfinite(value):
        raise InputError(None, f"remix config key {key!r} must be finite", _FIX)
    return float(value)
