"""Tests of vdbo.remix: official bit-identity, gains, level safety, overrides, HAAQI."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from clarity.utils.flac_encoder import FlacEncoder, read_flac_signal
from clarity.utils.signal_processing import resample
from scipy.signal import resample_poly

from vdbo import SIDES, STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation.remix_scores import remix_haaqi_and_levels
from vdbo.remix import (
    STRATEGIES,
    copy_official_remix,
    load_overrides,
    register_strategy,
    remix,
    stem_gains_db,
    write_remix,
)
from vdbo.remix.audiogram_rule import AudiogramRule, ear_gains_db
from vdbo.remix.limiter import limiter_gain
from vdbo.remix.stem_keys import stem_channels
from vdbo.schemas import CONFIG_SCHEMA

RATE = 44100
CFS = [250, 500, 1000, 2000, 3000, 4000, 6000, 8000]
LEVEL_SAFE = ("baseline_normalised", "fixed_gains", "audiogram")


def listener(name="L0001", left=(20, 30, 40, 50, 60, 65, 70, 70), right=None):
    right = left if right is None else right
    return {
        "name": name,
        "audiogram_cfs": CFS,
        "audiogram_levels_l": list(left),
        "audiogram_levels_r": list(right),
    }


def song_stems(seconds=3.0, scale=1.0, seed=0):
    """Eight synthetic 'processed stems' in the baseline's key order.

    Vocals: a harmonic tone with tremolo; drums: decaying noise bursts (high crest
    factor, exercises the limiter); bass: 55 Hz; other: noise.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    stems = {}
    for stem in ("vocals", "drums", "bass", "other"):
        for index, side in enumerate(SIDES):
            phase = 0.7 * index
            if stem == "vocals":
                tone = sum(
                    np.sin(2 * np.pi * 220 * k * t + phase) / k for k in range(1, 6)
                )
                signal = 0.3 * (1 + 0.5 * np.sin(2 * np.pi * 4 * t)) * tone
            elif stem == "drums":
                signal = 0.8 * np.exp(-40 * (t % 0.25)) * rng.standard_normal(t.size)
            elif stem == "bass":
                signal = 0.4 * np.sin(2 * np.pi * 55 * t + phase)
            else:
                signal = 0.1 * rng.standard_normal(t.size)
            stems[f"{side}_{stem}"] = scale * signal
    return stems


def decoded(path: Path) -> np.ndarray:
    samples, rate = FlacEncoder.decode(path)
    assert rate == 32000
    return samples


def measured_true_peak_dbtp(signal: np.ndarray) -> float:
    upsampled = resample_poly(signal, 4, 1, axis=0)
    return 20 * np.log10(max(np.abs(upsampled).max(), np.abs(signal).max()))


def official_remix(stems):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from recipes.cad1.task1.baseline.enhance import remix_signal, save_flac_signal
    return remix_signal, save_flac_signal


# --- baseline ---------------------------------------------------------------------


def test_baseline_is_bit_identical_to_official_remix_and_writer(tmp_path):
    stems = song_stems(scale=2.0)  # loud: the official soft clip and clip engage
    remix_signal, save_flac_signal = official_remix(stems)
    expected = remix_signal(stems)
    assert np.max(np.abs(expected)) > 1.0

    signal, gains = remix(stems, listener(), {"strategy": "baseline"})
    assert np.array_equal(signal, expected)
    assert set(gains.values()) == {0.0}
    stats = write_remix(signal, tmp_path / "ours.flac", {"strategy": "baseline"}, gains)
    save_flac_signal(
        expected,
        tmp_path / "official.flac",
        RATE,
        32000,
        do_clip_signal=True,
        do_soft_clip=True,
    )
    assert np.array_equal(
        decoded(tmp_path / "ours.flac"), decoded(tmp_path / "official.flac")
    )
    assert stats["level_safe"] is False and stats["gain_applied_db"] == 0.0

    # The workflow copies encode's official remix for the baseline strategy: the
    # same bytes and the same stats, with gains from the stems' names alone.
    channels = stem_channels(["vocals", "drums", "bass", "other"])
    assert channels == list(stems)
    copied = copy_official_remix(
        tmp_path / "official.flac",
        tmp_path / "copied.flac",
        {"strategy": "baseline"},
        stem_gains_db(channels, listener(), {"strategy": "baseline"}),
    )
    assert copied == stats
    assert (tmp_path / "copied.flac").read_bytes() == (
        tmp_path / "official.flac"
    ).read_bytes()
    with pytest.raises(InputError, match="not the official remix"):
        copy_official_remix(
            tmp_path / "official.flac",
            tmp_path / "x.flac",
            {"strategy": "baseline_normalised"},
        )


# --- gains ------------------------------------------------------------------------


def test_fixed_gains_scale_each_stem_by_exactly_the_configured_db():
    stems = song_stems(seconds=1.0)
    gains_db = {"vocals": 6.0, "drums": -3.0, "bass": -9.5, "other": 1.25}
    config = {"strategy": "fixed_gains", "gains_db": gains_db}
    for stem in STEMS:
        alone = {
            key: (signal if key.endswith(stem) else np.zeros_like(signal))
            for key, signal in stems.items()
        }
        gained, gains = remix(alone, listener(), config)
        plain, _ = remix(alone, listener(), {"strategy": "baseline"})
        np.testing.assert_allclose(
            gained, plain * 10 ** (gains_db[stem] / 20), rtol=1e-12, atol=0
        )
        assert gains[f"left_{stem}"] == gains[f"right_{stem}"] == gains_db[stem]


def test_fixed_gains_change_the_balance_in_the_written_file(tmp_path):
    """Each stem a sine at its own frequency: the balance between the sines in the
    final FLAC moves by exactly the configured gain difference."""
    seconds, frequencies = (
        3.0,
        {"vocals": 1000, "drums": 3000, "bass": 110, "other": 500},
    )
    t = np.arange(int(seconds * RATE)) / RATE
    stems = {
        f"{side}_{stem}": 0.2 * np.sin(2 * np.pi * frequencies[stem] * t)
        for stem in STEMS
        for side in SIDES
    }
    gains_db = {"vocals": 6.0, "drums": -3.0, "bass": -9.0, "other": 0.0}

    def levels(config, name):
        signal, gains = remix(stems, listener(), config)
        write_remix(signal, tmp_path / name, config, gains)
        left = decoded(tmp_path / name)[:, 0] * np.hanning(int(seconds * 32000))
        spectrum = np.abs(np.fft.rfft(left))
        return {
            s: 20 * np.log10(spectrum[int(f * seconds)]) for s, f in frequencies.items()
        }

    plain = levels({"strategy": "baseline_normalised"}, "plain.flac")
    gained = levels({"strategy": "fixed_gains", "gains_db": gains_db}, "gained.flac")
    for stem in STEMS:
        moved = (gained[stem] - gained["other"]) - (plain[stem] - plain["other"])
        assert moved == pytest.approx(gains_db[stem], abs=0.05)


# --- level safety -----------------------------------------------------------------


@pytest.mark.parametrize("scale", [30.0, 1.0, 1e-3], ids=["loud", "normal", "quiet"])
@pytest.mark.parametrize("target", [-23.0, -14.0])
@pytest.mark.parametrize("strategy", LEVEL_SAFE)
def test_every_strategy_meets_loudness_target_and_true_peak_limit(
    tmp_path, strategy, target, scale
):
    config = {
        "strategy": strategy,
        "gains_db": {"vocals": 6.0, "drums": -6.0},
        "loudness_target_lufs": target,
        "true_peak_limit_dbtp": -1.0,
    }
    signal, gains = remix(song_stems(scale=scale), listener(), config)
    stats = write_remix(signal, tmp_path / "remix.flac", config, gains)
    written = decoded(tmp_path / "remix.flac") / 32768.0
    loudness = pyloudnorm.Meter(32000).integrated_loudness(written)
    assert abs(loudness - target) <= 0.5
    assert measured_true_peak_dbtp(written) < -1.0
    assert stats["integrated_loudness_lufs"] == pytest.approx(loudness, abs=1e-6)
    assert stats["strategy"] == strategy and stats["gains_db"] == gains


def test_limiter_works_on_peaky_material(tmp_path):
    stems = song_stems()
    stems = {key: (s if "drums" in key else 0.0 * s) for key, s in stems.items()}
    config = {"strategy": "baseline_normalised", "loudness_target_lufs": -18.0}
    signal, gains = remix(stems, listener(), config)
    stats = write_remix(signal, tmp_path / "drums.flac", config, gains)
    written = decoded(tmp_path / "drums.flac") / 32768.0
    assert stats["limiter_gain_reduction_max_db"] > 1.0
    assert measured_true_peak_dbtp(written) < -1.0
    assert abs(pyloudnorm.Meter(32000).integrated_loudness(written) + 18.0) <= 0.5


def test_without_loudness_target_the_level_is_kept_and_only_peaks_limited(tmp_path):
    config = {"strategy": "fixed_gains", "loudness_target_lufs": None}
    meter = pyloudnorm.Meter(32000)
    for scale, name in ((0.05, "soft.flac"), (3.0, "loud.flac")):
        signal, gains = remix(song_stems(scale=scale), listener(), config)
        stats = write_remix(signal, tmp_path / name, config, gains)
        written = decoded(tmp_path / name) / 32768.0
        assert measured_true_peak_dbtp(written) < -1.0
        assert stats["gain_applied_db"] == 0.0
        if scale < 1:  # nothing to limit: same loudness as the float remix
            assert stats["limiter_gain_reduction_max_db"] == 0.0
            at_32k = resample(signal, RATE, 32000)
            assert meter.integrated_loudness(written) == pytest.approx(
                meter.integrated_loudness(at_32k), abs=0.05
            )
        else:
            assert stats["limiter_gain_reduction_max_db"] > 0.0


def test_limiter_gain_looks_ahead_holds_and_never_lets_a_peak_through():
    rate, lookahead_ms, hold_ms = 32000, 5.0, 50.0
    envelope = np.full(rate, 0.1)
    peak = rate // 2
    envelope[peak] = 2.0
    rng = np.random.default_rng(1)
    envelope[:1000] = rng.uniform(0, 3, 1000)
    gain = limiter_gain(envelope, 0.5, rate, lookahead_ms, hold_ms)
    assert np.all(envelope * gain <= 0.5 + 1e-12) and np.all(gain <= 1.0)
    lookahead = int(lookahead_ms * rate / 1000)
    hold = int(hold_ms * rate / 1000)
    assert gain[peak - lookahead - 2] == 1.0  # untouched before the look-ahead
    assert gain[peak - lookahead // 2] < 1.0  # lowered before the peak
    assert gain[peak + hold] == pytest.approx(0.25)  # still held after it
    assert np.max(np.abs(np.diff(gain[1000:]))) < 0.75 / (lookahead / 4)  # ramps


def test_unreachable_loudness_target_is_an_input_error(tmp_path):
    config = {"strategy": "baseline_normalised", "loudness_target_lufs": -1.5}
    signal, gains = remix(song_stems(seconds=2.0), listener(), config)
    with pytest.raises(InputError, match="loudness_target_lufs"):
        write_remix(signal, tmp_path / "x.flac", config, gains)


def test_silent_remix_is_written_as_silence(tmp_path):
    stems = {key: np.zeros(RATE) for key in song_stems(seconds=1.0)}
    config = {"strategy": "fixed_gains"}
    signal, gains = remix(stems, listener(), config)
    stats = write_remix(signal, tmp_path / "silent.flac", config, gains)
    assert not np.any(decoded(tmp_path / "silent.flac"))
    assert stats["integrated_loudness_lufs"] is None


# --- audiogram rule ---------------------------------------------------------------


def test_normal_hearing_leaves_the_balance_alone():
    gains = ear_gains_db(np.array(CFS, float), np.zeros(len(CFS)))
    assert gains == dict.fromkeys(STEMS, 0.0)


def test_audiogram_rule_is_monotone_in_flat_loss():
    cfs = np.array(CFS, float)
    sweep = [ear_gains_db(cfs, np.full(len(CFS), level)) for level in range(0, 125, 5)]
    vocals = [g["vocals"] for g in sweep]
    assert np.all(np.diff(vocals) >= 0) and vocals[-1] > vocals[0]
    for stem in ("drums", "bass", "other"):
        assert np.all(np.diff([g[stem] for g in sweep]) <= 0)
    assert len(set(vocals[4:17])) == 13  # strictly growing between 20 and 80 dB HL


def test_more_loss_never_lowers_the_vocal_boost_and_gains_are_bounded():
    rule = AudiogramRule()
    rng = np.random.default_rng(7)
    cfs = np.array(CFS, float)
    low = -(rule.max_accompaniment_cut_db + rule.max_slope_cut_db)
    for _ in range(200):
        levels = rng.uniform(-10, 110, len(CFS))
        worse = levels + rng.uniform(0, 40, len(CFS)) * (rng.random(len(CFS)) < 0.5)
        before, after = ear_gains_db(cfs, levels), ear_gains_db(cfs, worse)
        assert after["vocals"] >= before["vocals"]
        for gains in (before, after):
            assert all(
                low <= value <= rule.max_vocals_boost_db for value in gains.values()
            )


def test_audiogram_strategy_uses_each_ears_own_audiogram():
    severe, normal = [70] * len(CFS), [0] * len(CFS)
    _, gains = remix(
        song_stems(seconds=0.5),
        listener(left=severe, right=normal),
        {"strategy": "audiogram"},
    )
    assert gains["left_vocals"] > 0 and gains["left_bass"] < 0
    assert all(gains[f"right_{stem}"] == 0.0 for stem in STEMS)


def test_sloping_loss_cuts_bass_and_drums_more_than_other():
    sloping = ear_gains_db(
        np.array(CFS, float), np.array([10, 15, 30, 60, 70, 75, 80, 80])
    )
    assert sloping["bass"] == sloping["drums"] < sloping["other"] < 0


# --- overrides --------------------------------------------------------------------


def test_override_reaches_exactly_that_listener(tmp_path):
    table = tmp_path / "overrides.csv"
    table.write_text(
        "# hand-tuned\nlistener,vocals_db,drums_db,bass_db,other_db\n"
        "L0001,9,-6,-4.5,-2\n"
    )
    overrides = load_overrides(table)
    stems = song_stems(seconds=0.5)
    config = {"strategy": "audiogram"}
    _, chosen = remix(stems, listener("L0001"), config, overrides)
    _, other = remix(stems, listener("L0002"), config, overrides)
    _, rule_only = remix(stems, listener("L0002"), config, None)
    expected = {"vocals": 9.0, "drums": -6.0, "bass": -4.5, "other": -2.0}
    assert chosen == {f"{s}_{stem}": expected[stem] for s in SIDES for stem in STEMS}
    assert other == rule_only and other != chosen


def test_tsv_override_table(tmp_path):
    table = tmp_path / "overrides.tsv"
    table.write_text(
        "other_db\tlistener\tbass_db\tdrums_db\tvocals_db\n1\tL9\t2\t3\t4\n"
    )
    assert load_overrides(table) == {
        "L9": {"vocals": 4.0, "drums": 3.0, "bass": 2.0, "other": 1.0}
    }


def test_baseline_refuses_overrides():
    with pytest.raises(InputError, match="overrides"):
        remix(
            song_stems(0.5),
            listener(),
            {"strategy": "baseline"},
            {"L0001": dict.fromkeys(STEMS, 3.0)},
        )


@pytest.mark.parametrize(
    "content",
    [
        "listener,vocals_db,drums_db,bass_db,other_db,piano_db\nL1,1,2,3,4,5\n",
        "listener,vocals_db,drums_db,bass_db\nL1,1,2,3\n",
        "listener,vocals_db,drums_db,bass_db,other_db\nL1,loud,2,3,4\n",
        "listener,vocals_db,drums_db,bass_db,other_db\nL1,,2,3,4\n",
        "listener,vocals_db,drums_db,bass_db,other_db\nL1,1,2,3,4\nL1,1,2,3,4\n",
        "listener,vocals_db,drums_db,bass_db,other_db\nL1,1,2,3\n",
        "listener,vocals_db,drums_db,bass_db,other_db\nL1,100,2,3,4\n",
        "# only a comment\n",
    ],
    ids=["unknown", "missing", "text", "empty", "duplicate", "short", "range", "none"],
)
def test_bad_override_table_names_the_file(tmp_path, content):
    table = tmp_path / "overrides.csv"
    table.write_text(content)
    with pytest.raises(InputError) as error:
        load_overrides(table)
    assert str(table) in str(error.value)


def test_missing_override_table_names_the_file(tmp_path):
    with pytest.raises(InputError, match="not found") as error:
        load_overrides(tmp_path / "nope.csv")
    assert "nope.csv" in str(error.value)


# --- config and registry ----------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        {"strategy": "louder"},
        {"strategy": "fixed_gains", "loudness_target": -20},
        {"strategy": "fixed_gains", "gains_db": {"piano": 3}},
        {"strategy": "audiogram", "audiogram_rule": {"max_vocals_boost_db": 99}},
        {"strategy": "fixed_gains", "true_peak_limit_dbtp": 2.0},
    ],
)
def test_bad_config_is_an_input_error(config):
    with pytest.raises(InputError):
        remix(song_stems(0.5), listener(), config)


def test_a_registered_strategy_is_usable_by_name(tmp_path):
    @register_strategy("test_vocals_up")
    def vocals_up(listener, config):
        return {
            side: {"vocals": 3.0, "drums": 0.0, "bass": 0.0, "other": 0.0}
            for side in SIDES
        }

    try:
        config = {"strategy": "test_vocals_up", "loudness_target_lufs": -23.0}
        signal, gains = remix(song_stems(seconds=1.0), listener(), config)
        stats = write_remix(signal, tmp_path / "custom.flac", config, gains)
        assert gains["left_vocals"] == 3.0 and stats["level_safe"]
    finally:
        del STRATEGIES["test_vocals_up"]


# --- objective view ---------------------------------------------------------------


def reference_and_processed(seconds=2.0):
    stems = song_stems(seconds=seconds, scale=0.5, seed=3)
    reference = {
        stem: np.stack([stems[f"{side}_{stem}"] for side in SIDES], axis=1)
        for stem in STEMS
    }
    return reference, stems


def test_remix_haaqi_prefers_the_balance_it_was_asked_for(tmp_path):
    """The remix scores higher against the reference remixed with its own gains than
    against the untouched mixture (real pyclarity HAAQI, 2 s)."""
    reference, stems = reference_and_processed()
    near_normal = listener(left=[10] * len(CFS))
    config = {"strategy": "fixed_gains", "gains_db": {"vocals": 6, "drums": -6}}
    signal, gains = remix(stems, near_normal, config)
    write_remix(signal, tmp_path / "r.flac", config, gains)
    heard, rate = read_flac_signal(tmp_path / "r.flac")
    rate = int(rate)
    matched, _ = remix_haaqi_and_levels(
        heard, rate, reference, gains, near_normal, seed=1
    )
    unity = dict.fromkeys(gains, 0.0)
    mismatched, _ = remix_haaqi_and_levels(
        heard, rate, reference, unity, near_normal, seed=1
    )
    assert 0.0 < mismatched["mean"] < matched["mean"] <= 1.0
    assert matched["mean"] == pytest.approx((matched["left"] + matched["right"]) / 2)


def test_remix_haaqi_takes_another_engine_and_a_segment():
    reference, stems = reference_and_processed(seconds=2.0)
    ears = listener(left=[10] * len(CFS), right=[50] * len(CFS))
    signal, gains = remix(stems, ears, {"strategy": "baseline"})
    calls = []

    def engine(**kwargs):
        calls.append(kwargs)
        return 0.5

    scores, _ = remix_haaqi_and_levels(
        signal, RATE, reference, gains, ears, segment=(0.5, 1.5), compute_haaqi=engine
    )
    assert scores == {"left": 0.5, "right": 0.5, "mean": 0.5}
    assert [len(c["processed_signal"]) for c in calls] == [24000, 24000]
    assert [len(c["reference_signal"]) for c in calls] == [24000, 24000]
    assert [list(c["audiogram"]) for c in calls] == [[10] * 8, [50] * 8]
    with pytest.raises(InputError, match="segment"):
        remix_haaqi_and_levels(
            signal,
            RATE,
            reference,
            gains,
            ears,
            segment=(1.0, 9.0),
            compute_haaqi=engine,
        )


def test_schema_gain_limit_is_max_gain_db():
    import yaml

    from vdbo.remix.stem_keys import MAX_GAIN_DB

    schema = yaml.safe_load(CONFIG_SCHEMA.read_text())
    strategy = schema["properties"]["remix"]["properties"]["strategies"]
    gains = strategy["additionalProperties"]["properties"]["gains_db"]["properties"]
    for stem in STEMS:
        assert gains[stem]["minimum"] == -MAX_GAIN_DB
        assert gains[stem]["maximum"] == MAX_GAIN_DB


def test_a_remix_that_is_not_stereo_is_refused_naming_the_file(tmp_path):
    """The one stereo check (`stereo_float64`) as the remix writer uses it."""
    from vdbo.core.errors import InputError
    from vdbo.remix.writer import write_remix

    target = tmp_path / "L0001_song_remix.flac"
    with pytest.raises(InputError, match=r"shape \(100,\), expected \(samples, 2\)"):
        write_remix(np.zeros(100), target, None)
    with pytest.raises(InputError, match="L0001_song_remix.flac"):
        write_remix(np.zeros((100, 3)), target, None)
    assert not target.exists()
