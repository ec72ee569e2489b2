"""vdbo.separation.kinds: one registry of separator kinds that everything asks."""

from pathlib import Path

import numpy as np
import pytest
from tinydata import make_dataset

from vdbo import STEMS, preflight
from vdbo.config_check import config_problems
from vdbo.core.errors import InputError
from vdbo.schemas import CONFIG_SCHEMA
from vdbo.separation.kinds import KINDS, Weights, get_kind, register_kind
from vdbo.separation.run import separate_track


def test_kinds_say_what_their_jobs_need():
    assert get_kind("oracle").needs_references and not get_kind("oracle").uses_model
    assert not get_kind("mixture").needs_references
    for name in ("torchaudio_hdemucs", "openunmix", "demucs", "trained"):
        assert get_kind(name).uses_model and not get_kind(name).needs_references
        assert get_kind(name).uses_device
    # user code may use the GPU; precomputed stems never do
    assert get_kind("python").uses_device and not get_kind("python").uses_model
    assert not get_kind("stems").uses_device and get_kind("stems").inputs
    assert not get_kind("oracle").uses_device


def test_unknown_kind_is_named():
    with pytest.raises(InputError, match="unknown separator kind 'magic'.*oracle"):
        get_kind("magic")


def test_reference_kinds_and_a_new_kind(tmp_path):
    """A new kind is one register_kind call (and its name in the config schema's
    description, its own keys there): the separate job runs it, the config check
    takes it, its files become the job's inputs and the preflight checks its
    weights, with no rule naming it."""
    root = make_dataset(tmp_path, {"Song A": "test"}, ["L0001"], seconds=0.5)
    track = root / "audio/musdb18hq/test/Song A"
    oracle = separate_track({"kind": "oracle"}, track)
    mixture = separate_track({"kind": "mixture"}, track)
    assert list(oracle) == list(mixture) == list(STEMS)
    assert np.allclose(sum(oracle.values()), mixture["vocals"], atol=1e-4)

    def silence(spec, track_dir, mixture_samples, device):
        assert mixture_samples.shape == (mixture["vocals"].shape[1], 2)
        return {s: np.zeros_like(mixture[s]) for s in STEMS}

    cached = tmp_path / "cache" / "silence.pt"
    register_kind(
        "silence",
        separate=silence,
        inputs=lambda spec, song: [tmp_path / "settings" / f"{song}.json"],
        weights=lambda spec: [
            Weights("silence", {"model": (cached, "https://example.org/silence.pt")})
        ],
    )
    try:
        stems = separate_track({"kind": "silence"}, track)
        assert all(not v.any() for v in stems.values())
        config = {"separators": {"quiet": {"kind": "silence"}}}
        assert not [p for p in config_problems(config, CONFIG_SCHEMA) if "kind" in p]
        kind = get_kind("silence")
        assert kind.inputs({}, "Song A") == [tmp_path / "settings/Song A.json"]
        specs = [{"kind": "silence"}, {"kind": "oracle"}]
        found = preflight.separator_weights(specs, preflight.Report(), lambda u: False)
        [error] = found.errors
        assert str(cached) in str(error) and "silence weights are not cached" in str(
            error
        )
        found = preflight.separator_weights(specs, preflight.Report(), lambda u: True)
        assert found.errors == [] and found.notes == [
            "silence weights are not cached; its jobs will download them"
        ]
        cached.parent.mkdir()
        cached.write_bytes(b"weights")
        found = preflight.separator_weights(specs, preflight.Report(), lambda u: False)
        assert found.errors == found.notes == []
    finally:
        del KINDS["silence"]
    assert "silence" in config_problems(config, CONFIG_SCHEMA)[0]


def test_kinds_declare_their_weights_and_checkpoints(tmp_path):
    assert get_kind("trained").inputs({"checkpoint": "m.pt"}, "Song") == [Path("m.pt")]
    assert get_kind("openunmix").weights({"model": str(tmp_path)}) == []
    [umxhq] = get_kind("openunmix").weights({})
    assert sorted(umxhq.files) == sorted(STEMS)
    [hdemucs] = get_kind("torchaudio_hdemucs").weights({})
    path, url = hdemucs.files["model"]
    assert path.name == "hdemucs_high_musdbhq_only.pt" and url.endswith(path.name)
    for name in ("oracle", "mixture", "stems", "python", "demucs", "trained"):
        assert get_kind(name).weights is None


def test_a_kind_has_a_model_or_a_separate_function():
    with pytest.raises(ValueError, match="one of load and separate"):
        register_kind("neither")
