"""Command line: ``python -m vdbo.training --help``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vdbo.core.errors import InputError
from vdbo.core.metadata import load_songs, read_json


def _config(path: Path | None) -> dict:
    if path is None:
        return {}
    if path.suffix in (".yaml", ".yml"):
        import yaml

        if not path.is_file():
            raise InputError(path, "file not found", "check the --config path")
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return read_json(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vdbo.training",
        description="Train or fine-tune a VDBO separator on MUSDB18-HQ songs.",
    )
    parser.add_argument(
        "--music-dir",
        type=Path,
        required=True,
        help="MUSDB18-HQ folder holding train/ and test/",
    )
    parser.add_argument(
        "--train-songs",
        type=Path,
        required=True,
        help="Cadenza song list (musdb18.train.json) to train on",
    )
    parser.add_argument(
        "--valid-songs", type=Path, help="song list to validate on (default: none)"
    )
    parser.add_argument("--config", type=Path, help="training settings, JSON or YAML")
    parser.add_argument("--out", type=Path, required=True, help="checkpoint to write")
    parser.add_argument("--log", type=Path, required=True, help="JSON-lines log")
    parser.add_argument(
        "--init",
        type=Path,
        help="initial weights: vdbo checkpoint, HDemucs state dict, "
        "or folder of per-stem Open-Unmix state dicts",
    )
    parser.add_argument("--device", help="overrides the config's device")
    args = parser.parse_args(argv)

    from vdbo.training.loop import train

    try:
        metrics = train(
            _config(args.config),
            args.music_dir,
            list(load_songs(args.train_songs)),
            list(load_songs(args.valid_songs)) if args.valid_songs else [],
            args.out,
            args.log,
            init_checkpoint=args.init,
            device=args.device,
            device_key="option --device",
        )
    except InputError as err:
        print(f"vdbo: {err}", file=sys.stderr)
        return 1
    print(json.dumps(metrics, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
