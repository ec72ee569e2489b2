"""Training and fine-tuning separators: learning, resuming, loading, fine-tuning."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from tinydata import make_dataset

from vdbo.core.audio_io import read_wav_float
from vdbo.core.errors import InputError
from vdbo.training import load_separation_model, train
from vdbo.training.checkpoint import resume_path

TRAIN = ["A & B's First Song", "Second Song", "Third (Live) Song"]
VALID = ["O'Brien - Valid & True"]

TINY = {
    "seed": 7,
    "epochs": 3,
    "steps_per_epoch": 4,
    "batch_size": 2,
    "chunk_seconds": 1.0,
    "learning_rate": 3e-3,
    "log_interval_seconds": 0.0,
    "validation": {"chunk_seconds": 1.0, "max_chunks_per_song": 2},
}
UMX = {
    **TINY,
    "architecture": "umx",
    "umx": {"hidden_size": 16, "nfft": 512, "nhop": 128},
}
HDEMUCS = {**TINY, "architecture": "hdemucs", "epochs": 2}


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Small models run fastest on one thread on this shared machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def music(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("training_data")
    songs = dict.fromkeys(TRAIN + VALID, "train")
    make_dataset(root, songs, ["L0001"], seconds=3.0)
    return root / "audio/musdb18hq"


def _train(music: Path, cfg: dict, out: Path, **kwargs) -> dict:
    return train(cfg, music, TRAIN, VALID, out, out.with_suffix(".jsonl"), **kwargs)


@pytest.fixture(scope="module")
def umx_run(music, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("umx") / "model.pt"
    return out, _train(music, UMX, out)


@pytest.fixture(scope="module")
def hdemucs_run(music, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("hdemucs") / "model.pt"
    return out, _train(music, HDEMUCS, out)


def _events(log: Path) -> list[dict]:
    """The complete lines of a JSON-lines log (one may still be being written)."""
    return [json.loads(line) for line in log.read_text().split("\n")[:-1]]


def _weights(checkpoint: Path) -> dict:
    return torch.load(checkpoint, weights_only=True)["state_dict"]


@pytest.mark.parametrize("run", ["umx_run", "hdemucs_run"])
def test_training_lowers_the_validation_loss(run, request):
    out, metrics = request.getfixturevalue(run)
    assert metrics["valid_loss"] < metrics["initial_valid_loss"]
    assert out.is_file() and not resume_path(out).exists()
    epochs = [e for e in _events(out.with_suffix(".jsonl")) if e["event"] == "epoch"]
    assert [e["epoch"] for e in epochs] == list(range(1, metrics["epochs"] + 1))
    for event in epochs:
        assert event["config_hash"] == metrics["config_hash"]
        assert {"train_loss", "valid_loss", "seconds", "eta_seconds"} <= set(event)


@pytest.mark.parametrize("run", ["umx_run", "hdemucs_run"])
def test_checkpoint_separates_through_official_decompose_signal(run, request, music):
    from recipes.cad1.task1.baseline.enhance import decompose_signal

    out, _ = request.getfixturevalue(run)
    model = load_separation_model(out)
    assert sorted(model.sources) == ["bass", "drums", "other", "vocals"]
    assert model.normalise == (run == "hdemucs_run")
    mixture = read_wav_float(music / "train" / VALID[0] / "mixture.wav")
    stems = decompose_signal(
        model.module,
        model.sample_rate,
        mixture.T,
        44100,
        torch.device("cpu"),
        model.sources,
        None,
        None,
        model.normalise,
    )
    assert set(stems) == {
        f"{side}_{s}" for side in ("left", "right") for s in model.sources
    }
    for signal_ in stems.values():
        assert signal_.shape == (mixture.shape[0],)
        assert np.all(np.isfinite(signal_))


class Killed(Exception):
    """Stands for a kill between epochs (after the epoch's state is saved)."""


def kill_after(last_epoch: int):
    def hook(epoch: int, metrics: dict) -> None:
        if epoch == last_epoch:
            raise Killed

    return hook


def test_killed_run_resumes_to_the_uninterrupted_weights(umx_run, music, tmp_path):
    reference, _ = umx_run
    out = tmp_path / "model.pt"
    with pytest.raises(Killed):
        _train(music, UMX, out, on_epoch_end=kill_after(2))
    assert resume_path(out).is_file() and not out.exists()

    _train(music, UMX, out)
    events = _events(out.with_suffix(".jsonl"))
    starts = [e["event"] for e in events if e["event"] in ("start", "resume")]
    assert starts == ["start", "resume"]
    assert [e["epoch"] for e in events if e["event"] == "epoch"] == [1, 2, 3]
    expected, resumed = _weights(reference), _weights(out)
    assert all(torch.equal(expected[k], resumed[k]) for k in expected)
    assert not resume_path(out).exists()


def test_changed_settings_start_over_instead_of_resuming(music, tmp_path):
    out = tmp_path / "model.pt"
    cfg = {**UMX, "epochs": 2}
    with pytest.raises(Killed):
        _train(music, cfg, out, on_epoch_end=kill_after(1))
    _train(music, {**cfg, "seed": 8}, out)
    events = _events(out.with_suffix(".jsonl"))
    assert [e["event"] for e in events if e["event"] in ("start", "resume")] == [
        "start"
    ]
    assert [e["epoch"] for e in events if e["event"] == "epoch"] == [1, 2]


@pytest.mark.slow
def test_sigkilled_process_resumes(umx_run, music, tmp_path):
    """A real SIGKILL in the middle of an epoch, via the command line."""
    reference, _ = umx_run
    config = tmp_path / "config.json"
    config.write_text(json.dumps(UMX))
    songs = tmp_path / "train.json"
    songs.write_text(json.dumps([{"Track Name": s, "Split": "train"} for s in TRAIN]))
    valid = tmp_path / "valid.json"
    valid.write_text(json.dumps([{"Track Name": s, "Split": "train"} for s in VALID]))
    out, log = tmp_path / "model.pt", tmp_path / "log.jsonl"
    command = [
        sys.executable,
        "-m",
        "vdbo.training",
        "--music-dir",
        str(music),
        "--train-songs",
        str(songs),
        "--valid-songs",
        str(valid),
        "--config",
        str(config),
        "--out",
        str(out),
        "--log",
        str(log),
    ]
    process = subprocess.Popen(
        command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            events = _events(log) if log.exists() else []
            if any(e["event"] == "step" and e["epoch"] == 2 for e in events):
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not out.exists() and resume_path(out).exists()
    subprocess.run(command, check=True, capture_output=True)
    assert "resume" in [e["event"] for e in _events(log)]
    expected, resumed = _weights(reference), _weights(out)
    assert all(torch.equal(expected[k], resumed[k]) for k in expected)


def test_fine_tuning_starts_from_a_vdbo_checkpoint(umx_run, music, tmp_path):
    init, first = umx_run
    metrics = _train(
        music, {**UMX, "epochs": 1}, tmp_path / "m.pt", init_checkpoint=init
    )
    assert metrics["initial_valid_loss"] == pytest.approx(first["valid_loss"], rel=1e-6)


def test_fine_tuning_starts_from_per_stem_openunmix_state_dicts(
    umx_run, music, tmp_path
):
    """The umxhq layout: one ``<stem>-<hash>.pth`` state dict per stem in a folder."""
    init, first = umx_run
    separator = load_separation_model(init).module
    folder = tmp_path / "umx"
    folder.mkdir()
    for stem, model in separator.target_models.items():
        torch.save(model.state_dict(), folder / f"{stem}-0123abcd.pth")
    metrics = _train(
        music, {**UMX, "epochs": 1}, tmp_path / "m.pt", init_checkpoint=folder
    )
    assert metrics["initial_valid_loss"] == pytest.approx(first["valid_loss"], rel=1e-6)

    with pytest.raises(InputError, match="umx.hidden_size 16"):
        _train(
            music,
            {**UMX, "umx": {"hidden_size": 32}},
            tmp_path / "x.pt",
            init_checkpoint=folder,
        )


def test_fine_tuning_starts_from_an_hdemucs_state_dict(hdemucs_run, music, tmp_path):
    """HDEMUCS_HIGH_MUSDB's format: a bare state dict in one file."""
    init, first = hdemucs_run
    state = tmp_path / "hdemucs.pt"
    torch.save(load_separation_model(init).module.state_dict(), state)
    metrics = _train(
        music, {**HDEMUCS, "epochs": 1}, tmp_path / "m.pt", init_checkpoint=state
    )
    assert metrics["initial_valid_loss"] == pytest.approx(first["valid_loss"], rel=1e-6)

    with pytest.raises(InputError, match="hdemucs.channels 8"):
        _train(
            music,
            {**HDEMUCS, "hdemucs": {"channels": 16}},
            tmp_path / "x.pt",
            init_checkpoint=state,
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"epochs": 0}, "epochs"),
        ({"learning_rat": 1.0}, "learning_rat"),
        ({"architecture": "hdemucs", "hdemucs": {"nfft": 512, "depth": 4}}, "nfft 512"),
        ({"augment": {"gain_db_min": 3.0, "gain_db_max": -3.0}}, "gain_db"),
    ],
)
def test_bad_settings_are_reported_with_the_key(change, message, music, tmp_path):
    with pytest.raises(InputError, match=message):
        _train(music, {**UMX, **change}, tmp_path / "m.pt")


def test_unknown_song_is_reported(music, tmp_path):
    with pytest.raises(InputError, match="No Such Song"):
        train(UMX, music, ["No Such Song"], [], tmp_path / "m.pt", tmp_path / "l.jsonl")
