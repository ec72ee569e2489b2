"""Job sizes: they must grow with the audio and bound what HAAQI really uses.

A scoring job that asks for too little memory is killed by SLURM (or swaps a laptop);
one that asks for far too much blocks others from running. The measured test checks
the memory model against the official pyclarity HAAQI itself.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy.io import wavfile

from vdbo.core import resources

FOUR_MINUTES = 240.0
DURATIONS = [0.5, 1.5, 10.0, 30.0, 60.0, 240.0, 600.0]


@pytest.mark.parametrize("engine", ["official", "fast"])
def test_scoring_sizes_grow_with_duration(engine):
    mem = [resources.scoring_mem_mb(s, engine) for s in DURATIONS]
    runtime = [resources.scoring_runtime_min(s, engine) for s in DURATIONS]
    assert mem == sorted(mem) and mem[0] < mem[-1]
    assert runtime == sorted(runtime) and runtime[0] < runtime[-1]
    assert all(isinstance(v, int) and v > 0 for v in mem + runtime)


def test_fast_engine_is_leaner():
    for seconds in DURATIONS[1:]:
        official = resources.scoring_mem_mb(seconds, "official")
        assert resources.scoring_mem_mb(seconds, "fast") < official
        fast_min = resources.scoring_runtime_min(seconds, "fast")
        assert fast_min <= resources.scoring_runtime_min(seconds, "official")
    assert resources.scoring_runtime_min(600, "fast") < resources.scoring_runtime_min(
        600, "official"
    )


def test_more_threads_never_need_more_time():
    one = resources.scoring_runtime_min(FOUR_MINUTES, "official", threads=1)
    four = resources.scoring_runtime_min(FOUR_MINUTES, "official", threads=4)
    assert four < one


def test_four_minute_song_sizes_are_plausible():
    """Official HAAQI on a 4-min song: ~1.5 GB + 50 MB/s, fits a 24 GB machine."""
    mem = resources.scoring_mem_mb(FOUR_MINUTES, "official")
    expected = 1500 + 50 * FOUR_MINUTES
    assert 0.9 * expected <= mem <= 1.1 * expected
    assert mem < 20000  # the default profile's local memory budget
    # 8 calls at ~1.5 CPU-s per audio second: the limit must exceed the CPU time.
    cpu_minutes = 8 * 1.5 * FOUR_MINUTES / 60
    runtime = resources.scoring_runtime_min(FOUR_MINUTES, "official")
    assert cpu_minutes < runtime <= 4 * cpu_minutes
    assert 3000 <= resources.separation_mem_mb(FOUR_MINUTES) <= 8000
    assert 1000 < resources.enhancement_mem_mb(FOUR_MINUTES) <= 4000


def test_separation_and_enhancement_grow_with_duration():
    for size in (resources.separation_mem_mb, resources.enhancement_mem_mb):
        values = [size(s) for s in DURATIONS]
        assert values == sorted(values) and values[0] < values[-1]


def test_unknown_engine_is_named():
    with pytest.raises(ValueError, match="'slow'.*fast, official"):
        resources.scoring_mem_mb(10, "slow")


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
        assert peak < resources.scoring_mem_mb(seconds, "official"), peaks
    slope = (peaks[long] - peaks[short]) / (long - short)
    assert 0 < slope <= resources.HAAQI_MB_PER_SECOND["official"] * 1.2, peaks
    at_four_minutes = peaks[long] + slope * (FOUR_MINUTES - long)
    assert at_four_minutes < resources.scoring_mem_mb(FOUR_MINUTES, "official")


def test_scoring_budget_fails_early_with_the_numbers():
    from vdbo.core.resources import MemoryBudgetError, check_scoring_budget

    check_scoring_budget(240.0, "official", resources.scoring_mem_mb(240.0))
    with pytest.raises(MemoryBudgetError, match=r"needs about 13500 MB.*mem_mb=4000"):
        check_scoring_budget(240.0, "official", 4000)
