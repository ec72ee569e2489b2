"""Checkpoints: the per-epoch resume state, the final model, and initial weights.

Every file is written to a temporary name and moved into place, so a run killed while
saving leaves the previous state intact. The resume state lives next to the final
checkpoint as ``<checkpoint>.partial``; it is not a declared output, so a workflow
manager that deletes the outputs of a killed job keeps it, and the rerun continues
from the last finished epoch.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch

from vdbo.core.atomic import atomic_output
from vdbo.core.errors import InputError
from vdbo.core.separation_model import SeparationModel
from vdbo.training.architectures import build_trainer, load_plain_state

CHECKPOINT_FORMAT = "vdbo.training/1"
"""Tag of final checkpoints; their sizes and weights rebuild the separator."""

RESUME_FORMAT = "vdbo.training.resume/1"


def atomic_save(obj: dict, path: Path) -> None:
    """``torch.save`` to a temporary file, then rename: never half a file in place."""
    with atomic_output(path) as tmp:
        torch.save(obj, tmp)


def resume_path(checkpoint: Path) -> Path:
    """Where the per-epoch resume state of ``checkpoint`` is kept."""
    checkpoint = Path(checkpoint)
    return checkpoint.with_name(checkpoint.name + ".partial")


def load_resume_state(checkpoint: Path, expected_hash: str) -> dict | None:
    """The resume state of an unfinished run with the same settings, else ``None``."""
    path = resume_path(checkpoint)
    if not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # a corrupt state is not worth failing the run: start over
        return None
    if (
        state.get("format") != RESUME_FORMAT
        or state.get("config_hash") != expected_hash
    ):
        return None
    return state


def _read(path: Path) -> dict:
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise InputError(
            path, f"not a readable PyTorch checkpoint ({err})", "give a .pt/.pth file"
        ) from err


def init_digest(path: Path | None) -> str | None:
    """A content hash of initial weights (a file, or a folder's ``.pth`` files)."""
    if path is None:
        return None
    path = Path(path)
    if not path.exists():
        raise InputError(path, "initial checkpoint not found", "check the path")
    files = sorted(path.glob("*.pth")) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode())
        with open(file, "rb") as stream:
            for block in iter(lambda s=stream: s.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def load_init_weights(trainer, path: Path) -> None:
    """Start ``trainer`` from ``path``: a vdbo checkpoint, a HDemucs state-dict file
    (``HDEMUCS_HIGH_MUSDB``'s format) or a folder of per-stem Open-Unmix state dicts
    (umxhq's format)."""
    path = Path(path)
    if path.is_dir():
        trainer.load_init_folder(path)
        return
    data = _read(path)
    if data.get("format") == CHECKPOINT_FORMAT:
        if data["architecture"] != trainer.architecture:
            raise InputError(
                path,
                f"holds a {data['architecture']} model, the config trains "
                f"{trainer.architecture}",
                "set `architecture` to match, or start from another checkpoint",
            )
        if data["sizes"] != trainer.sizes:
            raise InputError(
                path,
                f"holds a model of sizes {data['sizes']}, the config builds "
                f"{trainer.sizes}",
                f"set the `{trainer.architecture}` size keys to the checkpoint's",
            )
        trainer.module.load_state_dict(data["state_dict"])
        return
    load_plain_state(trainer, data, path)


def save_final(
    path: Path, trainer, cfg: dict, config_hash: str, metrics: dict, history: list[dict]
) -> None:
    """The trained model with what rebuilds it and how it was trained."""
    atomic_save(
        {
            "format": CHECKPOINT_FORMAT,
            "architecture": trainer.architecture,
            "sizes": trainer.sizes,
            "state_dict": trainer.module.state_dict(),
            "config": cfg,
            "config_hash": config_hash,
            "metrics": metrics,
            "history": history,
        },
        path,
    )


def load_separation_model(checkpoint: Path, device: str = "cpu") -> SeparationModel:
    """A trained checkpoint as a separator for the official ``decompose_signal``."""
    checkpoint = Path(checkpoint)
    if not checkpoint.is_file():
        raise InputError(
            checkpoint, "trained checkpoint not found", "run the train rule first"
        )
    data = _read(checkpoint)
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise InputError(
            checkpoint,
            "is not a checkpoint written by vdbo.training",
            "pretrained weights use the separator kinds torchaudio_hdemucs/openunmix",
        )
    arch = data["architecture"]
    trainer = build_trainer({"architecture": arch, arch: data["sizes"]})
    trainer.module.load_state_dict(data["state_dict"])
    trainer.module.to(device).eval()
    for parameter in trainer.module.parameters():
        parameter.requires_grad_(False)
    return trainer.separation_model()
