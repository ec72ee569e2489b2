"""Fuzzed inputs (hypothesis): metadata files, configs and submission zips.

The property of every entry point: a valid result, or an InputError that names what
is wrong; never another exception, never a file written outside the output folder.
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import tempfile
import warnings
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from snakemake.utils import validate
from test_bring_your_own import LISTENER, SONGS, write_pair

from vdbo.config_check import config_problems
from vdbo.core import metadata, names
from vdbo.core.errors import InputError
from vdbo.core.schema import SCHEMA_PATH, read_cli_values
from vdbo.evaluation.received import unpack_zip

FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,  # nothing kept between runs: each run draws new examples
    suppress_health_check=[HealthCheck.too_slow],
)
NAMES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["..", ".", "a/b", "a\\b", " x", "x ", "CON", "nul.txt", "A", "a",
                     "Song: 1", "L0001", "x\x00y", "e\u0301", "\u00e9", "x."]),
)  # fmt: skip
NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6), st.floats(allow_nan=True, allow_infinity=True)
)
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | NAMES,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(NAMES, inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


def _write(folder: Path, data) -> Path:
    path = folder / "meta.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # NaN and Infinity as json does
    return path


def _load(loader, data, *args):
    """The loader's result, or None after an InputError naming the file."""
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), data)
        try:
            result = loader(path, *args)
        except InputError as err:
            assert str(path) in str(err) and err.fix, err
            event("InputError")
            return None
        event("valid result")
        return result


SONG_ENTRY = st.fixed_dictionaries(
    {"Track Name": NAMES, "Split": st.sampled_from(["train", "test", "valid", None])}
)
SAFE_NAMES = st.from_regex(
    r"[A-Za-z0-9][A-Za-z0-9 &'(),!-]{0,20}[A-Za-z0-9)]", fullmatch=True
)
GOOD_SONGS = st.lists(
    st.fixed_dictionaries(
        {"Track Name": SAFE_NAMES, "Split": st.sampled_from(["train", "test"])}
    ),
    min_size=1, max_size=5, unique_by=lambda e: e["Track Name"].casefold(),
)  # fmt: skip
SONG_LISTS = st.one_of(GOOD_SONGS, JSON, st.lists(SONG_ENTRY | JSON, max_size=5))


@FUZZ
@given(SONG_LISTS)
def test_song_lists(data):
    songs = _load(metadata.load_songs, data)
    if songs is not None:
        assert songs and all(names.name_problem(s) is None for s in songs)
        assert set(songs.values()) <= {"train", "test"}
        assert not names.clashes(songs) and len(songs) == len(data)


LEVELS = st.lists(NUMBERS | st.integers(-20, 120), min_size=1, max_size=4)
LISTENER_ENTRY = st.fixed_dictionaries(
    {"audiogram_cfs": st.lists(NUMBERS | st.sampled_from([250, 500, 1000]),
                               min_size=1, max_size=4),
     "audiogram_levels_l": LEVELS, "audiogram_levels_r": LEVELS},
    optional={"name": NAMES, "extra": JSON},
)  # fmt: skip


@st.composite
def good_listener(draw):
    """A listener in the Cadenza layout with plausible values."""
    cfs = sorted(draw(st.sets(st.integers(1, 20000), min_size=2, max_size=8)))
    levels = st.lists(
        st.integers(-20, 120) | st.floats(-20, 120),
        min_size=len(cfs),
        max_size=len(cfs),
    )
    return {
        "audiogram_cfs": cfs,
        "audiogram_levels_l": draw(levels),
        "audiogram_levels_r": draw(levels),
    }


LISTENER_FILES = st.one_of(
    st.dictionaries(
        st.from_regex(r"L[0-9]{4}", fullmatch=True), good_listener(), min_size=1,
        max_size=3,
    ),
    JSON,
    st.dictionaries(NAMES, LISTENER_ENTRY | good_listener() | JSON, max_size=3),
)  # fmt: skip


@FUZZ
@given(LISTENER_FILES)
def test_listener_files(data):
    listeners = _load(metadata.load_listeners, data)
    if listeners is None:
        return
    for lid, info in listeners.items():
        assert names.name_problem(lid) is None and info["name"] == lid
        cfs = info["audiogram_cfs"]
        assert all(b > a > 0 for a, b in zip(cfs, cfs[1:], strict=False))
        for side in ("left", "right"):
            freqs, levels = metadata.ear_audiogram(info, side)
            assert len(freqs) == len(levels) >= 2
            assert all(math.isfinite(v) and -20 <= v <= 120 for v in levels)


SEGMENT = st.fixed_dictionaries({"start": NUMBERS | NAMES, "end": NUMBERS})
GOOD_SEGMENT = st.floats(0, 100).flatmap(
    lambda a: st.fixed_dictionaries(
        {"start": st.just(a), "end": st.floats(a + 0.01, 150)}
    )
)
SEGMENT_FILES = st.one_of(
    st.dictionaries(SAFE_NAMES, GOOD_SEGMENT | st.fixed_dictionaries(
        {"objective_evaluation": GOOD_SEGMENT, "subjective_evaluation": GOOD_SEGMENT}
    ), min_size=1, max_size=3),
    JSON,
    st.dictionaries(
        NAMES,
        SEGMENT | st.fixed_dictionaries({"objective_evaluation": SEGMENT}) | JSON,
        max_size=3,
    ),
)  # fmt: skip


@FUZZ
@given(SEGMENT_FILES, st.floats(1, 500) | st.just(200.0))
def test_segment_files(data, seconds):
    durations = dict.fromkeys(data, seconds) if isinstance(data, dict) else None
    segments = _load(metadata.load_segments, data, None, durations)
    for start, end in (segments or {}).values():
        assert math.isfinite(start) and math.isfinite(end) and 0 <= start < end
        assert end <= seconds


# --- configs --------------------------------------------------------------------

SCHEMA = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
CLI_TEXT = st.one_of(
    st.sampled_from(["200", "-3", "0.5", "1e3", "nan", "true", "False", "yes", "null",
                     "~", "", "[1, 2]", "x"]),
    st.text(max_size=6),
)  # fmt: skip
SECTIONS = {
    key: sorted(spec.get("properties", {}))
    for key, spec in SCHEMA["properties"].items()
}


@st.composite
def cli_configs(draw):
    """A --config as snakemake hands it over: nested values all strings."""
    config = {}
    for section in draw(st.lists(st.sampled_from(sorted(SECTIONS)), max_size=3)):
        keys = SECTIONS[section] or ["x"]
        config[section] = {
            k: draw(CLI_TEXT | st.dictionaries(st.sampled_from(["nfir", "start",
                                               "end", "threshold", "x"]), CLI_TEXT,
                                               max_size=2))
            for k in draw(st.lists(st.sampled_from(keys), max_size=3))
        }  # fmt: skip
    return config


@settings(max_examples=200, deadline=None, database=None)
@given(cli_configs())
def test_cli_configs(given_config):
    config = read_cli_values(copy.deepcopy(given_config), given_config)
    problems = config_problems(config, SCHEMA_PATH)
    assert all(isinstance(p, str) and p.startswith("config") for p in problems)
    event("problems listed" if problems else "valid config")
    if not problems:
        validate(config, str(SCHEMA_PATH))  # a valid result: the schema agrees


# --- submission zips ------------------------------------------------------------


@pytest.fixture(scope="module")
def pair_files(tmp_path_factory):
    """One good pair's members {name: bytes}, as test.py packs them."""
    root = tmp_path_factory.mktemp("pair")
    write_pair(root / "evaluation", LISTENER, SONGS[0])
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


MEMBER_NAMES = st.one_of(
    NAMES,
    st.sampled_from(["../escape.flac", "/abs.flac", "evaluation/../../x.flac",
                     "evaluation/L0066/../../../y.txt", "evaluation\\..\\z.txt",
                     "evaluation/", "evaluation/L0066/"]),
)  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.just([(i, False) for i in range(17)])
    | st.lists(st.tuples(st.sampled_from(range(18)), st.booleans()), max_size=18),
    st.just([]) | st.lists(st.tuples(MEMBER_NAMES, st.binary(max_size=64)), max_size=3),
    st.just(100) | st.integers(0, 100),
)
def test_submission_zips(pair_files, kept, extra, cut):
    """Members dropped, corrupted or added (path traversal among them), the zip cut
    short: an InputError or the checked files, all inside the output folder."""
    good = list(pair_files.items())
    members = [
        (good[i][0], good[i][1][: len(good[i][1]) // 2] if damage else good[i][1])
        for i, damage in kept
        if i < len(good)
    ] + extra
    with tempfile.TemporaryDirectory() as top:
        box = Path(top) / "a" / "b"
        box.mkdir(parents=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate names are part of the fuzz
            for name, data in members:
                if name:  # zipfile itself cannot write an empty name
                    archive.writestr(name, data)
        data = buffer.getvalue()
        zip_path = box / "submission_E001.zip"
        zip_path.write_bytes(data[: len(data) * cut // 100] if cut < 100 else data)
        out = box / "results" / "enhanced"
        try:
            roles = unpack_zip(
                zip_path, out, SONGS[:1], [LISTENER], [(LISTENER, SONGS[0])]
            )
        except InputError as err:
            assert str(zip_path) in str(err) or "submission" in str(err), err
            assert not out.exists()
            event("InputError")
        else:
            event("unpacked")
            assert sorted(roles) == sorted(n.split("/", 1)[1] for n in pair_files)
        written = [
            p for p in Path(top).rglob("*")
            if p.is_file() and p != zip_path and out not in p.parents
        ]  # fmt: skip
        assert written == [], written
        assert not [p for p in os.listdir(out.parent if out.parent.exists() else box)
                    if p.startswith(".")]  # fmt: skip
