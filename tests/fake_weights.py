"""Pretrained-weight files with random weights, in the real libraries' cache layouts.

Offline, the real HDEMUCS_HIGH_MUSDB and umxhq weights cannot be downloaded; these files
have the same architectures and sit where torchaudio, openunmix and torch.hub look, so
the real loading code runs unchanged.
"""

from __future__ import annotations

from pathlib import Path

import torch

HUBCONF = '''"""Offline stand-in for sigsep/open-unmix-pytorch's hubconf."""
dependencies = ["torch", "numpy"]
from openunmix import umxhq  # noqa: E402,F401
'''


def make_torch_home(home: Path, seed: int = 0) -> Path:
    """Fill ``home`` (a ``$TORCH_HOME``) with random HDemucs-high and umxhq weights."""
    import torchaudio
    from openunmix import utils as umx_utils
    from openunmix.model import OpenUnmix

    from vdbo.separation.weights import hdemucs_weights_path, umxhq_weights_paths

    hub = Path(home) / "hub"
    torch.manual_seed(seed)
    hdemucs = torchaudio.models.hdemucs_high(
        sources=["drums", "bass", "other", "vocals"]
    )
    target = hdemucs_weights_path(hub.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    torch.save(hdemucs.state_dict(), target)

    max_bin = umx_utils.bandwidth_to_max_bin(rate=44100.0, n_fft=4096, bandwidth=16000)
    (hub / "checkpoints").mkdir(parents=True, exist_ok=True)
    for path in umxhq_weights_paths(home).values():
        model = OpenUnmix(nb_bins=2049, nb_channels=2, hidden_size=512, max_bin=max_bin)
        with torch.no_grad():  # random, non-trivial input/output scalings
            model.input_scale.uniform_(0.5, 2.0)
            model.output_mean.uniform_(0.5, 1.5)
        torch.save(model.state_dict(), path)
        del model

    # torch.hub.load("sigsep/open-unmix-pytorch", "umxhq"), as the official recipe
    # calls it, reads a cached repo folder when offline.
    repo = hub / "sigsep_open-unmix-pytorch_master"
    repo.mkdir(parents=True, exist_ok=True)
    (repo / "hubconf.py").write_text(HUBCONF)
    (hub / "trusted_list").write_text("sigsep_open-unmix-pytorch\n")
    return Path(home)


def make_demucs_repo(repo: Path, name: str = "tiny", seed: int = 0) -> Path:
    """A local demucs model repository (``--repo``) holding one tiny Hybrid Demucs.

    ``<repo>/<name>.th`` is what ``demucs.pretrained.get_model(name, repo)`` and the
    demucs command line (``-n <name> --repo <repo>``) load. Four channels and a 4 s
    segment keep it fast.
    """
    from demucs.hdemucs import HDemucs
    from demucs.states import serialize_model
    from omegaconf import OmegaConf

    torch.manual_seed(seed)
    model = HDemucs(sources=["drums", "bass", "other", "vocals"], channels=4, segment=4)
    repo = Path(repo)
    repo.mkdir(parents=True, exist_ok=True)
    package = serialize_model(model, OmegaConf.create({}), half=False)
    torch.save(package, repo / f"{name}.th")
    return repo
