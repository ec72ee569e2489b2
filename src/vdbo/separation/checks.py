"""The contract every separator's output meets before it is saved.

Stems are ``{stem: (2, samples) float32}`` with exactly the four VDBO stems, as long as
the mixture, finite. Stems that come from outside vdbo (a folder of precomputed stems,
a user's Python function) are checked here, so a bad output stops its ``separate`` job
with a message naming where it came from instead of surfacing as a wrong score later.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vdbo import MUSDB_SAMPLE_RATE, STEMS
from vdbo.core.errors import InputError


def check_stem(
    stem: str, value, n_samples: int, where: str | Path | None, fix: str
) -> np.ndarray:
    """One stem as a (2, n_samples) float32 array, or an InputError naming ``where``."""
    if hasattr(value, "detach"):  # a torch tensor, on any device
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise InputError(where, f"stem {stem!r} is not an array ({err})", fix) from err
    if array.dtype.kind not in "fiu":
        raise InputError(where, f"stem {stem!r} has samples of type {array.dtype}", fix)
    if array.shape != (2, n_samples):
        raise InputError(
            where,
            f"stem {stem!r} has shape {array.shape}, expected (2, {n_samples}) "
            "(stereo, as many samples as the mixture)",
            fix,
        )
    array = array.astype(np.float32, copy=False)
    if not np.all(np.isfinite(array)):
        raise InputError(where, f"stem {stem!r} contains NaN or infinite samples", fix)
    return array


def check_stems(
    stems, n_samples: int, where: str | Path | None, fix: str
) -> dict[str, np.ndarray]:
    """The four stems, checked, in the order given (the remix sums in that order)."""
    if not hasattr(stems, "keys"):
        raise InputError(
            where,
            f"returned {type(stems).__name__}, expected a mapping "
            f"{{stem: array}} with keys {', '.join(STEMS)}",
            fix,
        )
    keys = [str(k) for k in stems]
    if sorted(keys) != sorted(STEMS):
        missing = [s for s in STEMS if s not in keys]
        extra = [k for k in keys if k not in STEMS]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(map(repr, extra))}" if extra else "",
            )
            if part
        )
        raise InputError(
            where, f"stems must be exactly {', '.join(STEMS)} ({detail})", fix
        )
    return {str(k): check_stem(str(k), stems[k], n_samples, where, fix) for k in stems}


class BadSeparatorOutput(InputError):
    """A separator returned stems that cannot be trusted (NaN, inf, wrong shape)."""


def check_separated(
    stems: dict[str, np.ndarray], n_samples: int, separator: str, song: str
) -> None:
    """The gate every separator's stems pass before they are saved: raise
    :class:`BadSeparatorOutput` unless every stem is finite (2, n_samples).

    An all-zero stem is legal (the official encoder writes scale 0).
    """
    problems = []
    missing = [s for s in STEMS if s not in stems]
    if missing:
        problems.append(f"no {', '.join(missing)} stem (got {list(stems)})")
    for stem in (s for s in STEMS if s in stems):
        x = np.asarray(stems[stem])
        if x.ndim != 2 or x.shape[0] != 2:
            problems.append(f"{stem}: shape {x.shape}, expected (2 channels, samples)")
        elif x.shape[1] != n_samples:
            problems.append(
                f"{stem}: {x.shape[1]} samples ({x.shape[1] / MUSDB_SAMPLE_RATE:.2f} "
                f"s), the mixture has {n_samples} "
                f"({n_samples / MUSDB_SAMPLE_RATE:.2f} s)"
            )
        for name, bad in (("NaN", np.isnan(x)), ("infinite", np.isinf(x))):
            if bad.any():
                first = np.argwhere(bad)[0][-1] / MUSDB_SAMPLE_RATE
                problems.append(
                    f"{stem}: {int(bad.sum())} {name} samples (first at {first:.2f} s)"
                )
    if problems:
        raise BadSeparatorOutput(
            None,
            f"separator {separator!r} returned untrustworthy stems for song "
            f"{song!r}: " + "; ".join(problems),
            "nothing was written and nothing downstream ran on it; check the model "
            "(a diverged training run has NaN weights: retrain with a lower learning "
            "rate or another seed) or the separator's code, then rerun",
        )
