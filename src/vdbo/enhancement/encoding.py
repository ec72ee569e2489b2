"""Writing the official outputs: eight peak-normalised 24 kHz stems and a 32 kHz remix.

Encoding goes through the baseline's ``save_flac_signal`` (soxr resampling, scaling,
soft clipping, pyflac), so files match the official recipe bit for bit. Files are first
written to a hidden temporary folder and moved into place, so a killed job never leaves
a FLAC that looks finished.

For the CAD1 evaluation (test set) the official ``test.py`` crops each amplified stem
to the song's objective segment and the remix to its subjective segment at 44.1 kHz,
*before* resampling and peak normalisation: ``segment`` does exactly that.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from vdbo.core import layout
from vdbo.core.official import enhance_function


def crop(
    signal: np.ndarray, segment: tuple[float, float] | None, sample_rate: int
) -> np.ndarray:
    """``signal[int(start * rate):int(end * rate)]`` along time, as test.py crops."""
    if segment is None:
        return signal
    start, end = segment
    return signal[int(start * sample_rate) : int(end * sample_rate)]


def _move_into_place(tmp: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp.replace(final)


def write_stems(
    processed: dict[str, np.ndarray],
    root: Path,
    listener: str,
    song: str,
    sample_rate: int,
    stem_sample_rate: int,
    segment: tuple[float, float] | None = None,
) -> list[Path]:
    """Eight ``<listener>_<song>_<side>_<stem>.flac`` and ``.txt`` scale factors.

    ``segment`` (seconds): crop each stem first, as the official test.py does.
    """
    save_flac_signal = enhance_function("save_flac_signal")
    final_dir = layout.pair_dir(root, listener, song)
    final_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(dir=final_dir, prefix=".tmp-") as tmp:
        for channel, signal in processed.items():
            final = layout.stem_file(root, listener, song, channel)
            staged = Path(tmp) / final.name
            save_flac_signal(
                signal=crop(signal, segment, sample_rate),
                filename=staged,
                signal_sample_rate=sample_rate,
                output_sample_rate=stem_sample_rate,
                do_scale_signal=True,
            )
            _move_into_place(staged.with_suffix(".txt"), final.with_suffix(".txt"))
            _move_into_place(staged, final)
            written.append(final)
    return written


def write_official_remix(
    processed: dict[str, np.ndarray],
    path: Path,
    sample_rate: int,
    remix_sample_rate: int,
    soft_clip: bool,
    segment: tuple[float, float] | None = None,
) -> Path:
    """The baseline remix: sum of the amplified stems per side, clipped, 32 kHz FLAC.

    ``segment`` (seconds): crop the remix first, as the official test.py does.
    """
    remix_signal = enhance_function("remix_signal")
    save_flac_signal = enhance_function("save_flac_signal")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".tmp-") as tmp:
        staged = Path(tmp) / path.name
        save_flac_signal(
            signal=crop(remix_signal(processed), segment, sample_rate),
            filename=staged,
            signal_sample_rate=sample_rate,
            output_sample_rate=remix_sample_rate,
            do_clip_signal=True,
            do_soft_clip=soft_clip,
        )
        _move_into_place(staged, path)
    return path
