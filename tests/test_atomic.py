"""Nothing written half: a failed or killed writer leaves no file under the output's
name, so a rerun (or the official tools) never mistakes it for a finished output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vdbo.core.atomic import atomic_output, write_text
from vdbo.evaluation.aggregate import write_summary
from vdbo.remix import write_remix
from vdbo.separation.stems_npz import load_stems, save_stems

REPO = Path(__file__).resolve().parents[1]


def test_success_renames_into_place_with_normal_permissions(tmp_path):
    out = tmp_path / "sub" / "scores.csv"
    with atomic_output(out) as tmp:
        assert tmp.parent == out.parent and tmp.name.startswith(".scores.")
        assert tmp.suffix == ".csv" and not out.exists()
        tmp.write_text("song,score\n")
    assert out.read_text() == "song,score\n"
    assert [p.name for p in out.parent.iterdir()] == ["scores.csv"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_failure_mid_write_leaves_nothing(tmp_path):
    out = tmp_path / "summary.md"
    with pytest.raises(RuntimeError, match="disk full"), atomic_output(out) as tmp:
        tmp.write_text("## HAAQI of the eight st")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_complete_file(tmp_path):
    out = write_text(tmp_path / "stats.json", '{"old": true}')
    with pytest.raises(KeyboardInterrupt), atomic_output(out) as tmp:
        tmp.write_text('{"new": ')
        raise KeyboardInterrupt
    assert json.loads(out.read_text()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["stats.json"]


def test_writer_that_writes_nothing_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_output(tmp_path / "x.npz"):
        pass
    assert list(tmp_path.iterdir()) == []


KILLED_WRITER = """
import os, signal, sys
from vdbo.core.atomic import atomic_output
with atomic_output(sys.argv[1]) as tmp:
    with open(tmp, "w") as f:
        f.write("song,listener,score\\n" * 1000)
        f.flush()
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_sigkill_mid_write_leaves_only_a_hidden_temporary(tmp_path):
    """kill -9 (OOM killer, SLURM) cannot clean up: the output name stays free."""
    out = tmp_path / "scores" / "hdemucs.csv"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    run = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(out)], env=env, check=False
    )
    assert run.returncode == -signal.SIGKILL
    assert not out.exists()
    left = list(out.parent.iterdir())
    assert len(left) == 1 and left[0].name.startswith(".hdemucs.")
    assert left[0].stat().st_size > 0  # it was killed mid-write
    other = out.with_name(".hdemucs.v2.123-0123abcd.tmp.csv")  # hdemucs.v2.csv's
    other.write_text("")
    write_text(out, "song,listener,score\n")  # the rerun removes the leftover
    assert sorted(p.name for p in out.parent.iterdir()) == [other.name, out.name]


def test_stems_npz_round_trip(tmp_path):
    out = tmp_path / "separated/hdemucs/song.npz"
    save_stems({"vocals": np.ones((2, 10), np.float32)}, out)
    assert list(load_stems(out)) == ["vocals"]
    assert [p.name for p in out.parent.iterdir()] == ["song.npz"]


def test_remix_flac_failure_mid_write_leaves_nothing(tmp_path, monkeypatch):
    """The FLAC encoder dies after writing part of the file (a full disk)."""
    from clarity.utils.flac_encoder import FlacEncoder

    def encode_half(self, signal, sample_rate, output_file=None):
        Path(output_file).write_bytes(b"fLaC" + bytes(100))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FlacEncoder, "encode", encode_half)
    out = tmp_path / "L0001_song_remix.flac"
    rng = np.random.default_rng(0)
    signal = 0.1 * rng.standard_normal((44100, 2))
    with pytest.raises(OSError, match="No space left"):
        write_remix(signal, out, {"strategy": "audiogram"}, {})
    assert list(tmp_path.iterdir()) == []


def test_summary_declares_its_remix_table_even_without_remixes(tmp_path):
    summary = pd.DataFrame([{"separator": "oracle", "pairs": 1, "haaqi": 0.9}])
    remix_csv = tmp_path / "remix_summary.csv"
    write_summary(
        summary, tmp_path / "s.csv", tmp_path / "s.md", None, remix_csv,
        "1 of 1 pairs scored with the official engine", tmp_path / "v.txt",
    )  # fmt: skip
    assert remix_csv.read_text() == "strategy,separator,pairs\n"
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())
