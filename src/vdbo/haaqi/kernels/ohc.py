"""Outer hair cells: the compression gain and its low-pass filter."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from vdbo.haaqi.kernels.state import _LP_X, _LP_Y

# params: [level1, knee, -attn_ohc, 1 - 1/CR, low_control, high_control,
#          gain_at_knee, gain_at_100]
COMPRESS_PARAMS = 8


@njit(nogil=True, cache=True, inline="always")
def _gain_db(log_control, p):
    """``-attn - (clip(level1 + 20*log10(c), knee, 100) - knee)*(1-1/CR)``, /20."""
    v = p[0] + 20 * log_control
    if v > 100:
        v = 100.0
    if v < p[1]:
        v = p[1]
    v = p[2] - (v - p[1]) * p[3]
    return v / 20


@njit(nogil=True, cache=True)
def compress_gain_db(control, n, p):
    """Block path, given ``log10`` of the control block: gain in dB/20, in place."""
    for j in range(n):
        control[j] = _gain_db(control[j], p)


@njit(nogil=True, cache=True)
def compress_gain_fused(control, n, p, ten):
    """Fused path: control block to linear compression gain, in place.

    Levels certainly outside the compressor's knees (1e-9 relative margin, far above
    log10 rounding) are clipped without evaluating log10 or pow: the clipped value,
    hence the gain, is then exactly ``p[6]``/``p[7]``, as the official result.
    """
    for j in range(n):
        c = control[j]
        if c < p[4]:
            control[j] = p[6]
        elif c > p[5]:
            control[j] = p[7]
        else:
            control[j] = ten ** _gain_db(math.log10(c), p)


@njit(nogil=True, cache=True)
def gather_compressive(control, n, p, clipped_gains, dense, index):
    """Block path: samples surely outside the knees get their gain in place
    (``clipped_gains`` = numpy's gain of the lower / upper clipped level); the
    others are gathered into ``dense`` (positions in ``index``) for numpy's log10
    and power. Returns their count. Same margins as `compress_gain_fused`."""
    m = 0
    low_gain, high_gain = clipped_gains[0], clipped_gains[1]
    for j in range(n):  # branch-free: the gathered ones are overwritten later
        c = control[j]
        low = c < p[4]
        high = c > p[5]
        dense[m] = c
        index[m] = j
        m += 1 - np.int64(low | high)  # NaN is gathered, as numpy would see it
        control[j] = low_gain if low else high_gain
    return m


@njit(nogil=True, cache=True)
def scatter(dense, index, m, out):
    """``out[index[k]] = dense[k]`` for k < m (after `gather_compressive` etc.)."""
    for k in range(m):
        out[index[k]] = dense[k]


@njit(nogil=True, cache=True)
def knee_gains(p, ten):
    """(gain at the lower knee, gain at 100 dB) exactly as computed elementwise."""
    return ten ** _gain_db(-np.inf, p), ten ** _gain_db(np.inf, p)


@njit(nogil=True, cache=True)
def gain_filter_apply(gains, n, lo, state, lowpass, out):
    """First-order ``lfilter`` (``lowpass`` = (b0, b1, a1)) of each signal's gain
    block (``gains`` = (x, y); states carried), then scale its envelope and BM
    motion (``out`` = (env_x, bm_x, env_y, bm_y)). Both signals in one loop: two
    independent recursions, so each one's latency hides the other's."""
    gain_x, gain_y = gains
    b0, b1, a1 = lowpass
    env_x, bm_x, env_y, bm_y = out
    zx = state[_LP_X]
    zy = state[_LP_Y]
    for j in range(n):
        i = lo + j
        xn = gain_x[j]
        yn = zx + b0 * xn
        zx = xn * b1 - yn * a1
        env_x[i] = yn * env_x[i]
        bm_x[i] = yn * bm_x[i]
        xn = gain_y[j]
        yn = zy + b0 * xn
        zy = xn * b1 - yn * a1
        env_y[i] = yn * env_y[i]
        bm_y[i] = yn * bm_y[i]
    state[_LP_X] = zx
    state[_LP_Y] = zy
