"""Bring your own system, end to end against real clients.

* Reference stems copied into a ``kind: stems`` folder score exactly as ``oracle``; the
  oracle's enhanced folder, entered as a ``kind: folder`` submission, scores the same;
  a ``kind: python`` callable runs in the separate job.
* A submission zip written by the official ``test.py`` scores exactly what the
  official ``_evaluate_song_listener`` gives on its files.
* Stems written by the demucs command line (``python -m demucs.separate``) with the
  same weights as the built-in ``demucs`` separator: read exactly, and the two differ
  only where the command line processes differently (measured and printed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile
import torch
from documented_runner import crop_references, official
from fake_weights import make_demucs_repo, make_torch_home
from scipy.io import wavfile
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

from vdbo import STEMS
from vdbo.separation.stems_npz import load_stems

SONG = "Ada's Garden - Slow & Low"
LISTENER = "L0066"
RATE = 44100

QUARTERS = """
def quarters(mixture, sample_rate, *, device="cpu"):
    assert sample_rate == 44100 and device == "cpu"
    return {s: mixture / 4 for s in ("vocals", "drums", "bass", "other")}
"""


def scores(work: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(work / f"results/scores/{name}.csv", dtype=str)


@pytest.mark.slow
def test_reference_stems_folder_and_oracle_folder_score_as_oracle(tmp_path):
    data = make_dataset(tmp_path / "data", {SONG: "test"}, [LISTENER], seconds=1.5)
    stems = tmp_path / "stems" / SONG
    stems.mkdir(parents=True)
    for stem in STEMS:
        shutil.copy(data / "audio/musdb18hq/test" / SONG / f"{stem}.wav", stems)
    module = tmp_path / "mine" / "byos_demo"
    module.mkdir(parents=True)
    (module / "__init__.py").write_text("")
    (module / "split.py").write_text(QUARTERS)
    config = {
        "data": {"root": str(data), "build_demo": False},
        "separators": {
            "oracle": {"kind": "oracle"},
            "mixture": {"kind": "mixture", "enabled": False},
            "copied": {"kind": "stems", "path": str(tmp_path / "stems")},
            "quarters": {
                "kind": "python",
                "callable": "byos_demo.split:quarters",
                "python_path": str(tmp_path / "mine"),
            },
        },
        "scoring": {"engine": "fast", "verify_pairs": 0, "segment": None},
    }
    work = tmp_path / "work"
    snakemake(work, write_config(tmp_path / "config.yaml", config))

    oracle = scores(work, "oracle")
    pd.testing.assert_frame_equal(scores(work, "copied"), oracle)
    separated = work / "results/separated"
    ours, theirs = (
        load_stems(separated / f"copied/{SONG}.npz"),
        load_stems(separated / f"oracle/{SONG}.npz"),
    )
    assert list(ours) == list(theirs)
    for stem in STEMS:
        np.testing.assert_array_equal(ours[stem], theirs[stem])
    quarters = load_stems(separated / f"quarters/{SONG}.npz")
    mixture = wavfile.read(data / "audio/musdb18hq/test" / SONG / "mixture.wav")[1]
    mixture = (mixture / 32768.0).astype(np.float32).T
    np.testing.assert_array_equal(quarters["bass"], mixture / 4)
    print(f"\noracle: {oracle.iloc[0].to_dict()}")

    # The oracle's enhanced folder, entered as a submission, scores the same.
    config["submissions"] = {
        "oracle_folder": {
            "kind": "folder",
            "path": str(work / "results/enhanced/oracle"),
        }
    }
    snakemake(work, write_config(tmp_path / "config2.yaml", config))
    pd.testing.assert_frame_equal(scores(work, "oracle_folder"), oracle)
    summary = pd.read_csv(work / "results/summary.csv")
    assert set(summary["separator"]) == {
        "oracle",
        "copied",
        "quarters",
        "oracle_folder",
    }
    print((work / "results/summary.md").read_text())


def official_scores_of(zip_path: Path, data: Path, tmp: Path):
    """What the official evaluation gives on a test.py zip's files.

    The zip is unpacked with zipfile (it is the one test.py just made) and the
    reference stems are cropped to the segment as test.py crops the enhanced stems.
    """
    from omegaconf import OmegaConf
    from recipes.cad1.task1.baseline.evaluate import _evaluate_song_listener

    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp / "unzipped")
    songs = [{"Track Name": SONG, "Split": "test"}]
    refs = crop_references(data, tmp / "refs", songs)  # the segments file's segment
    config = OmegaConf.create(
        {
            "path": {"music_dir": str(refs)},
            "sample_rate": RATE,
            "stem_sample_rate": 24000,
            "evaluate": {"set_random_seed": True},
        }
    )
    listener = json.loads((data / "metadata/listeners.test.json").read_text())
    return _evaluate_song_listener(
        SONG, LISTENER, config, "test", listener[LISTENER], tmp / "unzipped/evaluation"
    )


@pytest.mark.slow
def test_official_test_py_zip_scores_as_the_official_evaluation(tmp_path):
    segment = (0.5, 1.5)
    data = make_dataset(
        tmp_path / "data", {SONG: "test"}, [LISTENER], seconds=2.0,
        test_segments={SONG: segment},
    )  # fmt: skip
    home = make_torch_home(tmp_path / "torch")
    exp = tmp_path / "exp"
    official(
        "test", {**os.environ, "TORCH_HOME": str(home)},
        f"path.root={data}", f"path.exp_folder={exp}", "team_id=T001",
    )  # fmt: skip
    zip_path = exp / "submission_T001.zip"
    names = zipfile.ZipFile(zip_path).namelist()
    assert all(n.startswith("evaluation/") for n in names)
    assert sum(n.endswith(".flac") for n in names) == 9

    score, per_stem = official_scores_of(zip_path, data, tmp_path)

    config = {
        "data": {
            "root": str(data),
            "build_demo": False,
            "songs": "metadata/musdb18.test.json",
            "listeners": "metadata/listeners.test.json",
        },
        "separators": {"oracle": {"kind": "oracle", "enabled": False}},
        "submissions": {"T001": {"kind": "zip", "path": str(zip_path)}},
        # the stems hold evaluation.segments_file's objective segments (its default
        # is metadata/musdb18.segments.test.json, the file test.py crops with)
        "scoring": {"engine": "fast", "verify_pairs": 0},
    }
    work = tmp_path / "work"
    snakemake(work, write_config(tmp_path / "config.yaml", config))
    row = scores(work, "T001").iloc[0]
    assert (row["song"], row["listener"]) == (SONG, LISTENER)
    assert row["score"] == str(score)
    for key, value in per_stem.items():
        assert row[key] == str(value), key
    summary = pd.read_csv(work / "results/summary.csv")
    assert list(summary["separator"]) == ["T001"]
    print(f"\nofficial evaluate on the zip's files: {score!r} {per_stem}")
    print(f"vdbo, kind zip:                       {row.to_dict()}")


def run_demucs_cli(repo: Path, track: Path, out: Path, *extra: str) -> Path:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "demucs.separate",
            "--repo",
            str(repo),
            "-n",
            "tiny",
            "--float32",
            "--shifts",
            "0",
            "--overlap",
            "0.25",
            "-d",
            "cpu",
            "-o",
            str(out),
            *extra,
            str(track),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return out / "tiny"


@pytest.mark.slow
def test_demucs_command_line_stems_against_the_builtin_demucs(tmp_path):
    from torchaudio.transforms import Fade

    data = make_dataset(tmp_path / "data", {SONG: "test"}, [LISTENER], seconds=2.0)
    track = data / "audio/musdb18hq/test" / SONG
    repo = make_demucs_repo(tmp_path / "repo")
    # The command line names outputs after the input file: one <song>.wav per track.
    mixtures = tmp_path / "mixtures"
    mixtures.mkdir()
    shutil.copy(track / "mixture.wav", mixtures / f"{SONG}.wav")
    plain = run_demucs_cli(repo, mixtures / f"{SONG}.wav", tmp_path / "cli")

    config = {
        "data": {"root": str(data), "build_demo": False},
        "separators": {
            "builtin": {"kind": "demucs", "model": "tiny", "repo": str(repo)},
            "cli": {"kind": "stems", "path": str(plain)},
        },
        "scoring": {
            "engine": "fast",
            "verify_pairs": 0,
            "segment": {"start": 0.5, "end": 1.5},
        },
    }
    work = tmp_path / "work"
    snakemake(work, write_config(tmp_path / "config.yaml", config))
    separated = {
        name: load_stems(work / f"results/separated/{name}/{SONG}.npz")
        for name in config["separators"]
    }

    # 1. kind: stems carries the command line's float32 stems exactly.
    for stem in STEMS:
        written, _ = soundfile.read(
            plain / SONG / f"{stem}.wav", dtype="float32", always_2d=True
        )
        np.testing.assert_array_equal(separated["cli"][stem], written.T)

    # 2. Where the command line differs from the built-in (the official
    # decompose_signal): it normalises with torch's std + 1e-8 instead of numpy's
    # std (rounding-level differences), and the official separate_sources fades
    # out the last 0.1 s of a song shorter than its 11 s chunk.
    builtin, cli = separated["builtin"], separated["cli"]
    n = builtin["vocals"].shape[1]
    tail = int(0.1 * RATE)
    mean = (wavfile.read(track / "mixture.wav")[1] / 32768.0).astype(np.float32)
    mean = mean.mean(1).mean()
    fade = Fade(fade_in_len=0, fade_out_len=tail, fade_shape="linear")
    print()
    for stem in STEMS:
        diff = np.abs(cli[stem] - builtin[stem])
        interior, end = diff[:, : n - tail].max(), diff[:, n - tail :].max()
        faded = fade(torch.from_numpy(cli[stem] - mean)).numpy() + mean
        refaded = np.abs(faded - builtin[stem]).max()
        peak = np.abs(builtin[stem]).max()
        print(
            f"{stem}: peak {peak:.4f}; |cli - builtin| max before the last 0.1 s "
            f"{interior:.3g}, in it {end:.3g}; with the official fade applied "
            f"{refaded:.3g}"
        )
        assert interior <= 1e-5 * max(peak, 1.0)
        assert end > 1000 * interior
        assert refaded <= 1e-5 * max(peak, 1.0)

    # 3. Its writer: the default clip mode, rescale, divides each stem whose peak is
    # above 1/1.01 by 1.01 x its peak (per stem, so the stems' balance changes); with
    # `--clip-mode none --float32` it still clamps to [-1, 1]. Shown on stems made
    # 20 x louder, written by demucs' own save_audio and read back as kind: stems.
    from demucs.audio import save_audio

    from vdbo.separation.stems_folder import read_track_stems

    for mode in ("rescale", "none"):
        folder = tmp_path / f"loud_{mode}"
        (folder / SONG).mkdir(parents=True)
        for stem in STEMS:
            loud = torch.from_numpy(cli[stem] * 20)
            save_audio(
                loud, folder / SONG / f"{stem}.wav", RATE, clip=mode, as_float=True
            )
        read = read_track_stems({"path": str(folder)}, SONG, n)
        for stem in STEMS:
            loud = torch.from_numpy(cli[stem] * 20)
            if mode == "rescale":
                factor = max(1.01 * loud.abs().max().item(), 1.0)
                expected = (loud / max(1.01 * loud.abs().max(), 1)).numpy()
                what = f"divided by {factor:.4f}"
            else:
                expected = loud.clamp(-1, 1).numpy()
                what = (
                    f"{(loud.abs() > 1).float().mean().item():.1%} of samples clamped"
                )
            np.testing.assert_array_equal(read[stem], expected)
            print(
                f"clip-mode {mode}, {stem} x 20 (peak {loud.abs().max():.3f}): {what}"
            )

    # 4. The scores (segment 0.5-1.5 s, before the fade).
    table = {name: scores(work, name).iloc[0] for name in config["separators"]}
    columns = ["score", *(f"{side}_{s}" for s in STEMS for side in ("left", "right"))]
    deltas = {c: float(table["cli"][c]) - float(table["builtin"][c]) for c in columns}
    print("cli - builtin: " + ", ".join(f"{k} {v:+.3g}" for k, v in deltas.items()))
    print(f"builtin: {table['builtin'].to_dict()}")
    print(f"cli:     {table['cli'].to_dict()}")
    assert max(map(abs, deltas.values())) < 1e-4
