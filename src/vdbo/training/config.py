"""Training settings: defaults, validation, and the hash that identifies a run.

Every key has a default sized for the embedded demo (a small Open-Unmix that trains
in minutes on two CPU cores). A resumed run must use the same settings as the run it
continues; the hash of the resolved settings is what the resume check compares.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from vdbo import STEMS
from vdbo.errors import InputError

ARCHITECTURES = ("umx", "hdemucs")

DEFAULTS: dict[str, Any] = {
    "architecture": "umx",
    "seed": 42,
    "epochs": 6,
    "steps_per_epoch": 30,
    "batch_size": 4,
    "chunk_seconds": 3.0,
    "learning_rate": 3e-3,
    "weight_decay": 1e-5,
    "device": "cpu",
    "threads": 1,
    "log_interval_seconds": 30.0,
    "umx": {
        "hidden_size": 64,
        "nb_layers": 1,
        "nfft": 1024,
        "nhop": 256,
        "bandwidth_hz": 16000.0,
        "unidirectional": False,
    },
    "hdemucs": {
        "sources": ["drums", "bass", "other", "vocals"],
        "channels": 8,
        "growth": 2,
        "nfft": 1024,
        "depth": 4,
    },
    "augment": {
        "gain_db_min": -6.0,
        "gain_db_max": 3.0,
        "channel_swap": True,
        "remix_across_songs": True,
    },
    "validation": {
        "chunk_seconds": 5.0,
        "max_chunks_per_song": 4,
    },
}
"""Demo-sized defaults. Real sizes: umxhq is ``umx: {hidden_size: 512, nb_layers: 3,
nfft: 4096, nhop: 1024}``; ``HDEMUCS_HIGH_MUSDB`` is ``hdemucs: {channels: 48,
nfft: 4096, depth: 6}``. The learning rate suits small models trained from scratch;
fine-tuning pretrained weights wants about 1e-4 (Open-Unmix and Demucs train their
full-size models from scratch at 1e-3 and 3e-4)."""

STEMS_REQUIRED = set(STEMS)

_NOT_IN_HASH = ("device", "threads", "log_interval_seconds")
"""Settings that change how fast a run goes, not what it learns."""


def _merge(defaults: dict, given: dict, where: str, source: Path | None) -> dict:
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise InputError(
            source,
            f"unknown training setting(s) {', '.join(where + k for k in unknown)}",
            f"use only {', '.join(where + k for k in defaults)}",
        )
    merged = copy.deepcopy(defaults)
    for key, value in given.items():
        if isinstance(defaults[key], dict):
            if not isinstance(value, dict):
                raise InputError(
                    source, f"training setting {where}{key} must be a mapping", "fix it"
                )
            merged[key] = _merge(defaults[key], value, f"{where}{key}.", source)
        else:
            merged[key] = value
    return merged


def resolve_config(config: dict | None, source: Path | None = None) -> dict:
    """The given settings over the defaults, checked; ``source`` names the file."""
    cfg = _merge(DEFAULTS, dict(config or {}), "", source)

    def need(ok: bool, key: str, rule: str) -> None:
        if not ok:
            raise InputError(source, f"training setting {key} {rule}", "fix the value")

    need(
        cfg["architecture"] in ARCHITECTURES,
        "architecture",
        f"is one of {ARCHITECTURES}",
    )
    for key in ("epochs", "steps_per_epoch", "batch_size"):
        need(isinstance(cfg[key], int) and cfg[key] >= 1, key, "is an integer >= 1")
    need(isinstance(cfg["seed"], int), "seed", "is an integer")
    need(
        cfg["threads"] is None
        or (isinstance(cfg["threads"], int) and cfg["threads"] >= 1),
        "threads",
        "is null (keep torch's setting) or an integer >= 1",
    )
    for key in ("chunk_seconds", "learning_rate"):
        need(_number(cfg[key]) and cfg[key] > 0, key, "is a number > 0")
    need(
        _number(cfg["weight_decay"]) and cfg["weight_decay"] >= 0,
        "weight_decay",
        ">= 0",
    )
    aug = cfg["augment"]
    need(
        _number(aug["gain_db_min"])
        and _number(aug["gain_db_max"])
        and aug["gain_db_min"] <= aug["gain_db_max"],
        "augment.gain_db_min/max",
        "are numbers with min <= max",
    )
    val = cfg["validation"]
    need(
        _number(val["chunk_seconds"]) and val["chunk_seconds"] > 0, "validation", "> 0"
    )
    need(
        val["max_chunks_per_song"] is None
        or (
            isinstance(val["max_chunks_per_song"], int)
            and val["max_chunks_per_song"] >= 1
        ),
        "validation.max_chunks_per_song",
        "is null (whole songs) or an integer >= 1",
    )
    umx = cfg["umx"]
    for key in ("hidden_size", "nb_layers", "nfft", "nhop"):
        need(
            isinstance(umx[key], int) and umx[key] >= 1, f"umx.{key}", "is an int >= 1"
        )
    need(umx["hidden_size"] % 2 == 0, "umx.hidden_size", "is even (bidirectional LSTM)")
    need(umx["nhop"] <= umx["nfft"], "umx.nhop", "is at most umx.nfft")
    hd = cfg["hdemucs"]
    need(
        sorted(hd["sources"]) == sorted(STEMS_REQUIRED),
        "hdemucs.sources",
        "lists vocals, drums, bass and other once each",
    )
    for key in ("channels", "growth", "nfft", "depth"):
        need(
            isinstance(hd[key], int) and hd[key] >= 1,
            f"hdemucs.{key}",
            "is an int >= 1",
        )
    return cfg


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
