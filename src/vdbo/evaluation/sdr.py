"""SDR as the separation field reports it: BSSEval v4 by the ``museval`` package.

The MUSDB18 protocol (SiSEC 2018, Demucs, Open-Unmix): ``museval.evaluate`` of the
four estimated stems against the four reference stems of a song, 1 s windows and 1 s
hops (44100 samples), ``mode="v4"`` (time-invariant distortion filters), then the
median over the song's frames per stem and metric (SDR, SIR, ISR, SAR), and the median
over songs. Nothing here re-implements BSSEval: the numbers are museval's.

Separation does not depend on the listener, so a song is evaluated once per separator.

Edge cases (docs/metrics.md):

- a frame in which any reference or any estimate is all zeros is NaN for every stem
  (museval's rule); the medians skip NaN frames (``np.nanmedian``, as museval's
  ``TrackStore``), and a stem with no scored frame has NaN medians;
- a whole stem that is all zeros (reference or estimate) makes museval refuse the song
  (``ValueError``): that stem is left out, reported NaN with the reason in ``silent``,
  and the other stems are evaluated among themselves;
- estimate == reference (the ``oracle`` separator): SDR is ``inf`` per frame, kept as
  such in the table (museval's JSON writer stores ``inf`` as NaN);
- estimates of another length than the references are refused (museval would pad or
  cut them silently).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from vdbo import MUSDB_SAMPLE_RATE
from vdbo.core.atomic import atomic_output, write_text
from vdbo.core.errors import InputError
from vdbo.evaluation.separated import check_lengths, load_song

WINDOW_S = 1.0
HOP_S = 1.0
"""The MUSDB18 protocol: 1 s windows, 1 s hops."""
MODE = "v4"
METRICS = ("SDR", "SIR", "ISR", "SAR")
COLUMNS = ["song", "stem", *METRICS, "frames", "scored_frames", "silent"]
"""One separator's table (``results/metrics/sdr/<separator>.csv``): per song and stem,
the median over scored frames of each metric, the number of frames, how many museval
scored (not NaN), and why a stem was left out (``reference``, ``estimate``, or empty).
"""


def import_museval():
    """``museval``, or an InputError saying how to install what it needs.

    museval imports musdb, which imports stempeg, which stops at import when the
    ``ffmpeg``/``ffprobe`` programs are missing.
    """
    missing = [p for p in ("ffmpeg", "ffprobe") if shutil.which(p) is None]
    if missing:
        raise InputError(
            None,
            f"SDR (museval) needs the {' and '.join(missing)} program, not found on "
            "PATH",
            "install Debian's ffmpeg (`sudo bash scripts/install-system-packages.sh`, "
            "or `apt-get install ffmpeg`), or leave `sdr` out of `scoring.metrics`",
        )
    import museval

    return museval


def _silent(signal: np.ndarray) -> bool:
    """museval's test of an all-zero source (``metrics._any_source_silent``)."""
    return bool(np.all(np.sum(signal, axis=tuple(range(1, signal.ndim))) == 0))


def evaluate_song(
    references: Mapping[str, np.ndarray],
    estimates: Mapping[str, np.ndarray],
    rate: int = MUSDB_SAMPLE_RATE,
) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, str]]:
    """museval's per-frame metrics of one song.

    ``references`` and ``estimates`` map stem -> (samples, channels), same order and
    shapes. Returns ({stem: {metric: frames}}, {stem: why it was left out}).
    """
    museval = import_museval()
    check_lengths(references, estimates)
    left_out = {}
    for stem in references:
        if _silent(references[stem]):
            left_out[stem] = "reference"
        elif _silent(estimates[stem]):
            left_out[stem] = "estimate"
    scored = [s for s in references if s not in left_out]
    frames: dict[str, dict[str, np.ndarray]] = {}
    if scored:
        values = museval.evaluate(
            [references[s] for s in scored],
            [estimates[s] for s in scored],
            win=int(WINDOW_S * rate),
            hop=int(HOP_S * rate),
            mode=MODE,
        )
        for i, stem in enumerate(scored):
            frames[stem] = dict(
                zip(("SDR", "ISR", "SIR", "SAR"), (v[i] for v in values), strict=True)
            )
    n = len(next(iter(frames.values()))["SDR"]) if frames else 0
    for stem in left_out:
        logging.getLogger(__name__).warning(
            "%s: the whole %s is silent; museval refuses it, so it is left out",
            stem,
            left_out[stem],
        )
        frames[stem] = {m: np.full(n, np.nan) for m in METRICS}
    return {s: frames[s] for s in references}, left_out


def _median(frames: np.ndarray) -> float:
    """museval's frame aggregation (``np.nanmedian``); NaN when no frame is scored."""
    if np.isnan(frames).all():
        return float("nan")
    return float(np.nanmedian(frames))


def song_table(
    song: str, frames: dict[str, dict[str, np.ndarray]], left_out: dict[str, str]
) -> pd.DataFrame:
    """One row per stem: the medians over frames, as :data:`COLUMNS`."""
    rows = []
    for stem, metrics in frames.items():
        row = {"song": song, "stem": stem}
        row.update({m: _median(metrics[m]) for m in METRICS})
        row["frames"] = len(metrics["SDR"])
        row["scored_frames"] = int(np.sum(~np.isnan(metrics["SDR"])))
        row["silent"] = left_out.get(stem, "")
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def track_json(song: str, frames: dict[str, dict[str, np.ndarray]]) -> str:
    """museval's own per-track JSON (``TrackStore``), so its tools read it."""
    from museval.aggregate import TrackStore

    import_museval()
    store = TrackStore(track_name=song, win=WINDOW_S, hop=HOP_S)
    for stem, metrics in frames.items():
        store.add_target(stem, {m: metrics[m].tolist() for m in METRICS})
    store.validate()
    return store.json


def score_separated(
    song: str,
    separated: Path,
    references: Mapping[str, Path],
    segment,
    json_out: Path,
    csv_out: Path,
) -> pd.DataFrame:
    """The SDR job: one separator's stems of one song against the reference stems,
    both cut to ``segment`` (the scored segment, as HAAQI's); museval's JSON and the
    per-stem table."""
    refs, ests = load_song(separated, references, segment)
    frames, left_out = evaluate_song(refs, ests)
    write_text(json_out, track_json(song, frames))
    table = song_table(song, frames, left_out)
    with atomic_output(csv_out) as tmp:
        table.to_csv(tmp, index=False)
    return table
