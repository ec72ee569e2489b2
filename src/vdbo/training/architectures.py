"""The two trainable separators, built from the published model classes.

Open-Unmix: one ``openunmix.model.OpenUnmix`` per stem inside an
``openunmix.model.Separator`` (``niter=0``, as the CAD1 baseline runs umxhq); trained
with the MSE between estimated and true magnitude spectrograms, as Open-Unmix's own
training script does. The four models share nothing, so training them jointly with one
summed loss gives each the gradients of its own loss.

Hybrid Demucs: ``torchaudio.models.HDemucs``; trained with the L1 distance of
waveforms, on mixtures normalised the way the official ``decompose_signal`` normalises
them before calling the model.

Both wrappers take stems in ``vdbo.STEMS`` order and return estimates in that order,
whatever order the model itself uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from vdbo import STEMS
from vdbo.core.audio_io import MUSDB_SAMPLE_RATE
from vdbo.core.errors import InputError
from vdbo.core.separation_model import SeparationModel

UMX_SOURCES = list(STEMS)
"""Open-Unmix's output order, the one the official baseline assumes for umxhq."""

HDEMUCS_VALID_SIZES = "nfft 4096 or 2048 with depth 6, nfft 1024 with depth 4 to 6"


class UmxTrainer:
    """Open-Unmix, one spectrogram model per stem."""

    architecture = "umx"

    def __init__(self, sizes: dict):
        from openunmix.model import OpenUnmix, Separator
        from openunmix.utils import bandwidth_to_max_bin

        self.sizes = dict(sizes)
        nfft = sizes["nfft"]
        max_bin = int(
            bandwidth_to_max_bin(MUSDB_SAMPLE_RATE, nfft, sizes["bandwidth_hz"])
        )
        targets = {
            stem: OpenUnmix(
                nb_bins=nfft // 2 + 1,
                nb_channels=2,
                hidden_size=sizes["hidden_size"],
                nb_layers=sizes["nb_layers"],
                unidirectional=sizes["unidirectional"],
                max_bin=max_bin,
            )
            for stem in UMX_SOURCES
        }
        self.module = Separator(
            targets,
            niter=0,
            sample_rate=float(MUSDB_SAMPLE_RATE),
            n_fft=nfft,
            n_hop=sizes["nhop"],
            nb_channels=2,
        )

    def _magnitude(self, audio: Tensor) -> Tensor:
        return self.module.complexnorm(self.module.stft(audio))

    def loss(self, stems: Tensor) -> Tensor:
        """Mean over stems of the magnitude-spectrogram MSE; ``stems (B, 4, 2, T)``."""
        batch = stems.shape[0]
        mix = self._magnitude(stems.sum(dim=1))
        truth = self._magnitude(stems.flatten(0, 1))
        truth = truth.reshape(batch, len(STEMS), *truth.shape[1:])
        losses = [
            F.mse_loss(model(mix), truth[:, STEMS.index(stem)])
            for stem, model in self.module.target_models.items()
        ]
        return torch.stack(losses).mean()

    def separate(self, mix: Tensor) -> Tensor:
        """Estimates ``(B, 4, 2, T)`` in ``STEMS`` order through the inference path."""
        return self.module(mix)

    def set_input_statistics(self, songs_audio: Iterable[np.ndarray]) -> None:
        """Per-bin mean and spread of the training mixtures, as Open-Unmix trains with.

        ``songs_audio``: float32 mixtures ``(2, samples)``. Uses the mono magnitude, as
        openunmix's training script does; spreads are floored at 1e-4 of their largest.
        """
        total = count = squares = 0.0
        with torch.no_grad():
            for audio in songs_audio:
                mag = self._magnitude(torch.from_numpy(audio)[None]).mean(dim=1)[0]
                mag = mag.double()
                total = total + mag.sum(dim=-1)
                squares = squares + (mag**2).sum(dim=-1)
                count += mag.shape[-1]
            mean = total / count
            std = torch.sqrt(torch.clamp(squares / count - mean**2, min=0.0))
            std = torch.maximum(std, 1e-4 * std.max())
            for model in self.module.target_models.values():
                model.input_mean.copy_(-mean[: model.nb_bins].float())
                model.input_scale.copy_(1.0 / std[: model.nb_bins].float())

    def load_init_folder(self, folder: Path) -> None:
        """Per-stem state dicts ``<stem>.pth`` or ``<stem>-<hash>.pth`` (as umxhq)."""
        for stem, model in self.module.target_models.items():
            found = sorted(folder.glob(f"{stem}.pth")) + sorted(
                folder.glob(f"{stem}-*.pth")
            )
            if len(found) != 1:
                raise InputError(
                    folder,
                    f"expected one {stem}.pth or {stem}-<hash>.pth, found {len(found)}",
                    "give a folder holding exactly one Open-Unmix state dict per stem "
                    "(vocals, drums, bass, other), as umxhq's files",
                )
            state = torch.load(found[0], map_location="cpu", weights_only=True)
            _load(model, state, found[0], umx_sizes_hint(state), strict=False)

    def separation_model(self) -> SeparationModel:
        return SeparationModel(self.module, MUSDB_SAMPLE_RATE, list(UMX_SOURCES), False)


class HdemucsTrainer:
    """Hybrid Demucs from torchaudio."""

    architecture = "hdemucs"

    def __init__(self, sizes: dict):
        from torchaudio.models import HDemucs

        self.sizes = dict(sizes)
        self.module = HDemucs(
            sources=list(sizes["sources"]),
            audio_channels=2,
            channels=sizes["channels"],
            growth=sizes["growth"],
            nfft=sizes["nfft"],
            depth=sizes["depth"],
        )
        self._check_sizes()
        self.order = [STEMS.index(s) for s in self.module.sources]
        self.back = [list(self.module.sources).index(s) for s in STEMS]

    def _check_sizes(self) -> None:
        """Fail now, with the fix, on an nfft/depth pair HDemucs cannot run."""
        probe = torch.zeros(1, 2, 4 * self.sizes["nfft"])
        try:
            with torch.no_grad():
                self.module(probe)
        except (ValueError, RuntimeError) as err:
            raise InputError(
                None,
                f"HDemucs with nfft {self.sizes['nfft']} and depth "
                f"{self.sizes['depth']} cannot run ({err})",
                f"use a working pair: {HDEMUCS_VALID_SIZES}",
            ) from err

    @staticmethod
    def _normalise(mix: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Per-example version of clarity's ``normalize_signal``."""
        ref = mix.mean(dim=1)
        mean = ref.mean(dim=-1)[:, None, None]
        std = ref.std(dim=-1).clamp(min=1e-8)[:, None, None]
        return (mix - mean) / std, mean, std

    def loss(self, stems: Tensor) -> Tensor:
        """L1 of normalised estimated and true waveforms; ``stems (B, 4, 2, T)``."""
        mix, mean, std = self._normalise(stems.sum(dim=1))
        estimate = self.module(mix)
        truth = (stems[:, self.order] - mean[:, None]) / std[:, None]
        return F.l1_loss(estimate, truth)

    def separate(self, mix: Tensor) -> Tensor:
        normalised, mean, std = self._normalise(mix)
        estimate = self.module(normalised) * std[:, None] + mean[:, None]
        return estimate[:, self.back]

    def load_init_folder(self, folder: Path) -> None:
        raise InputError(
            folder,
            "is a folder; Hybrid Demucs starts from one state-dict file",
            "give the file, e.g. torchaudio's hdemucs_high_trained.pt",
        )

    def separation_model(self) -> SeparationModel:
        return SeparationModel(
            self.module, MUSDB_SAMPLE_RATE, list(self.module.sources), True
        )


TRAINERS = {"umx": UmxTrainer, "hdemucs": HdemucsTrainer}


def build_trainer(cfg: dict) -> UmxTrainer | HdemucsTrainer:
    """The wrapper for ``cfg["architecture"]`` with the sizes in its section."""
    arch = cfg["architecture"]
    return TRAINERS[arch](cfg[arch])


def load_plain_state(trainer: UmxTrainer | HdemucsTrainer, state: dict, path: Path):
    """Load a bare state dict file (HDEMUCS_HIGH_MUSDB's format) into the model."""
    if trainer.architecture != "hdemucs":
        raise InputError(
            path,
            "is a single state dict; Open-Unmix starts from one file per stem",
            "give the folder holding vocals/drums/bass/other .pth files (umxhq layout)",
        )
    _load(trainer.module, state, path, hdemucs_sizes_hint(state), strict=True)


def _load(module: torch.nn.Module, state: dict, path: Path, hint: str, strict: bool):
    try:
        result = module.load_state_dict(state, strict=strict)
    except RuntimeError as err:
        first = str(err).strip().splitlines()[:3]
        raise InputError(
            path,
            "its weights do not fit the configured model size ("
            + " ".join(first)
            + ")",
            f"set the model size keys to the weights' sizes: {hint}",
        ) from err
    if result.missing_keys:
        raise InputError(
            path,
            f"lacks weights {', '.join(result.missing_keys[:5])}",
            "give the state dict of the same architecture",
        )


def umx_sizes_hint(state: dict) -> str:
    """Open-Unmix size keys that match a per-stem state dict (nhop is not stored)."""
    try:
        nb_bins = state["output_scale"].shape[0]
        max_bin = state["input_mean"].shape[0]
        layers = {k for k in state if k.startswith("lstm.weight_ih_l")}
        forward = [k for k in layers if not k.endswith("_reverse")]
        nfft = 2 * (nb_bins - 1)
        hz = math.ceil((max_bin - 1) * MUSDB_SAMPLE_RATE / nfft)
        return (
            f"umx.hidden_size {state['fc1.weight'].shape[0]}, umx.nb_layers "
            f"{len(forward)}, umx.nfft {nfft}, "
            f"umx.bandwidth_hz {hz}, umx.unidirectional "
            f"{not any(k.endswith('_reverse') for k in layers)}"
        )
    except (KeyError, AttributeError, IndexError):
        return "(not an Open-Unmix state dict)"


def hdemucs_sizes_hint(state: dict) -> str:
    """Hybrid Demucs size keys that match a state dict."""
    try:
        channels = state["freq_encoder.0.conv.weight"].shape[0]
        depth = len({k.split(".")[1] for k in state if k.startswith("freq_encoder.")})
        growth = state["freq_encoder.1.conv.weight"].shape[0] // channels
        nfft = 8 * state["freq_emb.embedding.weight"].shape[0]
        return (
            f"hdemucs.channels {channels}, hdemucs.growth {growth}, hdemucs.depth "
            f"{depth}, hdemucs.nfft {nfft}"
        )
    except (KeyError, AttributeError, IndexError):
        return "(not a Hybrid Demucs state dict)"
