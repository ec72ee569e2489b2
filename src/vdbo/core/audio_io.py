"""Reading MUSDB18-HQ WAV files with the checks the official baseline does not do.

The official recipes read WAVs with ``scipy.io.wavfile`` and scale by 1/32768; we
read them the same way (so results stay bit-identical) but first refuse anything
that would make that scaling silently wrong: a missing file, a wrong sample rate,
a mono or multichannel file, a non-16-bit file, or NaN samples.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.io import wavfile

from vdbo import MUSDB_SAMPLE_RATE
from vdbo.core import names
from vdbo.core.errors import InputError

PCM, EXTENSIBLE = 1, 0xFFFE
"""WAVE format tags: integer PCM, and the extensible header (its sub-format's first
two bytes are the real tag)."""


@dataclass(frozen=True)
class WavHeader:
    """What a WAV file's header says, read without reading its samples."""

    sample_rate: int
    channels: int
    bits: int
    format_tag: int
    frames: int
    """Frames the header declares."""
    frames_present: int
    """Frames the file holds (fewer than ``frames`` when it is truncated)."""

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    @property
    def truncated(self) -> bool:
        return self.frames_present < self.frames


def wav_header(path: str | Path) -> WavHeader:
    """The header of a RIFF/WAVE file; an InputError naming the file when it is not
    one or its header is cut short."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as stream:
        riff = stream.read(12)
        if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:] != b"WAVE":
            raise InputError(
                path,
                "not a readable WAV file (no RIFF/WAVE header)",
                "convert it to 16-bit PCM WAV (MUSDB18-HQ's format)",
            )
        fmt = None
        while chunk := stream.read(8):
            if len(chunk) < 8:
                break
            name, length = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == b"fmt ":
                fmt = stream.read(min(length, 40))
                stream.seek(length - len(fmt) + length % 2, 1)
            elif name == b"data" and fmt is not None and len(fmt) >= 16:
                tag, channels, rate, _, align, bits = struct.unpack("<HHIIHH", fmt[:16])
                if tag == EXTENSIBLE and len(fmt) >= 26:
                    tag = struct.unpack("<H", fmt[24:26])[0]
                align = max(align, 1)
                present = max(0, min(length, size - stream.tell()))
                return WavHeader(
                    rate, channels, bits, tag, length // align, present // align
                )
            else:
                stream.seek(length + length % 2, 1)
    raise InputError(
        path,
        "is truncated or damaged: its header has no format and data chunks",
        "copy or download the file again (MUSDB18-HQ: 16-bit PCM WAV)",
    )


def truncation_error(path: Path, header: WavHeader) -> InputError:
    """The error for a WAV whose samples stop before its header says they do."""
    rate = header.sample_rate or 1
    return InputError(
        path,
        f"is truncated: its header declares {header.frames / rate:.2f} s of audio, "
        f"the file holds {header.frames_present / rate:.2f} s (an interrupted copy "
        "or download)",
        "copy or download the file again",
    )


def require_track_file(path: str | Path) -> Path:
    """``path`` of a track's WAV, or the InputError that says where the files go."""
    path = Path(path)
    if not path.is_file():
        if twin := _spelled_otherwise(path.parent):
            raise InputError(
                path,
                f"file not found: the song list spells the track {path.parent.name!r}"
                f" ({names.unicode_form(path.parent.name)}) and its folder on disk is "
                f"{twin!r} ({names.unicode_form(twin)}), which differs only in case "
                "or Unicode form",
                "spell the track name in the song list exactly as its folder (or "
                "rename the folder); Linux takes the two for different names",
            )
        raise InputError(
            path,
            "file not found",
            "every track folder needs mixture.wav, vocals.wav, drums.wav, bass.wav "
            "and other.wav (MUSDB18-HQ layout); check the dataset root in the config "
            "(key `data.root`) and the track name in the song list",
        )
    return path


def _spelled_otherwise(folder: Path) -> str | None:
    """The name of an existing sibling of a missing ``folder`` that macOS or Windows
    would take for it (equal after case folding and Unicode normalisation)."""
    if folder.exists() or not folder.parent.is_dir():
        return None
    key = names.folded(folder.name)
    return next(
        (p.name for p in folder.parent.iterdir() if names.folded(p.name) == key), None
    )


def stereo_float64(signal, path: str | Path | None, fix: str) -> np.ndarray:
    """``signal`` as a float64 (samples, 2) array, or an InputError naming ``path``
    and ``fix``."""
    signal = np.asarray(signal, dtype=np.float64)
    if signal.ndim != 2 or signal.shape[1] != 2:
        raise InputError(
            path, f"remix has shape {signal.shape}, expected (samples, 2)", fix
        )
    return signal


def read_wav_int16(
    path: str | Path, sample_rate: int = MUSDB_SAMPLE_RATE, channels: int = 2
) -> np.ndarray:
    """Read a 16-bit PCM WAV as int16 with shape (samples, channels), validated."""
    path = require_track_file(path)
    header = wav_header(path)
    if header.truncated:
        raise truncation_error(path, header)
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
