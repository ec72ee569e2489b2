"""Our workflow reproduces the official CAD1 Task 1 baseline bit for bit.

The documented validation command (``config/musdb18hq.yaml``, read from
``docs/real-data.md``) runs from the root of a copy of the repository on the CAD1
stand-in (``tests/standin.py``), with only ``data.root`` and ``TORCH_HOME`` changed;
the official recipe (pyclarity 0.3.4 ``recipes.cad1.task1.baseline``) runs through
its own hydra entry points ``enhance`` + ``evaluate`` with the same (random) weights
in the libraries' cache layout on the same stand-in. For hdemucs and umxhq every FLAC
and scale file must be byte-identical and every score equal.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from documented_runner import (
    SEPARATORS,
    documented_run,
    expected_plan,
    files_under,
    official,
)
from fake_weights import make_torch_home
from standin import make_standin
from workflow_runner import copy_repository, user_env

OFFICIAL = {"hdemucs": "demucs", "umxhq": "openunmix"}


@pytest.mark.slow
def test_documented_validation_command_equals_official_baseline(tmp_path):
    data = make_standin(tmp_path / "data", valid_songs=1, listeners=1, seconds=2.5)
    home = make_torch_home(tmp_path / "torch")
    env = user_env(TORCH_HOME=str(home))
    repo = copy_repository(tmp_path / "repo")

    plan, seconds = documented_run("config/musdb18hq.yaml", data, repo, env)
    print(f"validation rehearsal: {seconds:.0f} s")
    assert plan == expected_plan(1, 1, submission=False)  # no demo, no training
    results = repo / "results"
    song = json.loads((data / "metadata/musdb18.valid.json").read_text())[0]
    listeners = json.loads((data / "metadata/listeners.valid.json").read_text())
    listener = next(iter(listeners))
    assert (results / "summary.csv").is_file()

    for ours, model in OFFICIAL.items():
        assert ours in SEPARATORS
        exp = tmp_path / f"official_{model}"
        overrides = (f"path.root={data}", f"path.exp_folder={exp}")
        official("enhance", env, *overrides, f"separator.model={model}")
        official("evaluate", env, *overrides, f"separator.model={model}")

        theirs = files_under(exp / "enhanced_signals")
        mine = files_under(results / "enhanced" / ours)
        assert len(theirs) == 17  # 8 stems + 8 scale factors + remix
        assert mine.keys() == theirs.keys()
        assert all(n.startswith(f"{listener}/{song['Track Name']}/") for n in mine)
        assert [n for n in theirs if mine[n] != theirs[n]] == [], ours

        official_scores = pd.read_csv(exp / "scores_1-1.csv", dtype=str)
        my_scores = pd.read_csv(results / "scores" / f"{ours}.csv", dtype=str)
        pd.testing.assert_frame_equal(my_scores, official_scores)
        assert 0.0 < float(my_scores["score"][0]) < 1.0
