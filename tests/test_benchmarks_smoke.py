"""Every benchmark the docs cite runs at its smallest size and prints its figures.

Nothing else runs the scripts in ``benchmarks/``, so a change that breaks one (a
renamed script, a moved function) would go unnoticed until someone measures. The
benchmarks to run are read from the docs (``README.md`` and ``docs/**/*.md``): a newly
cited benchmark runs here too, and fails until it has a ``--smoke`` mode that prints
a measurement.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CITED = re.compile(r"benchmarks/([A-Za-z0-9_]+)\.py")
SMOKE_TIMEOUT_S = 1200  # a shared 2-core machine at load 13 took up to ~6 min for one

# What each benchmark's smoke run must print: its measurement lines, with numbers.
MEASURED = {
    "full_size_plan": [r"^\| separate \| \d+ \| \d+", r"^\| score \| \d+ \| \d+"],
    "training_throughput": [r"^umx\s+1\s+\d+\.\d+", r"^hdemucs\s+1\s+\d+\.\d+"],
    "gpu_check": [
        r"^hdemucs\s+default\s+\S+\s+\S+\s+\S+\s+PASS",
        r"^umxhq\s+2s\s+\d+\.\d{4}",
        r"^VERDICT: DRY RUN",
    ],
    "real_length_pair": [
        r"^\| score \(fast\) \| 10 \| \d+\.\d \| \d+\.\d \|",
        r"^\| separate \| 10 \| \d+\.\d",
        r"workflow \S+, fast \S+ \(all equal\)",
        r"^\| validation \| fast \| \d+",
    ],
    "haaqi_engines": [
        r"official\s+1 s\s+threads=1\s+wall\s+\d+\.\d+ s\s+cpu\s+\d+\.\d+ s",
        r"fast\s+1 s\s+threads=1\s+wall\s+\d+\.\d+ s",
        r"\|score diff\| 0$",
    ],
    "pipeline_stages": [
        r"^separate \(ours, hdemucs\)\s+\d+\.\d+ s",
        r"^score, fast HAAQI \(1 s, 8 calls\)\s+\d+\.\d+ s",
        r"our stems equal the official separate_sources output exactly",
    ],
    "job_startup": [r"^HAAQI \(fast engine\)\s+\d+\.\d+\s+\d+\.\d+\s+\d+"],
}
# A benchmark cited later, not listed above: at least a figure in seconds.
ANY_FIGURE = [r"\d+(\.\d+)?\s*(s|ms|seconds|CPU s|x)\b"]


def cited_benchmarks() -> list[str]:
    """The ``benchmarks/*.py`` scripts the README and the docs pages name."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]
    names = {
        name
        for page in pages
        if page.exists()
        for name in CITED.findall(page.read_text(encoding="utf-8"))
    }
    return sorted(n for n in names if (REPO / "benchmarks" / f"{n}.py").exists())


def test_the_docs_cite_the_known_benchmarks():
    """The discovery reads the docs: it finds at least the benchmarks cited today."""
    assert set(cited_benchmarks()) >= set(MEASURED)


@pytest.mark.parametrize("name", cited_benchmarks())
def test_benchmark_smoke_run_prints_its_figures(name, tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / f"{name}.py"), "--smoke"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
        check=False,
    )
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{name} --smoke failed:\n{output[-4000:]}"
    for pattern in MEASURED.get(name, ANY_FIGURE):
        assert re.search(pattern, output, re.M), (
            f"{name} --smoke ({seconds:.0f} s) printed no line matching {pattern!r}:"
            f"\n{output[-4000:]}"
        )
