"""Training and fine-tuning separators (Open-Unmix, Hybrid Demucs) on MUSDB18-HQ.

CAD1 Task 1 entrants improve on the baseline by training the separator on the train
split; :func:`train` does that from random weights or from pretrained ones, and
:func:`load_separation_model` hands the result to the official ``decompose_signal``.
"""

from vdbo.core.lazy import lazy_attributes
from vdbo.training.config import DEFAULTS, resolve_config

__all__ = ["DEFAULTS", "load_separation_model", "resolve_config", "train"]


# torch is imported on first use, so that the workflow can read the settings
# (vdbo.training.config) when it builds the DAG without importing it.
__getattr__ = lazy_attributes(
    __name__,
    {
        "load_separation_model": "vdbo.training.checkpoint",
        "train": "vdbo.training.loop",
    },
)
