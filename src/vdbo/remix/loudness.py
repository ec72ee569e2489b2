"""Level measurements: integrated loudness (ITU-R BS.1770) and true peak.

Loudness is pyloudnorm's BS.1770-4 meter (K-weighting, 400 ms blocks, absolute and
relative gates). True peak follows BS.1770-4 Annex 2: the signal is oversampled 4x
(``scipy.signal.resample_poly``) and the largest absolute value is taken, which
catches the inter-sample peaks that a DAC or a later resampler reconstructs and
that a sample-peak check misses.
"""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy.signal import resample_poly

TRUE_PEAK_OVERSAMPLING = 4
_BLOCK_SECONDS = 0.4


def amplitude_to_db(value: float) -> float:
    """20 log10 of an amplitude; -inf for 0."""
    with np.errstate(divide="ignore"):
        return float(20.0 * np.log10(value))


def integrated_loudness(signal: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS of a (samples,) or (samples, channels) signal.

    -inf when every 400 ms block is below the -70 LUFS absolute gate (or silent).
    """
    signal = np.asarray(signal, dtype=np.float64)
    if signal.shape[0] < int(np.ceil(_BLOCK_SECONDS * sample_rate)):
        raise ValueError(
            f"loudness needs at least {_BLOCK_SECONDS} s of audio, "
            f"got {signal.shape[0]} samples at {sample_rate} Hz"
        )
    if not np.any(signal):
        return float("-inf")
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(signal))


def true_peak_envelope(
    signal: np.ndarray, oversampling: int = TRUE_PEAK_OVERSAMPLING
) -> np.ndarray:
    """Per sample n, the largest |value| over all channels of the oversampled signal
    between samples n and n+1 (shape (samples,)). Its maximum is the true peak."""
    signal = np.asarray(signal, dtype=np.float64)
    if signal.ndim == 1:
        signal = signal[:, np.newaxis]
    n_samples = signal.shape[0]
    envelope = np.zeros(n_samples)
    for channel in range(signal.shape[1]):
        upsampled = resample_poly(signal[:, channel], oversampling, 1)
        per_sample = np.abs(upsampled[: n_samples * oversampling]).reshape(
            n_samples, oversampling
        )
        np.maximum(envelope, per_sample.max(axis=1), out=envelope)
        # The original samples can exceed the interpolated ones by rounding.
        np.maximum(envelope, np.abs(signal[:, channel]), out=envelope)
    return envelope


def true_peak_dbtp(
    signal: np.ndarray, oversampling: int = TRUE_PEAK_OVERSAMPLING
) -> float:
    """True peak in dBTP (dB relative to full scale 1.0, 4x oversampled)."""
    if np.asarray(signal).size == 0:
        return float("-inf")
    return amplitude_to_db(float(true_peak_envelope(signal, oversampling).max()))


def sample_peak_dbfs(signal: np.ndarray) -> float:
    """Largest |sample| in dBFS."""
    signal = np.asarray(signal, dtype=np.float64)
    if signal.size == 0:
        return float("-inf")
    return amplitude_to_db(float(np.max(np.abs(signal))))
