"""The embedded demo dataset: MUSDB18-HQ + Cadenza layout, sound, rebuilds, errors."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vdbo import STEMS
from vdbo.core.audio_io import read_wav_int16
from vdbo.core.errors import InputError
from vdbo.demo.arrangement import Timeline
from vdbo.demo.build import build_demo_dataset, track_dir
from vdbo.demo.harmony import chord_pitch_classes, scale_for_chord, scale_pitches
from vdbo.demo.melody import compose_melody
from vdbo.demo.songs import SONGS
from vdbo.demo.vocals import fundamental_midi

REPO = Path(__file__).resolve().parents[1]
LISTENERS = REPO / "resources" / "listeners" / "clarity_listeners.json"
RATE = 44100
SONG_IDS = [song.name for song in SONGS]


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    build_demo_dataset(root, LISTENERS)
    return root


def _read_track(root: Path, song) -> dict[str, np.ndarray]:
    folder = track_dir(root, song)
    return {
        name: read_wav_int16(folder / f"{name}.wav") for name in ("mixture", *STEMS)
    }


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _frame_power(stereo: np.ndarray, seconds: float) -> np.ndarray:
    frame = int(seconds * RATE)
    x = stereo[: len(stereo) // frame * frame].astype(np.float64) / 32768
    return np.mean(x.reshape(-1, frame, 2) ** 2, axis=(1, 2))


def test_layout_has_exactly_the_musdb_folders_and_metadata_files(demo_root):
    audio = demo_root / "audio" / "musdb18hq"
    for split, count in (("train", 4), ("test", 2)):
        tracks = sorted(p.name for p in (audio / split).iterdir())
        assert tracks == sorted(s.name for s in SONGS if s.split == split)
        assert len(tracks) == count
        for track in tracks:
            files = sorted(p.name for p in (audio / split / track).iterdir())
            assert files == sorted(f"{n}.wav" for n in ("mixture", *STEMS))
    assert sorted(p.name for p in (demo_root / "metadata").iterdir()) == [
        "LISTENERS-LICENSE.txt",
        "listeners.train.json",
        "listeners.valid.json",
        "musdb18.train.json",
        "musdb18.valid.json",
    ]
    assert sorted(p.name for p in demo_root.iterdir()) == ["audio", "metadata"]


def test_song_lists_name_the_tracks_with_musdb_style_names(demo_root):
    meta = demo_root / "metadata"
    train, valid = (
        _load(meta / "musdb18.train.json"),
        _load(meta / "musdb18.valid.json"),
    )
    assert [e["Split"] for e in train] == ["train"] * 4
    assert [e["Split"] for e in valid] == ["test"] * 2
    names = [e["Track Name"] for e in train + valid]
    assert len(set(names)) == 6
    for entry in train + valid:
        assert set(entry) == {"Track Name", "Split"}
        assert track_dir(demo_root, _song(entry["Track Name"])).is_dir()
    for name in names:
        artist, title = name.split(" - ")
        assert artist.strip() == artist and title.strip() == title and artist and title
    valid_names = "".join(e["Track Name"] for e in valid)
    assert "'" in valid_names and "&" in valid_names and " " in valid_names


def _song(name):
    return next(s for s in SONGS if s.name == name)


def test_listeners_are_real_audiograms_copied_unchanged(demo_root):
    source = _load(LISTENERS)
    meta = demo_root / "metadata"
    valid, train = (
        _load(meta / "listeners.valid.json"),
        _load(meta / "listeners.train.json"),
    )
    assert list(valid) == ["L0045", "L0026", "L0066"]
    assert len(train) == 4 and not set(train) & set(valid)
    for lid, entry in {**train, **valid}.items():
        assert entry == source[lid]
    licence = (meta / "LISTENERS-LICENSE.txt").read_bytes()
    assert licence == (LISTENERS.parent / "LICENSE-clarity.txt").read_bytes()
    assert b"MIT License" in licence
    severity = [
        np.mean(e["audiogram_levels_l"] + e["audiogram_levels_r"])
        for e in train.values()
    ]
    assert max(severity) - min(severity) > 20  # training listeners of varied severity


@pytest.mark.parametrize("name", SONG_IDS)
def test_wavs_are_musdb_format_with_equal_lengths_of_about_25_s(demo_root, name):
    track = _read_track(demo_root, _song(name))  # checks 44.1 kHz, int16, stereo
    lengths = {len(x) for x in track.values()}
    assert len(lengths) == 1
    assert 24 * RATE <= lengths.pop() <= 26 * RATE


@pytest.mark.parametrize("name", SONG_IDS)
def test_mixture_is_the_exact_sum_of_the_stems(demo_root, name):
    track = _read_track(demo_root, _song(name))
    total = np.sum([track[s].astype(np.int32) for s in STEMS], axis=0)
    np.testing.assert_array_equal(total, track["mixture"].astype(np.int32))


@pytest.mark.parametrize("name", SONG_IDS)
def test_stems_are_audible_unclipped_and_panned(demo_root, name):
    track = _read_track(demo_root, _song(name))
    for stem, x in track.items():
        rms_db = 10 * np.log10(np.mean((x.astype(np.float64) / 32768) ** 2))
        assert rms_db > -40, stem
        assert np.abs(x.astype(np.int32)).max() < 32767, f"{stem} clips"
    for stem in ("vocals", "drums", "other"):
        left, right = track[stem].astype(np.float64).T
        assert np.mean(np.abs(left - right)) > 0.02 * np.mean(np.abs(left)), stem


@pytest.mark.parametrize("name", SONG_IDS)
def test_vocals_have_gaps_and_sit_on_top_of_the_band(demo_root, name):
    track = _read_track(demo_root, _song(name))
    vocals = _frame_power(track["vocals"], 0.25)
    silent = vocals < 1e-6  # below -60 dBFS
    assert silent.sum() * 0.25 >= 3.0, "vocals need silent stretches"
    assert 0.3 < np.mean(vocals > vocals.max() * 1e-3) < 0.8
    accompaniment = sum(track[s].astype(np.int32) for s in ("drums", "bass", "other"))
    band = _frame_power(accompaniment, 0.25)
    singing = vocals > vocals.max() * 1e-3
    ratio_db = 10 * np.log10(vocals[singing].mean() / band[singing].mean())
    assert -6 < ratio_db < 6


@pytest.mark.parametrize("name", SONG_IDS)
def test_bass_carries_the_low_end_and_vocals_do_not(demo_root, name):
    track = _read_track(demo_root, _song(name))

    def low_share(stereo):
        spectrum = np.abs(np.fft.rfft(stereo.astype(np.float64).mean(axis=1))) ** 2
        freqs = np.fft.rfftfreq(len(stereo), 1 / RATE)
        return spectrum[freqs < 200].sum() / spectrum.sum()

    assert low_share(track["bass"]) > 0.6
    assert low_share(track["vocals"]) < 0.1
    assert low_share(track["other"]) < 0.5


@pytest.mark.parametrize("song", SONGS, ids=SONG_IDS)
def test_melody_stays_in_key_and_range_and_lands_on_chord_tones(song):
    timeline = Timeline(song)
    notes = compose_melody(timeline, np.random.default_rng(song.seed))
    scale = scale_pitches(song.tonic, song.mode, song.melody_low, song.melody_high)
    assert len(notes) >= 8
    for note in notes:
        bar = int(note.start // timeline.bar_beats)
        chord = chord_pitch_classes(song.tonic, timeline.chord(bar))
        # in the key, or a chromatic chord tone replacing its clashing neighbour
        assert note.pitch in scale_for_chord(scale, chord)
        assert song.melody_low - 1 <= note.pitch <= song.melody_high + 1
        if note.start % timeline.bar_beats == 0:
            assert note.pitch % 12 in chord


def test_melody_scale_follows_a_chromatic_chord_tone():
    e_minor = scale_pitches(4, "minor", 60, 72)  # E minor has D natural
    b7 = chord_pitch_classes(4, (7, "dom7"))  # B D# F# A
    adjusted = scale_for_chord(e_minor, b7)
    assert 62 in e_minor and 62 not in adjusted and 63 in adjusted
    assert scale_for_chord(e_minor, chord_pitch_classes(4, (0, "min"))) == e_minor


def test_pitch_estimate_finds_the_fundamental_of_a_harmonic_tone():
    t = np.arange(RATE // 2) / RATE
    f0 = 196.0  # G3, MIDI 55
    tone = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 8))
    assert fundamental_midi(tone, RATE) == pytest.approx(55.0, abs=0.1)


def test_bad_listeners_file_is_reported_by_name_before_any_work(tmp_path):
    bad = tmp_path / "listeners.json"
    bad.write_text('{"L0001": {"name": "L0001", ', encoding="utf-8")
    with pytest.raises(InputError) as err:
        build_demo_dataset(tmp_path / "out", bad)
    assert str(bad) in str(err.value)
    assert not (tmp_path / "out").exists()

    incomplete = tmp_path / "few.json"
    incomplete.write_text(json.dumps({"L0045": _load(LISTENERS)["L0045"]}), "utf-8")
    with pytest.raises(InputError, match="L0026"):
        build_demo_dataset(tmp_path / "out", incomplete)


def test_command_line_reports_bad_input_and_fails(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("[1, 2", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "vdbo.demo.build", str(tmp_path / "out"), str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert str(bad) in result.stderr


def test_rebuilding_in_place_gives_bit_identical_files(demo_root):
    """Runs last: rebuilds over the session's dataset (also exercising replacement)."""
    before = _digest(demo_root)
    build_demo_dataset(demo_root, LISTENERS)
    assert _digest(demo_root) == before
    assert len(before) == 6 * 5 + 5
