"""The band-loop drivers: a whole band of the ear model per call, on either path.

`front_band` (gammatone filters and OHC compression) and `back_band` (dB SL, IHC
adaptation, threshold noise) walk a band in blocks of `BLOCK` samples. Only the
log10/pow of a block differ between the paths, picked by ``route``:

* `FUSED` (the fused path): the C library's log10/pow inline, samples beyond a
  knee or below threshold skipped (``*_fused`` kernels); used where numpy's own
  log10/power are the C library's (`vdbo.haaqi.host.libm_matches_numpy`);
* `BLOCK_NUMPY` (the block path): the samples that need them are gathered and
  numpy's ``log10``/``power`` run on the gathered block (the official code's own
  functions, whatever numpy was built with), then scattered back;
* `BLOCK_LIBM`: the block path with the C library's functions, to check the fused
  kernels against the block path on any host (`vdbo.haaqi.ear_model.self_check`).

numpy is called from the compiled loop through ``objmode`` (the GIL is held only
for that call); the fused route never enters it.
"""

from __future__ import annotations

import numpy as np
from numba import njit, objmode

from vdbo.haaqi.kernels.filterbank import front_block
from vdbo.haaqi.kernels.ihc import back_block, gather_audible, sl_log_fused
from vdbo.haaqi.kernels.libm import libm_log10_inplace, libm_pow10_inplace
from vdbo.haaqi.kernels.ohc import (
    compress_gain_db,
    compress_gain_fused,
    gain_filter_apply,
    gather_compressive,
    scatter,
)
from vdbo.haaqi.kernels.state import BLOCK, new_state
from vdbo.haaqi.legacy_rng import fill_gauss

FUSED, BLOCK_NUMPY, BLOCK_LIBM = 0, 1, 2


def numpy_log10_inplace(block):
    """What the official code evaluates: numpy's log10, in place."""
    np.log10(block, out=block)


# The official ``10 ** gain`` hands numpy's float64 power loop the pairs (10.0, g);
# a ready block of 10.0 hands it the same pairs without broadcasting the scalar
# (half the time on an AVX-512 host; tested equal to ``10 ** g``).
_TENS = np.full(BLOCK, 10.0)


def numpy_pow10_inplace(block):
    """What the official code evaluates: numpy's ``10 ** block``, in place."""
    np.power(_TENS[: block.shape[0]], block, out=block)


@njit(cache=True)
def _numpy_log10(block):
    with objmode():
        numpy_log10_inplace(block)


@njit(cache=True)
def _numpy_pow10(block):
    with objmode():
        numpy_pow10_inplace(block)


@njit(nogil=True, cache=True)
def _log10_block(block, route):
    if route == BLOCK_NUMPY:
        _numpy_log10(block)
    else:
        libm_log10_inplace(block)


@njit(nogil=True, cache=True)
def _pow10_block(block, route, ten):
    if route == BLOCK_NUMPY:
        _numpy_pow10(block)
    else:
        libm_pow10_inplace(block, ten)


@njit(nogil=True, cache=True)
def clipped_gains(params, route, ten):
    """The block path's gains of a clipped level, lower and upper: a level clipped
    to a knee gives the same dB gain whatever its log10 was."""
    gains = np.array([-np.inf, np.inf])  # log10 of controls beyond either knee
    compress_gain_db(gains, 2, params)
    _pow10_block(gains, route, ten)
    return gains


@njit(nogil=True, cache=True)
def _compress(control, n, params, clipped, route, ten, scratch):
    """A control block to linear compression gains, in place, by ``route``."""
    if route == FUSED:
        compress_gain_fused(control, n, params, ten)
        return
    dense, index = scratch
    m = gather_compressive(control, n, params, clipped, dense, index)
    _log10_block(dense[:m], route)
    compress_gain_db(dense, m, params)
    _pow10_block(dense[:m], route, ten)
    scatter(dense, index, m, control)


@njit(nogil=True, cache=True)
def _sl_log(env, lo, n, floor, out, route, scratch):
    """``log10(env + 1e-30)`` of a block, -inf where the dB SL is surely < 0."""
    if route == FUSED:
        sl_log_fused(env, lo, n, floor, out)
        return
    dense, index = scratch
    m = gather_audible(env, lo, n, floor, out, dense, index)
    _log10_block(dense[:m], route)
    scatter(dense, index, m, out)


@njit(nogil=True, cache=True)
def front_band(signals, filters, compression, out, route):
    """Gammatone filtering and OHC compression of both signals of one band.

    ``signals`` = (x, y); ``filters`` as `front_block` takes them; ``compression``
    = (params_x, params_y, (b0, b1, a1) of the gain low-pass, ten), ``ten`` = 10.0
    passed at run time so that ``ten ** v`` stays a ``pow`` call; ``out`` = (env_x,
    bm_x, env_y, bm_y), written in place. Returns the uncompressed envelopes' mean
    squares.
    """
    params_x, params_y, lowpass, ten = compression
    state = new_state()
    ctrl = (np.empty(BLOCK), np.empty(BLOCK))
    scratch = (np.empty(BLOCK), np.empty(BLOCK, dtype=np.int64))
    clipped_x = clipped_gains(params_x, route, ten)
    clipped_y = clipped_gains(params_y, route, ten)
    sum_x = 0.0
    sum_y = 0.0
    npts = signals[0].shape[0]
    for lo in range(0, npts, BLOCK):
        hi = min(lo + BLOCK, npts)
        bx, by = front_block(signals, lo, hi, state, filters, out, ctrl)
        sum_x += bx
        sum_y += by
        _compress(ctrl[0], hi - lo, params_x, clipped_x, route, ten, scratch)
        _compress(ctrl[1], hi - lo, params_y, clipped_y, route, ten, scratch)
        gain_filter_apply(ctrl, hi - lo, lo, state, lowpass, out)
    return sum_x / npts, sum_y / npts


@njit(nogil=True, cache=True)
def back_band(bands, levels, freq_sample, noise_gain, noise, route):
    """dB SL, IHC adaptation and threshold noise of both signals, in place.

    ``bands`` = (env_x, bm_x, env_y, bm_y); ``levels`` = (level_x, level_y,
    floor_x, floor_y): level1 - IHC attenuation, and the envelope below which the
    dB SL is surely < 0; ``noise`` = ((key, meta) of x, of y): generator states at
    the start of this band's noise blocks.
    """
    level_x, level_y, floor_x, floor_y = levels
    key_x, meta_x = noise[0]
    key_y, meta_y = noise[1]
    ihc = (level_x, level_y, freq_sample, noise_gain)
    state = new_state()
    logs = (np.empty(BLOCK), np.empty(BLOCK))
    gauss = (np.empty(BLOCK), np.empty(BLOCK))
    scratch = (np.empty(BLOCK), np.empty(BLOCK, dtype=np.int64))
    npts = bands[0].shape[0]
    for lo in range(0, npts, BLOCK):
        n = min(BLOCK, npts - lo)
        _sl_log(bands[0], lo, n, floor_x, logs[0], route, scratch)
        _sl_log(bands[2], lo, n, floor_y, logs[1], route, scratch)
        fill_gauss(key_x, meta_x, gauss[0][:n])
        fill_gauss(key_y, meta_y, gauss[1][:n])
        back_block(bands, lo, n, logs, ihc, state, gauss)
