"""vdbo.core.official: the recipe's numpy functions, identical, without importing
torch."""

import importlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

from vdbo.core.official import (
    BASELINE_ENHANCE,
    BASELINE_EVALUATE,
    enhance_function,
    evaluate_function,
    official,
    replaced,
)

NAMES = [
    "map_to_dict",
    "process_stems_for_listener",
    "remix_signal",
    "save_flac_signal",
]
EVALUATE_NAMES = ["_evaluate_song_listener", "set_song_seed"]
"""The evaluation functions the score, verify_scores and remix_haaqi jobs call."""


def _imported(module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # hydra version_base notice
        return importlib.import_module(module)


@pytest.fixture(scope="module")
def recipe():
    return _imported(BASELINE_ENHANCE)


def _assert_same_code(ours, theirs, module):
    for attr in ("co_code", "co_consts", "co_names", "co_varnames", "co_linetable"):
        assert getattr(ours.__code__, attr) == getattr(theirs.__code__, attr), attr
    assert ours.__code__.co_filename == theirs.__code__.co_filename
    assert ours.__defaults__ == theirs.__defaults__
    assert ours.__module__ == theirs.__module__ == module


@pytest.mark.parametrize("name", [*NAMES, "apply_baseline_ha"])
def test_same_code_as_the_imported_recipe(recipe, name):
    _assert_same_code(enhance_function(name), getattr(recipe, name), BASELINE_ENHANCE)


@pytest.mark.parametrize("name", EVALUATE_NAMES)
def test_same_code_as_the_imported_evaluation(name):
    module = _imported(BASELINE_EVALUATE)
    ours, theirs = evaluate_function(name), getattr(module, name)
    _assert_same_code(ours, theirs, BASELINE_EVALUATE)
    for used in ("compute_haaqi", "read_flac_signal", "resample", "compute_rms"):
        assert ours.__globals__.get(used, getattr(module, used)) is getattr(
            module, used
        )


def test_results_file_writes_the_official_csv(tmp_path):
    theirs = _imported(BASELINE_EVALUATE).ResultsFile
    for who, cls in (("ours", evaluate_function("ResultsFile")), ("theirs", theirs)):
        results = cls(str(tmp_path / f"{who}.csv"))
        results.write_header()
        per_stem = {f"{side}_{stem}": 0.1 * n for n, (side, stem) in enumerate(
            (side, stem) for stem in ("vocals", "drums", "bass", "other")
            for side in ("left", "right")
        )}  # fmt: skip
        results.add_result("L0001", "A - B", 0.25, per_stem)
    assert (tmp_path / "ours.csv").read_bytes() == (
        tmp_path / "theirs.csv"
    ).read_bytes()


def test_replaced_is_scoped():
    original = evaluate_function("_evaluate_song_listener").__globals__["compute_haaqi"]
    with replaced(BASELINE_EVALUATE, "compute_haaqi", len):
        assert (
            evaluate_function("_evaluate_song_listener").__globals__["compute_haaqi"]
            is len
        )
    assert (
        evaluate_function("_evaluate_song_listener").__globals__["compute_haaqi"]
        is original
    )


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
        "import vdbo.enhancement.amplification, vdbo.enhancement.encoding\n"
        "import vdbo.remix, vdbo.separation.stems_npz\n"
        "from vdbo.core.official import enhance_function\n"
        f"for n in {NAMES!r}: enhance_function(n)\n"
        "heavy = sorted({'torch', 'torchaudio', 'hydra'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_scoring_jobs_import_neither_hydra_nor_pandas():
    """score, verify_scores, score_submission and remix_haaqi: what their one script
    (workflow/scripts/haaqi.py) and its work import."""
    code = (
        "import sys\n"
        "import vdbo.evaluation.job, vdbo.haaqi\n"
        "from vdbo.core.official import evaluate_function\n"
        f"for n in {[*EVALUATE_NAMES, 'ResultsFile']!r}: evaluate_function(n)\n"
        "heavy = sorted({'torch', 'hydra', 'pandas'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
