"""File names of the official CAD1 Task 1 outputs, in one place.

``<listener>/<song>/<listener>_<song>_{left,right}_{stem}.flac`` (+ ``.txt``, the
scale factor) and ``<listener>/<song>/<listener>_<song>_remix.flac`` of the pyclarity
0.3.4 baseline. The rules name these files through these functions too (with
``"{listener}"``-style wildcards for the names).
"""

from __future__ import annotations

from pathlib import Path

from vdbo import SIDES, STEMS
from vdbo.core.atomic import temporary_name_extra_bytes

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


def longest_name_bytes(listener: str, song: str) -> int:
    """UTF-8 bytes of the longest file name a pair's outputs take while written: the
    official stem FLACs and ``.txt`` files (``<listener>_<song>_right_vocals.flac``
    is the longest; the remix and the remix scores are shorter) under their hidden
    temporary names (:mod:`vdbo.core.atomic`)."""
    names = [
        stem_file(".", listener, song, channel).with_suffix(ext).name
        for channel in STEM_CHANNELS
        for ext in (".flac", ".txt")
    ]
    names.append(remix_file(".", listener, song).name)
    longest = max(len(name.encode("utf-8")) for name in names)
    return longest + temporary_name_extra_bytes()
