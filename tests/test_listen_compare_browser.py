"""The report's Listen and Compare sections, checked in headless Chromium.

One small workflow run (1 song x 2 listeners, oracle and mixture, one level-safe remix
strategy) and its ``snakemake --report``. Every clip of every Listen page is played
in the browser: it must load (no media error), last as long as its manifest says,
play through to its end, and decode to a signal at the level the manifest gives and
not silent; a clip of the manifest without a player fails the test.
 The Compare page
must print every row of ``results/compare/comparisons.csv``.
"""

from __future__ import annotations

import csv
import json
import math
import time
from pathlib import Path

import pytest
from browser import Browser, chromium_binary
from test_report_browser import click
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

from vdbo.evaluation.compare import COLUMNS
from vdbo.report.listen import SILENCE_DBFS

SONGS = {"Ada's Garden - Slow & Low": "test"}
LISTENERS = ["L0045", "L0066"]
SEPARATORS = ["oracle", "mixture"]


def listen_config(data: Path) -> dict:
    return {
        "data": {"root": str(data), "build_demo": False},
        "separators": {s: {"kind": s} for s in SEPARATORS},
        "scoring": {
            "engine": "fast",
            "verify_pairs": 0,
            "segment": {"start": 0.25, "end": 1.75},
        },
        "remix": {
            "strategies": {"audiogram": {"strategy": "audiogram"}},
            "separators": ["oracle"],
            "haaqi": True,
        },
        "compare": {"resamples": 500},
        "listen": {"picks": ["best", "worst"]},
    }


@pytest.fixture(scope="module")
def listen_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("listen")
    data = make_dataset(tmp / "data", SONGS, LISTENERS, seconds=2.0)
    cfg = write_config(tmp / "config.yaml", listen_config(data))
    run = tmp / "run"
    snakemake(run, cfg)
    snakemake(run, cfg, "--report", str(run / "results/report.html"))
    return run


CHECK_CLIPS = """
(async () => {
  const out = [];
  for (const a of document.querySelectorAll('audio')) {
    const r = {signal: a.dataset.signal, hearing: a.dataset.hearing,
               expected: parseFloat(a.dataset.seconds)};
    if (a.readyState < 1) {
      await new Promise((ok) => {
        a.addEventListener('loadedmetadata', ok, {once: true});
        a.addEventListener('error', ok, {once: true});
        setTimeout(ok, 10000);
      });
    }
    r.duration = a.duration;
    r.error = a.error ? a.error.code : null;
    a.playbackRate = 16;
    const ended = new Promise((ok) => {
      a.addEventListener('ended', () => ok(true), {once: true});
      a.addEventListener('error', () => ok(false), {once: true});
      setTimeout(() => ok(false), 15000);
    });
    try { await a.play(); r.played = true; } catch (e) { r.played = String(e); }
    r.ended = await ended;
    r.position = a.currentTime;
    const bytes = await (await fetch(a.src)).arrayBuffer();
    try {
      const ctx = new OfflineAudioContext(2, 1, 32000);
      const buf = await ctx.decodeAudioData(bytes);
      let s = 0, n = 0;
      for (let c = 0; c < buf.numberOfChannels; c++) {
        for (const v of buf.getChannelData(c)) { s += v * v; n++; }
      }
      r.decoded_seconds = buf.duration;
      r.rms_dbfs = 10 * Math.log10(s / n);
    } catch (e) { r.decode_error = String(e); }
    out.push(r);
  }
  return JSON.stringify(out);
})()
"""


def open_result(browser: Browser, category: str, name: str) -> None:
    """Show the result of ``category`` whose row mentions ``name`` (a file name, or
    the label of a labelled result)."""
    browser.js(
        "[...document.querySelectorAll('#app a')].find(a => "
        "a.textContent.trim() === 'Results')?.click()"
    )
    item = (
        "[...document.querySelectorAll('#app li > a')].find(a => "
        f"a.textContent.trim() === {json.dumps(category)})"
    )
    browser.wait_for(f"!!{item}")
    click(browser, item)
    row = (
        "[...document.querySelectorAll('table tbody tr')].find(r => "
        f"r.textContent.includes({json.dumps(name)}))"
    )
    browser.wait_for(f"!!{row}")
    click(browser, f"{row}.querySelector('a[iconname=eye]')")
    browser.wait_for("document.querySelectorAll('iframe').length > 0")
    time.sleep(0.5)


@pytest.mark.slow
def test_listen_and_compare_in_headless_chromium(listen_run):
    assert chromium_binary(), "chromium missing: run scripts/install-system-packages.sh"
    run = listen_run
    report = run / "results/report.html"
    with Browser() as b:
        b.open(report.as_uri())
        b.wait_for("document.querySelectorAll('#app a').length > 3")
        assert {"Listen", "Compare"} <= set(b.js("Object.keys(categories)"))
        for separator in SEPARATORS:
            manifest = json.loads(
                (run / f"results/listen/{separator}.json").read_text()
            )
            assert len(manifest) >= 2 * 2  # best and worst, mixture and remix
            open_result(b, "Listen", separator)
            clips = json.loads(b.frame_js(CHECK_CLIPS, clicked=True))
            assert len(clips) == len(manifest), (separator, len(clips))
            for shown, listed in zip(clips, manifest, strict=True):
                where = (separator, listed["pick"], listed["signal"], listed["hearing"])
                assert (shown["signal"], shown["hearing"]) == (
                    listed["signal"],
                    listed["hearing"],
                ), where
                assert shown["error"] is None and "decode_error" not in shown, shown
                # LAME adds its encoder delay and pads the last frame: < 0.1 s
                for seconds in (shown["duration"], shown["decoded_seconds"]):
                    assert 0 <= seconds - listed["seconds"] < 0.1, (where, shown)
                assert shown["played"] is True and shown["ended"], (where, shown)
                assert math.isfinite(shown["rms_dbfs"]), (where, shown)
                assert shown["rms_dbfs"] > SILENCE_DBFS, ("silent clip", where, shown)
                # the same energy as the clip the manifest describes (the encoder's
                # delay and padding are silent)
                energy = shown["rms_dbfs"] + 10 * math.log10(
                    shown["decoded_seconds"] / listed["seconds"]
                )
                assert energy == pytest.approx(listed["rms_dbfs"], abs=1.0), where
        open_result(b, "Compare", "compare.html")
        printed = json.loads(
            b.frame_js(
                "JSON.stringify([...document.querySelectorAll("
                "'#compare-table tbody tr')].map(r => [...r.cells].map(c => "
                "c.textContent)))",
            )
        )
        errors = b.errors()
    assert not errors, errors
    with (run / "results/compare/comparisons.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == COLUMNS
    assert len(printed) == len(rows) == 1 + 4 + 3  # two systems: one comparison
    assert printed[0][0] == f"{rows[0]['system_a']} - {rows[0]['system_b']}"
    assert printed[0][2].startswith(f"{float(rows[0]['mean_diff']):+.3f} [")
