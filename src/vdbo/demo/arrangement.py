"""The song's time grid and form: bars, chords per bar, where the singer sings.

One ``Timeline`` converts musical time (beats) to MIDI ticks and to seconds for every
part, so the rendered instruments and the separately built vocal stay in sync, swing
included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from vdbo.demo.songs import Chord, SongSpec

TICKS_PER_BEAT = 480
FADE_OUT_SECONDS = 1.5
"""The excerpt ends with a fade, like MUSDB's cut songs; no phrase is sung inside it."""


@dataclass(frozen=True)
class Phrase:
    """A sung phrase of ``bars`` bars from ``start_bar``, ending in a rest."""

    start_bar: int
    bars: int
    section: str
    """``verse`` or ``chorus``: the chorus sits higher and has its own rhythm."""
    repeat: bool
    """Second phrase of a pair: reuses the first one's rhythm."""


@dataclass(frozen=True)
class Timeline:
    """Bar/beat grid of one song."""

    spec: SongSpec

    @property
    def bar_beats(self) -> int:
        return self.spec.beats_per_bar

    @property
    def bar_seconds(self) -> float:
        return self.bar_beats * 60.0 / self.spec.bpm

    @property
    def bars(self) -> int:
        """Whole bars covering the excerpt, plus one so nothing stops before the cut."""
        return math.ceil(self.spec.seconds / self.bar_seconds) + 1

    def swung(self, beat: float) -> float:
        """Beat position after swing: off-beat eighths move later, beats stay put."""
        whole = math.floor(beat)
        frac = beat - whole
        late = 0.5 + self.spec.swing
        frac = (
            frac / 0.5 * late if frac <= 0.5 else late + (frac - 0.5) / 0.5 * (1 - late)
        )
        return whole + frac

    def tick(self, beat: float) -> int:
        return round(self.swung(beat) * TICKS_PER_BEAT)

    def seconds(self, beat: float) -> float:
        return self.swung(beat) * 60.0 / self.spec.bpm

    def chord(self, bar: int) -> Chord:
        progression = self.spec.progression
        return progression[bar % len(progression)]

    def phrase_bars(self) -> int:
        """Bars per sung phrase: about 3-6 s whatever the tempo."""
        if self.bar_seconds > 2.8:
            return 1
        return 2 if self.bar_seconds > 1.5 else 4

    def intro_bars(self) -> int:
        """Instrumental intro of at least 2.5 s: songs rarely open with the voice."""
        return math.ceil(2.5 / self.bar_seconds)

    def phrases(self) -> list[Phrase]:
        """Pairs of phrases (verse, then chorus, ...) separated by instrumental gaps."""
        length = self.phrase_bars()
        last_second = self.spec.seconds - FADE_OUT_SECONDS
        phrases: list[Phrase] = []
        bar = self.intro_bars()
        while (bar + length) * self.bar_seconds <= last_second:
            count = len(phrases)
            section = "verse" if count // 2 % 2 == 0 else "chorus"
            phrases.append(Phrase(bar, length, section, repeat=count % 2 == 1))
            bar += length
            if count % 2 == 1:
                bar += max(1, length // 2)  # instrumental gap after each pair
        return phrases

    def section_starts(self) -> list[int]:
        """Bars that open a section (crash cymbal, fuller playing)."""
        return [0] + [p.start_bar for p in self.phrases() if not p.repeat]
