"""One policy for a silent reference, for stems and remixes alike.

A reference that is silent (all zero) over the scored samples cannot be scored:
pyclarity's ``level1 = 65 - 20 log10(rms)`` is infinite and ``compute_haaqi`` dies in
``input_align``. ``scoring.silent_reference`` decides: ``error`` stops with a message
naming the song, the cells and the ways forward; ``skip`` leaves those calls out
(their cells are nan, the score the mean of the others). A very quiet reference is
scored as the official code scores it, with a warning. A cell is a stem-ear
(``left_drums``) of a pair or an ear (``left``) of a remix.

After scoring, :func:`check_cells` makes sure every cell is a number or a declared
skip: nothing else is ever written as a score.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np

from vdbo.core.errors import InputError, UserFacingError

SILENT_POLICIES = ("error", "skip")
QUIET_DBFS = -90.0
"""A reference cell below this RMS (but not silent) is scored, with a warning."""

log = logging.getLogger(__name__)


def rms_dbfs(samples: np.ndarray) -> float:
    """RMS in dBFS (pyclarity's ``compute_rms``, in the samples' dtype), ``-inf``
    where every sample is zero."""
    rms = float(np.sqrt(np.mean(np.square(samples))))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def scored_range(segment: tuple[float, float] | None, seconds: float) -> str:
    """The scored range for messages: "10.00-40.00 s" or "0.00-3.00 s (whole song)"."""
    if segment is None:
        return f"0.00-{seconds:.2f} s (whole song)"
    return f"{segment[0]:.2f}-{segment[1]:.2f} s"


def cell_text(cell: str) -> str:
    """``left_drums`` -> "drums (left ear)"; a remix ear ``left`` -> "the left ear"."""
    side, _, stem = cell.partition("_")
    return f"{stem} ({side} ear)" if stem else f"the {side} ear"


def check_policy(policy: str) -> None:
    if policy not in SILENT_POLICIES:
        raise InputError(
            None,
            f"unknown scoring.silent_reference {policy!r}",
            f"use one of {', '.join(SILENT_POLICIES)}",
        )


def apply_policy(
    levels: dict[str, float],
    policy: str,
    what: str,
    where: str,
    source: Path | None = None,
) -> tuple[list[str], dict[str, float]]:
    """The cells to skip and the quiet ones ``{cell: dBFS}``, by ``policy``.

    ``levels``: dBFS RMS of each reference cell over the scored samples; ``what``
    names the scored thing in messages (``song 'X'``); ``where`` the scored range.
    Raises InputError under ``error`` if a cell is silent.
    """
    check_policy(policy)
    silent = [cell for cell, db in levels.items() if db == -math.inf]
    quiet = {c: db for c, db in levels.items() if -math.inf < db < QUIET_DBFS}
    if silent and policy == "error":
        cells = ", ".join(cell_text(c) for c in silent)
        raise InputError(
            source,
            f"{what}: the reference is silent (all samples zero) in {cells} over "
            f"the scored range {where}, so HAAQI cannot score it (pyclarity's "
            "level1 = 65 - 20 log10(rms) is infinite)",
            "set `scoring.silent_reference: skip` to leave these out (each is nan, "
            "the score the mean of the others), or score a range where the music "
            "plays (`scoring.segment` or `scoring.segments_file`), or leave the "
            "song out (`data.select_songs`)",
        )
    for cell in silent:
        log.warning(
            "%s: reference %s is silent over %s: skipped "
            "(scoring.silent_reference: skip), its cell is nan",
            what, cell_text(cell), where,
        )  # fmt: skip
    for cell, db in quiet.items():
        log.warning(
            "%s: reference %s is very quiet (%.1f dBFS RMS, below %.0f dBFS) "
            "over %s: scored as the official code scores it",
            what, cell_text(cell), db, QUIET_DBFS, where,
        )  # fmt: skip
    return silent, quiet


class NotAScore(UserFacingError, RuntimeError):
    """A HAAQI cell came out as neither a number nor a declared skip."""


def check_cells(cells: dict[str, float], skipped: list[str], what: str) -> None:
    """Every cell is a finite number, or nan where the policy skipped it."""
    bad = {
        cell: value
        for cell, value in cells.items()
        if not (math.isfinite(value) or (cell in skipped and math.isnan(value)))
    }
    if bad:
        listed = ", ".join(f"{cell_text(c)} = {v}" for c, v in bad.items())
        raise NotAScore(
            f"{what}: HAAQI gave {listed}, which is not a score; nothing was written. "
            "Likely causes: a NaN or infinite sample in the enhanced or reference "
            "audio, or a NaN audiogram level of the listener. Check those files."
        )
