"""Separated and amplified stems between jobs: one ``.npz`` file per track.

Kept apart from :mod:`vdbo.separation` (the separation kinds and models) so that
the jobs that only read and write stems (enhance, encode, remix) import nothing of
separation and start in a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vdbo.core.atomic import atomic_output


def save_stems(stems: dict[str, np.ndarray], path: Path) -> None:
    """Write stems to ``.npz`` (float32, source order kept) atomically."""
    with atomic_output(path) as tmp:
        np.savez(tmp, order=np.array(list(stems)), **stems)


def load_stems(path: Path) -> dict[str, np.ndarray]:
    """Read stems written by :func:`save_stems`, in their original order."""
    with np.load(path) as data:
        return {str(s): data[str(s)] for s in data["order"]}


def stem_order(path: Path) -> list[str]:
    """The stems' names in the order :func:`load_stems` returns them, audio unread."""
    with np.load(path) as data:
        return [str(s) for s in data["order"]]
