"""Official vs fast HAAQI: per-call time and peak memory, in one run.

Both engines score the same deterministic music-like signals (reference and a
processed version at 24 kHz, mild-to-moderate sloping loss, level1 as in the CAD1
evaluation). Every measurement runs in a fresh subprocess, so peak RSS
(``resource.getrusage``) is that call's own; the fast engine is warmed up with a
1-second call first (numba cache loading, not counted in its time, but counted in
its peak memory). The scores of both engines are printed and compared too.

The floor (``--floor``): the exact threshold-noise draws alone of a call of that
length, 2 signals x 32 bands x N samples of numpy's legacy ``standard_normal``,
the part of the model no exact engine can skip; timed with numpy's own generator and
with vdbo's replica (`vdbo.haaqi.legacy_rng.fill_gauss`, 8192 at a time as in the
engine), the faster of the two being the floor. Each fast row then shows the share
of its CPU time above the floor.

``--baseline-src`` adds the fast engine of another source tree (e.g. an earlier
commit's ``src`` exported with ``git archive``), run in the same way in the same
run, for before/after tables.

    python benchmarks/haaqi_engines.py          # 10 s and 30 s, 1 and 2 threads
    python benchmarks/haaqi_engines.py --durations 10 30 60 240 --threads 1 --floor
    python benchmarks/haaqi_engines.py --durations 10 30 60 --memory-duration 240
    python benchmarks/haaqi_engines.py --durations 10 --threads 1 --engines fast

Time is reported as wall and CPU seconds; on a shared machine CPU seconds of a
1-thread run are the fairer comparison (the host load is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

SAMPLE_RATE = 24000
AUDIOGRAM = [20, 25, 35, 45, 55, 65, 70, 70]
AUDIOGRAM_FREQUENCIES = [250, 500, 1000, 2000, 3000, 4000, 6000, 8000]
SEED = 2023


def make_signals(duration: float):
    """Deterministic reference/processed pair of the given duration.

    Generated one second at a time so that making them adds little to the
    process's peak memory (which is what is measured).
    """
    import numpy as np

    rng = np.random.default_rng(SEED)
    n = int(duration * SAMPLE_RATE)
    delay = 11  # samples by which the processed signal lags
    reference = np.empty(n, dtype=np.float32)
    processed = np.empty(n)
    carry = np.zeros(delay)
    for start in range(0, n, SAMPLE_RATE):
        t = np.arange(start, min(start + SAMPLE_RATE, n)) / SAMPLE_RATE
        block = 0.02 * rng.standard_normal(len(t))
        for k, f0 in enumerate((110.0, 220.0, 330.0, 523.25, 880.0)):
            phase = (t / 0.5 + k * 0.13) % 1.0  # one note every 0.5 s
            swell = 0.6 + 0.4 * np.sin(2 * np.pi * 0.1 * t + k)
            envelope = np.exp(-4.0 * phase) * swell
            for h in range(1, 5):
                block += envelope * np.sin(2 * np.pi * f0 * h * t + k * h) / (h * 5)
        block *= 0.1
        reference[start : start + len(t)] = block
        # Processed: delayed, attenuated, softly clipped, plus a little noise.
        shifted = np.concatenate((carry, block))
        carry = shifted[len(block) :]
        stop = start + len(t)
        processed[start:stop] = np.tanh(2.4 * shifted[: len(block)]) / 3
        processed[start:stop] += 0.003 * rng.standard_normal(len(t))
    return reference, processed


NOISE_BANDS = 32  # HAAQI's auditory bands; each signal draws bands x samples normals
FLOOR_CHUNK = 1 << 20  # numpy draws per call when timing its generator


def floor_worker(duration: float) -> dict:
    """CPU seconds of the call's exact noise draws alone, both generators."""
    import numpy as np

    from vdbo.haaqi.legacy_rng import fill_gauss, state_from_numpy

    count = 2 * NOISE_BANDS * int(duration * SAMPLE_RATE)
    np.random.seed(SEED)
    cpu = time.process_time()
    for start in range(0, count, FLOOR_CHUNK):
        np.random.standard_normal(min(FLOOR_CHUNK, count - start))
    numpy_cpu = time.process_time() - cpu
    numpy_end = np.random.get_state()
    key, meta = state_from_numpy(np.random.RandomState(SEED))
    fill_gauss(key, meta, np.empty(8))  # compiled or loaded before timing
    key, meta = state_from_numpy(np.random.RandomState(SEED))
    block = np.empty(8192)
    cpu = time.process_time()
    for start in range(0, count, len(block)):
        fill_gauss(key, meta, block[: min(len(block), count - start)])
    vdbo_cpu = time.process_time() - cpu
    if not (np.array_equal(key, numpy_end[1]) and meta[0] == numpy_end[2]):
        raise RuntimeError("vdbo's generator did not end where numpy's did")
    return {
        "engine": "floor",
        "duration": duration,
        "normals": count,
        "numpy_cpu_s": numpy_cpu,
        "vdbo_cpu_s": vdbo_cpu,
        "cpu_s": min(numpy_cpu, vdbo_cpu),
    }


def worker(engine: str, duration: float, threads: int) -> dict:
    """One timed call in this (fresh) process."""
    import resource

    import numpy as np

    if engine == "floor":
        return floor_worker(duration)
    if engine == "official":
        from clarity.evaluator.haaqi import compute_haaqi

        def call(ref, proc, level1):
            return compute_haaqi(
                proc, ref, SAMPLE_RATE, SAMPLE_RATE,
                np.array(AUDIOGRAM), np.array(AUDIOGRAM_FREQUENCIES), level1,
            )  # fmt: skip
    else:
        from vdbo.haaqi import compute_haaqi

        def call(ref, proc, level1):
            return compute_haaqi(
                proc, ref, SAMPLE_RATE, SAMPLE_RATE,
                np.array(AUDIOGRAM), np.array(AUDIOGRAM_FREQUENCIES), level1,
                threads=threads,
            )  # fmt: skip

        warm_ref, warm_proc = make_signals(1.0)
        call(warm_ref, warm_proc, 65 - 20 * np.log10(np.sqrt(np.mean(warm_ref**2))))
    reference, processed = make_signals(duration)
    rms = np.sqrt(np.mean(reference**2))
    level1 = 65 - 20 * np.log10(rms)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    np.random.seed(SEED)
    wall = time.perf_counter()
    cpu = time.process_time()
    score = call(reference, processed, level1)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "engine": engine,
        "duration": duration,
        "threads": threads,
        "score": float(score),
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": peak,
        "rss_before_mb": rss_before,
    }


def run_in_subprocess(
    engine: str, duration: float, threads: int, src: str | None = None
) -> dict:
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = "1"
    env["NUMBA_NUM_THREADS"] = str(max(threads, 1))
    if src is not None:  # another tree's vdbo first on the path
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (os.path.abspath(src), env.get("PYTHONPATH")) if p
        )
    kind = "fast" if engine == "baseline" else engine
    cmd = [sys.executable, __file__, "--worker", kind, str(duration), str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row["engine"] = engine
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", type=float, nargs="+", default=[10, 30])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--memory-duration",
        type=float,
        default=None,
        help="extra duration measured once per engine (1 thread), for peak memory",
    )
    parser.add_argument(
        "--engines",
        nargs="+",
        default=["official", "fast"],
        choices=["official", "fast"],
    )
    parser.add_argument(
        "--floor", action="store_true", help="time the exact noise draws alone"
    )
    parser.add_argument(
        "--baseline-src",
        default=None,
        help="also run the fast engine of this source tree (before/after)",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="seconds: 1 s, 1 thread (tests/)"
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smoke:
        args.durations, args.threads, args.memory_duration = [1.0], [1], None
    if args.worker:
        engine, duration, threads = args.worker
        print(json.dumps(worker(engine, float(duration), int(threads))))
        return

    print(f"host: {os.cpu_count()} cpus, load average {os.getloadavg()}")
    rows = []
    runs = [(d, t) for d in args.durations for t in args.threads]
    if args.memory_duration:
        runs.append((args.memory_duration, 1))
        if 2 in args.threads:
            runs.append((args.memory_duration, 2))
    official_cache: dict[float, dict] = {}
    floors: dict[float, dict] = {}
    for duration, threads in runs:
        if args.floor and duration not in floors:
            floors[duration] = run_in_subprocess("floor", duration, 1)
            _print_floor(floors[duration])
        if "official" in args.engines and duration not in official_cache:
            official_cache[duration] = run_in_subprocess("official", duration, 1)
            rows.append(official_cache[duration])
            _print_row(rows[-1], None)
        fast_runs = [("fast", None)] if "fast" in args.engines else []
        if args.baseline_src:
            fast_runs.insert(0, ("baseline", args.baseline_src))
        for engine, src in fast_runs:
            row = run_in_subprocess(engine, duration, threads, src)
            rows.append(row)
            _print_row(row, official_cache.get(duration), floors.get(duration))
    print(f"load average at end {os.getloadavg()}")


def _print_floor(row: dict) -> None:
    print(
        f"{'floor':>8} {row['duration']:6.0f} s  {row['normals'] / 1e6:.1f} M exact "
        f"normals: numpy cpu {row['numpy_cpu_s']:.2f} s, vdbo's generator cpu "
        f"{row['vdbo_cpu_s']:.2f} s",
        flush=True,
    )


def _print_row(row: dict, official: dict | None, floor: dict | None = None) -> None:
    text = (
        f"{row['engine']:>8} {row['duration']:6.0f} s  threads={row['threads']}  "
        f"wall {row['wall_s']:8.2f} s  cpu {row['cpu_s']:8.2f} s  "
        f"peak RSS {row['peak_rss_mb']:6.0f} MB"
        f" (before call {row['rss_before_mb']:.0f})"
        f"  score {row['score']!r}"
    )
    if official is not None:
        wall = official["wall_s"] / row["wall_s"]
        cpu = official["cpu_s"] / row["cpu_s"]
        memory = row["peak_rss_mb"] / official["peak_rss_mb"]
        diff = abs(row["score"] - official["score"])
        text += (
            f"\n{'':>8} official/fast: wall {wall:.2f}x  cpu {cpu:.2f}x  "
            f"memory fast/official {memory:.3f}  |score diff| {diff:.3g}"
        )
    if floor is not None and row["engine"] != "official":
        above = (row["cpu_s"] - floor["cpu_s"]) / row["cpu_s"]
        text += (
            f"\n{'':>8} floor {floor['cpu_s']:.2f} s cpu = "
            f"{floor['cpu_s'] / row['cpu_s']:.1%} of this call, {above:.1%} above it"
        )
    print(text, flush=True)


if __name__ == "__main__":
    main()
