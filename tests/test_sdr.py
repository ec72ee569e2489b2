"""SDR (vdbo.evaluation.sdr) is museval's, to the last digit, and its edge cases.

Two-second songs of noise-like stems (two 1 s frames): museval costs about a CPU
second per second of four stereo stems.
"""

import json
import shutil

import numpy as np
import pytest
import simplejson
from museval.aggregate import json2df
from scipy.io import wavfile

from vdbo import MUSDB_SAMPLE_RATE, STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation import sdr
from vdbo.separation.stems_npz import save_stems

RATE = MUSDB_SAMPLE_RATE
SECONDS = 2


def stems(seed=0, seconds=SECONDS):
    """Four stereo int16-scaled stems (samples, 2), as read_wav_float scales them."""
    rng = np.random.default_rng(seed)
    return {
        s: np.round(rng.standard_normal((seconds * RATE, 2)) * 3000) / 32768.0
        for s in STEMS
    }


def leaky(refs, seed=1):
    """Estimates with leakage from the other stems and noise (finite, not exact)."""
    rng = np.random.default_rng(seed)
    total = sum(refs.values())
    return {
        s: 0.8 * r + 0.1 * total + 0.01 * rng.standard_normal(r.shape)
        for s, r in refs.items()
    }


@pytest.fixture(scope="module")
def song():
    refs = stems()
    ests = leaky(refs)
    frames, left_out = sdr.evaluate_song(refs, ests)
    return refs, ests, frames, left_out


def test_frames_and_medians_equal_museval_evaluate_run_directly(song):
    import museval

    refs, ests, frames, left_out = song
    direct = museval.evaluate(
        [refs[s] for s in STEMS], [ests[s] for s in STEMS], win=RATE, hop=RATE
    )
    table = sdr.song_table("song", frames, left_out)
    assert not left_out
    for i, stem in enumerate(STEMS):
        row = table.set_index("stem").loc[stem]
        for name, values in zip(("SDR", "ISR", "SIR", "SAR"), direct, strict=True):
            assert np.array_equal(frames[stem][name], values[i])  # every frame, exact
            assert row[name] == np.nanmedian(values[i])  # the median, exact
        assert row["frames"] == row["scored_frames"] == SECONDS


def test_json_is_museval_own_and_its_tools_read_it(song):
    refs, ests, frames, left_out = song
    text = sdr.track_json("song", frames)
    frame_table = json2df(simplejson.loads(text, allow_nan=True), "song")
    sdr_frames = frame_table[frame_table.metric == "SDR"]
    for stem in STEMS:
        got = sdr_frames[sdr_frames.target == stem]["score"].astype(float).to_numpy()
        # museval's TrackStore quantises each frame to 5 decimals
        np.testing.assert_allclose(got, frames[stem]["SDR"], atol=5e-6, rtol=0)
    assert json.loads(text)["museval_version"]


def test_oracle_estimate_is_infinite_sdr_as_museval_gives_it():
    refs = stems(seconds=1)
    frames, left_out = sdr.evaluate_song(refs, {s: r.copy() for s, r in refs.items()})
    table = sdr.song_table("oracle", frames, left_out)
    assert np.isposinf(table["SDR"]).all()  # exact reconstruction: no distortion
    assert (table["SIR"] > 200).all()  # and SIR/ISR/SAR at museval's float floor
    document = json.loads(sdr.track_json("oracle", frames).replace("NaN", "null"))
    assert document["targets"][0]["frames"][0]["metrics"]["SDR"] is None  # inf -> NaN


def test_silent_reference_stem_is_left_out_and_silent_frames_are_skipped():
    refs = stems()
    refs["bass"] = np.zeros_like(refs["bass"])  # a song without bass
    refs["drums"][:RATE] = 0.0  # drums enter after one second
    frames, left_out = sdr.evaluate_song(refs, leaky(refs))
    table = sdr.song_table("song", frames, left_out).set_index("stem")
    assert left_out == {"bass": "reference"}
    assert table.loc["bass", "silent"] == "reference"
    assert np.isnan(table.loc["bass", ["SDR", "SIR", "ISR", "SAR"]].astype(float)).all()
    # museval: a frame in which any reference is silent is NaN for every stem
    for stem in ("vocals", "drums", "other"):
        assert np.isnan(frames[stem]["SDR"][0]) and np.isfinite(frames[stem]["SDR"][1])
        assert table.loc[stem, "scored_frames"] == 1
        assert table.loc[stem, "SDR"] == frames[stem]["SDR"][1]


def test_mixture_separator_scores_below_a_leaky_one(song):
    refs, _, frames, _ = song
    total = sum(refs.values())
    mixture, left_out = sdr.evaluate_song(refs, {s: total for s in STEMS})
    assert not left_out
    for stem in STEMS:
        assert np.isfinite(mixture[stem]["SDR"]).all()
        assert np.median(mixture[stem]["SDR"]) < np.median(frames[stem]["SDR"])


def write_track(folder, refs):
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for stem, signal in refs.items():
        paths[stem] = folder / f"{stem}.wav"
        wavfile.write(paths[stem], RATE, np.round(signal * 32768).astype(np.int16))
    return paths


def test_estimates_of_another_length_are_refused_naming_the_files(tmp_path):
    refs = stems(seconds=1)
    paths = write_track(tmp_path / "track", refs)
    separated = tmp_path / "separated.npz"
    save_stems({s: r[:-10].T.astype(np.float32) for s, r in refs.items()}, separated)
    with pytest.raises(InputError) as err:
        sdr.score_separated(
            "song", separated, paths, None, tmp_path / "o.json", tmp_path / "o.csv"
        )
    assert str(separated) in str(err.value) and str(paths["vocals"]) in str(err.value)
    assert not (tmp_path / "o.csv").exists()


def test_job_scores_the_segment_it_is_given(tmp_path):
    refs = stems(seconds=3)
    paths = write_track(tmp_path / "track", refs)
    separated = tmp_path / "separated.npz"
    ests = leaky(refs)
    save_stems({s: e.T.astype(np.float32) for s, e in ests.items()}, separated)
    table = sdr.score_separated(
        "song", separated, paths, [1.0, 3.0], tmp_path / "o.json", tmp_path / "o.csv"
    )
    assert (table["frames"] == 2).all()  # the objective crop, not the song
    cropped = {
        s: e.astype(np.float32).astype(np.float64)[RATE:] for s, e in ests.items()
    }
    direct, _ = sdr.evaluate_song({s: r[RATE:] for s, r in refs.items()}, cropped)
    assert list(table["SDR"]) == [np.nanmedian(direct[s]["SDR"]) for s in STEMS]
    assert json.loads((tmp_path / "o.json").read_text())["targets"]


def test_missing_ffmpeg_is_a_clear_message(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="ffmpeg.*install-system-packages"):
        sdr.import_museval()
