"""vdbo.separation.kinds: one registry of separator kinds that everything asks."""

import numpy as np
import pytest
from tinydata import make_dataset

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.separation.kinds import KINDS, get_kind, register_kind
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
    root = make_dataset(tmp_path, {"Song A": "test"}, ["L0001"], seconds=0.5)
    track = root / "audio/musdb18hq/test/Song A"
    oracle = separate_track({"kind": "oracle"}, track)
    mixture = separate_track({"kind": "mixture"}, track)
    assert list(oracle) == list(mixture) == list(STEMS)
    assert np.allclose(sum(oracle.values()), mixture["vocals"], atol=1e-4)

    def silence(spec, track_dir, mixture_samples, device):
        assert mixture_samples.shape == (mixture["vocals"].shape[1], 2)
        return {s: np.zeros_like(mixture[s]) for s in STEMS}

    register_kind("silence", separate=silence)
    try:
        stems = separate_track({"kind": "silence"}, track)
        assert all(not v.any() for v in stems.values())
    finally:
        del KINDS["silence"]


def test_a_kind_has_a_model_or_a_separate_function():
    with pytest.raises(ValueError, match="one of load and separate"):
        register_kind("neither")
