"""Writing outputs all at once: a file appears complete under its name, or not at all.

Snakemake deletes the declared outputs of a job that fails, and marks those of a
killed run incomplete. Files are also read outside that protection (the official
tools on ``results/enhanced/``, a run with ``--keep-incomplete`` or without its
``.snakemake`` metadata, a half-written file after a power cut), so every writer
writes to a hidden temporary name in the same folder and renames it into place: a
rename within one file system is atomic, and a failed or killed write leaves only the
hidden temporary file (deleted on failure; after SIGKILL it stays, hidden and never
mistaken for an output, until the next write of the same output removes it).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path


def temporary_name(path: Path) -> Path:
    """A hidden, unique name beside ``path`` with the same suffix (writers that
    choose the format from the suffix, such as soundfile or numpy, keep working)."""
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    return path.with_name(f".{path.stem}.{token}.tmp{path.suffix}")


PID_DIGITS = 7
"""The widest process id: Linux's pid_max is at most 2**22 (4194304)."""


def temporary_name_extra_bytes() -> int:
    """Bytes :func:`temporary_name` adds to a file name, at the widest process id
    (a name that fits 255 bytes only without them fails when written)."""
    plain = Path("x.flac")
    grown = len(temporary_name(plain).name) - len(plain.name)
    return grown - len(str(os.getpid())) + PID_DIGITS


def stale_temporaries(path: Path) -> list[Path]:
    """Temporaries of ``path`` left by killed writers. Snakemake runs one job per
    output at a time (and locks the folder against a second run), so any found when
    a job starts writing ``path`` are stale."""
    pattern = f".{glob.escape(path.stem)}.*.tmp{glob.escape(path.suffix)}"
    exact = re.compile(
        rf"\.{re.escape(path.stem)}\.\d+-[0-9a-f]{{8}}\.tmp{re.escape(path.suffix)}"
    )
    return sorted(p for p in path.parent.glob(pattern) if exact.fullmatch(p.name))


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write ``path`` to; renamed onto ``path`` when the
    block succeeds, deleted when it raises (any exception, Ctrl-C included).

    The temporary file is flushed to disk before the rename, so even a power cut
    leaves the old file or the complete new one. Parent folders are created.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_temporaries(path):
        stale.unlink(missing_ok=True)
    tmp = temporary_name(path)
    try:
        yield tmp
        if not tmp.is_file():
            raise FileNotFoundError(f"{tmp}: the writer did not create its file")
        with open(tmp, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """``Path(path).write_text(text)``, atomically."""
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)
