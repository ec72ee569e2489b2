"""Start-up cost of each non-model job kind, against importing the official module.

A job's start-up is what a fresh interpreter pays before it touches audio: the
Snakemake script preamble, the job script's own imports (read from
``workflow/scripts/<script>.py``) and the modules its work loads on first use (the
official functions it resolves through ``vdbo.core.official``, the HAAQI engine, NAL-R).
Anchor: the same, plus importing the official recipe module those functions live in
(``recipes.cad1.task1.baseline.enhance`` or ``.evaluate``), which is what such a job
paid when it imported the recipe (torch, hydra, pandas). Each kind is run A B A B in
fresh processes; CPU seconds and peak memory come from the kernel's accounting of
each finished child (``os.wait4``). Prints medians and the ratio A/B (< 1: ours
starts faster).

    .venv/bin/python benchmarks/job_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import ast
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENHANCE = "recipes.cad1.task1.baseline.enhance"
EVALUATE = "recipes.cad1.task1.baseline.evaluate"
RESOLVE_ENHANCE = (
    "from vdbo.core.official import enhance_function\n"
    "for n in ('map_to_dict', 'process_stems_for_listener', 'remix_signal',"
    " 'save_flac_signal'): enhance_function(n)\n"
    "import clarity.enhancer.nalr, clarity.enhancer.compressor\n"
)
RESOLVE_EVALUATE = (
    "from vdbo.core.official import evaluate_function\n"
    "for n in ('_evaluate_song_listener', 'set_song_seed', 'ResultsFile'):"
    " evaluate_function(n)\n"
    "import clarity.utils.flac_encoder\n"
)
FAST_ENGINE = "import vdbo.haaqi\n"
JOBS = {
    # job kind: (script, what its work loads on first use, the official module)
    "separate (oracle/mixture)": ("separate.py", "", ENHANCE),
    "enhance": ("enhance.py", RESOLVE_ENHANCE, ENHANCE),
    "encode": ("encode.py", RESOLVE_ENHANCE, ENHANCE),
    "remix": ("remix.py", RESOLVE_ENHANCE, ENHANCE),
    # score, verify_scores, score_submission and remix_haaqi: one script
    "HAAQI (fast engine)": ("haaqi.py", RESOLVE_EVALUATE + FAST_ENGINE, EVALUATE),
}
HEAVY = ("torch", "hydra", "omegaconf", "pandas")


def script_imports(script: str) -> str:
    """The top-level import statements of a workflow script (its start-up)."""
    path = REPO / "workflow" / "scripts" / script
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    return "".join(ast.unparse(n) + "\n" for n in imports)


def program(script: str, work: str, anchor: str | None) -> str:
    preamble = "import warnings; warnings.simplefilter('ignore')\n"
    preamble += "from snakemake import script\n"  # what Snakemake's preamble loads
    extra = f"import {anchor}\n" if anchor else ""
    report = (
        "import sys\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules) or '-')\n"
    )
    return preamble + script_imports(script) + work + extra + report


def run(code: str) -> tuple[float, float, float, str]:
    """CPU s, wall s, peak MiB of one fresh interpreter running ``code``."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, env=env, cwd=REPO
    )
    out = child.stdout.read().decode().strip()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"start-up program failed ({child.returncode}):\n{code}")
    cpu = usage.ru_utime + usage.ru_stime
    return cpu, wall, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--smoke", action="store_true",
        help="seconds: one run of each job, no anchor, no warm-up (tests/)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    print(
        f"{args.runs} runs each, A B A B; medians; A = the job, B = + official module"
        + (" (smoke: no B)" if args.smoke else "")
    )
    header = (
        f"{'job':28} {'A cpu s':>8} {'A wall s':>8} {'A MiB':>7} {'heavy':>10} "
        f"{'B cpu s':>8} {'B MiB':>7} {'A/B cpu':>8}"
    )
    print(header)
    for kind, (script, work, anchor) in JOBS.items():
        ours, base = program(script, work, None), program(script, work, anchor)
        a_runs, b_runs = [], []
        if not args.smoke:
            run(ours)  # warm the file cache
        for _ in range(args.runs):
            a_runs.append(run(ours))
            # smoke: the job's own start-up only (the anchor imports torch: seconds)
            b_runs.append((math.nan,) * 3 if args.smoke else run(base))
        med = [statistics.median(r[i] for r in a_runs) for i in range(3)]
        b_med = [statistics.median(r[i] for r in b_runs) for i in range(3)]
        ratio = statistics.median(
            a[0] / b[0] for a, b in zip(a_runs, b_runs, strict=True)
        )
        print(
            f"{kind:28} {med[0]:8.2f} {med[1]:8.2f} {med[2]:7.0f} "
            f"{a_runs[-1][3]:>10} {b_med[0]:8.2f} {b_med[2]:7.0f} {ratio:8.2f}"
        )


if __name__ == "__main__":
    main()
