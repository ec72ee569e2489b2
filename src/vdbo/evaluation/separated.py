"""Jobs of the metrics that compare a separator's stems with the reference stems
of one song (``separated`` metrics of :mod:`vdbo.evaluation.metrics`): reading the
song's stems and running a user's metric.

Apart from :mod:`vdbo.evaluation.metrics` because reading separated stems imports
:mod:`vdbo.separation` (the separation env's packages): the summary, comparison and
figure jobs, which only read tables, import the registry without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vdbo import MUSDB_SAMPLE_RATE
from vdbo.core.atomic import atomic_output
from vdbo.core.errors import InputError
from vdbo.evaluation.metrics import Metric


def crop(signal: np.ndarray, segment, rate: int = MUSDB_SAMPLE_RATE) -> np.ndarray:
    """``signal`` (samples, channels) cut to ``segment`` [start, end] seconds."""
    if segment is None:
        return signal
    start, end = (int(round(t * rate)) for t in segment)
    return signal[start:end]


def check_lengths(
    references: Mapping[str, np.ndarray],
    estimates: Mapping[str, np.ndarray],
    where: tuple[str | Path, str | Path] | None = None,
) -> None:
    """Every estimate as long as its reference, or an InputError naming the files."""
    for stem, ref in references.items():
        if stem not in estimates:
            raise InputError(
                where[0] if where else None,
                f"no {stem} estimate",
                "the separator must write every stem it is scored on",
            )
        est = estimates[stem]
        if est.shape != ref.shape:
            ref_file, est_file = where or ("reference", "estimate")
            raise InputError(
                est_file,
                f"{stem} estimate has shape {est.shape} (samples, channels), the "
                f"reference {ref_file} has {ref.shape}",
                "the separator must return stems as long as the mixture; SDR does "
                "not pad or cut them (museval would, silently)",
            )


def read_stem_wavs(paths: Mapping[str, Path]) -> dict[str, np.ndarray]:
    """Reference stems {stem: (samples, 2) float64}, scaled as the recipes read them."""
    from vdbo.core.audio_io import read_wav_float

    return {s: read_wav_float(p).astype(np.float64) for s, p in paths.items()}


def load_song(
    separated: Path, references: Mapping[str, Path], segment
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """A separator's stems and the reference stems of one song, (samples, 2)
    float64, cut to ``segment``; estimates of another length are refused, naming
    both files. (Every ``separated`` metric reads its song so.)"""
    from vdbo.separation.stems_npz import load_stems

    refs = {s: crop(r, segment) for s, r in read_stem_wavs(references).items()}
    stems = load_stems(Path(separated))
    ests = {s: crop(stems[s].T.astype(np.float64), segment) for s in stems if s in refs}
    check_lengths(refs, ests, (references[next(iter(refs))], separated))
    return refs, ests


def run_custom(
    metric: Metric,
    song: str,
    separated: Path,
    references: Mapping[str, Path],
    segment,
    out: Path,
) -> pd.DataFrame:
    """A user's metric on one song: its function's values per stem, as a table."""
    from vdbo.separation.python_callable import load_callable

    spec = metric.options
    refs, ests = load_song(separated, references, segment)
    function = load_callable(spec)
    values = function(refs, ests, MUSDB_SAMPLE_RATE, **dict(spec.get("options") or {}))
    rows = []
    for stem in refs:
        value = values.get(stem) if hasattr(values, "get") else None
        if value is None:
            raise InputError(
                None,
                f"metric {metric.name} ({spec['callable']}) gave no value for {stem}",
                "return {stem: value} (or {stem: {column: value}}) for every stem",
            )
        cells = value if hasattr(value, "get") else {metric.columns[0]: value}
        rows.append(
            {"song": song, "stem": stem, **{c: float(cells[c]) for c in metric.columns}}
        )
    table = pd.DataFrame(rows, columns=["song", "stem", *metric.columns])
    with atomic_output(out) as tmp:
        table.to_csv(tmp, index=False)
    return table
