"""The SLURM workflow profile on a real (local, single-node) SLURM cluster.

Proves what users rely on: with ``workflow/profiles/slurm`` and
snakemake-executor-plugin-slurm, a rule's ``resources: gpu=1`` reaches SLURM as a GPU
request (recorded in accounting as gres/gpu=1, with a GPU visible to the job) and a
rule's ``mem_mb``/``runtime`` become the job's memory and time limit.
"""

from pathlib import Path

import pytest
from slurm_cluster import run_snakefile, slurm_cluster_fixture  # noqa: F401

SLURM_PROFILE = Path(__file__).parents[1] / "workflow" / "profiles" / "slurm"

SNAKEFILE = """
rule all:
    input:
        "gpu.txt",
        "cpu.txt",


rule gpu_job:
    output:
        "gpu.txt",
    resources:
        gpu=1,
        runtime=5,
    shell:
        "echo CUDA_VISIBLE_DEVICES=${{CUDA_VISIBLE_DEVICES:-unset}}"
        " SLURM_JOB_ID=${{SLURM_JOB_ID:-unset}} > {output}"


rule cpu_job:
    output:
        "cpu.txt",
    resources:
        mem_mb=1500,
        runtime=5,
    shell:
        "echo SLURM_JOB_ID=${{SLURM_JOB_ID:-unset}} > {output}"
"""


def _read_vars(path: Path) -> dict[str, str]:
    return dict(item.split("=", 1) for item in path.read_text().split())


@pytest.mark.slurm
@pytest.mark.slow
def test_slurm_profile_passes_gpu_and_memory_requests(slurm_cluster, tmp_path):
    workdir, run = run_snakefile(
        slurm_cluster, SLURM_PROFILE, tmp_path, SNAKEFILE,
        **{"latency-wait": 5, "retries": 0},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-4000:] + slurm_cluster.log_tails()

    gpu_vars = _read_vars(workdir / "gpu.txt")
    cpu_vars = _read_vars(workdir / "cpu.txt")
    assert gpu_vars["SLURM_JOB_ID"] != "unset", "gpu_job did not run inside SLURM"
    assert cpu_vars["SLURM_JOB_ID"] != "unset", "cpu_job did not run inside SLURM"
    assert gpu_vars["CUDA_VISIBLE_DEVICES"] in {"0", "1"}, gpu_vars

    records = slurm_cluster.wait_for_accounting(
        ["Comment", "AllocTRES", "ReqMem", "Timelimit"]
    )
    by_rule = {r["Comment"]: r for r in records}
    gpu, cpu = by_rule["rule_gpu_job"], by_rule["rule_cpu_job"]
    assert gpu["JobID"] == gpu_vars["SLURM_JOB_ID"]
    assert cpu["JobID"] == cpu_vars["SLURM_JOB_ID"]
    assert {gpu["State"], cpu["State"]} == {"COMPLETED"}
    assert "gres/gpu=1" in gpu["ReqTRES"].split(","), gpu
    assert "gres/gpu=1" in gpu["AllocTRES"].split(","), gpu
    assert "gres/gpu" not in cpu["ReqTRES"], cpu
    assert cpu["ReqMem"] == "1500M", cpu
    assert "mem=1500M" in cpu["ReqTRES"].split(","), cpu
    assert gpu["Timelimit"] == cpu["Timelimit"] == "00:05:00", (gpu, cpu)


@pytest.mark.slurm
@pytest.mark.slow
def test_cluster_refuses_more_memory_than_its_node_has(slurm_cluster):
    """Memory is a scheduled resource: an oversized --mem is rejected, not ignored."""
    too_much = slurm_cluster.real_memory_mb + 1000
    submit = slurm_cluster.run(
        ["sbatch", f"--mem={too_much}", "-t", "1", "--wrap", "true"], check=False
    )
    assert submit.returncode != 0
    assert "Requested node configuration is not available" in submit.stderr
