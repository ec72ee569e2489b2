"""Signal and envelope alignment (``eb.input_align``, ``eb.envelope_align``), leaner.

`input_align` is the official broadband alignment with the same FFT calls scipy's
``correlate`` makes (so the same correlation values), but freeing each spectrum as
soon as it is used and taking the argmax without temporaries: about half the peak
memory on long signals.


`envelope_delay`: the official code correlates two full-length signals over all
2N-1 lags (FFT of about 2N points) to pick the best lag within +-100 ms. Only those
2*lags lags matter; they are computed by overlap-save with small FFTs. The rounding
differs from scipy's in the last bits, which can only change the chosen lag when the
two largest correlation values are (nearly) tied; then the official full
correlation is computed instead, so the chosen lag is always the official one.
"""

from __future__ import annotations

import numpy as np
import scipy.fft
from clarity.evaluator.haspi import eb
from scipy.signal import choose_conv_method, correlate

from vdbo.haaqi.kernels import (
    accumulate_cross_spectra,
    argmax_abs,
    fill_correlation_blocks,
    top_two,
)

# Relative gap (to |a|*|b|, the bound on any correlation value) under which the two
# best lags are treated as tied. FFT rounding error is ~1e-15 of that bound.
TIE_TOLERANCE = 1e-11
ALIGN_FFT_SIZE = 1 << 15  # overlap-save block FFT length (cache resident)
ALIGN_BATCH = 4  # blocks transformed per FFT call (more spill out of cache)


def release_fft_plans():
    """Drop scipy.fft's cached plans of long transforms.

    pocketfft keeps the 16 most recent plans per type; one for a 240 s signal holds
    ~50-100 MB of twiddle factors for the life of the process. Planning 16+ tiny
    transforms evicts them.
    """
    for n in range(2, 20):
        scipy.fft.rfft(np.zeros(n))
        scipy.fft.rfft(np.zeros(n, dtype=np.float32))


def _official_location(reference, output, npts, lags):
    full = correlate(reference, output, "full")
    return int(np.argmax(full[npts - lags : npts + lags]))


def _lag_window(reference, output, lags):
    """Correlation sum_l reference[l] * output[l - s] for s = 1-lags .. lags, and
    ``|reference| * |output|`` (a bound on its values; both of equal length).

    Overlap-save in blocks: each block of ``reference`` against the stretch of
    ``output`` it can reach within the lag range, in cache-sized FFTs batched
    over blocks, the cross-spectra summed, one inverse FFT. Far faster than one
    signal-long FFT on long signals, and the scratch is a few MB.
    """
    size = min(ALIGN_FFT_SIZE, 1 << int(np.ceil(np.log2(len(reference) + 2 * lags))))
    block = size - 2 * lags
    nblocks = -(-len(reference) // block)
    cross = np.zeros(size // 2 + 1, dtype=complex)
    squares_ref = squares_out = 0.0
    batch = min(ALIGN_BATCH, nblocks)
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
    circular = scipy.fft.irfft(cross, size)
    # Block-relative index t = s - lags, i.e. 1-2*lags .. 0 (mod size).
    window = np.concatenate((circular[size + 1 - 2 * lags :], circular[:1]))
    return window, np.sqrt(squares_ref) * np.sqrt(squares_out)


def _official_delay(reference, output, npts, lags):
    """The official lag choice, computed as the official code does."""
    return lags - _official_location(reference, output, npts, lags) - 1


def envelope_delay(reference, output, freq_sample=24000, corr_range=100):
    """The delay ``eb.envelope_align`` would apply to ``output`` (samples)."""
    lags = round(0.001 * corr_range * freq_sample)
    npts = len(reference)
    lags = min(lags, npts)
    if len(output) != npts:  # not the case in HAAQI
        return _official_delay(reference, output, npts, lags)
    window, scale = _lag_window(reference, output, lags)
    if scale == 0.0:
        # One signal is all zeros: every correlation value is exactly 0 in the
        # official computation too, and argmax picks the first lag.
        location = 0
    else:
        location, best, second = top_two(window)
        if not (best - second > TIE_TOLERANCE * scale):  # also catches NaN
            location = _official_location(reference, output, npts, lags)
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
