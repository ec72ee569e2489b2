"""Envelope and modulation features: segment smoothing, BM covariances, mel cepstrum
coefficients.

Both segment loops are dominated by many short, independent reductions whose
rounding must stay the official one. The smoothed envelope's full windows are
Python ``sum`` calls (sequential chains): eight consecutive segments run side by
side, one per `simd` lane, each chain unchanged. The covariance needs, per segment,
numpy's ``np.mean``/``np.sum`` (`reductions.numpy_sum`, numpy's own eight
accumulators as lanes) and the largest of 49 BLAS lag values
(`lags.max_abs_lag_in_buffers`, which calls BLAS only for the lags that can be the
largest).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from vdbo.haaqi.kernels import simd
from vdbo.haaqi.kernels.lags import lag_buffers, max_abs_lag_in_buffers
from vdbo.haaqi.kernels.lanes import transpose8
from vdbo.haaqi.kernels.reductions import numpy_sum


@njit(nogil=True, cache=True, inline="always")
def _delayed(v, delay, i):
    """Element i of ``concatenate((zeros(delay), v[:len(v) - delay]))``."""
    return v[i - delay] if i >= delay else 0.0


# ------------------------------------------------------- envelope smoothing


@njit(nogil=True, cache=True, inline="always")
def _add_product(acc, column, window, j):
    return simd.add(acc, simd.mul(column, simd.splat(window[j])))


@njit(nogil=True, cache=True)
def _window_sums8(r, base, step, window, out, n):
    """``out[n + l] = sum(r[b:b + len(window)] * window)`` for the eight segments
    starting at b = base + l * step: lane l sums segment l sequentially, as the
    builtin ``sum`` does, reading eight samples of each segment at a time."""
    nwin = window.shape[0]
    acc = simd.splat(0.0)
    j = 0
    while j + 8 <= nwin:
        c0, c1, c2, c3, c4, c5, c6, c7 = transpose8(
            simd.load(r, base + j),
            simd.load(r, base + step + j),
            simd.load(r, base + 2 * step + j),
            simd.load(r, base + 3 * step + j),
            simd.load(r, base + 4 * step + j),
            simd.load(r, base + 5 * step + j),
            simd.load(r, base + 6 * step + j),
            simd.load(r, base + 7 * step + j),
        )
        acc = _add_product(acc, c0, window, j)
        acc = _add_product(acc, c1, window, j + 1)
        acc = _add_product(acc, c2, window, j + 2)
        acc = _add_product(acc, c3, window, j + 3)
        acc = _add_product(acc, c4, window, j + 4)
        acc = _add_product(acc, c5, window, j + 5)
        acc = _add_product(acc, c6, window, j + 6)
        acc = _add_product(acc, c7, window, j + 7)
        j += 8
    for i in range(j, nwin):
        column = simd.make(
            r[base + i],
            r[base + step + i],
            r[base + 2 * step + i],
            r[base + 3 * step + i],
            r[base + 4 * step + i],
            r[base + 5 * step + i],
            r[base + 6 * step + i],
            r[base + 7 * step + i],
        )
        acc = _add_product(acc, column, window, i)
    simd.store(out, n, acc)


@njit(nogil=True, cache=True)
def env_smooth_row(r, delay, window, half_window, wsum, halfsum, nseg, out):
    """One band of ``eb.env_smooth`` on ``r`` delayed by ``delay`` samples.

    Half window (np.sum), full windows with 50% overlap (builtin ``sum``:
    sequential; eight at a time once past the delay, `_window_sums8`), final half
    window (np.sum).
    """
    r = np.ascontiguousarray(r)  # for the eight-lane loads
    nhalf = half_window.shape[0]
    nwin = window.shape[0]
    buf = np.empty(nhalf)
    for j in range(nhalf):
        buf[j] = _delayed(r, delay, j) * half_window[j]
    out[0] = numpy_sum(buf, 0, nhalf, False) / halfsum
    n = 1
    while n < nseg - 1:
        nstart = n * nhalf
        if nstart >= delay and n + 8 <= nseg - 1:
            _window_sums8(r, nstart - delay, nhalf, window, out, n)
            for k in range(n, n + 8):
                out[k] = out[k] / wsum
            n += 8
            continue
        s = 0.0
        if nstart >= delay:
            base = nstart - delay
            for j in range(nwin):
                s += r[base + j] * window[j]
        else:
            for j in range(nwin):
                s += _delayed(r, delay, nstart + j) * window[j]
        out[n] = s / wsum
        n += 1
    nstart = (nseg - 1) * nhalf
    for j in range(nhalf):
        buf[j] = _delayed(r, delay, nstart + j) * window[j]
    out[nseg - 1] = numpy_sum(buf, 0, nhalf, False) / halfsum


# ------------------------------------------------------------ BM covariance


@njit(nogil=True, cache=True)
def _window_segment(v, delay, start, w, length, out, lo):
    """``out[lo:lo + length] = delayed(v)[start:start + length] * w`` (elementwise
    products: eight at a time change nothing)."""
    j = 0
    if start >= delay:
        base = start - delay
        while j + 8 <= length:
            simd.store(out, lo + j, simd.mul(simd.load(v, base + j), simd.load(w, j)))
            j += 8
    for i in range(j, length):
        out[lo + i] = _delayed(v, delay, start + i) * w[i]


@njit(nogil=True, cache=True)
def _remove_mean(a, lo, length):
    """``a[lo:lo + length] -= np.mean(a[lo:lo + length])``; zeros after it."""
    mean = numpy_sum(a, lo, length, False) / length
    m = simd.splat(mean)
    j = 0
    while j + 8 <= length:
        simd.store(a, lo + j, simd.sub(simd.load(a, lo + j), m))
        j += 8
    for i in range(lo + j, lo + length):
        a[i] = a[i] - mean
    for i in range(lo + length, a.shape[0]):
        a[i] = 0.0


@njit(nogil=True, cache=True)
def _segment_covariance(signals, delay, start, segment, maxlag, ddot, buffers):
    """Cross-covariance and reference mean square of one windowed segment of the
    delayed ``signals`` (x, y); ``segment`` = (window, length, lag normalisation,
    mean-square normalisation). The segment goes to ``xe[2 maxlag:]`` and
    ``ye[maxlag:]`` of ``buffers`` = (xe, ye, work) (`lags.lag_buffers`)."""
    x, y = signals
    w, length, corr_norm, ms_norm = segment
    xe, ye, _ = buffers
    xo = 2 * maxlag
    yo = maxlag
    _window_segment(x, delay, start, w, length, xe, xo)
    _window_segment(y, delay, start, w, length, ye, yo)
    _remove_mean(xe, xo, length)
    _remove_mean(ye, yo, length)
    sumsq_x = numpy_sum(xe, xo, length, True)
    sumsq_y = numpy_sum(ye, yo, length, True)
    ms_x = sumsq_x * ms_norm
    ms_y = sumsq_y * ms_norm
    if not (ms_x > 1.0e-30 and ms_y > 1.0e-30):
        return 0.0, ms_x  # the official code sets 0 without using the lags
    best, _ = max_abs_lag_in_buffers(
        buffers, length, (sumsq_x, sumsq_y), corr_norm, maxlag, ddot
    )
    return best / np.sqrt(ms_x * ms_y), ms_x


@njit(nogil=True, cache=True)
def bm_covary_row(signals, delay, windows, ddot, out):
    """One band of ``eb.bm_covary`` on the delayed ``signals`` (x, y): clipped
    covariance and 2 x MS into ``out`` = (cov, ms). ``windows`` = (window,
    half window, their lag normalisations, their mean-square normalisations,
    maxlag, segment count); ``ddot`` = numpy's BLAS ddot (address, bits)."""
    window, half_window, win_corr, half_corr, win_sum2, half_sum2, maxlag, nseg = (
        windows
    )
    cov_out, ms_out = out
    # contiguous for the eight-lane loads
    signals = (np.ascontiguousarray(signals[0]), np.ascontiguousarray(signals[1]))
    nwin = window.shape[0]
    nhalf = half_window.shape[0]
    buffers = lag_buffers(nwin, maxlag)
    first_half = window[:nhalf].copy()
    half = (half_window, nhalf, half_corr, half_sum2)
    whole = (window, nwin, win_corr, win_sum2)
    last = (first_half, nhalf, half_corr, half_sum2)
    cov_out[0], ms_out[0] = _segment_covariance(
        signals, delay, 0, half, maxlag, ddot, buffers
    )
    nstart = 0
    for n in range(1, nseg - 1):
        nstart = nstart + nhalf
        cov_out[n], ms_out[n] = _segment_covariance(
            signals, delay, nstart, whole, maxlag, ddot, buffers
        )
    nstart = nstart + nhalf
    cov_out[nseg - 1], ms_out[nseg - 1] = _segment_covariance(
        signals, delay, nstart, last, maxlag, ddot, buffers
    )
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
