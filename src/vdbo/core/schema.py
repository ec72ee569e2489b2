"""The config schema (vdbo/schemas/config.schema.yaml) as the one home of config
keys, defaults and limits, for the code that takes a config section outside the
workflow too (:mod:`vdbo.remix.config`, :mod:`vdbo.training.config`).

``section("remix", "strategies", "*")`` is the schema of one remix strategy (``*``
stands for a named entry, the schema's ``additionalProperties``); :func:`defaults`
gives its filled-in defaults and :func:`problems` checks a value against it, one line
per violation naming the key.
"""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

import yaml

from vdbo.schemas import CONFIG_SCHEMA

SCHEMA_PATH = CONFIG_SCHEMA
"""Package data of vdbo (:mod:`vdbo.schemas`), which the workflow validates with."""


@functools.cache
def load_schema() -> dict:
    """The workflow's config schema."""
    # libyaml's safe loader when PyYAML has it: the same dict, 8x faster to parse
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(SCHEMA_PATH.read_text(encoding="utf-8"), Loader=loader)


def section(*keys: str) -> dict:
    """The sub-schema at ``keys`` (``*``: the schema of a named entry)."""
    node = load_schema()
    for key in keys:
        node = node["additionalProperties"] if key == "*" else node["properties"][key]
    return node


def defaults(schema: dict) -> dict[str, Any]:
    """Every default of an object schema, nested objects included (a fresh copy)."""
    filled = {}
    for key, spec in schema.get("properties", {}).items():
        if "properties" in spec and spec.get("default", {}) is None:
            filled[key] = None  # an optional section, off unless given (a segment)
        elif "properties" in spec:
            filled[key] = {**copy.deepcopy(spec.get("default", {})), **defaults(spec)}
        elif "default" in spec:
            filled[key] = copy.deepcopy(spec["default"])
    return filled


def problems(value: Any, schema: dict, label: str) -> list[str]:
    """One line per violation of ``schema``: ``<label> key <key>: <what is wrong>``
    (``<label>: ...`` for the value itself, e.g. an unknown key). Numbers must also
    be finite, which a JSON schema cannot say (YAML has .nan and .inf)."""
    import jsonschema  # only where a value is checked: jobs that import vdbo.remix
    # to score a remix start without it

    validator = jsonschema.Draft202012Validator(schema)
    lines = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.path)):
        key = ".".join(str(p) for p in error.path)
        where = f"{label} key {key}" if key else label
        lines.append(f"{where}: {error.message}")
    lines += [
        f"{label} key {key}: {number} is not finite"
        for key, number in _nonfinite(value)
    ]
    return lines


def _nonfinite(value: Any, key: str = "") -> list[tuple[str, float]]:
    if isinstance(value, float):
        return [] if math.isfinite(value) else [(key, value)]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [
        found
        for k, v in items
        for found in _nonfinite(v, f"{key}.{k}" if key else str(k))
    ]


_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False,
             "off": False}  # fmt: skip
_NULLS = ("", "~", "null")


def read_cli_values(config: dict, given: Any, schema: dict | None = None) -> dict:
    """Read the values given with ``--config`` as the schema types them.

    Snakemake parses a nested ``--config`` value with YAML's BaseLoader, so
    ``--config 'enhancement={nalr: {nfir: 200}}'`` arrives as the string ``'200'``.
    Each string in ``given`` (the command line's values; snakemake's
    ``workflow.config_settings.config``) at a key whose schema takes no string is
    read as the integer, number, boolean or null it spells and written at the same
    key of ``config``; anything else is left for the schema check to report. Returns
    ``config``.
    """
    schema = load_schema() if schema is None else schema
    for keys, value in _typed(given, schema, ()):
        node = config
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return config


def _typed(value: Any, schema: Any, keys: tuple) -> list[tuple[tuple, Any]]:
    """(keys, typed value) of each string under ``value`` that the schema types."""
    if not isinstance(schema, dict):
        return []
    if isinstance(value, dict):
        props, extra = schema.get("properties", {}), schema.get("additionalProperties")
        return [
            found
            for k, v in value.items()
            for found in _typed(v, props.get(k, extra), (*keys, k))
        ]
    if isinstance(value, list):
        items = schema.get("items")
        return [
            found for i, v in enumerate(value) for found in _typed(v, items, (*keys, i))
        ]
    if not isinstance(value, str) or not keys:
        return []
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    if "string" in types or not types:
        return []
    text = value.strip()
    if "null" in types and text.lower() in _NULLS:
        return [(keys, None)]
    if "boolean" in types and text.lower() in _BOOLEANS:
        return [(keys, _BOOLEANS[text.lower()])]
    if types and {"integer", "number"} & set(types):
        try:
            return [(keys, int(text))]
        except ValueError:
            pass
    if "number" in types:
        try:
            return [(keys, float(text))]
        except ValueError:
            pass
    return []
