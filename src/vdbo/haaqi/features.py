"""Segment features of one band: smoothed envelope and BM cross-covariance.

Windows, normalisations and segment counts are computed exactly as in
``eb.env_smooth`` and ``eb.bm_covary`` (numpy/scipy calls, once per call); the loops
over segments run in `kernels`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import correlate

from vdbo.haaqi import kernels


@dataclass
class SmoothSetup:
    window: np.ndarray
    half_window: np.ndarray
    window_sum: float
    half_sum: float
    nseg: int


@dataclass
class CovarySetup:
    window: np.ndarray
    half_window: np.ndarray
    win_corr: np.ndarray
    half_corr: np.ndarray
    win_sum2: float
    half_sum2: float
    maxlag: int
    nseg: int
    segment_size: int
    freq_sample: int
    ddot: tuple[int, int] | None  # numpy's BLAS ddot (`vdbo.haaqi.host.find_ddot`)


def _segment_count(npts, nwin):
    return int(1 + np.floor(npts / nwin) + np.floor((npts - nwin / 2) / nwin))


def smooth_setup(npts, segment_size, freq_sample) -> SmoothSetup:
    n_samples = int(np.around(segment_size * (0.001 * freq_sample)))
    if n_samples - 2 * np.floor(n_samples / 2) > 0:
        n_samples = n_samples + 1
    window = np.hanning(n_samples)
    nhalf = int(n_samples / 2)
    half_window = np.ascontiguousarray(window[nhalf:n_samples])
    return SmoothSetup(
        window=window,
        half_window=half_window,
        window_sum=float(np.sum(window)),
        half_sum=float(np.sum(half_window)),
        nseg=_segment_count(npts, n_samples),
    )


def _inverse_window_correlation(window, maxlag):
    corr = correlate(window, window, "full")
    start = int(len(window) - 1 - maxlag)
    end = int(maxlag + len(window))
    if start < 0:
        raise ValueError("segment size too small")
    return np.ascontiguousarray(1 / corr[start:end])


def covary_setup(npts, segment_size, freq_sample, ddot) -> CovarySetup:
    maxlag = np.around(1.0 * (0.001 * freq_sample))
    nwin = int(np.around(segment_size * (0.001 * freq_sample)))
    nwin += nwin % 2 == 1
    window = np.hanning(nwin)
    nhalf = int(nwin / 2)
    half_window = np.ascontiguousarray(window[nhalf:nwin])
    return CovarySetup(
        window=window,
        half_window=half_window,
        win_corr=_inverse_window_correlation(window, maxlag),
        half_corr=_inverse_window_correlation(half_window, maxlag),
        win_sum2=float(1.0 / np.sum(window**2)),
        half_sum2=float(1.0 / np.sum(half_window**2)),
        maxlag=int(maxlag),
        nseg=_segment_count(npts, nwin),
        segment_size=segment_size,
        freq_sample=freq_sample,
        ddot=ddot,
    )


def smooth_band(envelope, delay, setup: SmoothSetup) -> np.ndarray:
    """One row of ``eb.env_smooth`` of the envelope delayed by ``delay`` samples."""
    out = np.empty(setup.nseg)
    kernels.env_smooth_row(
        np.ascontiguousarray(envelope, dtype=np.float64),  # as the kernels load it
        delay,
        setup.window,
        setup.half_window,
        setup.window_sum,
        setup.half_sum,
        setup.nseg,
        out,
    )
    return out


def covary_band(reference_bm, processed_bm, delay, setup: CovarySetup):
    """One row of ``eb.bm_covary`` (clipped cross-covariance, reference MS) of the
    BM motions delayed by ``delay`` samples."""
    ddot = setup.ddot
    if ddot is None:
        # No BLAS matching numpy's: use the official code for this band.
        from clarity.evaluator.haspi import eb

        shifted = np.zeros((2, len(reference_bm)))
        shifted[0, delay:] = reference_bm[: len(reference_bm) - delay]
        shifted[1, delay:] = processed_bm[: len(processed_bm) - delay]
        cov, ms, _ = eb.bm_covary(
            shifted[:1], shifted[1:], setup.segment_size, setup.freq_sample
        )
        return cov[0], ms[0]
    cov = np.empty(setup.nseg)
    ms = np.empty(setup.nseg)
    signals = (
        np.ascontiguousarray(reference_bm, dtype=np.float64),
        np.ascontiguousarray(processed_bm, dtype=np.float64),
    )
    windows = (
        setup.window,
        setup.half_window,
        setup.win_corr,
        setup.half_corr,
        setup.win_sum2,
        setup.half_sum2,
        setup.maxlag,
        setup.nseg,
    )
    kernels.bm_covary_row(signals, delay, windows, tuple(ddot), (cov, ms))
    return cov, ms
