"""Proof in every run that the fast HAAQI engine gives the official scores.

With ``scoring.engine: fast`` a deterministic sample of each separator's pairs, spread
over its songs and listeners, is re-scored by pyclarity 0.3.4's own code (rule
``verify_scores``); any difference stops the run naming the pair and the cell, and
the summary says in one line how many pairs were re-scored and how far apart they
were (:func:`verification_line`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

from vdbo.core.errors import UserFacingError

OFFICIAL_ENGINE_NAME = "the official pyclarity 0.3.4 engine"


def pairs_to_verify(total: int, at_least: int, fraction: float) -> int:
    """How many of a separator's ``total`` pairs to re-score (0: ``at_least`` 0)."""
    if at_least <= 0:
        return 0
    return min(total, max(at_least, math.ceil(fraction * total)))


def verification_sample(
    songs: Sequence[str],
    listeners: Sequence[str],
    separators: Sequence[str],
    at_least: int,
    fraction: float,
) -> list[tuple[str, str, str]]:
    """``(separator, song, listener)`` of the pairs to re-score, in a fixed order.

    Sample ``i`` of ``n`` of the ``k``-th separator takes song ``(i * S // n + k) % S``
    and listener ``(i * L // n + k) % L``: evenly spread over songs and listeners,
    and shifted per separator so that separators are checked on different pairs.
    """
    n_songs, n_listeners = len(songs), len(listeners)
    chosen = []
    for k, separator in enumerate(separators):
        n = pairs_to_verify(n_songs * n_listeners, at_least, fraction)
        picked = dict.fromkeys(
            (
                songs[(i * n_songs // n + k) % n_songs],
                listeners[(i * n_listeners // n + k) % n_listeners],
            )
            for i in range(n)
        )
        # Where songs or listeners are fewer than n, indices repeat: fill up in the
        # official order so that exactly n distinct pairs are re-scored.
        for song in songs:
            for listener in listeners:
                if len(picked) >= n:
                    break
                picked.setdefault((song, listener))
        chosen += [(separator, song, listener) for song, listener in picked]
    return chosen


class ScoreMismatch(UserFacingError, RuntimeError):
    """The fast HAAQI engine disagreed with the official one: the run must stop."""


def _row(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.DictReader(f))


def _differences(row: dict[str, str], expected: dict[str, float]) -> dict:
    return {
        k: (float(row[k]), v)
        for k, v in expected.items()
        if float(row[k]) != v and not (math.isnan(float(row[k])) and math.isnan(v))
    }


def verify_against(fast_csv: Path, score: float, per_stem: dict[str, float]) -> None:
    """Check a pair's scores (written by the fast engine) equal the official ones."""
    row = _row(fast_csv)
    differ = _differences(row, {"score": score, **per_stem})
    if differ:
        details = ", ".join(
            f"{k}: fast {a!r} != official {b!r}" for k, (a, b) in differ.items()
        )
        raise ScoreMismatch(
            f"{fast_csv} (song {row['song']!r}, listener {row['listener']!r}): the "
            f"fast HAAQI engine differs from pyclarity's: {details}. Set "
            "scoring.engine: official and report this."
        )


def max_abs_difference(fast_csv: Path, official_csv: Path) -> float:
    """The largest |fast - official| over a pair's score and cells (nan = nan)."""
    fast, official = _row(fast_csv), _row(official_csv)
    worst = 0.0
    for key, value in official.items():
        if key in ("song", "listener"):
            continue
        a, b = float(fast[key]), float(value)
        if math.isnan(a) and math.isnan(b):
            continue
        worst = max(worst, math.inf if math.isnan(a - b) else abs(a - b))
    return worst


def verification_line(
    engine: str, total_pairs: int, checked: Sequence[tuple[Path, Path]]
) -> str:
    """What the run proves about its engine, in one line for the summary."""
    if engine == "official":
        return (
            f"{total_pairs} of {total_pairs} pairs scored with {OFFICIAL_ENGINE_NAME}."
        )
    if not checked:
        return (
            f"0 of {total_pairs} pairs re-scored with {OFFICIAL_ENGINE_NAME} "
            "(scoring.verify_pairs: 0): the fast engine is not checked in this run"
        )
    worst = max(max_abs_difference(fast, official) for fast, official in checked)
    verdict = "all equal" if worst == 0 else "DIFFERENT"
    return (
        f"{len(checked)} of {total_pairs} pairs re-scored with {OFFICIAL_ENGINE_NAME}: "
        f"{verdict} (max |diff| {worst:g})"
    )
