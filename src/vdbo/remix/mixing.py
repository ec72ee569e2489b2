"""From processed stems and a strategy to the stereo remix at 44.1 kHz.

The sum itself is the official ``remix_signal`` of pyclarity 0.3.4, always: with all
gains at 0 dB the stems go in untouched, so the ``baseline`` remix is the official one
bit for bit; other strategies scale each stem first, keeping the stems' order (float
addition is not associative, so order decides the last bit).
"""

from __future__ import annotations

import numpy as np

from vdbo import SIDES
from vdbo.core.errors import InputError
from vdbo.core.metadata import listener_name
from vdbo.core.official import enhance_function
from vdbo.remix.config import resolve_config
from vdbo.remix.overrides import Overrides, override_for
from vdbo.remix.registry import get_strategy
from vdbo.remix.stem_keys import check_processed_stems, db_to_amplitude, split_stem_key


def stem_gains_db(
    channels: list[str],
    listener: dict,
    strategy_config: dict | None,
    overrides: Overrides | None = None,
) -> dict[str, float]:
    """The gain in dB of each processed stem (``channels``: "left_vocals", ...).

    What :func:`remix` applies, without the audio: the strategy's gains, or this
    listener's override row (on both sides) where the strategy takes overrides.
    """
    config = resolve_config(strategy_config)
    strategy = get_strategy(config["strategy"])
    name = listener_name(listener)

    if overrides and not strategy.accepts_overrides:
        raise InputError(
            None,
            f"strategy {strategy.name!r} takes no per-listener overrides",
            "use strategy 'fixed_gains' or 'audiogram' with an override table, or set "
            "remix `overrides` to null",
        )
    side_gains = strategy.gains(listener, config)
    row = override_for(overrides, name)
    if row is not None:
        side_gains = {side: dict(row) for side in SIDES}

    gains_db = {}
    for key in channels:
        side, stem = split_stem_key(key)
        try:
            gains_db[key] = float(side_gains[side][stem])
        except KeyError as err:
            raise ValueError(
                f"remix strategy {strategy.name!r} gave no gain for {side} {stem}"
            ) from err

    return gains_db


def official_remix_signal(stems: dict[str, np.ndarray]) -> np.ndarray:
    """pyclarity 0.3.4 ``recipes.cad1.task1.baseline.enhance.remix_signal``."""
    return enhance_function("remix_signal")(stems)


def remix(
    processed_stems: dict[str, np.ndarray],
    listener: dict,
    strategy_config: dict | None,
    overrides: Overrides | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
    """Remix the eight processed stems for ``listener``.

    Args:
        processed_stems: ``{"left_vocals": 1-D float array at 44.1 kHz, ...}`` as the
            official baseline builds it (NAL-R already applied).
        listener: CAD1 listener dict (name, audiogram_cfs, audiogram_levels_l/_r).
        strategy_config: the remix config (see :mod:`vdbo.remix.config`).
        overrides: ``load_overrides(...)`` result or None; a row for this listener
            replaces the strategy's gains on both sides.

    Returns:
        (stereo remix of shape (samples, 2) at the stems' rate, gains in dB keyed like
        ``processed_stems``).
    """
    check_processed_stems(processed_stems)
    gains_db = stem_gains_db(
        list(processed_stems), listener, strategy_config, overrides
    )
    if all(gain == 0.0 for gain in gains_db.values()):
        return official_remix_signal(processed_stems), gains_db
    scaled = {
        key: signal * db_to_amplitude(gains_db[key])
        for key, signal in processed_stems.items()
    }
    return official_remix_signal(scaled), gains_db
