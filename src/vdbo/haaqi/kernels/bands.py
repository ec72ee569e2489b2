"""Whole-band drivers of the fast path: filter bank, OHC and IHC of a band per call."""

from __future__ import annotations

import numpy as np
from numba import njit

from vdbo.haaqi.kernels.filterbank import front_block
from vdbo.haaqi.kernels.ihc import back_block, sl_log_fused
from vdbo.haaqi.kernels.ohc import compress_gain_fused, gain_filter_apply
from vdbo.haaqi.kernels.state import _COS, BLOCK, STATE_SIZE
from vdbo.haaqi.legacy_rng import fill_gauss


@njit(nogil=True, cache=True)
def front_band_fused(
    x,
    y,
    tpt,
    center_freq,
    ctrl_b,
    ctrl_a,
    ctrl_gain,
    x_b,
    x_a,
    x_gain,
    y_b,
    y_a,
    y_gain,
    params_x,
    params_y,
    lp_b0,
    lp_b1,
    lp_a1,
    ten,
    env_x,
    bm_x,
    env_y,
    bm_y,
):
    """Fused path: gammatone + OHC compression of both signals (libm log10/pow).

    ``ten`` = 10.0, passed at run time so that ``ten ** v`` stays a ``pow`` call.
    """
    state = np.zeros(STATE_SIZE)
    state[_COS] = 1.0
    ctrl_x = np.empty(BLOCK)
    ctrl_y = np.empty(BLOCK)
    sum_x = 0.0
    sum_y = 0.0
    npts = x.shape[0]
    for lo in range(0, npts, BLOCK):
        hi = min(lo + BLOCK, npts)
        bx, by = front_block(
            x, y, lo, hi, state, tpt, center_freq, ctrl_b, ctrl_a, ctrl_gain,
            x_b, x_a, x_gain, y_b, y_a, y_gain, env_x, bm_x, env_y, bm_y,
            ctrl_x, ctrl_y,
        )  # fmt: skip
        sum_x += bx
        sum_y += by
        compress_gain_fused(ctrl_x, hi - lo, params_x, ten)
        compress_gain_fused(ctrl_y, hi - lo, params_y, ten)
        gain_filter_apply(
            ctrl_x, ctrl_y, hi - lo, lo, state, lp_b0, lp_b1, lp_a1,
            env_x, bm_x, env_y, bm_y,
        )  # fmt: skip
    return sum_x / npts, sum_y / npts


@njit(nogil=True, cache=True)
def back_band_fused(
    env_x,
    bm_x,
    env_y,
    bm_y,
    level_x,
    level_y,
    floor_x,
    floor_y,
    freq_sample,
    key_x,
    meta_x,
    key_y,
    meta_y,
    noise_gain,
):
    """Fused path: dB SL + IHC adaptation + threshold noise of both signals (libm
    log10)."""
    state = np.zeros(STATE_SIZE)
    log_x = np.empty(BLOCK)
    log_y = np.empty(BLOCK)
    noise_x = np.empty(BLOCK)
    noise_y = np.empty(BLOCK)
    npts = env_x.shape[0]
    for lo in range(0, npts, BLOCK):
        n = min(BLOCK, npts - lo)
        sl_log_fused(env_x, lo, n, floor_x, log_x)
        sl_log_fused(env_y, lo, n, floor_y, log_y)
        fill_gauss(key_x, meta_x, noise_x[:n])
        fill_gauss(key_y, meta_y, noise_y[:n])
        back_block(
            env_x, bm_x, env_y, bm_y, lo, n, log_x, log_y, level_x, level_y,
            state, freq_sample, noise_x, noise_y, noise_gain,
        )  # fmt: skip
