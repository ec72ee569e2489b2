"""Rendering a MIDI file to float audio with fluidsynth and a General MIDI soundfont.

fluidsynth writes 32-bit float WAV so that we quantise once, ourselves, at the end
(its own 16-bit output would add dither). Chorus is off; the reverb is kept for a
natural sound and, like the rest of the synthesis, is deterministic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from vdbo import MUSDB_SAMPLE_RATE
from vdbo.demo.external import ExternalToolError, run_tool

SAMPLE_RATE = MUSDB_SAMPLE_RATE  # the demo is MUSDB18-HQ shaped

SOUNDFONT_CANDIDATES = (
    Path("/usr/share/sounds/sf2/FluidR3Mono_GM.sf2"),
    Path("/usr/share/sounds/sf3/FluidR3Mono_GM.sf3"),
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
)
"""Searched in order; the Debian FluidR3 fonts are preferred (smallest first)."""


def find_soundfont() -> Path:
    """The first General MIDI soundfont installed, in ``SOUNDFONT_CANDIDATES`` order."""
    for candidate in SOUNDFONT_CANDIDATES:
        if candidate.is_file():
            return candidate
    raise ExternalToolError(
        "no General MIDI soundfont found (looked for "
        f"{', '.join(map(str, SOUNDFONT_CANDIDATES))}); install one, e.g. "
        "`apt-get install fluidr3mono-gm-soundfont`"
    )


def render_midi(midi_path: Path, wav_path: Path, soundfont: Path) -> np.ndarray:
    """Render ``midi_path`` to stereo float32 samples, shape (samples, 2), 44.1 kHz."""
    run_tool(
        [
            "fluidsynth", "-ni", "-q",
            "-F", str(wav_path), "-T", "wav", "-O", "float",
            "-r", str(SAMPLE_RATE),
            "-o", "synth.dynamic-sample-loading=1",
            "-o", "synth.chorus.active=0",
            "-o", "synth.reverb.active=1",
            "-o", "synth.cpu-cores=1",
            str(soundfont), str(midi_path),
        ]
    )  # fmt: skip
    data, rate = soundfile.read(wav_path, dtype="float32", always_2d=True)
    if rate != SAMPLE_RATE or data.ndim != 2 or data.shape[1] != 2:
        raise ExternalToolError(
            f"fluidsynth wrote {wav_path} at {rate} Hz with shape {data.shape}, "
            f"expected {SAMPLE_RATE} Hz stereo"
        )
    return data
