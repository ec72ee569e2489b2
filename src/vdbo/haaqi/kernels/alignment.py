"""Delay alignment: shifting, block cross-correlation and peak picking."""

from __future__ import annotations

import numpy as np
from numba import njit


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
