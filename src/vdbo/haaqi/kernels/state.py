"""Block size, the small constant and the per-band state vector the kernels share."""

from __future__ import annotations

import numpy as np
from numba import njit

SMALL = 1e-30
# numpy reduces contiguous arrays in blocks of its buffer size (np.getbufsize());
# processing blocks of the same size lets one block be one pairwise-sum leaf.
NUMPY_BUFSIZE = 8192
BLOCK = NUMPY_BUFSIZE

# Layout of the per-band state vector (see `new_state`).
_COS, _SIN = 0, 1
# The gammatone filters' four state vectors (8 lanes each, `filterbank`'s layout).
_FILTER = 2
_LP_X, _LP_Y = 34, 35  # compression-gain low-pass states
_IHC_X, _IHC_Y = 36, 38  # IHC adaptation (v1, v2) each
STATE_SIZE = 40


@njit(nogil=True, cache=True)
def new_state():
    state = np.zeros(STATE_SIZE)
    state[_COS] = 1.0
    return state
