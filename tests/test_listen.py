"""Listen pages: picked pairs, clips at the level of their files, MSBG per ear, MP3s
that decode back to the clip, a page and manifest that list every clip."""

from __future__ import annotations

import base64
import csv
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from scipy import signal as sps

from vdbo import SIDES, STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation import hearing_loss
from vdbo.report import listen

RATE = 44100
NORMAL = {
    "name": "N",
    "audiogram_cfs": [250, 500, 1000, 2000, 3000, 4000, 6000, 8000],
    "audiogram_levels_l": [0] * 8,
    "audiogram_levels_r": [0] * 8,
}
SLOPING = NORMAL | {
    "name": "S",
    "audiogram_levels_l": [20, 25, 30, 45, 55, 65, 70, 75],
    "audiogram_levels_r": [10, 10, 15, 20, 30, 40, 50, 55],
}


def scores_frame(values: dict[tuple[str, str], float]) -> pd.DataFrame:
    rows = [
        {"song": s, "listener": lid, "score": v}
        | {f"{side}_{stem}": v for side in SIDES for stem in STEMS}
        for (s, lid), v in values.items()
    ]
    return pd.DataFrame(rows)


def test_picks_best_median_worst_and_chosen():
    table = scores_frame(
        {("A", "L1"): 0.5, ("A", "L2"): 0.9, ("B", "L1"): 0.1, ("B", "L2"): 0.5}
    )
    picks = listen.pick_pairs(table, ["best", "median", "worst"], [])
    assert [(p.label, p.song, p.listener) for p in picks] == [
        ("best", "A", "L2"),
        ("median", "A", "L1"),  # 0.5 twice: the lower middle of 4, ties by song
        ("worst", "B", "L1"),
    ]
    one = listen.pick_pairs(table.iloc[:1], ["best", "median", "worst"], [])
    assert [(p.label, p.song) for p in one] == [("best and median and worst", "A")]
    extra = [{"separator": "x", "listener": "L2", "song": "B"}]
    assert listen.pick_pairs(table, ["best"], extra)[-1].label == "chosen"
    with pytest.raises(InputError, match="not a scored pair"):
        listen.pick_pairs(table, [], [{"listener": "L9", "song": "A"}])


def tone(seconds: float, freq: float, level: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    x = level * np.sin(2 * np.pi * freq * t)
    return np.stack([x, 0.5 * x], axis=1)


def band_level(x: np.ndarray, low: float, high: float, rate: int = RATE) -> float:
    f, p = sps.welch(x, fs=rate, nperseg=4096)
    return float(10 * np.log10(p[(f >= low) & (f < high)].sum()))


def test_msbg_normal_hearing_keeps_and_loss_removes_highs():
    rng = np.random.default_rng(0)
    noise = 0.03 * rng.standard_normal((RATE, 2))
    normal = hearing_loss.simulate(noise, NORMAL)
    assert normal.shape == noise.shape
    # normal hearing: about the same spectrum in the midrange (within 3 dB)
    for ch in range(2):
        assert band_level(normal[:, ch], 500, 2000) == pytest.approx(
            band_level(noise[:, ch], 500, 2000), abs=3
        )
    impaired = hearing_loss.simulate(noise, SLOPING)
    # the sloping loss attenuates 4-8 kHz more than 250-1000 Hz, and more on the left
    drop = {
        ch: band_level(noise[:, ch], 4000, 8000)
        - band_level(impaired[:, ch], 4000, 8000)
        - (band_level(noise[:, ch], 250, 1000) - band_level(impaired[:, ch], 250, 1000))
        for ch in range(2)
    }
    assert drop[0] > 10 and drop[1] > 3 and drop[0] > drop[1]
    audiogram_cls, _ = hearing_loss.msbg_classes()
    severe = audiogram_cls(levels=np.array(SLOPING["audiogram_levels_l"]))
    assert list(severe.cfs) == SLOPING["audiogram_cfs"]  # the official default
    assert severe.severity == "SEVERE"  # mean 2-8 kHz loss 62 dB, over 56
    # presented 40 dB quieter and scaled back: normal hearing still keeps the level
    quiet = hearing_loss.simulate(noise, NORMAL, gain_db=-40.0)
    assert band_level(quiet[:, 0], 500, 2000) == pytest.approx(
        band_level(noise[:, 0], 500, 2000), abs=3
    )
    assert hearing_loss.full_scale_spl_db() == 120.0  # MSBG's 100 + 20 dB
    # CAD1: a reference at -30 dBFS RMS plays at 65 dB SPL through -25 dB
    assert hearing_loss.presentation_gain_db(-30.0, 65.0) == -25.0
    # a quiet signal presented loud: the gain goes through MSBG's calibration, so
    # the samples stay above its -80 dBFS meter floor (scaled samples gave NaN)
    faint = hearing_loss.simulate(noise * 10 ** (-50 / 20), NORMAL, gain_db=45.0)
    assert np.all(np.isfinite(faint))
    assert band_level(faint[:, 0], 500, 2000) == pytest.approx(
        band_level(noise[:, 0], 500, 2000) - 50, abs=3
    )
    below = hearing_loss.simulate(noise * 10 ** (-70 / 20), SLOPING)
    assert np.all(np.isfinite(below)) and not below.any()  # unmeasurable: silent
    silent = hearing_loss.simulate(np.zeros((RATE // 10, 2)), SLOPING)
    assert not silent.any()


def test_read_clip_offsets_levels_and_mp3(tmp_path):
    x = tone(3.0, 440, 0.25)
    path = tmp_path / "remix.flac"
    sf.write(path, x, RATE, subtype="PCM_16")
    clip, rate = listen.read_clip(path, start_s=11.0, seconds=1.5, offset_s=10.0)
    assert rate == RATE and clip.shape == (int(1.5 * RATE), 2)
    np.testing.assert_allclose(clip, x[RATE : RATE + clip.shape[0]], atol=2 / 32768)
    short, _ = listen.read_clip(path, start_s=12.0, seconds=5.0, offset_s=10.0)
    assert len(short) == RATE  # the file ends before the window does
    with pytest.raises(InputError, match="holds no audio"):
        listen.read_clip(path, start_s=5.0, seconds=1.0, offset_s=10.0)
    rms, peak = listen.level_dbfs(clip)
    expected_rms = 10 * np.log10((0.25**2 / 2 + 0.125**2 / 2) / 2)
    assert rms == pytest.approx(expected_rms, abs=0.05)
    assert peak == pytest.approx(20 * np.log10(0.25), abs=0.05)
    made = listen.make_clip(clip, RATE, 32000, None)
    mp3 = listen.encode_mp3(made, 32000, 96)
    decoded, rate = sf.read(io.BytesIO(mp3), dtype="float64", always_2d=True)
    assert rate == 32000 and decoded.shape[1] == 2
    # constant bit rate: the size is the bound, the length the clip's plus LAME's
    # encoder delay and last-frame padding
    assert len(mp3) == pytest.approx(96_000 / 8 * len(made) / 32000, rel=0.05)
    assert 0 <= len(decoded) - len(made) < 0.1 * 32000
    # the level survives the encoding (no normalisation): the same energy, over the
    # clip's length (the added delay and padding are silent)
    energy = np.sum(np.square(decoded)) / (2 * len(made))
    assert 10 * np.log10(energy) == pytest.approx(expected_rms, abs=0.5)


def test_listen_page_and_manifest(tmp_path):
    scores = tmp_path / "sep.csv"
    table = scores_frame({("Song", "L1"): 0.7, ("Song", "L2"): 0.2})
    table = table[
        ["song", "listener", "score"] + [f"{s}_{t}" for t in STEMS for s in SIDES]
    ]
    table.to_csv(scores, index=False, quoting=csv.QUOTE_MINIMAL)
    mixture = tmp_path / "mixture.wav"
    sf.write(mixture, tone(4.0, 330, 0.2), RATE, subtype="PCM_16")
    remix = tmp_path / "remix.flac"
    sf.write(remix, tone(4.0, 4000, 0.02), RATE, subtype="PCM_16")
    square = np.sign(np.sin(2 * np.pi * 1000 * np.arange(4 * RATE) / RATE))
    loud = tmp_path / "loud.flac"
    sf.write(loud, np.stack([square, square], 1) * 0.999, RATE, subtype="PCM_16")
    quiet = tmp_path / "quiet.flac"
    sf.write(quiet, np.zeros((4 * RATE, 2)), RATE, subtype="PCM_16")
    sources = {
        ("Song", lid): [
            listen.Source("mixture", "reference mixture", str(mixture), 0.0),
            listen.Source("official remix", "remix", str(remix), 0.0),
            listen.Source("strategy x", "x", str(quiet), 0.0, {"left ear": 0.4}),
            listen.Source("strategy loud", "loud", str(loud), 0.0),
        ]
        for lid in ("L1", "L2")
    }
    out, manifest = tmp_path / "page.html", tmp_path / "clips.json"
    entries = listen.listen_page(
        "sep",
        scores,
        sources,
        {"L1": SLOPING, "L2": NORMAL},
        ["best", "worst"],
        [],
        {"Song": (1.0, 1.5)},
        24000,
        64,
        out,
        manifest,
    )
    assert json.loads(manifest.read_text()) == entries
    assert len(entries) == 2 * 4 * 2  # picks x signals x (as written, hearing loss)
    assert {e["seconds"] for e in entries} == {0.5}
    page = out.read_text()
    clips = re.findall(r'src="data:audio/mpeg;base64,([^"]+)"', page)
    assert len(clips) == len(entries)
    assert [len(base64.b64decode(c)) for c in clips] == [e["bytes"] for e in entries]
    assert max(e["bytes"] for e in entries) <= 64_000 / 8 * 0.5 + 1000  # one frame
    images = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', page)
    assert [len(base64.b64decode(i)) for i in images] == [
        e["spectrogram_bytes"] for e in entries
    ]
    silent = [e for e in entries if e["silent"]]
    assert {e["signal"] for e in silent} == {"strategy x"}
    assert page.count(" silent</p>") == len(silent)
    best = [e for e in entries if e["pick"] == "best"]
    assert {e["listener"] for e in best} == {"L1"}
    loud = next(e for e in best if e["signal"] == "official remix")
    heard = next(
        e
        for e in best
        if e["signal"] == "official remix" and e["hearing"] == "hearing loss"
    )
    assert loud["hearing"] == "as written"
    assert loud["rms_dbfs"] == pytest.approx(10 * np.log10(0.02**2 * 5 / 16), abs=0.1)
    # the mixture (-19 dBFS) plays at 65 dB SPL: the remix's 4 kHz tone (-45 dBFS)
    # at 39 dB SPL, below L1's 65 and 40 dB HL there: far quieter
    mixture_rms = 10 * np.log10(0.2**2 * 5 / 16)
    assert heard["msbg_gain_db"] == pytest.approx(65 - 120 - mixture_rms, abs=0.01)
    assert heard["rms_dbfs"] < loud["rms_dbfs"] - 10
    # the full-scale square wave overshoots when resampled: clipped, and said so
    square_clip = next(
        e
        for e in entries
        if e["signal"] == "strategy loud" and e["hearing"] == "as written"
    )
    assert square_clip["clipped_share"] > 0.01 and square_clip["peak_dbfs"] == 0.0
    assert "of samples clipped at full scale" in page
    assert all(
        e["clipped_share"] == 0 for e in entries if e["signal"] != "strategy loud"
    )
    assert "remix HAAQI: left ear 0.400" in page


def test_strategy_equal_to_the_official_remix_is_not_repeated(tmp_path):
    official = tmp_path / "official.flac"
    sf.write(official, tone(0.5, 440, 0.3), RATE, subtype="PCM_16")
    copy = tmp_path / "baseline.flac"
    copy.write_bytes(official.read_bytes())
    other = tmp_path / "audiogram.flac"
    sf.write(other, tone(0.5, 440, 0.1), RATE, subtype="PCM_16")
    sources = listen.pair_sources(
        "oracle",
        "L1",
        "mix.wav",
        str(official),
        2.0,
        {"baseline": (str(copy), {"left ear": 0.6}), "audiogram": (str(other), None)},
    )
    assert [s.key for s in sources] == [
        "mixture",
        "official remix",
        "strategy audiogram",
    ]
    assert sources[1].title.endswith("= remix strategy baseline")
    assert sources[1].haaqi == {"left ear": 0.6} and sources[1].offset_s == 2.0
