"""Numpy's own BLAS ``ddot``, callable from numba kernels.

``np.correlate`` (and ``scipy.signal.correlate`` for short segments, which ends in
``np.convolve``) computes every lag as one ``cblas_ddot`` call of numpy's bundled BLAS.
Its summation order depends on the BLAS build and on the CPU kernel it picks at run
time (FMA, 4 x 4 accumulators, ...), so the only portable way to get the very same
numbers is to call that same function. This module lists its candidates among the
shared libraries the process has loaded for numpy (`ddot_candidates`); `ddot_call`
calls an address from nopython code (the address is an argument, so kernels stay
cacheable). Which candidate really matches ``np.correlate`` is decided above the
kernels, by `vdbo.haaqi.host.find_ddot`; this module imports no kernel.
"""

from __future__ import annotations

import ctypes
import os

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core.extending import intrinsic

# (symbol, integer width): ILP64 OpenBLAS in numpy wheels, LP64 elsewhere.
_CANDIDATES = (
    ("cblas_ddot64_", ctypes.c_int64),
    ("cblas_ddot_64", ctypes.c_int64),
    ("cblas_ddot", ctypes.c_int32),
)


def _make_ddot_intrinsic(width: int):
    @intrinsic
    def call(typingctx, fn_ptr, n, x_ptr, y_ptr):
        sig = types.float64(types.uintp, types.int64, types.uintp, types.uintp)

        def codegen(context, builder, signature, args):
            fn_ptr, n, x_ptr, y_ptr = args
            dbl = ir.DoubleType()
            int_t = ir.IntType(width)
            ptr_t = ir.PointerType(dbl)
            fnty = ir.FunctionType(dbl, [int_t, ptr_t, int_t, ptr_t, int_t])
            fn = builder.inttoptr(fn_ptr, fnty.as_pointer())
            count = builder.trunc(n, int_t) if width < 64 else n
            one = ir.Constant(int_t, 1)
            x = builder.inttoptr(x_ptr, ptr_t)
            y = builder.inttoptr(y_ptr, ptr_t)
            return builder.call(fn, [count, x, one, y, one])

        return sig, codegen

    return call


_ddot64 = _make_ddot_intrinsic(64)
_ddot32 = _make_ddot_intrinsic(32)


@njit(nogil=True, cache=True)
def ddot_call(fn_ptr, bits, n, x_ptr, y_ptr):
    """``ddot(n, x, 1, y, 1)`` through the BLAS function at ``fn_ptr``."""
    if bits == 64:
        return _ddot64(fn_ptr, n, x_ptr, y_ptr)
    return _ddot32(fn_ptr, n, x_ptr, y_ptr)


def _numpy_blas_libraries() -> list[str]:
    """Shared objects mapped into this process that look like numpy's BLAS."""
    import numpy.core._multiarray_umath  # noqa: F401  (loads the BLAS)

    numpy_root = os.path.dirname(os.path.dirname(np.__file__))
    paths: list[str] = []
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                path = line.split()[-1] if "/" in line else ""
                name = os.path.basename(path).lower()
                if path not in paths and ("blas" in name or "mkl" in name):
                    paths.append(path)
    except OSError:
        pass
    # Prefer the copy shipped inside numpy's own wheel directory.
    paths.sort(key=lambda p: (not p.startswith(numpy_root), "numpy" not in p))
    return paths


def ddot_candidates():
    """(address, integer bits) of every ``cblas_ddot`` symbol in numpy's BLAS."""
    for path in _numpy_blas_libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol, int_type in _CANDIDATES:
            fn = getattr(lib, symbol, None)
            if fn is None:
                continue
            address = ctypes.cast(fn, ctypes.c_void_p).value
            if address:
                yield address, 8 * ctypes.sizeof(int_type)
