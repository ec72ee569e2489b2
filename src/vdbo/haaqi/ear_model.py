"""The HAAQI cochlear model (``eb.ear_model``), one auditory band at a time.

The official model fills (32 bands x N samples) arrays for envelopes and BM motion
of both signals, adds noise to whole arrays and shifts them for group delay before
the segment features are computed. Here each band goes all the way from gammatone
filter to its segment features (smoothed envelope, BM covariance) while it is in
memory, so only a handful of N-sample vectors live per band in flight.

Two things couple the bands and are computed first: the group-delay correction needs
every band's level-adjusted bandwidth (``control_pass``), and the threshold noise is
one long legacy-RNG stream (band k of the reference uses draws k*N.., band k of the
processed signal 32*N + k*N..), whose per-band start states are recorded by skipping
through it (`legacy_rng.skip_gauss`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from clarity.enhancer.nalr import NALR
from clarity.evaluator.haspi import eb
from scipy.signal import butter, choose_conv_method, convolve, group_delay

from vdbo import HAAQI_AUDIOGRAM_FREQUENCIES
from vdbo.haaqi import features, kernels
from vdbo.haaqi.align import envelope_delay, fft_convolve_full, input_align

EAR_Q = 9.26449
MIN_BANDWIDTH = 24.7
IHC_THRESHOLD_DB = -10  # additive noise level, dB re auditory threshold
NALR_TAPS = 140
# Relative margin for deciding, without log10, that a level is clipped anyway.
CLIP_MARGIN = 1e-9


@dataclass
class EarLoss:
    """Cochlear parameters of one ear (``eb.loss_parameters`` outputs)."""

    attn_ohc: np.ndarray
    bandwidth_min: np.ndarray
    low_knee: np.ndarray
    compression_ratio: np.ndarray
    attn_ihc: np.ndarray


@dataclass
class EarInput:
    """Everything the per-band model needs, computed once per call."""

    reference_mid: np.ndarray
    processed_mid: np.ndarray
    freq_sample: int
    level1: object  # kept as given: its numpy type decides scalar rounding
    center_freq: np.ndarray
    center_freq_control: np.ndarray
    bandwidth_control: np.ndarray
    reference_ear: EarLoss
    processed_ear: EarLoss

    @property
    def nsamp(self) -> int:
        return len(self.reference_mid)

    @property
    def nchan(self) -> int:
        return len(self.center_freq)


def front_end(
    reference, reference_freq, processed, processed_freq, hearing_loss, level1, nchan=32
) -> EarInput:
    """Resample, align, NAL-R (quality reference) and middle ear, as the official."""
    center_freq = eb.center_frequency(nchan)
    processed_ear = EarLoss(*eb.loss_parameters(hearing_loss, center_freq))
    # HAAQI (itype 1): the reference is modelled with the same impaired ear.
    reference_ear = EarLoss(*eb.loss_parameters(hearing_loss, center_freq))
    center_freq_control = eb.center_frequency(nchan, None)
    _, bandwidth_control, _, _, _ = eb.loss_parameters(
        [100, 100, 100, 100, 100, 100], center_freq_control
    )

    reference_24, _ = eb.resample_24khz(reference, reference_freq)
    processed_24, freq_sample = eb.resample_24khz(processed, processed_freq)
    length = min(len(reference_24), len(processed_24))
    reference_24, processed_24 = input_align(
        reference_24[:length], processed_24[:length]
    )
    nsamp = len(reference_24)

    nalr_fir, _ = NALR(NALR_TAPS, freq_sample).build(
        hearing_loss, HAAQI_AUDIOGRAM_FREQUENCIES
    )
    if choose_conv_method(reference_24, nalr_fir) == "fft":
        equalised = fft_convolve_full(reference_24, nalr_fir)
    else:
        equalised = convolve(reference_24, nalr_fir)
    del reference_24
    reference_24 = equalised[NALR_TAPS : NALR_TAPS + nsamp]

    return EarInput(
        reference_mid=np.ascontiguousarray(eb.middle_ear(reference_24, freq_sample)),
        processed_mid=np.ascontiguousarray(eb.middle_ear(processed_24, freq_sample)),
        freq_sample=freq_sample,
        level1=level1,
        center_freq=center_freq,
        center_freq_control=center_freq_control,
        bandwidth_control=bandwidth_control,
        reference_ear=reference_ear,
        processed_ear=processed_ear,
    )


def _gammatone_coefficients(bandwidth, center_freq, freq_sample):
    """(tpt, b, a, gain) of the 4th-order gammatone, as eb computes them."""
    erb = MIN_BANDWIDTH + (center_freq / EAR_Q)
    tpt = 2 * np.pi / freq_sample
    tpt_bw = bandwidth * tpt * erb * 1.019
    a = np.exp(-tpt_bw)
    a_1 = 4.0 * a
    a_2 = -6.0 * a * a
    a_3 = 4.0 * a * a * a
    a_4 = -a * a * a * a
    a_5 = 4.0 * a * a
    gain = 2.0 * (1 - a_1 - a_2 - a_3 - a_4) / (1 + a_1 + a_5)
    # lfilter pads b with zeros to the length of a and divides both by a[0] = 1.
    coef_b = np.array([1, a_1, a_5, 0, 0], dtype=np.float64)
    coef_a = np.array([1, -a_1, -a_2, -a_3, -a_4], dtype=np.float64)
    return tpt, coef_b, coef_a, float(gain)


def _bandwidth_for_level(control_ms, bandwidth_min, bandwidth_max, level1):
    """``eb.bandwidth_adjust`` given ``np.mean(control**2)``."""
    control_rms = np.sqrt(np.float64(control_ms))
    with np.errstate(divide="ignore"):
        control_db = 20 * np.log10(control_rms) + level1
    if control_db < 50:
        return bandwidth_min
    if control_db > 100:
        return bandwidth_max
    return bandwidth_min + ((control_db - 50) / 50) * (bandwidth_max - bandwidth_min)


@dataclass
class ControlResult:
    reference_bandwidth: float
    processed_bandwidth: float
    reference_control_average: float
    processed_control_average: float


def control_pass(ear: EarInput, bands: Sequence[int]) -> list[ControlResult]:
    """Control-filter levels of up to `kernels.CONTROL_GROUP` bands, in one kernel
    pass: level-adjusted bandwidths, RMS values (a short group is padded with its
    last band, whose repeat is dropped)."""
    group = list(bands)
    if not 0 < len(group) <= kernels.CONTROL_GROUP:
        raise ValueError(f"1 to {kernels.CONTROL_GROUP} bands per pass, not {group}")
    padded = group + [group[-1]] * (kernels.CONTROL_GROUP - len(group))
    coefficients = [
        _gammatone_coefficients(
            ear.bandwidth_control[band], ear.center_freq_control[band], ear.freq_sample
        )
        for band in padded
    ]
    mean_squares = np.empty((kernels.CONTROL_GROUP, 2))
    kernels.control_mean_squares(
        ear.reference_mid,
        ear.processed_mid,
        coefficients[0][0],
        np.array([ear.center_freq_control[band] for band in padded]),
        np.array([c[1] for c in coefficients]),
        np.array([c[2] for c in coefficients]),
        np.array([c[3] for c in coefficients]),
        mean_squares,
    )
    results = []
    for band, (ms_ref, ms_proc) in zip(group, mean_squares, strict=False):
        bandwidth_max = ear.bandwidth_control[band]
        results.append(
            ControlResult(
                _bandwidth_for_level(
                    ms_ref, ear.reference_ear.bandwidth_min[band], bandwidth_max,
                    ear.level1,
                ),
                _bandwidth_for_level(
                    ms_proc, ear.processed_ear.bandwidth_min[band], bandwidth_max,
                    ear.level1,
                ),
                np.sqrt(np.float64(ms_ref)),
                np.sqrt(np.float64(ms_proc)),
            )
        )  # fmt: skip
    return results


def group_delay_correction(bandwidths, center_freq, freq_sample) -> np.ndarray:
    """Per-band delay in samples added by ``eb.group_delay_compensate``."""
    erb = MIN_BANDWIDTH + (center_freq / EAR_Q)
    tpt = 2 * np.pi / freq_sample
    tpt_bandwidth = tpt * 1.019 * bandwidths * erb
    a = np.exp(-tpt_bandwidth)
    a_1 = 4.0 * a
    a_2 = -6.0 * a * a
    a_3 = 4.0 * a * a * a
    a_4 = -a * a * a * a
    a_5 = 4.0 * a * a
    delays = np.zeros(len(bandwidths))
    for n in range(len(bandwidths)):
        _, delay = group_delay(
            ([1, a_1[n], a_5[n]], [1, -a_1[n], -a_2[n], -a_3[n], -a_4[n]]), 1
        )
        delays[n] = delay[0]
    delays = np.round(delays).astype("int")
    delays = delays - np.min(delays)
    return np.max(delays) - delays


def _compression_params(ear: EarLoss, band, level1) -> np.ndarray:
    """Scalars of ``eb.env_compress_basilar_membrane`` for `kernels`."""
    knee = float(ear.low_knee[band])
    lvl = float(level1)
    params = np.empty(kernels.COMPRESS_PARAMS)
    params[0] = lvl
    params[1] = knee
    params[2] = float(-ear.attn_ohc[band])
    params[3] = float(1 - (1 / ear.compression_ratio[band]))
    # Controls surely below the lower knee / above 100 dB SPL (see compress_gain_fused).
    params[4] = 10 ** ((knee - lvl) / 20) * (1 - CLIP_MARGIN)
    params[5] = 10 ** ((100 - lvl) / 20) * (1 + CLIP_MARGIN)
    params[6], params[7] = kernels.knee_gains(params, 10.0)
    return params


def _gain_lowpass(freq_sample):
    b, a = butter(1, 800 / (0.5 * freq_sample))
    return b[0] / a[0], b[1] / a[0], a[1] / a[0]


_band_scratch = threading.local()


def band_arrays(npts: int) -> tuple[np.ndarray, ...]:
    """This thread's four band-long arrays (envelope and BM motion of both signals),
    reused band after band: fresh ones (46 MB each at 240 s) cost page faults and
    zeroing, about 1 s of a 240 s call. `release_band_arrays` drops them."""
    arrays = getattr(_band_scratch, "arrays", None)
    if arrays is None or len(arrays[0]) != npts:
        arrays = _band_scratch.arrays = tuple(np.empty(npts) for _ in range(4))
    return arrays


def release_band_arrays() -> None:
    """Drop this thread's `band_arrays` (a pool's threads drop theirs on exit)."""
    vars(_band_scratch).clear()


def front_band(x, y, band_filters, params_x, params_y, freq_sample, route, out=None):
    """Gammatone filtering and OHC compression of both signals of one band
    (`kernels.front_band` on ``route``).

    Returns compressed (env_x, bm_x, env_y, bm_y), written into ``out`` if given
    (four arrays as long as ``x``), and the uncompressed envelope mean squares.
    """
    out = out or tuple(np.empty(len(x)) for _ in range(4))
    compression = (params_x, params_y, _gain_lowpass(freq_sample), 10.0)
    ms_x, ms_y = kernels.front_band((x, y), band_filters, compression, out, route)
    return (*out, ms_x, ms_y)


def back_band(
    bands, level_x, level_y, freq_sample, noise_x, noise_y, noise_gain, route
):  # fmt: skip
    """dB SL, IHC adaptation and threshold noise of both signals' ``bands`` (env_x,
    bm_x, env_y, bm_y), in place (`kernels.back_band` on ``route``).

    ``level_*`` = level1 - IHC attenuation; ``noise_*`` = (key, meta) generator
    states at the start of this band's noise block.
    """
    # Below these envelope values the dB SL is surely < 0 (clipped to 0).
    floor_x = 10 ** (-level_x / 20) * (1 - CLIP_MARGIN)
    floor_y = 10 ** (-level_y / 20) * (1 - CLIP_MARGIN)
    levels = (level_x, level_y, floor_x, floor_y)
    kernels.back_band(
        tuple(bands), levels, freq_sample, noise_gain, (noise_x, noise_y), route
    )


@dataclass
class BandSetup:
    """Per-call constants for the second (feature) pass."""

    reference_bandwidth: np.ndarray
    processed_bandwidth: np.ndarray
    delay_correction: np.ndarray
    noise_gain: float
    smooth: features.SmoothSetup
    covary: features.CovarySetup
    route: int  # `kernels.FUSED` or `kernels.BLOCK_NUMPY` (see `kernels.bands`)


@dataclass
class BandResult:
    reference_average: float
    processed_average: float
    reference_smooth: np.ndarray
    processed_smooth: np.ndarray
    covariance: np.ndarray
    reference_mean_square: np.ndarray


def _band_filters(ear: EarInput, band: int, reference_bandwidth, processed_bandwidth):
    fs = ear.freq_sample
    tpt, ctrl_b, ctrl_a, ctrl_gain = _gammatone_coefficients(
        ear.bandwidth_control[band], ear.center_freq_control[band], fs
    )
    _, x_b, x_a, x_gain = _gammatone_coefficients(
        reference_bandwidth, ear.center_freq[band], fs
    )
    _, y_b, y_a, y_gain = _gammatone_coefficients(
        processed_bandwidth, ear.center_freq[band], fs
    )
    return (
        tpt,
        float(ear.center_freq[band]),
        (ctrl_b, ctrl_a, ctrl_gain),
        (x_b, x_a, x_gain),
        (y_b, y_a, y_gain),
    )


def feature_pass(
    ear: EarInput, band: int, setup: BandSetup, reference_noise, processed_noise
) -> BandResult:
    """One band from gammatone filter to segment features (same math as eb)."""
    fs = ear.freq_sample
    env_x, bm_x, env_y, bm_y, ms_x, ms_y = front_band(
        ear.reference_mid,
        ear.processed_mid,
        _band_filters(
            ear, band, setup.reference_bandwidth[band], setup.processed_bandwidth[band]
        ),
        _compression_params(ear.reference_ear, band, ear.level1),
        _compression_params(ear.processed_ear, band, ear.level1),
        fs,
        setup.route,
        out=band_arrays(ear.nsamp),
    )
    kernels.shift_inplace(env_y, envelope_delay(env_x, env_y))
    kernels.shift_inplace(bm_y, envelope_delay(bm_x, bm_y))
    back_band(
        (env_x, bm_x, env_y, bm_y),
        float(ear.level1 - ear.reference_ear.attn_ihc[band]),
        float(ear.level1 - ear.processed_ear.attn_ihc[band]),
        fs,
        reference_noise,
        processed_noise,
        setup.noise_gain,
        setup.route,
    )
    delay = int(setup.delay_correction[band])
    ref_smooth = features.smooth_band(env_x, delay, setup.smooth)
    proc_smooth = features.smooth_band(env_y, delay, setup.smooth)
    del env_x, env_y
    covariance, ref_ms = features.covary_band(bm_x, bm_y, delay, setup.covary)
    return BandResult(
        np.sqrt(np.float64(ms_x)),
        np.sqrt(np.float64(ms_y)),
        ref_smooth,
        proc_smooth,
        covariance,
        ref_ms,
    )


def self_check(x, y, level1, block_route=kernels.BLOCK_NUMPY) -> bool:
    """The fused path and the block path ``block_route`` agree bit for bit on x, y.

    Against `kernels.BLOCK_NUMPY` (default) this decides whether the fused path may
    run on this host; against `kernels.BLOCK_LIBM` it checks the fused kernels
    themselves (clipping shortcuts, fusion) on any host.
    """
    from vdbo.haaqi.legacy_rng import state_from_numpy

    fs = 24000
    center_freq = eb.center_frequency(32)
    ear = EarLoss(*eb.loss_parameters([30, 40, 50, 60, 70, 80], center_freq))
    outputs = []
    for route in (kernels.FUSED, block_route):
        band_outputs = []
        for band in (0, 17, 31):
            tpt, coef_b, coef_a, gain = _gammatone_coefficients(
                1.2, center_freq[band], fs
            )
            filters = (
                tpt,
                float(center_freq[band]),
                (coef_b, coef_a, gain),
                (coef_b, coef_a, gain),
                (coef_b, coef_a, gain),
            )
            params = _compression_params(ear, band, level1)
            result = front_band(x, y, filters, params, params, fs, route)
            noise = state_from_numpy(np.random.RandomState(band))
            level = float(level1 - ear.attn_ihc[band])
            back_band(result[:4], level, level, fs, noise, noise, 1e-4, route)
            band_outputs.append(result)
        outputs.append(band_outputs)
    for fused, block in zip(outputs[0], outputs[1], strict=True):
        for a, b in zip(fused, block, strict=True):
            if not np.array_equal(a, b, equal_nan=True):
                return False
    return True
