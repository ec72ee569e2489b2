"""The sung lead line: phrases of chord tones and scale steps, with rests between.

Each pair of phrases shares a rhythm (as a verse line and its answer do), strong beats
land on chord tones, and each phrase ends on a held chord tone followed by a breath,
so the vocal stem has the silent gaps of a real vocal track.
"""

from __future__ import annotations

import numpy as np

from vdbo.demo.arrangement import Phrase, Timeline
from vdbo.demo.harmony import chord_pitch_classes, scale_for_chord, scale_pitches
from vdbo.demo.notes import Note

DURATIONS = (0.5, 1.0, 1.5, 2.0)
DURATION_WEIGHTS = (0.35, 0.4, 0.15, 0.1)
STEP_SIZES = (1, 1, 1, 2)


def _rhythm(sung_beats: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """(start, length) of the phrase's notes, ending with a note of >= 1.5 beats."""
    notes = []
    beat = 0.5 * int(rng.integers(2))
    while (room := sung_beats - 1.5 - beat) >= 0.5:
        length = min(float(rng.choice(DURATIONS, p=DURATION_WEIGHTS)), room)
        notes.append((beat, length))
        beat += length
    notes.append((beat, sung_beats - beat))
    return notes


def _nearest_chord_tone(
    index: int, scale: list[int], pcs: tuple[int, ...], direction: int
) -> int:
    """Scale index of the chord tone nearest ``index``, preferring ``direction``."""
    candidates = [i for i, p in enumerate(scale) if p % 12 in pcs]
    if not candidates:
        return index
    return min(candidates, key=lambda i: (abs(i - index), (i - index) * direction < 0))


def _phrase_notes(
    phrase: Phrase,
    rhythm: list[tuple[float, float]],
    timeline: Timeline,
    scale: list[int],
    rng: np.random.Generator,
) -> list[Note]:
    spec = timeline.spec
    lift = 3 if phrase.section == "chorus" else 0
    index = min(len(scale) - 1, len(scale) // 2 - 1 + lift + int(rng.integers(-1, 2)))
    direction = 1 if rng.random() < 0.5 else -1
    start_beat = phrase.start_bar * timeline.bar_beats
    notes = []
    for n, (beat, length) in enumerate(rhythm):
        bar = phrase.start_bar + int(beat // timeline.bar_beats)
        pcs = chord_pitch_classes(spec.tonic, timeline.chord(bar))
        last = n == len(rhythm) - 1
        in_bar = beat % timeline.bar_beats
        strong = beat == int(beat) and (in_bar % 2 == 0 or length >= 1)
        if n > 0 and not strong and not last:
            sign = direction if rng.random() < 0.7 else -direction
            index += sign * int(rng.choice(STEP_SIZES))
        if index <= 0 or index >= len(scale) - 1:
            direction = -direction
            index = int(np.clip(index, 1, len(scale) - 2))
        here = scale_for_chord(scale, pcs)
        if strong or last:
            index = _nearest_chord_tone(index, here, pcs, direction)
        if rng.random() < 0.25:
            direction = -direction
        syllable = spec.held_syllable if last else str(rng.choice(spec.syllables))
        velocity = int(np.clip((96 if strong else 86) + rng.integers(-5, 6), 1, 127))
        notes.append(
            Note(start_beat + beat, length, here[index], velocity, 0, syllable)
        )
    return notes


def compose_melody(timeline: Timeline, rng: np.random.Generator) -> list[Note]:
    """All sung notes of the song, each with its syllable."""
    spec = timeline.spec
    scale = scale_pitches(spec.tonic, spec.mode, spec.melody_low, spec.melody_high)
    notes: list[Note] = []
    rhythm: list[tuple[float, float]] = []
    for phrase in timeline.phrases():
        phrase_beats = phrase.bars * timeline.bar_beats
        sung_beats = phrase_beats - max(1.0, 0.25 * phrase_beats)
        if not phrase.repeat:
            rhythm = _rhythm(sung_beats, rng)
        notes += _phrase_notes(phrase, rhythm, timeline, scale, rng)
    return notes
