"""A small real run of the whole workflow for the report tests: 1 song x 2 listeners,
oracle, mixture and a tiny trained Open-Unmix, a level-safe remix with remix HAAQI."""

from __future__ import annotations

from pathlib import Path

from tinydata import make_dataset
from workflow_runner import snakemake, write_config

SONGS = {"Ada's Garden - Slow & Low": "test"}
TRAIN = ("Odd's End - Ramp", "Blue Hour & Co - Drift")
LISTENERS = ["L0045", "L0066"]
TARGET, LIMIT = -16.0, -1.0
SETTINGS = {
    "epochs": 2,
    "steps_per_epoch": 2,
    "batch_size": 2,
    "chunk_seconds": 1.0,
    "validation": {"chunk_seconds": 1.0, "max_chunks_per_song": 1},
}


def report_config(data: Path) -> dict:
    return {
        "data": {"root": str(data), "build_demo": False},
        "separators": {
            "oracle": {"kind": "oracle"},
            "mixture": {"kind": "mixture"},
            "tiny": {"kind": "trained", "trained_model": "tiny"},
        },
        "training": {"models": {"tiny": {"validation_songs": 1, "settings": SETTINGS}}},
        "scoring": {
            "engine": "fast",
            "verify_pairs": 1,
            "segment": {"start": 0.25, "end": 1.25},
        },
        "remix": {
            "strategies": {
                "audiogram": {
                    "strategy": "audiogram",
                    "loudness_target_lufs": TARGET,
                    "true_peak_limit_dbtp": LIMIT,
                },
            },
            "separators": ["oracle"],
            "haaqi": True,
        },
    }


def run_with_report(tmp: Path) -> Path:
    """Run the workflow on tiny data, then build its HTML report; the run folder."""
    data = make_dataset(tmp / "data", SONGS, LISTENERS, seconds=2.0, train_songs=TRAIN)
    cfg = write_config(tmp / "config.yaml", report_config(data))
    run = tmp / "run"
    snakemake(run, cfg)
    snakemake(run, cfg, "--report", str(run / "results/report.html"))
    return run
