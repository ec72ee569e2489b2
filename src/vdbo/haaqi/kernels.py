"""Numba kernels that redo the hot loops of the official HAAQI ear model exactly.

Exactness rule: every kernel performs the same IEEE operations, in the same order, as
the numpy/scipy code it replaces (pyclarity 0.3.4, ``clarity.evaluator.haspi.eb``):

* elementwise ``+ - * /`` and ``sqrt`` are correctly rounded everywhere, so numba
  loops reproduce numpy's elementwise results (no fast-math, so no FMA contraction);
* reductions copy numpy's summation order: ``np.sum``/``np.mean`` are pairwise sums
  over 8192-element buffer blocks (`numpy_sum`), Python's builtin ``sum`` is
  sequential, and ``np.correlate`` lag values are BLAS ``ddot`` calls, so those call
  numpy's own BLAS (`vdbo.haaqi.blas`);
* ``scipy.signal.lfilter`` is a direct-form-II-transposed recursion, reproduced term
  by term (`_section4`, `gain_filter_apply`);
* log10 and power are numpy's. Where numpy uses the C library (checked at run time
  by `vdbo.haaqi.transcendental`), the ``*_libm`` kernels call the same functions
  from numba; otherwise numpy itself is called on 8192-sample blocks in between.

Both signals (reference, processed) of a band run through one loop: they share the
demodulating oscillator, and their independent recursions fill the CPU pipeline. A
band is processed in blocks of `BLOCK` samples with the filter states carried in a
small state vector, so the transcendental step can happen between kernels.
All kernels release the GIL, so bands can run on several threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from vdbo.haaqi.blas import ddot_call
from vdbo.haaqi.legacy_rng import fill_gauss

SMALL = 1e-30
# numpy reduces contiguous arrays in blocks of its buffer size (np.getbufsize());
# processing blocks of the same size lets one block be one pairwise-sum leaf.
NUMPY_BUFSIZE = 8192
BLOCK = NUMPY_BUFSIZE

# Layout of the per-band state vector (see `new_state`).
_COS, _SIN = 0, 1
_CTRL_X, _CTRL_Y, _MAIN_X, _MAIN_Y = 2, 10, 18, 26  # 8 filter states each
_LP_X, _LP_Y = 34, 35  # compression-gain low-pass states
_IHC_X, _IHC_Y = 36, 38  # IHC adaptation (v1, v2) each
STATE_SIZE = 40


def new_state() -> np.ndarray:
    state = np.zeros(STATE_SIZE)
    state[_COS] = 1.0
    return state


# ---------------------------------------------------------------- numpy's np.sum


@njit(nogil=True, cache=True)
def _leaf(a, lo, n, square):
    """numpy's ``pairwise_sum`` for n <= 128: 8 accumulators, then the rest."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            v = a[i]
            if square:
                v = v * v
            res += v
        return res
    if n <= 128:
        if square:
            r0 = a[lo] * a[lo]
            r1 = a[lo + 1] * a[lo + 1]
            r2 = a[lo + 2] * a[lo + 2]
            r3 = a[lo + 3] * a[lo + 3]
            r4 = a[lo + 4] * a[lo + 4]
            r5 = a[lo + 5] * a[lo + 5]
            r6 = a[lo + 6] * a[lo + 6]
            r7 = a[lo + 7] * a[lo + 7]
        else:
            r0 = a[lo]
            r1 = a[lo + 1]
            r2 = a[lo + 2]
            r3 = a[lo + 3]
            r4 = a[lo + 4]
            r5 = a[lo + 5]
            r6 = a[lo + 6]
            r7 = a[lo + 7]
        full = n - (n % 8)
        i = 8
        while i < full:
            j = lo + i
            if square:
                r0 += a[j] * a[j]
                r1 += a[j + 1] * a[j + 1]
                r2 += a[j + 2] * a[j + 2]
                r3 += a[j + 3] * a[j + 3]
                r4 += a[j + 4] * a[j + 4]
                r5 += a[j + 5] * a[j + 5]
                r6 += a[j + 6] * a[j + 6]
                r7 += a[j + 7] * a[j + 7]
            else:
                r0 += a[j]
                r1 += a[j + 1]
                r2 += a[j + 2]
                r3 += a[j + 3]
                r4 += a[j + 4]
                r5 += a[j + 5]
                r6 += a[j + 6]
                r7 += a[j + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
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


# ------------------------------------------------------------ gammatone filter bank


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


# --------------------------------------------------------------- OHC compression
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
    """Compat path, given ``log10`` of the control block: gain in dB/20, in place."""
    for j in range(n):
        control[j] = _gain_db(control[j], p)


@njit(nogil=True, cache=True)
def compress_gain_libm(control, n, p, ten):
    """Fast path: control block to linear compression gain, in place.

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
def knee_gains(p, ten):
    """(gain at the lower knee, gain at 100 dB) exactly as computed elementwise."""
    return ten ** _gain_db(-np.inf, p), ten ** _gain_db(np.inf, p)


@njit(nogil=True, cache=True)
def gain_filter_apply(gain, n, lo, state, slot, b0, b1, a1, env, bm):
    """First-order ``lfilter`` of the gain (state carried), then scale env and BM."""
    z = state[slot]
    for j in range(n):
        xn = gain[j]
        yn = z + b0 * xn
        z = xn * b1 - yn * a1
        env[lo + j] = yn * env[lo + j]
        bm[lo + j] = yn * bm[lo + j]
    state[slot] = z


# ----------------------------------------------------------------- alignment


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


# -------------------------------------------------- dB SL, IHC adaptation, noise


@njit(nogil=True, cache=True)
def add_small(env, lo, n, out):
    """Compat path: ``env + 1e-30`` of a block (then numpy takes log10)."""
    for j in range(n):
        out[j] = env[lo + j] + SMALL


@njit(nogil=True, cache=True)
def sl_log_libm(env, lo, n, floor, out):
    """Fast path: ``log10(env + 1e-30)``, or -inf where the dB SL is certainly < 0.

    -inf then yields exactly the official clipped value 0 in `back_block`.
    """
    for j in range(n):
        e = env[lo + j] + SMALL
        out[j] = -np.inf if e < floor else math.log10(e)


@njit(nogil=True, cache=True, inline="always")
def _ihc_constants(freq_sample):
    """``eb.inner_hair_cell_adaptation`` circuit constants (delta = 2)."""
    delta = max(2.0, 1.0001)
    tau1 = 0.001 * 2
    tau2 = 0.001 * 60
    freq_sample_inverse = 1 / freq_sample
    r_1 = 1 / delta
    r_2 = 0.5 * (1 - r_1)
    r_3 = r_2
    c_1 = tau1 * (r_1 + r_2) / (r_1 * r_2)
    c_2 = tau2 / ((r_1 + r_2) * r_3)
    a11 = r_1 + r_2 + r_1 * r_2 * (c_1 / freq_sample_inverse)
    a12 = -r_1
    a21 = -r_3
    a22 = r_2 + r_3 + r_2 * r_3 * (c_2 / freq_sample_inverse)
    denom = 1 / ((a11 * a22) - (a21 * a12))
    r_1_inv = 1 / r_1
    p1 = r_1 * r_2 * (c_1 / freq_sample_inverse)
    p2 = r_2 * r_3 * (c_2 / freq_sample_inverse)
    return r_2, p1, p2, denom, a11, a12, a21, a22, r_1_inv


@njit(nogil=True, cache=True)
def back_block(
    env_x,
    bm_x,
    env_y,
    bm_y,
    lo,
    n,
    log_x,
    log_y,
    level_x,
    level_y,
    state,
    freq_sample,
    noise_x,
    noise_y,
    noise_gain,
):
    """dB SL conversion, IHC adaptation and threshold noise of a block, in place.

    ``eb.envelope_sl`` (level = level1 - IHC attenuation; ``log_*`` = log10 of the
    envelope + 1e-30), ``eb.inner_hair_cell_adaptation`` (states carried), and
    ``eb.basilar_membrane_add_noise`` (``bm + gain * noise``), both signals.
    """
    r_2, p1, p2, denom, a11, a12, a21, a22, r_1_inv = _ihc_constants(freq_sample)
    vx1 = state[_IHC_X]
    vx2 = state[_IHC_X + 1]
    vy1 = state[_IHC_Y]
    vy2 = state[_IHC_Y + 1]
    for j in range(n):
        i = lo + j
        # Reference.
        db = level_x + 20 * log_x[j]
        if db < 0:
            db = 0.0
        bm = (db + SMALL) / (env_x[i] + SMALL) * bm_x[i]
        b_1 = db * r_2 + p1 * vx1
        b_2 = p2 * vx2
        vx1 = denom * (a22 * b_1 - a12 * b_2)
        vx2 = denom * (-a21 * b_1 + a11 * b_2)
        out = (db - vx1) * r_1_inv
        if out < 0:
            out = 0.0
        bm = (out + SMALL) / (db + SMALL) * bm
        bm_x[i] = bm + noise_gain * noise_x[j]
        env_x[i] = out
        # Processed.
        db = level_y + 20 * log_y[j]
        if db < 0:
            db = 0.0
        bm = (db + SMALL) / (env_y[i] + SMALL) * bm_y[i]
        b_1 = db * r_2 + p1 * vy1
        b_2 = p2 * vy2
        vy1 = denom * (a22 * b_1 - a12 * b_2)
        vy2 = denom * (-a21 * b_1 + a11 * b_2)
        out = (db - vy1) * r_1_inv
        if out < 0:
            out = 0.0
        bm = (out + SMALL) / (db + SMALL) * bm
        bm_y[i] = bm + noise_gain * noise_y[j]
        env_y[i] = out
    state[_IHC_X] = vx1
    state[_IHC_X + 1] = vx2
    state[_IHC_Y] = vy1
    state[_IHC_Y + 1] = vy2


# ------------------------------------------- whole-band drivers (fast path only)


@njit(nogil=True, cache=True)
def front_band_libm(
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
    """Gammatone + OHC compression of both signals (libm log10/pow).

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
        compress_gain_libm(ctrl_x, hi - lo, params_x, ten)
        compress_gain_libm(ctrl_y, hi - lo, params_y, ten)
        gain_filter_apply(
            ctrl_x, hi - lo, lo, state, _LP_X, lp_b0, lp_b1, lp_a1, env_x, bm_x
        )
        gain_filter_apply(
            ctrl_y, hi - lo, lo, state, _LP_Y, lp_b0, lp_b1, lp_a1, env_y, bm_y
        )
    return sum_x / npts, sum_y / npts


@njit(nogil=True, cache=True)
def back_band_libm(
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
    """dB SL + IHC adaptation + threshold noise of both signals (libm log10)."""
    state = np.zeros(STATE_SIZE)
    log_x = np.empty(BLOCK)
    log_y = np.empty(BLOCK)
    noise_x = np.empty(BLOCK)
    noise_y = np.empty(BLOCK)
    npts = env_x.shape[0]
    for lo in range(0, npts, BLOCK):
        n = min(BLOCK, npts - lo)
        sl_log_libm(env_x, lo, n, floor_x, log_x)
        sl_log_libm(env_y, lo, n, floor_y, log_y)
        fill_gauss(key_x, meta_x, noise_x[:n])
        fill_gauss(key_y, meta_y, noise_y[:n])
        back_block(
            env_x, bm_x, env_y, bm_y, lo, n, log_x, log_y, level_x, level_y,
            state, freq_sample, noise_x, noise_y, noise_gain,
        )  # fmt: skip


# ------------------------------------------------------------- segment features


@njit(nogil=True, cache=True, inline="always")
def _delayed(v, delay, i):
    """Element i of ``concatenate((zeros(delay), v[:len(v) - delay]))``."""
    return v[i - delay] if i >= delay else 0.0


@njit(nogil=True, cache=True)
def env_smooth_row(r, delay, window, half_window, wsum, halfsum, nseg, out):
    """One band of ``eb.env_smooth`` on ``r`` delayed by ``delay`` samples.

    Half window (np.sum), full windows with 50% overlap (builtin ``sum``:
    sequential), final half window (np.sum).
    """
    nhalf = half_window.shape[0]
    nwin = window.shape[0]
    buf = np.empty(nhalf)
    for j in range(nhalf):
        buf[j] = _delayed(r, delay, j) * half_window[j]
    out[0] = numpy_sum(buf, 0, nhalf, False) / halfsum
    nstart = 0
    for n in range(1, nseg - 1):
        nstart = nstart + nhalf
        s = 0.0
        if nstart >= delay:
            base = nstart - delay
            for j in range(nwin):
                s += r[base + j] * window[j]
        else:
            for j in range(nwin):
                s += _delayed(r, delay, nstart + j) * window[j]
        out[n] = s / wsum
    nstart = nstart + nhalf
    for j in range(nhalf):
        buf[j] = _delayed(r, delay, nstart + j) * window[j]
    out[nseg - 1] = numpy_sum(buf, 0, nhalf, False) / halfsum


@njit(nogil=True, cache=True)
def _lag_dot(px, py, length, i, ddot_ptr, ddot_bits):
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
        out[t] = _lag_dot(x.ctypes.data, y.ctypes.data, length, i, ddot_ptr, ddot_bits)
    return out


@njit(nogil=True, cache=True)
def _segment_covariance(
    x,
    y,
    delay,
    start,
    w,
    length,
    corr_norm,
    ms_norm,
    maxlag,
    ddot_ptr,
    ddot_bits,
    bx,
    by,
):
    """Cross-covariance and reference mean square of one windowed segment."""
    for j in range(length):
        bx[j] = _delayed(x, delay, start + j) * w[j]
        by[j] = _delayed(y, delay, start + j) * w[j]
    mx = numpy_sum(bx, 0, length, False) / length
    my = numpy_sum(by, 0, length, False) / length
    for j in range(length):
        bx[j] = bx[j] - mx
        by[j] = by[j] - my
    ms_x = numpy_sum(bx, 0, length, True) * ms_norm
    ms_y = numpy_sum(by, 0, length, True) * ms_norm
    px = bx.ctypes.data
    py = by.ctypes.data
    best = -np.inf
    for t in range(2 * maxlag + 1):
        c = _lag_dot(px, py, length, length - 1 - maxlag + t, ddot_ptr, ddot_bits)
        v = abs(c * corr_norm[t])
        if v != v:  # np.max propagates NaN
            best = v
            break
        best = max(best, v)
    cov = 0.0
    if ms_x > 1.0e-30 and ms_y > 1.0e-30:
        cov = best / np.sqrt(ms_x * ms_y)
    return cov, ms_x


@njit(nogil=True, cache=True)
def bm_covary_row(
    x,
    y,
    delay,
    window,
    half_window,
    win_corr,
    half_corr,
    win_sum2,
    halfsum2,
    maxlag,
    nseg,
    ddot_ptr,
    ddot_bits,
    cov_out,
    ms_out,
):
    """One band of ``eb.bm_covary`` on delayed x, y (clipped covariance, 2 x MS)."""
    nwin = window.shape[0]
    nhalf = half_window.shape[0]
    bx = np.empty(nwin)
    by = np.empty(nwin)
    first_half = window[:nhalf].copy()
    cov_out[0], ms_out[0] = _segment_covariance(
        x, y, delay, 0, half_window, nhalf, half_corr, halfsum2, maxlag,
        ddot_ptr, ddot_bits, bx, by,
    )  # fmt: skip
    nstart = 0
    for n in range(1, nseg - 1):
        nstart = nstart + nhalf
        cov_out[n], ms_out[n] = _segment_covariance(
            x, y, delay, nstart, window, nwin, win_corr, win_sum2, maxlag,
            ddot_ptr, ddot_bits, bx, by,
        )  # fmt: skip
    nstart = nstart + nhalf
    cov_out[nseg - 1], ms_out[nseg - 1] = _segment_covariance(
        x, y, delay, nstart, first_half, nhalf, half_corr, halfsum2, maxlag,
        ddot_ptr, ddot_bits, bx, by,
    )  # fmt: skip
    for n in range(nseg):
        c = cov_out[n]
        if c < 0.0:
            c = 0.0
        if c > 1.0:
            c = 1.0
        cov_out[n] = c
        ms_out[n] = ms_out[n] * 2.0


# ------------------------------------------------------------- mel cepstrum


@njit(nogil=True, cache=True)
def cepstral_coefficients(envelopes, basis, out):
    """``out[k, n] = np.sum(envelopes[:, n] * basis[:, k])`` (melcor9's loop)."""
    nbands = envelopes.shape[0]
    products = np.empty(nbands)
    for n in range(envelopes.shape[1]):
        for k in range(basis.shape[1]):
            for b in range(nbands):
                products[b] = envelopes[b, n] * basis[b, k]
            out[k, n] = numpy_sum(products, 0, nbands, False)


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
