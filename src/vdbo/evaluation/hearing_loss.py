"""What a listener hears: pyclarity 0.3.4's MSBG hearing-loss simulator, per ear.

MSBG (Moore, Stone, Baer, Glasberg; ``clarity.evaluator.msbg``) is the simulator the
Clarity and Cadenza projects use so that normal-hearing people hear a signal as a
listener with that audiogram would. Its classes are taken from the installed pyclarity
through :mod:`vdbo.core.official`, unchanged, with one adaptation: the source's
``Audiogram`` dataclass gives ``cfs`` an ndarray default, which Python 3.11's
``dataclasses`` refuses at import; it is built here by a ``dataclass`` that turns an
ndarray default into a ``default_factory`` of the same values (every other line is
pyclarity's, and vdbo always passes ``cfs``).

Levels: MSBG takes a digital RMS of 0 dB (full scale) as 120 dB SPL (its defaults
``equiv_0db_spl`` 100 + ``ahr`` 20). A remix written near full scale would reach it at
115-120 dB SPL, past the loudness-recruitment model's catch-up level, where MSBG
expands it by up to 20 dB. The caller therefore gives a presentation gain (the CAD1
evaluation plays the reference at 65 dB SPL), applied through MSBG's own calibration
(``equiv_0db_spl``, the SPL of a digital RMS of 0 dB, lowered by the gain) rather than
by scaling the samples: MSBG's level meter ignores everything below -80 dBFS and
returns NaN for a signal entirely below it. The output stays on the file's digital
scale, at the level the impaired ear receives relative to it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import warnings

import numpy as np

from vdbo import SIDES
from vdbo.core.metadata import ear_audiogram
from vdbo.core.official import official, replaced

MSBG_MODULE = "clarity.evaluator.msbg.msbg"
AUDIOGRAM_MODULE = "clarity.evaluator.msbg.audiogram"
MSBG_SAMPLE_RATE = 44100
"""The only rate MSBG's ``Ear.process`` accepts."""


def _dataclass_with_array_defaults(cls=None, /, **kwargs):
    """``dataclasses.dataclass``, an ndarray class default given as default_factory."""

    def wrap(c):
        for name, value in list(vars(c).items()):
            if isinstance(value, np.ndarray):
                setattr(c, name, dataclasses.field(default_factory=value.copy))
        return dataclasses.dataclass(c, **kwargs)

    return wrap if cls is None else wrap(cls)


@functools.cache
def msbg_classes():
    """(Audiogram, Ear) of the installed pyclarity's MSBG."""
    with replaced(AUDIOGRAM_MODULE, "dataclass", _dataclass_with_array_defaults):
        audiogram = official(AUDIOGRAM_MODULE, "Audiogram")
    return audiogram, official(MSBG_MODULE, "Ear")


@contextlib.contextmanager
def _quiet():
    """MSBG logs at INFO per call, uses a scipy name deprecated since 1.1 and warns
    on the NaN of an unmeasurable signal (handled by the caller): none of it is for
    the user, keep it out of the job log."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.WARNING))
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Importing kaiser", DeprecationWarning)
            warnings.filterwarnings("ignore", category=RuntimeWarning)
            with np.errstate(all="ignore"):
                yield
    finally:
        root.setLevel(level)


def full_scale_spl_db() -> float:
    """The SPL MSBG takes a digital RMS of 0 dB for (its Ear's defaults)."""
    ear = msbg_classes()[1]()
    return float(ear.equiv_0db_spl + ear.ahr)


def presentation_gain_db(reference_rms_dbfs: float, reference_spl_db: float) -> float:
    """The gain that makes a reference at ``reference_rms_dbfs`` play at
    ``reference_spl_db`` in MSBG (CAD1's evaluation: 65 dB SPL)."""
    return reference_spl_db - full_scale_spl_db() - reference_rms_dbfs


def simulate(signal: np.ndarray, listener: dict, gain_db: float = 0.0) -> np.ndarray:
    """``signal`` (samples, 2) at 44.1 kHz as the listener hears it: the left channel
    through the left ear's audiogram, the right through the right's; same length.
    MSBG hears it ``gain_db`` louder (see :func:`presentation_gain_db`). A channel
    MSBG cannot measure (entirely below -80 dBFS: NaN out) comes back silent, with a
    warning; callers flag silent clips."""
    audiogram_cls, ear_cls = msbg_classes()
    default = ear_cls()
    out = np.zeros_like(signal, dtype=np.float64)
    for k, side in enumerate(SIDES):
        cfs, levels = ear_audiogram(listener, side)
        ear = ear_cls(
            sample_frequency=MSBG_SAMPLE_RATE,
            equiv_0db_spl=default.equiv_0db_spl + gain_db,
        )
        ear.set_audiogram(audiogram_cls(levels=levels, cfs=cfs))
        channel = np.asarray(signal[:, k], dtype=np.float64)
        if not np.any(channel):
            continue  # MSBG divides by the signal's RMS: silence stays silence
        with _quiet():
            heard = ear.process(channel)[0]
        heard = heard[: len(channel)]
        if not np.all(np.isfinite(heard)):
            logging.getLogger(__name__).warning(
                "MSBG could not measure the %s channel (below -80 dBFS): silent", side
            )
            continue
        out[:, k] = heard
    return out
