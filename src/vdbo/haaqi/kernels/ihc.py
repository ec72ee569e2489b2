"""Inner hair cells: dB above threshold, IHC adaptation and the internal noise."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from vdbo.haaqi.kernels.state import _IHC_X, _IHC_Y, SMALL


@njit(nogil=True, cache=True)
def sl_log_fused(env, lo, n, floor, out):
    """Fused path: ``log10(env + 1e-30)``, or -inf where the dB SL is surely < 0.

    -inf then yields exactly the official clipped value 0 in `back_block`.
    """
    for j in range(n):
        e = env[lo + j] + SMALL
        out[j] = -np.inf if e < floor else math.log10(e)


@njit(nogil=True, cache=True)
def gather_audible(env, lo, n, floor, out, dense, index):
    """Block path: -inf in ``out`` where the dB SL is certainly < 0 (as
    `sl_log_fused`); ``env + 1e-30`` of the others gathered into ``dense``
    (positions in ``index``) for numpy's log10. Returns their count."""
    m = 0
    for j in range(n):  # branch-free: the gathered ones are overwritten later
        e = env[lo + j] + SMALL
        out[j] = -np.inf
        dense[m] = e
        index[m] = j
        m += 1 - np.int64(e < floor)  # NaN is gathered: its log10 stays NaN
    return m


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
def back_block(bands, lo, n, logs, ihc, state, noise):
    """dB SL conversion, IHC adaptation and threshold noise of a block, in place.

    ``eb.envelope_sl`` (``ihc`` = (level_x, level_y, freq_sample, noise_gain),
    level = level1 - IHC attenuation; ``logs`` = log10 of each envelope + 1e-30),
    ``eb.inner_hair_cell_adaptation`` (states carried), and
    ``eb.basilar_membrane_add_noise`` (``bm + noise_gain * noise``) of both signals'
    ``bands`` = (env_x, bm_x, env_y, bm_y).
    """
    env_x, bm_x, env_y, bm_y = bands
    log_x, log_y = logs
    level_x, level_y, freq_sample, noise_gain = ihc
    noise_x, noise_y = noise
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
