"""Bad inputs get a clear error naming the file and the fix, never a wrong output."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.io import wavfile
from tinydata import make_dataset
from workflow_runner import snakemake, write_config

from vdbo import metadata
from vdbo.audio_io import read_wav_float
from vdbo.errors import InputError
from vdbo.separators.run import separate_track

SONG = "Nora & The Owls - Don't Wait"


@pytest.fixture
def track(tmp_path):
    make_dataset(tmp_path / "data", {SONG: "test"}, ["L0045"], seconds=1.0)
    return tmp_path / "data/audio/musdb18hq/test" / SONG


def test_missing_stem_names_the_file(track):
    (track / "bass.wav").unlink()
    with pytest.raises(InputError, match=r"bass\.wav: file not found") as err:
        separate_track({"kind": "oracle"}, track)
    assert "data.root" in str(err.value)


def test_48k_mixture_is_refused(track):
    wavfile.write(track / "mixture.wav", 48000, np.zeros((4800, 2), np.int16))
    with pytest.raises(InputError, match=r"mixture\.wav: sample rate is 48000 Hz"):
        separate_track({"kind": "mixture"}, track)


def test_mono_mixture_is_refused(track):
    wavfile.write(track / "mixture.wav", 44100, np.zeros(4410, np.int16))
    with pytest.raises(InputError, match=r"mixture\.wav: is mono"):
        read_wav_float(track / "mixture.wav")


def test_nan_samples_are_refused(track):
    samples = np.zeros((4410, 2), np.float32)
    samples[100, 1] = np.nan
    wavfile.write(track / "vocals.wav", 44100, samples)
    with pytest.raises(InputError, match=r"vocals\.wav: contains NaN"):
        separate_track({"kind": "oracle"}, track)


def test_float_wav_is_refused_not_misscaled(track):
    wavfile.write(track / "mixture.wav", 44100, np.zeros((4410, 2), np.float32))
    with pytest.raises(InputError, match="expected 16-bit PCM"):
        read_wav_float(track / "mixture.wav")


def test_malformed_listener_json(tmp_path):
    path = tmp_path / "listeners.valid.json"
    path.write_text('{"L0001": {"name": "L0001", "audiogram_cfs": [250, 500],')
    with pytest.raises(InputError, match=r"listeners\.valid\.json: malformed JSON"):
        metadata.load_listeners(path)


def test_listener_with_mismatched_audiogram(tmp_path):
    path = tmp_path / "listeners.json"
    entry = {"audiogram_cfs": [250, 500], "audiogram_levels_l": [10],
             "audiogram_levels_r": [10, 20]}  # fmt: skip
    path.write_text(json.dumps({"L9": entry}))
    with pytest.raises(InputError, match="L9.*different lengths"):
        metadata.load_listeners(path)


def test_unknown_listener_is_named(tmp_path):
    listed = {"L0001": {}, "L0002": {}}
    with pytest.raises(InputError, match=r"listeners 'L0999' not listed"):
        metadata.select(listed, ["L0001", "L0999"], "listeners", tmp_path / "l.json")


@pytest.mark.slow
def test_workflow_reports_absent_song_and_unknown_listener(tmp_path, track):
    root = tmp_path / "data"
    songs = json.loads((root / "metadata/musdb18.valid.json").read_text())
    songs.append({"Track Name": "Ghost Band - Missing Song", "Split": "test"})
    (root / "metadata/musdb18.valid.json").write_text(json.dumps(songs))
    config = {"data": {"root": str(root)}, "scoring": {"segment": None}}
    cfg = write_config(tmp_path / "config.yaml", config)
    run = snakemake(tmp_path / "run", cfg, check=False)
    assert run.returncode != 0
    missing = root / "audio/musdb18hq/test/Ghost Band - Missing Song/mixture.wav"
    assert str(missing) in run.stderr + run.stdout
    assert not (tmp_path / "run/results/summary.csv").exists()

    config["data"]["select_listeners"] = ["L0999"]
    cfg = write_config(tmp_path / "config2.yaml", config)
    run = snakemake(tmp_path / "run", cfg, "-n", check=False)
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert "L0999" in output and "listeners.valid.json" in output
