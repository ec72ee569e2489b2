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

from vdbo.haaqi import features, kernels
from vdbo.haaqi.align import envelope_delay, fft_convolve_full, input_align
from vdbo.haaqi.legacy_rng import fill_gauss

EAR_Q = 9.26449
MIN_BANDWIDTH = 24.7
IHC_THRESHOLD_DB = -10  # additive noise level, dB re auditory threshold
NALR_TAPS = 140
# HAAQI's audiogram frequencies (Hz): the NAL-R design's, and those `compute_haaqi`
# keeps of a listener's audiogram.
AUDIOMETRIC_FREQS = [250, 500, 1000, 2000, 4000, 6000]
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

    nalr_fir, _ = NALR(NALR_TAPS, freq_sample).build(hearing_loss, AUDIOMETRIC_FREQS)
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


def _numpy_log10(block):
    np.log10(block, out=block)


# The official ``10 ** gain`` hands numpy's float64 power loop the pairs (10.0, g);
# a ready block of 10.0 hands it the same pairs without broadcasting the scalar
# (half the time on an AVX-512 host; tested equal to ``10 ** g``).
_TENS = np.full(kernels.BLOCK, 10.0)


def _numpy_pow10(block):
    np.power(_TENS[: block.shape[0]], block, out=block)


NUMPY_TRANSCENDENTALS = (_numpy_log10, _numpy_pow10)
"""What the official code evaluates: numpy's log10 and power, in place on a block."""
LIBM_TRANSCENDENTALS = (
    kernels.libm_log10_inplace,
    lambda block: kernels.libm_pow10_inplace(block, 10.0),
)
"""The C library's, as the fused kernels call them (for checking those anywhere)."""


def _clipped_gains(params, pow10) -> np.ndarray:
    """The block path's gains of a clipped level, lower and upper, via ``pow10``:
    a level clipped to a knee gives the same dB gain whatever its log10 was."""
    gains = np.array([-np.inf, np.inf])  # log10 of controls beyond either knee
    kernels.compress_gain_db(gains, 2, params)
    pow10(gains)
    return gains


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


def front_band(
    x, y, band_filters, params_x, params_y, freq_sample, fused,
    transcendentals=NUMPY_TRANSCENDENTALS, out=None,
):  # fmt: skip
    """Gammatone filtering and OHC compression of both signals of one band.

    Returns compressed (env_x, bm_x, env_y, bm_y), written into ``out`` if given
    (four arrays as long as ``x``), and the uncompressed envelope mean squares. The
    block path (``fused`` false) takes log10 and 10**v from ``transcendentals``.
    """
    tpt, center_freq, ctrl, main_x, main_y = band_filters
    npts = len(x)
    env_x, bm_x, env_y, bm_y = out or (np.empty(npts) for _ in range(4))
    lp_b0, lp_b1, lp_a1 = _gain_lowpass(freq_sample)
    if fused:
        ms_x, ms_y = kernels.front_band_fused(
            x, y, tpt, center_freq, *ctrl, *main_x, *main_y, params_x, params_y,
            lp_b0, lp_b1, lp_a1, 10.0, env_x, bm_x, env_y, bm_y,
        )  # fmt: skip
        return env_x, bm_x, env_y, bm_y, ms_x, ms_y
    log10, pow10 = transcendentals
    state = kernels.new_state()
    ctrl_x = np.empty(kernels.BLOCK)
    ctrl_y = np.empty(kernels.BLOCK)
    dense = np.empty(kernels.BLOCK)
    index = np.empty(kernels.BLOCK, dtype=np.int64)
    clipped_x = _clipped_gains(params_x, pow10)
    clipped_y = _clipped_gains(params_y, pow10)
    sum_x = sum_y = 0.0
    for lo in range(0, npts, kernels.BLOCK):
        hi = min(lo + kernels.BLOCK, npts)
        n = hi - lo
        block_x, block_y = kernels.front_block(
            x, y, lo, hi, state, tpt, center_freq, *ctrl, *main_x, *main_y,
            env_x, bm_x, env_y, bm_y, ctrl_x, ctrl_y,
        )  # fmt: skip
        sum_x += block_x
        sum_y += block_y
        for ctrl_buf, params, clipped in (
            (ctrl_x, params_x, clipped_x),
            (ctrl_y, params_y, clipped_y),
        ):
            m = kernels.gather_compressive(ctrl_buf, n, params, clipped, dense, index)
            log10(dense[:m])
            kernels.compress_gain_db(dense, m, params)
            pow10(dense[:m])
            kernels.scatter(dense, index, m, ctrl_buf)
        kernels.gain_filter_apply(
            ctrl_x, ctrl_y, n, lo, state, lp_b0, lp_b1, lp_a1, env_x, bm_x, env_y, bm_y
        )
    return env_x, bm_x, env_y, bm_y, sum_x / npts, sum_y / npts


def back_band(
    env_x, bm_x, env_y, bm_y, level_x, level_y, freq_sample, noise_x, noise_y,
    noise_gain, fused, transcendentals=NUMPY_TRANSCENDENTALS,
):  # fmt: skip
    """dB SL, IHC adaptation and threshold noise of both signals, in place.

    ``level_*`` = level1 - IHC attenuation; ``noise_*`` = (key, meta) generator
    states at the start of this band's noise block; the block path takes log10
    from ``transcendentals``.
    """
    npts = len(env_x)
    # Below these envelope values the dB SL is surely < 0 (clipped to 0).
    floor_x = 10 ** (-level_x / 20) * (1 - CLIP_MARGIN)
    floor_y = 10 ** (-level_y / 20) * (1 - CLIP_MARGIN)
    if fused:
        kernels.back_band_fused(
            env_x, bm_x, env_y, bm_y, level_x, level_y, floor_x, floor_y,
            freq_sample, *noise_x, *noise_y, noise_gain,
        )  # fmt: skip
        return
    log10 = transcendentals[0]
    state = kernels.new_state()
    log_x, log_y, gauss_x, gauss_y, dense = (np.empty(kernels.BLOCK) for _ in range(5))
    index = np.empty(kernels.BLOCK, dtype=np.int64)
    for lo in range(0, npts, kernels.BLOCK):
        n = min(kernels.BLOCK, npts - lo)
        for env, log, floor in ((env_x, log_x, floor_x), (env_y, log_y, floor_y)):
            m = kernels.gather_audible(env, lo, n, floor, log, dense, index)
            log10(dense[:m])
            kernels.scatter(dense, index, m, log)
        fill_gauss(*noise_x, gauss_x[:n])
        fill_gauss(*noise_y, gauss_y[:n])
        kernels.back_block(
            env_x, bm_x, env_y, bm_y, lo, n, log_x, log_y, level_x, level_y,
            state, freq_sample, gauss_x, gauss_y, noise_gain,
        )  # fmt: skip


@dataclass
class BandSetup:
    """Per-call constants for the second (feature) pass."""

    reference_bandwidth: np.ndarray
    processed_bandwidth: np.ndarray
    delay_correction: np.ndarray
    noise_gain: float
    smooth: features.SmoothSetup
    covary: features.CovarySetup
    fused: bool


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
        setup.fused,
        out=band_arrays(ear.nsamp),
    )
    kernels.shift_inplace(env_y, envelope_delay(env_x, env_y))
    kernels.shift_inplace(bm_y, envelope_delay(bm_x, bm_y))
    back_band(
        env_x,
        bm_x,
        env_y,
        bm_y,
        float(ear.level1 - ear.reference_ear.attn_ihc[band]),
        float(ear.level1 - ear.processed_ear.attn_ihc[band]),
        fs,
        reference_noise,
        processed_noise,
        setup.noise_gain,
        setup.fused,
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


def self_check(x, y, level1, transcendentals=NUMPY_TRANSCENDENTALS) -> bool:
    """The fused and block band paths agree bit for bit on x, y.

    With numpy's transcendentals (default) this decides whether the fused kernels
    may run on this host; with `LIBM_TRANSCENDENTALS` it checks the fused kernels
    themselves (clipping shortcuts, fusion) on any host.
    """
    from vdbo.haaqi.legacy_rng import state_from_numpy

    fs = 24000
    center_freq = eb.center_frequency(32)
    ear = EarLoss(*eb.loss_parameters([30, 40, 50, 60, 70, 80], center_freq))
    outputs = []
    for fused in (True, False):
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
            result = front_band(
                x, y, filters, params, params, fs, fused, transcendentals
            )
            noise = state_from_numpy(np.random.RandomState(band))
            level = float(level1 - ear.attn_ihc[band])
            back_band(
                *result[:4], level, level, fs, noise, noise, 1e-4, fused,
                transcendentals,
            )  # fmt: skip
            band_outputs.append(result)
        outputs.append(band_outputs)
    for fast, compat in zip(outputs[0], outputs[1], strict=True):
        for a, b in zip(fast, compat, strict=True):
            if not np.array_equal(a, b, equal_nan=True):
                return False
    return True
