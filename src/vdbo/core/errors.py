"""One exception type for bad input, so every entry point reports it alike."""

from __future__ import annotations

from pathlib import Path


class UserFacingError(Exception):
    """An error whose message alone tells the user what to do (no traceback needed)."""


class InputError(UserFacingError, ValueError):
    """Bad input data or configuration: names the offending file and how to fix it.

    Raised instead of producing a silently wrong output.
    """

    def __init__(self, path: str | Path | None, problem: str, fix: str):
        self.path = None if path is None else Path(path)
        self.problem = problem
        self.fix = fix
        where = f"{self.path}: " if self.path is not None else ""
        super().__init__(f"{where}{problem}. Fix: {fix}")
