"""numpy's own reductions, redone with numpy's exact rounding: ``np.sum``/``np.mean``
(pairwise over 8192-sample buffer blocks) and ``np.argmax(np.abs(x))``."""

from __future__ import annotations

from numba import njit

from vdbo.haaqi.kernels import simd
from vdbo.haaqi.kernels.state import NUMPY_BUFSIZE


@njit(nogil=True, cache=True, inline="always")
def _lanes(a, i, square):
    v = simd.load(a, i)
    return simd.mul(v, v) if square else v


@njit(nogil=True, cache=True)
def _leaf(a, lo, n, square):
    """numpy's ``pairwise_sum`` for n <= 128: 8 accumulators, then the rest.

    The eight accumulators are the lanes of one vector (numpy's r[0..7] each add
    every eighth value in order), combined as numpy does:
    ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)). ``a`` is C-contiguous.
    """
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            v = a[i]
            if square:
                v = v * v
            res += v
        return res
    r = _lanes(a, lo, square)
    full = n - (n % 8)
    i = 8
    while i < full:
        r = simd.add(r, _lanes(a, lo + i, square))
        i += 8
    res = (simd.get(r, 0) + simd.get(r, 1)) + (simd.get(r, 2) + simd.get(r, 3))
    res = res + ((simd.get(r, 4) + simd.get(r, 5)) + (simd.get(r, 6) + simd.get(r, 7)))
    while i < n:
        v = a[lo + i]
        if square:
            v = v * v
        res += v
        i += 1
    return res


# numpy's pairwise_sum recursion, unrolled: numba cannot load recursive functions
# from its cache. Each level halves (rounded to a multiple of 8); seven levels take
# a numpy buffer block (8192) down to leaves of at most 128 values.
@njit(nogil=True, cache=True, inline="always")
def _half(n):
    n2 = n // 2
    return n2 - n2 % 8


@njit(nogil=True, cache=True)
def _pairwise_1(a, lo, n, square):
    if n <= 128:
        return _leaf(a, lo, n, square)
    h = _half(n)
    return _leaf(a, lo, h, square) + _leaf(a, lo + h, n - h, square)


@njit(nogil=True, cache=True)
def _pairwise_2(a, lo, n, square):
    if n <= 128:
        return _leaf(a, lo, n, square)
    h = _half(n)
    return _pairwise_1(a, lo, h, square) + _pairwise_1(a, lo + h, n - h, square)


@njit(nogil=True, cache=True)
def _pairwise_3(a, lo, n, square):
    if n <= 128:
        return _leaf(a, lo, n, square)
    h = _half(n)
    return _pairwise_2(a, lo, h, square) + _pairwise_2(a, lo + h, n - h, square)


@njit(nogil=True, cache=True)
def _pairwise_4(a, lo, n, square):
    if n <= 128:
        return _leaf(a, lo, n, square)
    h = _half(n)
    return _pairwise_3(a, lo, h, square) + _pairwise_3(a, lo + h, n - h, square)


@njit(nogil=True, cache=True)
def _pairwise_5(a, lo, n, square):
    if n <= 128:
        return _leaf(a, lo, n, square)
    h = _half(n)
    return _pairwise_4(a, lo, h, square) + _pairwise_4(a, lo + h, n - h, square)


@njit(nogil=True, cache=True)
def _pairwise_6(a, lo, n, square):
    if n <= 128:
        return _leaf(a, lo, n, square)
    h = _half(n)
    return _pairwise_5(a, lo, h, square) + _pairwise_5(a, lo + h, n - h, square)


@njit(nogil=True, cache=True)
def _pairwise_7(a, lo, n, square):
    if n <= 128:
        return _leaf(a, lo, n, square)
    h = _half(n)
    return _pairwise_6(a, lo, h, square) + _pairwise_6(a, lo + h, n - h, square)


@njit(nogil=True, cache=True)
def _pairwise_8(a, lo, n, square):
    if n <= 128:
        return _leaf(a, lo, n, square)
    h = _half(n)
    return _pairwise_7(a, lo, h, square) + _pairwise_7(a, lo + h, n - h, square)


_pairwise = _pairwise_8  # for n <= 8192 (one numpy buffer block)


@njit(nogil=True, cache=True)
def numpy_sum(a, lo, n, square):
    """``np.sum(a[lo:lo+n])`` (or of its squares) with numpy's exact rounding."""
    res = 0.0
    start = lo
    stop = lo + n
    while start < stop:
        block = min(NUMPY_BUFSIZE, stop - start)
        res += _pairwise(a, start, block, square)
        start += block
    return res


@njit(nogil=True, cache=True)
def argmax_abs(x):
    """``np.argmax(np.abs(x))`` without the temporary (a NaN wins, as in numpy)."""
    best_i = 0
    best = -1.0
    for i in range(x.shape[0]):
        v = abs(x[i])
        if v != v:
            return i
        if v > best:
            best = v
            best_i = i
    return best_i
