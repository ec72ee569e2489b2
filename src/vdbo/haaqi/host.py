"""Does this host's numpy compute what the fused kernels assume? Checked once.

Two things vary with the numpy build and the CPU, and the kernels reproduce them
only where they are checked to match:

* ``np.correlate``'s lag dots are calls of numpy's bundled BLAS ``ddot``, whose
  summation order depends on the BLAS kernel picked at run time: `find_ddot` returns
  the candidate (`vdbo.haaqi.blas.ddot_candidates`) whose lag dots equal
  ``np.correlate`` bit for bit, or None (callers then use the official code);
* numpy evaluates float64 ``log10`` and ``power`` with the C library unless it was
  built with SVML and runs on an AVX-512 CPU; numba calls the C library. When both
  agree (`libm_matches_numpy`), the fused path's ``*_fused`` kernels run whole
  bands without returning to Python; otherwise the block path calls numpy itself
  between blocks.

This module sits above `vdbo.haaqi.kernels` and `vdbo.haaqi.ear_model` (it runs
them), so no low-level module imports a check of itself.
"""

from __future__ import annotations

import functools

import numpy as np

from vdbo.haaqi import ear_model
from vdbo.haaqi.blas import ddot_candidates
from vdbo.haaqi.kernels import correlate_lags


@functools.lru_cache(maxsize=1)
def find_ddot() -> tuple[int, int] | None:
    """(address, integer bits) of numpy's ``cblas_ddot``, or None if not matched."""
    for address, bits in ddot_candidates():
        if check_ddot(address, bits):
            return address, bits
    return None


def check_ddot(address: int, bits: int) -> bool:
    """True if lag dots through ``address`` equal ``np.correlate`` bit for bit."""
    rng = np.random.default_rng(20240607)
    for length in (7, 31, 192, 383, 384):
        x = rng.standard_normal(length) * 1e3
        y = rng.standard_normal(length) + 0.25 * x
        maxlag = min(24, length - 1)
        ours = correlate_lags(x, y, maxlag, address, bits)
        full = np.correlate(x, y, "full")
        theirs = full[length - 1 - maxlag : length + maxlag]
        if not np.array_equal(ours, theirs):
            return False
    return True


def synthetic_pairs(npts: int = 3 * 8192 + 123):
    """Signal pairs at three levels, reaching both knees of the compressor."""
    rng = np.random.default_rng(7)
    t = np.arange(npts) / 24000
    for level in (1e-5, 0.3, 30.0):
        x = level * (np.sin(2 * np.pi * 900 * t) * (1 + np.sin(2 * np.pi * 3 * t)))
        x = x + level * 0.1 * rng.standard_normal(npts)
        y = 0.7 * x + level * 0.05 * rng.standard_normal(npts)
        yield x, y


@functools.lru_cache(maxsize=1)
def libm_matches_numpy() -> bool:
    """The fused path gives numpy's band values on this machine."""
    for x, y in synthetic_pairs():
        for level1 in (65.0, 110.0):
            if not ear_model.self_check(x, y, level1):
                return False
    return True
