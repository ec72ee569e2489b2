"""``np.correlate`` lag values of a segment pair, and their largest magnitude.

``eb.bm_covary`` keeps, per segment, only ``max |c_t * k_t|`` over the 2 maxlag + 1
lags c_t of ``np.correlate`` (each a call of numpy's BLAS ``ddot``, whose rounding
depends on the BLAS build: `vdbo.haaqi.blas`). Calling ddot 49 times per segment
costs mostly call overhead, so `max_abs_lag` first computes every lag approximately
with `simd` vectors, bounds the difference from BLAS's value, and calls ddot only
for the lags that can still hold the maximum: typically one.

Exactness argument (details at `max_abs_lag`): both the approximation and BLAS's
value of a lag are within gamma_n * sum|x_i y_j| <= 2.0001 n u ||x|| ||y|| of the
exact dot product, whatever their summation order. A lag whose approximate
|c * k| plus a margin (that bound with room for the test's own roundings) is below
another lag's approximate value minus its margin cannot be the maximum, so the
maximum over the remaining lags, each computed by BLAS, is the maximum over all.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.core.registry import cpu_target

from vdbo.haaqi.blas import ddot_call
from vdbo.haaqi.kernels import simd
from vdbo.haaqi.kernels.lanes import aligned_zeros, lane_sums

U = 2.0**-53  # unit roundoff of float64
TINY = 1.0e-300  # covers every underflow term of the error bounds
SUMSQ_MIN = 1.0e-200  # below: underflow could spoil the bounds, use the exact path
SUMSQ_MAX = 1.0e300  # above: partial sums may overflow, use the exact path


def _target_has_avx512() -> bool:
    """Whether numba compiles for AVX-512 (a `simd` vector is then one register).

    Only a speed choice between two equally exact approximations; read from the
    features numba compiles with, which are part of its cache key."""
    features = cpu_target.target_context.codegen().magic_tuple()[2]
    return "+avx512f" in features.split(",")


# 32 vector registers: the larger register tiles of `approximate_lags`.
WIDE = _target_has_avx512()


@njit(nogil=True, cache=True)
def lag_dot(px, py, length, i, ddot_ptr, ddot_bits):
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
        out[t] = lag_dot(x.ctypes.data, y.ctypes.data, length, i, ddot_ptr, ddot_bits)
    return out


# ------------------------------------------------------------- buffers


@njit(nogil=True, cache=True)
def lag_buffers(length, maxlag):
    """(xe, ye, work) for segments of up to ``length`` samples.

    x lives at ``xe[2 maxlag:][:length]``, y at ``ye[maxlag:][:length]``, with zeros
    around them, so that lag t (0 .. 2 maxlag, i.e. -maxlag .. maxlag) of
    ``np.correlate(x, y)`` is ``sum(ye[i] * xe[i + t])`` over all i (`_block_range`):
    every lag reads whole vectors. Both start on a 64-byte boundary; ``work``
    holds three rows of lag values for `max_abs_lag`.
    """
    nblocks = (length + 2 * maxlag + 7) // 8
    xe = aligned_zeros(8 * nblocks + 2 * maxlag + 8)
    ye = aligned_zeros(8 * nblocks + 8)
    return xe, ye, np.empty((3, 2 * maxlag + 1))


@njit(nogil=True, cache=True, inline="always")
def _block_range(length, maxlag, t_first, t_last):
    """Vector blocks m (i = 8m .. 8m + 7) that hold every nonzero product of the
    lags t_first .. t_last: i in [maxlag, maxlag + length) and i + t in
    [2 maxlag, 2 maxlag + length)."""
    lo = max(maxlag, 2 * maxlag - t_last)
    hi = min(maxlag + length, 2 * maxlag + length - t_first)
    return lo // 8, (hi + 7) // 8


# --------------------------------------------------- approximate lag values


@njit(nogil=True, cache=True, inline="always")
def _tile(xe, ye, length, maxlag, t0, out):
    """Lags t0 + r + 8 g (r < 4, g < 3) in twelve accumulators: each load of x
    serves three lags, over three steps (a sliding window per r)."""
    m_lo, m_hi = _block_range(length, maxlag, t0, t0 + 19)
    z = simd.splat(0.0)
    a00 = a10 = a20 = a30 = a01 = a11 = a21 = a31 = a02 = a12 = a22 = a32 = z
    k = 8 * m_lo + t0
    w00 = simd.load(xe, k)
    w10 = simd.load(xe, k + 1)
    w20 = simd.load(xe, k + 2)
    w30 = simd.load(xe, k + 3)
    w01 = simd.load(xe, k + 8)
    w11 = simd.load(xe, k + 9)
    w21 = simd.load(xe, k + 10)
    w31 = simd.load(xe, k + 11)
    for m in range(m_lo, m_hi):
        yv = simd.load(ye, 8 * m)
        k = 8 * m + t0 + 16
        w02 = simd.load(xe, k)
        w12 = simd.load(xe, k + 1)
        w22 = simd.load(xe, k + 2)
        w32 = simd.load(xe, k + 3)
        a00 = simd.fma(yv, w00, a00)
        a10 = simd.fma(yv, w10, a10)
        a20 = simd.fma(yv, w20, a20)
        a30 = simd.fma(yv, w30, a30)
        a01 = simd.fma(yv, w01, a01)
        a11 = simd.fma(yv, w11, a11)
        a21 = simd.fma(yv, w21, a21)
        a31 = simd.fma(yv, w31, a31)
        a02 = simd.fma(yv, w02, a02)
        a12 = simd.fma(yv, w12, a12)
        a22 = simd.fma(yv, w22, a22)
        a32 = simd.fma(yv, w32, a32)
        w00, w10, w20, w30 = w01, w11, w21, w31
        w01, w11, w21, w31 = w02, w12, w22, w32
    s = lane_sums(a00, a10, a20, a30, a01, a11, a21, a31)
    for r in range(4):
        out[t0 + r] = simd.get(s, r)
        out[t0 + 8 + r] = simd.get(s, 4 + r)
    s = lane_sums(a02, a12, a22, a32, z, z, z, z)
    for r in range(4):
        out[t0 + 16 + r] = simd.get(s, r)


@njit(nogil=True, cache=True, inline="always")
def _small_tile(xe, ye, length, maxlag, t0, out):
    """Lags t0 + r + 8 g (r < 2, g < 2): `_tile` in four accumulators."""
    m_lo, m_hi = _block_range(length, maxlag, t0, t0 + 9)
    z = simd.splat(0.0)
    a00 = a10 = a01 = a11 = z
    k = 8 * m_lo + t0
    w00 = simd.load(xe, k)
    w10 = simd.load(xe, k + 1)
    for m in range(m_lo, m_hi):
        yv = simd.load(ye, 8 * m)
        k = 8 * m + t0 + 8
        w01 = simd.load(xe, k)
        w11 = simd.load(xe, k + 1)
        a00 = simd.fma(yv, w00, a00)
        a10 = simd.fma(yv, w10, a10)
        a01 = simd.fma(yv, w01, a01)
        a11 = simd.fma(yv, w11, a11)
        w00, w10 = w01, w11
    s = lane_sums(a00, a10, a01, a11, z, z, z, z)
    out[t0] = simd.get(s, 0)
    out[t0 + 1] = simd.get(s, 1)
    out[t0 + 8] = simd.get(s, 2)
    out[t0 + 9] = simd.get(s, 3)


@njit(nogil=True, cache=True)
def approximate_lags(xe, ye, length, maxlag, wide, out):
    """``out[t]`` ~ lag t of ``np.correlate(x, y)`` (`lag_buffers` layout), in any
    summation order, with fused multiply-adds: the caller bounds the error.

    ``wide``: twelve-lag register tiles (`_tile`: 25 vector registers, five loads
    per twelve FMAs); otherwise four-lag tiles (`_small_tile`), which fit in
    sixteen 256-bit registers, where a vector takes two.
    """
    nlags = 2 * maxlag + 1
    t0 = 0
    if wide:
        while t0 + 24 <= nlags:
            _tile(xe, ye, length, maxlag, t0, out)
            _tile(xe, ye, length, maxlag, t0 + 4, out)
            t0 += 24
    else:
        while t0 + 16 <= nlags:
            for r in range(0, 8, 2):
                _small_tile(xe, ye, length, maxlag, t0 + r, out)
            t0 += 16
    z = simd.splat(0.0)
    for t in range(t0, nlags):
        m_lo, m_hi = _block_range(length, maxlag, t, t)
        a0 = a1 = z
        m = m_lo
        while m + 2 <= m_hi:
            a0 = simd.fma(simd.load(ye, 8 * m), simd.load(xe, 8 * m + t), a0)
            a1 = simd.fma(simd.load(ye, 8 * m + 8), simd.load(xe, 8 * m + 8 + t), a1)
            m += 2
        if m < m_hi:
            a0 = simd.fma(simd.load(ye, 8 * m), simd.load(xe, 8 * m + t), a0)
        a0 = simd.add(a0, a1)
        s = 0.0
        for lane in range(8):
            s += simd.get(a0, lane)
        out[t] = s


# ------------------------------------------------------------ the maximum


@njit(nogil=True, cache=True)
def _exact_max_abs_lag(px, py, length, corr_norm, maxlag, ddot):
    """``np.max(np.abs(lags * corr_norm))`` with every lag a BLAS ddot."""
    ddot_ptr, ddot_bits = ddot
    best = -np.inf
    for t in range(2 * maxlag + 1):
        c = lag_dot(px, py, length, length - 1 - maxlag + t, ddot_ptr, ddot_bits)
        v = abs(c * corr_norm[t])
        if v != v:  # np.max propagates NaN
            return v
        best = max(best, v)
    return best


@njit(nogil=True, cache=True)
def max_abs_lag_in_buffers(buffers, length, sumsq, corr_norm, maxlag, ddot):
    """(`max_abs_lag`, number of ddot calls) of the segments in ``buffers`` = (xe,
    ye, work) of `lag_buffers`; ``sumsq`` = their sums of squares (any rounding
    order); ``ddot`` = numpy's BLAS ddot (address, bits)."""
    xe, ye, work = buffers
    sumsq_x, sumsq_y = sumsq
    ddot_ptr, ddot_bits = ddot
    nlags = 2 * maxlag + 1
    px = xe.ctypes.data + 8 * (2 * maxlag)
    py = ye.ctypes.data + 8 * maxlag
    if not (
        sumsq_x >= SUMSQ_MIN
        and sumsq_y >= SUMSQ_MIN
        and sumsq_x <= SUMSQ_MAX
        and sumsq_y <= SUMSQ_MAX
    ):  # also every NaN
        best = _exact_max_abs_lag(px, py, length, corr_norm, maxlag, ddot)
        return best, nlags
    approx = work[0]
    value = work[1]
    margin = work[2]
    approximate_lags(xe, ye, length, maxlag, WIDE, approx)
    # Any dot of n <= 8 * nblocks + 16 products (BLAS's, ours) is within
    # 2.0001 n u sum|x_i y_j| of the exact one; sum|x_i y_j| <= ||x|| ||y||.
    n = length + 2 * maxlag + 24
    dot_error = (2.5 * n * U) * (np.sqrt(sumsq_x) * np.sqrt(sumsq_y)) + TINY
    floor = -np.inf
    for t in range(nlags):
        k = abs(corr_norm[t])
        w = abs(approx[t]) * k
        m = 4.0 * (dot_error * k) + (8.0 * U) * w + TINY
        if not (w + m < np.inf):  # also NaN: a huge or NaN normalisation
            best = _exact_max_abs_lag(px, py, length, corr_norm, maxlag, ddot)
            return best, nlags
        value[t] = w
        margin[t] = m
        floor = max(floor, w - m)
    best = -np.inf
    calls = 0
    for t in range(nlags):
        if value[t] + margin[t] >= floor:
            c = lag_dot(px, py, length, length - 1 - maxlag + t, ddot_ptr, ddot_bits)
            best = max(best, abs(c * corr_norm[t]))
            calls += 1
    return best, calls


@njit(nogil=True, cache=True)
def max_abs_lag(x, y, corr_norm, maxlag, ddot_ptr, ddot_bits):
    """``np.max(np.abs(np.correlate(x, y, "full")[lags] * corr_norm))`` over the lags
    -maxlag..maxlag (maxlag < len(x) = len(y)), and the number of ddot calls.

    * The approximation (`approximate_lags`) and BLAS's value of a lag of n products
      are each within gamma_n * sum|x_i y_j| of the exact dot, whatever their
      summation order (u = 2**-53, gamma_n = n u / (1 - n u); FMAs only remove
      roundings), and sum|x_i y_j| <= sqrt(sum x^2 * sum y^2) (Cauchy-Schwarz).
      With sums of squares in [1e-200, 1e300] no partial sum overflows, underflow
      cannot spoil those sums (it adds at most n * 2**-1075), and it adds at most
      n * 2**-1075 < TINY to a dot (2**-1022 per operation under flush-to-zero).
    * So the official value v_t = |fl(c_t * k_t)| lies within a margin m_t of the
      approximate w_t = |fl(a_t * k_t)|; m_t is at least twice the real-number
      bound, which covers the roundings of computing w_t, m_t, w_t +- m_t.
    * A lag with w_t + m_t below max_s (w_s - m_s) is below some v_s, so it is not
      the maximum; every other lag is computed by BLAS, and the largest of those
      values is the maximum of all lags, bit for bit.

    Sums of squares outside those bounds, non-finite values and huge or NaN
    ``corr_norm`` take the exact path: every lag a ddot, NaN propagated as
    ``np.max`` does.
    """
    length = x.shape[0]
    xe, ye, work = lag_buffers(length, maxlag)
    for j in range(length):
        xe[2 * maxlag + j] = x[j]
        ye[maxlag + j] = y[j]
    sumsq = (np.sum(x * x), np.sum(y * y))
    return max_abs_lag_in_buffers(
        (xe, ye, work), length, sumsq, corr_norm, maxlag, (ddot_ptr, ddot_bits)
    )
