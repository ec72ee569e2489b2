"""Work across the lanes of `simd` vectors: transposes and lane sums.

Segment features have many short, independent reductions side by side (the windowed
sums of consecutive segments, the 49 lags of a correlation). Putting one of them
in each lane of a `simd` vector needs the data turned around (`transpose8`) or the
lanes summed at the end (`lane_sums`); both are shuffles. These helpers live here,
not in `simd`, which holds only the vector type and its per-lane operations
(numpy's pairwise sum, whose eight leaf accumulators are the lanes of one vector,
is `reductions.numpy_sum`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from vdbo.haaqi.kernels import simd

# The shuffles' lane lists must be literal at each call, hence no shared tuples.


@njit(nogil=True, cache=True, inline="always")
def even_odd(a, b):
    """Lanes (a0, b0, a2, b2, ...) and (a1, b1, a3, b3, ...)."""
    return (
        simd.shuffle(a, b, (0, 8, 2, 10, 4, 12, 6, 14)),
        simd.shuffle(a, b, (1, 9, 3, 11, 5, 13, 7, 15)),
    )


@njit(nogil=True, cache=True, inline="always")
def even_odd_pairs(a, b):
    """Lanes (a0, a1, b0, b1, a4, a5, b4, b5) and (a2, a3, b2, b3, a6, a7, b6, b7)."""
    return (
        simd.shuffle(a, b, (0, 1, 8, 9, 4, 5, 12, 13)),
        simd.shuffle(a, b, (2, 3, 10, 11, 6, 7, 14, 15)),
    )


@njit(nogil=True, cache=True, inline="always")
def low_high(a, b):
    """Lanes (a0-a3, b0-b3) and (a4-a7, b4-b7)."""
    return (
        simd.shuffle(a, b, (0, 1, 2, 3, 8, 9, 10, 11)),
        simd.shuffle(a, b, (4, 5, 6, 7, 12, 13, 14, 15)),
    )


@njit(nogil=True, cache=True, inline="always")
def transpose8(v0, v1, v2, v3, v4, v5, v6, v7):
    """The 8 x 8 transpose: lane l of the k-th result is lane k of ``v_l``."""
    t0, t1 = even_odd(v0, v1)
    t2, t3 = even_odd(v2, v3)
    t4, t5 = even_odd(v4, v5)
    t6, t7 = even_odd(v6, v7)
    u0, u2 = even_odd_pairs(t0, t2)
    u1, u3 = even_odd_pairs(t1, t3)
    u4, u6 = even_odd_pairs(t4, t6)
    u5, u7 = even_odd_pairs(t5, t7)
    c0, c4 = low_high(u0, u4)
    c1, c5 = low_high(u1, u5)
    c2, c6 = low_high(u2, u6)
    c3, c7 = low_high(u3, u7)
    return c0, c1, c2, c3, c4, c5, c6, c7


@njit(nogil=True, cache=True, inline="always")
def lane_sums(a0, a1, a2, a3, a4, a5, a6, a7):
    """Lane i: the sum of the lanes of ``a_i`` (a tree, in no particular order)."""
    p04 = simd.add(*low_high(a0, a4))
    p26 = simd.add(*low_high(a2, a6))
    p15 = simd.add(*low_high(a1, a5))
    p37 = simd.add(*low_high(a3, a7))
    q0246 = simd.add(*even_odd_pairs(p04, p26))
    q1357 = simd.add(*even_odd_pairs(p15, p37))
    return simd.add(*even_odd(q0246, q1357))


@njit(nogil=True, cache=True)
def aligned_zeros(n):
    """``np.zeros(n)`` starting on a 64-byte boundary (one cache line, one zmm)."""
    buf = np.zeros(n + 8)
    start = ((-buf.ctypes.data) % 64) // 8
    return buf[start : start + n]
