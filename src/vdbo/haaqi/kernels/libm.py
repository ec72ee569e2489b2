"""The C library's ``log10`` and ``10 ** v`` on a block, in place.

The fused path's ``*_fused`` kernels call these same functions inline. Run on the
block path instead of numpy's (route `bands.BLOCK_LIBM`), they let the fused kernels
be checked against the block path on every host, whichever ``log10``/``pow`` numpy
itself uses.
"""

from __future__ import annotations

import math

from numba import njit


@njit(nogil=True, cache=True)
def libm_log10_inplace(block):
    for j in range(block.shape[0]):
        block[j] = math.log10(block[j])


@njit(nogil=True, cache=True)
def libm_pow10_inplace(block, ten):
    """``ten`` = 10.0, passed at run time so that ``ten ** v`` stays a ``pow`` call."""
    for j in range(block.shape[0]):
        block[j] = ten ** block[j]
