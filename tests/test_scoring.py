"""Scoring helpers around the official evaluation: segments, engines, aggregation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tinydata import make_dataset

from vdbo import STEMS
from vdbo.core import layout
from vdbo.core.errors import InputError
from vdbo.enhancement.encoding import write_stems
from vdbo.evaluation.aggregate import OFFICIAL_COLUMNS, concat_scores, summarise
from vdbo.evaluation.pairs import (
    _stage_segment,
    declared_folders,
    write_pair_scores,
)

SONG = "Mia's Band - Up & Away"


def test_segment_staging_is_an_exact_crop(tmp_path):
    from clarity.utils.flac_encoder import read_flac_signal
    from scipy.io import wavfile

    data = make_dataset(tmp_path / "data", {SONG: "test"}, ["L0045"], seconds=2.0)
    rng = np.random.default_rng(0)
    processed = {c: rng.uniform(-0.3, 0.3, 88200) for c in layout.STEM_CHANNELS}
    write_stems(processed, tmp_path / "enh", "L0045", SONG, 44100, 24000)

    music, enhanced = _stage_segment(
        tmp_path / "stage", data / "audio/musdb18hq", "test", SONG, "L0045",
        tmp_path / "enh", (0.5, 1.5),
    )  # fmt: skip
    _, full_ref = wavfile.read(data / f"audio/musdb18hq/test/{SONG}/bass.wav")
    _, cut_ref = wavfile.read(music / f"test/{SONG}/bass.wav")
    np.testing.assert_array_equal(cut_ref, full_ref[22050:66150])

    full, _ = read_flac_signal(
        layout.stem_file(tmp_path / "enh", "L0045", SONG, "left_bass")
    )
    cut, rate = read_flac_signal(layout.stem_file(enhanced, "L0045", SONG, "left_bass"))
    assert rate == 24000
    np.testing.assert_array_equal(cut, full[12000:36000])


def test_segment_past_the_end_is_an_error(tmp_path):
    from vdbo.core.errors import InputError

    data = make_dataset(tmp_path / "data", {SONG: "test"}, ["L0045"], seconds=1.0)
    processed = {c: np.full(44100, 0.1) for c in layout.STEM_CHANNELS}
    write_stems(processed, tmp_path / "enh", "L0045", SONG, 44100, 24000)
    with pytest.raises(InputError, match="shorter than the scored segment end 5"):
        _stage_segment(
            tmp_path / "s", data / "audio/musdb18hq", "test", SONG, "L0045",
            tmp_path / "enh", (0.0, 5.0),
        )  # fmt: skip


def test_engine_swap_is_scoped():
    from clarity.evaluator.haaqi import compute_haaqi

    from vdbo.core.official import evaluate_function
    from vdbo.evaluation.engines import evaluation_calls, get_engine
    from vdbo.haaqi import compute_haaqi as fast

    def called():
        """The compute_haaqi the official evaluation calls now."""
        return evaluate_function("_evaluate_song_listener").__globals__["compute_haaqi"]

    with evaluation_calls(get_engine("fast").compute_haaqi()):
        assert called() is fast
    with evaluation_calls(get_engine("fast").compute_haaqi(threads=1)):
        assert called().func is fast
        assert called().keywords == {"threads": 1}
    assert called() is compute_haaqi
    with evaluation_calls(get_engine("official").compute_haaqi(threads=2)):
        assert called() is compute_haaqi  # the official engine takes no threads


def test_aggregation_keeps_official_columns_and_order(tmp_path):
    paths = []
    for n, (song, lid) in enumerate([("S 1", "L1"), ("S 1", "L2"), ("S'2 & 3", "L1")]):
        per = {c: 0.1 * (n + 1) for c in OFFICIAL_COLUMNS[3:]}
        paths.append(tmp_path / f"{n}.csv")
        write_pair_scores(paths[-1], song, lid, 0.1 * (n + 1), per)
    table = concat_scores(paths, tmp_path / "all.csv")
    assert list(table.columns) == OFFICIAL_COLUMNS
    assert list(table["song"]) == ["S 1", "S 1", "S'2 & 3"]
    summary = summarise({"sep": tmp_path / "all.csv"})
    assert summary.loc[0, "haaqi"] == pytest.approx(0.2)
    assert summary.loc[0, "vocals"] == pytest.approx(0.2)
    assert pd.read_csv(tmp_path / "all.csv").shape == (3, 11)


def test_aggregation_keeps_every_digit(tmp_path):
    per = {c: 0.07861049008953029 for c in OFFICIAL_COLUMNS[3:]}
    write_pair_scores(tmp_path / "p.csv", SONG, "L1", 0.07861049008953029, per)
    concat_scores([tmp_path / "p.csv"], tmp_path / "all.csv")
    assert "0.07861049008953029" in (tmp_path / "all.csv").read_text()


def test_declared_files_give_the_folders_the_official_evaluation_reads():
    song, lid = "Ada's Garden - Slow & Low", "L0001"
    refs = [Path("data/music/test") / song / f"{s}.wav" for s in STEMS]
    root = Path("results/enhanced/oracle")
    stems = [layout.stem_file(root, lid, song, c) for c in layout.STEM_CHANNELS]
    assert declared_folders(song, lid, stems, refs) == (
        Path("data/music"),
        "test",
        root,
    )
    moved = [*stems[:-1], Path("elsewhere") / stems[-1].name]
    with pytest.raises(InputError, match="official layout"):
        declared_folders(song, lid, moved, refs)
    with pytest.raises(InputError, match="4 references"):
        declared_folders(song, lid, stems[:7], refs)


def test_evaluation_config_has_every_key_the_official_function_reads():
    import ast
    import inspect

    from vdbo.core.official import evaluate_function
    from vdbo.evaluation.pairs import evaluation_config

    source = inspect.getsource(evaluate_function("_evaluate_song_listener"))
    chains = set()
    for node in ast.walk(ast.parse(source)):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.insert(0, node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id == "config" and parts:
            chains.add(tuple(parts))
    chains = {c for c in chains if not any(o[: len(c)] == c != o for o in chains)}
    # Exactly these: a pyclarity that reads another key fails here.
    assert chains == {
        ("path", "music_dir"),
        ("evaluate", "set_random_seed"),
        ("sample_rate",),
        ("stem_sample_rate",),
    }
    config = evaluation_config(Path("/music"))
    for chain in chains:
        value = config
        for attr in chain:
            value = getattr(value, attr)
    assert config.path.music_dir == "/music"
    assert (config.sample_rate, config.stem_sample_rate) == (44100, 24000)
