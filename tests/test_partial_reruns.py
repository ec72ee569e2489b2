"""After a complete run, a config change reruns exactly the jobs it affects.

Every config value a job reads is one of its ``params:``, so Snakemake's provenance
records (``.snakemake/metadata``) notice the change; everything upstream stays. Shown
with Snakemake's own dry run (``-n``: the job blocks, the ``Job stats`` table and the
``Reasons`` summary) and ``--summary`` (file status and plan), after one real run of
two songs for one listener with the oracle separator.
"""

from __future__ import annotations

import copy

import pytest
from snakemake_log import job_stats, jobs, reasons, rule_counts
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

SONGS = {"Nora & The Owls - Don't Wait": "test", "Ada's Garden - Slow & Low": "test"}
FIRST, ADDED = "L0045", "L0066"
PARAMS_CHANGED = "params have changed since last execution"
MISSING = "output files have to be generated"
INPUT_SET_CHANGED = "set of input files has changed since last execution"

# What one changed pair (separator, listener, song) and its separator's table cost.
PER_PAIR = {"enhance": 2, "encode": 2, "score": 2}
# The fast engine (the default) re-scores 2 pairs per separator with the official
# one: here both pairs of the run, so their verification follows their scores.
VERIFIED = {"verify_scores": 2}
# The figures and report pages a changed score reaches (the config page: any change).
REPORT = {"plot_stem_means": 1, "plot_heatmap": 1, "plot_hearing_loss": 1,
          "plot_cost": 1, "report_tables": 1, "report_config": 1,
          "compare_systems": 1, "plot_forest": 1, "report_compare": 1,
          "listen": 1, "plot_metric_vs_haaqi": 1}  # fmt: skip
TABLES = {"aggregate_scores": 1, "summary": 1, "all": 1, **REPORT}
# SDR (scoring.metrics' default) of one separator's two songs and its table; with a
# second separator, its paired comparison too (docs/metrics.md)
SDR = {"sdr": 2, "metric_table": 1}
SDR_COMPARISON = {"compare_metric": 1, "plot_forest_metric": 1}


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A complete run: (its folder, the config it ran with)."""
    base = tmp_path_factory.mktemp("reruns")
    data = make_dataset(base / "data", SONGS, [FIRST, ADDED], seconds=1.5)
    config = {
        "data": {"root": str(data), "build_demo": False, "select_listeners": [FIRST]},
        "separators": {
            "oracle": {"kind": "oracle"},
            "mixture": {"kind": "mixture", "enabled": False},
        },
        "scoring": {"segment": {"start": 0.0, "end": 0.5}},
    }
    snakemake(base / "run", write_config(base / "config.yaml", config))
    return base, config


def dry_run(finished, change, *extra):
    """Dry-run the finished folder with ``change(config)`` applied; Snakemake's text."""
    base, config = finished
    changed = copy.deepcopy(config)
    change(changed)
    path = write_config(base / f"{change.__name__}.yaml", changed)
    done = snakemake(base / "run", path, "--dry-run", *extra)
    return done.stdout + done.stderr


def assert_plan(text, expected):
    """The planned jobs are exactly ``expected`` ({rule: count}); returns them."""
    planned = jobs(text)
    assert rule_counts(planned) == expected, text[-3000:]
    assert job_stats(text) == expected
    return planned


def unchanged(config):
    pass


@pytest.mark.slow
def test_unchanged_config_plans_nothing(finished):
    text = dry_run(finished, unchanged)
    assert "Nothing to be done" in text, text[-3000:]
    assert jobs(text) == []


def apply_compressor(config):
    config["enhancement"] = {"apply_compressor": True}


def shorter_nalr_filter(config):
    config["enhancement"] = {"nalr": {"nfir": 128}}


@pytest.mark.slow
@pytest.mark.parametrize("change", [apply_compressor, shorter_nalr_filter])
def test_amplification_change_reruns_from_enhance_not_separate(finished, change):
    text = dry_run(finished, change)
    planned = assert_plan(text, {**PER_PAIR, **VERIFIED, **TABLES})
    assert reasons(text)[PARAMS_CHANGED] - set(REPORT) == {"enhance"}
    assert {j.wildcard("listener") for j in planned if j.rule in PER_PAIR} == {FIRST}


def no_soft_clip(config):
    config["enhancement"] = {"soft_clip": False}


@pytest.mark.slow
def test_soft_clip_change_reruns_encode_and_its_temporary_input(finished):
    """soft_clip is encode's param only, but encode reads enhance's temp() output,
    deleted after the first run: enhance reruns to remake it, separate does not."""
    text = dry_run(finished, no_soft_clip)
    assert_plan(text, {**PER_PAIR, **VERIFIED, **TABLES})
    why = reasons(text)
    assert why[PARAMS_CHANGED] - set(REPORT) == {"encode"}
    assert "enhance" in why[MISSING]


def add_listener(config):
    config["data"]["select_listeners"] = [FIRST, ADDED]


@pytest.mark.slow
def test_added_listener_adds_only_its_jobs(finished):
    text = dry_run(finished, add_listener)
    # the verification sample of 4 pairs keeps one verified pair, adds one of ADDED
    planned = assert_plan(text, {**PER_PAIR, "verify_scores": 1, **TABLES})
    assert {j.wildcard("listener") for j in planned if j.rule in PER_PAIR} == {ADDED}
    assert {j.wildcard("song") for j in planned if j.rule == "score"} == set(SONGS)
    assert [j.wildcard("listener") for j in planned if j.rule == "verify_scores"] == [
        ADDED
    ]
    # the separator's table gains the listener's pairs (plot_cost's benchmark list
    # too, unless another changed input names it first)
    assert "aggregate_scores" in reasons(text)[INPUT_SET_CHANGED]
    assert reasons(text)[INPUT_SET_CHANGED] <= {"aggregate_scores", "plot_cost"}
    assert reasons(text).get(PARAMS_CHANGED, set()) <= set(REPORT)


def enable_mixture(config):
    config["separators"]["mixture"]["enabled"] = True


@pytest.mark.slow
def test_added_separator_adds_only_its_jobs(finished):
    text = dry_run(finished, enable_mixture)
    planned = assert_plan(
        text,
        {"separate": 2, **PER_PAIR, **VERIFIED, **TABLES, **SDR, **SDR_COMPARISON},
    )
    across = ("summary", "all", *REPORT, *SDR_COMPARISON)
    per_separator = [j for j in planned if j.rule not in across]
    assert {j.wildcard("separator") for j in per_separator} == {"mixture"}
    assert {j.wildcard("listener") for j in planned if j.rule in PER_PAIR} == {FIRST}


def later_segment(config):
    config["scoring"]["segment"] = {"start": 0.5, "end": 1.0}


@pytest.mark.slow
def test_scored_segment_change_reruns_only_scoring(finished):
    text = dry_run(finished, later_segment)
    assert_plan(text, {"score": 2, **VERIFIED, **TABLES, **SDR})
    # SDR is computed on the scored segment too
    assert reasons(text)[PARAMS_CHANGED] - set(REPORT) == {"score", "sdr"}

    summary = dry_run(finished, later_segment, "--summary").splitlines()
    header = summary.index(next(line for line in summary if line.startswith("output")))
    rows = [dict(zip(summary[header].split("\t"), line.split("\t"), strict=True))
            for line in summary[header + 1 :] if line.count("\t") == 5]  # fmt: skip
    pending = {r["rule"] for r in rows if r["plan"] == "update pending"}
    assert pending == {
        "score", "verify_scores", "aggregate_scores", "summary", *REPORT, *SDR
    }  # fmt: skip
    first = summary[header].split("	")[0]  # the output file column
    scores = [r for r in rows if r["rule"] == "score" and r[first].endswith(".csv")]
    assert len(scores) == 2 and {r["status"] for r in scores} == {"params changed"}
    kept = {r["rule"] for r in rows if r["plan"] == "no update"}
    assert {"separate", "encode"} <= kept
