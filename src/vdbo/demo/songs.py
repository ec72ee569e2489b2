"""The six demo songs: names, splits and the musical choices that make each distinct.

Everything that differs between songs lives here as data (tempo, metre, key, chords,
groove, instruments, singer), so the composing code stays generic and every song is
reproducible from its spec and seed alone.
"""

from __future__ import annotations

from dataclasses import dataclass

Chord = tuple[int, str]
"""(root, semitones above the tonic; quality, a ``harmony.CHORD_INTERVALS`` key)."""


@dataclass(frozen=True)
class ChordPart:
    """One pitched instrument of the ``other`` stem, on its own MIDI channel."""

    program: int
    """General MIDI program number, 0-based (0 = Acoustic Grand Piano)."""
    style: str
    """Rhythmic role, one of ``accompaniment.CHORD_STYLES``."""
    pan: int
    """MIDI pan, 0 (left) .. 127 (right): spreads the ``other`` stem."""
    volume: int
    """MIDI channel volume 0..127: balance inside the ``other`` stem."""
    centre: int
    """MIDI pitch around which the chords are voiced."""


@dataclass(frozen=True)
class SongSpec:
    """Everything needed to compose one song deterministically."""

    name: str
    """MUSDB-style ``Artist - Title``; also the track folder name."""
    split: str
    """MUSDB folder: ``train`` or ``test``."""
    seed: int
    seconds: float
    bpm: float
    beats_per_bar: int
    tonic: int
    """Pitch class of the key's tonic, 0 = C."""
    mode: str
    """``major`` or ``minor`` (natural minor): the melody's scale."""
    progression: tuple[Chord, ...]
    """One chord per bar, repeated."""
    groove: str
    """Drum pattern name, one of ``grooves.GROOVES``."""
    bass_style: str
    bass_program: int
    chord_parts: tuple[ChordPart, ...]
    voice: str
    """espeak-ng voice (language+variant) of the lead singer."""
    voice_pitch: int
    """espeak-ng base pitch 0..99; moves the voice near the melody's register."""
    syllables: tuple[str, ...]
    held_syllable: str
    """Sung on the long last note of each phrase."""
    melody_low: int
    melody_high: int
    swing: float = 0.0
    """Delay of off-beat eighths in beats (1/6 = triplet shuffle)."""


SONGS: tuple[SongSpec, ...] = (
    SongSpec(
        name="The Harbour Kites - Salt & Cedar",
        split="train",
        seed=1101,
        seconds=25.0,
        bpm=118,
        beats_per_bar=4,
        tonic=2,  # D major
        mode="major",
        progression=((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")),
        groove="rock",
        bass_style="eighths",
        bass_program=33,  # electric bass (finger)
        chord_parts=(
            ChordPart(program=0, style="comp", pan=40, volume=100, centre=64),
            ChordPart(program=27, style="arpeggio", pan=92, volume=85, centre=67),
        ),
        voice="en+f3",
        voice_pitch=95,
        syllables=("la", "na", "la", "oh"),
        held_syllable="yeah",
        melody_low=57,
        melody_high=69,
    ),
    SongSpec(
        name="Northbound Static - Copper Lines",
        split="train",
        seed=2202,
        seconds=24.6,
        bpm=96,
        beats_per_bar=4,
        tonic=9,  # A minor
        mode="minor",
        progression=((0, "min7"), (8, "maj7"), (3, "maj"), (10, "maj")),
        groove="funk16",
        bass_style="syncopated",
        bass_program=38,  # synth bass 1
        chord_parts=(
            ChordPart(program=4, style="comp", pan=34, volume=95, centre=62),
            ChordPart(program=89, style="pad", pan=96, volume=80, centre=66),
        ),
        voice="en+m3",
        voice_pitch=95,
        syllables=("oh", "yeah", "hey", "na"),
        held_syllable="oh",
        melody_low=45,
        melody_high=57,
    ),
    SongSpec(
        name="Mira Volk - Late Bloom",
        split="train",
        seed=3303,
        seconds=25.4,
        bpm=138,
        beats_per_bar=3,
        tonic=7,  # G major
        mode="major",
        progression=((0, "maj"), (4, "min"), (5, "maj"), (7, "dom7")),
        groove="waltz",
        bass_style="waltz",
        bass_program=32,  # acoustic bass
        chord_parts=(
            ChordPart(program=48, style="pad", pan=30, volume=80, centre=62),
            ChordPart(program=46, style="arpeggio", pan=100, volume=100, centre=69),
        ),
        voice="en+f4",
        voice_pitch=95,
        syllables=("la", "loo", "la", "ah"),
        held_syllable="ah",
        melody_low=57,
        melody_high=69,
    ),
    SongSpec(
        name="Juniper Row - Sunday Drive",
        split="train",
        seed=4404,
        seconds=25.2,
        bpm=88,
        beats_per_bar=4,
        tonic=5,  # F major
        mode="major",
        progression=((0, "maj7"), (9, "min7"), (2, "min7"), (7, "dom7")),
        groove="shuffle",
        bass_style="walking",
        bass_program=32,  # acoustic bass
        chord_parts=(
            ChordPart(program=1, style="comp", pan=38, volume=100, centre=63),
            ChordPart(program=16, style="pad", pan=94, volume=70, centre=67),
        ),
        voice="en-us+f5",
        voice_pitch=80,
        syllables=("doo", "ba", "da", "doo"),
        held_syllable="oh",
        melody_low=55,
        melody_high=67,
        swing=1 / 6,
    ),
    SongSpec(
        name="Ada's Garden - Slow Tide",
        split="test",
        seed=5505,
        seconds=25.0,
        bpm=76,
        beats_per_bar=4,
        tonic=4,  # E minor
        mode="minor",
        progression=((0, "min"), (5, "min"), (8, "maj"), (7, "dom7")),
        groove="ballad",
        bass_style="root_fifth",
        bass_program=33,  # electric bass (finger)
        chord_parts=(
            ChordPart(program=0, style="arpeggio", pan=46, volume=100, centre=64),
            ChordPart(program=49, style="pad", pan=88, volume=75, centre=60),
        ),
        voice="en+f2",
        voice_pitch=85,
        syllables=("oh", "la", "ah", "mm"),
        held_syllable="oh",
        melody_low=55,
        melody_high=67,
    ),
    SongSpec(
        name="The Lamplighters - Paper Moon & Rust",
        split="test",
        seed=6606,
        seconds=24.8,
        bpm=124,
        beats_per_bar=4,
        tonic=4,  # E major
        mode="major",
        progression=((9, "min"), (5, "maj"), (0, "maj"), (7, "maj")),
        groove="four_floor",
        bass_style="octaves",
        bass_program=38,  # synth bass 1
        chord_parts=(
            ChordPart(program=25, style="strum", pan=24, volume=95, centre=60),
            ChordPart(program=90, style="pad", pan=104, volume=75, centre=67),
        ),
        voice="en+m1",
        voice_pitch=99,
        syllables=("hey", "yeah", "na", "oh"),
        held_syllable="yeah",
        melody_low=45,
        melody_high=57,
    ),
)
