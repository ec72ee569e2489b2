"""`separation.device: cuda` where torch sees no GPU stops the job with the key and the
fix, before any work, instead of a CUDA traceback from inside the model code."""

from __future__ import annotations

import pytest
import torch
from fake_weights import make_torch_home
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

from vdbo.core.errors import InputError
from vdbo.core.torch_device import resolve_device
from vdbo.training import train

no_cuda = pytest.mark.skipif(
    torch.cuda.is_available(), reason="checks the error on a machine without CUDA"
)
MESSAGE = "config key separation.device is 'cuda', but torch sees no CUDA device"


def test_cpu_and_none_are_the_cpu():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(None) == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")


@no_cuda
@pytest.mark.parametrize("name", ["cuda", "cuda:1", torch.device("cuda")])
def test_cuda_without_a_gpu_names_the_key_and_the_fix(name):
    with pytest.raises(InputError) as err:
        resolve_device(name)
    text = str(err.value)
    assert "config key separation.device is 'cuda" in text
    assert (
        "no CUDA device" in text or "no CUDA support" in text
    ), text  # CPU-only torch builds say so
    assert "`separation: {device: cpu, gpus: 0}`" in err.value.fix
    assert "GPU node" in err.value.fix


def test_a_name_torch_does_not_know_is_reported():
    with pytest.raises(InputError, match="'gpu0', not a torch device"):
        resolve_device("gpu0", "option --device")


@no_cuda
def test_training_on_cuda_without_a_gpu_fails_before_any_work(tmp_path):
    with pytest.raises(InputError, match="option --device is 'cuda'"):
        train(
            {},
            tmp_path / "no-music-here",
            ["Song"],
            [],
            tmp_path / "model.pt",
            tmp_path / "log.tsv",
            device="cuda",
            device_key="option --device",
        )
    assert list(tmp_path.iterdir()) == []


@no_cuda
@pytest.mark.slow
def test_separate_and_train_jobs_on_cuda_without_a_gpu(tmp_path):
    song, train_song = "Ada's Garden - Slow & Low", "Tally Ho - Spin"
    data = make_dataset(
        tmp_path / "data",
        {song: "test"},
        ["L0066"],
        seconds=1.0,
        train_songs=(train_song,),
    )
    home = make_torch_home(tmp_path / "torch")
    config = {
        "data": {"root": str(data), "build_demo": False},
        "separators": {
            "umxhq": {"kind": "openunmix", "model": "umxhq", "niter": 0},
        },
        "training": {"models": {"tiny": {"validation_songs": 0}}},
        "separation": {"device": "cuda", "gpus": 1},
    }
    cfg = write_config(tmp_path / "config.yaml", config)
    run = tmp_path / "run"
    separated = run / f"results/separated/umxhq/{song}.npz"
    model = run / "results/models/tiny/model.pt"
    done = snakemake(
        run,
        cfg,
        str(separated.relative_to(run)),
        str(model.relative_to(run)),
        "--keep-going",
        "--resources",
        "gpu=1",
        env={"TORCH_HOME": str(home)},
        check=False,
        timeout=600,
    )
    assert done.returncode != 0
    # run_job prints the message on the terminal, once per failed job
    assert done.stderr.count(f"vdbo: {MESSAGE}") == 2, done.stderr[-4000:]
    assert "Traceback" not in done.stderr
    logs = run / "results/logs"
    for log in (logs / "separate/umxhq" / f"{song}.log", logs / "train/tiny.log"):
        assert MESSAGE in log.read_text()
    assert not separated.exists()
    assert not model.exists()
    assert not list((run / "results").rglob("*.npz"))
    assert not list((run / "results").rglob("*.pt*"))
