"""Evaluation mode's pieces: test-set segments, test.py's crop, the submission zip."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from vdbo.config_check import config_problems
from vdbo.core import metadata
from vdbo.core.errors import InputError
from vdbo.enhancement.encoding import crop
from vdbo.enhancement.submission import check_contents, pack
from vdbo.schemas import CONFIG_SCHEMA

SCHEMA = CONFIG_SCHEMA


def test_test_segments_read_both_kinds(tmp_path):
    path = tmp_path / "musdb18.segments.test.json"
    path.write_text(
        json.dumps(
            {
                "A & B (Live)": {
                    "objective_evaluation": {"start": 0.7, "end": 30},
                    "subjective_evaluation": {"start": 1, "end": 2.5},
                    "other_key": 1,
                }
            }
        )
    )
    assert metadata.load_test_segments(path) == {
        "A & B (Live)": {
            "objective_evaluation": (0.7, 30.0),
            "subjective_evaluation": (1.0, 2.5),
        }
    }


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"objective_evaluation": {"start": 0, "end": 1}}, "subjective_evaluation"),
        (
            {
                "objective_evaluation": {"start": 2, "end": 1},
                "subjective_evaluation": {"start": 0, "end": 1},
            },
            "start=2, end=1",
        ),
    ],
)
def test_bad_test_segments_name_song_and_kind(tmp_path, entry, problem):
    path = tmp_path / "segments.json"
    path.write_text(json.dumps({"Song X": entry}))
    with pytest.raises(InputError, match="Song X") as err:
        metadata.load_test_segments(path)
    assert problem in str(err.value) and str(path) in str(err.value)


def test_crop_is_test_py_int_truncation():
    signal = np.arange(3 * 44100)
    out = crop(signal, (0.7, 1.9), 44100)
    # int(0.7 * 44100) = 30869 (round would give 30870), int(1.9 * 44100) = 83790
    assert out[0] == 30869 and out[-1] == 83789
    stereo = np.zeros((3 * 44100, 2))
    assert crop(stereo, (0.3, 2.1), 44100).shape == (92610 - 13230, 2)
    assert crop(signal, None, 44100) is signal


def _pair_files(root: Path) -> list[Path]:
    pair = root / "evaluation/L0001/Zoë's Song (Live)"
    pair.mkdir(parents=True)
    files = []
    for name in ("L0001_x_left_vocals.flac", "L0001_x_left_vocals.txt", "remix.flac"):
        (pair / name).write_bytes(os.urandom(1000))
        files.append(pair / name)
    return files


def test_pack_equals_official_pack_submission(tmp_path):
    from recipes.cad1.task1.baseline.test import pack_submission

    root = tmp_path / "enhanced_signals"
    files = _pair_files(root)
    ours = pack(root, "E042", tmp_path / "ours/submission_E042.zip", files)

    official = tmp_path / "official"
    official.mkdir()
    cwd = os.getcwd()
    os.chdir(official)
    try:
        pack_submission(team_id="E042", root_dir=root, base_dir="evaluation")
    finally:
        os.chdir(cwd)
    with (
        zipfile.ZipFile(ours) as a,
        zipfile.ZipFile(official / "submission_E042.zip") as b,
    ):
        assert a.namelist() == b.namelist()
        assert a.namelist()[0] == "evaluation/"
        assert all(a.read(n) == b.read(n) for n in a.namelist())
    assert (tmp_path / "ours/submission_E042.zip").read_bytes() == (
        official / "submission_E042.zip"
    ).read_bytes()
    assert [p.name for p in (tmp_path / "ours").iterdir()] == ["submission_E042.zip"]


def test_stray_file_is_never_submitted(tmp_path):
    root = tmp_path / "enhanced_signals"
    files = _pair_files(root)
    stale = root / "evaluation/L0002/old/L0002_old_left_vocals.flac"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x")
    with pytest.raises(InputError, match="belong to no pair"):
        check_contents(root, files)
    out = tmp_path / "submission_E001.zip"
    with pytest.raises(InputError):
        pack(root, "E001", out, files)
    assert not out.exists()


def test_quick_look_segment_conflicts_with_submission():
    config = {
        "evaluation": {"enabled": True},
        "scoring": {"segment": {"start": 0, "end": 1}},
    }
    assert any("scoring.segment" in p for p in config_problems(config, SCHEMA))
    config["scoring"] = {"segment": None}
    assert config_problems(config, SCHEMA) == []


def test_auto_device():
    import torch

    from vdbo.core.torch_device import resolve_device

    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto") == torch.device(expected)
    assert resolve_device("cpu") == torch.device("cpu")
