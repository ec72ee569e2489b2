"""HAAQI scores of one (song, listener) pair by the official CAD1 evaluation code.

``recipes.cad1.task1.baseline.evaluate._evaluate_song_listener`` runs unchanged: it
seeds numpy from the song's md5 and makes its 8 ``compute_haaqi`` calls in its own
order, so our numbers equal the official ones to the last digit. Two things are added
around it, never inside: scoring a segment (the CAD1 test set scored 30 s excerpts),
done by handing it exact cropped copies of the reference WAVs and enhanced FLACs, and
the HAAQI engine, a ``compute_haaqi`` function the caller hands in (the scoring job
builds it once from ``scoring.engine``), which the official code is made to call
within :func:`vdbo.evaluation.engines.evaluation_calls`.

A reference stem that is silent over the scored samples cannot be scored: pyclarity's
``level1 = 65 - 20 log10(rms)`` is infinite and ``compute_haaqi`` dies in
``input_align`` (IndexError). :func:`reference_levels` finds such stem-ears before any
HAAQI work, on the exact samples the official code scores; ``silent_reference``
decides: ``error`` stops with a message, ``skip`` leaves that call out (its cell is
``nan``, the pair score the mean of the other cells): :class:`SilentSkip` wraps the
engine's function once, before the official code is made to call it. The official
call would die in ``input_align`` before it draws any random number, so a skipped call
leaves numpy's random state where the official code leaves it, and the other calls
run exactly as they would; pairs without a silent stem-ear are untouched.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np
from scipy.io import wavfile

from vdbo import MUSDB_SAMPLE_RATE, SIDES, STEM_SAMPLE_RATE, STEMS
from vdbo.core import layout
from vdbo.core.atomic import atomic_output, write_text
from vdbo.core.audio_io import read_wav_int16
from vdbo.core.errors import InputError
from vdbo.core.official import evaluate_function
from vdbo.evaluation.engines import OFFICIAL, evaluation_calls
from vdbo.evaluation.silence import apply_policy, check_cells, rms_dbfs, scored_range

OFFICIAL_STEM_ORDER = ("drums", "bass", "other", "vocals")
"""The order of ``_evaluate_song_listener``'s calls (left, then right, per stem)."""
SEGMENT_TOLERANCE_S = 0.01
"""How far a cropped stem's length may be off its segment (24 kHz rounding)."""


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
    ref_dir = tmp / "music" / split / song
    ref_dir.mkdir(parents=True)
    for stem in STEMS:
        ref = _crop(music_dir / split / song / f"{stem}.wav", segment, bounds)
        wavfile.write(ref_dir / f"{stem}.wav", MUSDB_SAMPLE_RATE, ref)
    return tmp / "music"


def _crop(path: Path, segment: tuple[float, float] | None, bounds=round) -> np.ndarray:
    """A reference WAV (int16), cropped to the scored segment as it is staged:
    ``bounds`` is ``round`` for ``scoring.segment``, ``int`` (test.py's crop) for
    the evaluation mode."""
    ref = read_wav_int16(path)
    if segment is None:
        return ref
    start_s, end_s = segment
    a, b = bounds(start_s * MUSDB_SAMPLE_RATE), bounds(end_s * MUSDB_SAMPLE_RATE)
    if b > len(ref):
        raise InputError(
            path,
            f"is {len(ref) / MUSDB_SAMPLE_RATE:.2f} s long, shorter than the scored "
            f"segment end {end_s} s",
            "shorten the segment in the config (`scoring.segment`) or the "
            "segments file",
        )
    return ref[a:b]


def reference_levels(
    music_dir: Path,
    split: str,
    song: str,
    segment: tuple[float, float] | None = None,
    bounds=round,
) -> tuple[dict[str, float], str]:
    """RMS in dBFS of each reference stem-ear ("left_drums": -23.1, ...) over exactly
    the samples the official evaluation scores (int16 / 32768 as float32, pyclarity's
    ``resample`` to 24 kHz, one channel), ``-inf`` where they are all zero; and the
    scored range as text."""
    from clarity.utils.signal_processing import resample

    levels = {}
    seconds = 0.0
    for stem in OFFICIAL_STEM_ORDER:
        ref = _crop(Path(music_dir) / split / song / f"{stem}.wav", segment, bounds)
        seconds = len(ref) / MUSDB_SAMPLE_RATE
        ref = resample(
            (ref / 32768.0).astype(np.float32), MUSDB_SAMPLE_RATE, STEM_SAMPLE_RATE
        )
        for channel, side in enumerate(SIDES):
            levels[f"{side}_{stem}"] = rms_dbfs(ref[:, channel])
    return levels, scored_range(segment, seconds)


class SilentSkip:
    """A ``compute_haaqi`` that returns nan, without any HAAQI work, for each call
    whose reference is silent (infinite ``level1``) and passes every other call to
    ``compute_haaqi``; :meth:`check` then makes sure it skipped the ``expected``
    stem-ears, no more and no fewer."""

    def __init__(self, compute_haaqi: Callable[..., float], expected: list[str]):
        self.compute_haaqi = compute_haaqi
        self.expected = list(expected)
        self.skipped = 0

    def __call__(self, **kwargs) -> float:
        if not math.isfinite(kwargs["level1"]):
            self.skipped += 1
            return math.nan
        return self.compute_haaqi(**kwargs)

    def check(self) -> None:
        if self.skipped != len(self.expected):
            raise RuntimeError(
                f"skipped {self.skipped} HAAQI calls, expected {len(self.expected)} "
                f"({self.expected}): the silence check disagrees with the official code"
            )


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


def evaluation_config(music_dir: Path) -> SimpleNamespace:
    """The keys ``_evaluate_song_listener`` reads from its hydra config, as attributes
    (what a ``DictConfig`` gives it; omegaconf itself is not imported for four keys)."""
    return SimpleNamespace(
        path=SimpleNamespace(music_dir=str(music_dir)),
        sample_rate=MUSDB_SAMPLE_RATE,
        stem_sample_rate=STEM_SAMPLE_RATE,
        evaluate=SimpleNamespace(set_random_seed=True),
    )


class PairResult(NamedTuple):
    score: float
    per_stem: dict[str, float]
    skipped: list[str]
    """Stem-ears left out (silent reference): their per_stem value is nan."""
    quiet: dict[str, float]
    """Stem-ears scored with a very quiet reference (silence.QUIET_DBFS): {cell: dB}."""
    scored_range: str


def score_pair_checked(
    song: str,
    listener_id: str,
    listener: dict,
    split: str,
    music_dir: Path,
    enhanced_root: Path,
    segment: tuple[float, float] | None = None,
    compute_haaqi: Callable[..., float] | None = None,
    enhanced_cropped: bool = False,
    silent_reference: str = "error",
) -> PairResult:
    """The official scores of one pair, with the reference checks' findings.

    ``segment`` with ``enhanced_cropped=False`` (``scoring.segment``, a quick look):
    the full-length 24 kHz FLACs and the references are cropped here. With
    ``enhanced_cropped=True`` (the CAD1 evaluation, ``evaluation.enabled``): the FLACs
    were written already cropped by test.py's rule and are scored as they are,
    against the reference WAVs cropped the same way, ``[int(start * 44100):int(end *
    44100)]``, which the official evaluation then resamples to 24 kHz.
    ``compute_haaqi``: the engine's function the official code calls (default
    pyclarity's); ``silent_reference``: ``scoring.silent_reference`` (error or skip).
    """
    evaluate_song_listener = evaluate_function("_evaluate_song_listener")
    compute_haaqi = compute_haaqi or OFFICIAL.compute_haaqi()
    music_dir, enhanced_root = Path(music_dir), Path(enhanced_root)
    for channel in layout.STEM_CHANNELS:
        path = layout.stem_file(enhanced_root, listener_id, song, channel)
        if not path.is_file():
            raise InputError(
                path, "enhanced stem not found", "run the encode step first"
            )
        if enhanced_cropped and segment is not None:
            check_holds_segment(path, segment)
    bounds = int if enhanced_cropped else round
    levels, where = reference_levels(music_dir, split, song, segment, bounds)
    skipped, quiet = apply_policy(
        levels, silent_reference, f"song {song!r}", where, music_dir / split / song
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
        config = evaluation_config(music_dir)
        calls = SilentSkip(compute_haaqi, skipped)
        # the official level1 of a silent reference is 65 - 20 log10(0): expected
        divide = "ignore" if skipped else np.geterr()["divide"]
        with evaluation_calls(calls), np.errstate(divide=divide):
            score, per_stem = evaluate_song_listener(
                song, listener_id, config, split, listener, enhanced_root
            )
        calls.check()
    what = f"pair (song {song!r}, listener {listener_id!r})"
    check_cells(per_stem, skipped, what)
    if skipped:
        kept = [v for v in per_stem.values() if not math.isnan(v)]
        score = float(np.mean(kept)) if kept else math.nan
    return PairResult(score, per_stem, skipped, quiet, where)


def check_holds_segment(path: Path, segment: tuple[float, float]) -> None:
    """A cropped stem FLAC must hold the segment as test.py cuts it."""
    import soundfile

    a, b = (int(s * MUSDB_SAMPLE_RATE) for s in segment)
    seconds = (b - a) / MUSDB_SAMPLE_RATE
    held = soundfile.info(str(path)).frames / STEM_SAMPLE_RATE
    if abs(held - seconds) > SEGMENT_TOLERANCE_S:
        raise InputError(
            path,
            f"holds {held:.3f} s, the objective-evaluation segment "
            f"{segment[0]}-{segment[1]} s is {seconds:.3f} s",
            "set `cropped: false` on this submission if its stems hold whole "
            "songs, or check evaluation.segments_file",
        )


def write_pair_checks(path: Path, result: PairResult, policy: str) -> None:
    """The reference checks of one pair as JSON (counted by aggregate and summary)."""
    import json

    write_text(
        path,
        json.dumps(
            {
                "silent_reference": policy,
                "scored_range": result.scored_range,
                "skipped": result.skipped,
                "quiet_dbfs": result.quiet,
            },
            indent=1,
        ),
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

    ``stem_files``: the eight stem FLACs in :data:`vdbo.core.layout.STEM_CHANNELS`
    order;
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
) -> PairResult:
    """:func:`score_pair_checked` of the files a rule declared (see
    :func:`declared_folders`); ``options``: segment, compute_haaqi,
    enhanced_cropped, silent_reference."""
    music_dir, split, enhanced_root = declared_folders(
        song, listener_id, stem_files, reference_files
    )
    return score_pair_checked(
        song, listener_id, listener, split, music_dir, enhanced_root, **options
    )


def write_pair_scores(
    path: Path, song: str, listener_id: str, score: float, per_stem: dict[str, float]
) -> None:
    """One-row CSV in the official columns, written by the official ``ResultsFile``."""
    with atomic_output(path) as tmp:
        results = evaluate_function("ResultsFile")(str(tmp))
        results.write_header()
        results.add_result(listener_id, song, score=score, instruments_scores=per_stem)
