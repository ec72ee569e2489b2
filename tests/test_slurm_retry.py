"""A job given too little memory on SLURM succeeds on its retry, asking for more.

The SLURM profile resubmits a failed job once (``retries: 1``); every rule's
``mem_mb`` grows by ``vdbo.core.resources.RETRY_MEMORY_FACTOR`` per attempt
(``per_attempt`` in ``workflow/rules/common/workflow.smk``), so a job killed for
memory is not resubmitted into the same kill. Here the scoring job's own memory check
(``Engine.check_budget``, as ``vdbo.evaluation.job`` calls it) refuses a first try
given 70 % of what it needs; the retry, 1.5x larger, passes. SLURM's accounting shows
both requests.
"""

from __future__ import annotations

import pytest
from slurm_cluster import run_snakefile, slurm_cluster_fixture  # noqa: F401
from workflow_runner import REPO

from vdbo.core import resources
from vdbo.evaluation.engines import get_engine

SLURM_PROFILE = REPO / "workflow" / "profiles" / "slurm"
SECONDS = 60.0
NEED = get_engine("fast").mem_mb(SECONDS)
FIRST = int(NEED * 0.7)
"""The first try's request: too little for the job's own check."""

SNAKEFILE = f"""
import sys

sys.path.insert(0, {str(REPO / "src")!r})
from vdbo.core import resources as vdbo_resources
from vdbo.evaluation.engines import get_engine


rule all:
    input:
        "scored.txt",


rule score:
    output:
        "scored.txt",
    resources:
        mem_mb=lambda wildcards, attempt: vdbo_resources.for_attempt({FIRST}, attempt),
        runtime=5,
    run:
        # the scoring job's own check, with the budget this attempt was given
        get_engine("fast").check_budget({SECONDS}, resources.mem_mb, rule)
        with open(output[0], "w") as out:
            out.write(f"mem_mb={{resources.mem_mb}}")
"""


def test_retry_requests_grow():
    assert resources.for_attempt(FIRST, 1) == FIRST < NEED
    assert resources.for_attempt(FIRST, 2) >= NEED
    assert resources.for_attempt(2000, 2) == 3000
    assert resources.for_attempt(2000, 3) == 4500


@pytest.mark.slurm
@pytest.mark.slow
def test_job_short_of_memory_succeeds_on_its_retry(slurm_cluster, tmp_path):
    # the shipped profile as it is (retries: 1), pointed at the test cluster
    workdir, run = run_snakefile(
        slurm_cluster, SLURM_PROFILE, tmp_path, SNAKEFILE, **{"latency-wait": 5}
    )
    assert run.returncode == 0, run.stderr[-4000:] + slurm_cluster.log_tails()
    second = resources.for_attempt(FIRST, 2)
    assert (workdir / "scored.txt").read_text() == f"mem_mb={second}"

    records = slurm_cluster.wait_for_accounting(["Comment", "ReqMem", "Submit"])
    tries = sorted(
        # the profile runs score jobs in the group "pair", as the workflow's
        (r for r in records if r["Comment"] == "rule_pair_score"),
        key=lambda r: int(r["JobID"]),
    )
    for record in tries:
        print(
            f"sbatch job {record['JobID']}: ReqMem={record['ReqMem']} "
            f"state={record['State']}"
        )
    assert [r["State"] for r in tries] == ["FAILED", "COMPLETED"], tries
    assert [r["ReqMem"] for r in tries] == [f"{FIRST}M", f"{second}M"], tries
    # the first try stopped on its own check, naming what it needs
    logs = "".join(
        p.read_text(errors="replace")
        for p in (workdir / ".snakemake/slurm_logs").rglob("*.log")
    )
    assert f"needs about {NEED} MB, but this job has mem_mb={FIRST}" in logs
