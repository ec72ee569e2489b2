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
    for k = first..first+count-1, zero padded (also outside the signals)."""
    n = a.shape[0]
    size = a_blocks.shape[1]
    for r in range(count):
        start = (first + r) * block
        for j in range(size):
            a_blocks[r, j] = 0.0
            b_blocks[r, j] = 0.0
        for j in range(min(block, n - start)):
            a_blocks[r, j] = a[start + j]
        for j in range(block + 2 * lags):
            i = start - lags + j
            if 0 <= i < n:
                b_blocks[r, j] = b[i]


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
