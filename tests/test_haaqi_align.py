"""`align.envelope_delay` picks ``eb.envelope_align``'s lag on every route it takes.

The float32 window decides alone only when its best lag clears the float32 error
bound. These signals force each later route (float64 dot products of the lags near
the peak, the float64 window, the official correlation), some built so that a
float32 window trusted alone would take a wrong lag, and check which route ran.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

eb = pytest.importorskip("clarity.evaluator.haspi.eb")

from vdbo.haaqi import align, kernels  # noqa: E402

LAGS = 2400  # +-100 ms at 24 kHz
ROUTES = ("direct_correlation", "_float64_location", "_official_location")


@pytest.fixture
def routes(monkeypatch):
    """How often envelope_delay reached each later route."""
    taken = Counter()
    for name in ROUTES:
        original = getattr(align, name)

        def counted(*args, _name=name, _original=original):
            taken[_name] += 1
            return _original(*args)

        monkeypatch.setattr(align, name, counted)
    return taken


def _assert_official(reference, output):
    """envelope_delay's shift gives ``eb.envelope_align``'s output; the delay."""
    delay = align.envelope_delay(reference, output)
    shifted = np.array(output, dtype=np.float64)
    kernels.shift_inplace(shifted, delay)
    expected = eb.envelope_align(reference, output)
    assert np.array_equal(shifted, expected, equal_nan=True), delay
    return delay


def _two_spikes(first, second, n=30000, seed=0):
    """An impulse reference and an output whose correlation is ``first`` at delay
    1000, ``second`` at delay -700 and below 0.05 elsewhere (exact: one term)."""
    reference = np.zeros(n)
    reference[n // 2] = 1.0
    output = 0.01 * np.random.default_rng(seed).standard_normal(n)
    output[n // 2 + 1000] = first
    output[n // 2 - 700] = second
    return reference, output


@pytest.mark.parametrize("gap", [1e-9, 1e-7, 2e-6, 5e-5])
def test_near_tie_within_float32_reach_is_decided_by_dot_products(routes, gap):
    for first, second in ((1.0 + gap, 1.0), (1.0, 1.0 + gap)):
        reference, output = _two_spikes(first, second)
        delay = _assert_official(reference, output)
        assert delay == (1000 if first > second else -700)
    assert routes == Counter(direct_correlation=2)


def test_float32_window_alone_would_pick_a_wrong_lag():
    """Both orders of the two spikes round to the same float32 signals: one float32
    window for both, so its argmax is wrong for one of them."""
    windows = [
        align._lag_window32(*_two_spikes(first, second), LAGS)[0]
        for first, second in ((1.0 + 1e-9, 1.0), (1.0, 1.0 + 1e-9))
    ]
    assert np.array_equal(windows[0], windows[1])
    assert np.argmax(windows[0]) in (LAGS - 1 - 1000, LAGS - 1 + 700)


@pytest.mark.parametrize("gap", [0.0, 1e-13])
def test_tie_within_rounding_takes_the_official_correlation(routes, gap):
    for first, second in ((1.0 + gap, 1.0), (1.0, 1.0 + gap)):
        _assert_official(*_two_spikes(first, second))
    assert routes == Counter(direct_correlation=2, _official_location=2)


def test_clear_peak_takes_the_float32_window_alone(routes):
    reference, output = _two_spikes(1.0, 0.5)
    assert _assert_official(reference, output) == 1000
    assert routes == Counter()


def _envelope(n, seed, dc):
    """A DC-dominated envelope: |analytic signal| of narrow-band noise, plus DC."""
    from scipy.signal import butter, hilbert, lfilter

    noise = np.random.default_rng(seed).standard_normal(n + 2000)
    band = lfilter(*butter(2, [0.02, 0.03], "band"), noise)[2000:]
    return dc + np.abs(hilbert(band))


@pytest.mark.parametrize("dc", [0.5, 2.0])
@pytest.mark.parametrize("delay", [-2300, -11, 0, 4, 1999])
def test_dc_dominated_envelopes(routes, delay, dc):
    """DC flattens the peak: several lags within float32 reach of it."""
    reference = _envelope(40000, 1, dc)
    noise = np.random.default_rng(2).uniform(0, 0.01, 40000)
    _assert_official(reference, 0.8 * np.roll(reference, delay) + noise)
    assert routes == Counter(direct_correlation=1)


@pytest.mark.parametrize("n, route", [(30000, "direct_correlation"), (400000, None)])
def test_flat_peak_of_constant_signals(routes, n, route):
    """Correlation n - |s|: the peak flattens with n until too many lags are within
    float32 reach and the float64 window decides."""
    ones = np.ones(n)
    assert _assert_official(ones, 0.5 * ones) == 0
    assert routes == Counter({route or "_float64_location": 1})


def test_all_zero_signals(routes):
    signal = _envelope(30000, 3, 0.5)
    zeros = np.zeros(30000)
    for reference, output in ((signal, zeros), (zeros, signal), (zeros, zeros)):
        assert _assert_official(reference, output) == LAGS - 1
    assert routes == Counter()


def test_squares_that_underflow_take_the_official_correlation(routes):
    tiny = 1e-170 * _envelope(30000, 4, 0.5)
    _assert_official(tiny, tiny)
    assert routes["_official_location"] == 1


@pytest.mark.parametrize("scale", [1e-36, 1e34])
def test_sizes_float32_cannot_hold_take_the_float64_window(routes, scale):
    reference = scale * _envelope(30000, 5, 0.5)
    output = np.roll(reference, 37)
    _assert_official(reference, output)
    assert routes["_float64_location"] == 1


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy's, on NaN input
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_take_the_official_correlation(routes, bad):
    reference = _envelope(30000, 6, 0.5)
    output = reference.copy()
    output[1234] = bad
    _assert_official(reference, output)
    assert routes["_official_location"] == 1


@pytest.mark.parametrize("n", [1, 2, 50, 2399, 2400, 2401, 4000, 9999])
def test_short_signals(n):
    rng = np.random.default_rng(n)
    reference = 1.0 + rng.uniform(0, 0.1, n)
    for output in (np.roll(reference, n // 3), rng.uniform(0, 1, n)):
        _assert_official(reference, output)


def test_other_types_and_layouts(routes):
    reference = _envelope(60000, 7, 0.5)
    output = np.roll(reference, -250)
    _assert_official(reference.astype(np.float32), output.astype(np.float32))
    assert routes["_official_location"] == 1
    _assert_official(reference[::2], output[::2])
    assert routes["_float64_location"] == 1


def test_float32_window_error_is_far_inside_its_bound():
    """On signals unlike the bands too (spikes, sines, DC): measured errors are
    ~2 float32 units of |a| |b|, the bound is hundreds of times that."""
    rng = np.random.default_rng(8)
    n = 100000
    t = np.arange(n)
    spikes = np.zeros(n)
    spikes[rng.integers(0, n, 5)] = 1e3
    pairs = [
        (_envelope(n, 9, 3.0), _envelope(n, 10, 3.0)),
        (np.sin(0.01 * t), np.sin(0.01 * t + 1)),
        (spikes + 1e-3 * rng.standard_normal(n), np.roll(spikes, 5)),
        (np.ones(n), np.exp(-t / 5000)),
    ]
    for reference, output in pairs:
        window32, squares_ref, squares_out = align._lag_window32(
            reference, output, LAGS
        )
        window, scale = align._lag_window(reference, output, LAGS)
        assert np.isclose(scale, np.sqrt(squares_ref * squares_out), rtol=1e-12)
        error = np.max(np.abs(window32 - window)) / scale
        assert error < align.FLOAT32_ERROR / 100


@pytest.mark.parametrize("n", [1, 7, 20, 5000, 50001])
def test_direct_correlation(n):
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    full = np.correlate(a, b, "full")  # lag s at index s + n - 1
    for s0 in (-n - 9, -3, 0, n - 12, 5):
        out = np.empty(24)
        starts = np.array([s0, s0 + 8, s0 + 16])
        kernels.direct_correlation(a, b, starts, 3, out)
        s = np.arange(s0, s0 + 24)
        inside = np.abs(s) < n
        expected = np.where(inside, full[np.clip(s + n - 1, 0, 2 * n - 2)], 0.0)
        bound = align._direct_error(n) * np.linalg.norm(a) * np.linalg.norm(b)
        assert np.all(np.abs(out - expected) <= bound + 1e-300)


def test_float32_blocks_and_cross_spectra():
    rng = np.random.default_rng(11)
    n, lags, size = 70001, 2400, 1 << 15
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    block = size - 2 * lags
    blocks64 = np.empty((2, 3, size))
    blocks32 = np.full((2, 3, size), 7, dtype=np.float32)
    squares = kernels.fill_correlation_blocks(a, b, 0, 3, block, lags, *blocks64)
    squares32 = kernels.fill_correlation_blocks32(a, b, 0, 3, block, lags, *blocks32)
    assert np.array_equal(blocks64.astype(np.float32), blocks32)
    assert np.allclose(squares, squares32, rtol=1e-14, atol=0)
    assert np.allclose(squares32, (a @ a, b @ b), rtol=1e-14, atol=0)
    spectra = np.fft.rfft(blocks32, axis=2).astype(np.complex64)
    for count in (1, 3):
        cross = np.full(size // 2 + 1, 0.5 - 0.25j)
        kernels.accumulate_cross_spectra32(spectra[0], spectra[1], count, cross)
        wide = spectra[:, :count].astype(complex)
        expected = 0.5 - 0.25j + (wide[0] * np.conj(wide[1])).sum(axis=0)
        assert np.allclose(cross, expected, rtol=1e-14, atol=1e-9)
