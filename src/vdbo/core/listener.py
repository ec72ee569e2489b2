"""Reading one ear's audiogram from a CAD1 listener dict, with checks.

The CAD1 metadata (``listeners.*.json``) gives each listener as
``{name, audiogram_cfs, audiogram_levels_l, audiogram_levels_r}``; levels are hearing
thresholds in dB HL at the frequencies ``audiogram_cfs`` (Hz).
"""

from __future__ import annotations

import numpy as np

from vdbo.core.errors import InputError

_LEVEL_KEYS = {"left": "audiogram_levels_l", "right": "audiogram_levels_r"}
_FIX = (
    "give the listener as in CAD1 listeners.*.json: name, audiogram_cfs, "
    "audiogram_levels_l, audiogram_levels_r (equal lengths, numbers)"
)


def listener_name(listener: dict) -> str:
    """The listener's name (used to find per-listener overrides)."""
    name = listener.get("name") if isinstance(listener, dict) else None
    if not isinstance(name, str) or not name:
        raise InputError(None, "listener has no 'name'", _FIX)
    return name


def ear_audiogram(listener: dict, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (frequencies in Hz, thresholds in dB HL) for ``side`` of ``listener``."""
    name = listener_name(listener)
    try:
        cfs = np.asarray(listener["audiogram_cfs"], dtype=float)
        levels = np.asarray(listener[_LEVEL_KEYS[side]], dtype=float)
    except KeyError as err:
        raise InputError(None, f"listener {name!r} lacks {err}", _FIX) from err
    except (TypeError, ValueError) as err:
        raise InputError(
            None, f"listener {name!r} audiogram is not numeric ({err})", _FIX
        ) from err
    if cfs.ndim != 1 or cfs.shape != levels.shape or cfs.size < 2:
        raise InputError(
            None,
            f"listener {name!r} {side} audiogram needs >= 2 frequencies and as many "
            f"levels (got {cfs.shape} and {levels.shape})",
            _FIX,
        )
    if not (np.all(np.isfinite(cfs)) and np.all(np.isfinite(levels))):
        raise InputError(None, f"listener {name!r} audiogram has NaN values", _FIX)
    if np.any(cfs <= 0) or np.any(np.diff(cfs) <= 0):
        raise InputError(
            None,
            f"listener {name!r} audiogram_cfs must be positive and increasing",
            _FIX,
        )
    return cfs, levels
