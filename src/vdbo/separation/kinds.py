"""The separator kinds: one entry per value of a separator's ``kind`` in the config.

The config check, :mod:`vdbo.separation.run`, the preflight and the workflow's rules
all ask this registry, and no rule names a kind: a kind says itself which files its
jobs read (``inputs``: declared as the separate job's inputs, a trained checkpoint
among them) and which pretrained weights it loads from a cache (``weights``: path and
URL, checked by the preflight). Adding a kind is one :func:`register_kind` call here
and its value in the config schema's ``kind`` enum. Importing this module does not
import torch (the model loaders import it when they run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vdbo import MUSDB_SAMPLE_RATE, STEMS
from vdbo.core.errors import InputError

if TYPE_CHECKING:
    from vdbo.core.separation_model import SeparationModel


SeparateFn = Callable[[dict, Path, np.ndarray, str], dict[str, np.ndarray]]


@dataclass(frozen=True)
class Weights:
    """Pretrained files that a kind's library caches and downloads on first use."""

    what: str
    """What the messages call them (``HDEMUCS``)."""
    files: dict[str, tuple[Path, str]]
    """``{name: (cached path, download URL)}``."""


@dataclass(frozen=True)
class SeparatorKind:
    """How one kind of separator makes stems, and what its jobs need."""

    name: str
    load: Callable[[dict, str], SeparationModel] | None = None
    """``(spec, device) -> model`` for model-based kinds, run through the official
    ``decompose_signal`` on ``separation.device`` (GPU-tagged jobs)."""
    separate: SeparateFn | None = None
    """``(spec, track folder, mixture, device) -> {stem: (2, samples)}`` for the kinds
    that make stems their own way (checked like a model's by the separate job);
    ``mixture`` is the track's mixture.wav, (samples, 2) float, read once per job."""
    needs_references: bool = False
    """It reads the track's reference stems, which the workflow then declares."""
    inputs: Callable[[dict, str], list[Path]] | None = None
    """``(spec, track name) -> files`` it reads besides the track (a stems folder's
    files, a module, a checkpoint): declared as the separate job's inputs, so a
    changed file reruns it (and a checkpoint this run trains is trained first)."""
    weights: Callable[[dict], list[Weights]] | None = None
    """``spec -> pretrained weights`` it loads from its library's cache: the
    preflight says before any job runs which are missing, and where to put them."""
    on_device: bool = False
    """A ``separate`` kind that runs on ``separation.device`` (user code that may
    use a GPU); model kinds always do."""

    @property
    def uses_model(self) -> bool:
        """Runs a model through the official ``decompose_signal``."""
        return self.load is not None

    @property
    def uses_device(self) -> bool:
        """Runs on ``separation.device`` with ``separation.gpus`` GPUs (GPU-tagged)."""
        return self.uses_model or self.on_device


KINDS: dict[str, SeparatorKind] = {}


def register_kind(name: str, **fields) -> SeparatorKind:
    """Add a kind (exactly one of ``load`` and ``separate``)."""
    kind = SeparatorKind(name, **fields)
    if (kind.load is None) == (kind.separate is None):
        raise ValueError(f"separator kind {name!r} needs one of load and separate")
    KINDS[name] = kind
    return kind


def get_kind(name: str) -> SeparatorKind:
    """The registered kind ``name``; a clear error for any other name."""
    if name not in KINDS:
        raise InputError(
            None,
            f"unknown separator kind {name!r}",
            f"set the separator's `kind` to one of {', '.join(KINDS)}",
        )
    return KINDS[name]


# --- model-free kinds -------------------------------------------------------------


def _oracle(
    spec: dict, track_dir: Path, mixture: np.ndarray, device: str
) -> dict[str, np.ndarray]:
    from vdbo.core.audio_io import read_wav_float

    return {s: read_wav_float(track_dir / f"{s}.wav").T for s in STEMS}


def _mixture(
    spec: dict, track_dir: Path, mixture: np.ndarray, device: str
) -> dict[str, np.ndarray]:
    return {s: mixture.T.copy() for s in STEMS}


def _stems(
    spec: dict, track_dir: Path, mixture: np.ndarray, device: str
) -> dict[str, np.ndarray]:
    from vdbo.separation.stems_folder import read_track_stems

    return read_track_stems(spec, track_dir.name, mixture.shape[0])


def _stems_inputs(spec: dict, track: str) -> list[Path]:
    from vdbo.separation.stems_folder import stem_files

    return list(stem_files(spec, track).values())


def _python(
    spec: dict, track_dir: Path, mixture: np.ndarray, device: str
) -> dict[str, np.ndarray]:
    from vdbo.core.torch_device import resolve_device
    from vdbo.separation.python_callable import run_callable

    return run_callable(spec, mixture, MUSDB_SAMPLE_RATE, str(resolve_device(device)))


def _python_inputs(spec: dict, track: str) -> list[Path]:
    from vdbo.separation.python_callable import module_file

    return module_file(spec)


# --- model kinds ------------------------------------------------------------------


def _torchaudio_hdemucs(spec: dict, device: str) -> SeparationModel:
    from vdbo.separation.weights import load_hdemucs

    return load_hdemucs(device)


def _openunmix(spec: dict, device: str) -> SeparationModel:
    from vdbo.separation.weights import load_openunmix

    return load_openunmix(spec.get("model", "umxhq"), spec.get("niter", 0), device)


def _demucs(spec: dict, device: str) -> SeparationModel:
    from vdbo.separation.demucs_repo import load_demucs

    return load_demucs(spec["model"], spec.get("repo"), device)


def _hdemucs_weights(spec: dict) -> list[Weights]:
    from vdbo.separation import weights  # imports torch (its hub folder)

    path = weights.hdemucs_weights_path()
    return [Weights("HDEMUCS", {"model": (path, weights.HDEMUCS_URL)})]


def _openunmix_weights(spec: dict) -> list[Weights]:
    if spec.get("model", "umxhq") != "umxhq":
        return []  # a model folder: read by the job, named in its error
    from vdbo.separation import weights

    paths = weights.umxhq_weights_paths()
    files = {t: (paths[t], url) for t, url in weights.UMXHQ_URLS.items()}
    return [Weights("umxhq", files)]


def _trained(spec: dict, device: str) -> SeparationModel:
    from vdbo.training.checkpoint import load_separation_model

    return load_separation_model(Path(spec["checkpoint"]), device)


def _trained_inputs(spec: dict, track: str) -> list[Path]:
    """The checkpoint: given, or (``trained_model``) the workflow's train output."""
    return [Path(spec["checkpoint"])]


register_kind("oracle", separate=_oracle, needs_references=True)
register_kind("mixture", separate=_mixture)
register_kind("stems", separate=_stems, inputs=_stems_inputs)
register_kind("python", separate=_python, inputs=_python_inputs, on_device=True)
register_kind("torchaudio_hdemucs", load=_torchaudio_hdemucs, weights=_hdemucs_weights)
register_kind("openunmix", load=_openunmix, weights=_openunmix_weights)
register_kind("demucs", load=_demucs)
register_kind("trained", load=_trained, inputs=_trained_inputs)
