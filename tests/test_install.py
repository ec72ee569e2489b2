"""vdbo installs anywhere: ``pip install .`` (not editable) into a clean venv gives a
working library outside the repository, schemas included (package data)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

OUTSIDE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import vdbo
    from vdbo.core import metadata, schema

    assert Path(vdbo.__file__).is_relative_to(sys.prefix), vdbo.__file__
    config = schema.load_schema()
    assert config["properties"]["scoring"]["properties"]["engine"]["default"]
    listeners = metadata.load_listeners("listeners.json")
    try:
        metadata.load_listeners("bad_listeners.json")
    except metadata.InputError as err:
        print(json.dumps({"error": str(err)}))
    print(json.dumps({"file": vdbo.__file__, "listeners": sorted(listeners)}))
    """
)


def _dependency_dirs() -> list[str]:
    """Where this interpreter finds vdbo's dependencies (never vdbo's own source)."""
    source = str(REPO / "src")
    return [p for p in sys.path if p.endswith("-packages") and p != source]


def test_a_non_editable_install_works_outside_the_repository(tmp_path):
    # a copy of what the package is built from, so that the build leaves the
    # repository untouched (setuptools writes build/ and *.egg-info beside it)
    tree = tmp_path / "tree"
    shutil.copytree(
        REPO / "src",
        tree / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    shutil.copy(REPO / "pyproject.toml", tree)
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies already installed here (numpy, PyYAML, jsonschema, pip,
    # setuptools), without vdbo: a .pth line adds a folder but not its .pth files,
    # so an editable vdbo there stays invisible
    Path(site, "dependencies.pth").write_text("\n".join(_dependency_dirs()) + "\n")
    install = [python, "-m", "pip", "install", "-q", "--no-deps"]
    install += ["--no-build-isolation", "--no-index", str(tree)]
    subprocess.run(install, check=True, cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listener = {
        "name": "L0001",
        "audiogram_cfs": [250, 500, 1000, 2000, 3000, 4000, 6000, 8000],
        "audiogram_levels_l": [10] * 8,
        "audiogram_levels_r": [20] * 8,
    }
    (elsewhere / "listeners.json").write_text(json.dumps({"L0001": listener}))
    bad = {**listener, "name": "L0002", "audiogram_levels_l": "loud"}
    (elsewhere / "bad_listeners.json").write_text(json.dumps({"L0002": bad}))
    done = subprocess.run(
        [python, "-I", "-c", OUTSIDE],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    print(done.stdout, done.stderr)
    assert done.returncode == 0
    error, result = (json.loads(line) for line in done.stdout.splitlines())
    assert Path(result["file"]).is_relative_to(venv)  # not the repository's src/
    assert not Path(result["file"]).is_relative_to(REPO)
    assert result["listeners"] == ["L0001"]
    assert "bad_listeners.json" in error["error"]
    assert "audiogram_levels_l" in error["error"]
    schemas = Path(result["file"]).parent / "schemas"
    assert sorted(p.name for p in schemas.glob("*.yaml")) == [
        "config.schema.yaml",
        "listeners.schema.yaml",
        "segments.schema.yaml",
        "songs.schema.yaml",
    ]
