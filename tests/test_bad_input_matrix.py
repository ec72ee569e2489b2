# ruff: noqa: E501  (the matrix is a table: one mutation per line)
"""The bad-input matrix: every mutation of a valid stand-in, and its one outcome.

Each row of :data:`MATRIX` mutates one thing of a valid CAD1 stand-in (a song list,
a listener file, a segments file, a name, a track's audio) and has one of two
outcomes:

* ``refused``: the workflow stops at planning (``snakemake -n``) with a message naming
  the file, the entry, the field and the fix. The rows call :func:`plan`, the
  functions the workflow calls while it is parsed, in its order
  (``workflow/rules/common/workflow.smk``, ``preflight.smk``); a few real
  ``snakemake -n`` runs (:func:`test_dry_runs_refuse_before_planning`) prove that
  the workflow calls them.
* ``runs``: the workflow runs to the end with the official code's scores
  (:func:`test_accepted_inputs_run_to_the_end_with_official_scores`, one real run on
  1 s songs, compared with pyclarity 0.3.4's ``_evaluate_song_listener``), or the
  documented skip.

Where a field has a space of values, hypothesis draws from it and the outcome is
compared with the rule (and, for audiograms, with what the official code does).
``docs/bad-input-matrix.md`` lists every row.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import tempfile
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.io import wavfile
from tinydata import CLARITY_LISTENERS, REPO, make_dataset
from workflow_runner import snakemake, write_config

from vdbo import HAAQI_AUDIOGRAM_FREQUENCIES, STEMS, TRACK_FILES, preflight
from vdbo.core import metadata, names, resources
from vdbo.core.atomic import temporary_name
from vdbo.core.errors import InputError
from vdbo.core.layout import longest_name_bytes

RATE = 44100
SONG = "Nora & The Owls - Don't Wait"
LISTENER = "L0045"
SEGMENT = (0.2, 0.8)
SECONDS = 1.0
OFFICIAL = json.loads(CLARITY_LISTENERS.read_text())[LISTENER]
SONGS_FILE = "metadata/musdb18.test.json"
LISTENERS_FILE = "metadata/listeners.test.json"
SEGMENTS_FILE = "metadata/musdb18.segments.test.json"
DOC = REPO / "docs/bad-input-matrix.md"


# --- the stand-in and the planning checks -----------------------------------------


@pytest.fixture(scope="module")
def standin(tmp_path_factory) -> Path:
    """One valid song and listener in the CAD1 test-set layout (1 s of audio)."""
    root = tmp_path_factory.mktemp("standin") / "data"
    make_dataset(
        root, {SONG: "test"}, [LISTENER], SECONDS, test_segments={SONG: SEGMENT}
    )
    return root


@pytest.fixture
def data(standin, tmp_path) -> Path:
    """A fresh copy of the stand-in to mutate."""
    return Path(shutil.copytree(standin, tmp_path / "data"))


def plan(root: Path) -> None:
    """What the workflow checks while it is parsed, in its order, by the same
    functions (evaluation mode: the CAD1 test set): the song list, the listener file,
    the pair names, then the preflight (segments, then each track's audio)."""
    songs = metadata.load_songs(root / SONGS_FILE)
    listeners = metadata.load_listeners(root / LISTENERS_FILE)
    metadata.check_pair_names(
        songs, listeners, root / SONGS_FILE, root / LISTENERS_FILE
    )
    report = preflight.Report()
    folders = {s: root / "audio/musdb18hq" / split / s for s, split in songs.items()}
    durations = {
        s: resources.audio_seconds(f / "mixture.wav")
        for s, f in folders.items()
        if (f / "mixture.wav").is_file()
    }
    try:
        segments = metadata.load_test_segments(root / SEGMENTS_FILE, songs, durations)
    except InputError as err:
        report.errors.append(err)
        segments = None
    for song, folder in folders.items():
        segment = segments[song]["objective_evaluation"] if segments else None
        files = {name: folder / f"{name}.wav" for name in TRACK_FILES}
        preflight.track_problems(
            files, STEMS, segment, "error", song, int, report, segments is None
        )
    report.raise_errors()


# --- mutations --------------------------------------------------------------------


def edit_json(relative: str, change: Callable[[object], object]):
    """A mutation of one metadata file's parsed content."""

    def mutate(root: Path) -> None:
        path = root / relative
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(change(data), ensure_ascii=False), encoding="utf-8")

    return mutate


def edit_text(relative: str, change: Callable[[str], str]):
    """A mutation of one metadata file's text (what JSON values cannot express)."""

    def mutate(root: Path) -> None:
        path = root / relative
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return mutate


def song_entry(**fields):
    """The song list's one entry with ``fields`` set (None: removed)."""

    def change(data):
        entry = {**data[0], **fields}
        return [{k: v for k, v in entry.items() if v is not None}]

    return edit_json(SONGS_FILE, change)


def listener_entry(**fields):
    """The listener's entry with ``fields`` set (None: removed)."""

    def change(data):
        entry = {**data[LISTENER], **fields}
        return {LISTENER: {k: v for k, v in entry.items() if v is not None}}

    return edit_json(LISTENERS_FILE, change)


def cfs_and_levels(cfs: list[float]):
    """The audiogram at ``cfs`` (levels interpolated from the official ones)."""
    given = OFFICIAL["audiogram_cfs"]
    levels = {
        k: [float(np.interp(f, given, OFFICIAL[k])) for f in cfs]
        for k in ("audiogram_levels_l", "audiogram_levels_r")
    }
    return listener_entry(audiogram_cfs=cfs, **levels)


def objective(**fields):
    """The song's objective_evaluation segment with ``fields`` set (None: removed)."""

    def change(data):
        segment = {**data[SONG]["objective_evaluation"], **fields}
        segment = {k: v for k, v in segment.items() if v is not None}
        return {SONG: {**data[SONG], "objective_evaluation": segment}}

    return edit_json(SEGMENTS_FILE, change)


def duplicate_key(relative: str, key: str, value: str):
    """``"key": value,`` inserted again just after the first ``"key"``'s object
    opens: the same key twice in one object."""

    def change(text: str) -> str:
        at = text.index(f'"{key}"')
        brace = text.rindex("{", 0, at)
        return text[: brace + 1] + f'"{key}": {value}, ' + text[brace + 1 :]

    return edit_text(relative, change)


def rename(new: str, *, folder: str | None = None, listener: bool = False):
    """The song (or the listener) renamed everywhere, the track folder to
    ``folder`` (default: the same new name)."""

    def mutate(root: Path) -> None:
        if listener:
            edit_text(LISTENERS_FILE, lambda t: t.replace(LISTENER, new))(root)
            return
        for relative in (SONGS_FILE, SEGMENTS_FILE):
            path = root / relative
            data = json.loads(path.read_text(encoding="utf-8"))
            text = json.dumps(data, ensure_ascii=False).replace(
                json.dumps(SONG)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1]
            )
            path.write_text(text, encoding="utf-8")
        track = root / "audio/musdb18hq/test"
        target = track / (new if folder is None else folder)
        if target != track / SONG:
            target.parent.mkdir(parents=True, exist_ok=True)
            (track / SONG).rename(target)

    return mutate


def wav(stem: str, rate: int = RATE, dtype=np.int16, channels: int = 2, frames=None):
    """One track file rewritten with another rate, type or channel count."""

    def mutate(root: Path) -> None:
        path = root / "audio/musdb18hq/test" / SONG / f"{stem}.wav"
        _, samples = wavfile.read(path)
        n = len(samples) if frames is None else frames
        x = samples[:n].astype(np.float64) / 32768
        x = x[:, :1] if channels == 1 else np.concatenate([x] * 2, 1)[:, :channels]
        if np.issubdtype(dtype, np.floating):
            out = x.astype(dtype)
        elif dtype == np.int32:
            out = (x * 2**31).astype(np.int32)
        elif dtype == np.uint8:
            out = (x * 127 + 128).astype(np.uint8)
        else:
            out = (x * 32768).astype(np.int16)
        wavfile.write(path, rate, out[:, 0] if channels == 1 else out)

    return mutate


def float_wav_with(stem: str, value: float):
    """A float WAV (the only kind that holds NaN or inf) with one such sample."""

    def mutate(root: Path) -> None:
        path = root / "audio/musdb18hq/test" / SONG / f"{stem}.wav"
        _, samples = wavfile.read(path)
        x = (samples / 32768).astype(np.float32)
        x[100, 0] = value
        wavfile.write(path, RATE, x)

    return mutate


def truncate(stem: str):
    def mutate(root: Path) -> None:
        path = root / "audio/musdb18hq/test" / SONG / f"{stem}.wav"
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 3])

    return mutate


def zero(stem: str):
    def mutate(root: Path) -> None:
        path = root / "audio/musdb18hq/test" / SONG / f"{stem}.wav"
        _, samples = wavfile.read(path)
        wavfile.write(path, RATE, np.zeros_like(samples))

    return mutate


def remove(relative: str):
    return lambda root: (root / relative).unlink()


@dataclass(frozen=True)
class Row:
    """One mutation and its expected outcome: ``refused`` at planning with a message
    holding every text of ``expect`` (the file, entry, field and fix), or ``runs``
    (proved by the workflow run below, named by ``expect[0]``)."""

    family: str
    where: str
    mutation: str
    mutate: Callable[[Path], None] | None
    outcome: str
    expect: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.family}: {self.where}: {self.mutation}"


def refused(family, where, mutation, mutate, *expect):
    return Row(family, where, mutation, mutate, "refused", expect)


def runs(family, where, mutation, how, mutate=None):
    return Row(family, where, mutation, mutate, "runs", (how,))


SONGS, LISTENERS, SEGMENTS = "songs file", "listeners file", "segments file"
NAMES, AUDIOGRAMS, AUDIO = "names", "audiograms", "audio"
S_ENTRY = f"entry 0 (song {SONG!r})"
L_ENTRY = f"listener {LISTENER!r}"
SONG_RE = f"song {SONG!r}"
FIX = "Fix: "
LONG_NAME = ("Long Song " * 21)[:209] + "x"
"""210 bytes: with "L0045_" and "_right_vocals.flac" and the temporary name, 256."""
LONGEST_NAME = ("Long Song " * 21)[:208] + "y"
"""209 bytes: the longest track name a 5-byte listener id allows."""
NFC = unicodedata.normalize("NFC", "Zoë's Band - Café")
NFD = unicodedata.normalize("NFD", NFC)

MATRIX = [
    # --- songs file: the list, then each field of an entry -----------------------
    refused(SONGS, "file", "missing", remove(SONGS_FILE), "musdb18.test.json: file not found", FIX),
    refused(SONGS, "file", "not JSON", edit_text(SONGS_FILE, lambda t: t[:-3]), "malformed JSON", FIX),
    refused(SONGS, "file", "wrong type (an object)", edit_json(SONGS_FILE, lambda d: d[0]), "the file", "is not of type array", FIX),
    refused(SONGS, "file", "empty list", edit_json(SONGS_FILE, lambda d: []), "the file", "[] is shorter than 1 items", FIX),
    refused(SONGS, "file", "entry duplicated", edit_json(SONGS_FILE, lambda d: d + d), "entry 1", "listed twice", FIX),
    refused(SONGS, "Track Name", "missing", song_entry(**{"Track Name": None}), "entry 0", "lacks 'Track Name'", FIX),
    refused(SONGS, "Track Name", "wrong type (a number)", song_entry(**{"Track Name": 7}), "entry 0 (song 7), field Track Name: 7 is not of type string", FIX),
    refused(SONGS, "Track Name", "wrong type (a list)", song_entry(**{"Track Name": [SONG]}), "field Track Name", "is not of type string", FIX),
    refused(SONGS, "Track Name", "empty", song_entry(**{"Track Name": ""}), "entry 0 (song ''), field Track Name: '' is empty", FIX),
    refused(SONGS, "Track Name", "out of range (no such folder)", song_entry(**{"Track Name": "Ghost - Song"}), "Ghost - Song/mixture.wav: file not found", "data.root", FIX),
    refused(SONGS, "Track Name", "key duplicated", duplicate_key(SONGS_FILE, "Track Name", '"Other"'), "entry 0, field Track Name: appears twice in one object", FIX),
    refused(SONGS, "Split", "missing", song_entry(Split=None), S_ENTRY, "lacks 'Split'", FIX),
    refused(SONGS, "Split", "wrong type (a number)", song_entry(Split=1), S_ENTRY, "field Split: 1 is not one of 'train', 'test'", FIX),
    refused(SONGS, "Split", "empty", song_entry(Split=""), "field Split: '' is not one of", FIX),
    refused(SONGS, "Split", "out of range ('valid')", song_entry(Split="valid"), "field Split: 'valid' is not one of", FIX),
    refused(SONGS, "Split", "out of range (the other folder)", song_entry(Split="train"), "train/" + SONG + "/mixture.wav: file not found", FIX),
    refused(SONGS, "Split", "key duplicated", duplicate_key(SONGS_FILE, "Split", '"train"'), "entry 0, field Split: appears twice", FIX),
    runs(SONGS, "entry", "extra key ('Genre')", "ignored, as the official recipes ignore it"),
    # --- listeners file ----------------------------------------------------------
    refused(LISTENERS, "file", "missing", remove(LISTENERS_FILE), "listeners.test.json: file not found", FIX),
    refused(LISTENERS, "file", "not JSON", edit_text(LISTENERS_FILE, lambda t: t[:-2]), "malformed JSON", FIX),
    refused(LISTENERS, "file", "wrong type (a list)", edit_json(LISTENERS_FILE, lambda d: [d]), "expected a non-empty object", FIX),
    refused(LISTENERS, "file", "empty object", edit_json(LISTENERS_FILE, lambda d: {}), "expected a non-empty object", FIX),
    refused(LISTENERS, "file", "listener duplicated", edit_text(LISTENERS_FILE, lambda t: t[:-1] + ", " + t[1:]), L_ENTRY + ": is listed twice", FIX),
    refused(LISTENERS, "name", "wrong type", listener_entry(name=45), "field name: 45 is not of type string", FIX),
    refused(LISTENERS, "name", "empty", listener_entry(name=""), "field name: is '', not the id", FIX),
    refused(LISTENERS, "name", "out of range (another id)", listener_entry(name="L0001"), "field name: is 'L0001', not the id", FIX),
    refused(LISTENERS, "name", "key duplicated", duplicate_key(LISTENERS_FILE, "name", f'"{LISTENER}"'), L_ENTRY + ", field name: appears twice", FIX),
    runs(LISTENERS, "name", "missing", "the id is the name, as in the Cadenza files"),
    refused(LISTENERS, "audiogram_cfs", "missing", listener_entry(audiogram_cfs=None), L_ENTRY, "lacks 'audiogram_cfs'", FIX),
    refused(LISTENERS, "audiogram_cfs", "wrong type (a string)", listener_entry(audiogram_cfs="250,500"), "field audiogram_cfs: '250,500' is not of type array", FIX),
    refused(LISTENERS, "audiogram_cfs", "empty", listener_entry(audiogram_cfs=[]), "field audiogram_cfs: [] is shorter than 2 items", FIX),
    refused(LISTENERS, "audiogram_cfs", "out of range (0 Hz)", listener_entry(audiogram_cfs=[0, *OFFICIAL["audiogram_cfs"][1:]]), "field audiogram_cfs[0]: 0 is not above 0", FIX),
    refused(LISTENERS, "audiogram_cfs", "key duplicated", duplicate_key(LISTENERS_FILE, "audiogram_cfs", "[250]"), "field audiogram_cfs: appears twice", FIX),
    refused(LISTENERS, "audiogram_levels_l", "missing", listener_entry(audiogram_levels_l=None), "lacks 'audiogram_levels_l'", FIX),
    refused(LISTENERS, "audiogram_levels_l", "wrong type (strings)", listener_entry(audiogram_levels_l=[str(v) for v in OFFICIAL["audiogram_levels_l"]]), "field audiogram_levels_l[0]: '", "is not of type number", FIX),
    refused(LISTENERS, "audiogram_levels_r", "empty", listener_entry(audiogram_levels_r=[]), "field audiogram_levels_r: [] is shorter than 2 items", FIX),
    refused(LISTENERS, "audiogram_levels_r", "out of range (one level fewer)", listener_entry(audiogram_levels_r=OFFICIAL["audiogram_levels_r"][:-1]), "audiogram lists of different lengths", FIX),
    refused(LISTENERS, "audiogram_levels_l", "out of range (121 dB HL)", listener_entry(audiogram_levels_l=[121] * 8), "field audiogram_levels_l[0]: 121 is above 120", FIX),
    refused(LISTENERS, "audiogram_levels_r", "out of range (-21 dB HL)", listener_entry(audiogram_levels_r=[-21] * 8), "field audiogram_levels_r[0]: -21 is below -20", FIX),
    refused(LISTENERS, "audiogram_levels_l", "out of range (NaN)", listener_entry(audiogram_levels_l=[math.nan] * 8), "field audiogram_levels_l[0]: nan is not a finite number", FIX),
    refused(LISTENERS, "audiogram_levels_r", "out of range (Infinity)", listener_entry(audiogram_levels_r=[math.inf] * 8), "field audiogram_levels_r[0]: inf is not a finite number", FIX),
    refused(LISTENERS, "audiogram_levels_r", "key duplicated", duplicate_key(LISTENERS_FILE, "audiogram_levels_r", "[0]"), "field audiogram_levels_r: appears twice", FIX),
    refused(LISTENERS, "entry", "extra key ('hearing_aid')", listener_entry(hearing_aid="BTE"), "unknown key 'hearing_aid'", FIX),
    # --- audiograms ---------------------------------------------------------------
    refused(AUDIOGRAMS, "audiogram_cfs", "6000 Hz missing (HAAQI's)", cfs_and_levels([250, 500, 1000, 2000, 3000, 4000, 8000]), L_ENTRY + ", field audiogram_cfs: [250, 500, 1000, 2000, 3000, 4000, 8000] lacks 6000 Hz, which HAAQI needs", "Fix: add 6000 to audiogram_cfs"),
    refused(AUDIOGRAMS, "audiogram_cfs", "250 Hz missing (125 Hz instead)", cfs_and_levels([125, 500, 1000, 2000, 4000, 6000, 8000]), "lacks 250 Hz", "Fix: add 250 to audiogram_cfs"),
    refused(AUDIOGRAMS, "audiogram_cfs", "only 2 frequencies", cfs_and_levels([500, 1000]), "lacks 250 Hz and 2000 Hz and 4000 Hz and 6000 Hz", FIX),
    refused(AUDIOGRAMS, "audiogram_cfs", "unsorted", cfs_and_levels([500, 250, 1000, 2000, 3000, 4000, 6000, 8000]), "field audiogram_cfs: [500, 250, 1000, 2000, 3000, 4000, 6000, 8000] is not increasing", FIX),
    refused(AUDIOGRAMS, "audiogram_cfs", "a frequency repeated", cfs_and_levels([250, 500, 1000, 1000, 2000, 4000, 6000, 8000]), "is not increasing", FIX),
    runs(AUDIOGRAMS, "audiogram_cfs", "extra frequencies (125, 750, 1500 Hz)", "HAAQI drops them, NAL-R interpolates at its six"),
    runs(AUDIOGRAMS, "audiogram_levels_l/_r", "levels at the schema's bounds (-20, 120 dB HL)", "scored as given"),
    # --- segments file ------------------------------------------------------------
    refused(SEGMENTS, "file", "missing", remove(SEGMENTS_FILE), "musdb18.segments.test.json: file not found", FIX),
    refused(SEGMENTS, "file", "not JSON", edit_text(SEGMENTS_FILE, lambda t: t[:-2]), "malformed JSON", FIX),
    refused(SEGMENTS, "file", "wrong type (a list)", edit_json(SEGMENTS_FILE, lambda d: [d]), "is not of type object", FIX),
    refused(SEGMENTS, "file", "empty object", edit_json(SEGMENTS_FILE, lambda d: {}), "the file", "is empty", FIX),
    refused(SEGMENTS, "song", "missing", edit_json(SEGMENTS_FILE, lambda d: {"Other": d[SONG]}), f"no segment for song {SONG!r}", FIX),
    refused(SEGMENTS, "song", "duplicated", edit_text(SEGMENTS_FILE, lambda t: t[:-1] + ", " + t[1:]), SONG_RE + ": is listed twice", FIX),
    runs(SEGMENTS, "song", "extra (a song not in the list)", "ignored: planning passes, the listed song's segment is read as given", edit_json(SEGMENTS_FILE, lambda d: {**d, "Other - Song": d[SONG]})),
    refused(SEGMENTS, "song", "wrong type (a string)", edit_json(SEGMENTS_FILE, lambda d: {SONG: "0.2-0.8"}), SONG_RE, "is not of type object", FIX),
    refused(SEGMENTS, "objective_evaluation", "missing", edit_json(SEGMENTS_FILE, lambda d: {SONG: {"subjective_evaluation": d[SONG]["subjective_evaluation"]}}), SONG_RE + ": has no objective_evaluation start and end", FIX),
    refused(SEGMENTS, "objective_evaluation", "empty", objective(start=None, end=None), SONG_RE + ", field objective_evaluation: has no objective_evaluation start and end", FIX),
    refused(SEGMENTS, "start", "missing", objective(start=None), "has no objective_evaluation start and end (found ['end'])", FIX),
    refused(SEGMENTS, "start", "wrong type (a string)", objective(start="0.2"), SONG_RE + ", field objective_evaluation.start: '0.2' is not of type number", FIX),
    refused(SEGMENTS, "start", "out of range (negative)", objective(start=-1), "field objective_evaluation.start: -1 is below 0", FIX),
    refused(SEGMENTS, "start", "out of range (NaN)", objective(start=math.nan), "field objective_evaluation.start: nan is not a finite number", FIX),
    refused(SEGMENTS, "end", "out of range (= start)", objective(end=0.2), SONG_RE + ", field objective_evaluation: segment is start=0.2, end=0.2", FIX),
    refused(SEGMENTS, "end", "out of range (past the song's end)", objective(end=5.0), SONG_RE + ", field objective_evaluation.end: segment ends at 5 s, after the song's end (1 s)", FIX),
    refused(SEGMENTS, "end", "out of range (Infinity)", objective(end=math.inf), "field objective_evaluation.end: inf is not a finite number", FIX),
    refused(SEGMENTS, "end", "key duplicated", duplicate_key(SEGMENTS_FILE, "end", "0.5"), SONG_RE + ", field objective_evaluation.end: appears twice", FIX),
    runs(SEGMENTS, "segment", "extra key ('label')", "ignored: planning passes, the segment is read as given", objective(label="chorus")),
    # --- names: track names (listener ids are checked alike) ----------------------
    refused(NAMES, "Track Name", "path separator '/'", rename("AC/DC - Back", folder="AC_DC - Back"), "field Track Name: 'AC/DC - Back' contains the path separator '/'", FIX),
    refused(NAMES, "Track Name", "path separator '\\'", rename("AC\\DC - Back"), "contains the path separator '\\\\'", FIX),
    refused(NAMES, "Track Name", "leading dot", rename(".Hidden Track"), "field Track Name: '.Hidden Track' starts with a dot", FIX),
    refused(NAMES, "Track Name", "'..'", rename("..", folder="dots"), "'..' names a folder itself", FIX),
    refused(NAMES, "Track Name", "trailing space", rename("Song "), "has a leading or trailing space", FIX),
    refused(NAMES, "Track Name", "over 255 bytes alone", rename("x" * 256, folder="long"), "is longer than 255 bytes", FIX),
    refused(NAMES, "Track Name", "255-byte limit once prefixed (<listener>_<song>_right_vocals.flac)", rename(LONG_NAME), f"song {LONG_NAME!r}, field Track Name: with listener 'L0045' it makes file names of 256 bytes", "Fix: shorten the track name by at least 1 bytes"),
    refused(NAMES, "listener id", "255-byte limit once prefixed", rename("L" * 230, listener=True), f"listener {'L' * 230!r}: with song {SONG!r} it makes file names", "Fix: shorten the listener id"),
    refused(NAMES, "Track Name", "NFC and NFD forms of one name listed", edit_json(SONGS_FILE, lambda d: d + [{"Track Name": NFD, "Split": "test"}, {"Track Name": NFC, "Split": "test"}]), "differ only in case or Unicode form", FIX),
    refused(NAMES, "Track Name", "NFD in the list, NFC on disk", rename(NFD, folder=NFC), "the song list spells the track", "(NFD) and its folder on disk is", "(NFC), which differs only in case or Unicode form", "Fix: spell the track name in the song list exactly as its folder"),
    runs(NAMES, "Track Name", "NFD in the list and on disk", "kept as given, byte for byte"),
    refused(NAMES, "Track Name", "Snakemake wildcard braces '{...}'", rename("Live {2019}"), "contains '{', which Snakemake reads as a wildcard", FIX),
    refused(NAMES, "Track Name", "Windows-reserved ':' and device names", rename("CON"), "is the Windows device name 'CON'", FIX),
    runs(NAMES, "Track Name", "shell and glob characters ($ [ ] # % ~ @ ' and a backquote)", "no rule runs a shell command with a name"),
    runs(NAMES, "Track Name", "209 bytes (the longest allowed with a 5-byte listener id)", "every file written"),
    # --- audio --------------------------------------------------------------------
    refused(AUDIO, "vocals.wav", "rate 48 kHz", wav("vocals", rate=48000), "vocals.wav: is sample rate 48000 Hz, not 44100", "sox", FIX),
    refused(AUDIO, "mixture.wav", "rate 22.05 kHz", wav("mixture", rate=22050), "mixture.wav: is sample rate 22050 Hz", FIX),
    refused(AUDIO, "drums.wav", "mono", wav("drums", channels=1), "drums.wav: is 1 channel(s), not 2 (stereo)", FIX),
    refused(AUDIO, "bass.wav", "3 channels", wav("bass", channels=3), "bass.wav: is 3 channel(s), not 2", FIX),
    refused(AUDIO, "other.wav", "subtype 32-bit float", wav("other", dtype=np.float32), "other.wav: is 32-bit float, not 16-bit PCM", FIX),
    refused(AUDIO, "other.wav", "subtype 32-bit PCM", wav("other", dtype=np.int32), "other.wav: is 32-bit PCM, not 16-bit PCM", FIX),
    refused(AUDIO, "vocals.wav", "subtype 8-bit PCM", wav("vocals", dtype=np.uint8), "vocals.wav: is 8-bit PCM, not 16-bit PCM", FIX),
    refused(AUDIO, "bass.wav", "truncated", truncate("bass"), "bass.wav: is truncated: its header declares 1.00 s", FIX),
    refused(AUDIO, "vocals.wav", "NaN samples", float_wav_with("vocals", math.nan), "vocals.wav: is 32-bit float, not 16-bit PCM", FIX),
    refused(AUDIO, "mixture.wav", "infinite samples", float_wav_with("mixture", math.inf), "mixture.wav: is 32-bit float, not 16-bit PCM", FIX),
    refused(AUDIO, "drums.wav", "all-zero reference stem (silent_reference: error)", zero("drums"), SONG_RE + ": the reference is silent (all samples zero) in drums (left ear), drums (right ear)", "silent_reference: skip"),
    runs(AUDIO, "drums.wav", "all-zero reference stem (silent_reference: skip)", "the documented skip: nan cells (tests/test_silent_reference_workflow.py)"),
    runs(AUDIO, "mixture.wav", "all-zero mixture", "silent separated stems, scored"),
    runs(AUDIO, "all files", "full-scale clipping", "scored as given"),
    refused(AUDIO, "other.wav", "stems of different lengths", wav("other", frames=RATE // 2), "its files differ in length", FIX),
    refused(AUDIO, "segments file", "a stem shorter than its segment", objective(end=1.5), "segment ends at 1.5 s, after the song's end (1 s)", FIX),
    refused(AUDIO, "bass.wav", "no samples", wav("bass", frames=0), "bass.wav: holds no samples", FIX),
    refused(AUDIO, "drums.wav", "missing", remove(f"audio/musdb18hq/test/{SONG}/drums.wav"), "drums.wav: file not found", FIX),
]  # fmt: skip
REFUSED = [row for row in MATRIX if row.outcome == "refused"]
PLANNED = [row for row in MATRIX if row.outcome == "runs" and row.mutate]


@pytest.mark.parametrize("row", REFUSED, ids=[r.id for r in REFUSED])
def test_refused_at_planning(data, row):
    plan(data)  # the stand-in itself is valid
    row.mutate(data)
    with pytest.raises(InputError) as err:
        plan(data)
    message = str(err.value)
    assert str(data) in message, message  # the file (or the track folder)
    for text in row.expect:
        assert text in message, (text, message)


@pytest.mark.parametrize("row", PLANNED, ids=[r.id for r in PLANNED])
def test_accepted_at_planning(data, row):
    """Rows whose outcome is a run, checked here at planning (the others are in
    the workflow run below)."""
    row.mutate(data)
    plan(data)
    segments = metadata.load_test_segments(data / SEGMENTS_FILE, [SONG])
    assert segments[SONG]["objective_evaluation"] == SEGMENT


def markdown_rows() -> list[str]:
    """The docs' table rows: family, where, mutation, outcome (message or run)."""
    rows = []
    for row in MATRIX:
        outcome = (
            "refused at planning: " + " ... ".join(f"`{t}`" for t in row.expect)
            if row.outcome == "refused"
            else f"runs to the end: {row.expect[0]}"
        )
        rows.append(f"| {row.family} | {row.where} | {row.mutation} | {outcome} |")
    return rows


def test_every_row_is_in_the_docs():
    """The docs' table lists every row of the matrix, with its outcome."""
    text = DOC.read_text(encoding="utf-8")
    for row, line in zip(MATRIX, markdown_rows(), strict=True):
        cells = f"| {row.family} | {row.where} | {row.mutation} | "
        assert cells in text, f"docs/bad-input-matrix.md lacks the row {cells}"
        assert line in text, f"docs/bad-input-matrix.md: outcome of {cells} differs"


# --- hypothesis: the spaces of values ----------------------------------------------

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _listener_file(entry) -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / "listeners.json"
    path.write_text(json.dumps({LISTENER: entry}))
    return path


def _accepted(entry) -> bool:
    path = _listener_file(entry)
    try:
        metadata.load_listeners(path)
    except InputError as err:
        assert str(path) in str(err) and L_ENTRY in str(err) and FIX in str(err)
        return False
    finally:
        shutil.rmtree(path.parent)
    return True


@PROPERTY
@given(
    st.sampled_from(["audiogram_levels_l", "audiogram_levels_r"]),
    st.integers(0, 7),
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(-25, 125),
        st.integers(-30, 130),
        st.booleans(),
        st.none(),
        st.text(max_size=3),
    ),
)
def test_levels_accepted_exactly_in_the_schema_range(key, index, value):
    entry = json.loads(json.dumps(OFFICIAL))
    entry[key][index] = value
    plausible = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and -20 <= value <= 120
    )
    assert _accepted(entry) == plausible


def official_selection(cfs: list[float]) -> list[float] | None:
    """The frequencies whose levels pyclarity 0.3.4's ``compute_haaqi`` hands to
    HAAQI (its own code runs; only the HAAQI model after it is replaced)."""
    import clarity.evaluator.haaqi.haaqi as official

    seen = []

    def capture(**kwargs):
        seen.append(kwargs["hearing_loss"])
        return 0.0, None, None, None

    original = official.haaqi_v1
    official.haaqi_v1 = capture
    try:
        levels = np.arange(len(cfs), dtype=float)  # level i marks frequency i
        official.compute_haaqi(
            np.zeros(10), np.zeros(10), 24000, 24000, levels, np.array(cfs)
        )
    finally:
        official.haaqi_v1 = original
    return [cfs[int(i)] for i in seen[0]]


POOL = [125, 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 5000, 6000.0]


@PROPERTY
@given(st.lists(st.sampled_from(POOL), min_size=2, max_size=12))
def test_frequencies_accepted_exactly_when_the_official_code_reads_all_six(cfs):
    """Accepted audiograms are those for which the official HAAQI code reads the
    levels at its six frequencies, in order, and NAL-R builds its filter; a missing
    one would stop the score job, unsorted ones would be read in the wrong order."""
    from clarity.enhancer.nalr import NALR

    levels = [20.0] * len(cfs)
    entry = {
        "audiogram_cfs": cfs,
        "audiogram_levels_l": levels,
        "audiogram_levels_r": levels,
    }
    accepted = _accepted(entry)
    reads_six = official_selection(cfs) == list(HAAQI_AUDIOGRAM_FREQUENCIES)
    increasing = all(b > a for a, b in zip(cfs, cfs[1:], strict=False))
    assert accepted == (reads_six and increasing), cfs
    if accepted:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            NALR(220, RATE).build(np.array(levels), np.array(cfs))


NAME_TEXT = st.one_of(
    st.text(min_size=1, max_size=40),
    st.text(st.characters(codec="utf-8"), min_size=150, max_size=260),
    st.sampled_from(["Song {1}", ".x", "a/b", "x ", "CON", "$HOME [1] #2", NFD]),
)


@PROPERTY
@given(NAME_TEXT)
def test_accepted_track_names_can_be_written(name):
    """A track name passes the song list and pair checks exactly when it has no
    problem, and then every file the pair writes can be created on this file system
    under its longest (temporary) name."""
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "songs.json"
        path.write_text(json.dumps([{"Track Name": name, "Split": "test"}]))
        try:
            songs = metadata.load_songs(path)
            metadata.check_pair_names(songs, [LISTENER], path, folder / "l.json")
        except InputError as err:
            assert str(path) in str(err) and FIX in str(err)
            assert names.name_problem(name) or longest_name_bytes(LISTENER, name) > 255
            return
        assert names.name_problem(name) is None
        target = folder / LISTENER / name / f"{LISTENER}_{name}_right_vocals.flac"
        target.parent.mkdir(parents=True)
        temporary_name(target).write_bytes(b"")
        target.write_bytes(b"")
    finally:
        shutil.rmtree(folder)


@PROPERTY
@given(st.floats(-5, 5) | st.just(0.0), st.floats(-5, 5) | st.just(SECONDS))
def test_segments_accepted_exactly_inside_the_song(start, end):
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "segments.json"
        path.write_text(
            json.dumps({SONG: {"objective_evaluation": {"start": start, "end": end}}})
        )
        try:
            got = metadata.load_segments(path, [SONG], {SONG: SECONDS})
        except InputError as err:
            assert str(path) in str(err) and SONG_RE in str(err) and FIX in str(err)
            assert not 0 <= start < end <= SECONDS
            return
        assert 0 <= start < end <= SECONDS and got == {SONG: (start, end)}
    finally:
        shutil.rmtree(folder)


# --- real snakemake -n runs: the rows' checks are the workflow's -------------------


def _eval_config(root: Path) -> dict:
    return {
        "data": {"root": str(root), "build_demo": False, "songs": SONGS_FILE,
                 "listeners": LISTENERS_FILE},
        "separators": {"oracle": {"kind": "oracle"}},
        "evaluation": {"enabled": True, "segments_file": SEGMENTS_FILE},
    }  # fmt: skip


WIRED = {
    "listeners": next(r for r in MATRIX if "6000 Hz missing" in r.mutation),
    "songs": next(r for r in MATRIX if r.where == "Split" and "key dup" in r.mutation),
    "pair names": next(r for r in MATRIX if "once prefixed (<" in r.mutation),
    "preflight": next(
        r for r in MATRIX if r.mutation == "NFD in the list, NFC on disk"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("stage", list(WIRED))
def test_dry_runs_refuse_before_planning(data, tmp_path, stage):
    """One row per planning stage through ``snakemake -n``: the same message, no DAG."""
    row = WIRED[stage]
    row.mutate(data)
    cfg = write_config(tmp_path / "config.yaml", _eval_config(data))
    run = snakemake(tmp_path / "run", cfg, "-n", check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Building DAG" not in output and "Traceback" not in output, output[-3000:]
    for text in row.expect:
        assert text in output, (text, output[-3000:])
    print(re.sub(r"\s+", " ", output[output.find("InputError") :])[:700])


# --- accepted inputs: one real run to the end, scores equal the official code's ----

SHELLISH = unicodedata.normalize("NFD", "Zoë's $HOME [1] #2 % ~x `y` @z & Co")
"""In NFD (e as e + combining diaeresis) in the song list and on disk, with the
characters a shell or a glob would read."""
BOUNDS_LISTENER = "L9120"
WIDE_CFS = [125, 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000]
"""CAD1's frequencies and 125, 750, 1500 Hz, which pyclarity 0.3.4 drops."""
BOUNDS = {
    # levels from one bound of the schema to the other, in opposite directions
    "audiogram_cfs": WIDE_CFS,
    "audiogram_levels_l": list(np.linspace(-20, 120, len(WIDE_CFS))),
    "audiogram_levels_r": list(np.linspace(120, -20, len(WIDE_CFS))),
}  # no "name": the id is the name


def accepted_standin(root: Path) -> dict[str, str]:
    """Two 1 s songs carrying every ``runs`` row of the names, audio and audiogram
    families: {song: what it carries}."""
    songs = {SHELLISH: "test", LONGEST_NAME: "test"}
    make_dataset(root, songs, [LISTENER], SECONDS)
    track = root / "audio/musdb18hq/test"
    # full-scale clipping: every stem and the mixture driven into the int16 limits
    mix = 0
    for stem in STEMS:
        _, x = wavfile.read(track / SHELLISH / f"{stem}.wav")
        loud = np.clip(x.astype(np.int64) * 12, -32768, 32767)
        wavfile.write(track / SHELLISH / f"{stem}.wav", RATE, loud.astype(np.int16))
        mix = mix + loud
    mix = np.clip(mix, -32768, 32767).astype(np.int16)
    wavfile.write(track / SHELLISH / "mixture.wav", RATE, mix)
    assert (np.abs(mix) >= 32767).mean() > 0.05
    # an all-zero mixture (the references are not silent)
    _, x = wavfile.read(track / LONGEST_NAME / "mixture.wav")
    wavfile.write(track / LONGEST_NAME / "mixture.wav", RATE, np.zeros_like(x))
    meta = root / "metadata"
    entries = [{"Track Name": s, "Split": "test"} for s in songs]
    entries[0]["Genre"] = "Rock"  # an extra key
    (meta / "musdb18.valid.json").write_text(json.dumps(entries, ensure_ascii=False))
    (meta / "listeners.valid.json").write_text(json.dumps({BOUNDS_LISTENER: BOUNDS}))
    return songs


def official_pair(root: Path, enhanced: Path, song: str) -> tuple[float, dict]:
    """pyclarity 0.3.4's evaluation of one pair's stem FLACs (``evaluate.py``)."""
    from omegaconf import OmegaConf
    from recipes.cad1.task1.baseline.evaluate import _evaluate_song_listener

    config = OmegaConf.create(
        {
            "path": {"music_dir": str(root / "audio/musdb18hq")},
            "sample_rate": RATE,
            "stem_sample_rate": 24000,
            "evaluate": {"set_random_seed": True},
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _evaluate_song_listener(
            song, BOUNDS_LISTENER, config, "test", BOUNDS, enhanced
        )


def _job_memory(output: str) -> dict[str, list[int]]:
    """mem_mb of every job a dry run prints, per rule."""
    found: dict[str, list[int]] = {}
    for rule, mem in re.findall(
        r"rule (\w+):\n(?:    .*\n)*?    resources: .*?mem_mb=(\d+)", output
    ):
        found.setdefault(rule, []).append(int(mem))
    return found


@pytest.mark.slow
def test_accepted_inputs_run_to_the_end_with_official_scores(tmp_path):
    root = tmp_path / "data"
    songs = accepted_standin(root)
    config = {
        "data": {"root": str(root), "build_demo": False},
        # the mixture as every stem: the clipped or silent mixture is what is scored
        "separators": {"mixture": {"kind": "mixture"}},
        "scoring": {"engine": "fast", "verify_pairs": 0, "segment": None},
    }
    cfg = write_config(tmp_path / "config.yaml", config)
    targets = ["results/scores/mixture.csv"]
    work = tmp_path / "run"

    # every rule asks for 1.5x its memory on a retry (the SLURM profile's retries)
    first = _job_memory(snakemake(work, cfg, "-n", *targets).stdout)
    retry = _job_memory(snakemake(work, cfg, "-n", "--attempt", "2", *targets).stdout)
    assert set(first) >= {"separate", "enhance", "encode", "score"}, first
    for rule, requests in first.items():
        grown = sorted(resources.for_attempt(m, 2) for m in requests)
        assert sorted(retry[rule]) == grown, (rule, requests, retry[rule])

    run = snakemake(work, cfg, *targets)
    assert "Traceback" not in run.stderr
    with open(work / "results/scores/mixture.csv", newline="") as stream:
        table = {row["song"]: row for row in csv.DictReader(stream)}
    assert set(table) == set(songs)
    for song in songs:
        score, cells = official_pair(root, work / "results/enhanced/mixture", song)
        row = table[song]
        print(f"{song[:30]!r}: {row['score']} (official {score!r})")
        assert float(row["score"]) == score
        assert {k: float(row[k]) for k in cells} == cells
    # the names went through byte for byte: NFD stays NFD, 209 bytes stay 209
    pair = work / "results/enhanced/mixture" / BOUNDS_LISTENER
    assert sorted(p.name for p in pair.iterdir()) == sorted(songs)
    longest = f"{BOUNDS_LISTENER}_{LONGEST_NAME}_right_vocals.flac"
    assert (
        len(longest.encode()) == 255 - 22 and (pair / LONGEST_NAME / longest).is_file()
    )
