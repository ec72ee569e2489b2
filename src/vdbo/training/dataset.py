"""MUSDB18-HQ training examples: random augmented chunks and fixed validation chunks.

Training follows the usual recipe of Open-Unmix and Demucs: a random excerpt of a few
seconds per example, each stem optionally taken from a different song, scaled by a
random gain and with its channels swapped at random, and the mixture rebuilt as the
sum of the stems. The mixture file itself is never read: MUSDB mixtures are the sum of
their stems, and the sum stays consistent after augmentation.

Stems are held in memory as int16 (the validated reader's output), about 80 MB per
four-minute song: 7 GB for the 86 songs of the MUSDB18-HQ train folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vdbo import STEMS
from vdbo.core.audio_io import MUSDB_SAMPLE_RATE, read_wav_int16
from vdbo.core.errors import InputError

SPLITS = ("train", "test")


@dataclass
class SongStems:
    """One song's four stems, int16, shape ``(4, samples, 2)`` in ``STEMS`` order."""

    name: str
    stems: np.ndarray

    @property
    def samples(self) -> int:
        return self.stems.shape[1]


def track_dir(music_dir: Path, song: str) -> Path:
    """The folder of ``song`` in ``music_dir/train`` or ``music_dir/test``."""
    for split in SPLITS:
        folder = Path(music_dir) / split / song
        if folder.is_dir():
            return folder
    raise InputError(
        Path(music_dir) / "train" / song,
        f"song {song!r} not found in the train or test folder",
        "check the music folder and the song list (MUSDB18-HQ layout: "
        "<music_dir>/{train,test}/<Track Name>/<stem>.wav)",
    )


def load_song(music_dir: Path, song: str) -> SongStems:
    """Read and check the four stems of one song."""
    folder = track_dir(music_dir, song)
    stems = [read_wav_int16(folder / f"{stem}.wav") for stem in STEMS]
    lengths = {s.shape[0] for s in stems}
    if len(lengths) != 1:
        raise InputError(
            folder,
            f"stems have different lengths {sorted(lengths)} samples",
            "re-export the stems of this song with equal lengths",
        )
    return SongStems(song, np.stack(stems))


def load_songs(music_dir: Path, songs: list[str]) -> list[SongStems]:
    """Read every listed song; an empty or duplicated list is an input error."""
    if not songs:
        raise InputError(None, "no training songs given", "list at least one song")
    if len(set(songs)) != len(songs):
        raise InputError(None, "a song is listed twice", "list each song once")
    return [load_song(music_dir, song) for song in songs]


def _excerpt(song: SongStems, stem: int, start: int, length: int) -> np.ndarray:
    """``(2, length)`` float32 of one stem, zero-padded past the song's end."""
    part = song.stems[stem, start : start + length]
    out = np.zeros((2, length), dtype=np.float32)
    out[:, : part.shape[0]] = part.T / 32768.0
    return out


class ChunkSampler:
    """Draws augmented training batches from in-memory songs with a given generator."""

    def __init__(self, songs: list[SongStems], chunk_seconds: float, augment: dict):
        self.songs = songs
        self.length = int(round(chunk_seconds * MUSDB_SAMPLE_RATE))
        self.augment = augment

    def example(self, rng: np.random.Generator) -> np.ndarray:
        """Stems ``(4, 2, length)`` float32 of one augmented example."""
        aug = self.augment
        song = int(rng.integers(len(self.songs)))
        out = np.empty((len(STEMS), 2, self.length), dtype=np.float32)
        for stem in range(len(STEMS)):
            if aug["remix_across_songs"]:
                song = int(rng.integers(len(self.songs)))
            source = self.songs[song]
            start = int(rng.integers(max(source.samples - self.length, 0) + 1))
            gain_db = rng.uniform(aug["gain_db_min"], aug["gain_db_max"])
            swap = bool(rng.random() < 0.5) and aug["channel_swap"]
            chunk = _excerpt(source, stem, start, self.length) * np.float32(
                10 ** (gain_db / 20)
            )
            out[stem] = chunk[::-1] if swap else chunk
        return out

    def batch(self, rng: np.random.Generator, batch_size: int) -> np.ndarray:
        """Stems ``(batch, 4, 2, length)``; the mixture is their sum over axis 1."""
        return np.stack([self.example(rng) for _ in range(batch_size)])


def validation_chunks(
    songs: list[SongStems], chunk_seconds: float, max_chunks_per_song: int | None
) -> np.ndarray:
    """Fixed, unaugmented stems ``(chunks, 4, 2, length)``, spread over each song.

    Chunks are evenly spaced so that intros do not dominate the validation loss.
    """
    length = int(round(chunk_seconds * MUSDB_SAMPLE_RATE))
    chunks = []
    for song in songs:
        count = max(song.samples // length, 1)
        if max_chunks_per_song is not None:
            count = min(count, max_chunks_per_song)
        starts = np.linspace(0, max(song.samples - length, 0), count).astype(int)
        for start in starts:
            chunks.append(
                np.stack(
                    [_excerpt(song, s, int(start), length) for s in range(len(STEMS))]
                )
            )
    return np.stack(chunks)
