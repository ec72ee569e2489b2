"""Running the command-line tools the demo needs (fluidsynth, espeak-ng, sox).

A missing tool or a failing call is reported with the Debian package to install and
the tool's own error output, instead of a bare CalledProcessError.
"""

from __future__ import annotations

import shutil
import subprocess

DEBIAN_PACKAGES = {
    "fluidsynth": "fluidsynth fluid-soundfont-gm (or fluidr3mono-gm-soundfont)",
    "espeak-ng": "espeak-ng",
    "sox": "sox",
}


class ExternalToolError(RuntimeError):
    """A required command-line tool is missing or failed."""


def require_tools() -> None:
    """Fail early, before any work, if a tool is not installed."""
    missing = [tool for tool in DEBIAN_PACKAGES if shutil.which(tool) is None]
    if missing:
        packages = " ".join(DEBIAN_PACKAGES[tool] for tool in missing)
        raise ExternalToolError(
            f"the demo dataset needs {', '.join(missing)} on PATH; install them, "
            f"e.g. `apt-get install {packages}`"
        )


def run_tool(args: list[str]) -> None:
    """Run a tool quietly; raise with its stderr if it fails."""
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ExternalToolError(
            f"`{' '.join(args)}` failed with exit code {result.returncode}: "
            f"{result.stderr.strip()[-2000:]}"
        )
