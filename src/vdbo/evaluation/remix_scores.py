"""The objective view of a personalised remix: HAAQI per ear against the gained
reference mix.

Why: CAD1 scored only the eight stems, so a remix strategy (the balance the listener
actually hears) had no score. The ICASSP 2024 Cadenza challenge scored the remix: the
reference is the clean MUSDB stems remixed with the *same* target gains, loudness
matched to the original mixture, and HAAQI compares each ear of the enhanced remix
with that reference for that ear's audiogram. A strategy that moves the balance is
thus judged against its own intended balance, and the score measures how well the
separation + hearing-aid chain delivers it.

Differences from the ICASSP 2024 evaluator, and why they do not change its meaning:

* ICASSP 2024 ran pyclarity >= 0.4 and applied NAL-R to the reference itself, then
  called HAAQI with ``equalisation=2`` ("NAL-R already added"). pyclarity 0.3.4's
  ``compute_haaqi`` uses ``equalisation=1``, which adds NAL-R to the reference inside
  HAAQI, so the reference is passed here without NAL-R.
* Both signals are resampled to 24 kHz first (pyclarity ``resample``, soxr), as
  ICASSP 2024 did; see :data:`HAAQI_SAMPLE_RATE`.
* ``level1`` (dB SPL of RMS 1) is 65 dB minus the reference ear's RMS in dB over the
  whole song, as both challenges do; with ``segment`` only that part is scored but
  the level stays the whole-song one, so a quiet passage stays quiet.

Seeding follows the official CAD1 evaluation (numpy seeded from the song's md5), so a
remix HAAQI is reproducible and comparable across strategies. A silent reference ear
follows the same policy as a stem (:mod:`vdbo.evaluation.silence`).

The remix's own loudness matters: the reference is presented at 65 dB SPL, the
remix at its level relative to the reference, so the loudness target of the level
safety trades audibility against the true-peak ceiling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vdbo import MUSDB_SAMPLE_RATE, SIDES, STEM_SAMPLE_RATE, STEMS
from vdbo.core.audio_io import read_wav_float, stereo_float64
from vdbo.core.errors import InputError
from vdbo.core.metadata import ear_audiogram
from vdbo.core.official import evaluate_function
from vdbo.evaluation.engines import OFFICIAL
from vdbo.evaluation.silence import (
    QUIET_DBFS,
    apply_policy,
    check_cells,
    check_policy,
    rms_dbfs,
    scored_range,
)
from vdbo.remix.loudness import integrated_loudness
from vdbo.remix.stem_keys import db_to_amplitude

log = logging.getLogger(__name__)
HAAQI_SAMPLE_RATE = STEM_SAMPLE_RATE
"""Both signals are resampled to this rate before HAAQI (as ICASSP 2024 and CAD1 do):
pyclarity's HAAQI rounds rates to whole kHz, so 44.1 kHz would be read as 44 kHz and
stretch the reference by 0.2 % against a 32 kHz remix, ruining the score."""


def gained_reference_mix(
    reference_stems: dict[str, np.ndarray],
    gains_db: dict[str, float],
    sample_rate: int = MUSDB_SAMPLE_RATE,
    normalise_to_mixture: bool = True,
) -> np.ndarray:
    """Stereo reference: each clean stem times its side's gain, summed.

    ``reference_stems`` maps vocals/drums/bass/other to (samples, 2) float arrays;
    ``gains_db`` is keyed like the processed stems ("left_vocals", ...). With
    ``normalise_to_mixture`` the result gets the integrated loudness of the ungained
    sum (the original mixture), as in ICASSP 2024.
    """
    missing = [stem for stem in STEMS if stem not in reference_stems]
    if missing:
        raise InputError(None, f"reference stems {missing} missing", _STEMS_FIX)
    shapes = {np.asarray(reference_stems[stem]).shape for stem in STEMS}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise InputError(
            None,
            f"reference stems must share one (samples, 2) shape, got {shapes}",
            _STEMS_FIX,
        )
    mixture = np.zeros(next(iter(shapes)))
    gained = np.zeros_like(mixture)
    for stem in STEMS:
        stem_signal = np.asarray(reference_stems[stem], dtype=np.float64)
        mixture += stem_signal
        for channel, side in enumerate(SIDES):
            key = f"{side}_{stem}"
            if key not in gains_db:
                raise InputError(
                    None, f"gains_db has no {key!r}", "pass the gains remix() returned"
                )
            gained[:, channel] += stem_signal[:, channel] * db_to_amplitude(
                gains_db[key]
            )
    if normalise_to_mixture:
        mixture_lufs = integrated_loudness(mixture, sample_rate)
        gained_lufs = integrated_loudness(gained, sample_rate)
        if np.isfinite(mixture_lufs) and np.isfinite(gained_lufs):
            gained *= db_to_amplitude(mixture_lufs - gained_lufs)
    return gained


_STEMS_FIX = (
    "pass the MUSDB18-HQ vocals, drums, bass and other of the song, each (samples, 2) "
    "at 44.1 kHz (e.g. vdbo.core.audio_io.read_wav_float)"
)


def _segment_slice(segment, sample_rate: int, n_samples: int, what: str) -> slice:
    if segment is None:
        return slice(0, n_samples)
    start, end = (float(value) for value in segment)
    first, last = int(round(start * sample_rate)), int(round(end * sample_rate))
    if not 0 <= first < last <= n_samples:
        raise InputError(
            None,
            f"segment {segment} s lies outside the {what} "
            f"({n_samples / sample_rate:.2f} s)",
            "give (start, end) seconds with 0 <= start < end <= duration",
        )
    return slice(first, last)


def _resample(signal: np.ndarray, sample_rate: int) -> np.ndarray:
    from clarity.utils.signal_processing import resample

    return resample(signal, sample_rate, HAAQI_SAMPLE_RATE)


def _level(reference, reference_24k, part, channel) -> float:
    """RMS in dBFS of one side of the reference remix over the samples HAAQI scores,
    ``-inf`` where it is silent (all zero there, or over the whole song)."""
    if not np.any(reference[:, channel]):
        return -np.inf
    return rms_dbfs(reference_24k[part, channel])


def remix_haaqi_and_levels(
    remix_signal: np.ndarray,
    remix_sample_rate: int,
    reference_stems: dict[str, np.ndarray],
    gains_db: dict[str, float],
    listener: dict,
    reference_sample_rate: int = MUSDB_SAMPLE_RATE,
    segment: tuple[float, float] | None = None,
    compute_haaqi: Callable[..., float] | None = None,
    normalise_reference: bool = True,
    seed: int | None = None,
    silent_reference: str = "error",
    name: str = "the remix",
) -> tuple[dict[str, float], dict[str, float]]:
    """HAAQI of each ear of the remix, ``{"left", "right", "mean"}``, and the levels
    of the reference remix that silence was judged by: ``{side: dBFS RMS}`` over the
    scored samples, ``-inf`` where silent.

    Args:
        remix_signal: the remix the listener hears, (samples, 2), e.g. the written
            FLAC read back with ``clarity.utils.flac_encoder.read_flac_signal``.
        remix_sample_rate: its rate (32000 for the written file).
        reference_stems: clean MUSDB stems {stem: (samples, 2)} without NAL-R.
        gains_db: the gains :func:`vdbo.remix.remix` returned ("left_vocals": dB...).
        listener: CAD1 listener dict (its left/right audiograms score each ear).
        reference_sample_rate: rate of ``reference_stems``.
        segment: (start, end) in seconds to score only that part, or None.
        compute_haaqi: a drop-in replacement for pyclarity's ``compute_haaqi`` (same
            keyword arguments), e.g. a faster engine; default the official one.
        normalise_reference: loudness-match the reference to the original mixture.
        seed: if given, ``np.random.seed(seed)`` once before the two calls (HAAQI's
            ear model adds random noise), as the official evaluators do.
        silent_reference: a side whose reference is silent over the scored samples
            cannot be scored: "error" raises InputError, "skip" makes it nan (no
            HAAQI call, no random numbers drawn, as the official call dies before
            drawing any); ``mean`` is then the other side's score.
        name: what the messages call this remix (song, listener, ...).
    """
    remix_signal = stereo_float64(remix_signal, None, "pass the stereo remix")
    check_policy(silent_reference)
    haaqi = compute_haaqi or OFFICIAL.compute_haaqi()
    reference = gained_reference_mix(
        reference_stems, gains_db, reference_sample_rate, normalise_reference
    )
    reference_24k = _resample(reference, reference_sample_rate)
    reference_part = _segment_slice(
        segment, HAAQI_SAMPLE_RATE, reference_24k.shape[0], "reference"
    )
    processed_24k = _resample(remix_signal, remix_sample_rate)
    processed_part = _segment_slice(
        segment, HAAQI_SAMPLE_RATE, processed_24k.shape[0], "remix"
    )
    where = scored_range(segment, reference.shape[0] / reference_sample_rate)
    levels = {
        side: _level(reference, reference_24k, reference_part, channel)
        for channel, side in enumerate(SIDES)
    }
    silent, _ = apply_policy(levels, silent_reference, name, where)
    if seed is not None:
        np.random.seed(seed)
    scores = {}
    for channel, side in enumerate(SIDES):
        if side in silent:
            scores[side] = float("nan")
            continue
        cfs, levels_db = ear_audiogram(listener, side)
        rms = float(np.sqrt(np.mean(np.square(reference[:, channel]))))
        scores[side] = float(
            haaqi(
                processed_signal=processed_24k[processed_part, channel],
                reference_signal=reference_24k[reference_part, channel],
                sample_rate_processed=HAAQI_SAMPLE_RATE,
                sample_rate_reference=HAAQI_SAMPLE_RATE,
                audiogram=levels_db,
                audiogram_frequencies=cfs,
                level1=65 - 20 * np.log10(rms),
            )
        )
    check_cells(scores, silent, name)
    kept = [scores[side] for side in SIDES if side not in silent]
    scores["mean"] = float(np.mean(kept)) if kept else float("nan")
    return scores, levels


def score_remix(
    flac: Path,
    references: dict[str, Path],
    gains_db: dict[str, float],
    listener: dict,
    song: str,
    segment: tuple[float, float] | None,
    compute_haaqi: Callable[..., float] | None = None,
    silent_reference: str = "error",
) -> dict[str, float]:
    """HAAQI of the remix FLAC for ``listener``: ``{"left", "right", "mean"}``, and
    ``skipped`` (sides with a silent reference, nan) and ``quiet`` (sides scored with a
    reference below -90 dBFS RMS) counts. ``compute_haaqi``: the engine's function
    (default pyclarity's)."""
    from clarity.utils.flac_encoder import read_flac_signal

    signal, rate = read_flac_signal(Path(flac))
    stems = {stem: read_wav_float(path) for stem, path in references.items()}
    evaluate_function("set_song_seed")(song)
    scores, levels = remix_haaqi_and_levels(
        signal, int(rate), stems, gains_db, listener, segment=segment,
        compute_haaqi=compute_haaqi, silent_reference=silent_reference,
        name=f"{flac.name} (song {song!r})",
    )  # fmt: skip
    levels = levels.values()
    scores["skipped"] = sum(db == -np.inf for db in levels)
    scores["quiet"] = sum(-np.inf < db < QUIET_DBFS for db in levels)
    return scores
