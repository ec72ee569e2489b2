"""Job resources derived from the audio a job processes.

HAAQI (pyclarity 0.3.4) holds about 50 MB and spends about 1.5 s of CPU per second of
scored audio per call; a pair makes 8 calls one after another. Sizing jobs from these
lets a scheduler (local or SLURM) run as many as fit, and no more.
"""

from __future__ import annotations

import math
from pathlib import Path

import soundfile as sf

HAAQI_MB_PER_SECOND = {"official": 50.0, "fast": 5.0}
HAAQI_CPU_S_PER_SECOND = {"official": 1.5, "fast": 0.3}
BASE_MB = 1500


def audio_seconds(path: str | Path) -> float:
    """Duration of an audio file from its header (no samples read)."""
    info = sf.info(str(path))
    return info.frames / info.samplerate


def scoring_mem_mb(seconds: float, engine: str = "official") -> int:
    """Peak memory of a scoring job: one HAAQI call at a time, plus Python."""
    return int(BASE_MB + math.ceil(HAAQI_MB_PER_SECOND[engine] * seconds))


def scoring_runtime_min(
    seconds: float, engine: str = "official", threads: int = 1
) -> int:
    """Wall minutes for 8 HAAQI calls, with a 2x margin for slow nodes."""
    cpu = 8 * HAAQI_CPU_S_PER_SECOND[engine] * seconds / max(1, threads)
    return int(5 + math.ceil(2 * cpu / 60))


def separation_mem_mb(seconds: float) -> int:
    """Separation keeps the song, its four stems and one 11 s chunk's activations."""
    return int(3000 + math.ceil(seconds * 44100 * 2 * 4 * 4 * 3 / 2**20))
