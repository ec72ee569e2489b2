"""Loading pretrained weights through the libraries' own loaders and caches.

Offline users get an error naming the file to place and where, instead of a network
traceback. The cache locations are the libraries' own: torchaudio's assets live under
``torch.hub.get_dir()/torchaudio``, Open-Unmix checkpoints under
``torch.hub.get_dir()/checkpoints`` (``$TORCH_HOME`` moves both).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.error import URLError

import torch

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.core.separation_model import SeparationModel

HDEMUCS_ASSET = "models/hdemucs_high_musdbhq_only.pt"
"""torchaudio's asset of ``HDEMUCS_HIGH_MUSDB`` (MUSDB18-HQ only: the CAD1 baseline)."""
HDEMUCS_URL = f"https://download.pytorch.org/torchaudio/{HDEMUCS_ASSET}"

UMXHQ_URLS = {
    "vocals": "https://zenodo.org/records/3370489/files/vocals-b62c91ce.pth",
    "drums": "https://zenodo.org/records/3370489/files/drums-9619578f.pth",
    "bass": "https://zenodo.org/records/3370489/files/bass-8d85a5bd.pth",
    "other": "https://zenodo.org/records/3370489/files/other-b52fbbf7.pth",
}
"""The files ``openunmix.umxhq`` fetches (openunmix 1.3.0); its loader caches them."""

_NETWORK_ERRORS = (URLError, ConnectionError, TimeoutError, OSError)


def _hub_dir(torch_home: Path | None) -> Path:
    return Path(torch_home) / "hub" if torch_home else Path(torch.hub.get_dir())


def hdemucs_weights_path(torch_home: Path | None = None) -> Path:
    """Where torchaudio's ``HDEMUCS_HIGH_MUSDB`` looks for its weights."""
    return _hub_dir(torch_home) / "torchaudio" / HDEMUCS_ASSET


def umxhq_weights_paths(torch_home: Path | None = None) -> dict[str, Path]:
    """Where ``torch.hub.load_state_dict_from_url`` caches the umxhq checkpoints."""
    folder = _hub_dir(torch_home) / "checkpoints"
    return {t: folder / os.path.basename(url) for t, url in UMXHQ_URLS.items()}


def _missing(paths: dict[str, tuple[Path, str]], err: Exception, what: str):
    listing = "; ".join(f"download {url} to {path}" for path, url in paths.values())
    return InputError(
        next(iter(paths.values()))[0],
        f"{what} weights are not cached and could not be downloaded ({err})",
        f"on a machine with internet run the workflow once, or {listing} "
        "(set TORCH_HOME to use another cache folder)",
    )


def load_hdemucs(device: str | torch.device = "cpu") -> SeparationModel:
    """Hybrid Demucs ``HDEMUCS_HIGH_MUSDB``: the official CAD1 baseline separator."""
    from torchaudio.pipelines import HDEMUCS_HIGH_MUSDB

    path = hdemucs_weights_path()
    try:
        module = HDEMUCS_HIGH_MUSDB.get_model()
    except _NETWORK_ERRORS as err:
        if path.exists() and path.stat().st_size == 0:
            path.unlink()
        raise _missing(
            {"model": (path, HDEMUCS_URL)}, err, "HDEMUCS_HIGH_MUSDB"
        ) from err
    module.to(device).eval()
    return SeparationModel(
        module=module,
        sample_rate=HDEMUCS_HIGH_MUSDB.sample_rate,
        sources=list(module.sources),
        normalise=True,
    )


def load_openunmix(
    model: str = "umxhq", niter: int = 0, device: str | torch.device = "cpu"
) -> SeparationModel:
    """Open-Unmix by hub name (``umxhq``: the CAD1 baseline) or from a model folder.

    A folder holds ``separator.json`` and ``<target>.json``/``<target>.pth`` per target,
    as written by openunmix's training script.
    """
    from openunmix import utils as umx_utils

    folder = Path(model).expanduser()
    targets = list(STEMS)
    if folder.exists():
        for name in ["separator.json"] + [f"{t}.json" for t in targets]:
            if not (folder / name).is_file():
                raise InputError(
                    folder / name,
                    "missing from the Open-Unmix model folder",
                    "a model folder needs separator.json and <target>.json and "
                    "<target>.pth for vocals, drums, bass and other",
                )
    elif model != "umxhq" and "/" in model:
        raise InputError(
            folder, "model folder not found", "check the separator's model"
        )
    try:
        module = umx_utils.load_separator(
            model_str_or_path=model, targets=targets, niter=niter, device=device
        )
    except _NETWORK_ERRORS as err:
        if model == "umxhq":
            paths = umxhq_weights_paths()
            raise _missing(
                {t: (paths[t], UMXHQ_URLS[t]) for t in targets}, err, "Open-Unmix umxhq"
            ) from err
        raise
    module.eval()
    return SeparationModel(
        module=module,
        sample_rate=module.sample_rate,
        sources=targets,
        normalise=False,
    )
