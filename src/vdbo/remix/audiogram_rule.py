"""A documented rule from one ear's audiogram to stem gains: vocals up, band down.

Why: listeners with more hearing loss prefer music with the vocals clearer and the
accompaniment lower, because a damaged cochlea has broader auditory filters, so the
band masks the voice more than it does for a normal-hearing listener. Two CAD1
(2023) Task 1 entries used this:

* E012 lowered bass, drums and other for listeners with moderately-severe and
  severe loss (plus multiband compression, not done here);
* E022 remixed with fixed proportions, vocals 60 %, bass 15 %, drums 10 %, other
  15 % (a silent stem's share set to zero). Against equal shares of 25 % these are
  about +7.6 dB for vocals and -4.4 / -8.0 / -4.4 dB for bass / drums / other,
  a vocal-to-band change of roughly 12 to 15 dB, for every listener.

This rule keeps E022's direction and rough size but grows it with the loss, as E012
did, and makes it continuous (no jump at a grade boundary) and bounded. Per ear it
uses that ear's audiogram only (the left remix channel is heard by the left ear):

1. Severity from the pure-tone average PTA over 500, 1000, 2000 and 4000 Hz (the
   WHO 2021 grading frequencies): 0 below ``pta_onset_db`` (20 dB HL, the end of
   normal hearing), 1 from ``pta_full_db`` (80 dB HL, the severe/profound boundary),
   linear in between. At 50 dB HL (moderately severe, where E012 started) it is 0.5.
2. Vocals get ``+max_vocals_boost_db * severity``; drums, bass and other get
   ``-max_accompaniment_cut_db * severity``.
3. Slope of the loss = mean threshold at 2000 and 4000 Hz minus mean at 250 and
   500 Hz. A steep high-frequency loss leaves the low band well heard, and NAL-R
   already adds most gain at high frequencies; the loud low-frequency stems then
   mask the voice's upper formants and consonants by upward spread of masking, which
   widens with cochlear loss. So bass and drums get an extra cut of
   ``max_slope_cut_db * steepness``, steepness rising linearly from 0 at
   ``slope_onset_db`` (10 dB) to 1 at ``slope_full_db`` (40 dB).

Properties the tests check: normal hearing gives 0 dB everywhere; raising any
threshold never lowers the vocal boost (PTA is a mean of thresholds); every gain is
in [-(max_accompaniment_cut_db + max_slope_cut_db), +max_vocals_boost_db].
After loudness normalisation only the balance matters: the default maxima give at
most 6 + 6 + 3 = 15 dB vocal-to-bass change, E022's size.

Audiogram frequencies that a listener lacks are interpolated linearly in
log-frequency (constant beyond the measured range).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from vdbo import STEMS
from vdbo.core.errors import InputError

_MAX_RULE_DB = 24.0


@dataclass(frozen=True)
class AudiogramRule:
    """Parameters of the rule (dB HL for thresholds, dB for gains, Hz)."""

    pta_frequencies_hz: tuple[float, ...] = (500.0, 1000.0, 2000.0, 4000.0)
    low_frequencies_hz: tuple[float, ...] = (250.0, 500.0)
    high_frequencies_hz: tuple[float, ...] = (2000.0, 4000.0)
    pta_onset_db: float = 20.0
    pta_full_db: float = 80.0
    max_vocals_boost_db: float = 6.0
    max_accompaniment_cut_db: float = 6.0
    slope_onset_db: float = 10.0
    slope_full_db: float = 40.0
    max_slope_cut_db: float = 3.0
    slope_cut_stems: tuple[str, ...] = ("bass", "drums")


def rule_from_config(params: dict) -> AudiogramRule:
    """Build the rule from the config's ``audiogram_rule`` mapping (field overrides)."""
    fields = {field.name for field in dataclasses.fields(AudiogramRule)}
    unknown = sorted(set(params) - fields)
    fix = f"use only {sorted(fields)} (see vdbo/remix/audiogram_rule.py)"
    if unknown:
        raise InputError(None, f"unknown audiogram_rule key(s) {unknown}", fix)
    values = {}
    for key, value in params.items():
        values[key] = tuple(value) if isinstance(value, list) else value
    try:
        rule = AudiogramRule(**values)
        _check(rule)
    except (TypeError, ValueError) as err:
        raise InputError(None, f"invalid audiogram_rule: {err}", fix) from err
    return rule


def _check(rule: AudiogramRule) -> None:
    if not rule.pta_onset_db < rule.pta_full_db:
        raise ValueError("pta_onset_db must be below pta_full_db")
    if not rule.slope_onset_db < rule.slope_full_db:
        raise ValueError("slope_onset_db must be below slope_full_db")
    for name in ("max_vocals_boost_db", "max_accompaniment_cut_db", "max_slope_cut_db"):
        value = float(getattr(rule, name))
        if not 0.0 <= value <= _MAX_RULE_DB:
            raise ValueError(f"{name} must be within [0, {_MAX_RULE_DB}] dB")
    for name in ("pta_frequencies_hz", "low_frequencies_hz", "high_frequencies_hz"):
        freqs = getattr(rule, name)
        if len(freqs) == 0 or any(float(f) <= 0 for f in freqs):
            raise ValueError(f"{name} must list positive frequencies")
    if not set(rule.slope_cut_stems) <= set(STEMS) - {"vocals"}:
        raise ValueError("slope_cut_stems must be among drums, bass, other")


def threshold_at(
    cfs: np.ndarray, levels: np.ndarray, frequencies: tuple[float, ...]
) -> np.ndarray:
    """Thresholds at ``frequencies``, interpolated in log-frequency where missing."""
    return np.interp(
        np.log2(np.asarray(frequencies, dtype=float)), np.log2(cfs), levels
    )


def audiogram_features(
    cfs: np.ndarray, levels: np.ndarray, rule: AudiogramRule | None = None
) -> tuple[float, float]:
    """Return (pure-tone average, high-minus-low slope), both in dB HL."""
    rule = rule or AudiogramRule()
    pta = float(np.mean(threshold_at(cfs, levels, rule.pta_frequencies_hz)))
    high = float(np.mean(threshold_at(cfs, levels, rule.high_frequencies_hz)))
    low = float(np.mean(threshold_at(cfs, levels, rule.low_frequencies_hz)))
    return pta, high - low


def _ramp(value: float, onset: float, full: float) -> float:
    return float(np.clip((value - onset) / (full - onset), 0.0, 1.0))


def ear_gains_db(
    cfs: np.ndarray, levels: np.ndarray, rule: AudiogramRule | None = None
) -> dict[str, float]:
    """Stem gains in dB for one ear with thresholds ``levels`` at ``cfs``."""
    rule = rule or AudiogramRule()
    pta, slope = audiogram_features(cfs, levels, rule)
    severity = _ramp(pta, rule.pta_onset_db, rule.pta_full_db)
    steepness = _ramp(slope, rule.slope_onset_db, rule.slope_full_db)
    gains = {}
    for stem in STEMS:
        if stem == "vocals":
            gains[stem] = rule.max_vocals_boost_db * severity
            continue
        cut = rule.max_accompaniment_cut_db * severity
        if stem in rule.slope_cut_stems:
            cut += rule.max_slope_cut_db * steepness
        gains[stem] = -cut
    return {stem: float(gain) + 0.0 for stem, gain in gains.items()}
