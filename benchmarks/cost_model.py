"""What a table of jobs costs, from measured per-job figures: pure arithmetic.

``real_length_pair.py`` measures one pair's jobs; these functions turn the figures
into per-rule models (a fixed part plus a part per second of audio), the requests a
rule should make (a margin over the measured peak and wall time), and the CPU-hours
and wall time of a whole table on a machine of ``cores`` and ``mem_mb`` (jobs packed
as many at once as both allow, all CPU-bound, the phases one after another).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MEM_MARGIN = 1.3
"""Memory request over the measured peak (kept within 1.5x: another song, another
library build)."""
RUNTIME_MARGIN = 2.5
"""Runtime request over the measured wall time (kept within 3x: slower or shared
nodes; SLURM kills a job at its limit)."""


def fit_line(points: dict[float, float]) -> tuple[float, float]:
    """``(base, per_second)`` of ``value = base + per_second * seconds``.

    Least squares through two or more lengths; one length gives a line through zero.
    A negative slope (noise where the cost does not grow with the length) gives the
    flat line at the largest value: a cost never shrinks with more audio.
    """
    if not points:
        raise ValueError("no measurements to fit")
    xs, ys = list(points), list(points.values())
    if len(points) == 1:
        return 0.0, ys[0] / xs[0]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    if slope < 0:
        return max(ys), 0.0
    return my - slope * mx, slope


def mem_request_mb(peak_mb: float, margin: float = MEM_MARGIN) -> int:
    """A job's ``mem_mb``: the peak with a margin, rounded up to 100 MB."""
    return int(math.ceil(peak_mb * margin / 100) * 100)


def runtime_request_min(wall_s: float, margin: float = RUNTIME_MARGIN) -> int:
    """A job's ``runtime`` in minutes: the wall time with a margin, at least 1."""
    return max(1, math.ceil(wall_s * margin / 60))


@dataclass(frozen=True)
class JobKind:
    """``count`` jobs of one rule, each ``cpu_s`` CPU seconds over ``threads`` cores
    and asking for ``mem_mb``."""

    rule: str
    count: int
    cpu_s: float
    threads: int
    mem_mb: float


@dataclass(frozen=True)
class Machine:
    """``nodes`` machines of ``cores`` cores, each letting jobs claim ``mem_mb``."""

    name: str
    cores: int
    mem_mb: float
    nodes: int = 1


def concurrent_jobs(kind: JobKind, machine: Machine) -> int:
    """How many jobs of ``kind`` run at once on ``machine`` (0: one never fits)."""
    threads = min(kind.threads, machine.cores)
    per_node = min(machine.cores // threads, int(machine.mem_mb // kind.mem_mb))
    return per_node * machine.nodes


def cpu_hours(kinds: list[JobKind]) -> float:
    """CPU-hours of all jobs."""
    return sum(k.count * k.cpu_s for k in kinds) / 3600


def wall_hours(kinds: list[JobKind], machine: Machine) -> float:
    """Wall hours with each rule's jobs run in waves of :func:`concurrent_jobs`.

    A job's wall time is its CPU time spread over its threads; ``inf`` when a job
    asks for more memory than a node has.
    """
    total = 0.0
    for kind in kinds:
        if kind.count == 0:
            continue
        at_once = concurrent_jobs(kind, machine)
        if at_once == 0:
            return math.inf
        waves = math.ceil(kind.count / at_once)
        total += waves * kind.cpu_s / min(kind.threads, machine.cores)
    return total / 3600
