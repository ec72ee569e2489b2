"""File names of the official CAD1 Task 1 outputs, in one place.

``<listener>/<song>/<listener>_<song>_{left,right}_{stem}.flac`` (+ ``.txt``, the
scale factor) and ``<listener>/<song>/<listener>_<song>_remix.flac`` of the pyclarity
0.3.4 baseline. The rules name these files through these functions too (with
``"{listener}"``-style wildcards for the names).
"""

from __future__ import annotations

from pathlib import Path

from vdbo import SIDES, STEMS

STEM_CHANNELS = tuple(f"{side}_{stem}" for stem in STEMS for side in SIDES)


def pair_dir(root: str | Path, listener: str, song: str) -> Path:
    """Folder of one (listener, song) pair's outputs."""
    return Path(root) / listener / song


def stem_file(root: str | Path, listener: str, song: str, channel: str) -> Path:
    """One mono stem FLAC, ``channel`` like ``left_vocals``."""
    return pair_dir(root, listener, song) / f"{listener}_{song}_{channel}.flac"


def remix_file(root: str | Path, listener: str, song: str) -> Path:
    """The pair's official remix FLAC."""
    return pair_dir(root, listener, song) / f"{listener}_{song}_remix.flac"
