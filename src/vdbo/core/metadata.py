"""Cadenza metadata: song lists, listener audiograms and scored segments, validated.

The official recipes index these files without checks; a typo there surfaces hours
later as a KeyError, a NaN audiogram level as a NaN score. Here each file is checked
against its JSON schema (``workflow/schemas/{songs,listeners,segments}.schema.yaml``)
and then for what a schema cannot state (finite numbers, increasing frequencies,
names safe as folder names); every problem names the file, the entry and the field,
and says what is allowed.

This is the one reader of listener audiograms: the workflow's tables, the
amplification, the remixes and the figures all take an audiogram through
:func:`check_listener` (:func:`ear_audiogram`, :func:`official_audiogram`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vdbo import HAAQI_AUDIOGRAM_FREQUENCIES
from vdbo.core import names
from vdbo.core.errors import InputError

SCHEMAS_DIR = Path(__file__).resolve().parents[3] / "workflow" / "schemas"
LISTENER_KEYS = ("audiogram_cfs", "audiogram_levels_l", "audiogram_levels_r")
LEVEL_KEYS = {"left": "audiogram_levels_l", "right": "audiogram_levels_r"}
LISTENER_EXAMPLE = (
    '{"name": "L5001", "audiogram_cfs": [250, 500, ...], '
    '"audiogram_levels_l": [20, 25, ...], "audiogram_levels_r": [30, 30, ...]}'
)
SPLITS = ("train", "test")
"""MUSDB18-HQ's two audio folders, the only values of a song's ``Split``."""
SEGMENT_KINDS = ("objective_evaluation", "subjective_evaluation")
"""Segments of ``musdb18.segments.test.json``: stems (HAAQI), remix (listening)."""
MAX_LISTED = 10
"""Problems listed in one message; the rest are counted."""


@functools.cache
def load_schema(kind: str) -> dict:
    """The JSON schema of a metadata file: ``songs``, ``listeners`` or ``segments``."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = (SCHEMAS_DIR / f"{kind}.schema.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=loader)


def read_json(path: str | Path, entry_of=None) -> Any:
    """Parse a JSON file, reporting malformed JSON with its position and the file,
    and a key given twice in one object (JSON readers keep the last one silently:
    two entries for one listener, one of them ignored); ``entry_of`` names the entry
    of a top-level key or index (``listener 'L0001'``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            path, "file not found", "check the metadata paths in the config"
        )
    repeated: list[tuple[dict, str]] = []

    def keep_pairs(pairs):
        obj = dict(pairs)
        if len(obj) < len(pairs):
            keys = [k for k, _ in pairs]
            repeated.extend((obj, k) for k in obj if keys.count(k) > 1)
        return obj

    try:
        data = json.loads(
            path.read_text(encoding="utf-8"), object_pairs_hook=keep_pairs
        )
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise InputError(
            path,
            f"malformed JSON ({err})",
            "fix the syntax (e.g. `python -m json.tool`)",
        ) from err
    entry_of = entry_of or (lambda key: f"entry {key!r}")
    found = []
    for obj, key in repeated:
        where = _place_of(data, obj)
        if where is None:  # inside the dropped one of two repeated keys
            continue
        if not where:
            found.append(
                (entry_of(key), "", "is listed twice",
                 "keep one entry: JSON readers (the official recipes' too) keep "
                 "the last one silently")
            )  # fmt: skip
        else:
            found.append(
                (entry_of(where[0]), _field([*where[1:], key]),
                 "appears twice in one object",
                 "give each key once: JSON readers keep the last one silently")
            )  # fmt: skip
    _raise(path, found)
    return data


def _place_of(data: Any, target: dict, where: tuple = ()) -> list | None:
    """The keys and indexes leading from ``data`` to the object ``target``."""
    if data is target:
        return list(where)
    for key, value in _children(data):
        if (found := _place_of(value, target, (*where, key))) is not None:
            return found
    return None


# --- problems: (entry, field, what is wrong, what is allowed) ------------------------


def _field(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _raise(path: str | Path | None, found: list[tuple[str, str, str, str]]) -> None:
    """One InputError for every problem found (the first :data:`MAX_LISTED`)."""
    if not found:
        return
    lines = [
        f"{entry}{f', field {field}' if field else ''}: {what}"
        for entry, field, what, _ in found
    ]
    if len(found) == 1:
        raise InputError(path, lines[0], found[0][3])
    listed = [
        f"{line} (allowed: {allowed})"
        for line, (*_, allowed) in zip(lines[:MAX_LISTED], found, strict=False)
    ]
    more = len(found) - MAX_LISTED
    raise InputError(
        path,
        f"{len(found)} problems:\n  - "
        + "\n  - ".join(listed)
        + (f"\n  - and {more} more" if more > 0 else ""),
        "correct each field as allowed above",
    )


def _schema_problems(
    data: Any, schema: dict, entry_of, root: str = ""
) -> list[tuple[str, str, str, str]]:
    """The schema's violations as (entry, field, what, allowed); ``entry_of`` names
    the entry of a path's first part (``listener 'L0001'``)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    found = []

    def order(error):  # by place in the file; keys and indexes never share a level
        return [(isinstance(part, str), part) for part in error.path]

    for error in sorted(validator.iter_errors(data), key=order):
        where = list(error.path)
        entry = entry_of(where[0]) if where else (root or "the file")
        field = _field(where[1:])
        if error.validator == "required":
            missing = [k for k in error.validator_value if k not in error.instance]
            what = ", ".join(f"lacks {k!r}" for k in missing)
            field = ""
        elif error.validator == "additionalProperties" and isinstance(
            error.instance, dict
        ):
            known = set(error.schema.get("properties", {}))
            what = ", ".join(
                f"unknown key {k!r}" for k in error.instance if k not in known
            )
        elif error.validator == "propertyNames":
            what = f"the name {error.instance!r} is not allowed"
        else:
            what = f"{error.instance!r} is {_reason(error)}"
        allowed = _description(schema, error.absolute_schema_path) or error.message
        problem = (entry, field, what, " ".join(str(allowed).split()))
        if problem not in found:  # one `required` error per missing key
            found.append(problem)
    return found


def _description(schema: dict, schema_path) -> str | None:
    """The description nearest to the failing keyword: the field's own, else the
    nearest enclosing one (an item of a list says what its list allows)."""
    node, text = schema, schema.get("description")
    for part in list(schema_path)[:-1]:
        node = node[part]
        if isinstance(node, dict) and "description" in node:
            text = node["description"]
    return text


def _reason(error) -> str:
    """A short reason for one schema violation (jsonschema's message otherwise)."""
    value, kind = error.validator_value, error.validator
    if kind == "type":
        types = [value] if isinstance(value, str) else value
        return "not of type " + " or ".join(types)
    if kind == "enum":
        return "not one of " + ", ".join(map(repr, value))
    phrases = {
        "minimum": "below {}",
        "maximum": "above {}",
        "exclusiveMinimum": "not above {}",
        "minItems": "shorter than {} items",
        "minLength": "empty",
        "minProperties": "empty",
    }
    return phrases[kind].format(value) if kind in phrases else error.message


def _nonfinite(value: Any, where: list) -> list[tuple[list, float]]:
    """Every NaN or infinity in a parsed JSON value (``json`` reads NaN and
    Infinity, which no JSON schema refuses)."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [(where, value)]
    return [found for k, v in _children(value) for found in _nonfinite(v, [*where, k])]


def _children(value: Any) -> Iterable[tuple[Any, Any]]:
    """(key or index, value) of each member of a parsed JSON object or array."""
    if isinstance(value, dict):
        return value.items()
    return enumerate(value) if isinstance(value, list) else ()


def _name_problems(
    given: Iterable[Any], entry_of, field: str, allowed_what: str
) -> list[tuple[str, str, str, str]]:
    """Names unsafe as one folder name, and names that clash on macOS or Windows."""
    given = list(given)
    found = [
        (entry_of(n), field, f"{n!r} {problem}", f"{allowed_what}: {names.ALLOWED}")
        for n in given
        if (problem := names.name_problem(n))
    ]
    strings = [n for n in given if isinstance(n, str)]
    found += [
        (
            entry_of(b),
            field,
            f"{b!r} and {a!r} differ only in case or Unicode form, so macOS and "
            "Windows store them in one folder",
            f"{allowed_what}: names that differ by more than case",
        )
        for a, b in names.clashes(strings)
    ]
    return found


# --- listeners ----------------------------------------------------------------------


def check_listener(
    lid: str, info: Any, path: str | Path | None = None
) -> dict[str, Any]:
    """One listener entry, checked (the schema, then finite levels, equal lengths,
    increasing frequencies, ``name`` equal to the id): the entry with ``name`` filled
    in. Raises an InputError naming ``path``, the listener and the field."""
    found = _listener_problems(lid, info)
    _raise(path, found)
    return {"name": lid, **info}


def _listener_problems(lid: Any, info: Any) -> list[tuple[str, str, str, str]]:
    schema = load_schema("listeners")
    entry = f"listener {lid!r}"
    # the schema's paths are inside the entry: a dummy first part names it
    found = _schema_problems(
        {lid: info}, {"additionalProperties": schema["additionalProperties"]},
        lambda _: entry,
    )  # fmt: skip
    if not isinstance(info, dict):
        return found
    props = schema["additionalProperties"]["properties"]
    for where, value in _nonfinite(info, []):
        found.append(
            (entry, _field(where), f"{value!r} is not a finite number",
             " ".join(props.get(where[0], {}).get("description", "").split()))
        )  # fmt: skip
    lists = {k: info.get(k) for k in LISTENER_KEYS}
    if all(isinstance(v, list) for v in lists.values()):
        lengths = {k: len(v) for k, v in lists.items()}
        if len(set(lengths.values())) != 1:
            found.append(
                (entry, "", "audiogram lists of different lengths ("
                 + ", ".join(f"{k}: {n}" for k, n in lengths.items()) + ")",
                 "give one level per audiogram frequency for each ear")
            )  # fmt: skip
        cfs = lists["audiogram_cfs"]
        numeric = all(_finite_number(f) for f in cfs)
        if numeric and any(b <= a for a, b in zip(cfs, cfs[1:], strict=False)):
            found.append(
                (entry, "audiogram_cfs", f"{cfs!r} is not increasing",
                 " ".join(props["audiogram_cfs"]["description"].split()))
            )  # fmt: skip
        elif numeric and (lacking := haaqi_frequencies_lacking(cfs)):
            found.append(_lacking_problem(entry, cfs, lacking))
    name = info.get("name", lid)
    if isinstance(name, str) and name != lid:
        found.append(
            (entry, "name", f"is {name!r}, not the id",
             "the official recipes name files by both: make name equal the id")
        )  # fmt: skip
    return found


def haaqi_frequencies_lacking(cfs: Iterable[float]) -> list[int]:
    """The HAAQI audiogram frequencies absent from ``cfs`` (exact values in Hz)."""
    given = set(cfs)
    return [f for f in HAAQI_AUDIOGRAM_FREQUENCIES if f not in given]


def _lacking_problem(entry: str, cfs: list, lacking: list[int]) -> tuple:
    """pyclarity 0.3.4's HAAQI keeps the levels at exactly its six frequencies and
    its ear model then needs six: without one, every score job of the listener dies
    (``fp and xp are not of the same length``) after separation and enhancement."""
    six = ", ".join(map(str, HAAQI_AUDIOGRAM_FREQUENCIES))
    hz = " and ".join(f"{f} Hz" for f in lacking)
    return (
        entry,
        "audiogram_cfs",
        f"{cfs!r} lacks {hz}, which HAAQI needs: pyclarity 0.3.4 reads each ear's "
        f"thresholds at exactly {six} Hz, and its score jobs would fail",
        f"add {', '.join(map(str, lacking))} to audiogram_cfs and each ear's "
        f"threshold there (dB HL) to audiogram_levels_l and audiogram_levels_r, in "
        "frequency order; other frequencies may stay (HAAQI ignores them, NAL-R "
        "interpolates between them)",
    )


def _finite_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def load_listeners(path: str | Path) -> dict[str, dict]:
    """Listeners ``{id: {name, audiogram_cfs, audiogram_levels_l/_r}}``.

    This is the one layout of the Cadenza listener files (``listeners.train``,
    ``.valid`` and ``.test.json``) and of pyclarity's recipes (the official
    ``test.py`` reads ``name``, ``audiogram_cfs`` and ``audiogram_levels_l/_r``).
    ``name`` may be left out (it is then the id); any other key is refused, naming
    it, rather than guessed at.
    """
    data = read_json(path, lambda lid: f"listener {lid!r}")
    if not isinstance(data, dict) or not data:
        raise InputError(
            path,
            "expected a non-empty object {listener_id: {...}}",
            f'use the Cadenza format: {{"L5001": {LISTENER_EXAMPLE}}}',
        )
    found = _name_problems(
        data, lambda lid: f"listener {lid!r}", "", "a listener id is"
    )
    for lid, info in data.items():
        found += _listener_problems(lid, info)
    _raise(path, found)
    return {lid: {"name": lid, **info} for lid, info in data.items()}


def listener_name(listener: dict) -> str:
    """The listener's name (its id; used to find per-listener overrides)."""
    name = listener.get("name") if isinstance(listener, dict) else None
    if not isinstance(name, str) or not name:
        raise InputError(
            None,
            "listener has no 'name'",
            f"give the listener as in CAD1 listeners.*.json: {LISTENER_EXAMPLE}",
        )
    return name


def official_audiogram(listener: dict) -> tuple:
    """``(levels_l, levels_r, cfs)`` as numpy arrays made exactly as the official
    ``test.py`` makes them (``np.array`` of the lists), after the checks."""
    import numpy as np

    checked = check_listener(listener_name(listener), listener)
    return tuple(np.array(checked[k]) for k in LISTENER_KEYS[1:] + LISTENER_KEYS[:1])


def ear_audiogram(listener: dict, side: str) -> tuple:
    """(frequencies in Hz, thresholds in dB HL) of one ear, float arrays, checked."""
    import numpy as np

    checked = check_listener(listener_name(listener), listener)
    return (
        np.asarray(checked["audiogram_cfs"], dtype=float),
        np.asarray(checked[LEVEL_KEYS[side]], dtype=float),
    )


# --- songs --------------------------------------------------------------------------


def load_songs(path: str | Path) -> dict[str, str]:
    """Song list ``[{"Track Name", "Split"}, ...]`` as ``{track name: split folder}``.

    ``Split`` names the MUSDB18-HQ folder the track is in, ``train`` or ``test``
    (CAD1 validation songs come from MUSDB's train folder). The official recipes
    read any other value as ``train``; here it is refused, naming the song. Track
    names must be safe as one folder name (``..`` would read references from
    outside the split folder and write outputs outside the layout).
    """
    data = read_json(path)
    schema = load_schema("songs")

    def entry_of(index):
        item = data[index] if isinstance(index, int) else None
        track = item.get("Track Name") if isinstance(item, dict) else None
        return f"entry {index}" + (f" (song {track!r})" if track is not None else "")

    if not isinstance(data, list):
        _raise(path, _schema_problems(data, schema, entry_of))
    found = _schema_problems(data, schema, entry_of)
    tracks = [e.get("Track Name") if isinstance(e, dict) else None for e in data]
    named = {i: t for i, t in enumerate(tracks) if isinstance(t, str) and t}
    index_of = {t: i for i, t in reversed(list(named.items()))}
    found += _name_problems(
        named.values(), lambda t: entry_of(index_of[t]), "Track Name",
        "a track name is",
    )  # fmt: skip
    duplicates = [t for i, t in named.items() if index_of[t] != i]
    found += [
        (entry_of(tracks.index(t, index_of[t] + 1)), "Track Name",
         f"{t!r} is listed twice", "each song once")
        for t in dict.fromkeys(duplicates)
    ]  # fmt: skip
    _raise(path, found)
    return {entry["Track Name"]: entry["Split"] for entry in data}


def check_pair_names(
    songs: Iterable[str],
    listeners: Iterable[str],
    songs_path: str | Path,
    listeners_path: str | Path,
) -> None:
    """Every (listener, song) pair's file names within :data:`names.MAX_BYTES`:
    each name may be short enough alone and still make
    ``<listener>_<song>_right_vocals.flac`` too long to write (``OSError: File name
    too long`` in the encode job). The longer of the two names is blamed."""
    from vdbo.core.layout import longest_name_bytes

    listeners = list(listeners)
    if not listeners:
        return
    longest = max(listeners, key=lambda lid: len(lid.encode("utf-8")))
    for song in songs:
        size = longest_name_bytes(longest, song)
        if size <= names.MAX_BYTES:
            continue
        over = size - names.MAX_BYTES
        song_blamed = len(song.encode("utf-8")) >= len(longest.encode("utf-8"))
        path, entry, field, what = (
            (songs_path, f"song {song!r}", "Track Name", "track name")
            if song_blamed
            else (listeners_path, f"listener {longest!r}", "", "listener id")
        )
        other = f"listener {longest!r}" if song_blamed else f"song {song!r}"
        _raise(path, [(
            entry, field,
            f"with {other} it makes file names of {size} bytes "
            f"({longest}_{song}_right_vocals.flac while it is written under a "
            f"hidden temporary name), over the {names.MAX_BYTES} bytes that ext4, "
            "APFS and NTFS allow",
            f"shorten the {what} by at least {over} bytes (UTF-8; rename its "
            "folder or entry too), or leave it out of data.select_songs / "
            "data.select_listeners",
        )])  # fmt: skip


def select(
    available: dict[str, Any], wanted: list[str] | None, what: str, path: str | Path
) -> list[str]:
    """The ids the config asks for (all when ``wanted`` is empty), checked to exist."""
    if not wanted:
        return list(available)
    unknown = [w for w in wanted if w not in available]
    if unknown:
        raise InputError(
            path,
            f"{what} {', '.join(map(repr, unknown))} not listed here",
            f"remove them from the config or add them to this file; known: "
            f"{', '.join(list(available)[:10])}{' ...' if len(available) > 10 else ''}",
        )
    return list(wanted)


# --- segments -----------------------------------------------------------------------


def load_segments(
    path: str | Path | None,
    songs: Iterable[str] | None = None,
    durations: dict[str, float] | None = None,
    kind: str = "objective_evaluation",
) -> dict[str, tuple[float, float]]:
    """Per-song segments ``{song: (start_s, end_s)}``, checked.

    Accepts the Cadenza test-set form ``{song: {"objective_evaluation": {"start": s,
    "end": e}, "subjective_evaluation": {...}}}`` (``kind`` chooses which: stems are
    scored on the objective one, the official ``test.py`` crops the remix to the
    subjective one) and the plain ``{song: {"start": s, "end": e}}``.

    Every song of ``songs`` must be listed; with ``durations`` ({song: seconds}),
    each segment must lie inside its song. Errors name the song and the file.
    """
    if not path:
        return {}
    if kind not in SEGMENT_KINDS:
        raise ValueError(f"kind must be one of {SEGMENT_KINDS}, not {kind!r}")
    data = read_json(path, lambda song: f"song {song!r}")
    schema = load_schema("segments")
    found = _schema_problems(data, schema, lambda s: f"song {s!r}")
    _raise(path, found)
    segment_schema = schema["$defs"]["segment"]
    allowed = " ".join(segment_schema["description"].split())
    segments = {}
    for song, entry in data.items():
        segment = entry.get(kind, entry)
        where = f"song {song!r}"
        if not isinstance(segment, dict) or not {"start", "end"} <= set(segment):
            keys = list(segment) if isinstance(segment, dict) else segment
            found.append(
                (where, kind if kind in entry else "",
                 f"has no {kind} start and end (found {keys!r})",
                 f'write {{"{song}": {{"{kind}": {{"start": 30.0, "end": 60.0}}}}}}')
            )  # fmt: skip
            continue
        prefix = [kind] if kind in entry else []
        problems = _schema_problems(
            {song: segment},
            {"additionalProperties": segment_schema},
            lambda s: f"song {s!r}",
        )
        problems += [
            (where, _field(w), f"{v!r} is not a finite number", allowed)
            for w, v in _nonfinite(segment, [])
        ]
        start, end = segment["start"], segment["end"]
        if not problems and not start < end:
            problems.append(
                (where, "", f"segment is start={start!r}, end={end!r}",
                 "start and end are seconds with 0 <= start < end")
            )  # fmt: skip
        found += [
            (e, _field(prefix + ([f] if f else [])), w, a) for e, f, w, a in problems
        ]
        if not problems:
            segments[song] = (float(start), float(end))
    _raise(path, found)
    missing = [s for s in songs or () if s not in segments]
    if missing:
        raise InputError(
            path,
            f"no segment for song {', '.join(map(repr, missing))}",
            f"add each song of the song list with its {kind} start and end "
            "(seconds), or point scoring.segments_file at the segments of this "
            "song list",
        )
    found = [
        (f"song {song!r}", _field(([kind] if kind in data[song] else []) + ["end"]),
         f"segment ends at {segments[song][1]:g} s, after the song's end "
         f"({seconds:g} s)",
         "a segment must lie inside its song: check the song's audio and that this "
         "file belongs to this song list")
        for song, seconds in (durations or {}).items()
        if song in segments and segments[song][1] > seconds
    ]  # fmt: skip
    _raise(path, found)
    return segments


def load_test_segments(
    path: str | Path,
    songs: Iterable[str] | None = None,
    durations: dict[str, float] | None = None,
) -> dict[str, dict[str, tuple[float, float]]]:
    """Both segments of each song of the CAD1 test-set file, checked as
    :func:`load_segments` checks them: ``{song: {kind: (start_s, end_s)}}``.

    The official ``test.py`` crops each amplified stem to the objective segment and
    the remix to the subjective one.
    """
    per_kind = {k: load_segments(path, songs, durations, k) for k in SEGMENT_KINDS}
    return {
        song: {kind: per_kind[kind][song] for kind in SEGMENT_KINDS}
        for song in per_kind[SEGMENT_KINDS[0]]
    }
