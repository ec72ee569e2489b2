"""CPU settings that make training and separation give the same numbers on every
x86-64 machine with AVX2, whatever its newest instruction set.

torch picks CPU kernels by instruction set, in three libraries, each read from the
environment when it first runs (so these must be set before torch is imported):

* ``ATEN_CPU_CAPABILITY``: torch's own vectorised kernels (elementwise ops,
  reductions, softmax, ...), compiled for default/AVX2/AVX-512; HDemucs's numbers
  change with it.
* ``ONEDNN_MAX_CPU_ISA``: oneDNN (mkldnn), torch's convolutions and the LSTM; both
  Open-Unmix's and HDemucs's numbers change with it.
* ``MKL_CBWR``: Intel MKL's conditional numerical reproducibility (BLAS, FFT); in
  AVX2 mode MKL gives the same results on every Intel (and compatible) processor
  with AVX2, for a fixed thread count (each rule fixes its ``threads``).

All three are capped at AVX2 (every x86-64 CPU since about 2015), measured here on
an AVX-512 machine: without them its results differ from AVX2-capped runs, with them
they do not. ``workflow/rules/common/workflow.smk`` exports them to every job (and to
cluster jobs through ``envvars:``); the train and separate jobs log them. GPU runs are
not covered: cuDNN and cuBLAS choose their own kernels.

``python -m vdbo.core.determinism`` prints them as ``NAME=value`` lines, e.g. for
``env $(python -m vdbo.core.determinism) python -m vdbo.training ...``.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping

CPU_ENV = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "MKL_CBWR": "AVX2",
}
TORCH_CAPABILITY = "AVX2"
"""What ``torch.backends.cpu.get_cpu_capability()`` reports under ``CPU_ENV``."""


def apply(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set :data:`CPU_ENV` in ``environ`` (before torch is imported)."""
    environ.update(CPU_ENV)


def log_settings(log: logging.Logger | None = None, torch_job: bool = True) -> None:
    """Log the settings this job runs with; warn where they are not in effect.

    ``torch_job=False``: a job that does not load torch (oracle, mixture, stems
    separation) logs the environment only, and stays torch-free.
    """
    log = log or logging.getLogger("vdbo")
    have = {name: os.environ.get(name) for name in CPU_ENV}
    capability = "(torch not loaded)"
    if torch_job:
        import torch

        capability = torch.backends.cpu.get_cpu_capability()
    log.info(
        "CPU determinism: %s; torch CPU capability %s",
        " ".join(f"{k}={v}" for k, v in have.items()),
        capability,
    )
    if have != CPU_ENV or (torch_job and capability != TORCH_CAPABILITY):
        log.warning(
            "CPU settings differ from vdbo.core.determinism.CPU_ENV %s: results may "
            "differ on other x86 machines (set them before torch is imported)",
            CPU_ENV,
        )


if __name__ == "__main__":
    sys.stdout.write("".join(f"{k}={v}\n" for k, v in CPU_ENV.items()))
