"""benchmarks/cost_model.py: the arithmetic behind the full-table cost estimate."""

from __future__ import annotations

import importlib.util
import math
import sys

import pytest
from workflow_runner import REPO


@pytest.fixture(scope="module")
def cost():
    path = REPO / "benchmarks/cost_model.py"
    spec = importlib.util.spec_from_file_location("cost_model", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_fit_line_recovers_base_and_slope(cost):
    assert cost.fit_line({30.0: 130.0, 240.0: 760.0}) == pytest.approx((40.0, 3.0))
    base, slope = cost.fit_line({10.0: 1.0, 20.0: 3.0, 30.0: 4.0})
    assert (base, slope) == pytest.approx((-1 / 3, 0.15))
    assert cost.fit_line({240.0: 480.0}) == (0.0, 2.0)  # one length: through zero
    assert cost.fit_line({30.0: 340.0, 240.0: 300.0}) == (340.0, 0.0)  # never shrinks
    with pytest.raises(ValueError):
        cost.fit_line({})


@pytest.mark.parametrize("peak", [1.0, 99.0, 737.5, 11400.0])
def test_requests_stay_within_the_margins(cost, peak):
    mem = cost.mem_request_mb(peak)
    assert peak < mem <= 1.5 * peak + 100 and mem % 100 == 0
    minutes = cost.runtime_request_min(peak)  # peak as wall seconds here
    assert minutes * 60 >= peak and (minutes - 1) * 60 < 3 * peak


def test_jobs_pack_by_cores_and_memory(cost):
    score = cost.JobKind("score", 1400, cpu_s=3600.0, threads=1, mem_mb=15000)
    small = cost.JobKind("enhance", 1400, cpu_s=10.0, threads=1, mem_mb=1000)
    two = cost.JobKind("separate", 28, cpu_s=600.0, threads=2, mem_mb=4000)
    laptop = cost.Machine("laptop", cores=2, mem_mb=19000)
    station = cost.Machine("station", cores=16, mem_mb=52000)
    cluster = cost.Machine("cluster", cores=16, mem_mb=52000, nodes=10)
    assert cost.concurrent_jobs(score, laptop) == 1  # memory-bound
    assert cost.concurrent_jobs(score, station) == 3
    assert cost.concurrent_jobs(score, cluster) == 30
    assert cost.concurrent_jobs(small, station) == 16  # core-bound
    assert cost.concurrent_jobs(two, laptop) == 1
    assert cost.cpu_hours([score, small]) == pytest.approx(1400 * 3610 / 3600)
    # 1400 jobs, 3 at a time: 467 waves of one hour each
    assert cost.wall_hours([score], station) == pytest.approx(467.0)
    # 28 two-thread jobs, 8 at a time on 16 cores: 4 waves of 300 s
    assert cost.wall_hours([two], station) == pytest.approx(4 * 300 / 3600)
    tiny = cost.Machine("tiny", cores=16, mem_mb=8000)
    assert math.isinf(cost.wall_hours([score, small], tiny))
