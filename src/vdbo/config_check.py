"""Readable config errors: the offending key and what is wrong, not a schema dump."""

from __future__ import annotations

from pathlib import Path

import yaml

from vdbo.core.schema import problems as schema_problems
from vdbo.separation.kinds import KINDS


def config_problems(config: dict, schema_path: str | Path) -> list[str]:
    """One line per schema violation, each naming the config key (``data.root``)."""
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    problems = schema_problems(config, schema, "config")
    # the checks below read only the parts of the schema's shape (the schema
    # reports the rest)
    evaluation, scoring = _dict(config.get("evaluation")), _dict(config.get("scoring"))
    if evaluation.get("enabled"):
        problems += [
            f"config key scoring.{key}: must be null with evaluation.enabled (the "
            "evaluation files are already cropped to each song's segment)"
            for key in ("segment", "segments_file")
            if scoring.get(key) is not None
        ]
    separators = {k: v for k, v in _dict(config.get("separators")).items()
                  if isinstance(v, dict)}  # fmt: skip
    submissions = {k: v for k, v in _dict(config.get("submissions")).items()
                   if isinstance(v, dict)}  # fmt: skip
    if (
        separators
        and not any(s.get("enabled", True) for s in separators.values())
        and not any(s.get("enabled", True) for s in submissions.values())
    ):
        problems.append("config key separators: no separator is enabled")
    for name, spec in separators.items():
        kind = spec.get("kind") if isinstance(spec, dict) else None
        if isinstance(kind, str) and kind not in KINDS:
            problems.append(
                f"config key separators.{name}.kind: {kind!r} is not one of "
                f"{', '.join(KINDS)}"
            )
    segment = _dict(scoring.get("segment"))
    start, end = segment.get("start"), segment.get("end")
    if _number(start) and _number(end) and not start < end:
        problems.append(
            f"config key scoring.segment: start {start} s is not before end {end} s; "
            "give an end after the start"
        )
    problems += _training_device_problems(config, schema)
    return problems


def _training_device_problems(config: dict, schema: dict) -> list[str]:
    """The workflow trains on ``separation.device``; a different settings.device is
    refused rather than silently overridden."""
    default = schema["properties"]["separation"]["properties"]["device"]["default"]
    device = _dict(config.get("separation")).get("device", default)
    models = _dict(_dict(config.get("training")).get("models"))
    return [
        f"config key training.models.{name}.settings.device: {given!r}, but the "
        f"workflow trains on separation.device ({device!r}); remove "
        "settings.device or change separation.device"
        for name, model in models.items()
        if isinstance(model, dict)
        and (given := _dict(model.get("settings")).get("device", device)) != device
    ]


def _dict(value) -> dict:
    """``value`` if it is a mapping, else empty (a wrong type the schema reports)."""
    return value if isinstance(value, dict) else {}


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
