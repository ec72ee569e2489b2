"""Writing the remix as the challenge expects it: 32 kHz, 16-bit FLAC, plus stats.

``baseline`` goes through the official ``save_flac_signal`` unchanged (resample, tanh
soft clip, clip, 16-bit, FLAC), so its file is the official one. Every other strategy
is resampled the same way (pyclarity ``resample``, soxr HQ), then made level-safe
(:mod:`vdbo.remix.level_safety`) and encoded with pyclarity's ``FlacEncoder``.
The stats are measured on the samples in the file, so they describe what the listener
hears.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from vdbo import MUSDB_SAMPLE_RATE, REMIX_SAMPLE_RATE
from vdbo.core.atomic import atomic_output
from vdbo.core.audio_io import stereo_float64
from vdbo.core.errors import InputError
from vdbo.core.official import enhance_function
from vdbo.remix.config import resolve_config
from vdbo.remix.level_safety import make_level_safe
from vdbo.remix.loudness import integrated_loudness, sample_peak_dbfs, true_peak_dbtp
from vdbo.remix.registry import get_strategy


def _json_number(value: float) -> float | None:
    """JSON has no infinities: report them (silence) as null."""
    return float(value) if math.isfinite(value) else None


def write_remix(
    signal: np.ndarray,
    path: str | Path,
    strategy_config: dict | None,
    gains_db: dict[str, float] | None = None,
    sample_rate: int = MUSDB_SAMPLE_RATE,
) -> dict[str, Any]:
    """Write the stereo remix ``signal`` (samples, 2) to the FLAC file ``path``.

    Args:
        signal: output of :func:`vdbo.remix.remix`.
        path: the ``*_remix.flac`` file to write (parent folders are created).
        strategy_config: the remix config (see :mod:`vdbo.remix.config`).
        gains_db: the gains :func:`remix` returned, copied into the stats.
        sample_rate: rate of ``signal``.

    Returns:
        JSON-ready stats: strategy, gains_db, level_safe, loudness_target_lufs,
        true_peak_limit_dbtp, integrated_loudness_lufs, true_peak_dbtp,
        sample_peak_dbfs, gain_applied_db, limiter_gain_reduction_max_db,
        sample_rate (null stands for minus infinity, i.e. silence).
    """
    config = resolve_config(strategy_config)
    strategy = get_strategy(config["strategy"])
    path = Path(path)
    signal = stereo_float64(signal, path, "pass the stereo output of vdbo.remix.remix")
    with atomic_output(path) as tmp:
        measured = _encode(signal, tmp, config, strategy.level_safe, sample_rate)
    return _stats(config, gains_db, measured)


def copy_official_remix(
    official: str | Path,
    path: str | Path,
    strategy_config: dict | None,
    gains_db: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The ``official`` strategy's remix: encode's official remix FLAC, copied.

    The same file and stats as :func:`write_remix` would give for the baseline remix
    of the same stems, without amplifying and encoding them a second time (the
    workflow copies only when encode's remix was written with the same soft clip and
    is not cropped, see ``official_remix_reused`` in workflow/rules/common/remix.smk).
    """
    config = resolve_config(strategy_config)
    if not get_strategy(config["strategy"]).official:
        raise InputError(
            Path(path),
            f"strategy {config['strategy']!r} is not the official remix",
            "copy encode's remix only for the baseline strategy",
        )
    with atomic_output(path) as tmp:
        shutil.copyfile(official, tmp)
        measured = _measured_as_written(tmp)
    return _stats(config, gains_db, measured)


def _stats(
    config: dict, gains_db: dict[str, float] | None, measured: dict[str, float]
) -> dict[str, Any]:
    strategy = get_strategy(config["strategy"])
    return {
        "strategy": strategy.name,
        "gains_db": None if gains_db is None else dict(gains_db),
        "level_safe": strategy.level_safe,
        "loudness_target_lufs": (
            config["loudness_target_lufs"] if strategy.level_safe else None
        ),
        "true_peak_limit_dbtp": (
            config["true_peak_limit_dbtp"] if strategy.level_safe else None
        ),
        **{key: _json_number(value) for key, value in measured.items()},
        "sample_rate": REMIX_SAMPLE_RATE,
    }


def _encode(
    signal: np.ndarray,
    path: Path,
    config: dict,
    level_safe: bool,
    sample_rate: int,
) -> dict[str, float]:
    """Write the 32 kHz FLAC to ``path``; what was measured on its samples."""
    if level_safe:
        from clarity.utils.flac_encoder import FlacEncoder
        from clarity.utils.signal_processing import resample

        resampled = resample(signal, sample_rate, REMIX_SAMPLE_RATE)
        result = make_level_safe(
            resampled,
            REMIX_SAMPLE_RATE,
            config["loudness_target_lufs"],
            config["true_peak_limit_dbtp"],
            config["limiter_lookahead_ms"],
            config["limiter_hold_ms"],
        )
        FlacEncoder().encode(result.samples, REMIX_SAMPLE_RATE, path)
        return {
            "integrated_loudness_lufs": result.integrated_loudness_lufs,
            "true_peak_dbtp": result.true_peak_dbtp,
            "sample_peak_dbfs": result.sample_peak_dbfs,
            "gain_applied_db": result.gain_applied_db,
            "limiter_gain_reduction_max_db": result.limiter_gain_reduction_max_db,
        }
    enhance_function("save_flac_signal")(
        signal=signal,
        filename=path,
        signal_sample_rate=sample_rate,
        output_sample_rate=REMIX_SAMPLE_RATE,
        do_clip_signal=True,
        do_soft_clip=config["soft_clip"],
    )
    return _measured_as_written(path)


def _measured_as_written(path: Path) -> dict[str, float]:
    """Stats of a FLAC written without level safety (no gain, no limiter)."""
    measured = measure_flac(path)
    measured["gain_applied_db"] = 0.0
    measured["limiter_gain_reduction_max_db"] = 0.0
    return measured


def measure_flac(path: str | Path) -> dict[str, float]:
    """Loudness (LUFS), true peak (dBTP) and sample peak (dBFS) of a 16-bit FLAC."""
    from clarity.utils.flac_encoder import FlacEncoder

    samples, sample_rate = FlacEncoder.decode(path)
    decoded = samples / 32768.0
    return {
        "integrated_loudness_lufs": integrated_loudness(decoded, int(sample_rate)),
        "true_peak_dbtp": true_peak_dbtp(decoded),
        "sample_peak_dbfs": sample_peak_dbfs(decoded),
    }
