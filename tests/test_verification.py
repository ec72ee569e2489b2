"""The verification sample and the summary's verification line."""

from __future__ import annotations

import math

import pytest

from vdbo import STEMS
from vdbo.evaluation.pairs import write_pair_scores
from vdbo.evaluation.verification import (
    ScoreMismatch,
    max_abs_difference,
    pairs_to_verify,
    verification_line,
    verification_sample,
    verify_against,
)

SONGS = [f"song {i}" for i in range(14)]
LISTENERS = [f"L{i:04d}" for i in range(50)]
CELLS = [f"{side}_{stem}" for stem in STEMS for side in ("left", "right")]


def test_full_size_sample_is_about_one_percent_and_spread():
    """CAD1 validation: 14 songs x 50 listeners per separator."""
    chosen = verification_sample(SONGS, LISTENERS, ["hdemucs", "umxhq"], 2, 0.01)
    per_sep = {
        s: [(t, lid) for sep, t, lid in chosen if sep == s]
        for s in ("hdemucs", "umxhq")
    }
    assert {len(v) for v in per_sep.values()} == {math.ceil(0.01 * 700)}
    for picked in per_sep.values():
        assert len(set(picked)) == len(picked)
        assert len({song for song, _ in picked}) == len(picked)  # distinct songs
        assert len({lid for _, lid in picked}) == len(picked)  # distinct listeners
    assert set(per_sep["hdemucs"]).isdisjoint(per_sep["umxhq"])
    assert chosen == verification_sample(
        SONGS, LISTENERS, ["hdemucs", "umxhq"], 2, 0.01
    )


def test_small_runs_check_at_least_the_minimum_and_zero_turns_it_off():
    assert pairs_to_verify(6, 2, 0.01) == 2
    assert pairs_to_verify(1, 2, 0.01) == 1
    assert pairs_to_verify(700, 0, 0.5) == 0
    chosen = verification_sample(["a"], ["L1", "L2", "L3"], ["x", "y"], 2, 0.0)
    assert len(chosen) == 4 and len(set(chosen)) == 4
    # more pairs wanted than songs: still distinct pairs, filled in official order
    chosen = verification_sample(["a", "b"], ["L1", "L2", "L3"], ["x"], 5, 0.0)
    assert len(set(chosen)) == 5


def _csv(path, score, cells):
    write_pair_scores(path, "S", "L1", score, cells)
    return path


def test_verification_line_and_mismatch(tmp_path):
    cells = dict.fromkeys(CELLS, 0.25) | {"left_other": math.nan}  # a skipped cell
    fast = _csv(tmp_path / "fast.csv", 0.25, cells)
    same = _csv(tmp_path / "same.csv", 0.25, cells)
    assert max_abs_difference(fast, same) == 0.0
    line = verification_line("fast", 12, [(fast, same)])
    assert line == (
        "1 of 12 pairs re-scored with the official pyclarity 0.3.4 engine: "
        "all equal (max |diff| 0)"
    )
    other = _csv(tmp_path / "other.csv", 0.25, cells | {"right_bass": 0.5})
    assert max_abs_difference(fast, other) == 0.25
    assert "DIFFERENT (max |diff| 0.25)" in verification_line(
        "fast", 12, [(fast, other)]
    )
    assert verification_line("official", 12, []).startswith("12 of 12 pairs scored")
    assert "not checked" in verification_line("fast", 12, [])
    with pytest.raises(ScoreMismatch, match=r"song 'S', listener 'L1'.*right_bass"):
        verify_against(fast, 0.25, cells | {"right_bass": 0.5})
