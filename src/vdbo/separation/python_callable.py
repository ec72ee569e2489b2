"""Separator ``kind: python``: a Python function of the user's, run in the separate job.

The contract (``callable: package.module:function`` in the config)::

    def separate(mixture, sample_rate, *, device="cpu", **options):
        # mixture: numpy float32, shape (2, samples), scaled as the official recipes
        #          read MUSDB18-HQ (int16 / 32768); sample_rate: 44100
        # device:  the job's torch device (separation.device), passed only if the
        #          function has a `device` parameter (or **kwargs)
        # options: the separator's `options` mapping from the config, as keywords
        return {"vocals": ..., "drums": ..., "bass": ..., "other": ...}

Each stem is a numpy array or torch tensor (any device) of shape (2, samples), as long
as the mixture, finite; it is stored as float32, and the mapping's order is the order
the official remix sums the stems in. Anything else stops the job with a message
naming the callable. The function runs inside the ``separate`` job, under its threads
(``torch.set_num_threads``), GPU tag and device; ``python_path`` folders are put in
front of ``sys.path`` first, so a module next to the config needs no installing.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vdbo.core.errors import InputError
from vdbo.separation.checks import check_stems

FIX = (
    "the function must return {'vocals', 'drums', 'bass', 'other'} arrays of shape "
    "(2, samples), as long as the mixture, without NaN or inf (see "
    "src/vdbo/separation/python_callable.py)"
)


def python_path(spec: dict) -> list[Path]:
    """The spec's extra import folders (a string or a list)."""
    extra = spec.get("python_path") or []
    folders = [extra] if isinstance(extra, str) else extra
    return [Path(p).expanduser() for p in folders]


def _split(target: str) -> tuple[str, str]:
    module, _, name = str(target).partition(":")
    if (
        not module
        or not name
        or not all(
            part.isidentifier() for part in [*module.split("."), *name.split(".")]
        )
    ):
        raise InputError(
            None,
            f"callable {target!r} is not of the form package.module:function",
            "write e.g. `callable: my_separators.htdemucs_ft:separate`",
        )
    return module, name


def module_file(spec: dict) -> list[Path]:
    """The callable's source file when it lies in a ``python_path`` folder.

    Found without importing, so that the workflow can make it an input of the separate
    jobs: editing the function reruns them.
    """
    module, _ = _split(spec["callable"])
    relative = Path(*module.split("."))
    for folder in python_path(spec):
        for candidate in (
            folder / relative.with_suffix(".py"),
            folder / relative / "__init__.py",
        ):
            if candidate.is_file():
                return [candidate]
    return []


def load_callable(spec: dict) -> Callable:
    """Import ``package.module:function`` (after adding ``python_path``)."""
    target = spec["callable"]
    module_name, attr = _split(target)
    for folder in reversed(python_path(spec)):
        if not folder.is_dir():
            raise InputError(
                folder,
                "python_path folder not found",
                "point `python_path` at the folder holding your package",
            )
        if str(folder.resolve()) not in sys.path:
            sys.path.insert(0, str(folder.resolve()))
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        raise InputError(
            None,
            f"callable {target!r}: module {err.name!r} not found",
            "install the package into the workflow's environment, or set "
            "`python_path` on this separator to the folder that holds it",
        ) from err
    function = module
    for part in attr.split("."):
        function = getattr(function, part, None)
        if function is None:
            raise InputError(
                getattr(module, "__file__", None),
                f"callable {target!r}: {module_name} has no attribute {attr!r}",
                "check the function name after the ':'",
            )
    if not callable(function):
        raise InputError(
            getattr(module, "__file__", None),
            f"callable {target!r} is a {type(function).__name__}, not a function",
            "name a function or other callable after the ':'",
        )
    return function


def accepts_device(function: Callable) -> bool:
    """Whether ``function`` takes a ``device`` keyword (by name or via **kwargs)."""
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        p.name == "device"
        and p.kind is not p.POSITIONAL_ONLY
        or p.kind is p.VAR_KEYWORD
        for p in params
    )


def run_callable(
    spec: dict, mixture: np.ndarray, sample_rate: int, device: str = "cpu"
) -> dict[str, np.ndarray]:
    """Separate a (samples, 2) float32 mixture with the spec's callable, checked."""
    function = load_callable(spec)
    kwargs = dict(spec.get("options") or {})
    if accepts_device(function):
        kwargs["device"] = device
    stems = function(np.ascontiguousarray(mixture.T).copy(), sample_rate, **kwargs)
    return check_stems(stems, mixture.shape[0], f"callable {spec['callable']}", FIX)
