"""The conda envs (`--sdm conda`) describe the stack the tests run: the venv.

Conda channels cannot be reached here, so the envs are never built by the tests. What
is checked instead: every env file is valid YAML; every Python package an env pins
(conda or pip section) has exactly the version of requirements*.txt; Python is the
venv's 3.11; each env holds every package its rules' scripts import (following vdbo,
clarity and recipes); and pyclarity comes from `<env>.post-deploy.sh` with --no-deps at
the version of requirements-nodeps.txt.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata as md
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
ENVS = REPO / "envs"
ENV_FILES = sorted(ENVS.glob("*.yaml"))
REQUIREMENTS = ("requirements.txt", "requirements-nodeps.txt")
# conda packages that are not Python packages (system libraries and tools)
NON_PYTHON = {"libsndfile", "fluidsynth", "sox", "espeak-ng", "ffmpeg"}
# conda-forge names of Python packages whose PyPI name differs
CONDA_TO_PYPI = {"pytorch": "torch", "soxr-python": "soxr"}
# packages installed by the post-deploy script, not from the env file
POST_DEPLOYED = {"pyclarity"}
# packages followed through their source to find what they import
FOLLOWED = ("vdbo", "clarity", "recipes")


def read_requirements(*names: str) -> dict[str, str]:
    """{canonical name: specifier} of requirements files (no markers, no extras)."""
    pins = {}
    for name in names:
        for line in (REPO / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line:
                req = Requirement(line)
                pins[canonicalize_name(req.name)] = str(req.specifier)
    return pins


def read_env(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """({conda name: version spec}, {pip canonical name: specifier}) of an env file."""
    env = yaml.safe_load(path.read_text())
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                req = Requirement(line)
                pip[canonicalize_name(req.name)] = str(req.specifier)
        else:
            name, _, spec = dep.partition(" ")
            if not spec and "=" in name:
                name, spec = re.split(r"(?==)", name, maxsplit=1)
            conda[name] = spec.strip()
    return conda, pip


def disagreements(path: Path, pins: dict[str, str], python: str) -> list[str]:
    """Every way the env file at ``path`` differs from the tested venv."""
    conda, pip = read_env(path)
    out = []
    for name, spec in conda.items():
        if name == "python":
            if spec.lstrip("=") != python:
                out.append(f"{path.name}: python {spec!r}, the venv runs {python}")
        elif name == "pip" or name in NON_PYTHON:
            continue
        else:
            pypi = canonicalize_name(CONDA_TO_PYPI.get(name, name))
            wanted = pins.get(pypi)
            if wanted is None:
                out.append(f"{path.name}: conda {name} is not in requirements*.txt")
            elif "==" + spec.lstrip("=") != wanted:
                out.append(f"{path.name}: conda {name} {spec!r}, requirements {wanted}")
    for name, spec in pip.items():
        wanted = pins.get(name)
        if name in POST_DEPLOYED:
            out.append(f"{path.name}: {name} belongs in the post-deploy script")
        elif wanted is None:
            out.append(f"{path.name}: pip {name} is not in requirements*.txt")
        elif spec != wanted:
            out.append(f"{path.name}: pip {name}{spec}, requirements {name}{wanted}")
    if "python" not in conda:
        out.append(f"{path.name}: no python pin")
    return out


def makefile_python() -> str:
    found = re.findall(r"python(3\.\d+) -m venv", (REPO / "Makefile").read_text())
    assert found, "the Makefile no longer names the venv's Python"
    return found[0]


def rule_envs_and_scripts() -> dict[str, tuple[str, str]]:
    """{rule: (env file name, script path)} from workflow/rules/*.smk."""
    rules = {}
    for smk in sorted((REPO / "workflow/rules").glob("*.smk")):
        text = smk.read_text()
        for block in re.split(r"^(?=[ \t]*rule \w+:)", text, flags=re.M)[1:]:
            name = re.match(r"\s*rule (\w+):", block).group(1)
            env = re.search(r'conda:\s*"([^"]+)"', block)
            script = re.search(r'script:\s*"([^"]+)"', block)
            if env and script:
                rules[name] = (
                    (smk.parent / env.group(1)).resolve().name,
                    str((smk.parent / script.group(1)).resolve()),
                )
    return rules


def _imports(path: Path, package: str):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                module = ".".join(parts + ([module] if module else []))
            yield module
            yield from (f"{module}.{a.name}" for a in node.names)


@functools.cache
def imported_distributions(script: str) -> frozenset[str]:
    """Distributions a script imports anywhere (also inside functions), following
    vdbo, clarity and recipes through their source."""
    sys.path.insert(0, str(REPO / "src"))
    try:
        seen, tops, todo = set(), set(), [(Path(script), "")]
        while todo:
            path, package = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            for module in _imports(path, package):
                top = module.split(".")[0]
                if top not in FOLLOWED:
                    tops.add(top)
                    continue
                parts = module.split(".")
                for i in range(1, len(parts) + 1):
                    origin = _source(parts[:i])
                    if origin:
                        is_pkg = origin.name == "__init__.py"
                        name = ".".join(parts[: i if is_pkg else i - 1])
                        todo.append((origin, name))
    finally:
        sys.path.remove(str(REPO / "src"))
    dists = _packages_distributions()
    return frozenset(
        {
            canonicalize_name(d)
            for top in tops - set(sys.stdlib_module_names)
            for d in dists.get(top, [top])
        }
        | ({"pyclarity"} if seen & _pyclarity_files() else set())
    )


def _source(parts: list[str]) -> Path | None:
    """The source file of a module of a FOLLOWED package, found without importing."""
    spec = importlib.util.find_spec(parts[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(spec.submodule_search_locations[0]).joinpath(*parts[1:])
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    return md.packages_distributions()


@functools.cache
def _pyclarity_files() -> frozenset[Path]:
    return frozenset(Path(str(f.locate())) for f in md.files("pyclarity") or [])


def installed_closure(names: set[str]) -> set[str]:
    """``names`` and everything they require (as installed in the venv)."""
    out, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in out:
            continue
        out.add(name)
        if name in POST_DEPLOYED:
            continue  # installed with --no-deps
        for line in md.requires(name) or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(req.name))
    return out


def test_env_files_exist_and_rules_use_them():
    rules = rule_envs_and_scripts()
    assert rules, "no rules found"
    assert {env for env, _ in rules.values()} <= {p.name for p in ENV_FILES}
    assert len(ENV_FILES) >= 4


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: p.name)
def test_env_pins_equal_the_tested_venv(path):
    python = makefile_python()
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == python
    pins = read_requirements(*REQUIREMENTS)
    assert disagreements(path, pins, python) == []


def test_a_disagreeing_env_is_caught(tmp_path):
    """The check itself: an env with the old pins fails, naming each difference."""
    env = {
        "name": "old",
        "dependencies": [
            "python =3.10",
            "numpy =1.26",
            "libsndfile",
            {"pip": ["torch==1.13.1", "soundfile==0.12.1", "pyclarity==0.3.4"]},
        ],
    }
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(env))
    found = disagreements(path, read_requirements(*REQUIREMENTS), "3.11")
    assert found == [
        "old.yaml: python '=3.10', the venv runs 3.11",
        "old.yaml: conda numpy '=1.26', requirements ==1.26.4",
        "old.yaml: pip torch==1.13.1, requirements torch==2.9.1",
        "old.yaml: pyclarity belongs in the post-deploy script",
    ]


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: p.name)
def test_env_holds_what_its_rules_import(path):
    scripts = [s for env, s in rule_envs_and_scripts().values() if env == path.name]
    conda, pip = read_env(path)
    post_deploy = path.with_name(path.stem + ".post-deploy.sh")
    provided = set(pip) | {
        canonicalize_name(CONDA_TO_PYPI.get(n, n))
        for n in conda
        if n not in NON_PYTHON | {"python"}
    }
    if post_deploy.exists():
        provided |= set(post_deploy_pins(post_deploy))
    provided = installed_closure(provided)
    for script in scripts:
        needed = imported_distributions(script) - {"vdbo"}
        missing = needed - provided
        assert not missing, f"{path.name} lacks {missing} for {Path(script).name}"


def post_deploy_pins(path: Path) -> dict[str, str]:
    """{name: specifier} of the ``pip install`` lines; each must use --no-deps."""
    pins = {}
    for line in path.read_text().splitlines():
        words = shlex.split(line.split("#")[0])
        if "pip" in words and "install" in words:
            assert "--no-deps" in words, f"{path.name}: {line!r} lacks --no-deps"
            after = words[words.index("install") + 1 :]
            for word in (w for w in after if not w.startswith("-")):
                req = Requirement(word)
                pins[canonicalize_name(req.name)] = str(req.specifier)
    return pins


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: p.name)
def test_post_deploy_installs_pyclarity_without_deps(path):
    post_deploy = path.with_name(path.stem + ".post-deploy.sh")
    scripts = [s for env, s in rule_envs_and_scripts().values() if env == path.name]
    needs_pyclarity = any("pyclarity" in imported_distributions(s) for s in scripts)
    assert post_deploy.exists() == needs_pyclarity
    if not needs_pyclarity:
        return
    assert post_deploy_pins(post_deploy) == read_requirements(REQUIREMENTS[1])
    subprocess.run(["bash", "-n", str(post_deploy)], check=True)
    assert post_deploy.read_text().startswith("#!")
