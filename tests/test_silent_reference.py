"""Silent and very quiet reference stems (scoring.silent_reference): found before any
HAAQI work on the exact samples the official code scores; error or skip."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest
from scipy.io import wavfile
from tinydata import make_dataset

from vdbo import STEMS
from vdbo.core import layout
from vdbo.core.errors import InputError
from vdbo.enhancement.encoding import write_stems
from vdbo.evaluation.aggregate import summarise
from vdbo.evaluation.engines import FAST
from vdbo.evaluation.pairs import (
    SilentSkip,
    reference_levels,
    score_pair_checked,
    write_pair_scores,
)
from vdbo.evaluation.remix_scores import remix_haaqi_and_levels
from vdbo.evaluation.verification import verify_against

SONG = "Bach's Chorale - No Drums & All"
CFS = [250, 500, 1000, 2000, 3000, 4000, 6000, 8000]
LISTENER = {
    "name": "L0045",
    "audiogram_cfs": CFS,
    "audiogram_levels_l": [10] * 8,
    "audiogram_levels_r": [20] * 8,
}


@pytest.mark.parametrize("engine", ["official", "fast"])
def test_haaqi_dies_on_a_silent_reference_before_drawing_random_numbers(engine):
    """Why the check exists, and why a skipped call may leave the RNG alone."""
    from clarity.evaluator.haaqi import compute_haaqi as official

    from vdbo.haaqi import compute_haaqi as fast

    compute = {"official": official, "fast": fast}[engine]
    processed = np.random.default_rng(0).uniform(-0.1, 0.1, 12000)
    np.random.seed(7)
    before = np.random.get_state()
    with np.errstate(divide="ignore"), pytest.raises(IndexError):
        compute(
            processed_signal=processed,
            reference_signal=np.zeros(12000, np.float32),
            sample_rate_processed=24000,
            sample_rate_reference=24000,
            audiogram=np.array([10] * 8),
            audiogram_frequencies=np.array(CFS),
            level1=65 - 20 * np.log10(0.0),
        )
    after = np.random.get_state()
    assert after[2] == before[2] and np.array_equal(after[1], before[1])


def _pair(tmp_path, seconds=1.0, silence=None):
    silence = {SONG: {"drums": (0, 1)}} if silence is None else silence
    data = make_dataset(
        tmp_path / "data", {SONG: "test"}, ["L0045"], seconds, silence=silence
    )
    rng = np.random.default_rng(0)
    n = int(seconds * 44100)
    processed = {c: rng.uniform(-0.3, 0.3, n) for c in layout.STEM_CHANNELS}
    write_stems(processed, tmp_path / "enh", "L0045", SONG, 44100, 24000)
    return data / "audio/musdb18hq"


def _score(music, tmp_path, policy, segment=None, compute_haaqi=None):
    return score_pair_checked(
        SONG, "L0045", LISTENER, "test", music, tmp_path / "enh", segment=segment,
        compute_haaqi=compute_haaqi or FAST.compute_haaqi(), silent_reference=policy,
    )  # fmt: skip


def test_error_names_song_stem_ears_range_and_ways_forward(tmp_path):
    music = _pair(tmp_path)
    with pytest.raises(InputError) as err:
        _score(music, tmp_path, "error")
    message = str(err.value)
    print(message)
    wanted = [SONG, "drums (left ear)", "drums (right ear)", "0.00-1.00 s (whole"]
    wanted += ["silent_reference: skip", "scoring.segment", "data.select_songs"]
    for part in wanted:
        assert part in message
    assert "bass" not in message


def test_skip_leaves_the_silent_cells_nan_and_means_the_others(tmp_path, caplog):
    music = _pair(tmp_path, silence={SONG: {"drums": (0, 1), "bass": (1,)}})
    with caplog.at_level(logging.WARNING):
        result = _score(music, tmp_path, "skip")
    print("\n".join(r.getMessage() for r in caplog.records))
    assert sorted(result.skipped) == ["left_drums", "right_bass", "right_drums"]
    for cell, value in result.per_stem.items():
        assert math.isnan(value) == (cell in result.skipped), cell
    kept = [v for c, v in result.per_stem.items() if c not in result.skipped]
    assert result.score == float(np.mean(kept))
    assert "drums (right ear) is silent over 0.00-1.00 s" in caplog.text
    # The official writer writes the skipped cells as nan; pandas reads them as NaN.
    write_pair_scores(tmp_path / "p.csv", SONG, "L0045", result.score, result.per_stem)
    assert "nan" in (tmp_path / "p.csv").read_text()
    row = pd.read_csv(tmp_path / "p.csv").iloc[0]
    assert row[["left_drums", "right_drums", "right_bass"]].isna().all()
    # verify_scores accepts equal nan cells.
    verify_against(tmp_path / "p.csv", result.score, result.per_stem)
    summary = summarise({"sep": tmp_path / "p.csv"})
    assert summary.loc[0, "skipped_cells"] == 3
    assert summary.loc[0, "bass"] == pytest.approx(row["left_bass"])
    assert math.isnan(summary.loc[0, "drums"])


def test_silence_is_judged_on_the_scored_segment_only(tmp_path):
    music = _pair(tmp_path, seconds=2.0, silence={})
    drums = music / "test" / SONG / "drums.wav"
    rate, x = wavfile.read(drums)
    x[rate:] = 0  # drums play in the first second only
    wavfile.write(drums, rate, x)
    levels, where = reference_levels(music, "test", SONG, (1.2, 2.0))
    assert where == "1.20-2.00 s"
    assert levels["left_drums"] == -math.inf and levels["right_drums"] == -math.inf
    assert all(math.isfinite(v) for c, v in levels.items() if "drums" not in c)
    with pytest.raises(InputError, match="over the scored range 1.20-2.00 s"):
        _score(music, tmp_path, "error", segment=(1.2, 2.0))
    # The segment is cropped before resampling, as it is staged for the official
    # code: a drum hit at 0.55-0.65 s is enough.
    levels, _ = reference_levels(music, "test", SONG, (0.5, 2.0))
    assert math.isfinite(levels["left_drums"])


def test_a_very_quiet_reference_is_scored_with_a_warning(tmp_path, caplog):
    music = _pair(tmp_path, silence={})
    bass = music / "test" / SONG / "bass.wav"
    rate, x = wavfile.read(bass)
    x[:] = 0
    x[::400] = 1  # a click every 9 ms at 1 LSB: about -110 dBFS RMS
    wavfile.write(bass, rate, x)
    with caplog.at_level(logging.WARNING):
        result = _score(music, tmp_path, "error")
    print("\n".join(r.getMessage() for r in caplog.records))
    assert sorted(result.quiet) == ["left_bass", "right_bass"]
    assert all(v < -90 for v in result.quiet.values())
    assert not result.skipped and all(map(math.isfinite, result.per_stem.values()))
    assert "bass (left ear) is very quiet" in caplog.text


def test_remix_haaqi_with_a_silent_side(caplog):
    rng = np.random.default_rng(1)
    stems = {s: rng.uniform(-0.1, 0.1, (44100, 2)) for s in STEMS}
    for x in stems.values():
        x[:, 0] = 0
    gains = {f"{side}_{s}": 0.0 for side in ("left", "right") for s in stems}
    remix = sum(stems.values())
    calls = []

    def engine(**kwargs):
        calls.append(kwargs)
        return 0.5

    with pytest.raises(InputError) as err:
        remix_haaqi_and_levels(remix, 44100, stems, gains, LISTENER,
                               compute_haaqi=engine,
                               name="L0045_x_remix.flac (song 'x')")  # fmt: skip
    print(err.value)
    assert "silent (all samples zero) in the left ear" in str(err.value)
    assert "silent_reference: skip" in str(err.value) and not calls
    with caplog.at_level(logging.WARNING):
        scores, _ = remix_haaqi_and_levels(remix, 44100, stems, gains, LISTENER,
                                           compute_haaqi=engine,
                                           silent_reference="skip")  # fmt: skip
    print(caplog.text)
    assert math.isnan(scores["left"]) and scores["right"] == scores["mean"] == 0.5
    assert len(calls) == 1 and list(calls[0]["audiogram"]) == [20] * 8


def test_skipping_wraps_the_chosen_engine_once():
    """The skip is a wrapper around the engine's function, built once and handed to
    the official evaluation; nothing reads the official namespace back."""
    from vdbo.core.official import evaluate_function
    from vdbo.evaluation.engines import evaluation_calls

    original = evaluate_function("compute_haaqi")  # pyclarity's
    calls = []

    def engine(**kwargs):
        calls.append(kwargs)
        return 0.5

    wrapper = SilentSkip(engine, ["left_bass"])
    with evaluation_calls(wrapper):
        called = evaluate_function("_evaluate_song_listener").__globals__
        assert called["compute_haaqi"] is wrapper
    assert evaluate_function("compute_haaqi") is original
    assert math.isnan(wrapper(level1=-math.inf))
    assert wrapper(level1=65.0) == 0.5
    assert calls == [{"level1": 65.0}]
    wrapper.check()  # one skip, as expected
    with pytest.raises(RuntimeError, match="skipped 0 HAAQI calls, expected 1"):
        SilentSkip(engine, ["left_bass"]).check()


def test_a_nan_that_is_not_a_declared_skip_is_never_written(tmp_path):
    """A cell is a number or a skip by the silence policy: anything else stops the
    pair before its CSV is written, naming the pair and the cells."""
    from vdbo.evaluation.silence import NotAScore

    def broken(**kwargs):
        return math.nan if kwargs["audiogram"][0] >= 0 else 0.5

    music = _pair(tmp_path, silence={})
    with pytest.raises(NotAScore) as err:
        _score(music, tmp_path, "skip", compute_haaqi=broken)
    message = str(err.value)
    assert f"song {SONG!r}, listener 'L0045'" in message
    assert "drums (left ear) = nan" in message and "not a score" in message
    assert not list(tmp_path.glob("**/*.csv"))
