"""The config schema documents every key, fills defaults and names a bad key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from snakemake.utils import validate

from vdbo import remix, training
from vdbo.config_check import config_problems
from vdbo.core import schema
from vdbo.core.errors import InputError
from vdbo.schemas import CONFIG_SCHEMA

REPO = Path(__file__).resolve().parents[1]
SCHEMA = CONFIG_SCHEMA


def test_shipped_configs_are_valid():
    for name in ("config.yaml", "musdb18hq.yaml", "musdb18hq_eval.yaml"):
        config = yaml.safe_load((REPO / "config" / name).read_text())
        assert config_problems(config, SCHEMA) == [], name


def test_defaults_are_filled_in():
    config = {"data": {"root": "/x"}}
    validate(config, str(SCHEMA))
    assert config["scoring"]["engine"] == "fast"
    assert config["scoring"]["verify_pairs"] == 2
    assert config["enhancement"]["nalr"]["nfir"] == 220
    assert config["enhancement"]["compressor"]["threshold"] == 0.35
    assert config["separators"]["oracle"] == {"kind": "oracle", "enabled": True}


def test_bad_keys_are_named():
    config = {
        "data": {"root": "/x", "rooot": "/y"},
        "scoring": {"engine": "turbo", "segment": {"start": 5}},
        "separators": {"mine": {"kind": "magic"}},
    }
    problems = "\n".join(config_problems(config, SCHEMA))
    assert "config key data: Additional properties" in problems and "rooot" in problems
    assert "config key scoring.engine: 'turbo' is not one of" in problems
    assert "config key scoring.segment: 'end' is a required property" in problems
    assert "config key separators.mine.kind" in problems


def test_every_key_is_documented():
    schema = yaml.safe_load(SCHEMA.read_text())

    def walk(node, path):
        for key, sub in node.get("properties", {}).items():
            is_leaf = "properties" not in sub
            if is_leaf and not ("description" in sub or "default" in sub):
                raise AssertionError(f"{path}{key} has neither description nor default")
            walk(sub, f"{path}{key}.")

    walk(schema, "")
    for key in schema["properties"]:
        assert "description" in schema["properties"][key], key


def test_empty_segment_is_refused():
    config = {"data": {"root": "/x"}, "scoring": {"segment": {"start": 30, "end": 30}}}
    assert config_problems(config, SCHEMA) == [
        "config key scoring.segment: start 30 s is not before end 30 s; give an end "
        "after the start"
    ]


def test_training_device_follows_separation_device():
    model = {"settings": {"device": "cuda"}}
    config = {"data": {"root": "/x"}, "training": {"models": {"m": model}}}
    problems = config_problems(config, SCHEMA)
    assert problems == [
        "config key training.models.m.settings.device: 'cuda', but the workflow "
        "trains on separation.device ('cpu'); remove settings.device or change "
        "separation.device"
    ]
    config["separation"] = {"device": "cuda"}
    assert config_problems(config, SCHEMA) == []


def test_remix_and_training_defaults_have_one_home_the_schema():
    """The Python API and the workflow (Snakemake fills the schema's defaults) resolve
    a remix strategy and training settings to the same values."""
    config = {
        "data": {"root": "/x"},
        "remix": {"strategies": {"a": {"strategy": "audiogram"}}},
        "training": {"models": {"m": {"settings": {"umx": {"nb_layers": 2}}}}},
    }
    validate(config, str(SCHEMA))
    strategy = config["remix"]["strategies"]["a"]
    assert strategy == remix.resolve_config({"strategy": "audiogram"})
    assert strategy["loudness_target_lufs"] == -20.0 and strategy["soft_clip"] is True
    settings = config["training"]["models"]["m"]["settings"]
    assert settings == training.resolve_config({"umx": {"nb_layers": 2}})
    assert settings["umx"]["hidden_size"] == 64 and settings["learning_rate"] == 3e-3
    assert (
        schema.defaults(schema.section("remix", "strategies", "*"))
        == remix.DEFAULT_CONFIG
    )


@pytest.mark.parametrize(
    ("resolve", "given", "message"),
    [
        (remix.resolve_config, {"loudness_target": -14}, "'loudness_target' was une"),
        (remix.resolve_config, {"true_peak_limit_dbtp": 1}, "key true_peak_limit_dbtp"),
        (remix.resolve_config, {"gains_db": {"vocals": 41}}, "key gains_db.vocals: 41"),
        (remix.resolve_config, {"loudness_target_lufs": -0.5}, "below true_peak"),
        (training.resolve_config, {"umx": {"hiden": 1}}, "key umx: Additional"),
        (training.resolve_config, {"batch_size": 0}, "key batch_size: 0 is less"),
        (training.resolve_config, {"umx": {"hidden_size": 63}}, "is even"),
        (training.resolve_config, {"learning_rate": float("nan")}, "nan is not fin"),
    ],
)
def test_remix_and_training_keys_are_checked_by_the_schema(resolve, given, message):
    with pytest.raises(InputError, match=message):
        resolve(given)


def test_schema_loads_as_pyyaml_safe_load_reads_it():
    """vdbo.core.schema parses with libyaml when available: the same schema as
    safe_load."""
    text = schema.SCHEMA_PATH.read_text(encoding="utf-8")
    assert schema.load_schema() == yaml.safe_load(text)
