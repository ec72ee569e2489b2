"""Demucs-package models (e.g. ``htdemucs``) from demucs' cache or a local repo.

``demucs.pretrained.get_model`` reads a local repository (``<signature>.th`` files and
``<name>.yaml`` bags) when ``repo`` is given, else its remote list through torch hub.
"""

from __future__ import annotations

from pathlib import Path

import torch

from vdbo.core.errors import InputError
from vdbo.core.separation_model import SeparationModel


class _BagForward(torch.nn.Module):
    """Gives a demucs model or bag the ``forward(mix) -> (batch, sources, ch, time)``
    the baseline's chunked separation calls, via demucs' own ``apply_model``."""

    def __init__(self, bag: torch.nn.Module):
        super().__init__()
        self.bag = bag
        self.sources = list(bag.sources)

    def forward(self, mix: torch.Tensor) -> torch.Tensor:
        from demucs.apply import apply_model

        return apply_model(self.bag, mix, shifts=0, split=True, overlap=0.25)


def load_demucs(
    name: str, repo: str | Path | None = None, device: str | torch.device = "cpu"
) -> SeparationModel:
    """Load a demucs-package model by name, optionally from a local repo folder."""
    from demucs.pretrained import ModelLoadingError, get_model

    repo_path = None if repo is None else Path(repo).expanduser()
    if repo_path is not None and not repo_path.is_dir():
        raise InputError(
            repo_path,
            "demucs model repository folder not found",
            "point `repo` at a folder holding <signature>.th files (and <name>.yaml "
            "for bags), or remove `repo` to use demucs' download cache",
        )
    try:
        bag = get_model(name=name, repo=repo_path)
    except (ModelLoadingError, OSError, RuntimeError) as err:
        where = repo_path or Path(torch.hub.get_dir()) / "checkpoints"
        raise InputError(
            where,
            f"demucs model {name!r} could not be loaded ({err})",
            f"place the model's .th file(s) in {where} (or set `repo` to the folder "
            "holding them)",
        ) from err
    bag.to(device).eval()
    module = _BagForward(bag)
    return SeparationModel(
        module=module,
        sample_rate=int(bag.samplerate),
        sources=module.sources,
        normalise=True,
    )
