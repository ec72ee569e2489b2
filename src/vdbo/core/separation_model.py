"""The contract every neural separator meets, so one code path runs them all.

The official baseline's ``decompose_signal`` needs four things: a module whose
``forward`` maps a mixture ``(batch, 2, time)`` to ``(batch, n_sources, 2, time)``, the
rate it runs at, the order of its sources, and whether the mixture is normalised first
(Hybrid Demucs: yes; Open-Unmix: no). Pretrained, fine-tuned and demo-trained models
all travel as a :class:`SeparationModel`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class SeparationModel:
    """A separator ready for the baseline's ``decompose_signal``."""

    module: torch.nn.Module
    sample_rate: int
    sources: list[str]
    normalise: bool
