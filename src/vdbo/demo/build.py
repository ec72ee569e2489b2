"""Build the demo dataset: ``build_demo_dataset(root, listeners_source)`` or
``python -m vdbo.demo.build ROOT LISTENERS_JSON``.

Each song is composed, rendered and mixed in a scratch folder, written to a staging
folder under ``root`` and then renamed into place, so an interrupted build never leaves
a half-written track where the workflow would read it. Songs are built in parallel
threads (the heavy work runs in fluidsynth/sox subprocesses or in numpy).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from scipy.io import wavfile

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.demo.accompaniment import compose_bass, compose_chords
from vdbo.demo.arrangement import Timeline
from vdbo.demo.external import ExternalToolError, require_tools
from vdbo.demo.grooves import compose_drums
from vdbo.demo.melody import compose_melody
from vdbo.demo.metadata import select_listeners, write_metadata
from vdbo.demo.midi import ChannelSetup, write_midi
from vdbo.demo.mixing import fit_length, mix_stems, vocal_image
from vdbo.demo.notes import DRUM_CHANNEL
from vdbo.demo.render import SAMPLE_RATE, find_soundfont, render_midi
from vdbo.demo.songs import SONGS, SongSpec
from vdbo.demo.vocals import sing

STAGING_NAME = ".demo-staging"
"""Folder under the dataset root where finished tracks wait to be renamed into place."""


def track_dir(root: Path, song: SongSpec) -> Path:
    """``root/audio/musdb18hq/<split>/<Track Name>``."""
    return Path(root) / "audio" / "musdb18hq" / song.split / song.name


def _part_rng(song: SongSpec, part: int) -> np.random.Generator:
    """One generator per part, so changing one part leaves the others as they were."""
    return np.random.default_rng([song.seed, part])


def render_song(
    song: SongSpec, workdir: Path, soundfont: Path
) -> dict[str, np.ndarray]:
    """The song's four stems as float32 stereo arrays of the song's exact length."""
    workdir.mkdir(parents=True, exist_ok=True)
    timeline = Timeline(song)
    length = round(song.seconds * SAMPLE_RATE)
    parts = {
        "drums": (
            compose_drums(timeline, _part_rng(song, 0)),
            [ChannelSetup(DRUM_CHANNEL, 0, volume=110, reverb=25)],
        ),
        "bass": (
            compose_bass(timeline, _part_rng(song, 1)),
            [ChannelSetup(0, song.bass_program, volume=110, reverb=10)],
        ),
        "other": (
            compose_chords(timeline, _part_rng(song, 2)),
            [
                ChannelSetup(
                    ch, part.program, volume=part.volume, pan=part.pan, reverb=45
                )
                for ch, part in enumerate(song.chord_parts)
            ],
        ),
    }
    stems = {}
    for stem, (notes, channels) in parts.items():
        midi_path = workdir / f"{stem}.mid"
        write_midi(midi_path, notes, channels, timeline)
        rendered = render_midi(midi_path, workdir / f"{stem}.wav", soundfont)
        stems[stem] = fit_length(rendered, length)
    melody = compose_melody(timeline, _part_rng(song, 3))
    mono = sing(melody, timeline, workdir / "vocals", length)
    stems["vocals"] = vocal_image(mono.astype(np.float32), 60.0 / song.bpm)
    return stems


def _build_track(song: SongSpec, root: Path, workdir: Path, soundfont: Path) -> None:
    signals = mix_stems(render_song(song, workdir / f"song{song.seed}", soundfont))
    staged = Path(root) / STAGING_NAME / song.split / song.name
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    for name in ("mixture", *STEMS):
        wavfile.write(staged / f"{name}.wav", SAMPLE_RATE, signals[name])
    final = track_dir(root, song)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        old = staged.with_name(staged.name + ".old")
        os.replace(final, old)
        os.replace(staged, final)
        shutil.rmtree(old)
    else:
        os.replace(staged, final)


def build_demo_dataset(
    root: Path, listeners_source: Path, *, workdir: Path | None = None
) -> None:
    """Write the six-song demo in the MUSDB18-HQ + Cadenza CAD1 layout under ``root``.

    ``listeners_source`` is the Clarity listeners JSON (its ``LICENSE-clarity.txt``
    beside it); ``workdir`` keeps the intermediate MIDI/WAV files (default: a
    temporary folder, removed afterwards). Bit-identical on every run on one machine.
    """
    root = Path(root)
    listeners = select_listeners(Path(listeners_source))
    require_tools()
    soundfont = find_soundfont()
    staging = root / STAGING_NAME
    if staging.exists():
        shutil.rmtree(staging)  # left over from an interrupted build
    scratch = (
        tempfile.TemporaryDirectory(prefix="vdbo-demo-")
        if workdir is None
        else contextlib.nullcontext(str(workdir))
    )
    with scratch as work_name:
        work = Path(work_name)
        # fluidsynth spends half its wall time waiting, not computing, so twice as
        # many songs as cores in flight shortens the build.
        workers = min(len(SONGS), 2 * (os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [
                pool.submit(_build_track, s, root, work, soundfont) for s in SONGS
            ]
            for future in futures:
                future.result()
    shutil.rmtree(staging, ignore_errors=True)
    write_metadata(root / "metadata", SONGS, listeners, Path(listeners_source))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vdbo.demo.build",
        description="Build the offline demo dataset (MUSDB18-HQ + Cadenza layout).",
    )
    parser.add_argument("root", type=Path, help="dataset root to write")
    parser.add_argument("listeners", type=Path, help="Clarity listeners JSON")
    parser.add_argument("--workdir", type=Path, help="keep intermediate files here")
    args = parser.parse_args(argv)
    try:
        build_demo_dataset(args.root, args.listeners, workdir=args.workdir)
    except (InputError, ExternalToolError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
