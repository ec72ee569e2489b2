"""The segment features' shortcuts give the official values bit for bit.

``bm_covary`` keeps the largest |lag value * normalisation| of each segment; the
kernels compute all lags approximately and call numpy's BLAS only for the lags
that can still be the largest (`vdbo.haaqi.kernels.lags`). These tests aim at what
would break a wrong bound or candidate test: lags tied to the last bit, periodic
signals, non-finite and extreme values, every length and delay at the edges.
``env_smooth``'s eight-segments-at-a-time sums are checked at the same edges.
"""

from __future__ import annotations

import numpy as np
import pytest

eb = pytest.importorskip("clarity.evaluator.haspi.eb")

from vdbo.haaqi import features, kernels  # noqa: E402
from vdbo.haaqi.host import find_ddot  # noqa: E402
from vdbo.haaqi.kernels import lags  # noqa: E402

FS = 24000
U = 2.0**-53


@pytest.fixture(scope="module")
def ddot():
    found = find_ddot()
    if found is None:
        pytest.skip("numpy's BLAS ddot not found: bm_covary uses the official code")
    return found


def official_max(x, y, corr_norm, maxlag):
    """``np.max(np.abs(correlation * corr_norm))`` as in ``eb.bm_covary``."""
    n = len(x)
    with np.errstate(all="ignore"):
        c = np.correlate(x, y, "full")[n - 1 - maxlag : n + maxlag]
        return np.max(np.abs(c * corr_norm))


def window_norm(length, maxlag):
    return features._inverse_window_correlation(np.hanning(length), maxlag)


def assert_same(ours, theirs):
    assert np.array_equal(np.float64(ours), np.float64(theirs), equal_nan=True), (
        ours,
        theirs,
    )


def windowed_pair(rng, length, corr=0.5):
    w = np.hanning(length)
    x = rng.standard_normal(length) * w
    y = (corr * np.roll(x, int(rng.integers(-5, 6))) + rng.standard_normal(length)) * w
    return x - np.mean(x), y - np.mean(y)


@pytest.mark.parametrize("wide", [True, False])
@pytest.mark.parametrize(
    "length,maxlag", [(1, 0), (7, 6), (25, 24), (50, 24), (192, 24), (383, 24),
                      (384, 24), (385, 24), (384, 3), (200, 30)],
)  # fmt: skip
def test_approximate_lags_within_the_bound(wide, length, maxlag):
    """Both approximations (the wide and the narrow register tiling) are within the
    bound `max_abs_lag` assumes of every lag."""
    rng = np.random.default_rng(length * 100 + maxlag)
    x, y = rng.standard_normal(length) * 10, rng.standard_normal(length)
    xe, ye, _ = lags.lag_buffers(length, maxlag)
    xe[2 * maxlag : 2 * maxlag + length] = x
    ye[maxlag : maxlag + length] = y
    out = np.full(2 * maxlag + 1, np.nan)
    kernels.approximate_lags(xe, ye, length, maxlag, wide, out)
    exact = np.correlate(x, y, "full")[length - 1 - maxlag : length + maxlag]
    bound = (
        2.0001 * (length + 2 * maxlag + 24) * U * np.linalg.norm(x) * np.linalg.norm(y)
    )
    assert np.all(np.abs(out - exact) <= bound)


def test_max_abs_lag_on_random_segments(ddot):
    rng = np.random.default_rng(3)
    calls = []
    for length in (384, 192, 50, 25):
        with np.errstate(divide="ignore"):  # hanning(25) has no lag 24: k = inf
            norm = window_norm(length, 24)
        for _ in range(50):
            x, y = windowed_pair(rng, length, corr=rng.uniform(0, 2))
            best, n = kernels.max_abs_lag(x, y, norm, 24, *ddot)
            assert_same(best, official_max(x, y, norm, 24))
            if length > 25:
                calls.append(n)
            else:  # an infinite normalisation: the exact path
                assert n == 49
    assert np.mean(calls) < 1.2  # the point of the shortcut: about one ddot


def test_max_abs_lag_with_lags_tied_to_the_last_bit(ddot):
    """Normalisations chosen so that |c_t * k_t| are all 1 give or take an ulp: every
    lag is a candidate, and the official maximum (decided by the last bit of the
    BLAS values) must come out."""
    rng = np.random.default_rng(4)
    for length in (384, 192):
        for trial in range(20):
            x, y = windowed_pair(rng, length)
            c = np.correlate(x, y, "full")[length - 25 : length + 24]
            norm = 1.0 / np.abs(c)
            if trial % 2:  # two tied lags, the others clearly smaller
                keep = rng.choice(49, 2, replace=False)
                norm[np.setdiff1d(np.arange(49), keep)] *= 0.5
                norm[keep[0]] = np.nextafter(norm[keep[0]], np.inf)
            best, n = kernels.max_abs_lag(x, y, norm, 24, *ddot)
            assert_same(best, official_max(x, y, norm, 24))
            assert n >= (2 if trial % 2 else 40)


def test_max_abs_lag_where_the_approximation_cannot_rank(ddot):
    """Uncorrelated segments (lags far below ||x|| ||y||, so the approximation is off
    by many ulps) with |c_t * k_t| spread over a few ulps: the approximate order of
    the lags is noise, and only the BLAS values decide."""
    rng = np.random.default_rng(6)
    for _ in range(40):
        x, y = rng.standard_normal(384), rng.standard_normal(384)
        c = np.correlate(x, y, "full")[384 - 25 : 384 + 24]
        norm = (1.0 + rng.uniform(-4, 4, 49) * U) / np.abs(c)
        best, n = kernels.max_abs_lag(x, y, norm, 24, *ddot)
        assert_same(best, official_max(x, y, norm, 24))
        assert n > 1


def test_max_abs_lag_on_periodic_segments(ddot):
    """A period of 8 samples: lags 0, +-8, +-16, +-24 nearly equal after the window
    normalisation, and y = x makes +-s exactly equal in exact arithmetic."""
    for length in (384, 192):
        norm = window_norm(length, 24)
        j = np.arange(length)
        for phase in (0.0, 0.3, 1.0):
            base = np.cos(2 * np.pi * j / 8 + phase)
            for y in (base, np.cos(2 * np.pi * j / 8 + phase + 1e-9), -base):
                best, n = kernels.max_abs_lag(base, y, norm, 24, *ddot)
                assert_same(best, official_max(base, y, norm, 24))


@pytest.mark.parametrize(
    "case",
    ["nan_x", "inf_y", "zero_x", "zero_both", "tiny", "small", "huge",
     "norm_inf", "norm_nan", "norm_huge", "one_nonzero"],
)  # fmt: skip
def test_max_abs_lag_at_the_edges(ddot, case):
    """Non-finite, zero, denormal-prone and overflow-prone inputs and
    normalisations give the official value (NaN included)."""
    rng = np.random.default_rng(5)
    x, y = windowed_pair(rng, 384)
    norm = window_norm(384, 24)
    if case == "nan_x":
        x[100] = np.nan
    elif case == "inf_y":
        y[7] = np.inf
    elif case == "zero_x":
        x[:] = 0.0
    elif case == "zero_both":
        x[:], y[:] = 0.0, 0.0
    elif case == "tiny":  # sums of squares below 1e-200: the exact path
        x, y = x * 1e-160, y * 1e-150
    elif case == "small":  # tiny values, still the shortcut
        x, y = x * 1e-98, y * 1e-99
    elif case == "huge":  # sums of squares above 1e300: the exact path
        x, y = x * 1e152, y * 1e160
    elif case == "norm_inf":
        norm[3] = np.inf
    elif case == "norm_nan":
        norm[40] = np.nan
    elif case == "norm_huge":
        norm[24] = 1e308
    elif case == "one_nonzero":  # only one nonzero lag product
        x[:], y[:] = 0.0, 0.0
        x[0], y[-1] = 3.0, 5.0
    best, _ = kernels.max_abs_lag(x, y, norm, 24, *ddot)
    assert_same(best, official_max(x, y, norm, 24))


def _bands(npts, kind):
    rng = np.random.default_rng(11)
    t = np.arange(npts) / FS
    if kind == "periodic":  # 3 kHz: a period of 8 samples, near-tied lags
        x = np.cos(2 * np.pi * 3000 * t)
        return x, x.copy()
    x = np.sin(2 * np.pi * 440 * t) * (1 + np.sin(2 * np.pi * 3 * t))
    x = 0.1 * x + 0.01 * rng.standard_normal(npts)
    y = 0.5 * np.roll(x, 3) + 0.002 * rng.standard_normal(npts)
    if kind == "gaps":  # silent stretches, a NaN and an inf
        x[npts // 7 : npts // 5] = 0.0
        y[npts // 7 : npts // 4] = 0.0
        x[npts // 2] = np.nan
        y[npts * 2 // 3] = np.inf
    return x, y


@pytest.mark.parametrize("kind", ["music", "periodic", "gaps"])
@pytest.mark.parametrize("npts", [20011, 9600])
def test_covary_band_edges(ddot, kind, npts):
    """``covary_band`` equals ``eb.bm_covary`` for delays at every edge: none, not
    a multiple of 8, a half or whole window, most of the signal."""
    bm_x, bm_y = _bands(npts, kind)
    setup = features.covary_setup(npts, 16, FS, ddot)
    for delay in (0, 5, 191, 192, 385, npts // 2, npts - 10):
        shifted = np.zeros((2, npts))
        shifted[0, delay:] = bm_x[: npts - delay]
        shifted[1, delay:] = bm_y[: npts - delay]
        cov, ms = features.covary_band(bm_x, bm_y, delay, setup)
        with np.errstate(all="ignore"):
            official_cov, official_ms, _ = eb.bm_covary(
                shifted[:1], shifted[1:], 16, FS
            )
        assert np.array_equal(cov, official_cov[0], equal_nan=True), delay
        assert np.array_equal(ms, official_ms[0], equal_nan=True), delay


@pytest.mark.parametrize("npts", [20011, 9600, 2000, 777])
def test_smooth_band_edges(npts):
    """``smooth_band`` (eight segments per vector, the rest one by one) equals
    ``eb.env_smooth`` for delays at every edge and segment counts that do not fill
    the last group of eight."""
    rng = np.random.default_rng(npts)
    env = np.abs(rng.standard_normal(npts)) * 50
    env[npts // 3] = np.nan
    setup = features.smooth_setup(npts, 8, FS)
    for delay in (0, 5, 95, 96, 97, npts // 2, npts - 50):
        shifted = np.zeros((1, npts))
        shifted[0, delay:] = env[: npts - delay]
        ours = features.smooth_band(env, delay, setup)
        assert np.array_equal(ours, eb.env_smooth(shifted, 8, FS)[0], equal_nan=True)


def test_covary_band_without_blas_is_the_official_one():
    """Where no BLAS ddot matches numpy's (``find_ddot`` gives None), a band's
    covariances come from ``eb.bm_covary`` itself, delayed as the official."""
    npts, delay = 9600, 191
    bm_x, bm_y = _bands(npts, "music")
    setup = features.covary_setup(npts, 16, FS, None)
    cov, ms = features.covary_band(bm_x, bm_y, delay, setup)
    shifted = np.zeros((2, npts))
    shifted[0, delay:] = bm_x[: npts - delay]
    shifted[1, delay:] = bm_y[: npts - delay]
    official_cov, official_ms, _ = eb.bm_covary(shifted[:1], shifted[1:], 16, FS)
    assert np.array_equal(cov, official_cov[0])
    assert np.array_equal(ms, official_ms[0])
