"""A stand-in for the real CAD1 Task 1 data: everything but the music.

The exact Cadenza CAD1 Task 1 layout the official recipe reads (pyclarity 0.3.4
``recipes/cad1/task1/baseline``: ``config.yaml``, ``enhance.py``, ``test.py``,
``evaluate.py``)::

    audio/musdb18hq/{train,test}/<Track Name>/{mixture,vocals,drums,bass,other}.wav
    metadata/musdb18.{train,valid,test}.json          [{"Track Name", "Split"}, ...]
    metadata/listeners.{train,valid,test}.json         {id: {name, audiogram_cfs,
                                                        audiogram_levels_l/_r}}
    metadata/musdb18.segments.test.json                {song: {objective_evaluation:
                                                        {start, end},
                                                        subjective_evaluation: {...}}}

with the fields those scripts read (validation songs live in MUSDB's ``train/``, test
songs in ``test/``), short synthetic songs (``tinydata.synth_stems``), real audiograms
(clarity, MIT) and track names with spaces, apostrophes, ampersands, parentheses and a
non-ASCII letter. The segment start 0.7 s is one where ``int(0.7 * 44100)`` (30869,
test.py's crop) and ``round`` (30870) differ.
"""

from __future__ import annotations

import json
from pathlib import Path

from tinydata import CLARITY_LISTENERS, write_track

VALID_SONGS = ("Zoë's Band - Salt & Pepper (Live)", "Al James - Schoolboy Fascination")
TEST_SONGS = ("Mötley & Sons - Don't Look (Back)", "The Doppler Shift - Atrophy")
TRAIN_SONGS = ("A Classic Education - Night Owl",)
LISTENERS = {
    "train": ("L0001", "L0002"),
    "valid": ("L0066", "L0045"),
    "test": ("L0026", "L0010"),
}
OBJECTIVE = {"start": 0.7, "end": 1.9}
SUBJECTIVE = {"start": 0.3, "end": 2.1}


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False), encoding="utf-8")


def make_standin(
    root: Path,
    valid_songs: int = 1,
    test_songs: int = 1,
    listeners: int = 1,
    seconds: float = 2.5,
) -> Path:
    """Write the stand-in under ``root`` (the folder a config's ``data.root`` names)."""
    lists = {
        "train": [(s, "train") for s in TRAIN_SONGS],
        "valid": [(s, "train") for s in VALID_SONGS[:valid_songs]],
        "test": [(s, "test") for s in TEST_SONGS[:test_songs]],
    }
    seed = 0
    for entries in lists.values():
        for song, split in entries:
            write_track(root / "audio/musdb18hq" / split / song, seed, seconds)
            seed += 1
    meta = root / "metadata"
    meta.mkdir(parents=True, exist_ok=True)
    known = json.loads(CLARITY_LISTENERS.read_text(encoding="utf-8"))
    for split, entries in lists.items():
        _write_json(
            meta / f"musdb18.{split}.json",
            [{"Track Name": s, "Split": folder} for s, folder in entries],
        )
        chosen = LISTENERS[split] if split == "train" else LISTENERS[split][:listeners]
        _write_json(meta / f"listeners.{split}.json", {k: known[k] for k in chosen})
    _write_json(
        meta / "musdb18.segments.test.json",
        {
            song: {
                "objective_evaluation": OBJECTIVE,
                "subjective_evaluation": SUBJECTIVE,
            }
            for song, _ in lists["test"]
        },
    )
    return root
