"""Bring your own system: stems folders, Python callables and submissions (unit level).

Each bad input is refused with a message naming the file (or member, or callable) and
what is wrong; good inputs in every accepted format read back exactly.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile
from tinydata import synth_stems

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.evaluation.received import check_folder, expected_files, unpack_zip
from vdbo.separation.python_callable import accepts_device, run_callable
from vdbo.separation.run import separate_track
from vdbo.separation.stems_folder import read_track_stems, stem_files

RATE = 44100
TRACK = "Ada's Garden - Slow & Low"
N = RATE  # one second


@pytest.fixture
def stems_int16():
    return synth_stems(3, N / RATE)


def write_stems(folder: Path, stems, subtype="PCM_16", ext="wav", rate=RATE):
    (folder / TRACK).mkdir(parents=True, exist_ok=True)
    for stem, data in stems.items():
        soundfile.write(folder / TRACK / f"{stem}.{ext}", data, rate, subtype=subtype)


# --- kind: stems ---------------------------------------------------------------


def test_default_layout_is_the_demucs_command_line_one(tmp_path):
    files = stem_files({"path": str(tmp_path)}, TRACK)
    assert files == {s: tmp_path / TRACK / f"{s}.wav" for s in STEMS}


@pytest.mark.parametrize(
    ("subtype", "ext"),
    [
        ("PCM_16", "wav"),
        ("PCM_24", "wav"),
        ("FLOAT", "wav"),
        ("PCM_16", "flac"),
        ("PCM_24", "flac"),
    ],  # fmt: skip
)
def test_stems_read_back_exactly(tmp_path, stems_int16, subtype, ext):
    """16-bit stems read as the official recipes scale them (x / 32768), exactly;
    24-bit and float carry the same values exactly too."""
    scaled = {s: v / 32768.0 for s, v in stems_int16.items()}
    write_stems(tmp_path, scaled, subtype, ext)
    spec = {"path": str(tmp_path), "pattern": "{track}/{stem}." + ext}
    got = read_track_stems(spec, TRACK, N)
    assert list(got) == list(STEMS)
    for stem in STEMS:
        expected = (stems_int16[stem] / 32768.0).astype(np.float32).T
        assert got[stem].dtype == np.float32
        np.testing.assert_array_equal(got[stem], expected)


def test_a_pattern_reads_other_layouts(tmp_path, stems_int16):
    for stem, data in stems_int16.items():
        soundfile.write(tmp_path / f"{TRACK} - {stem}.flac", data, RATE)
    spec = {"path": str(tmp_path), "pattern": "{track} - {stem}.flac"}
    assert read_track_stems(spec, TRACK, N)["bass"].shape == (2, N)


def bad_stem_cases(tmp_path, stems):
    """(description, writer, expected message) for each refused stem file."""
    vocals = tmp_path / TRACK / "vocals.wav"

    def rewrite(data, rate=RATE, subtype="PCM_16"):
        return lambda: soundfile.write(vocals, data, rate, subtype=subtype)

    nan = (stems["vocals"] / 32768.0).astype(np.float32)
    nan[100, 0] = np.nan
    return [
        ("missing", lambda: vocals.unlink(), "stem file not found"),
        ("48 kHz", rewrite(stems["vocals"], 48000), "sample rate is 48000 Hz"),
        ("mono", rewrite(stems["vocals"][:, 0]), "is mono, expected 2 channels"),
        ("short", rewrite(stems["vocals"][:-10]), "has 44090 samples, the mixture"),
        ("8-bit", rewrite(stems["vocals"], subtype="PCM_U8"), "has PCM_U8 samples"),
        ("NaN", rewrite(nan, subtype="FLOAT"), "contains NaN or infinite samples"),
        ("not audio", lambda: vocals.write_text("hello"), "not a readable WAV"),
    ]


@pytest.mark.parametrize("case", range(7))
def test_bad_stem_files_are_refused(tmp_path, stems_int16, case):
    write_stems(tmp_path, stems_int16)
    what, spoil, message = bad_stem_cases(tmp_path, stems_int16)[case]
    spoil()
    with pytest.raises(InputError, match=message) as err:
        read_track_stems({"path": str(tmp_path)}, TRACK, N)
    assert str(tmp_path / TRACK / "vocals.wav") in str(err.value)


def test_fit_length_pads_and_trims_only_when_asked(tmp_path, stems_int16):
    short = {s: v[:-10] for s, v in stems_int16.items()}
    short["drums"] = np.concatenate([stems_int16["drums"], stems_int16["drums"][:5]])
    write_stems(tmp_path, short)
    got = read_track_stems({"path": str(tmp_path), "fit_length": True}, TRACK, N)
    assert all(v.shape == (2, N) for v in got.values())
    assert not got["vocals"][:, -10:].any()
    np.testing.assert_array_equal(got["drums"] * 32768, stems_int16["drums"].T)


def test_a_pattern_may_not_leave_the_folder(tmp_path):
    with pytest.raises(InputError, match="leaves the folder"):
        stem_files({"path": str(tmp_path), "pattern": "../{track}/{stem}.wav"}, TRACK)
    with pytest.raises(InputError, match="lacks"):
        stem_files({"path": str(tmp_path), "pattern": "{track}.wav"}, TRACK)


# --- kind: python --------------------------------------------------------------

MODULE = """
import numpy as np
import torch

calls = []

def halves(mixture, sample_rate, *, device="cpu", gain=1.0):
    calls.append((mixture.shape, mixture.dtype, sample_rate, device, gain))
    return {s: torch.from_numpy(mixture * gain / 4) for s in
            ("vocals", "drums", "bass", "other")}

def no_device(mixture, sample_rate):
    return {s: mixture / 4 for s in ("vocals", "drums", "bass", "other")}

def three(mixture, sample_rate):
    return {s: mixture for s in ("vocals", "drums", "bass")}

def short(mixture, sample_rate):
    return {s: mixture[:, :-1] for s in ("vocals", "drums", "bass", "other")}

def mono(mixture, sample_rate):
    return {s: mixture[0] for s in ("vocals", "drums", "bass", "other")}

def nan(mixture, sample_rate):
    out = {s: mixture.copy() for s in ("vocals", "drums", "bass", "other")}
    out["bass"][0, 5] = float("nan")
    return out

def a_list(mixture, sample_rate):
    return [mixture] * 4

NOT_CALLABLE = 3
"""


@pytest.fixture
def user_module(tmp_path):
    folder = tmp_path / "mine"
    (folder / "my_seps").mkdir(parents=True)
    (folder / "my_seps" / "__init__.py").write_text("")
    (folder / "my_seps" / "simple.py").write_text(MODULE)
    yield folder
    for name in ("my_seps", "my_seps.simple"):
        sys.modules.pop(name, None)
    while str(folder.resolve()) in sys.path:
        sys.path.remove(str(folder.resolve()))


def spec_of(folder, function, **extra):
    return {
        "kind": "python",
        "callable": f"my_seps.simple:{function}",
        "python_path": str(folder),
        **extra,
    }


def test_the_callable_gets_the_mixture_device_and_options(user_module, tmp_path):
    mixture = (synth_stems(1, 0.5)["bass"] / 32768.0).astype(np.float32)
    spec = spec_of(user_module, "halves", options={"gain": 2.0})
    stems = run_callable(spec, mixture, RATE, device="cpu")
    import my_seps.simple

    call = ((2, mixture.shape[0]), np.float32, RATE, "cpu", 2.0)
    assert my_seps.simple.calls == [call]
    np.testing.assert_array_equal(stems["vocals"], mixture.T * 2.0 / 4)
    assert accepts_device(my_seps.simple.halves)
    assert not accepts_device(my_seps.simple.no_device)
    assert run_callable(spec_of(user_module, "no_device"), mixture, RATE)["other"].shape


def test_a_python_separator_runs_through_separate_track(user_module, tmp_path):
    track = tmp_path / "music" / TRACK
    track.mkdir(parents=True)
    stems = synth_stems(2, 0.5)
    from scipy.io import wavfile

    wavfile.write(track / "mixture.wav", RATE, sum(stems.values()).astype(np.int16))
    got = separate_track(spec_of(user_module, "no_device"), track)
    assert list(got) == list(STEMS) and got["drums"].shape == (2, RATE // 2)


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("three", "stems must be exactly vocals, drums, bass, other .missing other"),
        ("short", r"stem 'vocals' has shape \(2, 22049\), expected \(2, 22050\)"),
        ("mono", r"stem 'vocals' has shape \(22050,\)"),
        ("nan", "stem 'bass' contains NaN or infinite samples"),
        ("a_list", "returned list, expected a mapping"),
        ("NOT_CALLABLE", "is a int, not a function"),
        ("missing_function", "has no attribute 'missing_function'"),
    ],
)
def test_bad_callables_are_refused(user_module, function, message):
    mixture = np.zeros((RATE // 2, 2), np.float32)
    with pytest.raises(InputError, match=message) as err:
        run_callable(spec_of(user_module, function), mixture, RATE)
    assert "my_seps" in str(err.value)


def test_a_missing_module_or_malformed_callable_is_refused():
    with pytest.raises(InputError, match="module 'no_such_pkg' not found"):
        run_callable({"callable": "no_such_pkg.mod:f"}, np.zeros((4, 2)), RATE)
    with pytest.raises(InputError, match="not of the form package.module:function"):
        run_callable({"callable": "just_a_name"}, np.zeros((4, 2)), RATE)


# --- submissions -----------------------------------------------------------------

LISTENER = "L0066"
SONGS = [TRACK, "Bo Diddly - Two"]


def write_pair(root: Path, listener: str, song: str, seconds: float = 0.2) -> None:
    """One pair's files as the official save_flac_signal writes them."""
    rng = np.random.default_rng(0)
    for name, role in expected_files(listener, song).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if role == "scale":
            path.write_text("1.2345")
            continue
        rate, channels = (24000, 1) if role == "stem" else (32000, 2)
        data = rng.uniform(-0.5, 0.5, (int(seconds * rate), channels))
        soundfile.write(path, data, rate, subtype="PCM_16", format="FLAC")


def make_zip(tmp_path: Path, extra=None, drop=None, base="evaluation") -> Path:
    folder = tmp_path / "enhanced_signals" / base
    for song in SONGS:
        write_pair(folder, LISTENER, song)
    zip_path = tmp_path / "submission_E001.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder.parent).as_posix()
            if name == drop:
                continue
            archive.write(path, name)
        for name, data in (extra or {}).items():
            if isinstance(data, zipfile.ZipInfo):
                archive.writestr(data, b"x")
            else:
                archive.writestr(name, data)
    return zip_path


def unpack(zip_path, out, **limits):
    return unpack_zip(
        zip_path, out, SONGS, [LISTENER, "L0001"], [(LISTENER, s) for s in SONGS],
        **limits,
    )  # fmt: skip


def test_a_good_zip_unpacks_with_every_file_checked(tmp_path):
    out = tmp_path / "out" / "enhanced"
    roles = unpack(make_zip(tmp_path), out)
    assert len(roles) == 2 * 17
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*")) == sorted(
        roles
    )
    assert os.listdir(out.parent) == ["enhanced"]


def symlink_member():
    info = zipfile.ZipInfo("evaluation/L0066/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def flac_bytes(rate=24000, channels=1, subtype="PCM_16"):
    import io

    buffer = io.BytesIO()
    data = np.zeros((2400, channels))
    soundfile.write(buffer, data, rate, subtype=subtype, format="FLAC")
    return buffer.getvalue()


STEM = f"evaluation/{LISTENER}/{TRACK}/{LISTENER}_{TRACK}_left_vocals.flac"
ZIP_CASES = {
    "parent path": ({"evaluation/../../evil.txt": "x"}, None, {}, "parent-relative"),
    "absolute path": ({"/etc/evil": "x"}, None, {}, "absolute or parent-relative"),
    "symlink": ({"link": symlink_member()}, None, {}, "is a symbolic link"),
    "too many members": ({}, None, {"max_members": 10}, "more than max_members 10"),
    "too large": ({}, None, {"max_bytes": 1000}, "more than max_bytes 1000"),
    "outside base_dir": ({"other/x.flac": "x"}, None, {}, "lies outside evaluation/"),
    "extra file": (
        {f"evaluation/{LISTENER}/{TRACK}/notes.txt": "x"},
        None,
        {},
        "unexpected file",
    ),  # fmt: skip
    "missing stem": ({}, STEM.replace("left_vocals", "right_bass"), {}, "missing"),
    "unknown listener": (
        {f"evaluation/L9999/{TRACK}/L9999_{TRACK}_left_vocals.flac": "x"},
        None,
        {},
        "listener 'L9999' is not in the listener metadata",
    ),  # fmt: skip
    "unknown song": (
        {f"evaluation/{LISTENER}/Nope/{LISTENER}_Nope_left_vocals.flac": "x"},
        None,
        {},
        "song 'Nope' is not in the song list",
    ),  # fmt: skip
    "wrong sample rate": (
        {STEM: flac_bytes(rate=44100)},
        STEM,
        {},
        "sample rate is 44100 Hz, expected 24000",
    ),  # fmt: skip
    "stereo stem": (
        {STEM: flac_bytes(channels=2)},
        STEM,
        {},
        "has 2 channels",
    ),  # fmt: skip
    "24-bit stem": (
        {STEM: flac_bytes(subtype="PCM_24")},
        STEM,
        {},
        "bit depth is PCM_24, expected PCM_16",
    ),  # fmt: skip
    "not a FLAC": ({STEM: "garbage"}, STEM, {}, "not a readable FLAC"),
}


@pytest.mark.parametrize("case", list(ZIP_CASES))
def test_bad_zips_are_refused_and_leave_nothing(tmp_path, case):
    extra, drop, limits, message = ZIP_CASES[case]
    zip_path = make_zip(tmp_path, extra, drop)
    out = tmp_path / "out" / "enhanced"
    with pytest.raises(InputError, match=message) as err:
        unpack(zip_path, out, **limits)
    assert str(zip_path) in str(err.value)
    assert not out.exists()
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")


def test_a_lying_member_size_is_caught_while_extracting(tmp_path):
    """A member that inflates past its declared size (a zip bomb) stops extraction."""
    zip_path = make_zip(tmp_path)
    data = bytearray(zip_path.read_bytes())
    with zipfile.ZipFile(zip_path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(".txt"))
        central = archive.start_dir
    # Declare 1 byte in the member's central-directory entry; its data stays 6 bytes.
    header = data.find(info.filename.encode(), central) - 46
    data[header + 24 : header + 28] = (1).to_bytes(4, "little")
    zip_path.write_bytes(bytes(data))
    out = tmp_path / "out" / "enhanced"
    with pytest.raises(InputError, match=info.filename) as err:
        unpack(zip_path, out)
    assert not out.exists()
    print(err.value)


def test_a_folder_submission_is_checked_in_place(tmp_path):
    folder = tmp_path / "enhanced_signals"
    for song in SONGS:
        write_pair(folder, LISTENER, song)
    roles = check_folder(folder, SONGS, [LISTENER], [(LISTENER, s) for s in SONGS])
    assert len(roles) == 34
    (folder / LISTENER / TRACK / "stray.wav").write_text("x")
    with pytest.raises(InputError, match="stray.wav: unexpected file"):
        check_folder(folder, SONGS, [LISTENER], [(LISTENER, SONGS[0])])
    json.dumps(roles)


def test_stems_not_cropped_to_the_segment_are_refused(tmp_path):
    """A submission marked cropped whose stems hold another length is named."""
    from vdbo.evaluation.pairs import score_pair_checked

    write_pair(tmp_path / "enhanced", LISTENER, TRACK, seconds=0.2)
    with pytest.raises(InputError, match=r"holds 0.200 s, the objective-evaluation"):
        score_pair_checked(
            TRACK, LISTENER, {}, "test", tmp_path / "music", tmp_path / "enhanced",
            (0.5, 1.5), enhanced_cropped=True,
        )  # fmt: skip
