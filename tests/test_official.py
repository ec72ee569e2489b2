"""vdbo.official: the recipe's numpy functions, identical, without importing torch."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from vdbo.official import BASELINE_ENHANCE, enhance_function, official

NAMES = [
    "map_to_dict",
    "process_stems_for_listener",
    "remix_signal",
    "save_flac_signal",
]


@pytest.fixture(scope="module")
def recipe():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # hydra version_base notice
        import recipes.cad1.task1.baseline.enhance as module
    return module


@pytest.mark.parametrize("name", [*NAMES, "apply_baseline_ha"])
def test_same_code_as_the_imported_recipe(recipe, name):
    ours, theirs = enhance_function(name), getattr(recipe, name)
    for attr in ("co_code", "co_consts", "co_names", "co_varnames", "co_linetable"):
        assert getattr(ours.__code__, attr) == getattr(theirs.__code__, attr), attr
    assert ours.__code__.co_filename == theirs.__code__.co_filename
    assert ours.__defaults__ == theirs.__defaults__
    assert ours.__module__ == theirs.__module__ == BASELINE_ENHANCE


def test_imported_names_are_the_recipes(recipe):
    ours = enhance_function("save_flac_signal").__globals__
    for name in ("np", "resample", "clip_signal", "to_16bit", "FlacEncoder"):
        assert ours[name] is getattr(recipe, name)


def _stems(seed, n=2205):
    rng = np.random.default_rng(seed)
    return {
        f"{side}_{stem}": rng.standard_normal(n) * 0.1
        for stem in ("drums", "bass", "other", "vocals")
        for side in ("left", "right")
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_outputs(recipe, tmp_path, seed):
    from clarity.enhancer.compressor import Compressor
    from clarity.enhancer.nalr import NALR

    rng = np.random.default_rng(seed)
    cfs = np.array([250, 500, 1000, 2000, 3000, 4000, 6000, 8000])
    left, right = rng.uniform(0, 80, 8), rng.uniform(0, 80, 8)
    args = (NALR(nfir=220, fs=44100), Compressor(fs=44100), left, right, cfs)
    stems = _stems(seed)
    for compress in (False, True):
        ours = enhance_function("process_stems_for_listener")(stems, *args, compress)
        theirs = recipe.process_stems_for_listener(stems, *args, compress)
        assert list(ours) == list(theirs)
        assert all(np.array_equal(ours[k], theirs[k]) for k in ours)
    mix = enhance_function("remix_signal")(ours)
    assert np.array_equal(mix, recipe.remix_signal(ours))
    sources = rng.standard_normal((4, 2, 100))
    order = ["vocals", "drums", "bass", "other"]
    mapped = enhance_function("map_to_dict")(sources, order)
    assert mapped.keys() == recipe.map_to_dict(sources, order).keys()
    for options in ({"do_scale_signal": True}, {"do_clip_signal": True}):
        for who, save in (("ours", enhance_function("save_flac_signal")),
                          ("theirs", recipe.save_flac_signal)):  # fmt: skip
            save(mix * 3, tmp_path / f"{who}.flac", 44100, 32000, **options)
        assert (tmp_path / "ours.flac").read_bytes() == (
            tmp_path / "theirs.flac"
        ).read_bytes()


def test_torch_functions_are_refused():
    with pytest.raises(ImportError, match="torch"):
        official(BASELINE_ENHANCE, "decompose_signal")


def test_non_model_jobs_do_not_import_torch():
    code = (
        "import sys\n"
        "import vdbo.enhancement, vdbo.encoding, vdbo.remix, vdbo.stems_npz\n"
        "from vdbo.official import enhance_function\n"
        f"for n in {NAMES!r}: enhance_function(n)\n"
        "heavy = sorted({'torch', 'torchaudio', 'hydra'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
