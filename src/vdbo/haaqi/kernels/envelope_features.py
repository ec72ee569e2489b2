"""Envelope and modulation features: segment smoothing, lag correlations and
covariances, mel cepstrum coefficients."""

from __future__ import annotations

import numpy as np
from numba import njit

from vdbo.haaqi.blas import ddot_call
from vdbo.haaqi.kernels.reductions import numpy_sum


@njit(nogil=True, cache=True, inline="always")
def _delayed(v, delay, i):
    """Element i of ``concatenate((zeros(delay), v[:len(v) - delay]))``."""
    return v[i - delay] if i >= delay else 0.0


@njit(nogil=True, cache=True)
def env_smooth_row(r, delay, window, half_window, wsum, halfsum, nseg, out):
    """One band of ``eb.env_smooth`` on ``r`` delayed by ``delay`` samples.

    Half window (np.sum), full windows with 50% overlap (builtin ``sum``:
    sequential), final half window (np.sum).
    """
    nhalf = half_window.shape[0]
    nwin = window.shape[0]
    buf = np.empty(nhalf)
    for j in range(nhalf):
        buf[j] = _delayed(r, delay, j) * half_window[j]
    out[0] = numpy_sum(buf, 0, nhalf, False) / halfsum
    nstart = 0
    for n in range(1, nseg - 1):
        nstart = nstart + nhalf
        s = 0.0
        if nstart >= delay:
            base = nstart - delay
            for j in range(nwin):
                s += r[base + j] * window[j]
        else:
            for j in range(nwin):
                s += _delayed(r, delay, nstart + j) * window[j]
        out[n] = s / wsum
    nstart = nstart + nhalf
    for j in range(nhalf):
        buf[j] = _delayed(r, delay, nstart + j) * window[j]
    out[nseg - 1] = numpy_sum(buf, 0, nhalf, False) / halfsum


@njit(nogil=True, cache=True)
def _lag_dot(px, py, length, i, ddot_ptr, ddot_bits):
    """Entry ``i`` of ``np.correlate(x, y, "full")`` for two ``length`` vectors."""
    if i <= length - 1:
        return ddot_call(ddot_ptr, ddot_bits, i + 1, px, py + 8 * (length - 1 - i))
    s = i - (length - 1)
    return ddot_call(ddot_ptr, ddot_bits, length - s, px + 8 * s, py)


@njit(nogil=True, cache=True)
def correlate_lags(x, y, maxlag, ddot_ptr, ddot_bits):
    """``np.correlate(x, y, "full")`` restricted to lags -maxlag..maxlag."""
    length = x.shape[0]
    out = np.empty(2 * maxlag + 1)
    for t in range(2 * maxlag + 1):
        i = length - 1 - maxlag + t
        out[t] = _lag_dot(x.ctypes.data, y.ctypes.data, length, i, ddot_ptr, ddot_bits)
    return out


@njit(nogil=True, cache=True)
def _segment_covariance(
    x,
    y,
    delay,
    start,
    w,
    length,
    corr_norm,
    ms_norm,
    maxlag,
    ddot_ptr,
    ddot_bits,
    bx,
    by,
):
    """Cross-covariance and reference mean square of one windowed segment."""
    for j in range(length):
        bx[j] = _delayed(x, delay, start + j) * w[j]
        by[j] = _delayed(y, delay, start + j) * w[j]
    mx = numpy_sum(bx, 0, length, False) / length
    my = numpy_sum(by, 0, length, False) / length
    for j in range(length):
        bx[j] = bx[j] - mx
        by[j] = by[j] - my
    ms_x = numpy_sum(bx, 0, length, True) * ms_norm
    ms_y = numpy_sum(by, 0, length, True) * ms_norm
    px = bx.ctypes.data
    py = by.ctypes.data
    best = -np.inf
    for t in range(2 * maxlag + 1):
        c = _lag_dot(px, py, length, length - 1 - maxlag + t, ddot_ptr, ddot_bits)
        v = abs(c * corr_norm[t])
        if v != v:  # np.max propagates NaN
            best = v
            break
        best = max(best, v)
    cov = 0.0
    if ms_x > 1.0e-30 and ms_y > 1.0e-30:
        cov = best / np.sqrt(ms_x * ms_y)
    return cov, ms_x


@njit(nogil=True, cache=True)
def bm_covary_row(
    x,
    y,
    delay,
    window,
    half_window,
    win_corr,
    half_corr,
    win_sum2,
    halfsum2,
    maxlag,
    nseg,
    ddot_ptr,
    ddot_bits,
    cov_out,
    ms_out,
):
    """One band of ``eb.bm_covary`` on delayed x, y (clipped covariance, 2 x MS)."""
    nwin = window.shape[0]
    nhalf = half_window.shape[0]
    bx = np.empty(nwin)
    by = np.empty(nwin)
    first_half = window[:nhalf].copy()
    cov_out[0], ms_out[0] = _segment_covariance(
        x, y, delay, 0, half_window, nhalf, half_corr, halfsum2, maxlag,
        ddot_ptr, ddot_bits, bx, by,
    )  # fmt: skip
    nstart = 0
    for n in range(1, nseg - 1):
        nstart = nstart + nhalf
        cov_out[n], ms_out[n] = _segment_covariance(
            x, y, delay, nstart, window, nwin, win_corr, win_sum2, maxlag,
            ddot_ptr, ddot_bits, bx, by,
        )  # fmt: skip
    nstart = nstart + nhalf
    cov_out[nseg - 1], ms_out[nseg - 1] = _segment_covariance(
        x, y, delay, nstart, first_half, nhalf, half_corr, halfsum2, maxlag,
        ddot_ptr, ddot_bits, bx, by,
    )  # fmt: skip
    for n in range(nseg):
        c = cov_out[n]
        if c < 0.0:
            c = 0.0
        if c > 1.0:
            c = 1.0
        cov_out[n] = c
        ms_out[n] = ms_out[n] * 2.0


# ------------------------------------------------------------- mel cepstrum


@njit(nogil=True, cache=True)
def cepstral_coefficients(envelopes, basis, out):
    """``out[k, n] = np.sum(envelopes[:, n] * basis[:, k])`` (melcor9's loop)."""
    nbands = envelopes.shape[0]
    products = np.empty(nbands)
    for n in range(envelopes.shape[1]):
        for k in range(basis.shape[1]):
            for b in range(nbands):
                products[b] = envelopes[b, n] * basis[b, k]
            out[k, n] = numpy_sum(products, 0, nbands, False)
