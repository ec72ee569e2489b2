"""Signal and envelope alignment (``eb.input_align``, ``eb.envelope_align``), leaner.

`input_align` is the official broadband alignment. Its bulk lag comes first from
float32 FFTs of the normalised signals (`_bulk_lag32`), taken only when the peak
leads the runner-up by more than both computations' errors; otherwise from the same
FFT calls scipy's ``correlate`` makes (`fft_convolve_full`: the same correlation
values, each spectrum freed as soon as it is used, the argmax taken without
temporaries), and for inputs scipy would not correlate by FFT, from the official
function itself.

`envelope_delay`: the official code correlates two full-length signals over all
2N-1 lags (FFT of about 2N points) to pick the best lag within +-100 ms. Only those
2*lags lags matter: overlap-save with small FFTs gives them, in float32 (half the
cost), with an error of at most `FLOAT32_ERROR` * ``|a| |b|``. A lag ahead of all
others by more than twice that (plus the official code's own rounding,
`TIE_TOLERANCE`) is the official one; the few lags within reach of a flat peak
(envelopes, dominated by their DC) are recomputed as float64 dot products (error
~1e-13 ``|a| |b|``) and decide if their best clears the tie tolerance. Otherwise
(many lags within reach, sizes float32 cannot hold, NaN) the float64 window decides,
and on a near-tie the official full correlation, so the lag is always the official
one.
"""

from __future__ import annotations

import threading

import numpy as np
import scipy.fft
from clarity.evaluator.haspi import eb
from scipy.signal import choose_conv_method, correlate

from vdbo.haaqi.kernels import (
    accumulate_cross_spectra,
    accumulate_cross_spectra32,
    argmax_abs,
    direct_correlation,
    fill_correlation_blocks,
    fill_correlation_blocks32,
    near_peak,
    top_two,
    top_two_abs,
)
from vdbo.haaqi.kernels.alignment import DIRECT_BLOCK

try:  # scipy.fft.rfft/irfft's own pocketfft calls, with an output array
    from scipy.fft._pocketfft.pypocketfft import c2r as _c2r
    from scipy.fft._pocketfft.pypocketfft import r2c as _r2c
except ImportError:  # pragma: no cover - another scipy layout
    _c2r = _r2c = None

# Relative gap (to |a|*|b|, the bound on any correlation value) under which the two
# best lags are treated as tied. FFT rounding error is ~1e-15 of that bound.
TIE_TOLERANCE = 1e-11
ALIGN_FFT_SIZE = 1 << 15  # overlap-save block FFT length (cache resident)
ALIGN_BATCH = 4  # blocks transformed per FFT call (more spill out of cache)
# Bound on |float32 window - exact correlation| / (|a| |b|). Rounding analysis of the
# FFT (Higham, Accuracy and Stability, thm 24.2: ~log2(n) * 8u per transform, so
# ~240u per block product, times sqrt(2) for the overlapping output blocks, u =
# 2**-24) gives ~2e-5; the largest measured (HAAQI bands of benchmark and music
# calls, synthetic signals) is 1.3e-7.
FLOAT32_ERROR = 5e-5
# Signal norms float32 FFTs hold without overflow or harmful underflow.
FLOAT32_NORMS = (1e-30, 1e30)
MAX_GROUPS = 4  # most groups of 8 lags recomputed as dot products (beyond: float64)
_scratch = threading.local()


def release_fft_plans():
    """Drop scipy.fft's cached plans of long transforms.

    pocketfft keeps the 16 most recent plans per type; one for a 240 s signal holds
    ~50-100 MB of twiddle factors for the life of the process. Planning 16+ tiny
    transforms evicts them. This thread's alignment scratch (2 MB) goes too.
    """
    vars(_scratch).clear()
    for n in range(2, 20):
        scipy.fft.rfft(np.zeros(n))
        scipy.fft.rfft(np.zeros(n, dtype=np.float32))


def _official_location(reference, output, npts, lags):
    full = correlate(reference, output, "full")
    return int(np.argmax(full[npts - lags : npts + lags]))


def _overlap_save_blocks(npts, lags):
    """(FFT size, block length, block count, blocks per FFT call) of the lag
    window of two ``npts`` signals."""
    size = min(ALIGN_FFT_SIZE, 1 << int(np.ceil(np.log2(npts + 2 * lags))))
    block = size - 2 * lags
    nblocks = -(-npts // block)
    return size, block, nblocks, min(ALIGN_BATCH, nblocks)


def _lag_range(circular, lags):
    """The lags s = 1-lags .. lags of a summed circular correlation: block-relative
    index t = s - lags, i.e. 1-2*lags .. 0 (mod its size)."""
    return np.concatenate((circular[len(circular) + 1 - 2 * lags :], circular[:1]))


def _lag_window(reference, output, lags):
    """Correlation sum_l reference[l] * output[l - s] for s = 1-lags .. lags, and
    ``|reference| * |output|`` (a bound on its values; both of equal length).

    Overlap-save in blocks: each block of ``reference`` against the stretch of
    ``output`` it can reach within the lag range, in cache-sized FFTs batched
    over blocks, the cross-spectra summed, one inverse FFT. Far faster than one
    signal-long FFT on long signals, and the scratch is a few MB.
    """
    size, block, nblocks, batch = _overlap_save_blocks(len(reference), lags)
    cross = np.zeros(size // 2 + 1, dtype=complex)
    squares_ref = squares_out = 0.0
    ref_blocks = np.empty((batch, size))
    out_blocks = np.empty((batch, size))
    for first in range(0, nblocks, batch):
        count = min(batch, nblocks - first)
        ref_part, out_part = fill_correlation_blocks(
            reference, output, first, count, block, lags, ref_blocks, out_blocks
        )
        squares_ref += ref_part
        squares_out += out_part
        ref_spectra = scipy.fft.rfft(ref_blocks[:count], axis=1)
        out_spectra = scipy.fft.rfft(out_blocks[:count], axis=1)
        accumulate_cross_spectra(ref_spectra, out_spectra, count, cross)
    window = _lag_range(scipy.fft.irfft(cross, size), lags)
    return window, np.sqrt(squares_ref) * np.sqrt(squares_out)


def _official_delay(reference, output, npts, lags):
    """The official lag choice, computed as the official code does."""
    return lags - _official_location(reference, output, npts, lags) - 1


def _window32_scratch(size, batch):
    """This thread's float32 blocks, their spectra, the summed cross-spectrum and
    the window's transform (reused: fresh megabyte arrays cost page faults)."""
    key = (size, batch)
    if getattr(_scratch, "key", None) != key:
        _scratch.key = key
        _scratch.arrays = (
            np.empty((batch, size), dtype=np.float32),
            np.empty((batch, size), dtype=np.float32),
            np.empty((batch, size // 2 + 1), dtype=np.complex64),
            np.empty((batch, size // 2 + 1), dtype=np.complex64),
            np.empty(size // 2 + 1, dtype=complex),
            np.empty(size),
        )
    return _scratch.arrays


def _lag_window32(reference, output, lags):
    """`_lag_window` with float32 block transforms (cross-spectra summed and
    transformed back in float64); returns the window and ``|reference|**2``,
    ``|output|**2``."""
    size, block, nblocks, batch = _overlap_save_blocks(len(reference), lags)
    ref_blocks, out_blocks, ref_spectra, out_spectra, cross, circular = (
        _window32_scratch(size, batch)
    )
    cross[:] = 0.0
    squares_ref = squares_out = 0.0
    for first in range(0, nblocks, batch):
        count = min(batch, nblocks - first)
        ref_part, out_part = fill_correlation_blocks32(
            reference, output, first, count, block, lags, ref_blocks, out_blocks
        )
        squares_ref += ref_part
        squares_out += out_part
        if _r2c is None:  # pragma: no cover
            ref_spectra[:count] = scipy.fft.rfft(ref_blocks[:count], axis=1)
            out_spectra[:count] = scipy.fft.rfft(out_blocks[:count], axis=1)
        else:
            _r2c(ref_blocks[:count], (1,), True, 0, ref_spectra[:count], 1)
            _r2c(out_blocks[:count], (1,), True, 0, out_spectra[:count], 1)
        accumulate_cross_spectra32(ref_spectra, out_spectra, count, cross)
    if _c2r is None:  # pragma: no cover
        circular[:] = scipy.fft.irfft(cross, size)
    else:
        _c2r(cross, (0,), size, False, 2, circular, 1)
    return _lag_range(circular, lags), squares_ref, squares_out


def _direct_error(npts):
    """Bound on the error of `direct_correlation`'s values relative to
    ``sum |a[l] b[l-s]| <= |a| |b|``: gamma_m for m roundings per value."""
    roundings = DIRECT_BLOCK // 4 + -(-npts // DIRECT_BLOCK) + 24
    unit = np.finfo(np.float64).eps / 2
    return roundings * unit / (1 - roundings * unit)


def _float32_location(reference, output, lags):
    """The official window index from the float32 window (and dot products of
    the lags near its peak), or None when that cannot decide."""
    window, squares_ref, squares_out = _lag_window32(reference, output, lags)
    if squares_ref == 0.0 or squares_out == 0.0:
        return _zero_location(reference, output)
    norm_ref, norm_out = np.sqrt(squares_ref), np.sqrt(squares_out)
    low, high = FLOAT32_NORMS
    if not (low <= norm_ref <= high and low <= norm_out <= high):
        return None  # also NaN and infinities
    scale = norm_ref * norm_out
    # The official lag's float32 value is within 2 * (FLOAT32_ERROR + its own
    # rounding) of the float32 maximum; every other lag is below the official
    # value of the float32 maximum's lag.
    reach = (2 * FLOAT32_ERROR + TIE_TOLERANCE) * scale
    starts = np.empty(MAX_GROUPS, dtype=np.int64)
    best, candidates, groups = near_peak(window, reach, starts)
    if best < 0 or groups < 0:
        return None
    if candidates == 1:
        return best
    values = np.empty(8 * groups)
    direct_correlation(reference, output, starts[:groups] + 1 - lags, groups, values)
    indices = (starts[:groups, None] + np.arange(8)).ravel()
    values[indices >= len(window)] = -np.inf  # past the last lag
    location, top, second = top_two(values)
    tolerance = (TIE_TOLERANCE + 2 * _direct_error(len(reference))) * scale
    if top - second > tolerance:
        return int(indices[location])
    return _official_location(reference, output, len(reference), lags)


def _zero_location(reference, output):
    """0 if one signal is all zeros (then every official correlation value is
    exactly 0, and argmax picks the first lag), else None (squares underflowed)."""
    return 0 if not (reference.any() and output.any()) else None


def _float64_location(reference, output, lags):
    """The official window index from the float64 window, or by the official
    computation on a near-tie."""
    npts = len(reference)
    window, scale = _lag_window(reference, output, lags)
    if scale == 0.0:
        location = _zero_location(reference, output)
        if location is None:
            location = _official_location(reference, output, npts, lags)
        return location
    location, best, second = top_two(window)
    if not (best - second > TIE_TOLERANCE * scale):  # also catches NaN
        location = _official_location(reference, output, npts, lags)
    return location


def _contiguous64(x):
    return x.dtype == np.float64 and x.ndim == 1 and x.flags.c_contiguous


def envelope_delay(reference, output, freq_sample=24000, corr_range=100):
    """The delay ``eb.envelope_align`` would apply to ``output`` (samples)."""
    lags = round(0.001 * corr_range * freq_sample)
    reference, output = np.asarray(reference), np.asarray(output)
    npts = len(reference)
    lags = min(lags, npts)
    if (
        len(output) != npts  # not the case in HAAQI
        or lags < 1
        or reference.dtype != np.float64  # the official rounds in other types
        or output.dtype != np.float64
    ):
        return _official_delay(reference, output, npts, lags)
    location = None
    if _contiguous64(reference) and _contiguous64(output):
        location = _float32_location(reference, output, lags)
    if location is None:
        location = _float64_location(reference, output, lags)
    return lags - location - 1


def fft_convolve_full(in1, in2):
    """``scipy.signal.convolve(in1, in2)`` on its FFT path, with less memory.

    The same steps as scipy's ``fftconvolve`` (``rfftn`` of both at
    ``next_fast_len``, product ``sp1 * sp2``, ``irfftn``, cast to the inputs'
    result type), so the same values; the larger spectrum is made first, the
    product is written into one of the spectra, and inputs may be dropped by the
    caller as soon as this returns.
    """
    result_type = np.result_type(in1, in2)
    full = len(in1) + len(in2) - 1
    size = [scipy.fft.next_fast_len(full, True)]
    first_big = in2.dtype.itemsize > in1.dtype.itemsize
    if first_big:
        spectrum2 = scipy.fft.rfftn(in2, size, axes=[0])
        spectrum1 = scipy.fft.rfftn(in1, size, axes=[0])
    else:
        spectrum1 = scipy.fft.rfftn(in1, size, axes=[0])
        spectrum2 = scipy.fft.rfftn(in2, size, axes=[0])
    product_type = np.result_type(spectrum1, spectrum2)
    target = spectrum2 if spectrum2.dtype == product_type else spectrum1
    product = np.multiply(spectrum1, spectrum2, out=target)  # operand order kept
    del spectrum1, spectrum2, target
    out = scipy.fft.irfftn(product, size, axes=[0])
    del product
    return out[:full].astype(result_type, copy=False)


def _uses_fft(in1, in2):
    return choose_conv_method(in1, in2, mode="full") == "fft"


def _bulk_lag32(a, kernel):
    """``argmax |correlate(a, b, "full")|`` from float32 FFTs of the normalised
    signals, when no other lag can be the official one: the lead over the
    runner-up exceeds twice both computations' errors (this one's: ``2 *
    FLOAT32_ERROR``, for transforms of up to 2**25 points; the official one's: as
    much again where an input is not float64 and scipy transforms it in float32,
    else `TIE_TOLERANCE`). Otherwise None, and the official float64 computation
    decides. Half the time and memory of that on a song-long signal.
    """
    norm_a = float(np.linalg.norm(a))
    norm_b = float(np.linalg.norm(kernel))
    if not (np.isfinite(norm_a) and np.isfinite(norm_b) and norm_a > 0 and norm_b > 0):
        return None
    full = len(a) + len(kernel) - 1
    size = scipy.fft.next_fast_len(full, True)
    if size > 1 << 25:
        return None
    both_float64 = a.dtype == np.float64 and kernel.dtype == np.float64
    official_error = TIE_TOLERANCE if both_float64 else 2 * FLOAT32_ERROR
    scaled = np.empty(len(a), dtype=np.float32)
    np.multiply(a, 1.0 / norm_a, out=scaled, casting="unsafe")
    spectrum = scipy.fft.rfft(scaled, size)
    np.multiply(kernel, 1.0 / norm_b, out=scaled, casting="unsafe")
    spectrum *= scipy.fft.rfft(scaled, size)
    del scaled
    correlation = scipy.fft.irfft(spectrum, size)
    del spectrum
    index, best, second = top_two_abs(correlation[:full])
    if index < 0 or not best - second > 2 * (2 * FLOAT32_ERROR + official_error):
        return None
    return int(index)


def input_align(reference, processed):
    """Same result as ``eb.input_align`` (bulk delay, then trim leading/trailing
    near-silence of the reference)."""
    reference_n = len(reference)
    processed_n = len(processed)
    n = min(reference_n, processed_n)
    a = reference[:n] - np.mean(reference[:n])
    kernel = (processed[:n] - np.mean(processed[:n]))[::-1].conj()
    if not _uses_fft(a, kernel):
        return eb.input_align(reference, processed)
    index = _bulk_lag32(a, kernel)
    if index is None:
        correlation = fft_convolve_full(a, kernel)  # = correlate(a, b, "full")
        del a, kernel
        index = argmax_abs(correlation)
        del correlation
    delay = n - index - 1
    fsamp = 24000
    delay = round(delay - 2 * fsamp / 1000)  # back up 2 ms for dispersion
    if delay > 0:
        processed = np.concatenate((processed[delay:processed_n], np.zeros(delay)))
    else:
        processed = np.concatenate((np.zeros(-delay), processed[: processed_n + delay]))
    reference_abs = np.abs(reference)
    threshold = 0.001 * np.max(reference_abs)
    above = np.where(reference_abs > threshold)[0]
    del reference_abs
    first = above[0]
    last = min(above[-1], processed_n)
    return reference[first : last + 1], processed[first : last + 1]
