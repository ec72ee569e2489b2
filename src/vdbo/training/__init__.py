"""Training and fine-tuning separators (Open-Unmix, Hybrid Demucs) on MUSDB18-HQ.

CAD1 Task 1 entrants improve on the baseline by training the separator on the train
split; :func:`train` does that from random weights or from pretrained ones, and
:func:`load_separation_model` hands the result to the official ``decompose_signal``.
"""

from vdbo.training.checkpoint import load_separation_model
from vdbo.training.config import DEFAULTS, resolve_config
from vdbo.training.loop import train

__all__ = ["DEFAULTS", "load_separation_model", "resolve_config", "train"]
