"""The HAAQI engines: name -> compute function and cost model, for every scoring path.

``official`` is pyclarity 0.3.4's ``compute_haaqi``; ``fast`` is :mod:`vdbo.haaqi`, the
same numbers (and the same global random draws) at a fraction of the CPU and memory.
A scoring job looks its engine up here once (:func:`get_engine`, from
``scoring.engine``), checks its memory with the engine's cost model and hands the
engine's function (:meth:`Engine.compute_haaqi`) down: the pair and remix scorers take
a function, never a name. The official evaluation is made to call that function in
one place, :func:`evaluation_calls`.

The cost model sizes scoring jobs so that a scheduler (local or SLURM) runs as many as
fit, and no more: locally the profile's ``mem_mb`` caps the sum over running jobs, on
SLURM ``mem_mb`` becomes ``--mem`` and ``runtime`` becomes ``--time``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vdbo.core.errors import InputError, UserFacingError
from vdbo.core.official import BASELINE_EVALUATE, replaced
from vdbo.core.resources import Cost

CALLS_PER_PAIR = 8
"""HAAQI calls of one (song, listener) pair of stems: left/right x VDBO."""
CALLS_PER_REMIX = 2
"""HAAQI calls of one remix: left and right ear."""


class MemoryBudgetError(UserFacingError, RuntimeError):
    """A scoring job's audio needs more memory than the job was given."""


def _official() -> Callable[..., float]:
    from clarity.evaluator.haaqi import compute_haaqi

    return compute_haaqi


def _fast() -> Callable[..., float]:
    from vdbo.haaqi import compute_haaqi

    return compute_haaqi


@dataclass(frozen=True)
class Engine:
    """One HAAQI implementation and what a scoring job with it costs, measured on a
    real-length pair (:mod:`vdbo.core.resources`: lines over the scored seconds)."""

    name: str
    load: Callable[[], Callable[..., float]]
    cost: Cost
    """Peak memory of a job making one call at a time, and wall time of a pair's
    CALLS_PER_PAIR calls on one thread."""
    threaded: bool
    """Whether a call spreads over the job's threads."""

    def compute_haaqi(self, threads: int | None = None) -> Callable[..., float]:
        """A drop-in ``compute_haaqi``, bound to ``threads`` where the engine has
        them (None: its default)."""
        compute = self.load()
        if self.threaded and threads is not None:
            return functools.partial(compute, threads=threads)
        return compute

    def mem_mb(self, seconds: float) -> int:
        """``mem_mb`` of a scoring job of ``seconds`` of audio per call."""
        return self.cost.mem_mb(seconds)

    def runtime_min(
        self, seconds: float, threads: int = 1, calls: int = CALLS_PER_PAIR
    ) -> int:
        """``runtime`` (minutes) of a job of ``calls`` calls on ``threads``."""
        spread = max(1, threads) if self.threaded else 1
        return self.cost.runtime_min(seconds, calls / CALLS_PER_PAIR / spread)

    def check_budget(
        self,
        seconds: float,
        mem_mb: float | None,
        rule: str,
        machine_mb: float | None = None,
    ) -> None:
        """Fail at the start of a job of ``rule`` that would outgrow its ``mem_mb``
        or this machine's RAM (``machine_mb``): better a clear message now than an
        out-of-memory kill, or hours of swapping, later."""
        need = self.mem_mb(seconds)
        doing = f"{rule}: scoring {seconds:.0f} s of audio with the {self.name} HAAQI"
        ways = "score a segment (scoring.segment), or use scoring.engine: fast"
        if machine_mb is not None and need > machine_mb:
            raise MemoryBudgetError(
                f"{doing} needs about {need} MB, but this machine has "
                f"{int(machine_mb)} MB of RAM. Run it where there is more, {ways}."
            )
        if mem_mb is not None and need > mem_mb:
            raise MemoryBudgetError(
                f"{doing} needs about {need} MB, but this job has "
                f"mem_mb={int(mem_mb)}. Raise it (--set-resources "
                f"{rule}:mem_mb={need}), {ways}."
            )


OFFICIAL = Engine(
    "official",
    _official,
    Cost(peak_mb=(329.0, 44.2), wall_s=(30.4, 11.28)),
    threaded=False,
)
FAST = Engine(
    "fast", _fast, Cost(peak_mb=(255.7, 1.85), wall_s=(-13.1, 3.569)), threaded=True
)
ENGINES = {engine.name: engine for engine in (OFFICIAL, FAST)}
"""The values of ``scoring.engine``."""


def get_engine(name: str) -> Engine:
    """The engine called ``name`` (``scoring.engine``)."""
    try:
        return ENGINES[name]
    except KeyError:
        raise InputError(
            None,
            f"unknown HAAQI engine {name!r}",
            f"set scoring.engine to one of {', '.join(ENGINES)}",
        ) from None


@contextlib.contextmanager
def evaluation_calls(compute_haaqi: Callable[..., float]) -> Iterator[None]:
    """Within the block, the official CAD1 evaluation (``_evaluate_song_listener``)
    calls ``compute_haaqi``: the one place where the function it calls is swapped.
    Nothing reads the swapped function back: who needs it is handed it."""
    with replaced(BASELINE_EVALUATE, "compute_haaqi", compute_haaqi):
        yield
