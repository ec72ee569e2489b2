"""Bad inputs get a clear error naming the file and the fix, never a wrong output."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.io import wavfile
from tinydata import CLARITY_LISTENERS, make_dataset, write_segments
from workflow_runner import snakemake, write_config

from vdbo.core import metadata
from vdbo.core.audio_io import read_wav_float
from vdbo.core.errors import InputError
from vdbo.separation.run import separate_track

SONG = "Nora & The Owls - Don't Wait"


@pytest.fixture
def track(tmp_path):
    make_dataset(tmp_path / "data", {SONG: "test"}, ["L0045"], seconds=1.0)
    return tmp_path / "data/audio/musdb18hq/test" / SONG


def test_missing_stem_names_the_file(track):
    (track / "bass.wav").unlink()
    with pytest.raises(InputError, match=r"bass\.wav: file not found") as err:
        separate_track({"kind": "oracle"}, track)
    assert "data.root" in str(err.value)


def test_48k_mixture_is_refused(track):
    wavfile.write(track / "mixture.wav", 48000, np.zeros((4800, 2), np.int16))
    with pytest.raises(InputError, match=r"mixture\.wav: sample rate is 48000 Hz"):
        separate_track({"kind": "mixture"}, track)


def test_mono_mixture_is_refused(track):
    wavfile.write(track / "mixture.wav", 44100, np.zeros(4410, np.int16))
    with pytest.raises(InputError, match=r"mixture\.wav: is mono"):
        read_wav_float(track / "mixture.wav")


def test_nan_samples_are_refused(track):
    samples = np.zeros((4410, 2), np.float32)
    samples[100, 1] = np.nan
    wavfile.write(track / "vocals.wav", 44100, samples)
    with pytest.raises(InputError, match=r"vocals\.wav: contains NaN"):
        separate_track({"kind": "oracle"}, track)


def test_float_wav_is_refused_not_misscaled(track):
    wavfile.write(track / "mixture.wav", 44100, np.zeros((4410, 2), np.float32))
    with pytest.raises(InputError, match="expected 16-bit PCM"):
        read_wav_float(track / "mixture.wav")


def test_malformed_listener_json(tmp_path):
    path = tmp_path / "listeners.valid.json"
    path.write_text('{"L0001": {"name": "L0001", "audiogram_cfs": [250, 500],')
    with pytest.raises(InputError, match=r"listeners\.valid\.json: malformed JSON"):
        metadata.load_listeners(path)


def test_listener_with_mismatched_audiogram(tmp_path):
    path = tmp_path / "listeners.json"
    entry = {"audiogram_cfs": [250, 500], "audiogram_levels_l": [10],
             "audiogram_levels_r": [10, 20]}  # fmt: skip
    path.write_text(json.dumps({"L9": entry}))
    with pytest.raises(InputError, match="L9.*lists of different lengths"):
        metadata.load_listeners(path)


def test_unknown_listener_is_named(tmp_path):
    listed = {"L0001": {}, "L0002": {}}
    with pytest.raises(InputError, match=r"listeners 'L0999' not listed"):
        metadata.select(listed, ["L0001", "L0999"], "listeners", tmp_path / "l.json")


@pytest.mark.slow
def test_workflow_reports_absent_song_and_unknown_listener(tmp_path, track):
    root = tmp_path / "data"
    songs = json.loads((root / "metadata/musdb18.valid.json").read_text())
    songs.append({"Track Name": "Ghost Band - Missing Song", "Split": "test"})
    (root / "metadata/musdb18.valid.json").write_text(json.dumps(songs))
    config = {"data": {"root": str(root)}, "scoring": {"segment": None}}
    cfg = write_config(tmp_path / "config.yaml", config)
    run = snakemake(tmp_path / "run", cfg, check=False)
    assert run.returncode != 0
    missing = root / "audio/musdb18hq/test/Ghost Band - Missing Song/mixture.wav"
    assert str(missing) in run.stderr + run.stdout
    assert not (tmp_path / "run/results/summary.csv").exists()

    config["data"]["select_listeners"] = ["L0999"]
    cfg = write_config(tmp_path / "config2.yaml", config)
    run = snakemake(tmp_path / "run", cfg, "-n", check=False)
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert "L0999" in output and "listeners.valid.json" in output


# --- the real-data path: song lists, listener files, segments files ----------------

OFFICIAL_LISTENER = json.loads(CLARITY_LISTENERS.read_text())["L0045"]


def write_json(path, data):
    path.write_text(json.dumps(data, indent=1))
    return path


@pytest.mark.parametrize("split", ["valid", "Test", None])
def test_split_neither_train_nor_test(tmp_path, split):
    entry = {"Track Name": SONG, "Split": split}
    if split is None:
        del entry["Split"]
    path = write_json(tmp_path / "musdb18.valid.json", [entry])
    with pytest.raises(InputError) as err:
        metadata.load_songs(path)
    message = str(err.value)
    assert str(path) in message and repr(SONG) in message
    assert "entry 0" in message and "'train' or 'test'" in message
    assert (
        f"field Split: {split!r} is not one of" in message
        if split
        else "lacks 'Split'" in message
    )


def test_official_song_list_is_read(tmp_path):
    pairs = [("A", "train"), ("B", "test")]
    entries = [{"Track Name": n, "Split": s} for n, s in pairs]
    path = write_json(tmp_path / "musdb18.test.json", entries)
    assert metadata.load_songs(path) == {"A": "train", "B": "test"}


def test_official_listener_layouts_are_read(tmp_path):
    """With and without ``name`` (then the id), as in every Cadenza listener file."""
    unnamed = {k: v for k, v in OFFICIAL_LISTENER.items() if k != "name"}
    path = write_json(
        tmp_path / "listeners.test.json", {"L0045": OFFICIAL_LISTENER, "L5001": unnamed}
    )
    listeners = metadata.load_listeners(path)
    assert listeners["L0045"] == OFFICIAL_LISTENER
    assert listeners["L5001"]["name"] == "L5001"


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        # another layout: one key per ear under other names
        ({"name": "L5001", "audiogram_cfs": [250, 500],
          "audiogram_levels_left": [10, 20], "audiogram_levels_right": [10, 20]},
         ["unknown key 'audiogram_levels_left'", "lacks 'audiogram_levels_l'"]),
        # the official keys plus an unexpected one
        ({**OFFICIAL_LISTENER, "name": "L5001", "hearing_aid": "BTE"},
         ["unknown key 'hearing_aid'"]),
        # nested audiogram objects
        ({"name": "L5001", "audiogram": {"cfs": [250], "levels_l": [10]}},
         ["unknown key 'audiogram'", "lacks 'audiogram_cfs'"]),
    ],
)  # fmt: skip
def test_unknown_listener_layout_names_the_key(tmp_path, entry, named):
    path = write_json(tmp_path / "listeners.test.json", {"L5001": entry})
    with pytest.raises(InputError) as err:
        metadata.load_listeners(path)
    message = str(err.value)
    assert str(path) in message and "'L5001'" in message
    for text in named:
        assert text in message
    assert "audiogram_levels_l and audiogram_levels_r" in message  # the fix


def test_listener_name_must_equal_its_id(tmp_path):
    path = write_json(tmp_path / "listeners.test.json", {"L5001": OFFICIAL_LISTENER})
    with pytest.raises(InputError, match="listener 'L5001', field name: is 'L0045'"):
        metadata.load_listeners(path)


def test_official_segments_are_read(tmp_path):
    path = write_segments(tmp_path, {"A": (30.0, 60.0)}, {"A": (45, 60)})
    assert metadata.load_segments(path, ["A"], {"A": 200.0}) == {"A": (30.0, 60.0)}
    subjective = metadata.load_segments(path, kind="subjective_evaluation")
    assert subjective == {"A": (45.0, 60.0)}


def test_segments_file_lacking_a_song(tmp_path):
    path = write_segments(tmp_path, {"A": (30.0, 60.0)})
    with pytest.raises(InputError) as err:
        metadata.load_segments(path, songs=["A", SONG])
    assert str(path) in str(err.value) and f"no segment for song {SONG!r}" in str(
        err.value
    )


@pytest.mark.parametrize(
    ("segment", "problem"),
    [
        ((30.0, 200.0), "segment ends at 200 s, after the song's end (180 s)"),
        ((60.0, 60.0), "segment is start=60.0, end=60.0"),
        ((70.0, 60.0), "segment is start=70.0, end=60.0"),
        ((-1.0, 20.0), "field objective_evaluation.start: -1.0 is below 0"),
        (("30", 60.0), "field objective_evaluation.start: '30' is not of type number"),
        ((float("nan"), 60.0), "objective_evaluation.start: nan is not a finite"),
        ((0.0, float("inf")), "objective_evaluation.end: inf is not a finite"),
    ],
)
def test_segment_outside_the_song(tmp_path, segment, problem):
    path = write_segments(tmp_path, {SONG: segment})
    with pytest.raises(InputError) as err:
        metadata.load_segments(path, [SONG], {SONG: 180.0})
    message = str(err.value)
    assert str(path) in message and repr(SONG) in message and problem in message


def test_segment_of_unknown_kind_names_the_song(tmp_path):
    entry = {"objective": {"start": 1, "end": 2}}
    path = write_json(tmp_path / "s.json", {SONG: entry})
    with pytest.raises(InputError) as err:
        metadata.load_segments(path, [SONG])
    assert f"song {SONG!r}: has no objective_evaluation start and end" in str(err.value)
    assert "found ['objective']" in str(err.value)


def _dry_run(tmp_path, config):
    cfg = write_config(tmp_path / "config.yaml", config)
    run = snakemake(tmp_path / "run", cfg, "-n", check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "MissingInputException" not in output
    assert not (tmp_path / "run/results").exists()
    return output


@pytest.mark.slow
@pytest.mark.parametrize("case", ["split", "listeners", "segments_song", "segment_end"])
def test_workflow_refuses_bad_real_data_before_planning(tmp_path, track, case):
    """Each bad input stops ``snakemake -n`` with the message, before any job."""
    root = tmp_path / "data"
    meta = root / "metadata"
    config = {"data": {"root": str(root)}, "separators": {"oracle": {"kind": "oracle"}}}
    if case == "split":
        entries = [{"Track Name": SONG, "Split": "valid"}]
        write_json(meta / "musdb18.valid.json", entries)
        expected = [str(meta / "musdb18.valid.json"), repr(SONG), "Split: 'valid'"]
    elif case == "listeners":
        entry = {"name": "L5001", "audiogram_cfs": [250], "levels_l": [10],
                 "levels_r": [10]}  # fmt: skip
        write_json(meta / "listeners.test.json", {"L5001": entry})
        config["data"]["listeners"] = "metadata/listeners.test.json"
        expected = [str(meta / "listeners.test.json"), "unknown key 'levels_l'"]
    else:
        segments = {"Other Song": (0.0, 0.5)}
        if case == "segment_end":
            segments[SONG] = (0.0, 1.5)  # the song lasts 1 s
        write_segments(root, segments)
        config["scoring"] = {"segments_file": "metadata/musdb18.segments.test.json"}
        problem = (
            f"no segment for song {SONG!r}"
            if case == "segments_song"
            else f"song {SONG!r}, field objective_evaluation.end: segment ends at "
            "1.5 s, after the song's end (1 s)"
        )
        expected = [str(meta / "musdb18.segments.test.json"), problem]
    output = _dry_run(tmp_path, config)
    for text in expected:
        assert text in output, output[-3000:]
    print(output[output.find("InputError") :][:600])


# --- names safe as one folder name; audiogram values finite and plausible ---------


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("..", "names a folder itself"),
        (".", "names a folder itself"),
        ("AC/DC - Back", "contains the path separator '/'"),
        ("AC\\DC - Back", "contains the path separator '\\\\'"),
        ("Song: Live", "contains ':', which Windows does not allow"),
        ("Tab\tSong", "contains the control character '\\t'"),
        (" Song", "has a leading or trailing space"),
        ("Song.", "ends with a dot"),
        ("con", "is the Windows device name 'CON'"),
        ("", "is empty"),
    ],
)
def test_unsafe_track_names_are_refused(tmp_path, name, problem):
    path = write_json(tmp_path / "musdb18.valid.json",
                      [{"Track Name": name, "Split": "test"}])  # fmt: skip
    with pytest.raises(InputError) as err:
        metadata.load_songs(path)
    message = str(err.value)
    assert str(path) in message and "entry 0" in message and "Track Name" in message
    assert (
        problem in message
        and "one folder name on Linux, macOS and Windows" in (message)
        or (name == "" and "is empty" in message)
    )


def test_track_names_equal_but_for_case_are_refused(tmp_path):
    entries = [{"Track Name": n, "Split": "test"} for n in ("Song A", "song a")]
    path = write_json(tmp_path / "musdb18.valid.json", entries)
    with pytest.raises(InputError, match="entry 1 .*differ only in case"):
        metadata.load_songs(path)


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("audiogram_levels_l", float("nan"), "levels_l[2]: nan is not a finite"),
        ("audiogram_levels_r", float("inf"), "audiogram_levels_r[2]: inf"),
        ("audiogram_levels_l", 180, "audiogram_levels_l[2]: 180 is above 120"),
        ("audiogram_levels_r", -40, "audiogram_levels_r[2]: -40 is below -20"),
        ("audiogram_cfs", 250, "audiogram_cfs: [250, 500, 250"),
        ("audiogram_cfs", -1000, "audiogram_cfs[2]: -1000 is not above 0"),
        ("audiogram_levels_l", True, "levels_l[2]: True is not of type number"),
    ],
)  # fmt: skip
def test_implausible_audiograms_are_refused(tmp_path, field, value, problem):
    entry = json.loads(json.dumps(OFFICIAL_LISTENER))
    entry[field][2] = value
    path = write_json(tmp_path / "listeners.test.json", {"L0045": entry})
    with pytest.raises(InputError) as err:
        metadata.load_listeners(path)
    message = str(err.value)
    assert str(path) in message and "listener 'L0045'" in message
    assert problem in message, message


def test_every_reader_of_an_audiogram_checks_it():
    """Amplification, remixes and figures read ears through the one reader."""
    bad = {**OFFICIAL_LISTENER, "audiogram_levels_l": [float("nan")] * 8}
    with pytest.raises(InputError, match="nan is not a finite number"):
        metadata.official_audiogram(bad)
    with pytest.raises(InputError, match="nan is not a finite number"):
        metadata.ear_audiogram(bad, "left")
    levels_l, levels_r, cfs = metadata.official_audiogram(OFFICIAL_LISTENER)
    assert levels_l.tolist() == OFFICIAL_LISTENER["audiogram_levels_l"]
    assert cfs.dtype == np.array(OFFICIAL_LISTENER["audiogram_cfs"]).dtype
