"""Training inside the workflow: a trained model is a separator like any other, and a
changed hyper-parameter reruns training and what follows it, nothing else."""

from __future__ import annotations

import pandas as pd
import pytest
from test_remix_workflow import jobs_to_run
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

from vdbo.core.determinism import CPU_ENV

VALID = {"Kit & Kaboodle - Two Step": "test"}
TRAIN = ("Odd's End - Ramp", "Blue Hour & Co - Drift", "Tally Ho - Spin")


@pytest.mark.slow
def test_trained_separator_and_hyperparameter_rerun(tmp_path):
    data = make_dataset(
        tmp_path / "data", VALID, ["L0045"], seconds=2.0, train_songs=TRAIN
    )
    settings = {
        "epochs": 1, "steps_per_epoch": 2, "batch_size": 2, "chunk_seconds": 1.0,
        "validation": {"chunk_seconds": 1.0, "max_chunks_per_song": 1},
    }  # fmt: skip
    config = {
        "data": {"root": str(data)},
        "separators": {
            "oracle": {"kind": "oracle"},
            "mixture": {"kind": "mixture", "enabled": False},
            "tiny": {"kind": "trained", "trained_model": "tiny"},
        },
        "training": {"models": {"tiny": {"validation_songs": 1, "settings": settings}}},
        "scoring": {"segment": {"start": 0.25, "end": 1.75}},
    }
    cfg = write_config(tmp_path / "config.yaml", config)
    run = tmp_path / "run"
    snakemake(run, cfg)

    # Both jobs ran with the CPU settings of vdbo.core.determinism, set before torch.
    (song,) = VALID
    for job_log in ("train/tiny.log", f"separate/tiny/{song}.log"):
        text = (run / "results/logs" / job_log).read_text()
        assert (
            "CPU determinism: "
            + " ".join(f"{k}={v}" for k, v in CPU_ENV.items())
            + "; torch CPU capability AVX2"
            in text
        ), job_log
        assert "WARNING" not in text, job_log

    log = (run / "results/models/tiny/training_log.jsonl").read_text()
    assert '"event": "end"' in log
    summary = pd.read_csv(run / "results/summary.csv")
    assert set(summary["separator"]) == {"oracle", "tiny"}
    assert summary["haaqi"].between(0, 1).all()

    assert jobs_to_run(run, cfg) == {}
    settings["learning_rate"] = 3e-3
    cfg = write_config(tmp_path / "config2.yaml", config)
    assert jobs_to_run(run, cfg) == {
        "train": 1, "separate": 1, "enhance": 1, "encode": 1, "score": 1,
        "aggregate_scores": 1, "summary": 1, "all": 1,
        "plot_training": 1, "plot_stem_means": 1, "plot_heatmap": 1,
        "plot_hearing_loss": 1, "plot_cost": 1, "report_tables": 1, "report_config": 1,
        # the fast engine re-scores the pair; Listen and Compare follow the scores
        "verify_scores": 1, "listen": 1, "compare_systems": 1, "plot_forest": 1,
        "report_compare": 1,
        # SDR of the new stems (scoring.metrics' default), its table, comparison
        # and figure
        "sdr": 1, "metric_table": 1, "compare_metric": 1, "plot_forest_metric": 1,
        "plot_metric_vs_haaqi": 1,
    }  # fmt: skip
