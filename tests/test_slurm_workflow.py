"""The real vdbo workflow on a (local, single-node) SLURM cluster with its profile.

Checks what a cluster user relies on, from SLURM's own accounting: model separation
jobs request a GPU and model-free ones do not, scoring jobs request the memory and time
that ``vdbo.core.resources`` computes for the scored segment, the environment
(TORCH_HOME
with the separator's weights) reaches the jobs, and the scores equal a local run's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fake_weights import make_torch_home
from slurm_cluster import slurm_cluster_fixture, write_test_profile  # noqa: F401
from tinydata import make_dataset
from workflow_runner import REPO, SNAKEFILE, SNAKEMAKE, write_config

from vdbo.core import resources
from vdbo.evaluation.engines import get_engine

SLURM_PROFILE = REPO / "workflow" / "profiles" / "slurm"
SONG = "Juliet's Rescue - Heartbeats & Co"
LISTENER = "L0066"
SECONDS = 1.5
SEGMENT = {"start": 0.5, "end": 1.0}
SEPARATORS = {
    "oracle": {"kind": "oracle"},
    "mixture": {"kind": "mixture"},
    "umxhq": {"kind": "openunmix", "model": "umxhq", "niter": 0},
    "tiny": {"kind": "trained", "trained_model": "tiny"},
}
TRAIN_SONGS = ("Odd's End - Ramp", "Blue Hour & Co - Drift")
TRAINING = {
    "tiny": {
        "validation_songs": 1,
        "settings": {
            "epochs": 1,
            "threads": 1,  # the same on the SLURM node and locally
            "steps_per_epoch": 2,
            "batch_size": 2,
            "chunk_seconds": 0.5,
            "validation": {"chunk_seconds": 0.5, "max_chunks_per_song": 1},
        },  # fmt: skip
    }
}
COMMENT = re.compile(r"^rule_(\w+?)(?:_wildcards_(.*))?$")
UNGROUPED = ("groups", "group-components")
"""Profile keys that batch a pair's jobs into one SLURM job."""


def score_tables(workdir: Path) -> dict[str, bytes]:
    scores = workdir / "results/scores"
    return {str(p.relative_to(scores)): p.read_bytes() for p in scores.rglob("*.csv")}


def by_rule(records: list[dict[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    """{rule: {first wildcard value (the separator) or "": record}} from Comment."""
    grouped: dict[str, dict[str, dict[str, str]]] = {}
    for record in records:
        rule, wildcards = COMMENT.match(record["Comment"]).groups()
        key = (wildcards or "").split("_", 1)[0]
        assert key not in grouped.setdefault(rule, {}), f"two {rule} jobs for {key}"
        grouped[rule][key] = record
    return grouped


def tres(record: dict[str, str], field: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in record[field].split(",") if item)


@pytest.mark.slurm
@pytest.mark.slow
def test_workflow_on_slurm_requests_what_each_job_needs(slurm_cluster, tmp_path):
    data = make_dataset(
        tmp_path / "data", {SONG: "test"}, [LISTENER], SECONDS, train_songs=TRAIN_SONGS
    )
    home = make_torch_home(tmp_path / "torch")
    config = write_config(
        tmp_path / "config.yaml",
        {
            "data": {"root": str(data), "build_demo": False},
            "separators": SEPARATORS,
            "separation": {"gpus": 1, "device": "cpu"},
            "scoring": {"segment": SEGMENT},
            "training": {"models": TRAINING},
        },
    )
    args = ["--snakefile", str(SNAKEFILE), "--configfile", str(config)]
    # The same config run locally, meanwhile, for the scores to compare with.
    local_log = tmp_path / "local.log"
    with open(local_log, "w") as log:
        local = subprocess.Popen(
            # separation on one thread, as on the SLURM node below: torch's CPU
            # results depend on the thread count (README, "The same numbers")
            [SNAKEMAKE, *args, "--cores", "2", "--set-threads", "separate=1"]
            + ["--directory", str(tmp_path / "local")],
            cwd=REPO,
            env={**os.environ, "TORCH_HOME": str(home)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        profile = write_test_profile(
            SLURM_PROFILE,
            tmp_path / "profile",
            slurm_cluster,
            # one SLURM job per rule here, to see each rule's requests (batching:
            # tests/test_slurm_batching.py)
            without=UNGROUPED,
            # the test node has 2 CPUs: let model and model-free separation share it
            **{"latency-wait": 5, "retries": 0, "set-threads": {"separate": 1}},
        )
        env = slurm_cluster.client_env()
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        env["TORCH_HOME"] = str(home)  # only the submitting shell has it
        cmd = ["timeout", "600", sys.executable, "-m", "snakemake", *args,
               "--workflow-profile", str(profile),
               "--directory", str(tmp_path / "slurm")]  # fmt: skip
        run = subprocess.run(
            cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=620
        )
        assert run.returncode == 0, run.stderr[-4000:] + slurm_cluster.log_tails()
        assert local.wait(timeout=600) == 0, local_log.read_text()[-4000:]
    finally:
        if local.poll() is None:
            local.kill()
            local.wait()

    # umxhq ran with TORCH_HOME's random weights (without it no weights exist
    # offline; with other weights its scores would differ from the local run's).
    assert score_tables(tmp_path / "slurm") == score_tables(tmp_path / "local")
    assert set(score_tables(tmp_path / "slurm")) >= {f"{s}.csv" for s in SEPARATORS}

    fields = ["Comment", "AllocTRES", "ReqMem", "Timelimit"]
    jobs = by_rule(slurm_cluster.wait_for_accounting(fields))
    assert {r["State"] for rule in jobs.values() for r in rule.values()} == {
        "COMPLETED"
    }
    pair_rules = ("separate", "enhance", "encode", "score")
    for rule in pair_rules:
        assert set(jobs[rule]) == set(SEPARATORS), rule
    # table joins and figures run beside Snakemake (localrules), never as SLURM jobs
    local = {"aggregate_scores", "summary", "plot_stem_means", "plot_cost"}
    assert not local & set(jobs), sorted(jobs)

    separate = jobs["separate"]
    assert tres(separate["umxhq"], "ReqTRES").get("gres/gpu") == "1", separate
    assert tres(separate["umxhq"], "AllocTRES").get("gres/gpu") == "1", separate
    assert tres(separate["tiny"], "ReqTRES").get("gres/gpu") == "1", separate
    train = jobs["train"]["tiny"]
    assert tres(train, "ReqTRES").get("gres/gpu") == "1", train
    assert tres(train, "AllocTRES").get("gres/gpu") == "1", train
    for model_free in ("oracle", "mixture"):
        assert "gres/gpu" not in tres(separate[model_free], "ReqTRES"), model_free
    for rule in set(pair_rules) - {"separate"}:
        for record in jobs[rule].values():
            assert "gres/gpu" not in tres(record, "ReqTRES"), rule
    assert {tres(r, "ReqTRES")["cpu"] for r in separate.values()} == {"1"}
    separation_mb = resources.SEPARATION.mem_mb(SECONDS)
    assert {r["ReqMem"] for r in separate.values()} == {f"{separation_mb}M"}

    scored = SEGMENT["end"] - SEGMENT["start"]
    engine = get_engine("fast")  # the schema's default
    score_mb, minutes = engine.mem_mb(scored), engine.runtime_min(scored)
    # (that this is the segment's size and not the song's shows at real length:
    # tests/test_real_data.py::test_full_size_plan, 30 s segments of 4-min songs)
    for record in jobs["score"].values():
        assert record["ReqMem"] == f"{score_mb}M", record
        assert tres(record, "ReqTRES")["mem"] == f"{score_mb}M"
        assert record["Timelimit"] == f"00:{minutes:02d}:00", record
    official = get_engine("official")
    assert set(jobs["verify_scores"]) == set(SEPARATORS)  # one pair each here
    for record in jobs["verify_scores"].values():
        assert record["ReqMem"] == f"{official.mem_mb(scored)}M", record
        assert record["Timelimit"] == f"00:{official.runtime_min(scored):02d}:00"
