"""The CAD1 Task 1 evaluation (test-set) submission, packed as the official test.py.

The official ``recipes/cad1/task1/baseline/test.py`` writes every pair's eight cropped
stem FLACs (+ scale ``.txt``) and cropped remix FLAC under
``enhanced_signals/evaluation/<listener>/<song>/`` and packs that folder with
``shutil.make_archive(f"submission_{team_id}", "zip", root_dir="enhanced_signals",
base_dir="evaluation")`` (its ``pack_submission``). vdbo's
``results/enhanced/<separator>/`` is that ``enhanced_signals`` folder; this module
calls the official ``pack_submission`` on it, so the archive has the same member names
and bytes, after checking that the folder holds exactly the run's files (a stale pair
from an earlier run or a half-written temporary folder would be submitted otherwise).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from vdbo.core.errors import InputError

EVALUATION_DIR = "evaluation"
"""test.py's folder name inside ``enhanced_signals``: the zip's top-level member."""


def zip_name(team_id: str) -> str:
    return f"submission_{team_id}.zip"


def check_contents(root_dir: Path, expected: Iterable[str | Path]) -> None:
    """Fail unless ``root_dir/evaluation`` holds exactly the ``expected`` files."""
    root_dir = Path(root_dir)
    folder = root_dir / EVALUATION_DIR
    wanted = {Path(p).resolve() for p in expected}
    present = {p.resolve() for p in folder.rglob("*") if not p.is_dir()}
    stray = sorted(present - wanted)
    missing = sorted(wanted - present)
    if stray:
        raise InputError(
            stray[0],
            f"{len(stray)} file(s) in {folder} belong to no pair of this run "
            "and would be submitted",
            "delete them (a listener or song removed from the config, or a killed "
            "job's temporary folder), then rerun",
        )
    if missing:
        raise InputError(missing[0], "missing from the submission folder", "rerun")
    empty = [
        d
        for d in folder.rglob("*")
        if d.is_dir() and not any(p.is_file() for p in d.rglob("*"))
    ]
    if empty:
        raise InputError(
            empty[0], "empty folder in the submission folder", "delete it, then rerun"
        )


def pack(root_dir: Path, team_id: str, out: Path, expected: Iterable) -> Path:
    """``submission_<team_id>.zip`` of ``root_dir/evaluation`` by the official code.

    The official ``pack_submission`` writes to the working directory: it runs in a
    temporary folder beside ``out`` and the archive is moved into place when complete.
    """
    from recipes.cad1.task1.baseline.test import pack_submission

    root_dir, out = Path(root_dir).resolve(), Path(out).resolve()
    check_contents(root_dir, expected)
    if out.name != zip_name(team_id):
        raise ValueError(f"{out} must be named {zip_name(team_id)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".tmp-") as tmp:
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            pack_submission(team_id=team_id, root_dir=root_dir, base_dir=EVALUATION_DIR)
        finally:
            os.chdir(cwd)
        (Path(tmp) / out.name).replace(out)
    return out
