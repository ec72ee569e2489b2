"""Per-listener gain overrides: a small table the user edits by hand.

Why: a rule cannot know every listener's taste; an audiologist or the listener may
want "vocals +9 dB, drums -6 dB" for one person. The table replaces the strategy's
gains for the listeners it names and leaves everyone else to the rule.

Format: CSV (comma) or TSV (tab; chosen by a ``.tsv``/``.tab`` suffix or, otherwise,
by a tab in the header line), UTF-8, one header line with exactly the columns
``listener, vocals_db, drums_db, bass_db, other_db`` in any order, then one row per
listener. Lines starting with ``#`` and blank lines are ignored. Every cell must be
filled; gains are dB within +-40 and apply to both sides. Example::

    listener,vocals_db,drums_db,bass_db,other_db
    L5040,6,-3,-3,-2

Anything else (missing or unknown column, empty or non-numeric cell, duplicate
listener) raises :class:`vdbo.core.errors.InputError` naming the file, since a silently
ignored row would look like an override that did nothing.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.remix.stem_keys import MAX_GAIN_DB

OVERRIDE_COLUMNS = ("listener",) + tuple(f"{stem}_db" for stem in STEMS)

Overrides = dict[str, dict[str, float]]
"""``{listener name: {stem: gain in dB}}``."""

_FIX = (
    "the table needs one header line 'listener,vocals_db,drums_db,bass_db,other_db' "
    "(comma for .csv, tab for .tsv) and one fully filled row per listener, gains in "
    f"dB within +-{MAX_GAIN_DB:g}"
)


def load_overrides(path: str | Path) -> Overrides:
    """Read the override table at ``path`` into ``{listener: {stem: dB}}``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise InputError(path, "override table not found", _FIX) from err
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(path, f"override table unreadable ({err})", _FIX) from err
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise InputError(path, "override table is empty (no header line)", _FIX)
    delimiter = "\t" if path.suffix.lower() in {".tsv", ".tab"} else None
    if delimiter is None:
        delimiter = "\t" if "\t" in lines[0][1] else ","
    rows = list(csv.reader([line for _, line in lines], delimiter=delimiter))
    header = [cell.strip() for cell in rows[0]]
    _check_header(path, header)

    overrides: Overrides = {}
    for (number, _), cells in zip(lines[1:], rows[1:], strict=True):
        if len(cells) != len(header):
            raise InputError(
                path,
                f"line {number} has {len(cells)} cells, the header has {len(header)}",
                _FIX,
            )
        row = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        name = row["listener"]
        if not name:
            raise InputError(path, f"line {number} has an empty listener", _FIX)
        if name in overrides:
            raise InputError(
                path, f"listener {name!r} appears twice (line {number})", _FIX
            )
        overrides[name] = {
            stem: _gain(path, number, row[f"{stem}_db"], f"{stem}_db") for stem in STEMS
        }
    return overrides


def _check_header(path: Path, header: list[str]) -> None:
    unknown = [column for column in header if column not in OVERRIDE_COLUMNS]
    if unknown:
        raise InputError(path, f"unknown column(s) {unknown}", _FIX)
    missing = [column for column in OVERRIDE_COLUMNS if column not in header]
    if missing:
        raise InputError(path, f"missing column(s) {missing}", _FIX)
    if len(set(header)) != len(header):
        raise InputError(path, "a column appears twice in the header", _FIX)


def _gain(path: Path, number: int, cell: str, column: str) -> float:
    try:
        value = float(cell)
    except ValueError as err:
        raise InputError(
            path, f"line {number}, column {column}: {cell!r} is not a number", _FIX
        ) from err
    if not math.isfinite(value) or abs(value) > MAX_GAIN_DB:
        raise InputError(
            path,
            f"line {number}, column {column}: {cell!r} is outside "
            f"+-{MAX_GAIN_DB:g} dB",
            _FIX,
        )
    return value


def override_for(overrides: Overrides | None, name: str) -> dict[str, float] | None:
    """The override row of listener ``name``, or None."""
    if not overrides:
        return None
    return overrides.get(name)
