"""Training settings: defaults, validation, and the hash that identifies a run.

Keys, defaults (sized for the embedded demo: a small Open-Unmix that trains in minutes
on two CPU cores) and limits are in the config schema,
``training.models.<name>.settings`` (read through :mod:`vdbo.core.schema`). A resumed
run
must use the same settings as the run it continues; the hash of the resolved settings
is what the resume check compares.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from vdbo import STEMS
from vdbo.core import schema
from vdbo.core.errors import InputError

SETTINGS_SCHEMA = schema.section("training", "models", "*", "settings")
"""Keys, defaults, limits and documentation: training.models.<name>.settings in
src/vdbo/schemas/config.schema.yaml."""

DEFAULTS: dict[str, Any] = schema.defaults(SETTINGS_SCHEMA)
"""Demo-sized defaults (real sizes: see the schema's description of ``settings``)."""

_NOT_IN_HASH = ("device", "threads", "log_interval_seconds")
"""Settings that change how fast a run goes, not what it learns."""

_NESTED = ", ".join(k for k, v in DEFAULTS.items() if isinstance(v, dict))
_FIX = (
    f"use only the keys {', '.join(DEFAULTS)} (nested: {_NESTED}) within the limits "
    "of training.models.<name>.settings in src/vdbo/schemas/config.schema.yaml"
)


def _merge(defaults: dict, given: dict) -> dict:
    merged = copy.deepcopy(defaults)
    for key, value in given.items():
        if isinstance(merged.get(key), dict) and isinstance(value, dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve_config(config: dict | None, source: Path | None = None) -> dict:
    """The given settings over the defaults, checked; ``source`` names the file.

    The schema checks each key (unknown keys, types, ranges); here are the checks
    across keys that it cannot state.
    """
    cfg = _merge(DEFAULTS, dict(config or {}))
    if problems := schema.problems(cfg, SETTINGS_SCHEMA, "training settings"):
        raise InputError(source, "; ".join(problems), _FIX)

    def need(ok: bool, key: str, rule: str) -> None:
        if not ok:
            raise InputError(source, f"training setting {key} {rule}", "fix the value")

    aug = cfg["augment"]
    need(
        aug["gain_db_min"] <= aug["gain_db_max"],
        "augment.gain_db_min/max",
        "are numbers with min <= max",
    )
    umx = cfg["umx"]
    need(umx["hidden_size"] % 2 == 0, "umx.hidden_size", "is even (bidirectional LSTM)")
    need(umx["nhop"] <= umx["nfft"], "umx.nhop", "is at most umx.nfft")
    need(
        sorted(cfg["hdemucs"]["sources"]) == sorted(STEMS),
        "hdemucs.sources",
        "lists vocals, drums, bass and other once each",
    )
    return cfg


def config_hash(
    cfg: dict, train_songs: list[str], valid_songs: list[str], init_digest: str | None
) -> str:
    """Identify what a run learns: settings, song lists and the initial weights."""
    learned = {k: v for k, v in cfg.items() if k not in _NOT_IN_HASH}
    blob = json.dumps(
        {
            "config": learned,
            "train": train_songs,
            "valid": valid_songs,
            "init": init_digest,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
