"""Loudness normalisation + true-peak limiting, checked on the final 16-bit signal.

Why: the remix a listener hears should be equally loud whatever the song, audiogram
or strategy (otherwise a strategy "wins" by being louder), and never clip. The
guarantee is checked where it matters, on the int16 samples that go into the FLAC:

1. Scale the float signal to its peak (lossless in float; keeps very quiet input
   above pyloudnorm's -70 LUFS absolute gate), measure loudness, apply the gain that
   reaches the target.
2. Limit the true peak to a ceiling a little below the limit (the limiter's own
   approximation and the 16-bit rounding each add a few hundredths of a dB).
3. Round to int16 (the official ``to_16bit``), re-measure loudness and true peak.
   Limiting lowers loudness, so raise the gain by the shortfall (secant steps, as
   loudness grows by less than 1 dB per dB once the limiter works) and repeat; if the
   true peak still reaches the limit, lower the ceiling and repeat.

It fails with an InputError when the target cannot be reached under the limit
without more than 24 dB of limiting (for example -6 LUFS with a -1 dBTP ceiling on
very dynamic material), because a quieter-than-configured (or crushed) file would
silently break comparisons.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from vdbo.core.errors import InputError
from vdbo.remix.limiter import limiter_gain
from vdbo.remix.loudness import (
    amplitude_to_db,
    integrated_loudness,
    sample_peak_dbfs,
    true_peak_dbtp,
    true_peak_envelope,
)

logger = logging.getLogger(__name__)

LOUDNESS_TOLERANCE_LU = 0.5
"""Promise: the written file is within this many LU of the target."""
_AIM_LU = 0.05
_CEILING_MARGIN_DB = 0.1
_PEAK_MARGIN_DB = 0.01
_MAX_ROUNDS = 12
_MAX_LIMITING_DB = 24.0
_MAX_STEP_DB = 12.0
_NAN_FIX = "check the NAL-R and separation steps that produced the stems"


@dataclass
class LevelSafeResult:
    """The int16 signal to write and what was measured on it."""

    samples: np.ndarray
    integrated_loudness_lufs: float
    true_peak_dbtp: float
    sample_peak_dbfs: float
    gain_applied_db: float
    limiter_gain_reduction_max_db: float


def _to_int16(signal: np.ndarray) -> np.ndarray:
    from clarity.utils.signal_processing import to_16bit

    return to_16bit(signal)


def make_level_safe(
    signal: np.ndarray,
    sample_rate: int,
    loudness_target_lufs: float | None,
    true_peak_limit_dbtp: float,
    lookahead_ms: float = 5.0,
    hold_ms: float = 50.0,
) -> LevelSafeResult:
    """Return ``signal`` (samples, channels) as int16 at the target, under the limit.

    With ``loudness_target_lufs=None`` the level is kept and only the limiter acts.
    """
    signal = np.asarray(signal, dtype=np.float64)
    if not np.all(np.isfinite(signal)):
        raise InputError(None, "remix contains NaN or infinite samples", _NAN_FIX)
    peak = float(np.max(np.abs(signal))) if signal.size else 0.0
    if peak == 0.0:
        logger.warning("remix is silent; writing silence without normalisation")
        silent = np.zeros(signal.shape, dtype=np.int16)
        return LevelSafeResult(
            silent, float("-inf"), float("-inf"), float("-inf"), 0.0, 0.0
        )

    if loudness_target_lufs is None:
        return _limit_only(
            signal, sample_rate, true_peak_limit_dbtp, lookahead_ms, hold_ms
        )

    pre_gain_db = -amplitude_to_db(peak)
    unit = signal / peak
    unit_loudness = integrated_loudness(unit, sample_rate)
    if not np.isfinite(unit_loudness):
        raise InputError(
            None,
            "remix is below the -70 LUFS loudness gate even at full scale (only "
            "isolated clicks?)",
            "check the separated stems; a remix needs audible content to normalise",
        )
    # The true-peak envelope scales with the gain: compute it once.
    unit_envelope = true_peak_envelope(unit)
    gain_db = loudness_target_lufs - unit_loudness
    ceiling_db = true_peak_limit_dbtp - _CEILING_MARGIN_DB
    tried: list[tuple[float, float]] = []  # (gain_db, measured loudness) pairs
    best = None
    loudness = peak_db = reduction_db = float("nan")
    for _ in range(_MAX_ROUNDS):
        amplitude = 10.0 ** (gain_db / 20.0)
        limiter = limiter_gain(
            unit_envelope * amplitude,
            10.0 ** (ceiling_db / 20.0),
            sample_rate,
            lookahead_ms,
            hold_ms,
        )
        reduction_db = -amplitude_to_db(float(limiter.min())) + 0.0
        samples = _to_int16(unit * (amplitude * limiter)[:, np.newaxis])
        decoded = samples / 32768.0
        loudness = integrated_loudness(decoded, sample_rate)
        error = abs(loudness - loudness_target_lufs)
        if error <= LOUDNESS_TOLERANCE_LU:
            # Only a candidate is worth the (costly) check on the final samples.
            peak_db = true_peak_dbtp(decoded)
            if peak_db >= true_peak_limit_dbtp - _PEAK_MARGIN_DB:
                ceiling_db -= peak_db - ceiling_db + 0.05
                continue
            if best is None or error < abs(
                best.integrated_loudness_lufs - loudness_target_lufs
            ):
                best = LevelSafeResult(
                    samples,
                    loudness,
                    peak_db,
                    sample_peak_dbfs(decoded),
                    pre_gain_db + gain_db,
                    reduction_db,
                )
            if error <= _AIM_LU:
                break
        if reduction_db > _MAX_LIMITING_DB and loudness < loudness_target_lufs:
            break  # more limiting would destroy the music: the target is too high
        tried.append((gain_db, loudness))
        gain_db = _next_gain(tried, loudness_target_lufs)
    if best is None:
        raise InputError(
            None,
            f"cannot reach {loudness_target_lufs} LUFS under a "
            f"{true_peak_limit_dbtp} dBTP true-peak limit (last try "
            f"{loudness:.2f} LUFS, {reduction_db:.1f} dB limiting)",
            "lower remix `loudness_target_lufs` (e.g. -20 or -23) or raise "
            "`true_peak_limit_dbtp` (at most 0)",
        )
    return best


def _limit_only(
    signal: np.ndarray,
    sample_rate: int,
    true_peak_limit_dbtp: float,
    lookahead_ms: float,
    hold_ms: float,
) -> LevelSafeResult:
    """Keep the level, limit the true peak (as much limiting as it takes)."""
    envelope = true_peak_envelope(signal)
    ceiling_db = true_peak_limit_dbtp - _CEILING_MARGIN_DB
    for _ in range(_MAX_ROUNDS):
        limiter = limiter_gain(
            envelope, 10.0 ** (ceiling_db / 20.0), sample_rate, lookahead_ms, hold_ms
        )
        samples = _to_int16(signal * limiter[:, np.newaxis])
        decoded = samples / 32768.0
        peak_db = true_peak_dbtp(decoded)
        if peak_db < true_peak_limit_dbtp - _PEAK_MARGIN_DB:
            return LevelSafeResult(
                samples,
                integrated_loudness(decoded, sample_rate),
                peak_db,
                sample_peak_dbfs(decoded),
                0.0,
                -amplitude_to_db(float(limiter.min())) + 0.0,
            )
        ceiling_db -= peak_db - ceiling_db + 0.05
    raise RuntimeError(f"true peak still {peak_db:.2f} dBTP after {_MAX_ROUNDS} tries")


def _next_gain(tried: list[tuple[float, float]], target: float) -> float:
    """Secant step on loudness(gain), slope kept within [0.05, 1]."""
    gain, loudness = tried[-1]
    slope = 1.0
    if len(tried) >= 2:
        previous_gain, previous_loudness = tried[-2]
        if gain != previous_gain:
            slope = (loudness - previous_loudness) / (gain - previous_gain)
    slope = float(np.clip(slope, 0.05, 1.0))
    step = float(np.clip((target - loudness) / slope, -_MAX_STEP_DB, _MAX_STEP_DB))
    return gain + step
