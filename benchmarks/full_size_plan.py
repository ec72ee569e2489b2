"""The full-size plan of both real-data configs, without the real data.

50 listeners x 14 songs of 4 minutes (the size of a CAD1 Task 1 table), as WAV files
whose headers say 4 minutes and whose samples are a sparse hole (``truncate``): the
workflow sizes each job from the headers alone
(``vdbo.core.resources.audio_seconds``), so
``snakemake -n`` plans exactly what the real data would get, using no disk. Prints per
rule the job count and each job's ``mem_mb`` and ``runtime`` (minutes), and the totals
a scheduler must grant.

    python benchmarks/full_size_plan.py [--workdir DIR]
    python benchmarks/full_size_plan.py --smoke  # 2 listeners x 2 songs (tests/)
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
LISTENERS_SOURCE = REPO / "resources/listeners/clarity_listeners.json"
SONGS, LISTENERS, SECONDS = 14, 50, 240.0
RATE = 44100
OBJECTIVE = {"start": 60.0, "end": 90.0}  # 30 s, as the CAD1 test set
SUBJECTIVE = {"start": 50.0, "end": 100.0}
CONFIGS = ("musdb18hq.yaml", "musdb18hq_eval.yaml")


def header_only_wav(path: Path, seconds: float) -> None:
    """A 44.1 kHz 16-bit stereo WAV of ``seconds`` whose samples are a sparse hole."""
    data_bytes = int(seconds * RATE) * 4
    header = b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, RATE, RATE * 4, 4, 16)
    header += b"data" + struct.pack("<I", data_bytes)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + data_bytes)


def make_header_only_standin(
    root: Path, songs: int = SONGS, listeners_count: int = LISTENERS
) -> Path:
    """The CAD1 layout with 14 validation and 14 test songs, 50 listeners each."""
    audiograms = json.loads(LISTENERS_SOURCE.read_text(encoding="utf-8"))
    listeners = dict(list(audiograms.items())[:listeners_count])
    meta = root / "metadata"
    meta.mkdir(parents=True, exist_ok=True)
    for split, folder in (("valid", "train"), ("test", "test")):
        names = [f"Full Size {split.title()} Song {i:02d}" for i in range(songs)]
        for name in names:
            for stem in ("mixture", "vocals", "drums", "bass", "other"):
                header_only_wav(
                    root / "audio/musdb18hq" / folder / name / f"{stem}.wav", SECONDS
                )
        entries = [{"Track Name": n, "Split": folder} for n in names]
        (meta / f"musdb18.{split}.json").write_text(json.dumps(entries, indent=1))
        (meta / f"listeners.{split}.json").write_text(json.dumps(listeners, indent=1))
        if split == "test":
            segments = {
                n: {
                    "objective_evaluation": OBJECTIVE,
                    "subjective_evaluation": SUBJECTIVE,
                }
                for n in names
            }
            (meta / "musdb18.segments.test.json").write_text(json.dumps(segments))
    (meta / "musdb18.train.json").write_text("[]")
    (meta / "listeners.train.json").write_text("{}")
    return root


RULE = re.compile(r"^(?:local)?rule (\w+):$")
RESOURCES = re.compile(r"^    resources: (.*)$")


def plan(config: Path, root: Path, workdir: Path) -> dict[str, dict]:
    """{rule: {"jobs": n, "mem_mb": {values}, "runtime": {values}}} of a dry run."""
    workdir.mkdir(parents=True, exist_ok=True)
    cmd = [
        SNAKEMAKE,
        "--snakefile",
        str(REPO / "Snakefile"),
        "--configfile",
        str(config),
        "--config",
        f"data={{root: {root}}}",
        "--directory",
        str(workdir),
        "--cores",
        "2",
        "-n",
        # the samples are a hole (silent references) and no weights are cached: the
        # preflight's findings are expected here, as warnings, not a stop
        "--keep-going",
    ]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr[-4000:])
    table: dict[str, dict] = defaultdict(
        lambda: {"jobs": 0, "mem_mb": set(), "runtime": set()}
    )
    rule = None
    for line in done.stdout.splitlines():
        if match := RULE.match(line):
            rule = match.group(1)
            table[rule]["jobs"] += 1
        elif (match := RESOURCES.match(line)) and rule:
            values = dict(kv.split("=", 1) for kv in match.group(1).split(", "))
            for key in ("mem_mb", "runtime"):
                if key in values:
                    table[rule][key].add(int(values[key]))
    return dict(table)


def _span(values: set[int]) -> str:
    if not values:
        return "-"
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def print_table(
    name: str, table: dict[str, dict], songs: int = SONGS, listeners: int = LISTENERS
) -> None:
    print(f"\n{name}: {listeners} listeners x {songs} songs of {SECONDS / 60:.0f} min")
    print(
        "| rule | jobs | mem_mb per job | runtime per job (min) | jobs x runtime (h) |"
    )
    print("|---|---|---|---|---|")
    total = 0.0
    for rule, row in table.items():
        hours = row["jobs"] * max(row["runtime"], default=0) / 60
        total += hours
        print(
            f"| {rule} | {row['jobs']} | {_span(row['mem_mb'])} | "
            f"{_span(row['runtime'])} | {hours:.0f} |"
        )
    print(f"| total | {sum(r['jobs'] for r in table.values())} | | | {total:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep the stand-in here")
    parser.add_argument(
        "--smoke", action="store_true", help="seconds: 2 listeners x 2 songs (tests/)"
    )
    args = parser.parse_args()
    songs, listeners = (2, 2) if args.smoke else (SONGS, LISTENERS)
    with tempfile.TemporaryDirectory(prefix="vdbo-full-size-") as tmp:
        work = args.workdir or Path(tmp)
        root = make_header_only_standin(work / "data", songs, listeners)
        for config in CONFIGS:
            table = plan(REPO / "config" / config, root, work / config)
            print_table(config, table, songs, listeners)


if __name__ == "__main__":
    main()
