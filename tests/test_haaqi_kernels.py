"""Each fast-HAAQI building block equals the pyclarity 0.3.4 code it replaces.

Compared bit for bit on short random inputs: numpy's summation order, the legacy
normal generator (values and end state), BLAS lag dots, the alignments, one band
of the ear model (gammatone, compression, dB SL, IHC adaptation, noise), the segment
features and the mel-cepstrum correlation.
"""

from __future__ import annotations

import numpy as np
import pytest

eb = pytest.importorskip("clarity.evaluator.haspi.eb")

from vdbo.haaqi import align, ear_model, features, kernels, modulation  # noqa: E402
from vdbo.haaqi.host import find_ddot, libm_matches_numpy, synthetic_pairs  # noqa: E402
from vdbo.haaqi.legacy_rng import (  # noqa: E402
    copy_state,
    fill_gauss,
    skip_gauss,
    state_from_numpy,
)

FS = 24000


def _signal(n, seed, level=0.1):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FS
    x = np.sin(2 * np.pi * 440 * t) * (1 + np.sin(2 * np.pi * 2 * t))
    return level * (x + 0.3 * rng.standard_normal(n))


@pytest.mark.parametrize("n", [1, 7, 8, 9, 100, 128, 129, 384, 8191, 8192, 8193, 70001])
def test_numpy_sum_order(n):
    a = np.random.default_rng(n).standard_normal(n) * 1e3 + 3.0
    assert kernels.numpy_sum(a, 0, n, False) == np.sum(a)
    assert kernels.numpy_sum(a, 0, n, True) == np.sum(a * a)


@pytest.mark.parametrize("pre_draws", [0, 1, 3])
def test_legacy_gauss_matches_numpy(pre_draws):
    np.random.seed(99)
    np.random.standard_normal(pre_draws)
    np.random.randint(0, 5, size=pre_draws)  # odd word positions
    key, meta = state_from_numpy()
    skip_key, skip_meta = copy_state(key, meta)
    expected = np.random.standard_normal(10001)
    ours = np.empty(10001)
    for part in np.split(ours, [1, 2, 500, 4321]):
        fill_gauss(key, meta, part)
    skip_gauss(skip_key, skip_meta, 10001)
    _, np_key, pos, has_gauss, cached = np.random.get_state()
    assert np.array_equal(ours, expected)
    for k, m in ((key, meta), (skip_key, skip_meta)):
        assert np.array_equal(k, np_key)
        assert (m[0], m[1], m[2]) == (pos, has_gauss, cached)


def test_legacy_gauss_random_run_lengths():
    """Runs of any length (block edges, a cached value, pairs across MT blocks)."""
    rng = np.random.default_rng(5)
    for trial in range(40):
        numpy_rs = np.random.RandomState(trial)
        numpy_rs.standard_normal(int(rng.integers(0, 4)))
        key, meta = state_from_numpy(numpy_rs)
        for n in rng.integers(0, 1500, 12):
            ours = np.empty(n)
            fill_gauss(key, meta, ours)
            assert np.array_equal(ours, numpy_rs.standard_normal(n))
        _, numpy_key, pos, has_gauss, cached = numpy_rs.get_state()
        assert np.array_equal(key, numpy_key)
        assert (meta[0], meta[1], meta[2]) == (pos, has_gauss, cached)


def test_legacy_gauss_skips_and_fills_of_any_length():
    """Skips and fills alternating, from any position: the stream numpy draws."""
    rng = np.random.default_rng(11)
    for trial in range(30):
        numpy_rs = np.random.RandomState(100 + trial)
        numpy_rs.standard_normal(int(rng.integers(0, 3)))
        key, meta = state_from_numpy(numpy_rs)
        for skip, fill in rng.integers(0, 2500, (8, 2)):
            skip_gauss(key, meta, int(skip))
            numpy_rs.standard_normal(int(skip))
            ours = np.empty(fill)
            fill_gauss(key, meta, ours)
            assert np.array_equal(ours, numpy_rs.standard_normal(fill))
        _, numpy_key, pos, has_gauss, cached = numpy_rs.get_state()
        assert np.array_equal(key, numpy_key)
        assert (meta[0], meta[1], meta[2]) == (pos, has_gauss, cached)


def test_block_power_is_the_official_ten_to_the_gain():
    """The block path's 10**v (a ready block of tens, in place) equals the official
    ``10 ** gain`` on every value: numpy runs the same loop on the same pairs."""
    rng = np.random.default_rng(3)
    for n in (1, 7, 8, 9, 100, 8191, kernels.BLOCK):
        gains = rng.uniform(-8.0, 3.0, n)
        gains[: min(n, 4)] = [-np.inf, 0.0, -0.0, 308.5][: min(n, 4)]
        with np.errstate(over="ignore"):
            expected = 10**gains
        block = gains.copy()
        with np.errstate(over="ignore"):
            kernels.numpy_pow10_inplace(block)
        assert np.array_equal(block, expected)


def test_vector_loads_refuse_strided_arrays():
    """Vec8 loads index the data pointer: a strided view must not compile."""
    from numba import njit
    from numba.core.errors import TypingError

    from vdbo.haaqi.kernels import simd

    @njit
    def first_lane(a):
        return simd.get(simd.load(a, 0), 1)

    a = np.arange(16.0)
    assert first_lane(a) == 1.0
    with pytest.raises(TypingError):
        first_lane(a[::2])


def test_control_pass_groups_of_any_size():
    """A short group of bands (padded inside the kernel pass) gives each band what
    a full group gives it; more than a pass holds is refused."""
    x, y = _signal(24000, 8), 0.7 * _signal(24000, 9)
    ear = ear_model.front_end(x, FS, y, FS, BAND_LOSS, 65.0)
    full = ear_model.control_pass(ear, range(4, 4 + kernels.CONTROL_GROUP))
    assert ear_model.control_pass(ear, [4, 5]) == full[:2]
    assert ear_model.control_pass(ear, [7]) == full[3:]
    with pytest.raises(ValueError):
        ear_model.control_pass(ear, range(kernels.CONTROL_GROUP + 1))


def test_band_arrays_are_reused_and_dropped_after_a_call():
    """Bands share this thread's band-long arrays; a call leaves none behind."""
    from vdbo.haaqi import compute_haaqi

    first = ear_model.band_arrays(1000)
    assert ear_model.band_arrays(1000)[0] is first[0]
    assert len(ear_model.band_arrays(2000)[0]) == 2000
    x = _signal(48000, 10)
    freqs = np.array([250, 500, 1000, 2000, 4000, 6000])
    compute_haaqi(0.8 * x, x, FS, FS, np.full(6, 40.0), freqs, threads=1)
    assert not vars(ear_model._band_scratch)


def test_lag_dots_match_np_correlate():
    ddot = find_ddot()
    if ddot is None:
        pytest.skip("numpy's BLAS ddot not found: bm_covary uses the official code")
    rng = np.random.default_rng(1)
    for length in (192, 384, 50):
        x, y = rng.standard_normal(length), rng.standard_normal(length)
        full = np.correlate(x, y, "full")
        lags = kernels.correlate_lags(x, y, 24, *ddot)
        assert np.array_equal(lags, full[length - 25 : length + 24])


@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.float32, np.float64)])
def test_input_align(dtypes):
    x = _signal(60000, 2).astype(dtypes[0])
    y = (0.5 * np.roll(x, 321) + _signal(60000, 3, 0.01)).astype(dtypes[1])
    x[:1000] = 0
    for got, want in zip(align.input_align(x, y), eb.input_align(x, y), strict=True):
        assert got.dtype == want.dtype
        assert np.array_equal(got, want)


def test_input_align_float32_route_takes_clear_peaks_only():
    """The bulk delay comes from float32 FFTs only where the peak leads clearly; an
    exact tie (two equal echoes) goes to the official float64 computation."""
    x = np.zeros(60000)
    x[400:-400] = _signal(60000 - 800, 4)
    echo = np.roll(x, 321) * 0.5 + _signal(60000, 5, 0.01)
    ties = np.roll(x, 100) + np.roll(x, 300)  # correlations at both lags equal
    for y, decided in ((echo, True), (ties, False)):
        a, b = x - np.mean(x), (y - np.mean(y))[::-1]
        assert (align._bulk_lag32(a, b) is not None) == decided
        for got, want in zip(
            align.input_align(x, y), eb.input_align(x, y), strict=True
        ):
            assert np.array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fft_convolve_full_matches_scipy(dtype):
    from scipy.signal import convolve

    x = _signal(50000, 14).astype(dtype)
    fir = np.hanning(141) / 70
    assert np.array_equal(
        align.fft_convolve_full(x, fir), convolve(x, fir, "full", "fft")
    )


def test_envelope_delay_matches_envelope_align():
    rng = np.random.default_rng(4)
    for delay in (-1700, -3, 0, 55, 2399, 3000):
        ref = np.abs(_signal(30000, 5)) + rng.uniform(0, 0.01, 30000)
        out = np.roll(ref, delay) * 0.7 + rng.uniform(0, 0.01, 30000)
        shifted = out.copy()
        kernels.shift_inplace(shifted, align.envelope_delay(ref, out))
        assert np.array_equal(shifted, eb.envelope_align(ref, out))
    zeros = np.zeros(30000)
    shifted = zeros.copy()
    kernels.shift_inplace(shifted, align.envelope_delay(ref, zeros))
    assert np.array_equal(shifted, eb.envelope_align(ref, zeros))
    # An exact tie between two lags: the official first maximum is kept.
    impulse, echoes = np.zeros(30000), np.zeros(30000)
    impulse[10000] = 1.0
    echoes[[10000 - 7, 10000 + 5]] = 1.0
    shifted = echoes.copy()
    kernels.shift_inplace(shifted, align.envelope_delay(impulse, echoes))
    assert np.array_equal(shifted, eb.envelope_align(impulse, echoes))


def _official_band(x, y, bw_x, bw_y, band, loss, level1, noise_seed):
    """One band of eb.ear_model for both signals (after the control filter)."""
    cf = eb.center_frequency(32)
    attn_ohc, _, knee, cr, attn_ihc = eb.loss_parameters(loss, cf)
    ctrl_x, _, ctrl_y, _ = eb.gammatone_basilar_membrane(x, 1.5, y, 1.5, FS, cf[band])
    env_x, bm_x, env_y, bm_y = eb.gammatone_basilar_membrane(
        x, bw_x, y, bw_y, FS, cf[band]
    )
    ms = (np.mean(env_x**2), np.mean(env_y**2))
    args = (attn_ohc[band], knee[band], cr[band], FS, level1)
    env_x, bm_x = eb.env_compress_basilar_membrane(env_x, bm_x, ctrl_x, *args)
    env_y, bm_y = eb.env_compress_basilar_membrane(env_y, bm_y, ctrl_y, *args)
    env_y = eb.envelope_align(env_x, env_y)
    bm_y = eb.envelope_align(bm_x, bm_y)
    out = []
    for env, bm in ((env_x, bm_x), (env_y, bm_y)):
        env, bm = eb.envelope_sl(env, bm, attn_ihc[band], level1)
        out.extend(eb.inner_hair_cell_adaptation(env, bm, 2, FS))
    np.random.seed(noise_seed)
    gain = 10 ** ((-10 - level1) / 20)
    out[1] = out[1] + gain * np.random.standard_normal(len(x))
    out[3] = out[3] + gain * np.random.standard_normal(len(x))
    return out, ms


BAND_CASES = [(3, 65), (20, 100.0), (31, 30)]


def _our_band(x, y, band, loss, level1, route):
    """`ear_model.front_band` + `back_band` as the engine runs them (same inputs
    as `_official_band`)."""
    cf = eb.center_frequency(32)
    ear = ear_model.EarLoss(*eb.loss_parameters(loss, cf))
    tpt, cb, ca, cg = ear_model._gammatone_coefficients(1.5, cf[band], FS)
    _, xb, xa, xg = ear_model._gammatone_coefficients(1.1, cf[band], FS)
    _, yb, ya, yg = ear_model._gammatone_coefficients(1.3, cf[band], FS)
    filters = (tpt, float(cf[band]), (cb, ca, cg), (xb, xa, xg), (yb, ya, yg))
    params = ear_model._compression_params(ear, band, level1)
    env_x, bm_x, env_y, bm_y, ms_x, ms_y = ear_model.front_band(
        x, y, filters, params, params, FS, route
    )
    kernels.shift_inplace(env_y, align.envelope_delay(env_x, env_y))
    kernels.shift_inplace(bm_y, align.envelope_delay(bm_x, bm_y))
    np.random.seed(8)  # reference noise: the first len(x) draws, then processed
    noise_x = state_from_numpy()
    noise_y = copy_state(*noise_x)
    skip_gauss(*noise_y, len(x))
    level = float(level1 - ear.attn_ihc[band])
    gain = float(10 ** ((-10 - level1) / 20))
    ear_model.back_band(
        (env_x, bm_x, env_y, bm_y), level, level, FS, noise_x, noise_y, gain, route
    )
    return (env_x, bm_x, env_y, bm_y), (ms_x, ms_y)


BAND_LOSS = np.array([20, 30, 40, 50, 60, 70])


@pytest.mark.parametrize("band,level1", BAND_CASES)
def test_one_band_of_the_ear_model(band, level1):
    """The block path (numpy's log10/pow between kernels) is the official band; so
    is the fused path wherever the engine uses it."""
    x, y = _signal(20000, 6), 0.8 * _signal(20000, 7)
    expected, expected_ms = _official_band(x, y, 1.1, 1.3, band, BAND_LOSS, level1, 8)
    routes = [kernels.BLOCK_NUMPY]
    if libm_matches_numpy():
        routes.append(kernels.FUSED)
    for route in routes:
        got, ms = _our_band(x, y, band, BAND_LOSS, level1, route)
        assert ms == expected_ms
        for ours, theirs in zip(got, expected, strict=True):
            assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("band,level1", BAND_CASES)
def test_fused_band_kernels_equal_the_block_path_on_any_host(band, level1):
    """The fused kernels (inline libm log10/pow, clipped levels skipped) equal the
    block path given the C library's log10/pow: checked whatever numpy uses."""
    x, y = _signal(20000, 6), 0.8 * _signal(20000, 7)
    fused = _our_band(x, y, band, BAND_LOSS, level1, kernels.FUSED)
    block = _our_band(x, y, band, BAND_LOSS, level1, kernels.BLOCK_LIBM)
    assert fused[1] == block[1]
    for ours, theirs in zip(fused[0], block[0], strict=True):
        assert np.array_equal(ours, theirs)
    for x, y in synthetic_pairs(8192 + 77):
        assert ear_model.self_check(x, y, float(level1), kernels.BLOCK_LIBM)


@pytest.mark.filterwarnings("ignore:Use of fft convolution on input with NAN")
def test_a_nan_sample_takes_the_same_path_through_both_band_paths():
    """A NaN in the signal stays NaN where numpy's log10 would see it: the block
    path's gathers keep NaN levels (not 'beyond a knee', not 'below threshold')."""
    x, y = _signal(20000, 6), 0.8 * _signal(20000, 7)
    x[12345] = np.nan
    with np.errstate(invalid="ignore"):
        fused = _our_band(x, y, 5, BAND_LOSS, 65.0, kernels.FUSED)
        block = _our_band(x, y, 5, BAND_LOSS, 65.0, kernels.BLOCK_LIBM)
    assert np.isnan(fused[0][0]).any()  # the reference envelope
    for ours, theirs in zip(fused[0], block[0], strict=True):
        assert np.array_equal(ours, theirs, equal_nan=True)


def test_fused_kernels_run_exactly_where_numpy_uses_the_c_library():
    """The engine's run-time decision is right: fused kernels iff numpy's log10 and
    power are the C library's (else numpy is called between blocks)."""
    rng = np.random.default_rng(21)
    positive = 10.0 ** rng.uniform(-30, 6, 200_000)
    exponents = rng.uniform(-12, 6, 200_000)
    libm_log, libm_pow = positive.copy(), exponents.copy()
    kernels.libm_log10_inplace(libm_log)
    kernels.libm_pow10_inplace(libm_pow, 10.0)
    numpy_is_libm = np.array_equal(np.log10(positive), libm_log) and np.array_equal(
        np.power(10, exponents), libm_pow
    )
    assert libm_matches_numpy() == numpy_is_libm


@pytest.mark.parametrize("delay", [0, 37])
def test_segment_features(delay):
    npts = 20011
    env = np.abs(_signal(npts, 9)) * 50
    bm_x, bm_y = _signal(npts, 10), 0.5 * _signal(npts, 10) + _signal(npts, 11, 0.02)
    shifted = np.zeros((3, npts))
    for row, v in zip(shifted, (env, bm_x, bm_y), strict=True):
        row[delay:] = v[: npts - delay]
    smooth = features.smooth_band(env, delay, features.smooth_setup(npts, 8, FS))
    assert np.array_equal(smooth, eb.env_smooth(shifted[:1], 8, FS)[0])
    if find_ddot() is None:
        pytest.skip("numpy's BLAS ddot not found")
    cov, ms = features.covary_band(
        bm_x, bm_y, delay, features.covary_setup(npts, 16, FS, find_ddot())
    )
    official_cov, official_ms, _ = eb.bm_covary(shifted[1:2], shifted[2:3], 16, FS)
    assert np.array_equal(cov, official_cov[0])
    assert np.array_equal(ms, official_ms[0])


def test_mel_cepstral_correlation():
    rng = np.random.default_rng(12)
    reference = rng.uniform(0, 40, (32, 700))
    reference[:, :100] = 0  # silent segments are dropped
    distorted = reference + rng.normal(0, 5, (32, 700))
    np.random.seed(13)
    expected = eb.melcor9(reference, distorted, 2.5, 0.0, 8)[2]
    expected_state = np.random.get_state()[2:]
    np.random.seed(13)
    assert modulation.mel_cepstral_high(reference, distorted, 2.5, 0.0, 8) == expected
    assert np.random.get_state()[2:] == expected_state


def test_thread_count_resolution(monkeypatch):
    from vdbo.haaqi import THREADS_ENV, resolve_threads

    monkeypatch.setenv(THREADS_ENV, "3")
    assert resolve_threads() == 3
    assert resolve_threads(5) == 5
    monkeypatch.delenv(THREADS_ENV)
    assert resolve_threads() >= 1


def test_band_kernels_release_the_gil():
    """Another Python thread keeps running while a band kernel works."""
    import threading

    key, meta = state_from_numpy(np.random.RandomState(0))
    done, progress = [], [0]
    worker = threading.Thread(
        target=lambda: done.append(skip_gauss(key, meta, 3 * 10**7))
    )
    worker.start()
    while not done:
        progress[0] += 1
    worker.join()
    assert progress[0] > 100_000  # a held GIL would stall this loop


def test_low_level_modules_import_nothing_above_them():
    """blas and the kernels import no module that uses them (no import circle):
    the host checks that run kernels sit above them, in `vdbo.haaqi.host`."""
    import ast
    from pathlib import Path

    package = Path(ear_model.__file__).parent
    allowed = {
        "blas.py": set(),
        "legacy_rng.py": set(),
        **{
            f"kernels/{p.name}": {"vdbo.haaqi.kernels", "vdbo.haaqi.blas",
                                  "vdbo.haaqi.legacy_rng"}
            for p in (package / "kernels").glob("*.py")
        },
    }  # fmt: skip
    for name, permitted in allowed.items():
        tree = ast.parse((package / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                if module.startswith("vdbo"):
                    assert any(module.startswith(p) for p in permitted), (name, module)
