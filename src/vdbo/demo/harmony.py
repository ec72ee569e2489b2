"""Pitch arithmetic for keys and chords, so every part agrees on the harmony."""

from __future__ import annotations

from collections.abc import Iterable

from vdbo.demo.songs import Chord

SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
"""Semitones above the tonic of the melody's scale (natural minor for ``minor``)."""

CHORD_INTERVALS = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "dom7": (0, 4, 7, 10),
    "sus2": (0, 2, 7),
}


def chord_pitch_classes(tonic: int, chord: Chord) -> tuple[int, ...]:
    """Pitch classes of ``chord`` in the key of ``tonic``, root first."""
    root, quality = chord
    return tuple((tonic + root + step) % 12 for step in CHORD_INTERVALS[quality])


def pitch_near(pitch_class: int, target: float) -> int:
    """The MIDI pitch of ``pitch_class`` closest to ``target`` (ties go down)."""
    below = int(target) - (int(target) - pitch_class) % 12
    return below if target - below <= below + 12 - target else below + 12


def voice_chord(pitch_classes: Iterable[int], centre: float) -> list[int]:
    """Close-position voicing around ``centre``; a fixed centre gives smooth leading."""
    return sorted(pitch_near(pc, centre) for pc in pitch_classes)


def scale_pitches(tonic: int, mode: str, low: int, high: int) -> list[int]:
    """All MIDI pitches of the scale between ``low`` and ``high`` inclusive."""
    steps = {(tonic + step) % 12 for step in SCALES[mode]}
    return [p for p in range(low, high + 1) if p % 12 in steps]


def scale_for_chord(scale: list[int], chord_pcs: tuple[int, ...]) -> list[int]:
    """The scale with notes that clash with a chromatic chord tone moved onto it.

    E.g. over B7 in E minor, D becomes D#: the melody then follows the harmony
    instead of sounding a minor ninth against it.
    """
    scale_pcs = {p % 12 for p in scale}
    chromatic = [pc for pc in chord_pcs if pc not in scale_pcs]
    adjusted = []
    for pitch in scale:
        for pc in chromatic:
            if (pitch + 1) % 12 == pc:
                pitch += 1
            elif (pitch - 1) % 12 == pc:
                pitch -= 1
        adjusted.append(pitch)
    return adjusted
