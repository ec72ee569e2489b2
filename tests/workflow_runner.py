"""Running the real workflow in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
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
        str(REPO / "Snakefile"),
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
