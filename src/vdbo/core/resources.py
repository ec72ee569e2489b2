"""Job resources derived from the audio a job processes, for the stages before scoring.

Sizing jobs from their audio lets a scheduler (local or SLURM) run as many as fit, and
no more. Scoring jobs are sized by their HAAQI engine's cost model
(:mod:`vdbo.evaluation.engines`).
"""

from __future__ import annotations

import math
from pathlib import Path

import soundfile as sf

from vdbo import MUSDB_SAMPLE_RATE


def audio_seconds(path: str | Path) -> float:
    """Duration of an audio file from its header (no samples read)."""
    info = sf.info(str(path))
    return info.frames / info.samplerate


def separation_mem_mb(seconds: float) -> int:
    """Separation keeps the song, its four stems and one 11 s chunk's activations."""
    return int(3000 + math.ceil(seconds * MUSDB_SAMPLE_RATE * 2 * 4 * 4 * 3 / 2**20))


def enhancement_mem_mb(seconds: float) -> int:
    """Enhance/encode hold eight float64 channels of the song, three copies at most."""
    return int(1000 + math.ceil(seconds * MUSDB_SAMPLE_RATE * 8 * 8 * 3 / 2**20))


LOCAL_MEMORY_SHARE = 0.8
"""Share of this machine's RAM that local jobs may claim together (``mem_mb``)."""


def machine_memory_mb(meminfo: str | Path = "/proc/meminfo") -> float:
    """This machine's RAM in MB (``MemTotal``)."""
    for line in Path(meminfo).read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{meminfo} has no MemTotal line")


def local_memory_budget_mb(meminfo: str | Path = "/proc/meminfo") -> int:
    """``mem_mb`` that jobs running on this machine may claim together: 80 % of its
    RAM (the rest for Snakemake, the system and file caches). A fixed number would
    either swap a small machine or run one job at a time on a large one; override
    with ``snakemake --resources mem_mb=N``."""
    return int(machine_memory_mb(meminfo) * LOCAL_MEMORY_SHARE)
