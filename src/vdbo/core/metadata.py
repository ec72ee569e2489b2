"""Cadenza metadata: song lists, listener audiograms and scored segments, validated.

The official recipes index these files without checks; a typo there surfaces hours
later as a KeyError. Here every problem is reported with the file and the fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vdbo.core.errors import InputError

LISTENER_KEYS = ("audiogram_cfs", "audiogram_levels_l", "audiogram_levels_r")
LISTENER_EXAMPLE = (
    '{"name": "L5001", "audiogram_cfs": [250, 500, ...], '
    '"audiogram_levels_l": [20, 25, ...], "audiogram_levels_r": [30, 30, ...]}'
)
SPLITS = ("train", "test")
"""MUSDB18-HQ's two audio folders, the only values of a song's ``Split``."""
SEGMENT_KINDS = ("objective_evaluation", "subjective_evaluation")
"""Segments of ``musdb18.segments.test.json``: stems (HAAQI), remix (listening)."""


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, reporting malformed JSON with its position and the file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            path, "file not found", "check the metadata paths in the config"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(
            path,
            f"malformed JSON ({err})",
            "fix the syntax (e.g. `python -m json.tool`)",
        ) from err


def load_listeners(path: str | Path) -> dict[str, dict]:
    """Listeners ``{id: {name, audiogram_cfs, audiogram_levels_l/_r}}``.

    This is the one layout of the Cadenza listener files (``listeners.train``,
    ``.valid`` and ``.test.json``) and of pyclarity's recipes (the official
    ``test.py`` reads ``name``, ``audiogram_cfs`` and ``audiogram_levels_l/_r``).
    ``name`` may be left out (it is then the id); any other key is refused, naming
    it, rather than guessed at.
    """
    data = read_json(path)
    if not isinstance(data, dict) or not data:
        raise InputError(
            path,
            "expected a non-empty object {listener_id: {...}}",
            f'use the Cadenza format: {{"L5001": {LISTENER_EXAMPLE}}}',
        )
    for lid, info in data.items():
        if not isinstance(info, dict):
            raise InputError(
                path,
                f"listener {lid!r} is {type(info).__name__}, not an object",
                f"write it as {LISTENER_EXAMPLE}",
            )
        unknown = [k for k in info if k not in ("name", *LISTENER_KEYS)]
        missing = [k for k in LISTENER_KEYS if k not in info]
        if unknown or missing:
            problem = [f"unknown key {k!r}" for k in unknown]
            problem += [f"lacks {k!r}" for k in missing]
            raise InputError(
                path,
                f"listener {lid!r}: {', '.join(problem)} (keys: "
                f"{', '.join(map(repr, info))})",
                "each listener has exactly the keys name (optional), audiogram_cfs, "
                "audiogram_levels_l and audiogram_levels_r (lists of equal length), "
                f"as in {LISTENER_EXAMPLE}",
            )
        lengths = {len(info[k]) if isinstance(info[k], list) else -1
                   for k in LISTENER_KEYS}  # fmt: skip
        values = [
            v for k in LISTENER_KEYS if isinstance(info[k], list) for v in info[k]
        ]
        if (
            len(lengths) != 1
            or -1 in lengths
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values
            )
        ):
            raise InputError(
                path,
                f"listener {lid!r} has audiogram lists of different lengths or "
                "non-numeric values",
                "give one numeric level per audiogram frequency for each ear",
            )
        if info.setdefault("name", lid) != lid:
            raise InputError(
                path,
                f"listener {lid!r} has name {info['name']!r}",
                "the official recipes name files by both: make name equal the id",
            )
    return data


def load_songs(path: str | Path) -> dict[str, str]:
    """Song list ``[{"Track Name", "Split"}, ...]`` as ``{track name: split folder}``.

    ``Split`` names the MUSDB18-HQ folder the track is in, ``train`` or ``test``
    (CAD1 validation songs come from MUSDB's train folder). The official recipes
    read any other value as ``train``; here it is refused, naming the song.
    """
    data = read_json(path)
    if not isinstance(data, list) or not all(
        isinstance(e, dict) and "Track Name" in e for e in data
    ):
        raise InputError(
            path,
            'expected a list of {"Track Name": ..., "Split": ...} objects',
            "use the Cadenza musdb18.*.json format",
        )
    songs = {}
    for entry in data:
        name = entry["Track Name"]
        if not isinstance(name, str) or "/" in name or not name.strip():
            raise InputError(path, f"invalid track name {name!r}", "fix the name")
        split = entry.get("Split")
        if split not in SPLITS:
            raise InputError(
                path,
                f"song {name!r} has Split {split!r}",
                "Split is the MUSDB18-HQ folder that holds the track: 'train' or "
                "'test' (validation songs are in 'train')",
            )
        songs[name] = split
    return songs


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
    data = read_json(path)
    if not isinstance(data, dict):
        raise InputError(
            path,
            "expected an object {song: {objective_evaluation: {start, end}, ...}}",
            "use the Cadenza musdb18.segments.test.json format",
        )
    segments = {}
    for song, entry in data.items():
        segment = entry.get(kind, entry) if isinstance(entry, dict) else entry
        start, end = _segment_bounds(path, song, kind, segment)
        segments[song] = (start, end)
    missing = [s for s in songs or () if s not in segments]
    if missing:
        raise InputError(
            path,
            f"no segment for song {', '.join(map(repr, missing))}",
            f"add each song of the song list with its {kind} start and end "
            "(seconds), or point scoring.segments_file at the segments of this "
            "song list",
        )
    for song, seconds in (durations or {}).items():
        if song not in segments:
            continue
        start, end = segments[song]
        if end > seconds:
            raise InputError(
                path,
                f"segment of {song!r} ends at {end:g} s, after the song's end "
                f"({seconds:g} s)",
                "a segment must lie inside its song: check the song's audio and "
                "that this file belongs to this song list",
            )
    return segments


def _segment_bounds(
    path: str | Path, song: str, kind: str, segment: Any
) -> tuple[float, float]:
    """(start, end) of one segment entry, or an error naming the song and file."""
    example = f'{{"{song}": {{"{kind}": {{"start": 30.0, "end": 60.0}}}}}}'
    if not isinstance(segment, dict) or not {"start", "end"} <= set(segment):
        keys = list(segment) if isinstance(segment, dict) else segment
        raise InputError(
            path,
            f"song {song!r} has no {kind} start and end (found {keys!r})",
            f"write {example}",
        )
    start, end = segment["start"], segment["end"]
    numeric = all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in (start, end)
    )
    if not numeric or not 0 <= start < end:
        raise InputError(
            path,
            f"segment of {song!r} is start={start!r}, end={end!r}",
            "start and end are seconds with 0 <= start < end",
        )
    return float(start), float(end)


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
