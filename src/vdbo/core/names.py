"""Names that become one folder or file name: track names and listener ids.

The official layout puts each song and listener in a folder of its own
(``<listener>/<song>/<listener>_<song>_left_vocals.flac``), so a name that is not
one plain path component on every system the results travel to (``..``, ``a/b``,
``CON`` on Windows, ``Song`` next to ``song`` on macOS) would read or write files
outside their folder or overwrite another's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

WINDOWS_RESERVED_CHARS = '<>:"/\\|?*'
"""Characters no Windows file name may hold (``/`` and ``\\`` are separators)."""
WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{d}{i}" for d in ("COM", "LPT") for i in "123456789"]
)
"""Names Windows keeps for devices, with or without an extension."""
MAX_BYTES = 255
"""The longest file name ext4, APFS and NTFS all take (UTF-8 bytes)."""
ALLOWED = (
    "a non-empty name usable as one folder name on Linux, macOS and Windows: no / "
    f"or \\, none of {WINDOWS_RESERVED_CHARS[:5]}{WINDOWS_RESERVED_CHARS[7:]}, no "
    "control characters, no { or } (Snakemake's wildcards), not . or .., no "
    "leading dot (hidden), no leading or "
    "trailing space, no trailing dot, "
    f"not a Windows device name (CON, NUL, COM1, ...), at most {MAX_BYTES} bytes"
)


def name_problem(name: object) -> str | None:
    """What makes ``name`` unsafe as one path component, or None when it is safe."""
    if not isinstance(name, str):
        return f"is {type(name).__name__}, not a string"
    if not name:
        return "is empty"
    if name in (".", ".."):
        return "names a folder itself (. or ..), not an entry in it"
    if name.startswith("."):
        return (
            "starts with a dot, which hides it (ls, shell globs and file pickers skip "
            "it) among the workflow's own hidden temporary files"
        )
    separators = [c for c in "/\\" if c in name]
    if separators:
        return f"contains the path separator {separators[0]!r}"
    control = [c for c in name if unicodedata.category(c) == "Cc"]
    if control:
        return f"contains the control character {control[0]!r}"
    reserved = [c for c in name if c in WINDOWS_RESERVED_CHARS]
    if reserved:
        return f"contains {reserved[0]!r}, which Windows does not allow in names"
    braces = [c for c in "{}" if c in name]
    if braces:
        return (
            f"contains {braces[0]!r}, which Snakemake reads as a wildcard in the "
            "file names made from it"
        )
    if name != name.strip():
        return "has a leading or trailing space"
    if name.endswith("."):
        return "ends with a dot, which Windows drops"
    if name.split(".")[0].upper() in WINDOWS_DEVICES:
        return f"is the Windows device name {name.split('.')[0].upper()!r}"
    if len(name.encode("utf-8")) > MAX_BYTES:
        return f"is longer than {MAX_BYTES} bytes"
    return None


def folded(name: str) -> str:
    """The form two names share when a case-insensitive (macOS, Windows) or
    normalising (macOS: NFD) file system would store them as one."""
    return unicodedata.normalize("NFC", name).casefold()


def unicode_form(name: str) -> str:
    """Which Unicode normal form ``name`` is in: NFC (macOS and Windows keyboards,
    most Linux tools), NFD (names copied from macOS file systems), or mixed."""
    for form in ("NFC", "NFD"):
        if unicodedata.normalize(form, name) == name:
            return form
    return "mixed NFC and NFD"


def clashes(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of distinct names that one folder on macOS or Windows cannot hold
    side by side (equal after case folding and Unicode normalisation)."""
    seen: dict[str, str] = {}
    found = []
    for name in names:
        key = folded(name)
        if key in seen and seen[key] != name:
            found.append((seen[key], name))
        seen.setdefault(key, name)
    return found
