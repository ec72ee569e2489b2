"""Remix strategies in the real workflow on the demo songs: level safety, overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from workflow_runner import REPO, snakemake, write_config

from vdbo.remix import measure_flac

TARGET, LIMIT = -16.0, -1.0


def jobs_to_run(workdir: Path, configfile: Path, *args: str) -> dict[str, int]:
    """Rule -> job count of a dry run, from Snakemake's own job table."""
    out = snakemake(workdir, configfile, "-n", "--quiet", "rules", *args).stdout
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] not in ("job", "total"):
            counts[parts[0]] = int(parts[1])
    return counts


@pytest.mark.slow
def test_demo_remixes_are_level_safe_and_overrides_are_local(tmp_path):
    config = {
        "data": {
            "root": str(tmp_path / "data"),
            "build_demo": True,
            "demo_listeners_source": str(
                REPO / "resources/listeners/clarity_listeners.json"
            ),
        },
        "separators": {"oracle": {"kind": "oracle"}},
        "remix": {
            "strategies": {
                "baseline": {"strategy": "baseline"},
                "audiogram": {
                    "strategy": "audiogram",
                    "loudness_target_lufs": TARGET,
                    "true_peak_limit_dbtp": LIMIT,
                },
                "vocals_up": {
                    "strategy": "fixed_gains",
                    "gains_db": {"vocals": 6.0, "drums": -3.0},
                    "loudness_target_lufs": TARGET,
                    "true_peak_limit_dbtp": LIMIT,
                },
            },
            "haaqi": False,
            "separators": ["oracle"],
        },
    }
    cfg = write_config(tmp_path / "config.yaml", config)
    run = tmp_path / "run"
    until = ("--until", "remix_table")  # encode runs too: the baseline copies its remix
    snakemake(run, cfg, *until)

    level_safe = [p for p in (run / "results/remix").rglob("*_remix.flac")
                  if "/baseline/" not in str(p)]  # fmt: skip
    assert len(level_safe) == 2 * 2 * 3  # strategies x songs x listeners
    for flac in level_safe:
        measured = measure_flac(flac)
        assert abs(measured["integrated_loudness_lufs"] - TARGET) <= 0.5, flac
        assert measured["true_peak_dbtp"] < LIMIT, flac
        stats = json.loads(flac.with_suffix(".json").read_text())
        assert stats["integrated_loudness_lufs"] == pytest.approx(
            measured["integrated_loudness_lufs"], abs=1e-6
        )

    # A strategy key change reruns only that strategy's remixes: not enhance (whose
    # temporary amplified stems are gone), encode or another strategy.
    config["remix"]["strategies"]["vocals_up"]["gains_db"]["vocals"] = 3.0
    cfg = write_config(tmp_path / "config_gains.yaml", config)
    assert jobs_to_run(run, cfg, *until) == {"remix": 2 * 3, "remix_table": 1}
    config["remix"]["strategies"]["vocals_up"]["gains_db"]["vocals"] = 6.0

    # The baseline strategy is the official remix (copied from encode's), byte for
    # byte.
    baseline = sorted((run / "results/remix/baseline").rglob("*_remix.flac"))
    assert len(baseline) == 2 * 3
    for flac in baseline:
        official = (
            run / "results/enhanced" / flac.relative_to(run / "results/remix/baseline")
        )
        assert flac.read_bytes() == official.read_bytes()

    # A per-listener override reaches only that listener's remixes.
    table = tmp_path / "overrides.csv"
    table.write_text("listener,vocals_db,drums_db,bass_db,other_db\nL0026,9,-6,-6,-3\n")
    config["remix"]["overrides"] = str(table)
    cfg = write_config(tmp_path / "config2.yaml", config)
    assert jobs_to_run(run, cfg, *until) == {"remix": 2 * 2, "remix_table": 2}
    out = snakemake(run, cfg, "-n", *until).stdout
    remix_jobs = [
        ln for ln in out.splitlines() if "output:" in ln and "_remix.flac" in ln
    ]
    assert len(remix_jobs) == 4 and all("/L0026/" in line for line in remix_jobs)
