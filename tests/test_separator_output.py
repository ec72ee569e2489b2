"""Separator output that cannot be trusted (NaN, inf, wrong shape or length) stops the
separate job with a message naming separator, song and stem; nothing is written."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

from vdbo import STEMS
from vdbo.separation.checks import BadSeparatorOutput, check_separated
from vdbo.separation.run import separate_track
from vdbo.training.architectures import build_trainer
from vdbo.training.checkpoint import CHECKPOINT_FORMAT, atomic_save
from vdbo.training.config import resolve_config

SONG = "Diverged & Done - It's NaN"
N = 44100


def good() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {s: rng.uniform(-0.1, 0.1, (2, N)).astype(np.float32) for s in STEMS}


def bad(stem: str, value) -> dict[str, np.ndarray]:
    stems = good()
    if callable(value):
        stems[stem] = value(stems[stem])
    else:
        stems[stem][1, 22050:22060] = value
    return stems


def test_silent_stems_are_legal():
    check_separated({s: np.zeros((2, N), np.float32) for s in STEMS}, N, "x", SONG)


@pytest.mark.parametrize(
    ("stems", "expected"),
    [
        (bad("drums", np.nan), "drums: 10 NaN samples (first at 0.50 s)"),
        (bad("bass", np.inf), "bass: 10 infinite samples (first at 0.50 s)"),
        (bad("vocals", lambda x: x[:, :-4410]), "vocals: 39690 samples (0.90 s), the"),
        (bad("other", lambda x: x[:1]), "other: shape (1, 44100), expected (2 chan"),
        (bad("other", lambda x: x.T), "other: shape (44100, 2), expected (2 chan"),
        ({s: x for s, x in good().items() if s != "bass"}, "no bass stem"),
    ],
)
def test_untrustworthy_stems_are_refused(stems, expected):
    with pytest.raises(BadSeparatorOutput) as err:
        check_separated(stems, N, "my_sep", SONG)
    print(err.value)
    assert f"separator 'my_sep' returned untrustworthy stems for song {SONG!r}" in str(
        err.value
    )
    assert expected in str(err.value)


def nan_checkpoint(path):
    """A real trained-model checkpoint whose weights diverged to NaN."""
    cfg = resolve_config(
        {"architecture": "umx", "umx": {"hidden_size": 16, "nfft": 512, "nhop": 128}}
    )
    trainer = build_trainer(cfg)
    with torch.no_grad():
        for parameter in trainer.module.parameters():
            parameter.fill_(math.nan)
    atomic_save(
        {
            "format": CHECKPOINT_FORMAT,
            "architecture": trainer.architecture,
            "sizes": trainer.sizes,
            "state_dict": trainer.module.state_dict(),
            "config": cfg,
            "config_hash": "nan",
            "metrics": {},
            "history": [],
        },
        path,
    )
    return path


def test_a_diverged_trained_model_is_refused(tmp_path):
    data = make_dataset(tmp_path / "data", {SONG: "test"}, ["L0045"], seconds=1.0)
    spec = {"kind": "trained", "checkpoint": nan_checkpoint(tmp_path / "model.pt")}
    track = data / "audio/musdb18hq/test" / SONG
    with pytest.raises(BadSeparatorOutput, match="'diverged'.*vocals: 88200 NaN"):
        separate_track(spec, track, name="diverged")


@pytest.mark.slow
def test_the_separate_job_stops_and_writes_nothing(tmp_path):
    data = make_dataset(tmp_path / "data", {SONG: "test"}, ["L0045"], seconds=1.0)
    config = {
        "data": {"root": str(data), "build_demo": False},
        "separators": {
            "diverged": {
                "kind": "trained",
                "checkpoint": str(nan_checkpoint(tmp_path / "model.pt")),
            },
        },  # fmt: skip
        "scoring": {"engine": "fast", "verify_pairs": 0, "segment": None},
        "remix": {"separators": ["diverged"], "haaqi": False},
    }
    cfg = write_config(tmp_path / "config.yaml", config)
    run = tmp_path / "run"
    result = snakemake(run, cfg, check=False)
    assert result.returncode != 0
    messages = [ln for ln in result.stderr.splitlines() if ln.startswith("vdbo: ")]
    print("\n".join(messages))
    assert len(messages) == 1
    assert (
        f"separator 'diverged' returned untrustworthy stems for song {SONG!r}"
        in (messages[0])
    )
    assert "vocals: 88200 NaN samples" in messages[0]
    assert not list((run / "results/separated").rglob("*.npz"))
    assert not (run / "results/enhanced").exists()
