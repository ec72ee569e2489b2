"""The preflight: what would surely fail later, found in seconds before any job runs.

Separation takes hours on real data; a 48 kHz file, a mono stem, a truncated
download or a reference stem that is silent over the scored range (which the
``error`` silence policy stops on) would otherwise be found by a job after it. The
checks here are cheap: WAV headers, and the reference stems read once per song,
only as far as the first sound in each channel (a silent one is read to the end of
the scored range). The workflow runs them while it is parsed
(rules/common/preflight.smk), so ``snakemake -n`` reports every problem at once.
"""

from __future__ import annotations

import math
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from scipy.io import wavfile

from vdbo import MUSDB_SAMPLE_RATE, SIDES
from vdbo.core.audio_io import PCM, require_track_file, truncation_error, wav_header
from vdbo.core.errors import InputError
from vdbo.evaluation.silence import apply_policy, scored_range
from vdbo.separation.kinds import Weights, get_kind

CHUNK_FRAMES = MUSDB_SAMPLE_RATE
"""Frames read at a time while looking for the first sound of a channel."""


@dataclass
class Report:
    """Problems (errors: a job would fail) and notes, and what was checked."""

    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    references: int = 0
    seconds: float = 0.0

    def text(self) -> str:
        head = (
            f"vdbo preflight: {self.files} audio headers, {self.references} reference "
            f"stems read over the scored range, {len(self.errors)} problems "
            f"({self.seconds:.2f} s)"
        )
        return "\n".join([head, *(f"  note: {n}" for n in self.notes)])

    def warnings(self) -> str:
        """The problems as warnings (under ``--keep-going``)."""
        return "\n".join(
            f"  WARNING (--keep-going: its jobs will fail, the others run): {e}"
            for e in self.errors
        )

    def raise_errors(self) -> None:
        """One InputError listing every problem, if there is any."""
        if self.errors:
            raise InputError(
                None,
                f"the preflight found {len(self.errors)} problems that would stop "
                "jobs later:\n  - " + "\n  - ".join(map(str, self.errors)),
                "fix each file or setting named above, then run again (`snakemake "
                "-n` repeats these checks in seconds)",
            )


def track_problems(
    files: dict[str, Path],
    references: Iterable[str],
    segment: tuple[float, float] | None,
    silent_policy: str,
    song: str,
    bounds=round,
    report: Report | None = None,
    segment_reported: bool = False,
) -> Report:
    """Check one track: every file of ``files`` ({name: path}) a 16-bit stereo
    44.1 kHz WAV, complete, all of one length, the scored ``segment`` (seconds, None
    for the whole song) inside it; under the ``error`` policy, no reference stem
    silent in a channel over the scored range. ``bounds`` rounds the segment to
    samples as the scoring job does (``round``; ``int`` in evaluation mode);
    ``segment_reported``: a segment past the song's end is already reported (by the
    segments file's check), so it is not reported again."""
    report = report or Report()
    headers = {}
    for name, path in files.items():
        report.files += 1
        try:
            headers[name] = _checked_header(path)
        except InputError as err:
            report.errors.append(err)
    lengths = {h.frames for h in headers.values()}
    if len(lengths) > 1:
        described = ", ".join(f"{n}: {h.frames}" for n, h in headers.items())
        report.errors.append(
            InputError(
                Path(next(iter(files.values()))).parent,
                f"song {song!r}: its files differ in length ({described} samples)",
                "every file of a track has as many samples as its mixture "
                "(MUSDB18-HQ); re-export the odd ones",
            )
        )
        return report
    if not headers:
        return report
    frames = lengths.pop()
    a, b = (0, frames) if segment is None else (
        bounds(segment[0] * MUSDB_SAMPLE_RATE), bounds(segment[1] * MUSDB_SAMPLE_RATE)
    )  # fmt: skip
    if b > frames:
        if segment_reported:
            return report
        report.errors.append(
            InputError(
                Path(next(iter(files.values()))).parent,
                f"song {song!r} is {frames / MUSDB_SAMPLE_RATE:.2f} s long, shorter "
                f"than its scored segment ({segment[0]:g}-{segment[1]:g} s)",
                "shorten the segment (`scoring.segment`, the segments file) or "
                "check the song's audio",
            )
        )
        return report
    if silent_policy != "error":
        return report
    levels = {}
    for name in references:
        if name not in headers:
            continue
        report.references += 1
        silent = silent_channels(files[name], a, b)
        for channel, side in enumerate(SIDES):
            levels[f"{side}_{name}"] = -math.inf if channel in silent else 0.0
    try:  # the scoring job's own policy and message
        where = scored_range(segment, frames / MUSDB_SAMPLE_RATE)
        folder = Path(next(iter(files.values()))).parent
        apply_policy(levels, "error", f"song {song!r}", where, folder)
    except InputError as err:
        report.errors.append(err)
    return report


def _checked_header(path: Path):
    """The header of a track file, or the InputError a job would raise on it."""
    path = require_track_file(path)
    header = wav_header(path)
    wrong = []
    if header.sample_rate != MUSDB_SAMPLE_RATE:
        wrong.append(f"sample rate {header.sample_rate} Hz, not {MUSDB_SAMPLE_RATE}")
    if header.channels != 2:
        wrong.append(f"{header.channels} channel(s), not 2 (stereo)")
    if header.format_tag != PCM or header.bits != 16:
        kind = "float" if header.format_tag == 3 else f"format {header.format_tag}"
        wrong.append(
            f"{header.bits}-bit {'PCM' if header.format_tag == PCM else kind}, "
            "not 16-bit PCM"
        )
    if wrong:
        raise InputError(
            path,
            f"is {', '.join(wrong)}",
            "MUSDB18-HQ tracks are 16-bit PCM stereo WAV at 44.1 kHz: convert it "
            f"(for example `sox in.wav -b 16 -c 2 -r {MUSDB_SAMPLE_RATE} out.wav`)",
        )
    if header.truncated:
        raise truncation_error(path, header)
    if header.frames == 0:
        raise InputError(path, "holds no samples", "re-export the track")
    return header


def silent_channels(path: str | Path, start: int, end: int) -> list[int]:
    """Channels of a 16-bit WAV whose samples ``start:end`` are all zero, reading
    only until each channel's first nonzero sample."""
    _, data = wavfile.read(path, mmap=True)
    data = data.reshape(len(data), -1)
    silent = set(range(data.shape[1]))
    for a in range(start, end, CHUNK_FRAMES):
        block = np.asarray(data[a : min(a + CHUNK_FRAMES, end)])
        silent -= {c for c in silent if block[:, c].any()}
        if not silent:
            break
    return sorted(silent)


def separator_weights(specs: Iterable[dict], report: Report, online=None) -> Report:
    """The pretrained weights that the separators ``specs`` (config entries) load,
    missing from their caches, as each kind declares them
    (:attr:`vdbo.separation.kinds.SeparatorKind.weights`). ``online(url)``: whether
    a job could download them (default :func:`reachable`)."""
    online = online or reachable
    wanted = {}
    for spec in specs:
        kind = get_kind(spec["kind"])
        for weights in kind.weights(spec) if kind.weights else []:
            wanted.setdefault(weights.what, weights)
    for weights in wanted.values():
        if all(Path(path).is_file() for path, _ in weights.files.values()):
            continue
        url = next(iter(weights.files.values()))[1]
        errors, notes = missing_weights(weights, online(url))
        report.errors += errors
        report.notes += notes
    return report


def missing_weights(
    weights: Weights, online: bool
) -> tuple[list[InputError], list[str]]:
    """Pretrained weights absent from the cache: errors when offline (the job
    would fail), notes when the job can download them."""
    what = weights.what
    absent = {k: (Path(p), u) for k, (p, u) in weights.files.items()}
    absent = {k: pu for k, pu in absent.items() if not pu[0].is_file()}
    if not absent:
        return [], []
    listing = "; ".join(f"download {url} to {path}" for path, url in absent.values())
    if online:
        return [], [f"{what} weights are not cached; its jobs will download them"]
    error = InputError(
        next(iter(absent.values()))[0],
        f"{what} weights are not cached and this machine cannot reach "
        f"{urlparse(next(iter(absent.values()))[1]).hostname}",
        f"on a machine with internet run the workflow once, or {listing} (set "
        "TORCH_HOME to use another cache folder)",
    )
    return [error], []


def reachable(url: str, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to ``url``'s host opens (the weights' download)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname, parsed.port or 443), timeout=timeout
        ):
            return True
    except OSError:
        return False


def keeps_going(argv: Iterable[str]) -> bool:
    """Whether the command line asks Snakemake to ``--keep-going`` (``-k``): then
    the preflight's problems are warnings, the jobs they concern fail on their own
    and the independent ones run, as the user asked."""
    return any(
        a == "--keep-going" or re.fullmatch(r"-[A-Za-z]*k[A-Za-z]*", a) for a in argv
    )


class Timer:
    """Measures the preflight into ``report.seconds``."""

    def __init__(self, report: Report):
        self.report = report

    def __enter__(self):
        self.start = time.perf_counter()
        return self.report

    def __exit__(self, *exc):
        self.report.seconds = time.perf_counter() - self.start
