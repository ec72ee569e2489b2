"""Running the real workflow in a subprocess, as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "Snakefile"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def write_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def snakemake(
    workdir: Path,
    configfile: Path,
    *args: str,
    env: dict | None = None,
    timeout: int = 1200,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """``snakemake --cores 2 --configfile ... -d workdir`` from the repository root."""
    cmd = [
        SNAKEMAKE,
        "--snakefile",
        str(SNAKEFILE),
        "--cores",
        "2",
        "--configfile",
        str(configfile),
        "--directory",
        str(workdir),
        *args,
    ]
    result = subprocess.run(
        cmd,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake failed ({result.returncode}):\n{result.stderr[-6000:]}"
        )
    return result


def copy_repository(dest: Path) -> Path:
    """A copy of the working tree's files (tracked and untracked, not ignored).

    A real run from the repository root writes results/ and .snakemake/ there; a
    copy lets a test run the README's commands verbatim from a root of its own.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = REPO / name
        if src.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).symlink_to(os.readlink(src))
        elif src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def user_env(**extra: str) -> dict[str, str]:
    """The environment of a user with the venv active (`snakemake` on PATH)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = f"{Path(SNAKEMAKE).parent}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra}
