"""`--config` on the command line: nested numbers and booleans read as the schema
types them (snakemake hands nested values over as strings)."""

from __future__ import annotations

import pytest
from workflow_runner import REPO, snakemake

from vdbo.core.schema import read_cli_values


def test_strings_are_read_as_the_schema_types_them():
    given = {
        "enhancement": {"nalr": {"nfir": "200"}, "apply_compressor": "true",
                        "compressor": {"threshold": "0.5"}},
        "scoring": {"segment": "null", "verify_pairs": "two"},
        "data": {"root": "123", "select_songs": ["1"]},
    }  # fmt: skip
    config = read_cli_values({k: dict(v) for k, v in given.items()}, given)
    assert config["enhancement"]["nalr"] == {"nfir": 200}
    assert config["enhancement"]["apply_compressor"] is True
    assert config["enhancement"]["compressor"]["threshold"] == 0.5
    assert config["scoring"] == {"segment": None, "verify_pairs": "two"}
    assert config["data"] == {"root": "123", "select_songs": ["1"]}  # strings stay


@pytest.mark.slow
def test_nested_integer_float_and_boolean_from_the_command_line(tmp_path):
    config = REPO / "config/config.yaml"
    good = "enhancement={nalr: {nfir: 200}, apply_compressor: true, compressor: {threshold: 0.5}}"  # noqa: E501
    run = snakemake(tmp_path / "run", config, "-n", "--config", good, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    bad = "enhancement={nalr: {nfir: -3}, apply_compressor: maybe, compressor: {threshold: x}}"  # noqa: E501
    run = snakemake(tmp_path / "run", config, "-n", "--config", bad, check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "enhancement.nalr.nfir: -3 is less than the minimum of 1" in output
    assert "enhancement.apply_compressor: 'maybe' is not of type 'boolean'" in output
    assert "enhancement.compressor.threshold: 'x' is not of type 'number'" in output
