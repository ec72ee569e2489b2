"""The report of a small real run, checked as a reader sees it and against its CSVs.

One workflow run (1 song x 2 listeners, oracle, mixture and a tiny trained model,
one level-safe remix strategy with remix HAAQI) and its ``snakemake --report`` HTML
serve both tests. The browser test opens the report in headless Chromium and walks
every category and result like a reader clicking through it.
Screenshots go to ``$VDBO_SCREENSHOTS`` when set (else the test's temp folder).
"""

from __future__ import annotations

import base64
import csv
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from browser import Browser, chromium_binary
from report_run import LISTENERS, SONGS, TARGET, run_with_report
from scipy import stats as scistats

from vdbo import SIDES, STEMS
from vdbo.report import hearing, scores

SEPARATORS = ["oracle", "mixture", "tiny"]
FIGURES = [
    "haaqi_per_stem.png",
    "haaqi_heatmap.png",
    "haaqi_vs_hearing_loss.png",
    "remix_levels.png",
    "run_cost.png",
    "training/tiny.png",
    "haaqi_vs_sdr.png",  # scoring.metrics' default: HAAQI against SDR per stem
    "compare_forest_sdr.png",
]


@pytest.fixture(scope="module")
def report_run(tmp_path_factory):
    started = time.perf_counter()
    run = run_with_report(tmp_path_factory.mktemp("report"))
    print(f"workflow run + report: {time.perf_counter() - started:.0f} s")
    return run


def rows(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_report_figures_recomputed_from_the_run_csvs(report_run, tmp_path):
    run = report_run
    for name in FIGURES:
        assert (run / "results/plots" / name).stat().st_size > 10_000, name
    tables = {s: run / f"results/scores/{s}.csv" for s in SEPARATORS}
    # a bar height: mean right-ear vocals HAAQI of the trained model
    tiny = rows(tables["tiny"])
    assert len(tiny) == len(SONGS) * len(LISTENERS)
    expected = sum(float(r["right_vocals"]) for r in tiny) / len(tiny)
    means = scores.plot_stem_means(tables, tmp_path / "stems.png")
    got = means.query("separator == 'tiny' and side == 'right' and stem == 'vocals'")
    assert got["haaqi"].item() == pytest.approx(expected, abs=1e-12)
    # a heat-map cell: the official pair score
    grids = scores.plot_heatmaps(tables, tmp_path / "heat.png")
    first = rows(tables["oracle"])[0]
    cell = grids["oracle"].loc[first["listener"], first["song"]]
    assert cell == float(first["score"])
    # a trend slope, with the audiograms of the listeners file the run used
    listeners_file = run.parent / "data/metadata/listeners.valid.json"
    audiograms = json.loads(listeners_file.read_text())
    _, fits = hearing.plot_haaqi_vs_pta(tables, audiograms, tmp_path / "h.png")
    xs, ys = [], []
    for r in rows(tables["oracle"]):
        a = audiograms[r["listener"]]
        for side in SIDES:
            levels = a[f"audiogram_levels_{side[0]}"]
            xs.append(
                np.mean(
                    [
                        levels[a["audiogram_cfs"].index(f)]
                        for f in (500, 1000, 2000, 4000)
                    ]
                )
            )
            ys.append(np.mean([float(r[f"{side}_{s}"]) for s in STEMS]))
    assert fits["oracle"][0] == pytest.approx(scistats.linregress(xs, ys).slope)
    # the figure the run wrote is the one these numbers give (same code, same CSVs)
    html = (run / "results/report.html").read_text()
    for name in FIGURES:
        data = base64.b64encode((run / "results/plots" / name).read_bytes()).decode()
        assert data in html, f"{name} is not embedded in the report"


SHOW_IMAGE_STATS = """
(async (src) => {
  const img = [...document.querySelectorAll('img')].find(i => i.src === src);
  if (!img) return null;
  await img.decode();
  const box = img.getBoundingClientRect();
  const pane = (img.closest('.overflow-auto') || document.body).getBoundingClientRect();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0, s = 0, s2 = 0, ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
    n++; s += y; s2 += y * y; if (y < 200) ink++;
  }
  const mean = s / n;
  return {width: c.width, height: c.height, shown: [box.width, box.height],
          box: [box.left, box.top, box.right, box.bottom],
          pane: [pane.left, pane.top, pane.right, pane.bottom],
          std: Math.sqrt(s2 / n - mean * mean), ink: ink / n};
})(%s)
"""


def click(browser: Browser, selector_js: str) -> None:
    assert browser.js(
        f"(() => {{ const el = {selector_js}; if (!el) return false; "
        "el.click(); return true; })()"
    ), selector_js


def walk_report(report: Path, shots: Path) -> dict:
    """Open ``report`` in headless Chromium and click through every category and
    result as a reader would; check each figure renders, fully visible and non-blank.

    Returns what was seen: images, the HTML pages' tables/config, downloads, console
    errors. Screenshots (one per result shown) go to ``shots``.
    """
    shots.mkdir(parents=True, exist_ok=True)
    seen_images, seen_pages, downloads, shown = set(), {}, [], None
    with Browser() as b:
        b.open(report.as_uri())
        b.wait_for("document.querySelectorAll('#app a').length > 3")
        b.screenshot(shots / "00-start.png")
        categories = b.js("Object.keys(categories).sort()")
        assert set(categories) >= {
            "Scores",
            "Hearing loss",
            "Personalised remixes",
            "Training",
            "Run cost",
            "Configuration",
        }
        for k, category in enumerate(categories, 1):
            b.js(  # back to the menu through the breadcrumbs, if not there already
                "[...document.querySelectorAll('#app a')].find(a => "
                "a.textContent.trim() === 'Results')?.click()"
            )
            menu_item = (
                "[...document.querySelectorAll('#app li > a')].find(a => "
                f"a.textContent.trim() === {json.dumps(category)})"
            )
            b.wait_for(f"!!{menu_item}")
            click(b, menu_item)
            b.wait_for("document.querySelectorAll('table tbody tr').length > 0")
            names = b.js(
                "[...document.querySelectorAll('table tbody tr')]"
                ".map(r => r.cells[0].textContent.trim())"
            )
            for j, name in enumerate(names):
                row = (
                    "[...document.querySelectorAll('table tbody tr')].find(r => "
                    f"r.cells[0].textContent.trim() === {json.dumps(name)})"
                )
                if b.js(
                    f"{row}.querySelector('a[iconname=eye]').hasAttribute('download')"
                ):
                    downloads.append(name)  # a CSV: offered as a download, not shown
                    continue
                click(b, f"{row}.querySelector('a[iconname=eye]')")
                path = b.wait_for(  # the result now shown
                    f"app.state.resultPath !== {json.dumps(shown)} && "
                    "app.state.resultPath"
                )
                shown = path
                entry = b.js(f"results[{json.dumps(path)}]")
                assert entry, name
                mime = entry["mime_type"]
                if mime.startswith("image/"):
                    src = json.dumps(entry["data_uri"])
                    b.wait_for(
                        f"[...document.querySelectorAll('img')].some(i => "
                        f"i.src === {src} && i.complete)"
                    )
                    stats = b.js(SHOW_IMAGE_STATS % src, await_promise=True)
                    assert stats["width"] > 300 and stats["height"] > 200, (name, stats)
                    left, top, right, bottom = stats["box"]
                    pane_left, pane_top, pane_right, pane_bottom = stats["pane"]
                    assert left >= pane_left and top >= pane_top, ("cut off", stats)
                    assert right <= pane_right and bottom <= pane_bottom, ("cut", stats)
                    assert min(stats["shown"]) > 100, (name, stats)
                    assert stats["std"] > 10 and stats["ink"] > 0.01, (name, stats)
                    seen_images.add(path.removeprefix("results/plots/"))
                elif mime == "text/html":
                    b.wait_for("document.querySelectorAll('iframe').length > 0")
                    time.sleep(0.3)
                    seen_pages[Path(path).name] = b.frame_js(
                        """JSON.stringify({
                        haaqi: [...document.querySelectorAll('#summary-haaqi tbody tr')]
                               .map(r => [...r.cells].map(c => c.textContent)),
                        remix: [...document.querySelectorAll('#summary-remix tbody tr')]
                               .map(r => [...r.cells].map(c => c.textContent)),
                        sdr: [...document.querySelectorAll('#summary-sdr tbody tr')]
                               .map(r => [...r.cells].map(c => c.textContent)),
                        config: (document.querySelector('#config') || {}).textContent
                    })""",
                    )
                b.screenshot(shots / f"{k:02d}-{category.replace(' ', '_')}-{j}.png")
        errors = b.errors()
    return {
        "images": seen_images,
        "pages": seen_pages,
        "downloads": downloads,
        "errors": errors,
    }


@pytest.mark.slow
def test_report_in_headless_chromium(report_run, tmp_path):
    assert chromium_binary(), "chromium missing: run scripts/install-system-packages.sh"
    shots = Path(os.environ.get("VDBO_SCREENSHOTS", tmp_path / "screenshots"))
    run = report_run
    summary = rows(run / "results/summary.csv")
    remix_csvs = sorted((run / "results/scores").glob("remix-*/*.csv"))
    seen = walk_report(run / "results/report.html", shots)
    seen_images, seen_pages, downloads = (
        seen["images"],
        seen["pages"],
        seen["downloads"],
    )
    errors = seen["errors"]
    assert not errors, errors
    assert set(FIGURES) <= seen_images
    assert downloads == ["results/summary.csv"]
    page = json.loads(seen_pages["summary.html"])
    assert [r[0] for r in page["haaqi"]] == [r["separator"] for r in summary]
    assert sorted(r[0] for r in page["haaqi"]) == sorted(SEPARATORS)
    for shown, written in zip(page["haaqi"], summary, strict=True):
        assert float(shown[2]) == pytest.approx(float(written["haaqi"]), abs=1e-4)
    assert len(page["remix"]) == len(remix_csvs)
    sdr = {r["separator"]: r for r in rows(run / "results/metrics_summary.csv")}
    assert sorted(r[0] for r in page["sdr"]) == sorted(SEPARATORS)
    for shown in page["sdr"]:  # separator, songs, then the four stems' medians
        written = sdr[shown[0]]
        assert shown[2:] == [f"{float(written[s]):.4f}" for s in STEMS], shown
    audiogram = next(r for r in page["remix"] if r[0] == "audiogram")
    assert float(audiogram[3]) == pytest.approx(TARGET, abs=0.5)  # loudness_mean_lufs
    config = json.loads(seen_pages["config.html"])["config"]
    assert "engine: fast" in config and "tiny:" in config
