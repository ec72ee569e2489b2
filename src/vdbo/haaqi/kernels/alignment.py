"""Delay alignment: shifting, block cross-correlation (float64 or float32 blocks),
float64 correlation at chosen lags, and peak picking."""

from __future__ import annotations

import numpy as np
from numba import njit

from vdbo.haaqi.kernels import simd
from vdbo.haaqi.kernels.simd32 import load32, store32


@njit(nogil=True, cache=True)
def shift_inplace(a, delay):
    """``a[i] <- a[i + delay]`` with zeros shifted in (``np.concatenate`` idiom)."""
    n = a.shape[0]
    if delay > 0:
        d = min(delay, n)
        for i in range(n - d):
            a[i] = a[i + d]
        for i in range(n - d, n):
            a[i] = 0.0
    elif delay < 0:
        d = min(-delay, n)
        for i in range(n - 1, d - 1, -1):
            a[i] = a[i - d]
        for i in range(d):
            a[i] = 0.0


@njit(nogil=True, cache=True)
def fill_correlation_blocks(a, b, first, count, block, lags, a_blocks, b_blocks):
    """Overlap-save rows: a[k*block:(k+1)*block] and b[k*block-lags:(k+1)*block+lags]
    for k = first..first+count-1, zero padded (also outside the signals).

    Returns the sums of squares of a and b over a[k*block:(k+1)*block] (both
    signals have a's length), while the data passes through the cache anyway: over
    all blocks, the bound ``|a| |b|`` of the tie test (any order will do).
    """
    n = a.shape[0]
    size = a_blocks.shape[1]
    squares_a = np.zeros(8)
    squares_b = np.zeros(8)
    for r in range(count):
        start = (first + r) * block
        filled = max(0, min(block, n - start))
        for j in range(filled):
            a_blocks[r, j] = a[start + j]
            squares_a[j % 8] += a[start + j] * a[start + j]
            squares_b[j % 8] += b[start + j] * b[start + j]
        for j in range(filled, size):
            a_blocks[r, j] = 0.0
        lo = max(0, lags - start)  # first row index inside b
        hi = max(lo, min(block + 2 * lags, n - start + lags))
        for j in range(lo):
            b_blocks[r, j] = 0.0
        for j in range(lo, hi):
            b_blocks[r, j] = b[start - lags + j]
        for j in range(hi, size):
            b_blocks[r, j] = 0.0
    return squares_a.sum(), squares_b.sum()


@njit(nogil=True, cache=True)
def accumulate_cross_spectra(a_spectra, b_spectra, count, cross):
    """``cross += sum over rows < count of a_spectra * conj(b_spectra)``."""
    for r in range(count):
        for k in range(cross.shape[0]):
            cross[k] += a_spectra[r, k] * np.conj(b_spectra[r, k])


@njit(nogil=True, cache=True)
def top_two(values):
    """Index of the first maximum, the maximum, and the runner-up value."""
    best_i = 0
    best = values[0]
    for i in range(1, values.shape[0]):
        if values[i] > best:
            best = values[i]
            best_i = i
    second = -np.inf
    for i in range(values.shape[0]):
        if i != best_i and values[i] > second:
            second = values[i]
    return best_i, best, second


@njit(nogil=True, cache=True)
def top_two_abs(values):
    """Index of the first maximum of ``|values|``, that maximum and the runner-up;
    index -1 if any value is NaN (then no approximate argmax is trusted)."""
    best_i = 0
    best = -1.0
    second = -1.0
    for i in range(values.shape[0]):
        v = abs(np.float64(values[i]))
        if v != v:
            return -1, np.nan, np.nan
        if v > best:
            second = best
            best = v
            best_i = i
        elif v > second:
            second = v
    return best_i, best, second


@njit(nogil=True, cache=True)
def _copy32(row, lo, x, start, count, squares):
    """``row[lo:lo + count] = x[start:start + count]`` rounded to float32; returns
    the sum of squares of those samples if ``squares`` (any order will do)."""
    lanes = simd.splat(0.0)
    j = 0
    while j + 8 <= count:
        v = simd.load(x, start + j)
        store32(row, lo + j, v)
        if squares:
            lanes = simd.add(lanes, simd.mul(v, v))
        j += 8
    total = 0.0
    for t in range(8):
        total += simd.get(lanes, t)
    for i in range(j, count):
        v = x[start + i]
        row[lo + i] = np.float32(v)
        total += v * v
    return total


@njit(nogil=True, cache=True)
def fill_correlation_blocks32(a, b, first, count, block, lags, a_blocks, b_blocks):
    """`fill_correlation_blocks` into float32 rows (the float64 sums of squares
    as there)."""
    n = a.shape[0]
    squares_a = squares_b = 0.0
    for r in range(count):
        start = (first + r) * block
        filled = max(0, min(block, n - start))
        row = a_blocks[r]
        squares_a += _copy32(row, 0, a, start, filled, True)
        row[filled:] = 0.0
        # Row index j holds b[start - lags + j]; b's squares are summed over a's
        # stretch, j = lags .. lags + filled.
        row = b_blocks[r]
        lo = max(0, lags - start)
        hi = max(lo, min(block + 2 * lags, n - start + lags))
        mid_lo = max(lo, min(hi, lags))
        mid_hi = max(mid_lo, min(hi, lags + filled))
        row[:lo] = 0.0
        _copy32(row, lo, b, start - lags + lo, mid_lo - lo, False)
        squares_b += _copy32(
            row, mid_lo, b, start - lags + mid_lo, mid_hi - mid_lo, True
        )
        _copy32(row, mid_hi, b, start - lags + mid_hi, hi - mid_hi, False)
        row[hi:] = 0.0
    return squares_a, squares_b


_SWAP_PAIRS = (1, 0, 3, 2, 5, 4, 7, 6)
_EVENS = (0, 0, 2, 2, 4, 4, 6, 6)
_ODDS = (1, 1, 3, 3, 5, 5, 7, 7)
_INTERLEAVE = (0, 9, 2, 11, 4, 13, 6, 15)


@njit(nogil=True, cache=True)
def accumulate_cross_spectra32(a_spectra, b_spectra, count, cross):
    """``cross += sum over rows < count of a_spectra * conj(b_spectra)`` for
    complex64 spectra, in float64 (each float32 product is exact there); four
    frequencies per Vec8 as (re, im) pairs."""
    x = a_spectra.view(np.float32)
    y = b_spectra.view(np.float32)
    c = cross.view(np.float64)
    m = c.shape[0]
    j = 0
    while j + 8 <= m:
        straight = simd.splat(0.0)  # (xr * yr, xi * yi) pairs
        crossed = simd.splat(0.0)  # (xr * yi, xi * yr) pairs
        for r in range(count):
            xv = load32(x[r], j)
            yv = load32(y[r], j)
            straight = simd.add(straight, simd.mul(xv, yv))
            crossed = simd.add(crossed, simd.mul(xv, simd.shuffle(yv, yv, _SWAP_PAIRS)))
        re = simd.add(
            simd.shuffle(straight, straight, _EVENS),
            simd.shuffle(straight, straight, _ODDS),
        )
        im = simd.sub(
            simd.shuffle(crossed, crossed, _ODDS),
            simd.shuffle(crossed, crossed, _EVENS),
        )
        pairs = simd.shuffle(re, im, _INTERLEAVE)
        simd.store(c, j, simd.add(simd.load(c, j), pairs))
        j += 8
    for k in range(j // 2, cross.shape[0]):
        re = 0.0
        im = 0.0
        for r in range(count):
            u = a_spectra[r, k]
            v = b_spectra[r, k]
            ur, ui = np.float64(u.real), np.float64(u.imag)
            vr, vi = np.float64(v.real), np.float64(v.imag)
            re += ur * vr + ui * vi
            im += ui * vr - ur * vi
        cross[k] += complex(re, im)


@njit(nogil=True, cache=True)
def near_peak(window, tolerance, starts):
    """Index of the first maximum of ``window``, the number of values ``>= maximum
    - tolerance`` (candidates), and of the groups of eight indices that cover
    them, their first indices written to ``starts`` (in increasing order).

    The group count is -1 if ``starts`` is too short, and the maximum's index -1
    if ``window`` holds a NaN.
    """
    best_i = 0
    best = window[0]
    for i in range(window.shape[0]):
        v = window[i]
        if v != v:
            return -1, 0, 0
        if v > best:
            best = v
            best_i = i
    floor = best - tolerance
    candidates = 0
    groups = 0
    covered = 0  # first index no group covers
    for i in range(window.shape[0]):
        if window[i] >= floor:
            candidates += 1
            if i >= covered:
                if groups == starts.shape[0]:
                    groups = -1
                    break
                starts[groups] = i
                groups += 1
                covered = i + 8
    return best_i, candidates, groups


@njit(nogil=True, cache=True, inline="always")
def _product_add(acc, a, b, i, s_max):
    """``acc + a[i] * b[i - s_max : i - s_max + 8]`` lane by lane, fused (one
    rounding: only its error bound matters here)."""
    return simd.fma(simd.splat(a[i]), simd.load(b, i - s_max), acc)


DIRECT_BLOCK = 4096  # samples per block of `direct_correlation` (cache resident)


@njit(nogil=True, cache=True)
def direct_correlation(a, b, starts, groups, out):
    """``out[8g + k] = sum_i a[i] * b[i - starts[g] - k]`` for g < groups, k < 8,
    in float64.

    Eight lags per Vec8 (lane t holds lag starts[g] + 7 - t), four accumulators per
    group over each `DIRECT_BLOCK` samples, then block sums added in turn: no value
    passes more than ``DIRECT_BLOCK / 4 + nblocks + 24`` roundings (its error bound).
    Samples a lane's signal ends cut off are added one by one at the end.
    """
    n = a.shape[0]
    totals = np.zeros(8 * groups)
    for start in range(0, n, DIRECT_BLOCK):
        stop = min(n, start + DIRECT_BLOCK)
        for g in range(groups):
            s_min = starts[g]
            s_max = s_min + 7
            lo = max(start, s_max)
            hi = min(stop, n + s_min)
            if lo >= hi:
                continue
            acc0 = simd.splat(0.0)
            acc1 = simd.splat(0.0)
            acc2 = simd.splat(0.0)
            acc3 = simd.splat(0.0)
            i = lo
            while i + 4 <= hi:
                acc0 = _product_add(acc0, a, b, i, s_max)
                acc1 = _product_add(acc1, a, b, i + 1, s_max)
                acc2 = _product_add(acc2, a, b, i + 2, s_max)
                acc3 = _product_add(acc3, a, b, i + 3, s_max)
                i += 4
            while i < hi:
                acc0 = _product_add(acc0, a, b, i, s_max)
                i += 1
            block_sum = simd.add(simd.add(acc0, acc1), simd.add(acc2, acc3))
            base = 8 * g
            simd.store(totals, base, simd.add(simd.load(totals, base), block_sum))
    for g in range(groups):
        s_min = starts[g]
        s_max = s_min + 7
        lo = max(0, s_max)
        hi = min(n, n + s_min)
        for t in range(8):
            s = s_max - t
            first = max(0, s)
            last = min(n, n + s)
            extra = 0.0
            if lo < hi:
                for i in range(first, lo):
                    extra += a[i] * b[i - s]
                for i in range(hi, last):
                    extra += a[i] * b[i - s]
            else:
                for i in range(first, last):
                    extra += a[i] * b[i - s]
            out[8 * g + 7 - t] = totals[8 * g + t] + extra
