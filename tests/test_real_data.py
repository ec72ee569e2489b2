"""The real-data path exactly as the docs tell a user to run it, on a stand-in.

No MUSDB18-HQ and no pretrained weights can be downloaded here: ``tests/standin.py``
writes the exact CAD1 Task 1 layout with short synthetic songs, and
``tests/fake_weights.py`` random weights of the real architectures in the loaders'
caches. Everything else is the real thing:

* the commands are read from ``docs/real-data.md`` (the README's copy must equal
  them) and run from the root of a copy of this repository (its tracked and
  untracked files, so a real run writes
  ``results/`` and ``.snakemake/`` there, never into the checkout), with only
  ``data.root`` (``--config 'data={root: ...}'``) and ``TORCH_HOME`` changed;
* the official pyclarity 0.3.4 scripts run on the same stand-in through their hydra
  entry points: ``test`` + ``evaluate`` here (evaluation); the validation command
  against ``enhance`` + ``evaluate`` is ``tests/test_baseline_fidelity.py``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import zipfile
from collections import Counter

import pandas as pd
import pytest
import soundfile as sf
from documented_runner import (
    README_REAL_DATA,
    REPORT_JOBS,
    SEPARATORS,
    crop_references,
    documented_run,
    expected_plan,
    files_under,
    metric_jobs,
    official,
    planned,
    real_data_commands,
    with_data_root,
)
from fake_weights import make_torch_home
from standin import OBJECTIVE, make_standin
from workflow_runner import REPO, copy_repository, user_env

from vdbo.enhancement.submission import pack
from vdbo.evaluation.engines import get_engine
from vdbo.evaluation.verification import pairs_to_verify

TEAM = "E001"


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory):
    return copy_repository(tmp_path_factory.mktemp("repo"))


def test_docs_have_both_real_data_commands():
    assert set(real_data_commands()) == {
        "config/musdb18hq.yaml",
        "config/musdb18hq_eval.yaml",
    }


def test_readme_shows_the_documented_real_data_commands():
    """The README repeats the docs page's commands; the tests run the page's."""
    assert real_data_commands(README_REAL_DATA) == real_data_commands()


@pytest.mark.slow
def test_every_shipped_config_plans_what_it_says(tmp_path, repo_copy):
    """Dry runs from the repository root as the docs invoke them, data.root only."""
    data = make_standin(tmp_path / "data", valid_songs=2, test_songs=2, listeners=2)
    # the weights in the cache, as a user has them (offline and missing, the
    # preflight stops the dry run: tests/test_preflight.py)
    env = user_env(TORCH_HOME=str(make_torch_home(tmp_path / "torch")))
    commands = real_data_commands()

    validation = planned(
        with_data_root(commands["config/musdb18hq.yaml"], data), repo_copy, env
    )
    assert validation == expected_plan(2, 2, submission=False)

    evaluation = planned(
        with_data_root(commands["config/musdb18hq_eval.yaml"], data), repo_copy, env
    )
    assert evaluation == expected_plan(2, 2, submission=True)

    # The demo: plain `snakemake` (the quick start), its data.root moved.
    demo = planned(
        with_data_root(["snakemake", "--cores", "2"], tmp_path / "demo"),
        repo_copy,
        env,
    )
    songs, listeners = 2, 3
    expect = Counter({("all", "-"): 1, ("summary", "-"): 1, ("demo_data", "-"): 1})
    expect[("train", "-")] = 1
    expect.update({(rule, "-"): 1 for rule in REPORT_JOBS})
    expect.update({("plot_remix", "-"): 1, ("plot_training", "-"): 1})
    expect.update(metric_jobs(("oracle", "mixture", "demo_umx"), songs))
    for sep in ("oracle", "mixture", "demo_umx"):
        expect[("separate", sep)] = songs
        for rule in ("enhance", "encode", "score"):
            expect[(rule, sep)] = songs * listeners
        expect[("aggregate_scores", sep)] = 1
        expect[("verify_scores", sep)] = 1  # config.yaml: verify_pairs 1
        expect[("listen", sep)] = 1
    strategies = 2  # baseline, audiogram
    expect[("remix", "oracle")] = strategies * songs * listeners
    expect[("remix_haaqi", "oracle")] = strategies * songs * listeners
    expect[("remix_table", "oracle")] = strategies
    assert demo == expect, demo


@pytest.mark.slow
def test_evaluation_rehearsal_equals_official_test_py(tmp_path):
    """Documented evaluation command: test.py's files and zip, scored by evaluate."""
    data = make_standin(tmp_path / "data", test_songs=1, listeners=1, seconds=2.5)
    home = make_torch_home(tmp_path / "torch")
    env = user_env(TORCH_HOME=str(home))
    repo = copy_repository(tmp_path / "repo")

    plan, seconds = documented_run("config/musdb18hq_eval.yaml", data, repo, env)
    print(f"evaluation rehearsal: {seconds:.0f} s")
    assert plan == expected_plan(1, 1, submission=True)
    results = repo / "results"
    songs = json.loads((data / "metadata/musdb18.test.json").read_text())
    listener = next(
        iter(json.loads((data / "metadata/listeners.test.json").read_text()))
    )
    song = songs[0]["Track Name"]
    for sep in SEPARATORS:
        pair = results / "enhanced" / sep / "evaluation" / listener / song
        assert len(list(pair.iterdir())) == 17
        stem = pair / f"{listener}_{song}_left_vocals.flac"
        # cropped at 44.1 kHz, then resampled to 24 kHz
        crop = int(OBJECTIVE["end"] * 44100) - int(OBJECTIVE["start"] * 44100)
        assert abs(sf.info(str(stem)).frames - crop * 24000 / 44100) <= 1
        assert (results / "submission" / sep / f"submission_{TEAM}.zip").is_file()

    # The official test.py on the same stand-in, same weights.
    exp = tmp_path / "official_test_demucs"
    official(
        "test",
        env,
        f"path.root={data}",
        f"path.exp_folder={exp}",
        "separator.model=demucs",
        f"team_id={TEAM}",
    )
    theirs = files_under(exp / "enhanced_signals")
    mine = files_under(results / "enhanced/hdemucs")
    assert len(theirs) == 17 and mine.keys() == theirs.keys()
    assert [n for n in theirs if mine[n] != theirs[n]] == []

    # The zips: same member names, same bytes, same compression and attributes;
    # only the members' timestamps (the files' mtimes) differ between two runs.
    with (
        zipfile.ZipFile(exp / f"submission_{TEAM}.zip") as z_theirs,
        zipfile.ZipFile(
            results / f"submission/hdemucs/submission_{TEAM}.zip"
        ) as z_mine,
    ):
        info_t, info_m = z_theirs.infolist(), z_mine.infolist()
        assert sorted(i.filename for i in info_m) == sorted(i.filename for i in info_t)
        assert len(info_t) == 20  # evaluation/, listener/, song/ + 17 files
        by_name = {i.filename: i for i in info_m}
        for it in info_t:
            im = by_name[it.filename]
            assert z_mine.read(im) == z_theirs.read(it), it.filename
            assert (im.compress_type, im.external_attr, im.CRC, im.file_size) == (
                it.compress_type,
                it.external_attr,
                it.CRC,
                it.file_size,
            ), it.filename

    # The whole zip file, byte for byte: our files given test.py's file times (the
    # only difference left), packed again by vdbo.enhancement.submission.pack. A zip
    # lists files in the filesystem's directory order, so this holds where both
    # trees list alike (ext4 here: the same names hash alike).
    same = tmp_path / "same_times"
    shutil.copytree(results / "enhanced/hdemucs", same)
    official_tree = exp / "enhanced_signals"
    for path in sorted(official_tree.rglob("*"), key=lambda p: -len(p.parts)):
        st = path.stat()
        os.utime(
            same / path.relative_to(official_tree), ns=(st.st_atime_ns, st.st_mtime_ns)
        )
    repacked = pack(
        same,
        TEAM,
        tmp_path / "repacked" / f"submission_{TEAM}.zip",
        [same / name for name in mine],
    )
    official_zip = exp / f"submission_{TEAM}.zip"
    with zipfile.ZipFile(repacked) as a, zipfile.ZipFile(official_zip) as b:
        same_order = a.namelist() == b.namelist()
    print(f"zip member order equal: {same_order}")
    if same_order:
        assert repacked.read_bytes() == official_zip.read_bytes()

    # Scores: the official hydra evaluate on test.py's files (enhanced_signals/ is
    # test.py's evaluation/ folder) against the references cut to the same segment.
    scoring = tmp_path / "official_scores"
    scoring.mkdir()
    (scoring / "enhanced_signals").symlink_to(exp / "enhanced_signals/evaluation")
    cropped = crop_references(data, tmp_path / "cropped_music", songs)
    official(
        "evaluate",
        env,
        f"path.root={data}",
        f"path.music_dir={cropped}",
        f"path.music_valid_file={data}/metadata/musdb18.test.json",
        f"path.listeners_valid_file={data}/metadata/listeners.test.json",
        f"path.exp_folder={scoring}",
    )
    pd.testing.assert_frame_equal(
        pd.read_csv(results / "scores/hdemucs.csv", dtype=str),
        pd.read_csv(scoring / "scores_1-1.csv", dtype=str),
    )


def load_full_size_plan():
    path = REPO / "benchmarks/full_size_plan.py"
    spec = importlib.util.spec_from_file_location("full_size_plan", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_full_size_plan(tmp_path):
    """50 listeners x 14 songs of 4 minutes, header-only WAVs: the jobs both plan."""
    full = load_full_size_plan()
    root = full.make_header_only_standin(tmp_path / "data")
    assert os.path.getsize(next(root.rglob("mixture.wav"))) > 40e6
    for config, submission in (
        ("musdb18hq.yaml", False),
        ("musdb18hq_eval.yaml", True),
    ):
        table = full.plan(REPO / "config" / config, root, tmp_path / config)
        counts = {rule: row["jobs"] for rule, row in table.items()}
        pairs = full.SONGS * full.LISTENERS
        expect = {
            "separate": 2 * full.SONGS,
            "enhance": 2 * pairs,
            "encode": 2 * pairs,
            "score": 2 * pairs,
            "aggregate_scores": 2,
            "summary": 1,
            "all": 1,
            "listen": 2,
            # the default fast engine: 1 % of each separator's pairs re-scored
            "verify_scores": 2 * pairs_to_verify(pairs, 2, 0.01),
            **dict.fromkeys(REPORT_JOBS, 1),
        }
        for (rule, _), jobs in metric_jobs(SEPARATORS, full.SONGS).items():
            expect[rule] = expect.get(rule, 0) + jobs
        if submission:
            expect["pack_submission"] = 2
        assert counts == expect, config
        score = table["score"]
        seconds = 30.0 if submission else full.SECONDS
        assert score["mem_mb"] == {get_engine("fast").mem_mb(seconds)}
        assert score["runtime"] == {get_engine("fast").runtime_min(seconds)}
        verify = table["verify_scores"]
        assert verify["mem_mb"] == {get_engine("official").mem_mb(seconds)}
