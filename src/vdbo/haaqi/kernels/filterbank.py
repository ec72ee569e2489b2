"""Gammatone filter bank: the control and main filters of both signals, one band."""

from __future__ import annotations

import numpy as np
from numba import njit

from vdbo.haaqi.kernels.reductions import _pairwise
from vdbo.haaqi.kernels.state import (
    _COS,
    _CTRL_X,
    _CTRL_Y,
    _MAIN_X,
    _MAIN_Y,
    _SIN,
    BLOCK,
    SMALL,
)


@njit(nogil=True, cache=True, inline="always")
def _section4(x, z0, z1, z2, z3, b, a):
    """One sample of scipy's ``lfilter`` for 5 taps (b zero padded): y, new states."""
    y = z0 + b[0] * x
    return (
        y,
        z1 + x * b[1] - y * a[1],
        z2 + x * b[2] - y * a[2],
        z3 + x * b[3] - y * a[3],
        x * b[4] - y * a[4],
    )


@njit(nogil=True, cache=True)
def control_mean_squares(x, y, tpt, center_freq, coef_b, coef_a, gain):
    """``np.mean(env**2)`` of the control-filter envelopes of both signals.

    ``eb.gammatone_basilar_membrane`` arithmetic: the cos/sin recursion of
    ``gammatone_bandwidth_demodulation``, real and imaginary ``lfilter``, then
    ``gain * sqrt(ur*ur + ui*ui)``; summed per 8192-sample block as numpy does.
    """
    cos_n = np.cos(tpt * center_freq)
    sin_n = np.sin(tpt * center_freq)
    buf_x = np.empty(BLOCK)
    buf_y = np.empty(BLOCK)
    xr0 = xr1 = xr2 = xr3 = xi0 = xi1 = xi2 = xi3 = 0.0
    yr0 = yr1 = yr2 = yr3 = yi0 = yi1 = yi2 = yi3 = 0.0
    cold = 1.0
    sold = 0.0
    sum_x = 0.0
    sum_y = 0.0
    npts = x.shape[0]
    for lo in range(0, npts, BLOCK):
        hi = min(lo + BLOCK, npts)
        for n in range(lo, hi):
            if n > 0:
                arg = cold * cos_n + sold * sin_n
                sold = sold * cos_n - cold * sin_n
                cold = arg
            xn = x[n]
            ur, xr0, xr1, xr2, xr3 = _section4(
                xn * cold, xr0, xr1, xr2, xr3, coef_b, coef_a
            )
            ui, xi0, xi1, xi2, xi3 = _section4(
                xn * sold, xi0, xi1, xi2, xi3, coef_b, coef_a
            )
            buf_x[n - lo] = gain * np.sqrt(ur * ur + ui * ui)
            yn = y[n]
            ur, yr0, yr1, yr2, yr3 = _section4(
                yn * cold, yr0, yr1, yr2, yr3, coef_b, coef_a
            )
            ui, yi0, yi1, yi2, yi3 = _section4(
                yn * sold, yi0, yi1, yi2, yi3, coef_b, coef_a
            )
            buf_y[n - lo] = gain * np.sqrt(ur * ur + ui * ui)
        sum_x += _pairwise(buf_x, 0, hi - lo, True)
        sum_y += _pairwise(buf_y, 0, hi - lo, True)
    return sum_x / npts, sum_y / npts


@njit(nogil=True, cache=True)
def front_block(
    x,
    y,
    lo,
    hi,
    state,
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
    env_x,
    bm_x,
    env_y,
    bm_y,
    ctrl_x,
    ctrl_y,
):
    """Gammatone stage of both signals for samples lo..hi.

    Writes envelope and BM motion of the level-adjusted filter (uncompressed) and
    ``max(control envelope, 1e-30)`` into the block buffers ``ctrl_*``. Returns the
    block's pairwise sums of squared envelopes (for ``np.mean(env**2)``).
    """
    cos_n = np.cos(tpt * center_freq)
    sin_n = np.sin(tpt * center_freq)
    cold = state[_COS]
    sold = state[_SIN]
    s = state
    cxr0, cxr1, cxr2, cxr3 = s[_CTRL_X], s[_CTRL_X + 1], s[_CTRL_X + 2], s[_CTRL_X + 3]
    cxi0, cxi1, cxi2, cxi3 = (
        s[_CTRL_X + 4],
        s[_CTRL_X + 5],
        s[_CTRL_X + 6],
        s[_CTRL_X + 7],
    )
    cyr0, cyr1, cyr2, cyr3 = s[_CTRL_Y], s[_CTRL_Y + 1], s[_CTRL_Y + 2], s[_CTRL_Y + 3]
    cyi0, cyi1, cyi2, cyi3 = (
        s[_CTRL_Y + 4],
        s[_CTRL_Y + 5],
        s[_CTRL_Y + 6],
        s[_CTRL_Y + 7],
    )
    mxr0, mxr1, mxr2, mxr3 = s[_MAIN_X], s[_MAIN_X + 1], s[_MAIN_X + 2], s[_MAIN_X + 3]
    mxi0, mxi1, mxi2, mxi3 = (
        s[_MAIN_X + 4],
        s[_MAIN_X + 5],
        s[_MAIN_X + 6],
        s[_MAIN_X + 7],
    )
    myr0, myr1, myr2, myr3 = s[_MAIN_Y], s[_MAIN_Y + 1], s[_MAIN_Y + 2], s[_MAIN_Y + 3]
    myi0, myi1, myi2, myi3 = (
        s[_MAIN_Y + 4],
        s[_MAIN_Y + 5],
        s[_MAIN_Y + 6],
        s[_MAIN_Y + 7],
    )
    for n in range(lo, hi):
        if n > 0:
            arg = cold * cos_n + sold * sin_n
            sold = sold * cos_n - cold * sin_n
            cold = arg
        j = n - lo
        # Reference signal: control and level-adjusted filters.
        xr = x[n] * cold
        xi = x[n] * sold
        ur, cxr0, cxr1, cxr2, cxr3 = _section4(
            xr, cxr0, cxr1, cxr2, cxr3, ctrl_b, ctrl_a
        )
        ui, cxi0, cxi1, cxi2, cxi3 = _section4(
            xi, cxi0, cxi1, cxi2, cxi3, ctrl_b, ctrl_a
        )
        c = ctrl_gain * np.sqrt(ur * ur + ui * ui)
        ctrl_x[j] = c if not c < SMALL else SMALL
        ur, mxr0, mxr1, mxr2, mxr3 = _section4(xr, mxr0, mxr1, mxr2, mxr3, x_b, x_a)
        ui, mxi0, mxi1, mxi2, mxi3 = _section4(xi, mxi0, mxi1, mxi2, mxi3, x_b, x_a)
        bm_x[n] = x_gain * (ur * cold + ui * sold)
        env_x[n] = x_gain * np.sqrt(ur * ur + ui * ui)
        # Processed signal.
        yr = y[n] * cold
        yi = y[n] * sold
        ur, cyr0, cyr1, cyr2, cyr3 = _section4(
            yr, cyr0, cyr1, cyr2, cyr3, ctrl_b, ctrl_a
        )
        ui, cyi0, cyi1, cyi2, cyi3 = _section4(
            yi, cyi0, cyi1, cyi2, cyi3, ctrl_b, ctrl_a
        )
        c = ctrl_gain * np.sqrt(ur * ur + ui * ui)
        ctrl_y[j] = c if not c < SMALL else SMALL
        ur, myr0, myr1, myr2, myr3 = _section4(yr, myr0, myr1, myr2, myr3, y_b, y_a)
        ui, myi0, myi1, myi2, myi3 = _section4(yi, myi0, myi1, myi2, myi3, y_b, y_a)
        bm_y[n] = y_gain * (ur * cold + ui * sold)
        env_y[n] = y_gain * np.sqrt(ur * ur + ui * ui)
    state[_COS] = cold
    state[_SIN] = sold
    s[_CTRL_X], s[_CTRL_X + 1], s[_CTRL_X + 2], s[_CTRL_X + 3] = cxr0, cxr1, cxr2, cxr3
    s[_CTRL_X + 4], s[_CTRL_X + 5], s[_CTRL_X + 6], s[_CTRL_X + 7] = (
        cxi0,
        cxi1,
        cxi2,
        cxi3,
    )
    s[_CTRL_Y], s[_CTRL_Y + 1], s[_CTRL_Y + 2], s[_CTRL_Y + 3] = cyr0, cyr1, cyr2, cyr3
    s[_CTRL_Y + 4], s[_CTRL_Y + 5], s[_CTRL_Y + 6], s[_CTRL_Y + 7] = (
        cyi0,
        cyi1,
        cyi2,
        cyi3,
    )
    s[_MAIN_X], s[_MAIN_X + 1], s[_MAIN_X + 2], s[_MAIN_X + 3] = mxr0, mxr1, mxr2, mxr3
    s[_MAIN_X + 4], s[_MAIN_X + 5], s[_MAIN_X + 6], s[_MAIN_X + 7] = (
        mxi0,
        mxi1,
        mxi2,
        mxi3,
    )
    s[_MAIN_Y], s[_MAIN_Y + 1], s[_MAIN_Y + 2], s[_MAIN_Y + 3] = myr0, myr1, myr2, myr3
    s[_MAIN_Y + 4], s[_MAIN_Y + 5], s[_MAIN_Y + 6], s[_MAIN_Y + 7] = (
        myi0,
        myi1,
        myi2,
        myi3,
    )
    return _pairwise(env_x, lo, hi - lo, True), _pairwise(env_y, lo, hi - lo, True)
