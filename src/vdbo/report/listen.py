"""The Listen pages: hear a separator's best, median and worst pairs as the listener.

For each picked pair, short clips side by side: the reference mixture, the
separator's official remix (NAL-R amplified for the listener) and each remix
strategy's remix, each as written and through the listener's hearing loss (MSBG,
:mod:`vdbo.evaluation.hearing_loss`), with a spectrogram on one fixed dB scale and the
pair's HAAQI. Levels are never normalised: a clip plays at the level of its file (MSBG
clips at the level the impaired ear receives), so a level problem stays audible.

Clips are MP3 (every current browser plays it) embedded in a self-contained page; the
page is embedded in the Snakemake report as base64 again. A manifest JSON lists every
clip (length, level, bytes) for tests and for readers outside the report.
"""

from __future__ import annotations

import base64
import filecmp
import html
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import lameenc
import numpy as np
import pandas as pd
import soundfile as sf
from scipy import signal as sps

from vdbo import SIDES, STEMS
from vdbo.core.atomic import write_text
from vdbo.core.errors import InputError
from vdbo.evaluation.hearing_loss import (
    MSBG_SAMPLE_RATE,
    presentation_gain_db,
    simulate,
)
from vdbo.report import style
from vdbo.report.scores import read_scores
from vdbo.report.tables import page

SPECTROGRAM_DB = (-110.0, -10.0)
"""Colour range of every spectrogram, dB re full scale per bin: one scale for all, so
a quiet clip looks quiet."""
SILENCE_DBFS = -90.0


@dataclass(frozen=True)
class Pick:
    label: str
    song: str
    listener: str


@dataclass(frozen=True)
class Source:
    """One signal of a pair: a file and the song time of its first sample."""

    key: str
    title: str
    path: str
    offset_s: float
    haaqi: dict[str, float] | None = None


def pick_pairs(
    scores: pd.DataFrame, picks: Sequence[str], extra: Sequence[dict]
) -> list[Pick]:
    """Pairs to listen to: by the official pair score (best, median: the lower middle
    pair, worst; ties by song then listener), then ``extra`` ({listener, song}); a
    pair picked twice is listed once, its labels joined."""
    scored = scores.dropna(subset=["score"]).sort_values(
        ["score", "song", "listener"], ascending=[False, True, True], kind="stable"
    )
    labels: dict[tuple[str, str], list[str]] = {}
    if len(scored):
        at = {"best": 0, "median": (len(scored) - 1) // 2, "worst": len(scored) - 1}
        for name in picks:
            r = scored.iloc[at[name]]
            labels.setdefault((r["song"], r["listener"]), []).append(name)
    known = set(zip(scores["song"], scores["listener"], strict=True))
    for entry in extra:
        key = (entry["song"], entry["listener"])
        if key not in known:
            raise InputError(
                None,
                f"listen.pairs: {entry['listener']} / {entry['song']} is not a "
                f"scored pair of {entry.get('separator', 'this separator')}",
                "name a listener and song of this run (data.select_*)",
            )
        labels.setdefault(key, []).append("chosen")
    return [Pick(" and ".join(v), s, lid) for (s, lid), v in labels.items()]


def pair_sources(
    separator: str,
    listener: str,
    mixture: str,
    official_remix: str,
    official_offset_s: float,
    strategies: dict[str, tuple[str, dict[str, float] | None]],
) -> list[Source]:
    """The signals of one pair: mixture, official remix, each strategy's remix
    (``{name: (flac, remix HAAQI)}``). A strategy whose file is the official remix
    byte for byte (``baseline`` reuses it) is not repeated: the official row names it
    and shows its remix HAAQI."""
    official = Source(
        "official remix",
        f"{separator}: official remix (NAL-R for {listener})",
        official_remix,
        official_offset_s,
    )
    rest = []
    for name, (path, haaqi) in strategies.items():
        if filecmp.cmp(path, official_remix, shallow=False):
            official = Source(
                official.key,
                f"{official.title} = remix strategy {name}",
                official.path,
                official.offset_s,
                haaqi,
            )
        else:
            rest.append(
                Source(f"strategy {name}", f"remix strategy {name}", path, 0.0, haaqi)
            )
    mix = Source("mixture", "reference mixture (unprocessed)", mixture, 0.0)
    return [mix, official, *rest]


def read_clip(
    path: str | Path, start_s: float, seconds: float, offset_s: float = 0.0
) -> tuple[np.ndarray, int]:
    """``seconds`` of a stereo file from song time ``start_s`` (the file starts at
    song time ``offset_s``): float64 (samples, 2) as stored, and its rate."""
    info = sf.info(str(path))
    first = round((start_s - offset_s) * info.samplerate)
    if first < 0 or first >= info.frames:
        raise InputError(
            path,
            f"holds no audio at song time {start_s} s (file starts at {offset_s} s, "
            f"{info.frames / info.samplerate:.2f} s long)",
            "rerun the rule that writes it",
        )
    frames = min(round(seconds * info.samplerate), info.frames - first)
    data, rate = sf.read(
        str(path), start=first, frames=frames, dtype="float64", always_2d=True
    )
    if data.shape[1] != 2:
        raise InputError(path, f"has {data.shape[1]} channels", "write it in stereo")
    return data, rate


def resample(x: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Polyphase resampling along axis 0 (scipy), identity at the same rate."""
    if rate == target:
        return x
    g = gcd(rate, target)
    return sps.resample_poly(x, target // g, rate // g, axis=0)


def level_dbfs(x: np.ndarray) -> tuple[float, float]:
    """(RMS, peak) in dB re full scale over both channels; -inf for silence."""
    with np.errstate(divide="ignore"):
        rms = 10 * np.log10(np.mean(np.square(x))) if x.size else -np.inf
        peak = 20 * np.log10(np.max(np.abs(x))) if x.size else -np.inf
    return float(rms), float(peak)


def encode_mp3(x: np.ndarray, rate: int, kbps: int) -> bytes:
    """Stereo MP3 at a constant ``kbps`` (LAME through lameenc, high quality mode,
    no resampling) of ``x`` within full scale (:func:`make_clip` clips it): its size
    is bounded by the bit rate, ``kbps / 8`` kB per second plus one frame."""
    pcm = np.round(np.clip(x, -1.0, 1.0) * 32767).astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_channels(2)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


def spectrogram_jpeg(x: np.ndarray, rate: int) -> bytes:
    """A small spectrogram of the channel mean on the fixed :data:`SPECTROGRAM_DB`
    scale (the shared style's heat-map colours); JPEG, a fifth of a PNG's size for
    this noise-like image."""
    mono = x.mean(axis=1)
    nfft = 1024
    f, t, power = sps.spectrogram(
        mono, fs=rate, nperseg=nfft, noverlap=nfft // 2, scaling="spectrum"
    )
    with np.errstate(divide="ignore"):
        db = 10 * np.log10(np.maximum(power, 1e-20))
    fig, axes = style.figure(1, 1, width=3.4, height=1.45)
    ax = axes[0, 0]
    ax.pcolormesh(
        t,
        f / 1000,
        db,
        vmin=SPECTROGRAM_DB[0],
        vmax=SPECTROGRAM_DB[1],
        cmap=style.HEATMAP_CMAP,
        shading="auto",
        rasterized=True,
    )
    ax.grid(False)
    ax.set_ylabel("kHz", fontsize=7)
    ax.tick_params(labelsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=style.DPI, pil_kwargs={"quality": 80})
    style.plt.close(fig)
    return buffer.getvalue()


def make_clip(
    x: np.ndarray,
    rate: int,
    clip_rate: int,
    listener: dict | None,
    gain_db: float = 0.0,
) -> np.ndarray:
    """The clip's samples at ``clip_rate``: as written, or (``listener`` given)
    through the listener's hearing loss, simulated at MSBG's 44.1 kHz with the
    presentation gain ``gain_db`` (:func:`vdbo.evaluation.hearing_loss.simulate`)."""
    if listener is None:
        return resample(x, rate, clip_rate)
    heard = simulate(resample(x, rate, MSBG_SAMPLE_RATE), listener, gain_db)
    return resample(heard, MSBG_SAMPLE_RATE, clip_rate)


def pair_haaqi_table(row: pd.Series) -> str:
    """The pair's HAAQI per stem and ear (the official CSV row) as a small table."""
    head = "".join(f"<th>{s}</th>" for s in STEMS)
    body = "".join(
        f"<tr><td>{side}</td>"
        + "".join(f"<td>{_num(row[f'{side}_{stem}'])}</td>" for stem in STEMS)
        + "</tr>"
        for side in SIDES
    )
    return (
        f'<table class="haaqi"><thead><tr><th>ear</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _num(v) -> str:
    return "skipped" if pd.isna(v) else f"{float(v):.3f}"


CSS = """
table.clips td, table.clips th { vertical-align: top; text-align: left; }
table.clips td:first-child { width: 16em; }
table.clips img { display: block; width: 340px; }
audio { width: 340px; }
p.level { margin: 0.2em 0; color: #444; font-size: 0.85em; }
section.pick { margin-bottom: 2em; }
"""


def listen_page(
    separator: str,
    scores_csv: str | Path,
    sources: dict[tuple[str, str], list[Source]],
    audiograms: dict[str, dict],
    picks: Sequence[str],
    extra: Sequence[dict],
    window: dict[str, tuple[float, float]],
    clip_rate: int,
    kbps: int,
    out: str | Path,
    manifest: str | Path,
    reference_spl_db: float = 65.0,
) -> list[dict]:
    """Write one separator's Listen page and its manifest; returns the manifest.

    ``sources``: {(song, listener): [Source, ...]} (mixture first); ``window``:
    {song: (start, end)} song seconds of the clips. MSBG hears each pair with the
    mixture clip at ``reference_spl_db`` and every other signal at the same gain.
    """
    scores = read_scores(scores_csv)
    chosen = pick_pairs(
        scores, picks, [e for e in extra if e["separator"] == separator]
    )
    entries, sections = [], []
    for pick in chosen:
        row = scores[(scores.song == pick.song) & (scores.listener == pick.listener)]
        row = row.iloc[0]
        start, end = window[pick.song]
        cells = []
        signals = [
            (source, *read_clip(source.path, start, end - start, source.offset_s))
            for source in sources[(pick.song, pick.listener)]
        ]
        mixture_rms = level_dbfs(signals[0][1])[0]  # the mixture comes first
        gain_db = (
            presentation_gain_db(mixture_rms, reference_spl_db)
            if np.isfinite(mixture_rms)
            else 0.0
        )
        for source, x, rate in signals:
            pair_cells = []
            for hearing, listener in (
                ("as written", None),
                ("hearing loss", audiograms[pick.listener]),
            ):
                clip = make_clip(x, rate, clip_rate, listener, gain_db)
                over = float(np.mean(np.abs(clip) > 1.0))
                clip = np.clip(clip, -1.0, 1.0)  # what MP3 can hold, flagged below
                data = encode_mp3(clip, clip_rate, kbps)
                image = spectrogram_jpeg(clip, clip_rate)
                rms, peak = level_dbfs(clip)
                entry = {
                    "pick": pick.label,
                    "song": pick.song,
                    "listener": pick.listener,
                    "signal": source.key,
                    "hearing": hearing,
                    "seconds": round(len(clip) / clip_rate, 4),
                    "sample_rate": clip_rate,
                    "bytes": len(data),
                    "spectrogram_bytes": len(image),
                    "rms_dbfs": rms,
                    "peak_dbfs": peak,
                    "clipped_share": over,
                    "msbg_gain_db": None if listener is None else gain_db,
                    "silent": bool(rms < SILENCE_DBFS),
                }
                entries.append(entry)
                pair_cells.append(_clip_cell(entry, data, image))
            beside = _haaqi_text(source.haaqi)
            cells.append(
                f"<tr><td><b>{html.escape(source.title)}</b>{beside}</td>"
                + "".join(pair_cells)
                + "</tr>"
            )
        sections.append(
            f'<section class="pick"><h2>{html.escape(pick.label)}: listener '
            f"{html.escape(pick.listener)}, {html.escape(pick.song)} (pair HAAQI "
            f"{_num(row['score'])}; clip {start:g}-{end:g} s of the song)</h2>"
            f"{pair_haaqi_table(row)}"
            '<table class="clips"><thead><tr><th>signal</th><th>as written</th>'
            f"<th>as listener {html.escape(pick.listener)} hears it (MSBG, left ear "
            "left, right ear right)</th></tr></thead><tbody>"
            + "".join(cells)
            + "</tbody></table></section>"
        )
    intro = (
        '<p class="note">Pairs of this separator picked by pair HAAQI (best, median, '
        "worst) and any chosen in <code>listen.pairs</code>. Levels are as written: "
        "the mixture at its MUSDB18-HQ level, the remixes at the level of their "
        "FLAC (the official remix after NAL-R for this listener), the hearing-loss "
        "columns as MSBG returns them on the same digital scale, never normalised. "
        "MSBG hears each pair with the mixture clip at "
        f"{reference_spl_db:g} dB SPL (the level the CAD1 evaluation gives HAAQI's "
        "reference) and every other signal through the same gain, so an amplified "
        "remix reaches the ear louder. Samples beyond full scale (resampling can "
        "push a remix written at full scale over it) are clipped, their share "
        "printed. "
        "Spectrograms share one scale "
        f"({SPECTROGRAM_DB[0]:g} to {SPECTROGRAM_DB[1]:g} dB re full scale). HAAQI "
        "above each pair: the official scores of the separated, amplified stems; "
        "beside a strategy: its remix HAAQI per ear.</p>"
    )
    body = f"<style>{CSS}</style>{intro}" + "".join(sections)
    if not sections:
        body += '<p class="note">No scored pair to listen to.</p>'
    write_text(out, page(f"Listen: {separator}", body))
    write_text(manifest, json.dumps(entries, indent=1))
    return entries


def _clip_cell(entry: dict, mp3: bytes, jpeg: bytes) -> str:
    audio = base64.b64encode(mp3).decode()
    image = base64.b64encode(jpeg).decode()
    share = entry["clipped_share"]
    flag = f", {share:.1%} of samples clipped at full scale" if share else ""
    flag += " silent" if entry["silent"] else ""
    return (
        f'<td><audio controls preload="metadata" data-seconds="{entry["seconds"]}" '
        f'data-signal="{html.escape(entry["signal"])}" '
        f'data-hearing="{entry["hearing"]}" src="data:audio/mpeg;base64,{audio}">'
        "</audio>"
        f'<p class="level">RMS {entry["rms_dbfs"]:.1f} dBFS, peak '
        f'{entry["peak_dbfs"]:.1f} dBFS{flag}</p>'
        f'<img alt="spectrogram" src="data:image/jpeg;base64,{image}"></td>'
    )


def _haaqi_text(haaqi: dict[str, float] | None) -> str:
    if not haaqi:
        return ""
    parts = ", ".join(f"{k} {_num(v)}" for k, v in haaqi.items())
    return f'<p class="level">remix HAAQI: {html.escape(parts)}</p>'
