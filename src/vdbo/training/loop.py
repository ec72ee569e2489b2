"""The training run: epochs of random augmented batches, validation, checkpoints.

Reproducibility: each epoch draws its batches and its dropout from generators seeded
with ``(seed, epoch)``, so an epoch does the same work whether the run got there
uninterrupted or resumed from the previous epoch's state (weights and optimiser).
On the CPU, ``torch.use_deterministic_algorithms`` is on for the run; results are
then identical for the same seed, settings and thread count.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch

from vdbo.core.torch_device import DEVICE_KEY, resolve_device
from vdbo.training.architectures import build_trainer
from vdbo.training.checkpoint import (
    RESUME_FORMAT,
    atomic_save,
    init_digest,
    load_init_weights,
    load_resume_state,
    resume_path,
    save_final,
)
from vdbo.training.config import config_hash, resolve_config
from vdbo.training.dataset import ChunkSampler, load_songs, validation_chunks
from vdbo.training.progress import ProgressLog
from vdbo.training.validation import evaluate


@contextlib.contextmanager
def run_settings(device: torch.device, threads: int | None) -> Iterator[None]:
    """Deterministic kernels on the CPU and the thread count for a run, then as before.

    Small models train fastest on one thread: on a busy machine, a second thread
    waiting at every synchronisation point slows the LSTM down many times over.
    """
    before = torch.are_deterministic_algorithms_enabled(), torch.get_num_threads()
    if device.type == "cpu":
        torch.use_deterministic_algorithms(True)
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before[0])
        torch.set_num_threads(before[1])


def epoch_generators(seed: int, epoch: int) -> np.random.Generator:
    """The batch generator of one epoch; also seeds torch (dropout) for that epoch."""
    torch_seed, batch_seed = np.random.SeedSequence([seed, epoch]).generate_state(2)
    torch.manual_seed(int(torch_seed))
    return np.random.default_rng(int(batch_seed))


def train(
    config: dict,
    music_dir: Path,
    train_songs: list[str],
    valid_songs: list[str],
    out_checkpoint: Path,
    log_path: Path,
    init_checkpoint: Path | None = None,
    device: str | None = None,
    on_epoch_end: Callable[[int, dict], None] | None = None,
    device_key: str = DEVICE_KEY,
) -> dict:
    """Train a separator and write ``out_checkpoint``; return the final metrics.

    Restarted with the same arguments after being killed, it continues from the last
    finished epoch (``<out_checkpoint>.partial``) and ends with the same weights as an
    uninterrupted run. ``device`` overrides the config's ``device``; ``device_key``
    names where it came from, for the error when it is not usable. ``on_epoch_end``
    is called with ``(epoch, metrics)`` after each epoch's state is saved.
    """
    cfg = resolve_config(config)
    run_device = resolve_device(
        device or cfg["device"], device_key if device else "training setting device"
    )
    out_checkpoint, log_path = Path(out_checkpoint), Path(log_path)
    train_songs, valid_songs = list(train_songs), list(valid_songs)
    run_hash = config_hash(cfg, train_songs, valid_songs, init_digest(init_checkpoint))

    train_data = load_songs(Path(music_dir), train_songs)
    valid_data = load_songs(Path(music_dir), valid_songs) if valid_songs else []
    sampler = ChunkSampler(train_data, cfg["chunk_seconds"], cfg["augment"])
    val = cfg["validation"]
    chunks = (
        validation_chunks(valid_data, val["chunk_seconds"], val["max_chunks_per_song"])
        if valid_data
        else None
    )

    with run_settings(run_device, cfg["threads"]):
        torch.manual_seed(cfg["seed"])
        trainer = build_trainer(cfg)
        if init_checkpoint is not None:
            load_init_weights(trainer, Path(init_checkpoint))
        elif cfg["architecture"] == "umx":
            trainer.set_input_statistics(
                np.ascontiguousarray(s.stems.sum(axis=0, dtype=np.float32).T) / 32768.0
                for s in train_data
            )
        module = trainer.module.to(run_device)
        optimizer = torch.optim.Adam(
            [p for p in module.parameters() if p.requires_grad],
            lr=cfg["learning_rate"],
            weight_decay=cfg["weight_decay"],
        )
        state = load_resume_state(out_checkpoint, run_hash)
        first_epoch, history, elapsed_before = 1, [], 0.0
        if state is not None:
            module.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            first_epoch = state["epoch"] + 1
            history, elapsed_before = state["history"], state["elapsed_seconds"]

        log = ProgressLog(
            log_path,
            cfg["epochs"],
            run_hash,
            append=state is not None,
            interval_seconds=cfg["log_interval_seconds"],
            elapsed_before=elapsed_before,
        )
        try:
            log.event(
                "resume" if state else "start",
                first_epoch=first_epoch,
                architecture=cfg["architecture"],
                parameters=sum(p.numel() for p in module.parameters()),
                train_songs=len(train_songs),
                valid_songs=len(valid_songs),
                init_checkpoint=None
                if init_checkpoint is None
                else str(init_checkpoint),
                device=str(run_device),
                config=cfg,
            )
            if state is None and chunks is not None:
                initial = evaluate(trainer, chunks, run_device, cfg["batch_size"])
                history.append({"epoch": 0, **initial})
                log.event("initial", **initial)
            if overlap := sorted(set(train_songs) & set(valid_songs)):
                log.event(
                    "warning", message=f"songs in both train and valid: {overlap}"
                )
            for epoch in range(first_epoch, cfg["epochs"] + 1):
                started = time.perf_counter()
                rng = epoch_generators(cfg["seed"], epoch)
                module.train()
                total = 0.0
                for step in range(1, cfg["steps_per_epoch"] + 1):
                    stems = torch.from_numpy(sampler.batch(rng, cfg["batch_size"]))
                    optimizer.zero_grad(set_to_none=True)
                    loss = trainer.loss(stems.to(run_device))
                    loss.backward()
                    optimizer.step()
                    total += loss.item()
                    log.step(epoch, step, cfg["steps_per_epoch"], loss.item())
                metrics = {"train_loss": total / cfg["steps_per_epoch"]}
                if chunks is not None:
                    metrics.update(
                        evaluate(trainer, chunks, run_device, cfg["batch_size"])
                    )
                seconds = time.perf_counter() - started
                history.append(
                    {"epoch": epoch, "seconds": round(seconds, 3), **metrics}
                )
                atomic_save(
                    {
                        "format": RESUME_FORMAT,
                        "config_hash": run_hash,
                        "epoch": epoch,
                        "model": module.state_dict(),
                        "optimizer": optimizer.state_dict(),
                        "history": history,
                        "elapsed_seconds": log.elapsed(),
                    },
                    resume_path(out_checkpoint),
                )
                log.epoch(epoch, seconds, **metrics)
                if on_epoch_end is not None:
                    on_epoch_end(epoch, metrics)
            final = {
                **history[-1],
                "initial_valid_loss": history[0].get("valid_loss"),
                "epochs": cfg["epochs"],
                "elapsed_seconds": round(log.elapsed(), 2),
                "config_hash": run_hash,
                "audio_seconds_trained": cfg["epochs"]
                * cfg["steps_per_epoch"]
                * cfg["batch_size"]
                * cfg["chunk_seconds"],
            }
            module.to("cpu")
            save_final(out_checkpoint, trainer, cfg, run_hash, final, history)
            resume_path(out_checkpoint).unlink(missing_ok=True)
            log.event("end", checkpoint=str(out_checkpoint), **final)
            log.say(f"done: {out_checkpoint}")
        finally:
            log.close()
    return final
