"""Running a configured separator on one MUSDB-layout track."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vdbo.core.audio_io import MUSDB_SAMPLE_RATE, read_wav_float
from vdbo.core.errors import InputError
from vdbo.separation.checks import check_separated
from vdbo.separation.kinds import get_kind

if TYPE_CHECKING:
    from vdbo.core.separation_model import SeparationModel


def load_model(spec: dict, device: str = "cpu") -> SeparationModel:
    """Build the :class:`SeparationModel` a separator spec from the config describes."""
    kind = get_kind(spec["kind"])
    if not kind.uses_model:
        raise InputError(
            None,
            f"separator kind {kind.name!r} has no model",
            "call separate_track, which runs every kind",
        )
    from vdbo.core.torch_device import resolve_device  # imports torch: model kinds only

    return kind.load(spec, resolve_device(device))


def separate_with_model(
    model: SeparationModel, mixture: np.ndarray, device: str = "cpu"
) -> dict[str, np.ndarray]:
    """Separate a (samples, 2) float32 mixture exactly as the official baseline does.

    Returns ``{stem: (2, samples) float32}`` in the model's source order, which the
    remix sums in, so the order is kept for bit-identity with the official remix.
    """
    import torch
    from recipes.cad1.task1.baseline.enhance import decompose_signal

    from vdbo.core.torch_device import resolve_device

    if int(model.sample_rate) != MUSDB_SAMPLE_RATE:
        raise InputError(
            None,
            f"the separator runs at {model.sample_rate} Hz",
            "the CAD1 baseline pipeline assumes 44.1 kHz separators",
        )
    with torch.inference_mode():
        stems = decompose_signal(
            model.module,
            model.sample_rate,
            mixture.T,
            MUSDB_SAMPLE_RATE,
            resolve_device(device),
            model.sources,
            None,
            None,
            model.normalise,
        )
    return {
        s: np.stack([stems[f"left_{s}"], stems[f"right_{s}"]]) for s in model.sources
    }


def separate_track(
    spec: dict,
    track_dir: Path,
    device: str = "cpu",
    model: SeparationModel | None = None,
    name: str | None = None,
) -> dict[str, np.ndarray]:
    """Stems ``{stem: (2, samples) float32}`` of one track for a separator spec.

    Every kind's stems are checked (:func:`check_separated`; ``name`` names the
    separator in the message), so NaN, inf or a wrong shape never reach a FLAC.
    """
    track_dir = Path(track_dir)
    kind = get_kind(spec["kind"])
    mixture = read_wav_float(track_dir / "mixture.wav")
    if kind.uses_model:
        model = model or load_model(spec, device)
        stems = separate_with_model(model, mixture, device)
    else:
        stems = kind.separate(spec, track_dir, mixture, device)
    check_separated(stems, mixture.shape[0], name or kind.name, track_dir.name)
    return stems
