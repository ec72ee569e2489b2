"""The fast HAAQI engine fails like pyclarity's on input the official code refuses:
same exception type, same message, same random state left behind (and the same score
where the official code accepts an odd input)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from clarity.evaluator.haaqi import compute_haaqi as official

from vdbo.haaqi import compute_haaqi as fast

CFS = np.array([250, 500, 1000, 2000, 3000, 4000, 6000, 8000])
N = 12000  # 0.5 s at 24 kHz
_rng = np.random.default_rng(0)
X = _rng.uniform(-0.1, 0.1, N)
Y = X + _rng.uniform(-0.01, 0.01, N)
BASE = {
    "processed_signal": X,
    "reference_signal": Y,
    "sample_rate_processed": 24000,
    "sample_rate_reference": 24000,
    "audiogram": np.array([10] * 8),
    "audiogram_frequencies": CFS,
    "level1": 65.0,
}
ONE = np.arange(N) == 5
REFUSED = {
    "stereo processed": {"processed_signal": np.stack([X, X], 1)},
    "stereo reference": {"reference_signal": np.stack([Y, Y], 1)},
    "stereo both": {
        "processed_signal": np.stack([X, X], 1),
        "reference_signal": np.stack([Y, Y], 1),
    },
    "channels first": {
        "processed_signal": np.stack([X, X]),
        "reference_signal": np.stack([Y, Y]),
    },
    "scalar": {"processed_signal": np.float64(0.1)},
    "empty": {"processed_signal": np.zeros(0)},
    "too short": {"processed_signal": X[:50], "reference_signal": Y[:50]},
    "silent reference": {"reference_signal": np.zeros(N), "level1": np.inf},
    "nan in reference": {"reference_signal": np.where(ONE, np.nan, Y)},
    "audiogram too short": {"audiogram": np.array([10] * 5)},
    "no 6 kHz in audiogram": {
        "audiogram_frequencies": np.array(
            [250, 500, 1000, 2000, 3000, 4000, 5000, 8000]
        )
    },
    "sample rate 0": {"sample_rate_processed": 0},
}
ACCEPTED = {
    "complex": {"processed_signal": X.astype(complex)},
    "nan in processed": {"processed_signal": np.where(ONE, np.nan, X)},
    "int16": {
        "processed_signal": (X * 32767).astype(np.int16),
        "reference_signal": (Y * 32767).astype(np.int16),
    },
}


def _run(compute, arguments):
    np.random.seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            outcome = ("score", compute(**{**BASE, **arguments}))
        except Exception as err:  # noqa: BLE001 - the exception is what is compared
            outcome = (type(err), str(err))
    state = np.random.get_state()
    return outcome, (state[1].tobytes(), state[2])


@pytest.mark.parametrize("case", list(REFUSED))
def test_fast_engine_refuses_like_the_official_one(case):
    expected, expected_state = _run(official, REFUSED[case])
    got, state = _run(fast, REFUSED[case])
    assert expected[0] != "score", f"the official code accepts {case}"
    print(f"{case}: {expected[0].__name__}: {expected[1][:100]}")
    assert got == expected
    assert state == expected_state


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_fast_engine_accepts_what_the_official_one_accepts(case):
    assert _run(fast, ACCEPTED[case]) == _run(official, ACCEPTED[case])
