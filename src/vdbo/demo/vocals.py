"""The sung lead: espeak-ng syllables, tuned to the melody with sox, placed on the grid.

espeak-ng speaks each syllable once on a monotone (SSML ``range="0%"``); its pitch is
measured, and sox shifts a copy to every melody pitch it is needed at (``-D``: no
random dither, so rebuilds are bit-identical) and resamples it to 44.1 kHz.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.io import wavfile

from vdbo.demo.arrangement import Timeline
from vdbo.demo.external import ExternalToolError, run_tool
from vdbo.demo.notes import Note
from vdbo.demo.render import SAMPLE_RATE

FADE_IN_SECONDS = 0.008
FADE_OUT_SECONDS = 0.06
LEGATO = 0.92
"""Fraction of a note's length that is sung; the rest is a breath."""
STRETCH = 0.5
"""sox ``tempo`` factor for notes longer than the spoken syllable (2x slower)."""


def speak_syllable(text: str, voice: str, pitch: int, path: Path) -> None:
    """A monotone, slow syllable from espeak-ng (22.05 kHz mono WAV)."""
    ssml = f'<speak><prosody range="0%" rate="50%">{text}</prosody></speak>'
    run_tool(
        ["espeak-ng", "-v", voice, "-p", str(pitch), "-z", "-m", "-w", str(path), ssml]
    )


def _read_mono(path: Path) -> tuple[int, np.ndarray]:
    rate, data = wavfile.read(path)
    if np.issubdtype(data.dtype, np.integer):
        data = data / float(np.iinfo(data.dtype).max + 1)
    return rate, (data if data.ndim == 1 else data.mean(axis=1)).astype(np.float64)


def fundamental_midi(samples: np.ndarray, rate: int) -> float:
    """Median pitch (fractional MIDI number) of the voiced 40 ms frames.

    Autocorrelation per frame, searched between 60 and 600 Hz; a frame counts as voiced
    when its normalised autocorrelation peak exceeds 0.5.
    """
    frame, hop = int(0.04 * rate), int(0.01 * rate)
    window = np.hanning(frame)
    low_lag, high_lag = int(rate / 600), int(rate / 60)
    level = np.sqrt(np.mean(samples**2)) if samples.size else 0.0
    f0s = []
    for start in range(0, len(samples) - frame, hop):
        chunk = samples[start : start + frame] * window
        if np.sqrt(np.mean(chunk**2)) < 0.3 * level:
            continue
        spectrum = np.fft.rfft(chunk, 2 * frame)
        autocorr = np.fft.irfft(np.abs(spectrum) ** 2)[:frame]
        lag = low_lag + int(np.argmax(autocorr[low_lag:high_lag]))
        if autocorr[lag] > 0.5 * autocorr[0]:
            f0s.append(rate / lag)
    if len(f0s) < 5:
        raise ExternalToolError("espeak-ng produced a syllable without a clear pitch")
    return 69 + 12 * float(np.log2(np.median(f0s) / 440.0))


def shift_syllable(source: Path, target: Path, cents: float, stretch: bool) -> None:
    """Pitch-shift by ``cents`` (optionally 2x longer) to 44.1 kHz float, with sox."""
    effects = ["pitch", f"{cents:.1f}"] + (
        ["tempo", "-s", str(STRETCH)] if stretch else []
    )
    run_tool(
        [
            "sox",
            "-D",
            str(source),
            "-e",
            "floating-point",
            "-b",
            "32",
            "-r",
            str(SAMPLE_RATE),
            str(target),
            *effects,
        ]
    )


def _onset_trimmed(samples: np.ndarray) -> np.ndarray:
    """Drop espeak's leading silence so the consonant lands on the beat."""
    loud = np.nonzero(np.abs(samples) > 0.02 * np.abs(samples).max())[0]
    return (
        samples[max(0, loud[0] - int(0.005 * SAMPLE_RATE)) :] if loud.size else samples
    )


def sing(
    notes: list[Note], timeline: Timeline, workdir: Path, total_samples: int
) -> np.ndarray:
    """The mono vocal track (float64, ``total_samples`` long) singing ``notes``."""
    spec = timeline.spec
    workdir.mkdir(parents=True, exist_ok=True)
    base_pitch: dict[str, float] = {}
    spoken_seconds: dict[str, float] = {}
    for syllable in sorted({n.syllable for n in notes}):
        path = workdir / f"spoken_{syllable}.wav"
        speak_syllable(syllable, spec.voice, spec.voice_pitch, path)
        rate, samples = _read_mono(path)
        base_pitch[syllable] = fundamental_midi(samples, rate)
        spoken_seconds[syllable] = len(_onset_trimmed(samples)) / rate

    takes: dict[tuple[str, int, bool], np.ndarray] = {}
    track = np.zeros(total_samples)
    for note in notes:
        start = round(timeline.seconds(note.start) * SAMPLE_RATE)
        sung = LEGATO * (timeline.seconds(note.end) - timeline.seconds(note.start))
        stretch = sung > 0.9 * spoken_seconds[note.syllable]
        key = (note.syllable, note.pitch, stretch)
        if key not in takes:
            path = workdir / f"sung_{note.syllable}_{note.pitch}_{int(stretch)}.wav"
            cents = 100 * (note.pitch - base_pitch[note.syllable])
            shift_syllable(
                workdir / f"spoken_{note.syllable}.wav", path, cents, stretch
            )
            takes[key] = _onset_trimmed(_read_mono(path)[1])
        take = takes[key][: min(round(sung * SAMPLE_RATE), total_samples - start)]
        envelope = np.ones(len(take))
        fade_in = min(len(take), int(FADE_IN_SECONDS * SAMPLE_RATE))
        fade_out = min(len(take) // 3, int(FADE_OUT_SECONDS * SAMPLE_RATE))
        envelope[:fade_in] = np.linspace(0, 1, fade_in, endpoint=False)
        if fade_out:
            envelope[-fade_out:] = np.linspace(1, 0, fade_out)
        track[start : start + len(take)] += take * envelope * note.velocity / 100
    return track
