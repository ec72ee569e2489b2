"""Validation: the training loss on held-out chunks and an SDR per stem.

The SDR compares the separator's estimates (through the inference path, as the
workflow will run it) with the true stems, next to the SDR of the "mixture as every
stem" lower bound: a model that does not beat that bound on any stem has learnt
nothing useful.
"""

from __future__ import annotations

import numpy as np
import torch

from vdbo import STEMS


def sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-distortion ratio in dB over all samples (global, not framewise)."""
    signal = float(np.sum(np.square(reference, dtype=np.float64)))
    noise = float(np.sum(np.square(reference - estimate, dtype=np.float64)))
    return float(10 * np.log10((signal + 1e-12) / (noise + 1e-12)))


def evaluate(
    trainer, chunks: np.ndarray, device: torch.device, batch_size: int
) -> dict:
    """Loss and SDRs on ``chunks (n, 4, 2, T)`` (stems in ``STEMS`` order)."""
    module = trainer.module
    was_training = module.training
    module.eval()
    losses, estimates = [], []
    try:
        with torch.no_grad():
            for first in range(0, len(chunks), batch_size):
                stems = torch.from_numpy(chunks[first : first + batch_size]).to(device)
                losses.append(float(trainer.loss(stems)) * len(stems))
                estimates.append(trainer.separate(stems.sum(dim=1)).cpu().numpy())
    finally:
        module.train(was_training)
    estimate = np.concatenate(estimates)
    mixture = chunks.sum(axis=1)
    model_sdr = {s: sdr(chunks[:, i], estimate[:, i]) for i, s in enumerate(STEMS)}
    mixture_sdr = {s: sdr(chunks[:, i], mixture) for i, s in enumerate(STEMS)}
    return {
        "valid_loss": sum(losses) / len(chunks),
        "valid_sdr": {s: round(v, 3) for s, v in model_sdr.items()},
        "mixture_sdr": {s: round(v, 3) for s, v in mixture_sdr.items()},
        "sdr_gain": {s: round(model_sdr[s] - mixture_sdr[s], 3) for s in STEMS},
    }
