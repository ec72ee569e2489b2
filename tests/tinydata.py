"""A tiny dataset in the MUSDB18-HQ + Cadenza layout, made by the tests.

Short synthetic stems keep HAAQI (about 1.5 s of CPU per second of audio per call)
affordable in tests; names carry the spaces, apostrophes and ampersands of real ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy.io import wavfile

from vdbo import STEMS

REPO = Path(__file__).resolve().parents[1]
CLARITY_LISTENERS = REPO / "resources/listeners/clarity_listeners.json"
RATE = 44100


def synth_stems(seed: int, seconds: float) -> dict[str, np.ndarray]:
    """Four int16 stereo stems that differ in spectrum and rhythm, summing unclipped."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    beat = (np.sin(2 * np.pi * 2.0 * t) > 0.6).astype(float)
    f0 = 110 * 2 ** (rng.integers(0, 12) / 12)
    signals = {
        "vocals": np.sin(2 * np.pi * 4 * f0 * t + 2 * np.sin(2 * np.pi * 5 * t))
        * (np.sin(2 * np.pi * 0.5 * t) > -0.3),
        "drums": rng.standard_normal(t.size) * beat * np.exp(-((t * 2.0) % 0.5) * 12),
        "bass": np.sin(2 * np.pi * f0 / 2 * t) * (0.6 + 0.4 * beat),
        "other": sum(np.sin(2 * np.pi * f0 * r * t) for r in (1, 1.25, 1.5)) / 3,
    }
    pans = {"vocals": 0.5, "drums": 0.35, "bass": 0.5, "other": 0.7}
    out = {}
    for stem, x in signals.items():
        x = x / (np.max(np.abs(x)) + 1e-9) * 0.2
        stereo = np.stack([x * (1 - pans[stem]) * 2, x * pans[stem] * 2], axis=1)
        out[stem] = np.round(stereo * 32767 * 0.9).astype(np.int16)
    return out


def write_track(
    folder: Path,
    seed: int,
    seconds: float,
    silent: dict[str, tuple[int, ...]] | None = None,
) -> Path:
    """One MUSDB18-HQ track folder: the four stems and their exact sum, 16-bit WAV;
    ``silent`` ({stem: channels}) zeroes those channels of those stems."""
    folder.mkdir(parents=True, exist_ok=True)
    stems = synth_stems(seed, seconds)
    for stem, channels in (silent or {}).items():
        stems[stem][:, list(channels)] = 0
    mixture = sum(s.astype(np.int32) for s in stems.values())
    assert np.abs(mixture).max() < 32767
    for stem in STEMS:
        wavfile.write(folder / f"{stem}.wav", RATE, stems[stem])
    wavfile.write(folder / "mixture.wav", RATE, mixture.astype(np.int16))
    return folder


def make_dataset(
    root: Path,
    songs: dict[str, str],
    listeners: list[str],
    seconds: float = 3.0,
    train_songs: tuple[str, ...] = (),
    test_segments: dict[str, tuple[float, float]] | None = None,
    silence: dict[str, dict[str, tuple[int, ...]]] | None = None,
) -> Path:
    """Write ``songs`` ({track name: "test"|"train"}, the validation list) and
    ``train_songs`` (the training list, in ``train/``) with metadata under ``root``.

    ``test_segments`` ({song: (start, end)}) also writes the CAD1 test-set metadata
    the official test.py reads: ``musdb18.test.json`` (the same songs),
    ``listeners.test.json`` and ``musdb18.segments.test.json`` (that segment as both
    the objective and the subjective evaluation segment).
    ``silence`` zeroes channels of stems: {song: {stem: (0, 1)}} makes that stem of
    that song all zeros (0 is the left channel, 1 the right).
    """
    music = root / "audio/musdb18hq"
    everything = {**songs, **dict.fromkeys(train_songs, "train")}
    for i, (song, split) in enumerate(everything.items()):
        write_track(music / split / song, i, seconds, (silence or {}).get(song, {}))
    meta = root / "metadata"
    meta.mkdir(parents=True, exist_ok=True)
    entries = [{"Track Name": s, "Split": split} for s, split in songs.items()]
    (meta / "musdb18.valid.json").write_text(json.dumps(entries, indent=1))
    train = [{"Track Name": s, "Split": "train"} for s in train_songs]
    (meta / "musdb18.train.json").write_text(json.dumps(train, indent=1))
    known = json.loads(CLARITY_LISTENERS.read_text())
    chosen = {lid: known[lid] for lid in listeners}
    (meta / "listeners.valid.json").write_text(json.dumps(chosen, indent=1))
    (meta / "listeners.train.json").write_text(json.dumps(chosen, indent=1))
    if test_segments is not None:
        (meta / "musdb18.test.json").write_text(json.dumps(entries, indent=1))
        (meta / "listeners.test.json").write_text(json.dumps(chosen, indent=1))
        write_segments(root, test_segments)
    return root


def write_segments(
    root: Path,
    objective: dict[str, tuple[float, float]],
    subjective: dict[str, tuple[float, float]] | None = None,
) -> Path:
    """``metadata/musdb18.segments.test.json`` in the Cadenza format: per song an
    ``objective_evaluation`` and a ``subjective_evaluation`` segment (the latter
    defaults to the former)."""
    subjective = subjective or objective
    data = {
        song: {
            "objective_evaluation": {"start": start, "end": end},
            "subjective_evaluation": dict(
                zip(("start", "end"), subjective[song], strict=True)
            ),
        }
        for song, (start, end) in objective.items()
    }
    path = root / "metadata/musdb18.segments.test.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))
    return path
