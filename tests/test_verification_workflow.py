"""The fast engine's proof in a real run: the summary says what was re-scored, and a
difference (injected here) stops the run naming the pair and the cell."""

from __future__ import annotations

import csv

import pytest
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

SONGS = {"Juliet's Rescue - Heartbeats & Co": "test", "Odd's End - Ramp": "test"}
LISTENERS = ["L0045", "L0066"]


@pytest.mark.slow
def test_summary_line_and_an_injected_mismatch(tmp_path):
    data = make_dataset(tmp_path / "data", SONGS, LISTENERS, seconds=1.0)
    cfg = write_config(
        tmp_path / "config.yaml",
        {
            "data": {"root": str(data), "build_demo": False},
            "separators": {"oracle": {"kind": "oracle"}},
            "scoring": {"segment": {"start": 0.2, "end": 0.8}},  # engine: the default
        },
    )
    run = tmp_path / "run"
    snakemake(run, cfg)
    line = (run / "results/verification.txt").read_text().strip()
    assert line == (
        "2 of 4 pairs re-scored with the official pyclarity 0.3.4 engine: "
        "all equal (max |diff| 0)"
    )
    assert f"{line}.\n" in (run / "results/summary.md").read_text()

    checked = sorted((run / "results/scores/verified/oracle").glob("*/*.csv"))
    assert len(checked) == 2
    listener, song = checked[0].parent.name, checked[0].stem
    # One fast score changed after the fact: the official re-score must catch it.
    fast = run / "results/scores/oracle" / listener / f"{song}.csv"
    with open(fast, newline="") as f:
        row = next(csv.DictReader(f))
    row["left_bass"] = repr(float(row["left_bass"]) + 1e-12)
    with open(fast, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    for path in checked + [run / "results/summary.md"]:
        path.unlink()
    failed = snakemake(run, cfg, check=False)
    assert failed.returncode != 0
    messages = [ln for ln in failed.stderr.splitlines() if ln.startswith("vdbo: ")]
    assert len(messages) == 1, failed.stderr[-3000:]
    assert f"song {song!r}, listener {listener!r}" in messages[0]
    assert "left_bass: fast" in messages[0]
    assert "scoring.engine: official" in messages[0]
    assert not (run / "results/summary.md").exists()
    assert not checked[0].exists()  # nothing half written is taken as done
