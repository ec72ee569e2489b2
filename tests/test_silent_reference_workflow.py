"""A song with silent reference stems through the real workflow, for both
``scoring.silent_reference`` policies: stem scores and remix HAAQI."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

from vdbo.core.determinism import CPU_ENV

LISTENER = "L0045"
CHORALE = "Bach's Chorale - No Drums"  # drums all zeros
LEFT_OUT = "Mono & Right - Only"  # every stem silent on the left: so is the remix


def config(data, policy):
    return {
        "data": {"root": str(data), "build_demo": False},
        "separators": {
            "oracle": {"kind": "oracle"},
        },
        "scoring": {
            "engine": "fast",
            "verify_pairs": 0,
            "segment": None,
            "silent_reference": policy,
        },
        "remix": {
            "strategies": {"baseline": {"strategy": "baseline"}},
            "separators": ["oracle"],
            "haaqi": True,
        },
    }


@pytest.mark.slow
def test_silent_references_in_the_workflow(tmp_path):
    silence = {CHORALE: {"drums": (0, 1)}}
    silence[LEFT_OUT] = {s: (0,) for s in ("vocals", "drums", "bass", "other")}
    data = make_dataset(
        tmp_path / "data",
        {CHORALE: "test", LEFT_OUT: "test"},
        [LISTENER],
        seconds=1.5,
        silence=silence,
    )
    run = tmp_path / "run"

    # error (the default): the jobs of these songs stop, naming song, stem and ear.
    cfg = write_config(tmp_path / "error.yaml", config(data, "error"))
    failed = snakemake(run, cfg, "--keep-going", check=False)
    assert failed.returncode != 0
    messages = [ln for ln in failed.stderr.splitlines() if ln.startswith("vdbo: ")]
    print("\n".join(messages))
    chorale = [m for m in messages if f"song {CHORALE!r}" in m]
    assert len(chorale) == 1
    assert "drums (left ear), drums (right ear) over the scored range " in chorale[0]
    assert "0.00-1.50 s (whole song)" in chorale[0]
    assert "`scoring.silent_reference: skip`" in chorale[0]
    left = [m for m in messages if f"song {LEFT_OUT!r}" in m]
    assert any("vocals (left ear)" in m and "bass (left ear)" in m for m in left)
    # the remix's reference ear: the same policy and message as a stem's
    remix = [m for m in messages if "_remix.flac" in m]
    assert len(remix) == 1 and LEFT_OUT in remix[0]
    assert "the reference is silent (all samples zero) in the left ear" in remix[0]
    assert not (run / "results/scores/oracle.csv").exists()
    log = (run / f"results/logs/separate/oracle/{CHORALE}.log").read_text()
    settings = " ".join(f"{k}={v}" for k, v in CPU_ENV.items())
    assert (
        f"CPU determinism: {settings}; torch CPU capability (torch not loaded)" in log
    )

    # skip: those stem-ears are nan, the pair scores the mean of the others.
    cfg = write_config(tmp_path / "skip.yaml", config(data, "skip"))
    snakemake(run, cfg)
    table = pd.read_csv(run / "results/scores/oracle.csv").set_index("song")
    print(table.to_string())
    cells = [c for c in table.columns if c.startswith(("left_", "right_"))]
    missing = {
        song: sorted(c for c in cells if math.isnan(table.loc[song, c]))
        for song in table.index
    }
    assert missing[CHORALE] == ["left_drums", "right_drums"]
    assert missing[LEFT_OUT] == ["left_bass", "left_drums", "left_other", "left_vocals"]
    for song in table.index:
        kept = table.loc[song, cells].dropna()
        assert table.loc[song, "score"] == pytest.approx(kept.mean(), abs=1e-15)
    assert "nan" in (run / "results/scores/oracle.csv").read_text()
    log = (run / f"results/logs/score/oracle/{LISTENER}/{CHORALE}.log").read_text()
    assert "reference drums (left ear) is silent over 0.00-1.50 s" in log
    summary = pd.read_csv(run / "results/summary.csv")
    print((run / "results/summary.md").read_text())
    assert summary.loc[0, "skipped_cells"] == 6 and summary.loc[0, "quiet_cells"] == 0
    checks = json.loads((run / "results/scores/oracle.checks.json").read_text())
    assert checks["skipped_cells"] == 6
    remix_dir = run / f"results/remix/baseline/oracle/{LISTENER}"
    stats = json.loads(
        (remix_dir / LEFT_OUT / f"{LISTENER}_{LEFT_OUT}_remix_haaqi.json").read_text()
    )
    assert math.isnan(stats["haaqi_left"]) and stats["haaqi_skipped"] == 1
    assert stats["haaqi_mean"] == stats["haaqi_right"] > 0
    remix_summary = pd.read_csv(run / "results/remix_summary.csv")
    assert list(remix_summary["remix_haaqi_skipped"]) == [1]
