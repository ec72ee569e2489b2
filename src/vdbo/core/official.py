"""The official recipe's numpy functions, without the heavy imports of their modules.

``recipes.cad1.task1.baseline.enhance`` imports torch, torchaudio and hydra at module
level (about 3 s and 900 MB per job), although the functions the enhance, encode and
remix jobs call from it (``map_to_dict``, ``process_stems_for_listener``,
``remix_signal``, ``save_flac_signal``) are plain numpy. Its ``evaluate`` imports
hydra, omegaconf and pandas (about 0.6 s per score job) for its command-line entry
point only; the score jobs call ``_evaluate_song_listener``, ``set_song_seed`` and
``ResultsFile``. :func:`official` compiles such a function from the installed
pyclarity's own source file and binds only the module-level names it uses, each
resolved the same way (an import, another function, an assignment such as
``logger``). Nothing is copied: a pyclarity upgrade is picked up as it is, and a
function that comes to need torch raises :class:`ImportError` here instead of
silently importing it. ``tests/test_official.py`` checks that the functions
have the official bytecode and give the official outputs.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BASELINE_ENHANCE = "recipes.cad1.task1.baseline.enhance"
BASELINE_EVALUATE = "recipes.cad1.task1.baseline.evaluate"

HEAVY_MODULES = frozenset({"torch", "torchaudio", "hydra", "omegaconf", "pandas"})
"""Top-level packages whose import is what this module avoids."""


def enhance_function(name: str) -> Any:
    """A function of the official ``recipes.cad1.task1.baseline.enhance``."""
    return official(BASELINE_ENHANCE, name)


def evaluate_function(name: str) -> Any:
    """A function or class of the official ``recipes.cad1.task1.baseline.evaluate``."""
    return official(BASELINE_EVALUATE, name)


@contextlib.contextmanager
def replaced(module: str, name: str, value: Any) -> Iterator[None]:
    """Within the block, the official functions of ``module`` find ``value`` under the
    global ``name`` (for example the ``compute_haaqi`` the evaluation calls)."""
    namespace = _Module.get(module).namespace
    original = official(module, name)
    namespace[name] = value
    try:
        yield
    finally:
        namespace[name] = original


def official(module: str, name: str) -> Any:
    """``module.name``, compiled from the module's source without its other imports
    (once: the module's namespace keeps it), as the official functions see it now,
    so inside :func:`replaced` the replacement."""
    return _Module.get(module).resolve(name)


class _Module:
    """One official module's source, and the namespace its functions run in."""

    _loaded: dict[str, _Module] = {}

    @classmethod
    def get(cls, module: str) -> _Module:
        if module not in cls._loaded:
            cls._loaded[module] = cls(module)
        return cls._loaded[module]

    def __init__(self, module: str):
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise ImportError(f"{module} is not installed (pip install pyclarity)")
        self.module = module
        self.path = Path(spec.origin)
        tree = ast.parse(self.path.read_text(encoding="utf-8"), str(self.path))
        self.future = [
            n
            for n in tree.body
            if isinstance(n, ast.ImportFrom) and n.module == "__future__"
        ]
        # The module's imports, compiled but never run (``if False:``): the compiler
        # reads them to choose its bytecode for attribute calls on imported names.
        imports = [
            n
            for n in tree.body
            if isinstance(n, ast.Import | ast.ImportFrom) and n not in self.future
        ]
        self.imports = [ast.If(test=ast.Constant(False), body=imports, orelse=[])]
        self.bindings: dict[str, ast.stmt] = {}
        for node in tree.body:
            for bound in _bound_names(node):
                self.bindings.setdefault(bound, node)
        self.namespace: dict[str, Any] = {
            "__name__": module,
            "__file__": str(self.path),
            "__builtins__": builtins,
        }
        self.done: set[int] = set()

    def resolve(self, name: str) -> Any:
        if name not in self.namespace:
            node = self.bindings.get(name)
            if node is None:
                raise ImportError(f"{self.module} defines no {name!r} ({self.path})")
            self._bind(node, name)
        return self.namespace[name]

    def _bind(self, node: ast.stmt, name: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name.split(".")[0]) == name:
                    self._refuse_heavy(alias.name, name)
                    top = importlib.import_module(alias.name)
                    if alias.asname is None:
                        top = importlib.import_module(alias.name.split(".")[0])
                    self.namespace[name] = top
            return
        if isinstance(node, ast.ImportFrom):
            source = importlib.util.resolve_name(
                "." * node.level + (node.module or ""), self.module.rpartition(".")[0]
            )
            for alias in node.names:
                if (alias.asname or alias.name) != name:
                    continue
                if source.split(".")[0] == self.module.split(".")[0]:
                    # Same package (recipes): resolve through its source too, so that
                    # its own heavy imports are skipped as well.
                    self.namespace[name] = official(source, alias.name)
                else:
                    self._refuse_heavy(source, name)
                    imported = importlib.import_module(source)
                    self.namespace[name] = getattr(imported, alias.name)
            return
        if id(node) in self.done:
            return
        self.done.add(id(node))
        alone = self._compile([*self.future, node])
        for used in sorted(_global_names(alone) & set(self.bindings)):
            if used not in self.namespace and self.bindings[used] is not node:
                self.resolve(used)
        code = self._compile([*self.future, *self.imports, node])
        exec(code, self.namespace)  # noqa: S102 - the installed official source

    def _compile(self, body: list[ast.stmt]):
        module = ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))
        return compile(module, str(self.path), "exec", dont_inherit=True)

    def _refuse_heavy(self, imported: str, name: str) -> None:
        if imported.split(".")[0] in HEAVY_MODULES:
            raise ImportError(
                f"{self.module} binds {name!r} through `{imported}`, which vdbo "
                "loads only in model jobs; import the module itself instead"
            )


def _bound_names(node: ast.stmt) -> list[str]:
    """Names a top-level statement binds."""
    if isinstance(node, ast.Import):
        return [a.asname or a.name.split(".")[0] for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return (
            []
            if node.module == "__future__"
            else [a.asname or a.name for a in node.names]
        )
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _global_names(code) -> set[str]:
    """Every name a code object (and the code nested in it) may look up globally."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _global_names(const)
    return names
