"""Job sizes: they must grow with the audio and bound what HAAQI really uses.

A scoring job that asks for too little memory is killed by SLURM (or swaps a laptop);
one that asks for far too much blocks others from running. The measured test checks
the memory model against the official pyclarity HAAQI itself.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from scipy.io import wavfile

from vdbo.core import resources
from vdbo.core.errors import InputError
from vdbo.evaluation import metrics
from vdbo.evaluation.engines import ENGINES, MemoryBudgetError, get_engine

FOUR_MINUTES = 240.0
DURATIONS = [0.5, 1.5, 10.0, 30.0, 60.0, 240.0, 600.0]


@pytest.mark.parametrize("engine", ["official", "fast"])
def test_scoring_sizes_grow_with_duration(engine):
    mem = [get_engine(engine).mem_mb(s) for s in DURATIONS]
    runtime = [get_engine(engine).runtime_min(s) for s in DURATIONS]
    assert mem == sorted(mem) and mem[0] < mem[-1]
    assert runtime == sorted(runtime) and runtime[0] < runtime[-1]
    assert all(isinstance(v, int) and v > 0 for v in mem + runtime)


def test_fast_engine_is_leaner():
    for seconds in DURATIONS[1:]:
        official = get_engine("official").mem_mb(seconds)
        assert get_engine("fast").mem_mb(seconds) < official
        fast_min = get_engine("fast").runtime_min(seconds)
        assert fast_min <= get_engine("official").runtime_min(seconds)
    assert get_engine("fast").runtime_min(600) < get_engine("official").runtime_min(600)


def test_more_threads_never_need_more_time():
    one = get_engine("fast").runtime_min(FOUR_MINUTES, threads=1)
    four = get_engine("fast").runtime_min(FOUR_MINUTES, threads=4)
    assert four < one
    # the official engine makes its calls on one thread, however many it is given
    official = get_engine("official")
    assert official.runtime_min(FOUR_MINUTES, threads=4) == official.runtime_min(
        FOUR_MINUTES
    )


def test_four_minute_song_sizes_are_plausible():
    """Official HAAQI on a 4-min song: ~1.5 GB + 50 MB/s, fits a 24 GB machine."""
    mem = get_engine("official").mem_mb(FOUR_MINUTES)
    expected = 1500 + 50 * FOUR_MINUTES
    assert 0.9 * expected <= mem <= 1.1 * expected
    assert mem < 20000  # the default profile's local memory budget
    # 8 calls at ~1.5 CPU-s per audio second: the limit must exceed the CPU time.
    cpu_minutes = 8 * 1.5 * FOUR_MINUTES / 60
    runtime = get_engine("official").runtime_min(FOUR_MINUTES)
    assert cpu_minutes < runtime <= 4 * cpu_minutes
    assert 3000 <= resources.SEPARATION.mem_mb(FOUR_MINUTES) <= 8000
    assert 1000 < resources.ENHANCEMENT.mem_mb(FOUR_MINUTES) <= 4000


# Measured on a real-length pair (benchmarks/real_length_pair.py, 2-core machine
# under load): (seconds, peak MB, wall s) per job kind. A request must hold the
# peak and stay within 1.5x of it; a time limit must exceed the wall time, within
# 3x of it unless it is the floor.
MEASURED = {
    "separate": [(30, 2284, 106.2), (240, 2867, 708.0)],
    "enhance": [(30, 271, 1.1), (240, 1473, 21.7)],
    "encode": [(30, 192, 0.9), (240, 1161, 16.4)],
    "fast": [(30, 311, 94.0), (240, 700, 843.5)],
    "official": [(30, 1655, 369.0), (240, 10938, 2738.0)],
    # museval on four stereo stems (benchmarks/sdr_cost.py)
    "sdr": [(30, 1429, 111.9), (240, 6906, 533.4)],
}


@pytest.mark.parametrize("kind", sorted(MEASURED))
def test_requests_follow_the_measured_costs(kind):
    costs = {
        "separate": resources.SEPARATION,
        "enhance": resources.ENHANCEMENT,
        "encode": resources.ENCODING,
        "sdr": metrics.SDR_COST,
    }
    for seconds, peak, wall in MEASURED[kind]:
        if kind in costs:
            mem, minutes = costs[kind].mem_mb(seconds), costs[kind].runtime_min(seconds)
        else:
            engine = get_engine(kind)
            mem, minutes = engine.mem_mb(seconds), engine.runtime_min(seconds)
        assert peak < mem <= 1.5 * peak, (kind, seconds, mem)
        assert wall / 60 < minutes, (kind, seconds, minutes)
        assert minutes <= 3 * wall / 60 or minutes == resources.RUNTIME_FLOOR_MIN


def test_separation_and_enhancement_grow_with_duration():
    for size in (resources.SEPARATION.mem_mb, resources.ENHANCEMENT.mem_mb):
        values = [size(s) for s in DURATIONS]
        assert values == sorted(values) and values[0] < values[-1]


def test_unknown_engine_is_named():
    with pytest.raises(InputError, match="'slow'.*official, fast"):
        get_engine("slow")
    assert set(ENGINES) == {"official", "fast"}


def test_audio_seconds_reads_the_header(tmp_path):
    path = tmp_path / "mixture.wav"
    wavfile.write(path, 44100, np.zeros((44100 * 3 // 2, 2), np.int16))
    assert resources.audio_seconds(path) == pytest.approx(1.5)
    wavfile.write(path, 24000, np.zeros(6000, np.int16))
    assert resources.audio_seconds(path) == pytest.approx(0.25)


PEAK_RSS = """
import sys
import numpy as np
from clarity.evaluator.haaqi import compute_haaqi

rate, seconds = 24000, float(sys.argv[1])
rng = np.random.default_rng(0)
ref = rng.standard_normal(int(seconds * rate)) * 0.1
out = ref + rng.standard_normal(ref.size) * 0.01
levels = np.array([20, 25, 30, 35, 40, 45, 50, 55])
cfs = np.array([250, 500, 1000, 2000, 3000, 4000, 6000, 8000])
compute_haaqi(out, ref, rate, rate, levels, cfs)
# VmHWM: this process's own peak RSS. ru_maxrss would also count the RSS of the
# parent it was forked from (Linux records the pre-exec high-water mark).
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(int(status.split()[0]) / 1024)
"""


def haaqi_peak_mb(seconds: float) -> float:
    """Peak RSS of a fresh Python process making one official HAAQI call."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(seconds)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return float(done.stdout)


@pytest.mark.slow
def test_memory_model_bounds_official_haaqi():
    """Peak RSS of real HAAQI calls, extrapolated to 4 min, stays under the model."""
    short, long = 2.0, 6.0
    peaks = {seconds: haaqi_peak_mb(seconds) for seconds in (short, long)}
    for seconds, peak in peaks.items():
        assert peak < get_engine("official").mem_mb(seconds), peaks
    slope = (peaks[long] - peaks[short]) / (long - short)
    assert 0 < slope <= get_engine("official").cost.peak_mb[1] * 1.2, peaks
    at_four_minutes = peaks[long] + slope * (FOUR_MINUTES - long)
    assert at_four_minutes < get_engine("official").mem_mb(FOUR_MINUTES)


def test_scoring_budget_fails_early_with_the_numbers():
    official = get_engine("official")
    official.check_budget(240.0, official.mem_mb(240.0), "score")
    need = official.mem_mb(240.0)
    with pytest.raises(MemoryBudgetError, match=rf"needs about {need} MB.*mem_mb=4000"):
        official.check_budget(240.0, 4000, "score")
    # a 4-min song on an 8 GB laptop: named before any HAAQI work, whatever mem_mb
    with pytest.raises(
        MemoryBudgetError,
        match=rf"score: .*{need} MB.*machine has 8000 MB.*engine: fast",
    ):
        official.check_budget(240.0, None, "score", machine_mb=8000)
    get_engine("fast").check_budget(240.0, None, "score", machine_mb=8000)


def test_local_memory_budget_is_a_share_of_this_machines_ram(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       65536000 kB\nMemFree:  1 kB\n")
    assert resources.local_memory_budget_mb(meminfo) == int(64000 * 0.8)
    real = resources.local_memory_budget_mb()
    assert 0 < real < os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
