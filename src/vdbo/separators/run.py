"""Running a configured separator on one MUSDB-layout track."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from vdbo import STEMS
from vdbo.audio_io import MUSDB_SAMPLE_RATE, read_wav_float
from vdbo.errors import InputError
from vdbo.separators.model import SeparationModel

REFERENCE_KINDS = ("oracle", "mixture")
MODEL_KINDS = ("torchaudio_hdemucs", "openunmix", "demucs", "trained")


def load_model(spec: dict, device: str = "cpu") -> SeparationModel:
    """Build the :class:`SeparationModel` a separator spec from the config describes."""
    kind = spec["kind"]
    if kind == "torchaudio_hdemucs":
        from vdbo.separators.weights import load_hdemucs

        return load_hdemucs(device)
    if kind == "openunmix":
        from vdbo.separators.weights import load_openunmix

        return load_openunmix(spec.get("model", "umxhq"), spec.get("niter", 0), device)
    if kind == "demucs":
        from vdbo.separators.demucs_repo import load_demucs

        return load_demucs(spec["model"], spec.get("repo"), device)
    if kind == "trained":
        from vdbo.training.checkpoint import load_separation_model

        return load_separation_model(Path(spec["checkpoint"]), device)
    raise InputError(
        None, f"unknown separator kind {kind!r}", f"use one of {MODEL_KINDS}"
    )


def separate_with_model(
    model: SeparationModel, mixture: np.ndarray, device: str = "cpu"
) -> dict[str, np.ndarray]:
    """Separate a (samples, 2) float32 mixture exactly as the official baseline does.

    Returns ``{stem: (2, samples) float32}`` in the model's source order, which the
    remix sums in, so the order is kept for bit-identity with the official remix.
    """
    from recipes.cad1.task1.baseline.enhance import decompose_signal

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
            torch.device(device),
            model.sources,
            None,
            None,
            model.normalise,
        )
    return {
        s: np.stack([stems[f"left_{s}"], stems[f"right_{s}"]]) for s in model.sources
    }


class BadSeparatorOutput(InputError):
    """A separator returned stems that cannot be trusted (NaN, inf, wrong shape)."""


def check_stems(
    stems: dict[str, np.ndarray], n_samples: int, separator: str, song: str
) -> None:
    """Raise :class:`BadSeparatorOutput` unless every stem is finite (2, n_samples).

    An all-zero stem is legal (the official encoder writes scale 0).
    """
    problems = []
    missing = [s for s in STEMS if s not in stems]
    if missing:
        problems.append(f"no {', '.join(missing)} stem (got {list(stems)})")
    for stem in (s for s in STEMS if s in stems):
        x = np.asarray(stems[stem])
        if x.ndim != 2 or x.shape[0] != 2:
            problems.append(f"{stem}: shape {x.shape}, expected (2 channels, samples)")
        elif x.shape[1] != n_samples:
            problems.append(
                f"{stem}: {x.shape[1]} samples ({x.shape[1] / MUSDB_SAMPLE_RATE:.2f} "
                f"s), the mixture has {n_samples} "
                f"({n_samples / MUSDB_SAMPLE_RATE:.2f} s)"
            )
        for name, bad in (("NaN", np.isnan(x)), ("infinite", np.isinf(x))):
            if bad.any():
                first = np.argwhere(bad)[0][-1] / MUSDB_SAMPLE_RATE
                problems.append(
                    f"{stem}: {int(bad.sum())} {name} samples (first at {first:.2f} s)"
                )
    if problems:
        raise BadSeparatorOutput(
            None,
            f"separator {separator!r} returned untrustworthy stems for song "
            f"{song!r}: " + "; ".join(problems),
            "nothing was written and nothing downstream ran on it; check the model "
            "(a diverged training run has NaN weights: retrain with a lower learning "
            "rate or another seed) or the separator's code, then rerun",
        )


def separate_track(
    spec: dict,
    track_dir: Path,
    device: str = "cpu",
    model: SeparationModel | None = None,
    name: str | None = None,
) -> dict[str, np.ndarray]:
    """Stems ``{stem: (2, samples) float32}`` of one track for a separator spec.

    A model's stems are checked (:func:`check_stems`; ``name`` names the separator in
    the message), so NaN, inf or a wrong shape never reach a FLAC.
    """
    track_dir = Path(track_dir)
    kind = spec["kind"]
    if kind == "oracle":
        return {s: read_wav_float(track_dir / f"{s}.wav").T for s in STEMS}
    mixture = read_wav_float(track_dir / "mixture.wav")
    if kind == "mixture":
        return {s: mixture.T.copy() for s in STEMS}
    if model is None:
        model = load_model(spec, device)
    stems = separate_with_model(model, mixture, device)
    check_stems(stems, mixture.shape[0], name or kind, track_dir.name)
    return stems


def save_stems(stems: dict[str, np.ndarray], path: Path) -> None:
    """Write stems to ``.npz`` (float32, source order kept) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.npz")
    np.savez(tmp, order=np.array(list(stems)), **stems)
    tmp.replace(path)


def load_stems(path: Path) -> dict[str, np.ndarray]:
    """Read stems written by :func:`save_stems`, in their original order."""
    with np.load(path) as data:
        return {str(s): data[str(s)] for s in data["order"]}
