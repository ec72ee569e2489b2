"""A run killed with SIGKILL mid-job resumes without redoing or trusting anything wrong.

What a user does after a power cut, an out-of-memory kill or ``kill -9`` of the whole
process group: ``snakemake --unlock`` (SIGKILL leaves the lock in ``.snakemake/locks``
and the next run refuses to start), then run again with ``--rerun-incomplete`` (the
default profile sets it): jobs that were cut off are redone, jobs that had finished
are not, and the scores equal those of an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from snakemake_log import finished_jobids, jobs
from tinydata import make_dataset
from workflow_runner import REPO, SNAKEFILE, SNAKEMAKE, snakemake, write_config

SONG = "Nora & The Owls - Don't Wait"
LISTENER = "L0045"
DEFAULT_PROFILE = ("--workflow-profile", str(REPO / "workflow/profiles/default"))


def living_members(pgid: int) -> list[int]:
    """PIDs in process group ``pgid`` that are not zombies."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def start(workdir: Path, config: Path, log: Path) -> subprocess.Popen:
    """Start the workflow with the default profile in its own process group."""
    cmd = [
        SNAKEMAKE, "--snakefile", str(SNAKEFILE), "--cores", "2",
        "--configfile", str(config), "--directory", str(workdir), *DEFAULT_PROFILE,
    ]  # fmt: skip
    with open(log, "w") as out:
        return subprocess.Popen(
            cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def start_and_kill_during_scoring(workdir: Path, config: Path, log: Path) -> str:
    """Run the workflow, SIGKILL its process group while a score job runs; its log."""
    proc = start(workdir, config, log)
    scoring_since = None
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            text = log.read_text()
            started = [j for j in jobs(text) if j.rule == "score"]
            finished = finished_jobids(text)
            if any(j.jobid in finished for j in started):
                pytest.fail("a score job finished before the kill: no job was cut")
            if started and scoring_since is None:
                scoring_since = time.monotonic()
            # 2 s in, the job's Python process is importing or scoring (it takes ~20)
            if scoring_since and time.monotonic() - scoring_since > 2:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"no score job started:\n{log.read_text()[-3000:]}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while living_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not living_members(proc.pid), "a job outlived SIGKILL of its group"
    return log.read_text()


def score_tables(workdir: Path) -> dict[str, bytes]:
    scores = workdir / "results/scores"
    return {str(p.relative_to(scores)): p.read_bytes() for p in scores.rglob("*.csv")}


def mtimes(paths) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in map(Path, paths) if p.exists()}


@pytest.fixture
def background():
    """Start runs that go on beside the test; killed if the test ends first."""
    procs = []

    def started(*args) -> subprocess.Popen:
        procs.append(start(*args))
        return procs[-1]

    yield started
    for proc in procs:
        if proc.poll() is None:  # still ours: the test failed before waiting for it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.mark.slow
def test_killed_run_resumes_exactly_what_was_cut(tmp_path, background):
    data = make_dataset(tmp_path / "data", {SONG: "test"}, [LISTENER], seconds=1.5)
    config = write_config(
        tmp_path / "config.yaml",
        {
            "data": {"root": str(data), "build_demo": False},
            "separators": {
                "oracle": {"kind": "oracle"},
                "mixture": {"kind": "mixture"},
            },
            "scoring": {"segment": {"start": 0.0, "end": 0.5}},
        },
    )
    # The uninterrupted run to compare with, meanwhile (its own folder and lock).
    reference = tmp_path / "reference"
    uninterrupted = background(reference, config, tmp_path / "reference.log")
    run = tmp_path / "run"
    killed_log = start_and_kill_during_scoring(run, config, tmp_path / "killed.log")
    killed_at = time.time_ns()
    started = jobs(killed_log)
    done_ids = finished_jobids(killed_log)
    done = [j for j in started if j.jobid in done_ids]
    cut = [j for j in started if j.jobid not in done_ids]
    assert any(j.rule == "score" for j in cut)
    assert any(j.rule == "encode" for j in done)
    done_files = mtimes(run / f for j in done for f in j.output)
    cut_files = mtimes(run / f for j in cut for f in j.output)

    # A job killed while writing leaves a truncated file: make sure one exists.
    cut_score = next(j for j in cut if j.rule == "score")
    partial = run / cut_score.output[0]
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text("song,listener,score\n")
    cut_files[partial] = partial.stat().st_mtime_ns

    # 1. The lock outlives SIGKILL: a new run refuses to start until --unlock.
    locked = snakemake(run, config, *DEFAULT_PROFILE, check=False)
    assert locked.returncode != 0
    assert "Directory cannot be locked" in locked.stdout + locked.stderr
    snakemake(run, config, "--unlock")
    # 2. Without --rerun-incomplete Snakemake names the cut file instead of using it.
    no_profile = ("--workflow-profile", "none")
    strict = snakemake(run, config, "--dry-run", *no_profile, check=False)
    assert strict.returncode != 0
    assert "IncompleteFilesException" in strict.stdout + strict.stderr
    assert str(partial.relative_to(run)) in strict.stdout + strict.stderr
    # 3. The default profile's rerun-incomplete redoes exactly the cut jobs.
    resumed = snakemake(run, config, *DEFAULT_PROFILE)
    redone = {j.key for j in jobs(resumed.stdout + resumed.stderr)}
    assert not redone & {j.key for j in done}, "a finished job was redone"
    assert {j.key for j in cut} <= redone, "a cut job was not redone"

    after = mtimes(done_files)  # temp() files the resumed jobs consumed are gone
    assert after == {f: t for f, t in done_files.items() if f in after}
    assert len(after) > 10  # the separated stems, the enhanced FLACs
    for path, before in cut_files.items():
        if path.exists():  # rewritten, not taken as it was
            assert path.stat().st_mtime_ns > max(before, killed_at), path
    assert len(partial.read_text().splitlines()) == 2  # header and the pair's row

    reference_log = (tmp_path / "reference.log").read_text
    assert uninterrupted.wait(timeout=600) == 0, reference_log()[-3000:]
    assert score_tables(run) == score_tables(reference)
    assert set(score_tables(run)) == {
        "oracle.csv",
        "mixture.csv",
        f"oracle/{LISTENER}/{SONG}.csv",
        f"mixture/{LISTENER}/{SONG}.csv",
        # the fast engine's verification sample, re-scored by the official one
        f"verified/oracle/{LISTENER}/{SONG}.csv",
        f"verified/mixture/{LISTENER}/{SONG}.csv",
    }
