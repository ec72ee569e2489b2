"""Writing one stem's notes as a Standard MIDI File for fluidsynth.

fluidsynth renders a whole file to one stereo signal, so each stem gets its own file;
instrument, channel volume, pan and reverb send are set per channel at time zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mido

from vdbo.demo.arrangement import TICKS_PER_BEAT, Timeline
from vdbo.demo.notes import Note

CC_VOLUME, CC_PAN, CC_REVERB, CC_CHORUS = 7, 10, 91, 93


@dataclass(frozen=True)
class ChannelSetup:
    """Instrument and mixer settings of one MIDI channel."""

    channel: int
    program: int
    volume: int = 100
    pan: int = 64
    reverb: int = 30


def write_midi(
    path: Path, notes: list[Note], channels: list[ChannelSetup], timeline: Timeline
) -> None:
    """Write ``notes`` (musical time) as a type-0 MIDI file at the song's tempo."""
    events: list[tuple[int, int, mido.Message]] = []
    for setup in channels:
        ch = setup.channel
        events.append(
            (0, 0, mido.Message("program_change", channel=ch, program=setup.program))
        )
        for control, value in (
            (CC_VOLUME, setup.volume),
            (CC_PAN, setup.pan),
            (CC_REVERB, setup.reverb),
            (CC_CHORUS, 0),
        ):
            events.append(
                (
                    0,
                    0,
                    mido.Message(
                        "control_change", channel=ch, control=control, value=value
                    ),
                )
            )
    for note in notes:
        on, off = timeline.tick(note.start), timeline.tick(note.end)
        off = max(off, on + 1)
        # At equal ticks, note-offs (order 1) precede note-ons (order 2): a repeated
        # pitch is released before it is struck again.
        events.append(
            (
                on,
                2,
                mido.Message(
                    "note_on",
                    channel=note.channel,
                    note=note.pitch,
                    velocity=note.velocity,
                ),
            )
        )
        events.append(
            (
                off,
                1,
                mido.Message(
                    "note_off", channel=note.channel, note=note.pitch, velocity=0
                ),
            )
        )
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(timeline.spec.bpm)))
    numerator = timeline.bar_beats
    track.append(mido.MetaMessage("time_signature", numerator=numerator, denominator=4))
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    end = timeline.tick(timeline.bars * timeline.bar_beats)
    track.append(mido.MetaMessage("end_of_track", time=max(0, end - now)))
    midi = mido.MidiFile(type=0, ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(track)
    midi.save(path)
