"""The forest plot and the comparison page show what comparisons.csv says."""

from __future__ import annotations

import csv
import html
import re

import numpy as np
import pytest

from vdbo import STEMS
from vdbo.evaluation import compare
from vdbo.evaluation.aggregate import OFFICIAL_COLUMNS
from vdbo.report import compare_page, forest

SONGS = ["A", "B", "C"]
LISTENERS = ["L1", "L2", "L3", "L4"]


@pytest.fixture
def comparisons(tmp_path):
    values = {}
    for name, seed, level in (("oracle", 1, 0.9), ("umx", 2, 0.5), ("mixture", 3, 0.3)):
        rng = np.random.default_rng(seed)
        path = tmp_path / f"{name}.csv"
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(OFFICIAL_COLUMNS)
            for s in SONGS:
                for lid in LISTENERS:
                    if name == "umx" and (s, lid) == ("C", "L4"):
                        continue  # a pair the submission lacks
                    ears = np.clip(level + 0.05 * rng.standard_normal(8), 0, 1)
                    w.writerow([s, lid, ears.mean(), *ears])
        values[name] = compare.read_pair_values(path)
    bands = {"L1": "mild", "L2": "mild", "L3": "moderate", "L4": "moderate"}
    table = compare.compare_systems(
        values,
        bands,
        ["mild", "moderate", "severe"],
        compare.Settings(resamples=300, seed=5, min_songs=3, min_listeners=2),
    )
    table.to_csv(tmp_path / "comparisons.csv", index=False)
    compare.ranking(values, table).to_csv(tmp_path / "ranking.csv", index=False)
    return tmp_path


def test_forest_draws_every_interval(comparisons, tmp_path, monkeypatch):
    captured = {}
    real_save = forest.style.save

    def keep(fig, path):
        captured["errorbars"] = {
            c.get_label(): c for ax in fig.axes for c in ax.containers
        }
        return real_save(fig, path)

    monkeypatch.setattr(forest.style, "save", keep)
    out = tmp_path / "forest.png"
    drawn = forest.plot_forest(comparisons / "comparisons.csv", out)
    assert out.stat().st_size > 10_000
    rows = list(csv.DictReader((comparisons / "comparisons.csv").open()))
    finite = [r for r in rows if r["mean_diff"] not in ("", "nan")]
    assert len(drawn) == len(finite)  # the severe band has no listener: not drawn
    assert len(rows) - len(finite) == 3
    umx_vocals = next(
        r
        for r in rows
        if (r["system_a"], r["system_b"], r["subset"]) == ("oracle", "umx", "vocals")
    )
    got = drawn[(drawn.comparison == "oracle - umx") & (drawn.subset == "vocals")].iloc[
        0
    ]
    assert got["mean_diff"] == pytest.approx(float(umx_vocals["mean_diff"]))
    assert got["ci_low"] == pytest.approx(float(umx_vocals["ci_low"]))
    # the drawn marker sits at the CSV's mean difference
    label = next(k for k in captured["errorbars"] if k.startswith("vocals "))
    line = captured["errorbars"][label].lines[0]
    at = list(zip(line.get_xdata(), line.get_ydata(), strict=True))
    assert (pytest.approx(got["mean_diff"]), pytest.approx(got["y"])) in at


def test_page_prints_ranking_and_every_comparison(comparisons, tmp_path):
    out = tmp_path / "compare.html"
    shown = compare_page.compare_page(
        comparisons / "comparisons.csv", comparisons / "ranking.csv", out
    )
    text = out.read_text()
    rows = list(csv.DictReader((comparisons / "comparisons.csv").open()))
    body = re.search(r'<table id="compare-table">(.*?)</table>', text).group(1)
    assert body.count("<tr>") == len(rows) + 1  # header + one per comparison
    first = rows[0]
    expected = (
        f"{float(first['mean_diff']):+.3f} [{float(first['ci_low']):.3f}, "
        f"{float(first['ci_high']):.3f}]"
    )
    assert expected in body
    missing = next(
        r for r in rows if r["system_b"] == "umx" and r["subset"] == "overall"
    )
    assert (missing["missing_b"], missing["used"]) == ("1", "11")
    assert "0 / 1 / 0" in body
    ranking = re.search(r'<table id="compare-ranking">(.*?)</table>', text).group(1)
    assert ranking.index("oracle") < ranking.index("umx") < ranking.index("mixture")
    assert list(shown["ranking"]["system"]) == ["oracle", "umx", "mixture"]
    assert html.escape("oracle beats umx overall: ") in text
    assert len(shown["comparisons"]) == 3 * (1 + len(STEMS) + 3)
