"""The preflight: `snakemake -n` reports, before planning, what would fail later."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.io import wavfile
from standin import TEST_SONGS, TRAIN_SONGS, VALID_SONGS, make_standin
from tinydata import write_track
from workflow_runner import snakemake, write_config

from vdbo import STEMS, TRACK_FILES, preflight
from vdbo.core.errors import InputError
from vdbo.separation.kinds import Weights

RATE = 44100
SONG = "Song A"


@pytest.fixture
def track(tmp_path):
    return write_track(tmp_path / SONG, 0, 2.0)


def _check(track, segment=None, policy="error"):
    files = {n: track / f"{n}.wav" for n in TRACK_FILES}
    report = preflight.track_problems(files, STEMS, segment, policy, SONG)
    return [str(e) for e in report.errors]


def test_a_good_track_passes(track):
    assert _check(track) == [] and _check(track, (0.5, 1.5)) == []


@pytest.mark.parametrize(
    ("name", "samples", "rate", "problem"),
    [
        ("vocals", np.zeros((2 * RATE, 2), np.int16), 48000, "sample rate 48000 Hz"),
        ("drums", np.zeros(2 * RATE, np.int16), RATE, "1 channel(s), not 2"),
        ("bass", np.zeros((2 * RATE, 2), np.float32), RATE, "32-bit float"),
        ("other", np.ones((RATE, 2), np.int16), RATE, "differ in length"),
    ],
)
def test_wrong_audio_is_named(track, name, samples, rate, problem):
    wavfile.write(track / f"{name}.wav", rate, samples)
    errors = _check(track)
    assert len(errors) == 1 and problem in errors[0], errors
    assert (f"{name}.wav" in errors[0]) or (str(track) in errors[0])


def test_truncated_wav_is_named(track):
    data = (track / "bass.wav").read_bytes()
    (track / "bass.wav").write_bytes(data[: len(data) // 2])
    [error] = _check(track)
    assert f"{track / 'bass.wav'}: is truncated" in error
    assert "declares 2.00 s" in error


def test_silent_reference_over_the_scored_range(track):
    _, bass = wavfile.read(track / "bass.wav")
    bass = bass.copy()
    bass[:RATE, 1] = 0  # the right ear is silent over the first second only
    wavfile.write(track / "bass.wav", RATE, bass)
    assert _check(track) == []
    [error] = _check(track, (0.1, 0.9))
    # the score job's own message (vdbo.evaluation.silence)
    assert "the reference is silent (all samples zero) in bass (right ear)" in error
    assert "0.10-0.90 s" in error and "silent_reference: skip" in error
    assert _check(track, (0.1, 0.9), policy="skip") == []


def test_segment_past_the_end(track):
    [error] = _check(track, (1.0, 3.0))
    assert "2.00 s long, shorter than its scored segment (1-3 s)" in error


def test_missing_weights_offline_and_online(tmp_path):
    weights = Weights("HDEMUCS", {"m": (tmp_path / "w.pt", "https://example.org/w.pt")})
    [error], notes = preflight.missing_weights(weights, online=False)
    assert str(tmp_path / "w.pt") in str(error) and "https://example.org" in str(error)
    assert notes == []
    errors, [note] = preflight.missing_weights(weights, online=True)
    assert errors == [] and "download" in note
    (tmp_path / "w.pt").write_bytes(b"x")
    assert preflight.missing_weights(weights, online=False) == ([], [])


def test_report_raises_one_error_listing_all(track):
    report = preflight.Report(errors=[InputError(track, "a", "b")] * 2)
    with pytest.raises(InputError, match="found 2 problems"):
        report.raise_errors()
    preflight.Report().raise_errors()


def standin_with_one_of_each_problem(root):
    """The stand-in's four songs in one list, each with problems; returns the
    expected message fragments."""
    make_standin(root, valid_songs=2, test_songs=2, seconds=2.5)
    music = root / "audio/musdb18hq"
    songs = [(s, "train") for s in VALID_SONGS] + [(s, "test") for s in TEST_SONGS]
    (root / "metadata/all.json").write_text(
        json.dumps([{"Track Name": s, "Split": f} for s, f in songs])
    )
    segments = {s: {"start": 0.5, "end": 2.0} for s, _ in songs}
    segments[TEST_SONGS[1]] = {"start": 1.0, "end": 3.5}  # the song lasts 2.5 s
    (root / "metadata/segments.json").write_text(json.dumps(segments))
    one, two, three, four = (music / f / s for s, f in songs)
    n = int(2.5 * RATE)
    wavfile.write(one / "vocals.wav", 48000, np.zeros((n, 2), np.int16))
    wavfile.write(one / "drums.wav", RATE, np.zeros(n, np.int16))
    wavfile.write(one / "bass.wav", RATE, np.zeros((n, 2), np.float32))
    data = (two / "other.wav").read_bytes()
    (two / "other.wav").write_bytes(data[: len(data) * 2 // 3])
    _, bass = wavfile.read(three / "bass.wav")
    wavfile.write(three / "bass.wav", RATE, np.zeros_like(bass))
    _, vocals = wavfile.read(four / "vocals.wav")
    wavfile.write(four / "vocals.wav", RATE, vocals[: n // 2])
    return [
        f"{one / 'vocals.wav'}: is sample rate 48000 Hz",
        f"{one / 'drums.wav'}: is 1 channel(s), not 2",
        f"{one / 'bass.wav'}: is 32-bit float",
        f"{two / 'other.wav'}: is truncated",
        f"{three}: song {TEST_SONGS[0]!r}: the reference is silent (all samples zero) "
        "in bass (left ear), bass (right ear)",
        "differ in length",
        f"song {TEST_SONGS[1]!r}, field end: segment ends at 3.5 s",
        "HDEMUCS weights are not cached",
    ]


@pytest.mark.slow
def test_dry_run_reports_every_problem_before_planning(tmp_path):
    root = tmp_path / "data"
    expected = standin_with_one_of_each_problem(root)
    config = {
        "data": {"root": str(root), "songs": "metadata/all.json",
                 "listeners": "metadata/listeners.test.json"},
        "separators": {"oracle": {"kind": "oracle"},
                       "hdemucs": {"kind": "torchaudio_hdemucs"}},
        "scoring": {"segments_file": "metadata/segments.json"},
    }  # fmt: skip
    cfg = write_config(tmp_path / "config.yaml", config)
    env = {"TORCH_HOME": str(tmp_path / "torch")}
    run = snakemake(tmp_path / "run", cfg, "-n", env=env, check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Building DAG" not in output and "Job stats" not in output
    assert "found 8 problems" in output, output[-4000:]
    for text in expected[:-1]:
        assert text in output, (text, output[-4000:])
    # offline (this test machine): an error; online: a note; both name the file
    assert str(tmp_path / "torch/hub/torchaudio/models") in output
    assert not (tmp_path / "run/results").exists()


@pytest.mark.slow
def test_dry_run_checks_the_training_songs_of_trained_models(tmp_path):
    root = make_standin(tmp_path / "data", seconds=1.0)
    train = root / "audio/musdb18hq/train" / TRAIN_SONGS[0]
    _, drums = wavfile.read(train / "drums.wav")
    wavfile.write(train / "drums.wav", 22050, drums)
    config = {
        "data": {"root": str(root)},
        "separators": {"mine": {"kind": "trained", "trained_model": "umx"}},
        "training": {"models": {"umx": {"validation_songs": 0}}},
    }
    cfg = write_config(tmp_path / "config.yaml", config)
    run = snakemake(tmp_path / "run", cfg, "-n", check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert f"{train / 'drums.wav'}: is sample rate 22050 Hz" in output, output[-3000:]


def test_a_file_that_is_not_a_wav_is_named(track):
    (track / "mixture.wav").write_bytes(b"fLaC" + bytes(100))  # a FLAC named .wav
    [error] = _check(track)
    assert f"{track / 'mixture.wav'}: not a readable WAV file" in error


@pytest.mark.parametrize(
    ("argv", "keeps"),
    [(["-n"], False), (["--keep-going"], True), (["-nk"], True), (["-k", "-n"], True),
     (["--cores", "2", "--configfile", "k.yaml"], False), (["--kernel"], False)],
)  # fmt: skip
def test_keep_going_turns_problems_into_warnings(argv, keeps):
    assert preflight.keeps_going(argv) is keeps
