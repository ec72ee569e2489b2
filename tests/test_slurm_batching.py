"""Batching for clusters: the shipped SLURM profile runs each pair's jobs as one
SLURM job (group "pair"), on a real local SLURM.

What a cluster user relies on: far fewer sbatch submissions than jobs, the same
scores as one job per rule, each batched job asking for what its largest member needs
(memory) and for the sum of their times, and a run killed half way that resumes
without redoing the pairs it finished.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from slurm_cluster import slurm_cluster_fixture, write_test_profile  # noqa: F401
from test_slurm_workflow import UNGROUPED, score_tables
from tinydata import make_dataset
from workflow_runner import REPO, SNAKEFILE, write_config

from vdbo.core import resources, schema
from vdbo.evaluation.engines import get_engine
from vdbo.evaluation.verification import pairs_to_verify

SLURM_PROFILE = REPO / "workflow" / "profiles" / "slurm"
SONGS = {"Juliet's Rescue - Heartbeats & Co": "test", "Odd's End - Ramp": "test"}
LISTENERS = ["L0066", "L0045"]
SECONDS = 1.5
SEGMENT = {"start": 0.5, "end": 1.0}
SEPARATORS = {"oracle": {"kind": "oracle"}, "mixture": {"kind": "mixture"}}
PER_SEPARATOR = len(SONGS) * len(LISTENERS)
PAIRS = len(SEPARATORS) * PER_SEPARATOR
SEPARATIONS = len(SEPARATORS) * len(SONGS)
OTHERS = len(SEPARATORS) + 1
"""One Listen page per separator and the comparison of systems: one job each."""
SCORING = schema.defaults(schema.section("scoring"))
VERIFIED = len(SEPARATORS) * pairs_to_verify(
    PER_SEPARATOR, SCORING["verify_pairs"], SCORING["verify_fraction"]
)


def pairs_seen_finished(workdir: Path) -> int:
    """Batched pairs whose SLURM job Snakemake has seen finish: it reports each
    member of a group once the whole group is done, so one score line per pair."""
    logs = sorted((workdir / ".snakemake/log").glob("*.snakemake.log"))
    return logs[-1].read_text().count("(Rule: score)") if logs else 0


def snakemake(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE),
            *args]  # fmt: skip


@pytest.mark.slurm
@pytest.mark.slow
def test_pairs_run_as_one_slurm_job_each_and_a_killed_run_resumes(
    slurm_cluster, tmp_path
):
    data = make_dataset(tmp_path / "data", SONGS, LISTENERS, SECONDS)
    config = write_config(
        tmp_path / "config.yaml",
        {
            "data": {"root": str(data), "build_demo": False},
            "separators": SEPARATORS,
            # HAAQI only: the batching under test groups each pair's jobs; the SDR
            # jobs (one per separator and song) are plain jobs, run by the SLURM
            # workflow test
            "scoring": {"segment": SEGMENT, "metrics": ["haaqi"]},
        },
    )
    env = slurm_cluster.client_env()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    opts = {"latency-wait": 5, "retries": 0}
    shipped = write_test_profile(
        SLURM_PROFILE, tmp_path / "shipped", slurm_cluster, **opts
    )
    per_rule = write_test_profile(
        SLURM_PROFILE, tmp_path / "per_rule", slurm_cluster, without=UNGROUPED, **opts
    )

    def job_ids() -> set[str]:
        return {r["JobID"] for r in slurm_cluster.sacct(["JobID"])}

    def run(profile: Path, workdir: Path) -> set[str]:
        """A whole run; the SLURM jobs it submitted."""
        before = job_ids()
        done = subprocess.run(
            snakemake("--configfile", str(config), "--workflow-profile", str(profile),
                      "--directory", str(workdir)),
            cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-4000:] + slurm_cluster.log_tails()
        return job_ids() - before

    # Before batching: one SLURM job per rule.
    unbatched = run(per_rule, tmp_path / "per_rule_run")
    assert len(unbatched) == SEPARATIONS + 3 * PAIRS + VERIFIED + OTHERS

    # The shipped profile, killed (Snakemake and its SLURM jobs) once the first pair
    # is scored, then resumed as the README says.
    workdir = tmp_path / "shipped_run"
    before = job_ids()
    killed = subprocess.Popen(
        snakemake("--configfile", str(config), "--workflow-profile", str(shipped),
                  "--directory", str(workdir)),
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 600
    while not pairs_seen_finished(workdir):
        assert killed.poll() is None and time.monotonic() < deadline, "nothing scored"
        time.sleep(0.2)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    slurm_cluster.run(["scancel", "--full", f"--partition={slurm_cluster.partition}"])
    finished = pairs_seen_finished(workdir)
    first = job_ids() - before
    subprocess.run(
        snakemake("--configfile", str(config), "--directory", str(workdir), "--unlock"),
        cwd=REPO, env=env, check=True, capture_output=True,
    )  # fmt: skip
    resumed = run(shipped, workdir)

    # The same scores as one job per rule.
    assert score_tables(workdir) == score_tables(tmp_path / "per_rule_run")
    assert len(score_tables(workdir)) == PAIRS + len(SEPARATORS) + VERIFIED
    # After batching: one SLURM job per separation and per pair; the resumed run
    # redid none of the pairs Snakemake had seen finish before it was killed.
    records = slurm_cluster.sacct(["JobID", "Comment", "ReqMem", "Timelimit"])
    pair_jobs = [r for r in records if r["Comment"].startswith("rule_pair_")]
    redone = [r for r in pair_jobs if r["JobID"] in resumed]
    print(f"sbatch submissions: {len(unbatched)} one per rule; batched "
          f"{len(first)} before the kill ({finished} pairs finished) + "
          f"{len(resumed)} resumed")  # fmt: skip
    assert 0 < finished < PAIRS
    # pairs whose job ended before the SLURM jobs were cancelled are not redone
    # either (their outputs are complete), those cut off are
    assert 0 < len(redone) <= PAIRS - finished
    assert len(resumed) <= SEPARATIONS + PAIRS - finished + OTHERS
    assert len(first | resumed) < len(unbatched)

    # A batched job asks for its largest member's memory and the sum of their times.
    scored = SEGMENT["end"] - SEGMENT["start"]
    fast, official = get_engine("fast"), get_engine("official")
    requests = {  # member: (mem_mb, runtime) as the rules ask
        "enhance": (resources.ENHANCEMENT.mem_mb(SECONDS),
                    resources.ENHANCEMENT.runtime_min(SECONDS)),
        "encode": (resources.ENCODING.mem_mb(SECONDS),
                   resources.ENCODING.runtime_min(SECONDS)),
        "score": (fast.mem_mb(scored), fast.runtime_min(scored)),
        "verify_scores": (official.mem_mb(scored), official.runtime_min(scored)),
    }  # fmt: skip
    for record in pair_jobs:
        members = record["Comment"].removeprefix("rule_pair_")
        asked = [
            v for r, v in requests.items() if re.search(rf"(^|_){r}(_|$)", members)
        ]
        assert asked, record
        mb, minutes = max(m for m, _ in asked), sum(t for _, t in asked)
        assert record["ReqMem"] == f"{mb}M", record
        assert record["Timelimit"] == f"00:{minutes:02d}:00", record
