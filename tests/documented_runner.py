"""The documented real-data commands, run as a user runs them, and the official scripts.

Commands are read from the docs page ``docs/real-data.md`` (section "The two tables"),
so the documentation and the tests cannot drift apart (``tests/test_real_data.py``
holds the README's copy equal to it), and run from the root of a copy of the
repository (``workflow_runner.copy_repository``) with only ``data.root`` changed.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import snakemake_log
from scipy.io import wavfile
from workflow_runner import REPO

from vdbo import STEMS
from vdbo.core import determinism, schema
from vdbo.evaluation.verification import pairs_to_verify

REAL_DATA_PAGE = (REPO / "docs" / "real-data.md", "## The two tables")
README_REAL_DATA = (REPO / "README.md", "## Real data")
SEPARATORS = ("hdemucs", "umxhq")


def real_data_commands(page: tuple[Path, str] = REAL_DATA_PAGE) -> dict[str, list[str]]:
    """{config file: argv} of the real-data commands in a page section; N cores -> 2."""
    path, heading = page
    text = path.read_text(encoding="utf-8")
    section = text[text.index(f"\n{heading}") + 1 :]
    section = section[: section.index("\n## ", 1)]
    commands = {}
    for line in section.splitlines():
        if line.startswith("snakemake --configfile config/"):
            argv = shlex.split(line, comments=True)
            argv[argv.index("--cores") + 1] = "2"
            commands[argv[argv.index("--configfile") + 1]] = argv
    return commands


def with_data_root(argv: list[str], root: Path) -> list[str]:
    """The command with its ``data.root`` (and nothing else) pointed at ``root``."""
    argv = list(argv)
    if "--config" in argv:
        i = argv.index("--config") + 1
        assert argv[i].startswith("data={root: "), argv[i]
        argv[i] = f"data={{root: {root}}}"
    else:
        argv += ["--config", f"data={{root: {root}}}"]
    return argv


def run(argv, cwd, env, timeout=900):
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert (
        done.returncode == 0
    ), f"{argv}:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done


def planned(argv, cwd, env) -> Counter:
    """(rule, separator) -> planned job count of a dry run."""
    out = run([*argv, "-n"], cwd, env).stdout
    jobs = snakemake_log.jobs(out)
    assert len(jobs) == sum(snakemake_log.job_stats(out).values())
    return Counter((j.rule, dict(j.wildcards).get("separator", "-")) for j in jobs)


# The figures and report pages every run makes (rules/report.smk): remix and
# training figures come only with remix strategies and trained models.
REPORT_JOBS = (
    "plot_stem_means",
    "plot_heatmap",
    "plot_hearing_loss",
    "plot_cost",
    "report_tables",
    "report_config",
    "compare_systems",
    "plot_forest",
    "report_compare",
)


SCORING = schema.defaults(schema.section("scoring"))


def metric_jobs(separators, songs: int) -> Counter:
    """The jobs of the metrics beside HAAQI (scoring.metrics' default: sdr): one per
    separator and song, a table per separator, and their paired comparison and figure
    across separators (docs/metrics.md)."""
    separated = [m for m in SCORING["metrics"] if m != "haaqi"]
    jobs = Counter()
    for rule in ("compare_metric", "plot_forest_metric", "plot_metric_vs_haaqi"):
        jobs[(rule, "-")] = len(separated)
    for sep in separators:
        jobs[("sdr", sep)] = songs * ("sdr" in separated)
        jobs[("metric_table", sep)] = len(separated)
    return +jobs


def expected_plan(songs: int, listeners: int, submission: bool) -> Counter:
    plan = Counter({("all", "-"): 1, ("summary", "-"): 1})
    plan.update({(rule, "-"): 1 for rule in REPORT_JOBS})
    plan.update(metric_jobs(SEPARATORS, songs))
    for sep in SEPARATORS:
        plan[("separate", sep)] = songs
        for rule in ("enhance", "encode", "score"):
            plan[(rule, sep)] = songs * listeners
        plan[("aggregate_scores", sep)] = 1
        if submission:
            plan[("pack_submission", sep)] = 1
        plan[("listen", sep)] = 1  # its Listen page
        # the fast engine by default: a sample re-scored by the official code
        plan[("verify_scores", sep)] = pairs_to_verify(
            songs * listeners, SCORING["verify_pairs"], SCORING["verify_fraction"]
        )
    return plan


def official(step: str, env: dict, *overrides: str) -> None:
    """An official recipe script, with the CPU settings the workflow gives its jobs
    (vdbo.core.determinism): torch's kernels, and so the stems, depend on them."""
    cmd = [sys.executable, "-m", f"recipes.cad1.task1.baseline.{step}", *overrides]
    env = dict(env)
    determinism.apply(env)
    run(cmd, cwd=None, env=env)


def crop_references(data: Path, cropped: Path, songs: list[dict]) -> Path:
    """The reference stems cut to each song's objective segment, as test.py cuts."""
    segments = json.loads((data / "metadata/musdb18.segments.test.json").read_text())
    for entry in songs:
        song, split = entry["Track Name"], entry["Split"]
        seg = segments[song]["objective_evaluation"]
        out = cropped / split / song
        out.mkdir(parents=True)
        for stem in STEMS:
            rate, ref = wavfile.read(
                data / "audio/musdb18hq" / split / song / f"{stem}.wav"
            )
            cut = ref[int(seg["start"] * rate) : int(seg["end"] * rate)]
            wavfile.write(out / f"{stem}.wav", rate, cut)
    return cropped


def documented_run(
    config: str, data: Path, repo: Path, env: dict
) -> tuple[Counter, float]:
    """The documented command for ``config``: its plan, then a real run (seconds)."""
    argv = with_data_root(real_data_commands()[config], data)
    plan = planned(argv, repo, env)
    started = time.perf_counter()
    run(argv, repo, env, timeout=1800)
    return plan, time.perf_counter() - started


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
