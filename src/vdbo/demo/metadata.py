"""The Cadenza metadata of the demo: song lists and a handful of real audiograms.

Listeners are copied unchanged from the Clarity project's listener file (MIT licence,
copied alongside) so the hearing losses are real: the validation trio spans a mild
high-frequency loss (L0045), a moderately severe flat loss (L0026) and a strongly
asymmetric one (L0066); the training four add near-normal, sloping, severe and
reverse-slope (low-frequency) losses.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from vdbo.core.atomic import write_text
from vdbo.core.errors import InputError
from vdbo.core.metadata import load_listeners
from vdbo.demo.songs import SongSpec

VALID_LISTENERS = ("L0045", "L0026", "L0066")
TRAIN_LISTENERS = ("L0069", "L0012", "L0044", "L0040")
LICENSE_NAME = "LICENSE-clarity.txt"
"""The licence file expected next to the listeners source."""


def select_listeners(source: Path) -> dict[str, dict[str, dict]]:
    """``{"train": {...}, "valid": {...}}`` audiograms from ``source``, checked."""
    source = Path(source)
    listeners = load_listeners(source)
    missing = [i for i in TRAIN_LISTENERS + VALID_LISTENERS if i not in listeners]
    if missing:
        raise InputError(
            source,
            f"listeners {', '.join(missing)} are missing",
            "use the Clarity listeners file "
            "(resources/listeners/clarity_listeners.json)",
        )
    if not (source.parent / LICENSE_NAME).is_file():
        raise InputError(
            source.parent / LICENSE_NAME,
            "licence of the listener file not found",
            "keep the Clarity MIT licence next to the listeners JSON",
        )
    return {
        "train": {i: listeners[i] for i in TRAIN_LISTENERS},
        "valid": {i: listeners[i] for i in VALID_LISTENERS},
    }


def _write_json(path: Path, data: object) -> None:
    """Write atomically, with a stable format, so rebuilds are byte-identical."""
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_metadata(
    metadata_dir: Path,
    songs: tuple[SongSpec, ...],
    listeners: dict[str, dict[str, dict]],
    listeners_source: Path,
) -> None:
    """Write the song lists, listener files and the listeners' licence."""
    metadata_dir.mkdir(parents=True, exist_ok=True)
    for split, music_split in (("train", "train"), ("valid", "test")):
        entries = [
            {"Track Name": song.name, "Split": song.split}
            for song in songs
            if song.split == music_split
        ]
        _write_json(metadata_dir / f"musdb18.{split}.json", entries)
        _write_json(metadata_dir / f"listeners.{split}.json", listeners[split])
    licence = metadata_dir / "LISTENERS-LICENSE.txt"
    shutil.copyfile(Path(listeners_source).parent / LICENSE_NAME, licence)
