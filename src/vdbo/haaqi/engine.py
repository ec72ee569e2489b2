"""Fast exact HAAQI: the official score, band-parallel and with little memory.

`compute_haaqi` is a drop-in for ``clarity.evaluator.haaqi.compute_haaqi``
(pyclarity 0.3.4): same arguments, same result bit for bit, and the same draws from
the global legacy ``np.random`` state (so a seeded sequence of calls, as in the
official CAD1 evaluation, continues identically).

Flow: `ear_model.front_end` (official resampling, NAL-R design and middle ear; lean
replicas of alignment and the NAL-R convolution), `ear_model.control_pass` per group
of bands (level-adjusted bandwidths), the noise-stream snapshots (`legacy_rng`),
then `ear_model.feature_pass` per band (the whole cochlear model and segment
features of one band), then the official cheap summaries (dB SL, spectrum
difference, covariance averaging) and `modulation.mel_cepstral_high`. Bands run on a
thread pool of ``threads`` (argument, else ``$VDBO_HAAQI_THREADS``, else
``numba.get_num_threads()``); the result does not depend on the thread count.
Inputs the fast path does not cover (equalisation 2, under 0.2 s of aligned signal,
2-D or complex signals) go to the official code: to pyclarity's ``haaqi_v1`` as it
was when this module was imported, so that patching vdbo's engine into every
pyclarity namespace (the usual way to drop it in) does not make it call itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from clarity.evaluator.haaqi import haaqi as official
from clarity.evaluator.haspi import eb

from vdbo import HAAQI_AUDIOGRAM_FREQUENCIES
from vdbo.haaqi import features, modulation
from vdbo.haaqi.align import release_fft_plans
from vdbo.haaqi.ear_model import (
    IHC_THRESHOLD_DB,
    BandSetup,
    control_pass,
    feature_pass,
    front_end,
    group_delay_correction,
    release_band_arrays,
)
from vdbo.haaqi.host import find_ddot, libm_matches_numpy
from vdbo.haaqi.kernels import CONTROL_GROUP
from vdbo.haaqi.legacy_rng import (
    copy_state,
    skip_gauss,
    state_from_numpy,
    state_to_numpy,
)

# Below this many aligned samples the official code runs (edge cases of its
# segmenting and group-delay shifting are then reproduced as they are).
MIN_FAST_SAMPLES = 4800
THREADS_ENV = "VDBO_HAAQI_THREADS"
# Bound at import: a later patch of official.haaqi_v1 with ours must not be followed.
_OFFICIAL_HAAQI_V1 = official.haaqi_v1


def resolve_threads(threads: int | None = None) -> int:
    """Thread count: argument, else $VDBO_HAAQI_THREADS, else numba's."""
    if threads is None:
        env = os.environ.get(THREADS_ENV, "").strip()
        threads = int(env) if env else numba.get_num_threads()
    return max(1, int(threads))


def _map(pool: ThreadPoolExecutor | None, fn: Callable, items: Iterable) -> list:
    if pool is None:
        return [fn(item) for item in items]
    return list(pool.map(fn, items))


def _noise_states(nchan: int, nsamp: int):
    """Start state of every band's noise block; leaves the global state past them.

    Official order: reference noise (nchan x nsamp), then processed noise.
    """
    key, meta = state_from_numpy()
    states = []
    for _ in range(2 * nchan):
        states.append(copy_state(key, meta))
        skip_gauss(key, meta, nsamp)
    state_to_numpy(key, meta)
    return states[:nchan], states[nchan:]


def _noise_streams(nchan: int, nsamp: int):
    """One state per signal, shared by all its bands (bands drawn in order).

    On one thread band k draws right after band k-1, so each signal's stream just
    continues: only the reference block is skipped (to where the processed noise
    starts), half the skipping of `_noise_states`. The caller writes the processed
    state back to numpy after the last band.
    """
    key, meta = state_from_numpy()
    reference = copy_state(key, meta)
    skip_gauss(key, meta, nchan * nsamp)
    return [reference] * nchan, [(key, meta)] * nchan


def _one_real_channel(signal) -> bool:
    signal = np.asarray(signal)
    return signal.ndim == 1 and not np.iscomplexobj(signal)


def haaqi_v1(
    reference,
    reference_freq,
    processed,
    processed_freq,
    hearing_loss,
    equalisation,
    level1=65,
    silence_threshold=2.5,
    add_noise=0.0,
    segment_covariance=16,
    threads: int | None = None,
):
    """Same arguments and results as ``clarity.evaluator.haaqi.haaqi.haaqi_v1``."""

    def official_haaqi():
        return _OFFICIAL_HAAQI_V1(
            reference,
            reference_freq,
            processed,
            processed_freq,
            hearing_loss,
            equalisation,
            level1,
            silence_threshold,
            add_noise,
            segment_covariance,
        )

    if not (_one_real_channel(reference) and _one_real_channel(processed)):
        # A stereo, channels-first, scalar or complex signal: the official code
        # raises its own error (or, for complex, returns its own score).
        return official_haaqi()
    ear = front_end(
        reference, reference_freq, processed, processed_freq, hearing_loss, level1
    )
    if (
        equalisation != 1
        or ear.nsamp < MIN_FAST_SAMPLES
        or not np.array_equal(ear.center_freq, ear.center_freq_control)
    ):
        return official_haaqi()
    release_fft_plans()  # of the front end's long one-off FFTs
    nchan, nsamp, fs = ear.nchan, ear.nsamp, ear.freq_sample
    segment_size = 8  # envelope smoothing segment, ms
    n_threads = min(resolve_threads(threads), nchan)
    pool = ThreadPoolExecutor(n_threads) if n_threads > 1 else None
    try:
        noise_future = pool.submit(_noise_states, nchan, nsamp) if pool else None
        groups = [
            range(first, min(first + CONTROL_GROUP, nchan))
            for first in range(0, nchan, CONTROL_GROUP)
        ]
        controls = [
            c
            for group in _map(pool, lambda g: control_pass(ear, g), groups)
            for c in group
        ]
        reference_noise, processed_noise = (
            noise_future.result() if pool else _noise_streams(nchan, nsamp)
        )
        reference_bandwidth = np.array([c.reference_bandwidth for c in controls])
        processed_bandwidth = np.array([c.processed_bandwidth for c in controls])
        setup = BandSetup(
            reference_bandwidth=reference_bandwidth,
            processed_bandwidth=processed_bandwidth,
            delay_correction=group_delay_correction(
                reference_bandwidth, ear.center_freq, fs
            ),
            noise_gain=float(10 ** ((IHC_THRESHOLD_DB - level1) / 20)),
            smooth=features.smooth_setup(nsamp, segment_size, fs),
            covary=features.covary_setup(nsamp, segment_covariance, fs, find_ddot()),
            use_libm=libm_matches_numpy(),
        )
        bands = _map(
            pool,
            lambda band: feature_pass(
                ear, band, setup, reference_noise[band], processed_noise[band]
            ),
            range(nchan),
        )
        if pool is None:  # the processed stream now ends where numpy's would
            state_to_numpy(*processed_noise[-1])
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        release_fft_plans()
        release_band_arrays()

    reference_smooth = np.array([b.reference_smooth for b in bands])
    processed_smooth = np.array([b.processed_smooth for b in bands])
    reference_sl = eb.convert_rms_to_sl(
        np.array([b.reference_average for b in bands]),
        np.array([c.reference_control_average for c in controls]),
        ear.reference_ear.attn_ohc,
        ear.reference_ear.low_knee,
        ear.reference_ear.compression_ratio,
        ear.reference_ear.attn_ihc,
        level1,
    )
    processed_sl = eb.convert_rms_to_sl(
        np.array([b.processed_average for b in bands]),
        np.array([c.processed_control_average for c in controls]),
        ear.processed_ear.attn_ohc,
        ear.processed_ear.low_knee,
        ear.processed_ear.compression_ratio,
        ear.processed_ear.attn_ihc,
        level1,
    )
    mel_cepstral_high = modulation.mel_cepstral_high(
        reference_smooth, processed_smooth, silence_threshold, add_noise, segment_size
    )
    dloud_vector, dnorm_vector, _ = eb.spectrum_diff(reference_sl, processed_sl)
    _, ihc_sync_covariance = eb.ave_covary2(
        np.array([b.covariance for b in bands]),
        np.array([b.reference_mean_square for b in bands]),
        silence_threshold,
    )
    return _combine(
        mel_cepstral_high, ihc_sync_covariance[4], dloud_vector, dnorm_vector
    )


def _combine(mel_cepstral_high, bm_sync5, dloud_vector, dnorm_vector):
    """HAAQI's polynomial of the four features (same expression order)."""
    d_loud = dloud_vector[1] / 2.5
    d_loud = 1.0 - d_loud
    d_loud = min(d_loud, 1)
    d_loud = max(d_loud, 0)
    d_norm = dnorm_vector[1] / 25
    d_norm = 1.0 - d_norm
    d_norm = min(d_norm, 1)
    d_norm = max(d_norm, 0)
    nonlinear = 0.754 * (mel_cepstral_high**3) + 0.246 * bm_sync5
    linear = 0.329 * d_loud + 0.671 * d_norm
    combined = (
        0.336 * nonlinear
        + 0.001 * linear
        + 0.501 * (nonlinear**2)
        + 0.161 * (linear**2)
    )
    return combined, nonlinear, linear, [mel_cepstral_high, bm_sync5, d_loud, d_norm]


def compute_haaqi(
    processed_signal: np.ndarray,
    reference_signal: np.ndarray,
    sample_rate_processed: int,
    sample_rate_reference: int,
    audiogram: np.ndarray,
    audiogram_frequencies: np.ndarray,
    level1: int = 65,
    threads: int | None = None,
) -> float:
    """Drop-in for ``clarity.evaluator.haaqi.compute_haaqi`` (pyclarity 0.3.4)."""
    audiogram_adjusted = np.array(
        [
            audiogram[i]
            for i in range(len(audiogram_frequencies))
            if audiogram_frequencies[i] in HAAQI_AUDIOGRAM_FREQUENCIES
        ]
    )
    score, _, _, _ = haaqi_v1(
        reference=reference_signal,
        reference_freq=sample_rate_reference,
        processed=processed_signal,
        processed_freq=sample_rate_processed,
        hearing_loss=audiogram_adjusted,
        equalisation=1,
        level1=level1,
        threads=threads,
    )
    return score
