"""Separator ``kind: stems``: precomputed stems from a folder, one set per track.

Stems written by another tool (the demucs or openunmix command line, any toolkit) enter
the workflow as they are, and the usual enhance, encode and score steps follow. The
default layout is the one the demucs command line writes under ``<out>/<model name>/``
(its ``--filename`` default ``{track}/{stem}.{ext}``)::

    <path>/<track>/vocals.wav, drums.wav, bass.wav, other.wav

``pattern`` names other layouts (``{track}`` and ``{stem}`` are replaced; the extension
picks WAV or FLAC). Samples may be 16-, 24- or 32-bit PCM or float; they are read as
float32 (16-bit PCM exactly as the official recipes scale it, x / 32768). Every file
must be 44.1 kHz stereo and exactly as long as the mixture; anything else is refused
with the file and what is wrong. Nothing is resampled; ``fit_length: true`` pads with
silence or trims at the end to the mixture's length (for tools that round the length).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vdbo import STEMS
from vdbo.core.audio_io import MUSDB_SAMPLE_RATE
from vdbo.core.errors import InputError
from vdbo.separation.checks import check_stem

DEFAULT_PATTERN = "{track}/{stem}.wav"
FORMATS = ("WAV", "WAVEX", "RF64", "FLAC")
SUBTYPES = {
    "PCM_16": "16-bit PCM",
    "PCM_24": "24-bit PCM",
    "PCM_32": "32-bit PCM",
    "FLOAT": "32-bit float",
    "DOUBLE": "64-bit float",
}


def stem_files(spec: dict, track: str) -> dict[str, Path]:
    """``{stem: file}`` of one track for a ``kind: stems`` separator spec."""
    pattern = spec.get("pattern") or DEFAULT_PATTERN
    if "{stem}" not in pattern or "{track}" not in pattern:
        raise InputError(
            None,
            f"stems pattern {pattern!r} lacks {{track}} or {{stem}}",
            "write a pattern like '{track}/{stem}.wav' (relative to `path`)",
        )
    root = Path(spec["path"]).expanduser()
    files = {}
    for stem in STEMS:
        relative = Path(pattern.format(track=track, stem=stem))
        if relative.is_absolute() or ".." in relative.parts:
            raise InputError(
                None,
                f"stems pattern {pattern!r} leaves the folder {root}",
                "keep the pattern relative to `path`, without '..'",
            )
        files[stem] = root / relative
    return files


def read_stem_file(
    path: Path, n_samples: int, fit_length: bool = False, stem: str = "stem"
) -> np.ndarray:
    """One stem file as (2, n_samples) float32, validated."""
    import soundfile

    fix_layout = (
        "write the separator's stems as 44.1 kHz stereo WAV or FLAC (16-bit, "
        "24-bit or float) with the track's full length"
    )
    if not path.is_file():
        raise InputError(
            path,
            "stem file not found",
            "separate every song of the song list into this folder, or fix the "
            "separator's `path` / `pattern` in the config (default pattern "
            f"{DEFAULT_PATTERN!r}, the demucs command line's layout)",
        )
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, soundfile.LibsndfileError) as err:
        raise InputError(
            path, f"not a readable WAV or FLAC file ({err})", fix_layout
        ) from err
    if info.format not in FORMATS:
        raise InputError(
            path, f"is a {info.format} file, expected WAV or FLAC", fix_layout
        )
    if info.subtype not in SUBTYPES:
        raise InputError(
            path,
            f"has {info.subtype} samples, expected one of "
            f"{', '.join(SUBTYPES.values())}",
            fix_layout,
        )
    if info.samplerate != MUSDB_SAMPLE_RATE:
        raise InputError(
            path,
            f"sample rate is {info.samplerate} Hz, expected {MUSDB_SAMPLE_RATE} Hz",
            "resample the stems to 44.1 kHz with your tool (vdbo does not resample "
            "silently), or write them at the mixture's rate",
        )
    if info.channels != 2:
        kind = "mono" if info.channels == 1 else f"{info.channels}-channel"
        raise InputError(
            path,
            f"is {kind}, expected 2 channels (stereo)",
            "write stereo stems, as the mixture is",
        )
    if info.frames != n_samples and not fit_length:
        raise InputError(
            path,
            f"has {info.frames} samples, the mixture has {n_samples} "
            f"({info.frames - n_samples:+d})",
            "write stems as long as the mixture, or set `fit_length: true` on this "
            "separator to pad with silence or trim at the end",
        )
    dtype = "float64" if info.subtype == "DOUBLE" else "float32"
    data, _ = soundfile.read(str(path), dtype=dtype, always_2d=True)
    data = data.T
    if data.shape[1] < n_samples:
        data = np.pad(data, ((0, 0), (0, n_samples - data.shape[1])))
    data = data[:, :n_samples]
    return check_stem(stem, data, n_samples, path, fix_layout)


def read_track_stems(spec: dict, track: str, n_samples: int) -> dict[str, np.ndarray]:
    """``{stem: (2, n_samples) float32}`` of one track, in VDBO order."""
    fit = bool(spec.get("fit_length", False))
    return {
        stem: read_stem_file(path, n_samples, fit, stem)
        for stem, path in stem_files(spec, track).items()
    }
