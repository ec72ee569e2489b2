"""Training throughput of both separators at the demo sizes, on this machine.

Prints seconds of audio trained on per second of wall time (forward, backward and
optimiser step on augmented batches drawn by the real sampler), per architecture and
torch thread count, with the ratio to the first row (Open-Unmix, one thread) as the
anchor, and the wall time the demo's default settings would take.

    .venv/bin/python benchmarks/training_throughput.py [--steps 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from tinydata import make_dataset  # noqa: E402

from vdbo.training.architectures import build_trainer  # noqa: E402
from vdbo.training.config import DEFAULTS, resolve_config  # noqa: E402
from vdbo.training.dataset import ChunkSampler, load_songs  # noqa: E402

SONGS = ["Bench & Mark's One", "Bench Two", "Bench Three"]


def bench_songs(seconds: float = 6.0) -> list:
    """The benchmark's training songs, in memory (synthetic stems, ``seconds`` long)."""
    with tempfile.TemporaryDirectory() as tmp:
        make_dataset(
            Path(tmp), dict.fromkeys(SONGS, "train"), ["L0001"], seconds=seconds
        )
        return load_songs(Path(tmp) / "audio/musdb18hq", SONGS)


def sync(device: str | torch.device) -> None:
    """Wait for the device's queued work (CUDA runs asynchronously) before timing."""
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def throughput(
    cfg: dict, songs, steps: int, threads: int, device: str = "cpu"
) -> float:
    """Audio seconds per wall second over ``steps`` training steps after a warm-up.

    On ``device`` (batches drawn on the CPU and moved there, as the training loop does).
    """
    torch.set_num_threads(threads)
    torch.manual_seed(cfg["seed"])
    trainer = build_trainer(cfg)
    trainer.module.to(device)
    sampler = ChunkSampler(songs, cfg["chunk_seconds"], cfg["augment"])
    optimizer = torch.optim.Adam(trainer.module.parameters(), lr=cfg["learning_rate"])
    rng = np.random.default_rng(cfg["seed"])

    def step() -> None:
        stems = torch.from_numpy(sampler.batch(rng, cfg["batch_size"])).to(device)
        optimizer.zero_grad()
        trainer.loss(stems).backward()
        optimizer.step()

    step()
    sync(device)
    started = time.perf_counter()
    for _ in range(steps):
        step()
    sync(device)
    seconds = time.perf_counter() - started
    return steps * cfg["batch_size"] * cfg["chunk_seconds"] / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=8, help="timed steps per row")
    parser.add_argument(
        "--smoke", action="store_true", help="seconds: 1 step, 1 thread (tests/)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.steps = 1
    songs = bench_songs()
    demo_audio = (
        DEFAULTS["epochs"]
        * DEFAULTS["steps_per_epoch"]
        * DEFAULTS["batch_size"]
        * DEFAULTS["chunk_seconds"]
    )
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads available")
    print(f"demo default settings train on {demo_audio:.0f} s of audio")
    header = ("architecture", "threads", "audio s/s", "ratio", "demo")
    print("{:<12} {:>7} {:>10} {:>6} {:>8}".format(*header))
    anchor = None
    for arch in ("umx", "hdemucs"):
        cfg = resolve_config({"architecture": arch})
        for threads in (1,) if args.smoke else (1, 2):
            rate = throughput(cfg, songs, args.steps, threads)
            anchor = anchor or rate
            print(
                f"{arch:<12} {threads:>7} {rate:>10.2f} {rate / anchor:>6.2f} "
                f"{demo_audio / rate / 60:>6.1f} m"
            )


if __name__ == "__main__":
    main()
