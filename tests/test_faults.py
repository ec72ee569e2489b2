"""Faults: a truncated WAV, a full disk while writing a FLAC; never a half-written
file taken as an output (a job killed while writing: tests/test_atomic.py)."""

from __future__ import annotations

import errno

import numpy as np
import pytest
from scipy.io import wavfile

from vdbo.core import atomic
from vdbo.core.audio_io import read_wav_int16
from vdbo.core.errors import InputError
from vdbo.enhancement import encoding


@pytest.mark.parametrize("keep", [0.5, 0.75])  # 0.75: cut on a frame boundary
def test_truncated_wav_is_named_not_read_short(tmp_path, keep):
    path = tmp_path / "mixture.wav"
    wavfile.write(path, 44100, np.ones((44100, 2), np.int16))
    data = path.read_bytes()
    path.write_bytes(data[: 44 + int((len(data) - 44) * keep) // 4 * 4])
    with pytest.raises(InputError, match="truncated") as err:
        read_wav_int16(path)
    assert str(path) in str(err.value) and "declares 1.00 s" in str(err.value)


def _disk_full_after_half(real):
    """save_flac_signal that writes half its file, then finds the disk full."""

    def save_flac_signal(signal, filename, **kwargs):
        real(signal=signal, filename=filename, **kwargs)
        data = filename.read_bytes()
        filename.write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", str(filename))

    return save_flac_signal


def test_full_disk_while_writing_stems_leaves_no_flac(tmp_path, monkeypatch):
    real = encoding.enhance_function("save_flac_signal")
    monkeypatch.setattr(
        encoding, "enhance_function", lambda name: _disk_full_after_half(real)
    )
    rng = np.random.default_rng(0)
    processed = {
        c: rng.uniform(-0.1, 0.1, 4410) for c in ("left_vocals", "right_vocals")
    }
    with pytest.raises(OSError, match="No space left on device") as err:
        encoding.write_stems(processed, tmp_path, "L0001", "Song", 44100, 24000)
    assert "L0001_Song_left_vocals.flac" in str(err.value)  # names the file
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing taken


def test_full_disk_in_an_atomic_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("old\n")
    with (
        pytest.raises(OSError, match="No space left") as err,
        atomic.atomic_output(path) as tmp,
    ):
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
    assert "scores" in str(err.value)
    assert path.read_text() == "old\n" and sorted(tmp_path.iterdir()) == [path]
