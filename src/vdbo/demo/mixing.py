"""Stem levels, stereo image and the exact 16-bit mixture.

Stems are balanced like a pop mix (vocal on top, measured on the parts where each stem
plays), the vocal gets a centred image with a short stereo echo, everything fades out
at the cut, and one common gain leaves 1 dB of headroom. The stems are quantised
first and the mixture is their exact integer sum, as MUSDB's mixtures are (nearly).
"""

from __future__ import annotations

import numpy as np

from vdbo import STEMS
from vdbo.demo.arrangement import FADE_OUT_SECONDS
from vdbo.demo.render import SAMPLE_RATE

ACTIVE_LEVEL_DB = {"vocals": -16.0, "drums": -18.0, "bass": -19.0, "other": -20.0}
"""RMS (dBFS) of each stem over the frames where it plays, before the headroom gain."""
PEAK_LIMIT = 10 ** (-1.0 / 20)
"""Highest sample magnitude of any stem or the mixture: -1 dBFS."""
FULL_SCALE = 32768
ECHO_GAIN = 0.2
ECHO_BEATS = (0.75, 0.5)
"""Echo delays of the vocal on the left and right channel, in beats."""


def fit_length(samples: np.ndarray, length: int) -> np.ndarray:
    """Crop or zero-pad along time to exactly ``length`` samples."""
    if len(samples) >= length:
        return samples[:length]
    padding = [(0, length - len(samples))] + [(0, 0)] * (samples.ndim - 1)
    return np.pad(samples, padding)


def active_rms(stereo: np.ndarray, frame_seconds: float = 0.05) -> float:
    """RMS of the 50 ms frames within 30 dB of the loudest: its playing level."""
    frame = int(frame_seconds * SAMPLE_RATE)
    usable = len(stereo) // frame * frame
    power = np.mean(
        stereo[:usable].reshape(-1, frame, stereo.shape[1]) ** 2, axis=(1, 2)
    )
    if not np.any(power > 0):
        return 0.0
    active = power[power >= power.max() * 1e-3]
    return float(np.sqrt(active.mean()))


def vocal_image(mono: np.ndarray, beat_seconds: float) -> np.ndarray:
    """Centred stereo vocal with a quiet echo at different delays left and right."""
    stereo = np.repeat(mono[:, None] * np.sqrt(0.5), 2, axis=1)
    for channel, beats in enumerate(ECHO_BEATS):
        delay = round(beats * beat_seconds * SAMPLE_RATE)
        stereo[delay:, channel] += ECHO_GAIN * np.sqrt(0.5) * mono[: len(mono) - delay]
    return stereo


def fade_out(stereo: np.ndarray, seconds: float = FADE_OUT_SECONDS) -> np.ndarray:
    """Cosine fade over the last ``seconds``."""
    length = int(seconds * SAMPLE_RATE)
    ramp = 0.5 * (1 + np.cos(np.linspace(0, np.pi, length)))
    faded = stereo.copy()
    faded[-length:] *= ramp[:, None]
    return faded


def mix_stems(stems: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Int16 stereo ``vocals, drums, bass, other`` and their exact sum ``mixture``.

    ``stems`` are float stereo arrays of equal length, at any level.
    """
    levelled = {}
    for stem in STEMS:
        level = active_rms(stems[stem])
        if level == 0:
            raise ValueError(f"the {stem} stem is silent; the song spec is broken")
        gain = 10 ** (ACTIVE_LEVEL_DB[stem] / 20) / level
        levelled[stem] = fade_out(stems[stem] * gain)
    mixture = sum(levelled.values())
    peak = max(np.abs(x).max() for x in [mixture, *levelled.values()])
    headroom = min(1.0, PEAK_LIMIT / peak)
    quantised = {
        stem: np.round(levelled[stem] * headroom * FULL_SCALE).astype(np.int16)
        for stem in STEMS
    }
    total = np.sum([quantised[s].astype(np.int32) for s in STEMS], axis=0)
    if np.abs(total).max() >= FULL_SCALE - 1:
        raise AssertionError("the mixture would clip; lower ACTIVE_LEVEL_DB")
    return {"mixture": total.astype(np.int16), **quantised}
