"""The torch device a separation or training job runs on, checked before any work.

``separation.device: cuda`` on a machine where torch sees no GPU (a CPU node, a SLURM
job that did not request one, a CPU-only torch build) would otherwise fail deep inside
the model code with a CUDA traceback; here it fails first, naming the key and the fix.
"""

from __future__ import annotations

import os

import torch

from vdbo.core.errors import InputError

DEVICE_KEY = "config key separation.device"
"""Where the device of model separation and training jobs is chosen."""


def resolve_device(
    name: str | torch.device | None, key: str = DEVICE_KEY
) -> torch.device:
    """``torch.device(name)`` (``None``: the CPU; ``auto``: the first GPU torch sees,
    else the CPU), or an error when it is not usable.

    ``key`` says where the value came from (a config key, a command-line option),
    for the message.
    """
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        device = torch.device("cpu" if name is None else name)
    except (RuntimeError, TypeError) as err:
        raise InputError(
            None,
            f"{key} is {str(name)!r}, not a torch device ({err})",
            "use cpu, cuda or cuda:<index>",
        ) from err
    if device.type != "cuda":
        return device
    fix = (
        "run on the CPU (`separation: {device: cpu, gpus: 0}` in the config, "
        "`--device cpu` on the command line), or run the job on a GPU node (with "
        "`separation: {device: cuda, gpus: 1}` SLURM jobs request one)"
    )
    if not torch.cuda.is_available():
        if torch.version.cuda is None:
            why = f"this torch build ({torch.__version__}) has no CUDA support"
        else:
            visible = os.environ.get("CUDA_VISIBLE_DEVICES")
            why = "torch sees no CUDA device on this machine" + (
                f" (CUDA_VISIBLE_DEVICES={visible!r})" if visible is not None else ""
            )
        raise InputError(None, f"{key} is {str(name)!r}, but {why}", fix)
    count = torch.cuda.device_count()
    if device.index is not None and device.index >= count:
        raise InputError(
            None,
            f"{key} is {str(name)!r}, but torch sees only {count} CUDA device(s) "
            f"(indices 0 to {count - 1})",
            f"use cuda (the first visible GPU) or cuda:<index> below {count}",
        )
    return device
