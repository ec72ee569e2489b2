"""Reading MUSDB18-HQ WAV files with the checks the official baseline does not do.

The official recipes read WAVs with ``scipy.io.wavfile`` and scale by 1/32768; we
read them the same way (so results stay bit-identical) but first refuse anything
that would make that scaling silently wrong: a missing file, a wrong sample rate,
a mono or multichannel file, a non-16-bit file, or NaN samples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.io import wavfile

from vdbo import MUSDB_SAMPLE_RATE
from vdbo.core.errors import InputError


def read_wav_int16(
    path: str | Path, sample_rate: int = MUSDB_SAMPLE_RATE, channels: int = 2
) -> np.ndarray:
    """Read a 16-bit PCM WAV as int16 with shape (samples, channels), validated."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            path,
            "file not found",
            "every track folder needs mixture.wav, vocals.wav, drums.wav, bass.wav "
            "and other.wav (MUSDB18-HQ layout); check the dataset root in the config "
            "(key `data.root`) and the track name in the song list",
        )
    try:
        rate, data = wavfile.read(path)
    except (ValueError, OSError) as err:
        raise InputError(
            path, f"not a readable WAV file ({err})", "re-export it as 16-bit PCM WAV"
        ) from err
    if np.issubdtype(data.dtype, np.floating) and not np.all(np.isfinite(data)):
        raise InputError(
            path,
            "contains NaN or infinite samples",
            "re-export the audio; a separator or editor produced invalid samples",
        )
    if rate != sample_rate:
        raise InputError(
            path,
            f"sample rate is {rate} Hz, expected {sample_rate} Hz",
            f"resample it to {sample_rate} Hz (for example `sox in.wav -r "
            f"{sample_rate} out.wav`); MUSDB18-HQ is 44.1 kHz",
        )
    found = 1 if data.ndim == 1 else data.shape[1]
    if found != channels:
        kind = "mono" if found == 1 else f"{found}-channel"
        raise InputError(
            path,
            f"is {kind}, expected {channels} channels (stereo)",
            "provide the stereo file (for example `sox in.wav -c 2 out.wav` only if "
            "the song really is mono)",
        )
    if data.dtype != np.int16:
        raise InputError(
            path,
            f"samples are {data.dtype}, expected 16-bit PCM",
            "convert it to 16-bit PCM (for example `sox in.wav -b 16 out.wav`)",
        )
    return data


def read_wav_float(
    path: str | Path, sample_rate: int = MUSDB_SAMPLE_RATE, channels: int = 2
) -> np.ndarray:
    """A validated WAV scaled as the official recipes do: float32 (samples, ch)."""
    return (read_wav_int16(path, sample_rate, channels) / 32768.0).astype(np.float32)
