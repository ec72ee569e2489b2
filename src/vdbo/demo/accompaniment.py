"""Bass line and chord instruments: they follow the chord chart bar by bar.

Bass notes sit in the lowest octave (E1..D#2 roots) so the bass stem carries the song's
energy below 200 Hz, as in real recordings; chord parts are voiced around a fixed centre
so that successive chords move smoothly.
"""

from __future__ import annotations

import numpy as np

from vdbo.demo.arrangement import Timeline
from vdbo.demo.harmony import chord_pitch_classes, pitch_near, voice_chord
from vdbo.demo.notes import Note
from vdbo.demo.songs import ChordPart

BASS_ROOT_LOW = 28
"""E1, the lowest string of a bass guitar."""

BassStep = tuple[float, float, str]
"""(beat in bar, length in beats, role): role ``root``/``fifth``/``octave``/
``third``/``approach`` (a step leading to the next bar's root)."""

BASS_STYLES: dict[str, tuple[BassStep, ...]] = {
    "eighths": tuple((b / 2, 0.45, "root") for b in range(7))
    + ((3.5, 0.45, "approach"),),
    "root_fifth": (
        (0, 1.4, "root"),
        (1.5, 0.5, "fifth"),
        (2, 1, "root"),
        (3, 0.9, "approach"),
    ),
    "syncopated": (
        (0, 0.5, "root"),
        (0.75, 0.25, "octave"),
        (1.5, 0.4, "root"),
        (2.5, 0.4, "fifth"),
        (3, 0.25, "octave"),
        (3.5, 0.4, "approach"),
    ),
    "walking": (
        (0, 0.9, "root"),
        (1, 0.9, "third"),
        (2, 0.9, "fifth"),
        (3, 0.9, "approach"),
    ),
    "waltz": ((0, 0.95, "root"), (1, 0.9, "fifth"), (2, 0.9, "octave")),
    "octaves": tuple(
        (b / 2, 0.4, "root" if b % 2 == 0 else "octave") for b in range(8)
    ),
}


def _bass_pitch(
    role: str, root: int, pcs: tuple[int, ...], next_root: int, rng: np.random.Generator
) -> int:
    if role == "fifth":
        return root + 7
    if role == "octave":
        return root + 12
    if role == "third":
        return pitch_near(pcs[1], root + 4)
    if role == "approach":
        options = [next_root - 1, next_root + 1, next_root - 5 + 12 * (next_root < 33)]
        return int(options[rng.integers(len(options))])
    return root


def compose_bass(timeline: Timeline, rng: np.random.Generator) -> list[Note]:
    """The bass part, channel 0 of its own MIDI file."""
    spec = timeline.spec
    notes = []
    for bar in range(timeline.bars):
        pcs = chord_pitch_classes(spec.tonic, timeline.chord(bar))
        next_pcs = chord_pitch_classes(spec.tonic, timeline.chord(bar + 1))
        root = BASS_ROOT_LOW + (pcs[0] - BASS_ROOT_LOW) % 12
        next_root = BASS_ROOT_LOW + (next_pcs[0] - BASS_ROOT_LOW) % 12
        for beat, length, role in BASS_STYLES[spec.bass_style]:
            pitch = _bass_pitch(role, root, pcs, next_root, rng)
            velocity = int(
                np.clip((100 if beat == 0 else 88) + rng.integers(-6, 7), 1, 127)
            )
            notes.append(Note(bar * timeline.bar_beats + beat, length, pitch, velocity))
    return notes


COMP_RHYTHMS = {
    4: (
        ((0, 1.4), (1.5, 1.0), (3, 0.9)),
        ((0, 0.9), (1, 0.9), (2, 0.9), (3, 0.9)),
        ((0, 1.9), (2.5, 1.4)),
    ),
    3: (((0, 0.9), (1, 0.9), (2, 0.9)), ((0, 1.9), (2, 0.9))),
}
"""Chord-hit rhythms (beat, length) per metre; one is picked per two bars."""

STRUM_RHYTHM = {
    4: ((0, 1.3), (1.5, 0.4), (2, 0.9), (3, 0.4), (3.5, 0.4)),
    3: ((0, 0.9), (1, 0.4), (1.5, 0.4), (2, 0.8)),
}
"""Strums (beat, length); lengths leave room for the 0.02-beat spread of the strings."""

CHORD_STYLES = ("pad", "comp", "arpeggio", "strum")


def _chord_bar(
    part: ChordPart,
    pcs: tuple[int, ...],
    bar_beats: int,
    rhythm_choice: int,
    rng: np.random.Generator,
) -> list[tuple[float, float, int, int]]:
    """(beat, length, pitch, velocity) of one bar of one chord instrument."""
    voicing = voice_chord(pcs, part.centre)
    if part.style == "pad":
        return [(0.0, bar_beats - 0.05, p, 62) for p in voicing]
    if part.style == "comp":
        rhythms = COMP_RHYTHMS[bar_beats]
        rhythm = rhythms[rhythm_choice % len(rhythms)]
        return [(b, d, p, 78 if b == 0 else 66) for b, d in rhythm for p in voicing]
    if part.style == "arpeggio":
        tones = voicing + [voicing[0] + 12]
        order = tones + tones[-2:0:-1] if rhythm_choice % 2 else tones
        steps = 2 * bar_beats
        return [
            (i / 2, 0.6, order[i % len(order)], 72 if i % 2 == 0 else 60)
            for i in range(steps)
        ]
    if part.style == "strum":
        wide = voice_chord(pcs, part.centre - 6) + voice_chord(pcs, part.centre + 6)
        wide = sorted(set(wide))
        hits = []
        for beat, length in STRUM_RHYTHM[bar_beats]:
            down = beat == int(beat)
            strings = wide if down else wide[::-1]
            for i, pitch in enumerate(strings):
                hits.append((beat + 0.02 * i, length, pitch, 80 if down else 62))
        return hits
    raise ValueError(f"unknown chord style {part.style!r}; known: {CHORD_STYLES}")


def compose_chords(timeline: Timeline, rng: np.random.Generator) -> list[Note]:
    """All chord instruments of the ``other`` stem, one MIDI channel each."""
    spec = timeline.spec
    notes = []
    for channel, part in enumerate(spec.chord_parts):
        rhythm_choice = 0
        for bar in range(timeline.bars):
            if bar % 2 == 0:
                rhythm_choice = int(rng.integers(8))
            pcs = chord_pitch_classes(spec.tonic, timeline.chord(bar))
            for beat, length, pitch, velocity in _chord_bar(
                part, pcs, timeline.bar_beats, rhythm_choice, rng
            ):
                jitter = int(rng.integers(-5, 6))
                notes.append(
                    Note(
                        bar * timeline.bar_beats + beat,
                        length,
                        pitch,
                        int(np.clip(velocity + jitter, 1, 127)),
                        channel,
                    )
                )
    return notes
