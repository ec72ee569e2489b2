"""The official baseline's stem naming ("left_vocals", ...) and its checks.

The baseline keeps the eight processed stems in a dict keyed ``{side}_{stem}``; its
``remix_signal`` sends a stem to the left channel when the key starts with "l".
Checking the keys once here means a misnamed stem fails loudly instead of being mixed
into the right channel.
"""

from __future__ import annotations

import numpy as np

from vdbo import SIDES, STEMS
from vdbo.core.errors import InputError

MAX_GAIN_DB = 40.0
"""Largest stem gain, up or down, of fixed_gains and of override rows (the config
schema repeats it for remix.strategies.*.gains_db; tests/test_remix.py checks)."""


def stem_channels(order: list[str]) -> list[str]:
    """The processed stems' keys in the baseline's order (its ``map_to_dict``):
    left then right of each stem, stems in the separator's ``order``."""
    return [f"{side}_{stem}" for stem in order for side in SIDES]


def split_stem_key(key: str) -> tuple[str, str]:
    """Return (side, stem) for a key such as "left_vocals"."""
    side, _, stem = key.partition("_")
    if side not in SIDES or stem not in STEMS:
        raise InputError(
            None,
            f"processed stem key {key!r} is not '<side>_<stem>'",
            f"use sides {SIDES} and stems {STEMS}, e.g. 'left_vocals'",
        )
    return side, stem


def check_processed_stems(processed_stems: dict[str, np.ndarray]) -> None:
    """Refuse stems that the official remix would mix wrongly or not at all."""
    if not processed_stems:
        raise InputError(None, "no processed stems to remix", "pass the eight stems")
    lengths = set()
    for key, signal in processed_stems.items():
        split_stem_key(key)
        signal = np.asarray(signal)
        if signal.ndim != 1:
            raise InputError(
                None,
                f"processed stem {key!r} has shape {signal.shape}, expected 1-D",
                "pass one mono array per side and stem, as the baseline does",
            )
        if not np.all(np.isfinite(signal)):
            raise InputError(
                None,
                f"processed stem {key!r} contains NaN or infinite samples",
                "check the separation and NAL-R steps that produced it",
            )
        lengths.add(signal.shape[0])
    if len(lengths) != 1:
        raise InputError(
            None,
            f"processed stems have different lengths {sorted(lengths)}",
            "all eight stems must come from the same song",
        )


def db_to_amplitude(gain_db: float) -> float:
    """Amplitude factor of a gain in dB (20 log10 convention)."""
    return float(10.0 ** (gain_db / 20.0))
