"""Cadenza metadata: song lists, listener audiograms and scored segments, validated.

The official recipes index these files without checks; a typo there surfaces hours
later as a KeyError. Here every problem is reported with the file and the fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vdbo.errors import InputError

LISTENER_KEYS = ("audiogram_cfs", "audiogram_levels_l", "audiogram_levels_r")


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
    """Listeners ``{id: {name, audiogram_cfs, audiogram_levels_l/_r}}``."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise InputError(
            path, "expected an object {listener_id: {...}}", "use the Cadenza format"
        )
    for lid, info in data.items():
        missing = [
            k for k in LISTENER_KEYS if not isinstance(info, dict) or k not in info
        ]
        if missing:
            raise InputError(
                path,
                f"listener {lid!r} lacks {', '.join(missing)}",
                "each listener needs audiogram_cfs, audiogram_levels_l and "
                "audiogram_levels_r lists of equal length",
            )
        lengths = {len(info[k]) for k in LISTENER_KEYS}
        values = [v for k in LISTENER_KEYS for v in info[k]]
        if len(lengths) != 1 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            raise InputError(
                path,
                f"listener {lid!r} has audiogram lists of different lengths or "
                "non-numeric values",
                "give one numeric level per audiogram frequency for each ear",
            )
        info.setdefault("name", lid)
    return data


def load_songs(path: str | Path) -> dict[str, str]:
    """Song list ``[{"Track Name", "Split"}, ...]`` as ``{track name: split folder}``.

    The split folder follows the official recipe: ``test`` if Split is "test", else
    ``train`` (CAD1 validation songs come from MUSDB's train folder).
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
        if "/" in name or not name.strip():
            raise InputError(path, f"invalid track name {name!r}", "fix the name")
        songs[name] = "test" if entry.get("Split") == "test" else "train"
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


def load_segments(path: str | Path | None) -> dict[str, tuple[float, float]]:
    """Per-song scored segments ``{song: (start_s, end_s)}``.

    Accepts ``{song: {"start": s, "end": e}}`` and the Cadenza test-set form
    ``{song: {"objective_evaluation": {"start": s, "end": e}}}``.
    """
    if not path:
        return {}
    data = read_json(path)
    segments = {}
    for song, entry in data.items() if isinstance(data, dict) else []:
        entry = (
            entry.get("objective_evaluation", entry) if isinstance(entry, dict) else {}
        )
        if not {"start", "end"} <= set(entry) or not entry["end"] > entry["start"] >= 0:
            raise InputError(
                path,
                f"segment of {song!r} needs numeric start < end (seconds)",
                'write {"<song>": {"start": 30.0, "end": 60.0}}',
            )
        segments[song] = (float(entry["start"]), float(entry["end"]))
    if not isinstance(data, dict):
        raise InputError(path, "expected an object {song: {start, end}}", "fix it")
    return segments


SEGMENT_KINDS = ("objective_evaluation", "subjective_evaluation")


def load_test_segments(
    path: str | Path,
) -> dict[str, dict[str, tuple[float, float]]]:
    """The CAD1 test-set segments file (``musdb18.segments.test.json``).

    ``{song: {"objective_evaluation": {"start", "end"}, "subjective_evaluation":
    {...}, ...}}`` as ``{song: {kind: (start_s, end_s)}}``. The official ``test.py``
    crops each amplified stem to the objective segment and the remix to the
    subjective one; other keys of an entry are ignored, as test.py ignores them.
    """
    data = read_json(path)
    if not isinstance(data, dict):
        raise InputError(
            path,
            "expected an object {song: {objective_evaluation: ..., "
            "subjective_evaluation: ...}}",
            "use the Cadenza musdb18.segments.test.json format",
        )
    segments = {}
    for song, entry in data.items():
        kinds = {}
        for kind in SEGMENT_KINDS:
            seg = entry.get(kind) if isinstance(entry, dict) else None
            ok = isinstance(seg, dict) and {"start", "end"} <= set(seg)
            values = [seg["start"], seg["end"]] if ok else []
            if not ok or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values
            ):
                raise InputError(
                    path,
                    f"song {song!r} lacks a numeric {kind} {{start, end}}",
                    f'give each song "{SEGMENT_KINDS[0]}" and "{SEGMENT_KINDS[1]}", '
                    'each {"start": s, "end": e} in seconds',
                )
            if not values[1] > values[0] >= 0:
                raise InputError(
                    path,
                    f"{kind} segment of {song!r} is [{values[0]}, {values[1]}]",
                    "each segment needs 0 <= start < end (seconds)",
                )
            kinds[kind] = (float(values[0]), float(values[1]))
        segments[song] = kinds
    return segments
