"""Numba kernels that redo the hot loops of the official HAAQI ear model exactly.

Exactness rule: every kernel performs the same IEEE operations, in the same order, as
the numpy/scipy code it replaces (pyclarity 0.3.4, ``clarity.evaluator.haspi.eb``):

* elementwise ``+ - * /`` and ``sqrt`` are correctly rounded everywhere, so numba
  loops reproduce numpy's elementwise results (no fast-math, so no FMA contraction);
* reductions copy numpy's summation order: ``np.sum``/``np.mean`` are pairwise sums
  over 8192-element buffer blocks (`numpy_sum`), Python's builtin ``sum`` is
  sequential, and ``np.correlate`` lag values are BLAS ``ddot`` calls, so those call
  numpy's own BLAS (`vdbo.haaqi.blas`, matched by `vdbo.haaqi.host`);
* ``scipy.signal.lfilter`` is a direct-form-II-transposed recursion, reproduced term
  by term (`_section4`, `gain_filter_apply`);
* log10 and power are numpy's. Where numpy uses the C library (checked at run time
  by `vdbo.haaqi.host`), the *fused path* runs: the ``*_fused`` kernels call the same
  functions from numba, a whole band per call. Otherwise the *block path* runs:
  numpy itself is called on 8192-sample blocks in between kernels (`libm` holds the
  C library's versions for that block path, to test the fused kernels anywhere).

Both signals (reference, processed) of a band run through one loop: they share the
demodulating oscillator, and their independent recursions fill the CPU pipeline; the
gammatone filters run as the eight lanes of one vector (`simd.Vec8`: the same IEEE
operations per lane, so the same numbers). A band is processed in blocks of `BLOCK`
samples with the filter states carried in a small state vector, so the
transcendental step can happen between kernels; there, samples whose result is
certain without log10/pow (a level beyond a compressor knee, an envelope below
threshold, by a margin far above any rounding) skip them, as in the fused kernels.
All kernels release the GIL, so bands can run on several threads.

One module per stage of the ear model, in signal order: `state` (block size, the
per-band state vector), `filterbank` (gammatone control and main filters), `ohc`
(outer-hair-cell compression), `ihc` (dB SL, inner-hair-cell adaptation, internal
noise), `bands` (the band-loop drivers of both paths), `alignment` (delay alignment),
`envelope_features` (segment smoothing, covariances, cepstrum), `lags` (BLAS lag
dots and their exact maximum), `libm` (the C library's log10/pow on a block),
`reductions` (numpy's ``np.sum``/``argmax`` with numpy's rounding), `simd` (eight
float64 lanes as one LLVM vector), `simd32` (their float32 loads and stores) and
`lanes` (work across those lanes). Every public kernel is importable from this
package.

Numba caches each kernel on disk keyed by its own file only, so a kernel compiled
against an older version of a kernel it calls in another file would be reused
silently. The caches of this package therefore live in a folder named by a hash of
every source file of `vdbo.haaqi` that defines numba code (:func:`_numba_cache_dir`):
any edit there recompiles them all, as a single-file module did; an edit of the
Python-level driver modules does not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numba


def _numba_cache_dir() -> str:
    """``vdbo/haaqi/__pycache__/numba-<hash of the package's numba sources>``."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        source = path.read_bytes()
        if b"@njit" not in source and b"@intrinsic" not in source:
            continue
        digest.update(str(path.relative_to(package)).encode())
        digest.update(source)
    return str(package / "__pycache__" / f"numba-{digest.hexdigest()[:16]}")


# The kernels' decorators pick their cache folder when their modules are imported.
_saved, numba.config.CACHE_DIR = numba.config.CACHE_DIR, _numba_cache_dir()
try:
    from vdbo.haaqi.kernels.alignment import (
        accumulate_cross_spectra,
        accumulate_cross_spectra32,
        direct_correlation,
        fill_correlation_blocks,
        fill_correlation_blocks32,
        near_peak,
        shift_inplace,
        top_two,
        top_two_abs,
    )
    from vdbo.haaqi.kernels.bands import (
        BLOCK_LIBM,
        BLOCK_NUMPY,
        FUSED,
        back_band,
        clipped_gains,
        front_band,
        numpy_log10_inplace,
        numpy_pow10_inplace,
    )
    from vdbo.haaqi.kernels.envelope_features import (
        bm_covary_row,
        cepstral_coefficients,
        env_smooth_row,
    )
    from vdbo.haaqi.kernels.filterbank import (
        CONTROL_GROUP,
        control_mean_squares,
        front_block,
    )
    from vdbo.haaqi.kernels.ihc import (
        back_block,
        gather_audible,
        sl_log_fused,
    )
    from vdbo.haaqi.kernels.lags import approximate_lags, correlate_lags, max_abs_lag
    from vdbo.haaqi.kernels.libm import libm_log10_inplace, libm_pow10_inplace
    from vdbo.haaqi.kernels.ohc import (
        COMPRESS_PARAMS,
        compress_gain_db,
        compress_gain_fused,
        gain_filter_apply,
        gather_compressive,
        knee_gains,
        scatter,
    )
    from vdbo.haaqi.kernels.reductions import argmax_abs, numpy_sum
    from vdbo.haaqi.kernels.state import (
        BLOCK,
        NUMPY_BUFSIZE,
        SMALL,
        STATE_SIZE,
        new_state,
    )
finally:
    numba.config.CACHE_DIR = _saved

__all__ = [
    "BLOCK",
    "BLOCK_LIBM",
    "BLOCK_NUMPY",
    "COMPRESS_PARAMS",
    "CONTROL_GROUP",
    "FUSED",
    "NUMPY_BUFSIZE",
    "SMALL",
    "STATE_SIZE",
    "accumulate_cross_spectra",
    "accumulate_cross_spectra32",
    "approximate_lags",
    "argmax_abs",
    "back_band",
    "back_block",
    "bm_covary_row",
    "cepstral_coefficients",
    "clipped_gains",
    "compress_gain_db",
    "compress_gain_fused",
    "control_mean_squares",
    "correlate_lags",
    "direct_correlation",
    "env_smooth_row",
    "fill_correlation_blocks",
    "fill_correlation_blocks32",
    "front_band",
    "front_block",
    "gain_filter_apply",
    "gather_audible",
    "gather_compressive",
    "knee_gains",
    "libm_log10_inplace",
    "libm_pow10_inplace",
    "max_abs_lag",
    "near_peak",
    "new_state",
    "numpy_log10_inplace",
    "numpy_pow10_inplace",
    "numpy_sum",
    "scatter",
    "shift_inplace",
    "sl_log_fused",
    "top_two",
    "top_two_abs",
]
