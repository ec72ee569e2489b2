"""Does numba's libm log10/pow give numpy's values on this machine?

numpy evaluates ``log10`` and ``power`` on float64 with the C library unless it was
built with SVML and runs on an AVX-512 CPU; numba calls the C library. When both
agree, the fused ``*_libm`` kernels run whole bands without returning to Python
(and skip log/pow where the compressor or the dB SL floor clips anyway). The check
runs the real kernels both ways on a synthetic band once per process.
"""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=1)
def libm_matches_numpy() -> bool:
    from vdbo.haaqi import ear_model

    rng = np.random.default_rng(7)
    npts = 3 * 8192 + 123
    t = np.arange(npts) / 24000
    for level in (1e-5, 0.3, 30.0):
        x = level * (np.sin(2 * np.pi * 900 * t) * (1 + np.sin(2 * np.pi * 3 * t)))
        x = x + level * 0.1 * rng.standard_normal(npts)
        y = 0.7 * x + level * 0.05 * rng.standard_normal(npts)
        for level1 in (65.0, 110.0):
            if not ear_model.self_check(x, y, level1):
                return False
    return True
