"""What one SDR job costs: museval (BSSEval v4) on a song of each length.

A demo song composed at each length (as ``real_length_pair.py`` builds one: 44.1 kHz
16-bit stereo mixture and four stems) is scored as the SDR job scores it
(``vdbo.evaluation.sdr.evaluate_song``: four stems, 1 s windows and hops), with an
estimate that is neither exact nor silent (each stem plus a tenth of the mixture).
Each length runs in a fresh process, so its CPU seconds and peak RSS
(``getrusage(RUSAGE_CHILDREN)``) are its own; the figures are fitted as a line over
the seconds of audio (the ``vdbo.core.resources.Cost`` form the SDR rule requests
from). Beside them, the fast HAAQI engine's modelled cost of one pair of the same
length, for scale.

    python benchmarks/sdr_cost.py                 # 30 s and 240 s
    python benchmarks/sdr_cost.py --smoke         # one 10 s song, in seconds
    python benchmarks/sdr_cost.py --seconds 10 60
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SMOKE_S = 10.0
"""The shortest demo song whose four stems all sound."""
CHILD = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
from real_length_pair import write_song
from vdbo import STEMS
from vdbo.evaluation import sdr
from vdbo.evaluation.separated import read_stem_wavs
root = Path({root!r})
name = write_song(root, {seconds})
track = root / "audio/musdb18hq/train" / name
refs = read_stem_wavs({{s: track / f"{{s}}.wav" for s in STEMS}})
mixture = read_stem_wavs({{"mixture": track / "mixture.wav"}})["mixture"]
ests = {{s: r + 0.1 * mixture for s, r in refs.items()}}
sdr.import_museval()
import resource
before = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
frames, _ = sdr.evaluate_song(refs, ests)
after = resource.getrusage(resource.RUSAGE_SELF)
table = sdr.song_table(name, frames, {{}})
print(json.dumps({{
    "wall_s": time.perf_counter() - start,
    "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    "sdr": dict(zip(table["stem"], table["SDR"])),
}}))
"""


def measure(seconds: float) -> dict:
    """museval on one song of ``seconds`` in a process of its own."""
    with tempfile.TemporaryDirectory(prefix="vdbo-sdr-cost-") as root:
        code = CHILD.format(here=str(HERE), root=root, seconds=float(seconds))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"sdr_cost: the {seconds:g} s run failed:\n{done.stderr}")
        out = done.stdout
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    record = json.loads(out.strip().splitlines()[-1])
    record["seconds"] = seconds
    record["process_cpu_s"] = (after.ru_utime + after.ru_stime) - (
        before.ru_utime + before.ru_stime
    )
    record["peak_mb"] = after.ru_maxrss / 1024
    return record


def line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """``(a, b)`` of ``a + b * seconds`` through the first and last point."""
    (x0, y0), (x1, y1) = points[0], points[-1]
    if x1 == x0:
        return (0.0, y1 / x1)
    b = (y1 - y0) / (x1 - x0)
    return (y0 - b * x0, b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, nargs="+", default=[30.0, 240.0])
    parser.add_argument("--smoke", action="store_true", help="one short song (SMOKE_S)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    lengths = [SMOKE_S] if args.smoke else sorted(args.seconds)
    from vdbo.evaluation.engines import get_engine

    fast = get_engine("fast")
    records = []
    print("seconds  cpu_s(museval)  wall_s  peak_mb  haaqi_fast_pair_wall_s(model)")
    for seconds in lengths:
        started = time.perf_counter()
        r = measure(seconds)
        a, b = fast.cost.wall_s
        haaqi = a + b * seconds
        print(
            f"{seconds:7g}  {r['cpu_s']:14.1f}  {r['wall_s']:6.1f}  "
            f"{r['peak_mb']:7.0f}  {haaqi:8.0f}   "
            f"(whole measurement {time.perf_counter() - started:.0f} s)"
        )
        records.append(r)
    wall = line([(r["seconds"], r["wall_s"]) for r in records])
    peak = line([(r["seconds"], r["peak_mb"]) for r in records])
    print(
        f"Cost(peak_mb=({peak[0]:.1f}, {peak[1]:.2f}), "
        f"wall_s=({wall[0]:.1f}, {wall[1]:.3f}))"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"records": records, "wall_s": wall, "peak_mb": peak}, indent=1)
        )


if __name__ == "__main__":
    main()
