"""The note record shared by the composers, the MIDI writer and the vocal builder."""

from __future__ import annotations

from dataclasses import dataclass

DRUM_CHANNEL = 9
"""General MIDI percussion channel (channel 10 counted from one)."""


@dataclass(frozen=True)
class Note:
    """One note in musical time: ``start``/``length`` in beats from the song start."""

    start: float
    length: float
    pitch: int
    velocity: int
    channel: int = 0
    syllable: str = ""
    """Only for sung notes: the text espeak-ng sings."""

    @property
    def end(self) -> float:
        return self.start + self.length
