"""Drum parts: one groove per song, with humanised velocities, fills and crashes.

A groove is a list of (beat-in-bar, GM drum note, velocity) hits for an ordinary bar;
variation comes from a seeded generator so the part is fixed per song yet not a loop.
"""

from __future__ import annotations

import numpy as np

from vdbo.demo.arrangement import Timeline
from vdbo.demo.notes import DRUM_CHANNEL, Note

KICK, SIDE_STICK, SNARE, CLAP = 36, 37, 38, 39
HAT_CLOSED, HAT_PEDAL, HAT_OPEN = 42, 44, 46
TOM_LOW, TOM_MID, TOM_HIGH = 45, 47, 50
CRASH, RIDE, TAMBOURINE, SHAKER = 49, 51, 54, 70

Hit = tuple[float, int, int]


def _rock(rng: np.random.Generator) -> list[Hit]:
    hits = [(b / 2, HAT_CLOSED, 82 if b % 2 == 0 else 62) for b in range(8)]
    hits += [(0, KICK, 110), (2, KICK, 104), (1, SNARE, 108), (3, SNARE, 112)]
    if rng.random() < 0.5:
        hits.append((2.5, KICK, 92))
    if rng.random() < 0.3:
        hits.append((1.5, KICK, 80))
    return hits


def _funk16(rng: np.random.Generator) -> list[Hit]:
    hits = [(s / 4, HAT_CLOSED, (84, 50, 66, 50)[s % 4]) for s in range(16)]
    hits += [(0, KICK, 112), (0.75, KICK, 90), (2.5, KICK, 100)]
    hits += [(1, SNARE, 110), (3, SNARE, 112), (1.75, SNARE, 36), (3.25, SNARE, 34)]
    if rng.random() < 0.5:
        hits.append((3.5, HAT_OPEN, 70))
    if rng.random() < 0.4:
        hits.append((2.75, KICK, 84))
    return hits


def _waltz(rng: np.random.Generator) -> list[Hit]:
    hits = [(0, KICK, 104), (1, SIDE_STICK, 78), (2, SIDE_STICK, 70)]
    hits += [(b, RIDE, 70) for b in range(3)] + [
        (b + 0.5, HAT_PEDAL, 44) for b in range(3)
    ]
    if rng.random() < 0.4:
        hits.append((2.5, KICK, 70))
    return hits


def _shuffle(rng: np.random.Generator) -> list[Hit]:
    hits = [(b, RIDE, 84) for b in range(4)] + [(1.5, RIDE, 60), (3.5, RIDE, 60)]
    hits += [(0, KICK, 104), (2, KICK, 96), (1, SNARE, 96), (3, SNARE, 100)]
    hits += [(1, HAT_PEDAL, 60), (3, HAT_PEDAL, 60)]
    if rng.random() < 0.5:
        hits.append((2.5, KICK, 78))
    return hits


def _ballad(rng: np.random.Generator) -> list[Hit]:
    hits = [(b / 2, HAT_CLOSED, 64 if b % 2 == 0 else 46) for b in range(8)]
    hits += [(s / 4 + 0.25, SHAKER, 40) for s in range(0, 16, 2)]
    hits += [(0, KICK, 100), (2.5, KICK, 86), (1, SIDE_STICK, 84), (3, SNARE, 96)]
    if rng.random() < 0.4:
        hits.append((3.5, KICK, 70))
    return hits


def _four_floor(rng: np.random.Generator) -> list[Hit]:
    hits = [(b, KICK, 112) for b in range(4)] + [
        (b + 0.5, HAT_OPEN, 72) for b in range(4)
    ]
    hits += [(b + 0.25, HAT_CLOSED, 46) for b in range(4)]
    hits += [(1, CLAP, 100), (3, CLAP, 104), (1, SNARE, 70), (3, SNARE, 74)]
    if rng.random() < 0.5:
        hits.append((3.75, TAMBOURINE, 60))
    return hits


GROOVES = {
    "rock": _rock,
    "funk16": _funk16,
    "waltz": _waltz,
    "shuffle": _shuffle,
    "ballad": _ballad,
    "four_floor": _four_floor,
}


def _fill(bar_beats: int, rng: np.random.Generator) -> list[Hit]:
    """A one-beat fill closing a four-bar group."""
    last = bar_beats - 1
    pattern = (
        [SNARE, SNARE, TOM_HIGH, TOM_MID]
        if rng.random() < 0.5
        else [TOM_HIGH, TOM_MID, TOM_LOW, SNARE]
    )
    return [(last + i / 4, note, 88 + 6 * i) for i, note in enumerate(pattern)]


def compose_drums(timeline: Timeline, rng: np.random.Generator) -> list[Note]:
    """The drum part of the whole song, on the GM percussion channel."""
    groove = GROOVES[timeline.spec.groove]
    bar_beats = timeline.bar_beats
    crash_bars = set(timeline.section_starts())
    notes = []
    for bar in range(timeline.bars):
        hits = groove(rng)
        if bar % 4 == 3:
            hits = [h for h in hits if h[0] < bar_beats - 1] + _fill(bar_beats, rng)
        if bar in crash_bars:
            hits += [(0, CRASH, 100)]
        for beat, pitch, velocity in hits:
            humanised = int(np.clip(velocity + rng.integers(-7, 8), 1, 127))
            notes.append(
                Note(bar * bar_beats + beat, 0.25, pitch, humanised, DRUM_CHANNEL)
            )
    return notes
