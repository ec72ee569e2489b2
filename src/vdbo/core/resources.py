"""Job resources from measured costs: what a job of each kind asks for, given the
seconds of audio it processes.

Every figure here was measured on one real-length (4-min) pair and on a 30 s one by
``benchmarks/real_length_pair.py`` (per job: peak RSS, wall and CPU seconds, on a
2-core, 24 GB machine under load), and fitted as a line ``a + b * seconds``. A job
asks for ``MEMORY_MARGIN`` times its measured peak (so within 1.5x of it) and
``RUNTIME_MARGIN`` times its measured wall time, never under ``RUNTIME_FLOOR_MIN``.
Sized so, a scheduler (local or SLURM) runs as many jobs as fit, and no more: locally
the running jobs' ``mem_mb`` stays under the machine's budget, on SLURM ``mem_mb``
becomes ``--mem`` and ``runtime`` ``--time``. Scoring jobs use their HAAQI engine's
costs (:mod:`vdbo.evaluation.engines`), in the same form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

MEMORY_MARGIN = 1.3
"""A job asks for this times its measured peak memory."""
MEMORY_STEP_MB = 50
RUNTIME_MARGIN = 2.5
"""A job's time limit is this times its measured wall time (a loaded machine's)."""
RUNTIME_FLOOR_MIN = 4
"""The least a job asks for: sub-minute Python jobs spend most of it importing, and
on a cluster's network file system that alone can take a minute."""
RETRY_MEMORY_FACTOR = 1.5
"""A retried job (Snakemake's ``attempt`` 2, 3, ...; the SLURM profile's ``retries``)
asks for this much more memory than its previous try: a job killed for memory would
be killed again on the same request."""
LOCAL_MEMORY_SHARE = 0.8
"""Share of this machine's RAM that local jobs may claim together (``mem_mb``)."""


@dataclass(frozen=True)
class Cost:
    """A job kind's measured cost as lines over the seconds of audio it processes."""

    peak_mb: tuple[float, float]
    """Peak RSS in MB: ``(a, b)`` of ``a + b * seconds``."""
    wall_s: tuple[float, float]
    """Wall seconds: ``(a, b)`` of ``a + b * seconds``."""

    def mem_mb(self, seconds: float) -> int:
        """``mem_mb`` to ask for: the measured peak with its margin."""
        a, b = self.peak_mb
        need = MEMORY_MARGIN * (a + b * seconds)
        return int(math.ceil(need / MEMORY_STEP_MB) * MEMORY_STEP_MB)

    def runtime_min(self, seconds: float, share: float = 1.0) -> int:
        """``runtime`` in minutes: the measured wall time (times ``share``, the part
        of it this job does) with its margin."""
        a, b = self.wall_s
        wall = max(0.0, a + b * seconds) * share
        return max(RUNTIME_FLOOR_MIN, math.ceil(RUNTIME_MARGIN * wall / 60))


def for_attempt(mem_mb: float, attempt: int = 1) -> int:
    """``mem_mb`` of a job's ``attempt``-th try (Snakemake counts from 1): the
    first try's request, times :data:`RETRY_MEMORY_FACTOR` per retry, rounded up to
    :data:`MEMORY_STEP_MB`."""
    if attempt <= 1:
        return int(mem_mb)
    grown = mem_mb * RETRY_MEMORY_FACTOR ** (attempt - 1)
    return int(math.ceil(grown / MEMORY_STEP_MB) * MEMORY_STEP_MB)


SEPARATION = Cost(peak_mb=(2201.0, 2.78), wall_s=(20.2, 2.87))
"""HDEMUCS_HIGH_MUSDB at full size on 2 CPU threads (the song, its stems and one
chunk's activations)."""
ENHANCEMENT = Cost(peak_mb=(99.5, 5.72), wall_s=(0.0, 0.098))
"""NAL-R of eight channels (enhance; remix amplifies the same way)."""
ENCODING = Cost(peak_mb=(53.3, 4.61), wall_s=(0.0, 0.074))
"""The eight stem FLACs and the remix of one pair."""
REMIX = Cost(peak_mb=(770.0, 6.21), wall_s=(0.0, 0.5))
"""A strategy's remix (NAL-R, mixing, loudness, limiter): not measured yet, so the
former analytic size (eight float64 channels, three copies) stands."""


def audio_seconds(path: str | Path) -> float:
    """Duration of an audio file from its header (no samples read)."""
    info = sf.info(str(path))
    return info.frames / info.samplerate


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
