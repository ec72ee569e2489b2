"""Job resources derived from the audio a job processes.

HAAQI (pyclarity 0.3.4) holds about 50 MB and spends about 1.5 s of CPU per second of
scored audio per call; a pair makes 8 calls one after another. Sizing jobs from these
lets a scheduler (local or SLURM) run as many as fit, and no more: locally the profile's
``resources: mem_mb=`` caps the sum over running jobs, on SLURM ``mem_mb`` becomes
``--mem`` and ``runtime`` becomes ``--time``.
"""

from __future__ import annotations

import math
from pathlib import Path

import soundfile as sf

from vdbo import MUSDB_SAMPLE_RATE
from vdbo.core.errors import UserFacingError

HAAQI_MB_PER_SECOND = {"official": 50.0, "fast": 5.0}
HAAQI_CPU_S_PER_SECOND = {"official": 1.5, "fast": 0.3}
HAAQI_CALLS_PER_PAIR = 8  # left/right x vocals, drums, bass, other
BASE_MB = 1500  # Python, numpy/scipy/numba and the pair's decoded audio
RUNTIME_MARGIN = 2  # slow or shared nodes; SLURM kills a job at its limit


def _per_second(table: dict[str, float], engine: str) -> float:
    try:
        return table[engine]
    except KeyError:
        known = ", ".join(sorted(table))
        message = f"unknown HAAQI engine {engine!r}; use one of {known}"
        raise ValueError(message) from None


def audio_seconds(path: str | Path) -> float:
    """Duration of an audio file from its header (no samples read)."""
    info = sf.info(str(path))
    return info.frames / info.samplerate


def scoring_mem_mb(seconds: float, engine: str = "official") -> int:
    """Peak memory of a scoring job: one HAAQI call at a time, plus Python."""
    per_second = _per_second(HAAQI_MB_PER_SECOND, engine)
    return int(BASE_MB + math.ceil(per_second * seconds))


def scoring_runtime_min(
    seconds: float, engine: str = "official", threads: int = 1
) -> int:
    """Wall minutes for 8 HAAQI calls, with a 2x margin for slow nodes."""
    per_second = _per_second(HAAQI_CPU_S_PER_SECOND, engine)
    cpu = HAAQI_CALLS_PER_PAIR * per_second * seconds / max(1, threads)
    return int(5 + math.ceil(RUNTIME_MARGIN * cpu / 60))


def separation_mem_mb(seconds: float) -> int:
    """Separation keeps the song, its four stems and one 11 s chunk's activations."""
    return int(3000 + math.ceil(seconds * MUSDB_SAMPLE_RATE * 2 * 4 * 4 * 3 / 2**20))


def enhancement_mem_mb(seconds: float) -> int:
    """Enhance/encode hold eight float64 channels of the song, three copies at most."""
    return int(1000 + math.ceil(seconds * MUSDB_SAMPLE_RATE * 8 * 8 * 3 / 2**20))


class MemoryBudgetError(UserFacingError, RuntimeError):
    """A job's audio needs more memory than the job was given."""


def scoring_job_segment(
    segment, reference: str | Path, engine: str, mem_mb: float | None
) -> tuple[float, float] | None:
    """A scoring job's segment (the rule's param) as a tuple, after checking that
    the audio it scores (the segment, or the whole ``reference``) fits ``mem_mb``."""
    segment = None if segment is None else tuple(segment)
    seconds = audio_seconds(reference) if segment is None else segment[1] - segment[0]
    check_scoring_budget(seconds, engine, mem_mb)
    return segment


def check_scoring_budget(seconds: float, engine: str, mem_mb: float | None) -> None:
    """Fail at the start of a scoring job that would outgrow its memory budget.

    Better a clear message now than an out-of-memory kill with none an hour later.
    """
    need = scoring_mem_mb(seconds, engine)
    if mem_mb is not None and need > mem_mb:
        raise MemoryBudgetError(
            f"scoring {seconds:.0f} s of audio with the {engine} HAAQI needs about "
            f"{need} MB, but this job has mem_mb={int(mem_mb)}. Raise it "
            f"(--set-resources score:mem_mb={need}), score a segment "
            "(scoring.segment), or use scoring.engine: fast."
        )
