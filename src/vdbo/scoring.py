"""HAAQI scores of one (song, listener) pair by the official CAD1 evaluation code.

``recipes.cad1.task1.baseline.evaluate._evaluate_song_listener`` runs unchanged: it
seeds numpy from the song's md5 and makes its 8 ``compute_haaqi`` calls in its own
order, so our numbers equal the official ones to the last digit. Two things are added
around it, never inside: scoring a segment (the CAD1 test set scored 30 s excerpts),
done by handing it exact cropped copies of the reference WAVs and enhanced FLACs, and
the choice of HAAQI engine, done by swapping the ``compute_haaqi`` it calls.
"""

from __future__ import annotations

import contextlib
import functools
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from scipy.io import wavfile

from vdbo import MUSDB_SAMPLE_RATE, STEM_SAMPLE_RATE, STEMS, layout
from vdbo.atomic import atomic_output
from vdbo.audio_io import read_wav_int16
from vdbo.errors import InputError, UserFacingError

ENGINES = ("official", "fast")


def fast_haaqi(threads: int | None = None):
    """The fast ``compute_haaqi``, bound to a thread count (None: its default)."""
    from vdbo.haaqi import compute_haaqi

    return (
        compute_haaqi
        if threads is None
        else functools.partial(compute_haaqi, threads=threads)
    )


@contextlib.contextmanager
def haaqi_engine(engine: str, threads: int | None = None) -> Iterator[None]:
    """Make the official evaluation call the chosen ``compute_haaqi``."""
    import recipes.cad1.task1.baseline.evaluate as official

    if engine == "official":
        yield
        return
    if engine != "fast":
        raise InputError(
            None, f"unknown HAAQI engine {engine!r}", f"use one of {ENGINES}"
        )
    original = official.compute_haaqi
    official.compute_haaqi = fast_haaqi(threads)
    try:
        yield
    finally:
        official.compute_haaqi = original


def _crop_flac(src: Path, dst: Path, start: int, end: int) -> None:
    from clarity.utils.flac_encoder import FlacEncoder

    samples, rate = FlacEncoder.decode(src)
    FlacEncoder().encode(np.ascontiguousarray(samples[start:end]), int(rate), dst)
    scale = src.with_suffix(".txt")
    if scale.exists():
        dst.with_suffix(".txt").write_text(scale.read_text(encoding="utf-8"))


def _stage_references(
    tmp: Path,
    music_dir: Path,
    split: str,
    song: str,
    segment: tuple[float, float],
    bounds,
) -> Path:
    """Exact cropped copies of the reference stem WAVs: ``ref[a:b]`` at 44.1 kHz."""
    start_s, end_s = segment
    a, b = bounds(start_s * MUSDB_SAMPLE_RATE), bounds(end_s * MUSDB_SAMPLE_RATE)
    ref_dir = tmp / "music" / split / song
    ref_dir.mkdir(parents=True)
    for stem in STEMS:
        ref = read_wav_int16(music_dir / split / song / f"{stem}.wav")
        if b > len(ref):
            raise InputError(
                music_dir / split / song / f"{stem}.wav",
                f"is {len(ref) / MUSDB_SAMPLE_RATE:.2f} s long, shorter than the "
                f"scored segment end {end_s} s",
                "shorten the segment in the config (`scoring.segment`) or the "
                "segments file",
            )
        wavfile.write(ref_dir / f"{stem}.wav", MUSDB_SAMPLE_RATE, ref[a:b])
    return tmp / "music"


def _stage_segment(
    tmp: Path,
    music_dir: Path,
    split: str,
    song: str,
    listener: str,
    enhanced_root: Path,
    segment: tuple[float, float],
) -> tuple[Path, Path]:
    """Quick look: cropped copies of the references and the 24 kHz enhanced stems."""
    music = _stage_references(tmp, music_dir, split, song, segment, round)
    start_s, end_s = segment
    out_root = tmp / "enhanced"
    layout.pair_dir(out_root, listener, song).mkdir(parents=True)
    a, b = round(start_s * STEM_SAMPLE_RATE), round(end_s * STEM_SAMPLE_RATE)
    for channel in layout.STEM_CHANNELS:
        _crop_flac(
            layout.stem_file(enhanced_root, listener, song, channel),
            layout.stem_file(out_root, listener, song, channel),
            a,
            b,
        )
    return music, out_root


def score_pair(
    song: str,
    listener_id: str,
    listener: dict,
    split: str,
    music_dir: Path,
    enhanced_root: Path,
    segment: tuple[float, float] | None = None,
    engine: str = "official",
    threads: int | None = None,
    enhanced_cropped: bool = False,
) -> tuple[float, dict[str, float]]:
    """The official ``(combined_score, per_instrument_score)`` for one pair.

    ``segment`` with ``enhanced_cropped=False`` (``scoring.segment``, a quick look):
    the full-length 24 kHz FLACs and the references are cropped here. With
    ``enhanced_cropped=True`` (the CAD1 evaluation, ``evaluation.enabled``): the FLACs
    were written already cropped by test.py's rule and are scored as they are,
    against the reference WAVs cropped the same way, ``[int(start * 44100):int(end *
    44100)]``, which the official evaluation then resamples to 24 kHz.
    """
    from omegaconf import OmegaConf
    from recipes.cad1.task1.baseline.evaluate import _evaluate_song_listener

    music_dir, enhanced_root = Path(music_dir), Path(enhanced_root)
    for channel in layout.STEM_CHANNELS:
        path = layout.stem_file(enhanced_root, listener_id, song, channel)
        if not path.is_file():
            raise InputError(
                path, "enhanced stem not found", "run the encode step first"
            )
    with tempfile.TemporaryDirectory(prefix="vdbo-score-") as tmp:
        if segment is not None and enhanced_cropped:
            music_dir = _stage_references(
                Path(tmp), music_dir, split, song, segment, int
            )
        elif segment is not None:
            music_dir, enhanced_root = _stage_segment(
                Path(tmp), music_dir, split, song, listener_id, enhanced_root, segment
            )
        else:
            for stem in STEMS:
                read_wav_int16(music_dir / split / song / f"{stem}.wav")
        config = OmegaConf.create(
            {
                "path": {"music_dir": str(music_dir)},
                "sample_rate": MUSDB_SAMPLE_RATE,
                "stem_sample_rate": STEM_SAMPLE_RATE,
                "evaluate": {"set_random_seed": True},
            }
        )
        with haaqi_engine(engine, threads):
            return _evaluate_song_listener(
                song, listener_id, config, split, listener, enhanced_root
            )


def declared_folders(
    song: str,
    listener_id: str,
    stem_files: Sequence[str | Path],
    reference_files: Sequence[str | Path],
) -> tuple[Path, str, Path]:
    """``(music_dir, split, enhanced_root)`` of a pair's declared files, the folders
    the official evaluation reads them from: the one place where the files a rule
    declares become the layout that ``_evaluate_song_listener`` expects.

    ``stem_files``: the eight stem FLACs in :data:`vdbo.layout.STEM_CHANNELS` order;
    ``reference_files``: the four reference WAVs in :data:`vdbo.STEMS` order.
    """
    stems = [Path(p) for p in stem_files]
    references = [Path(p) for p in reference_files]
    if len(stems) != len(layout.STEM_CHANNELS) or len(references) != len(STEMS):
        raise InputError(
            None,
            f"{len(stems)} stem files and {len(references)} references given",
            f"give the stems {layout.STEM_CHANNELS} and the references {STEMS}",
        )
    music_dir, split = references[0].parents[2], references[0].parents[1].name
    enhanced_root = stems[0].parents[2]
    expected = [music_dir / split / song / f"{stem}.wav" for stem in STEMS] + [
        layout.stem_file(enhanced_root, listener_id, song, c)
        for c in layout.STEM_CHANNELS
    ]
    for given, wanted in zip(references + stems, expected, strict=True):
        if given != wanted:
            raise InputError(
                given,
                "is not where the official evaluation reads it",
                f"declare {wanted} (the official layout) instead",
            )
    return music_dir, split, enhanced_root


def score_pair_files(
    song: str,
    listener_id: str,
    listener: dict,
    stem_files: Sequence[str | Path],
    reference_files: Sequence[str | Path],
    **options,
) -> tuple[float, dict[str, float]]:
    """:func:`score_pair` of the files a rule declared (see :func:`declared_folders`);
    ``options``: segment, engine, threads, enhanced_cropped."""
    music_dir, split, enhanced_root = declared_folders(
        song, listener_id, stem_files, reference_files
    )
    return score_pair(
        song, listener_id, listener, split, music_dir, enhanced_root, **options
    )


def write_pair_scores(
    path: Path, song: str, listener_id: str, score: float, per_stem: dict[str, float]
) -> None:
    """One-row CSV in the official columns, written by the official ``ResultsFile``."""
    from recipes.cad1.task1.baseline.evaluate import ResultsFile

    with atomic_output(path) as tmp:
        results = ResultsFile(str(tmp))
        results.write_header()
        results.add_result(listener_id, song, score=score, instruments_scores=per_stem)


class ScoreMismatch(UserFacingError, RuntimeError):
    """The fast HAAQI engine disagreed with the official one: the run must stop."""


def verify_against(fast_csv: Path, score: float, per_stem: dict[str, float]) -> None:
    """Check a pair's scores (written by the fast engine) equal the official ones."""
    import pandas as pd

    row = pd.read_csv(fast_csv, dtype=str).iloc[0]
    expected = {"score": score, **per_stem}
    differ = {k: (row[k], repr(v)) for k, v in expected.items() if float(row[k]) != v}
    if differ:
        details = ", ".join(
            f"{k}: fast {a} != official {b}" for k, (a, b) in differ.items()
        )
        raise ScoreMismatch(
            f"{fast_csv}: the fast HAAQI engine differs from pyclarity's: {details}. "
            "Set scoring.engine: official and report this."
        )
