"""Readable config errors: the offending key and what is wrong, not a schema dump."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml


def config_problems(config: dict, schema_path: str | Path) -> list[str]:
    """One line per schema violation, each naming the config key (``data.root``)."""
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(config), key=lambda e: list(e.path)):
        key = ".".join(str(p) for p in error.path) or "(top level)"
        problems.append(f"config key {key}: {error.message}")
    submission, scoring = config.get("submission") or {}, config.get("scoring") or {}
    if submission.get("enabled"):
        problems += [
            f"config key scoring.{key}: must be null with submission.enabled (the "
            "evaluation files are already cropped to each song's segment)"
            for key in ("segment", "segments_file")
            if scoring.get(key) is not None
        ]
    separators = config.get("separators") or {}
    if separators and not any(s.get("enabled", True) for s in separators.values()):
        problems.append("config key separators: no separator is enabled")
    return problems
