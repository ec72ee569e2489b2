"""Gammatone filter bank: the control and main filters of both signals.

The recursions are independent side by side, not along the samples, so they run
as lanes of one `Vec8` value: a band's eight real filters (real and imaginary part
of the control and main filter of each signal) in `front_block`, two bands' control
filters per vector in `control_mean_squares`. Every lane does the scalar code's
operations in its order, so the numbers are the same.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from vdbo.haaqi.kernels import simd as V
from vdbo.haaqi.kernels.reductions import _pairwise
from vdbo.haaqi.kernels.state import _COS, _FILTER, _SIN, BLOCK, SMALL

# Lanes of `front_block`'s vector, in (real, imaginary) pairs: the control and
# main filters of the reference (x), then of the processed signal (y). After the
# pair sums: the four envelopes, then the main filters' BM motions.
_ENV_CTRL_X, _ENV_X, _ENV_CTRL_Y, _ENV_Y, _BM_X, _BM_Y = 0, 1, 2, 3, 5, 7
_SWAP_PAIRS = (1, 0, 3, 2, 5, 4, 7, 6)
_EVENS = (0, 2, 4, 6, 8, 10, 12, 14)
_ODDS = (1, 3, 5, 7, 9, 11, 13, 15)
_ROOTS_THEN_SUMS = (0, 1, 2, 3, 12, 13, 14, 15)
_X_THEN_Y = (0, 1, 2, 3, 8, 9, 10, 11)
_XXYY = (0, 1, 8, 9, 4, 5, 12, 13)
# Bands per `control_mean_squares` call: two vectors of two bands each, whose
# independent recursions overlap in the pipeline.
CONTROL_GROUP = 4


@njit(nogil=True, cache=True, inline="always")
def _section4(x, z, b, a):
    """One sample of scipy's ``lfilter`` for 5 taps (b zero padded), every lane:
    (output, new state); ``z`` = 4 states, ``b`` = b0..b4, ``a`` = a1..a4.

    ``lfilter.c``'s direct form II transposed, term by term in its order:
    y = z0 + b0*x; z_k = z_(k+1) + x*b_(k+1) - y*a_(k+1); z_3 = x*b4 - y*a4.
    """
    z0, z1, z2, z3 = z
    b0, b1, b2, b3, b4 = b
    a1, a2, a3, a4 = a
    y = V.add(z0, V.mul(b0, x))
    return y, (
        V.sub(V.add(z1, V.mul(x, b1)), V.mul(y, a1)),
        V.sub(V.add(z2, V.mul(x, b2)), V.mul(y, a2)),
        V.sub(V.add(z3, V.mul(x, b3)), V.mul(y, a3)),
        V.sub(V.mul(x, b4), V.mul(y, a4)),
    )


@njit(nogil=True, cache=True, inline="always")
def _oscillator_step(osc, cos_v, sin_v):
    """``arg = c*cos + s*sin; s = s*cos - c*sin; c = arg`` on (c, s) lane pairs.

    ``sin_v`` holds (sin, -sin) pairs: s*cos + c*(-sin) equals s*cos - c*sin.
    """
    return V.add(V.mul(osc, cos_v), V.mul(V.shuffle(osc, osc, _SWAP_PAIRS), sin_v))


@njit(nogil=True, cache=True, inline="always")
def _four_filters(c0, c1, c2, c3, k):
    """Tap ``k`` of four filters, each on a (real, imaginary) lane pair."""
    return V.make(c0[k], c0[k], c1[k], c1[k], c2[k], c2[k], c3[k], c3[k])


@njit(nogil=True, cache=True, inline="always")
def _two_bands(values, first, k):
    """Tap ``k`` of bands ``first`` and ``first + 1`` (rows), four lanes each."""
    a = values[first, k]
    b = values[first + 1, k]
    return V.make(a, a, a, a, b, b, b, b)


@njit(nogil=True, cache=True, inline="always")
def _two_bands_filter(coef_b, coef_a, first):
    """(b0..b4, a1..a4) of bands ``first`` and ``first + 1`` (`_two_bands`)."""
    c = coef_b
    b = (_two_bands(c, first, 0), _two_bands(c, first, 1), _two_bands(c, first, 2),
         _two_bands(c, first, 3), _two_bands(c, first, 4))  # fmt: skip
    c = coef_a
    a = (_two_bands(c, first, 1), _two_bands(c, first, 2), _two_bands(c, first, 3),
         _two_bands(c, first, 4))  # fmt: skip
    return b, a


@njit(nogil=True, cache=True, inline="always")
def _two_oscillators(cos_n, sin_n, first):
    """(cos, sin) lane vectors of the oscillators of two bands."""
    ca, cb = cos_n[first], cos_n[first + 1]
    sa, sb = sin_n[first], sin_n[first + 1]
    return (
        V.make(ca, ca, ca, ca, cb, cb, cb, cb),
        V.make(sa, -sa, sa, -sa, sb, -sb, sb, -sb),
    )


@njit(nogil=True, cache=True, inline="always")
def _pair_roots(v, gains):
    """``gain * sqrt(re*re + im*im)`` of lane pairs, in lanes 0-3."""
    squares = V.mul(v, v)
    sums = V.add(
        V.shuffle(squares, squares, _EVENS), V.shuffle(squares, squares, _ODDS)
    )
    return V.mul(gains, V.sqrt(sums))


@njit(nogil=True, cache=True)
def control_mean_squares(x, y, tpt, center_freq, coef_b, coef_a, gain, out):
    """``np.mean(env**2)`` of the control-filter envelopes of both signals.

    For `CONTROL_GROUP` bands (one ``center_freq``/``gain`` per band, one row of
    ``coef_b``/``coef_a`` each); ``out[band] = (reference, processed)``.
    ``eb.gammatone_basilar_membrane``'s arithmetic per lane: the cos/sin recursion of
    ``gammatone_bandwidth_demodulation``, real and imaginary ``lfilter``, then
    ``gain * sqrt(ur*ur + ui*ui)``; summed per 8192-sample block as numpy does.
    A vector holds (x real, x imaginary, y real, y imaginary) of two bands.
    """
    cos_n = np.cos(tpt * center_freq)
    sin_n = np.sin(tpt * center_freq)
    cos_p, sin_p = _two_oscillators(cos_n, sin_n, 0)
    cos_q, sin_q = _two_oscillators(cos_n, sin_n, 2)
    pb, pa = _two_bands_filter(coef_b, coef_a, 0)
    qb, qa = _two_bands_filter(coef_b, coef_a, 2)
    gains = V.make(
        gain[0], gain[0], gain[1], gain[1], gain[2], gain[2], gain[3], gain[3]
    )
    gain_p = V.shuffle(gains, gains, (0, 1, 2, 3, 0, 1, 2, 3))
    gain_q = V.shuffle(gains, gains, (4, 5, 6, 7, 4, 5, 6, 7))
    osc_p = V.make(1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0)
    osc_q = osc_p
    zero = V.splat(0.0)
    p = q = (zero, zero, zero, zero)
    buffers = np.empty((4, 2, BLOCK))
    sums = np.zeros((4, 2))
    npts = x.shape[0]
    for lo in range(0, npts, BLOCK):
        hi = min(lo + BLOCK, npts)
        for n in range(lo, hi):
            if n > 0:
                osc_p = _oscillator_step(osc_p, cos_p, sin_p)
                osc_q = _oscillator_step(osc_q, cos_q, sin_q)
            xy = V.shuffle(V.splat(x[n]), V.splat(y[n]), _XXYY)
            up, p = _section4(V.mul(xy, osc_p), p, pb, pa)
            uq, q = _section4(V.mul(xy, osc_q), q, qb, qa)
            ep = _pair_roots(up, gain_p)
            eq = _pair_roots(uq, gain_q)
            j = n - lo
            buffers[0, 0, j] = V.get(ep, 0)
            buffers[0, 1, j] = V.get(ep, 1)
            buffers[1, 0, j] = V.get(ep, 2)
            buffers[1, 1, j] = V.get(ep, 3)
            buffers[2, 0, j] = V.get(eq, 0)
            buffers[2, 1, j] = V.get(eq, 1)
            buffers[3, 0, j] = V.get(eq, 2)
            buffers[3, 1, j] = V.get(eq, 3)
        for band in range(4):
            for signal in range(2):
                sums[band, signal] += _pairwise(buffers[band, signal], 0, hi - lo, True)
    for band in range(4):
        for signal in range(2):
            out[band, signal] = sums[band, signal] / npts


@njit(nogil=True, cache=True)
def front_block(signals, lo, hi, state, filters, out, ctrl):
    """Gammatone stage of both signals (x, y) for samples lo..hi.

    ``filters`` = (tpt, center_freq, control, main x, main y), each filter (b, a,
    gain). Writes envelope and BM motion of the level-adjusted filter
    (uncompressed) into ``out`` = (env_x, bm_x, env_y, bm_y) and ``max(control
    envelope, 1e-30)`` into the block buffers ``ctrl`` = (ctrl_x, ctrl_y). Returns
    the block's pairwise sums of squared envelopes (for ``np.mean(env**2)``).
    """
    x, y = signals
    tpt, center_freq, ctrl_filter, x_filter, y_filter = filters
    ctrl_b, ctrl_a, ctrl_gain = ctrl_filter
    x_b, x_a, x_gain = x_filter
    y_b, y_a, y_gain = y_filter
    env_x, bm_x, env_y, bm_y = out
    ctrl_x, ctrl_y = ctrl
    cos_n = np.cos(tpt * center_freq)
    sin_n = np.sin(tpt * center_freq)
    cos_v = V.splat(cos_n)
    sin_v = V.make(sin_n, -sin_n, sin_n, -sin_n, sin_n, -sin_n, sin_n, -sin_n)
    b = (
        _four_filters(ctrl_b, x_b, ctrl_b, y_b, 0),
        _four_filters(ctrl_b, x_b, ctrl_b, y_b, 1),
        _four_filters(ctrl_b, x_b, ctrl_b, y_b, 2),
        _four_filters(ctrl_b, x_b, ctrl_b, y_b, 3),
        _four_filters(ctrl_b, x_b, ctrl_b, y_b, 4),
    )
    a = (
        _four_filters(ctrl_a, x_a, ctrl_a, y_a, 1),
        _four_filters(ctrl_a, x_a, ctrl_a, y_a, 2),
        _four_filters(ctrl_a, x_a, ctrl_a, y_a, 3),
        _four_filters(ctrl_a, x_a, ctrl_a, y_a, 4),
    )
    gains = V.make(ctrl_gain, x_gain, ctrl_gain, y_gain, 1.0, x_gain, 1.0, y_gain)
    cold = state[_COS]
    sold = state[_SIN]
    osc = V.make(cold, sold, cold, sold, cold, sold, cold, sold)
    z = (
        V.load(state, _FILTER),
        V.load(state, _FILTER + 8),
        V.load(state, _FILTER + 16),
        V.load(state, _FILTER + 24),
    )
    for n in range(lo, hi):
        if n > 0:
            osc = _oscillator_step(osc, cos_v, sin_v)
        j = n - lo
        xy = V.shuffle(V.splat(x[n]), V.splat(y[n]), _X_THEN_Y)
        u, z = _section4(V.mul(xy, osc), z, b, a)
        # (re*re + im*im) and (re*cos + im*sin) of each lane pair, then the roots
        # of the first four: every output times its filter's gain.
        squares = V.mul(u, u)
        turned = V.mul(u, osc)
        sums = V.add(
            V.shuffle(squares, turned, _EVENS), V.shuffle(squares, turned, _ODDS)
        )
        out = V.mul(gains, V.shuffle(V.sqrt(sums), sums, _ROOTS_THEN_SUMS))
        c = V.get(out, _ENV_CTRL_X)
        ctrl_x[j] = c if not c < SMALL else SMALL
        c = V.get(out, _ENV_CTRL_Y)
        ctrl_y[j] = c if not c < SMALL else SMALL
        env_x[n] = V.get(out, _ENV_X)
        env_y[n] = V.get(out, _ENV_Y)
        bm_x[n] = V.get(out, _BM_X)
        bm_y[n] = V.get(out, _BM_Y)
    state[_COS] = V.get(osc, 0)
    state[_SIN] = V.get(osc, 1)
    V.store(state, _FILTER, z[0])
    V.store(state, _FILTER + 8, z[1])
    V.store(state, _FILTER + 16, z[2])
    V.store(state, _FILTER + 24, z[3])
    return _pairwise(env_x, lo, hi - lo, True), _pairwise(env_y, lo, hi - lo, True)
