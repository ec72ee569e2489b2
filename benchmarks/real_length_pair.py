"""One real-length pair through the real workflow, measured per rule; what tables cost.

Nothing else runs a 4-minute song end to end. This builds one in the CAD1 Task 1
layout (a demo song, ``vdbo.demo``, composed at that length: 44.1 kHz 16-bit stereo
mixture and four stems, with CAD1 metadata for one listener), puts random-weight
HDEMUCS_HIGH_MUSDB weights at full size in a temporary ``TORCH_HOME``
(``tests/fake_weights.py``), and runs the workflow itself (``snakemake`` from the
repository root, ``config/musdb18hq.yaml`` with the data root, the hdemucs separator
only and ``scoring.engine: fast``) through separate, enhance, encode and score. A
short song of the same music (``--short``) goes first, so every rule is measured at
two lengths and its model is a fixed part plus a part per second of audio.

Per job: CPU seconds, wall seconds and peak memory, exactly (``getrusage`` and the
kernel's high-water mark of the job's process, ``benchmarks/rusage_probe``) and as
Snakemake's ``benchmark:`` file samples them, beside the ``mem_mb`` and ``runtime`` the
rule requests (``snakemake -n``); songs over ``--lock-above`` run under the lock too.
The official engine's score job (8 HAAQI calls, about an hour of CPU for 4 min here)
is not run: one official call on the long song's left drums (the first call of the
pair, the same random state) is measured in a process of its own, under
``flock LOCK`` (it needs ~11-12 GB), beside the same call by the fast engine; the
pair's official score job is estimated as 8 such calls. Then the CPU-hours and wall
time of the CAD1 validation and evaluation tables per engine, computed from these
figures (``benchmarks/cost_model.py``), and the requests these models propose
(``cost_model.MEM_MARGIN`` x peak, ``RUNTIME_MARGIN`` x wall). ``--json`` keeps the raw
figures and the fitted models; ``--from-json`` prints the tables again from them.

    python benchmarks/real_length_pair.py --seconds 240 --json measured.json
    python benchmarks/real_length_pair.py --seconds 20 --short 10 --json dev.json
    python benchmarks/real_length_pair.py --from-json measured.json --json out.json

The run is serial on purpose (one job at a time), so the wall times are each job's
own; on a shared machine they still include waiting for the CPU (the host load is
printed).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from cost_model import (
    MEM_MARGIN,
    RUNTIME_MARGIN,
    JobKind,
    Machine,
    concurrent_jobs,
    cpu_hours,
    fit_line,
    mem_request_mb,
    runtime_request_min,
    wall_hours,
)
from full_size_plan import LISTENERS, OBJECTIVE, SONGS, SUBJECTIVE

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = Path(__file__).resolve().parent
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
LISTENER = "L0066"  # a validation listener of the stand-in (tests/standin.py)
SEPARATOR = "hdemucs"
PAIR_RULES = ("separate", "enhance", "encode", "score")
HAAQI_CALLS_PER_PAIR = 8
SEPARATORS_PER_TABLE = 2  # hdemucs and umxhq, as the shipped real-data configs
LOCK = "/tmp/work/bigmem.lock"
MIN_SECONDS = 10.0  # the demo song's vocals start later: a shorter one has none
PROPOSAL_LENGTHS = (30.0, 240.0)  # an evaluation segment, a whole song


def song_name(seconds: float) -> str:
    return f"Measured Pair - {seconds:g} Seconds"


# --- the data ---------------------------------------------------------------------


def write_song(root: Path, seconds: float) -> str:
    """A demo song composed at ``seconds``: a CAD1 validation track (MUSDB train/)."""
    from scipy.io import wavfile

    from vdbo import STEMS
    from vdbo.demo.build import render_song
    from vdbo.demo.mixing import mix_stems
    from vdbo.demo.render import SAMPLE_RATE, find_soundfont
    from vdbo.demo.songs import SONGS as DEMO_SONGS

    name = song_name(seconds)
    spec = dataclasses.replace(DEMO_SONGS[0], name=name, seconds=float(seconds))
    track = root / "audio/musdb18hq/train" / name
    track.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vdbo-song-") as scratch:
        signals = mix_stems(render_song(spec, Path(scratch), find_soundfont()))
    for stem in ("mixture", *STEMS):
        wavfile.write(track / f"{stem}.wav", SAMPLE_RATE, signals[stem])
    return name


def write_metadata(root: Path, names: list[str]) -> dict:
    """CAD1 metadata: the songs as validation songs, one validation listener."""
    audiograms = json.loads(
        (REPO / "resources/listeners/clarity_listeners.json").read_text("utf-8")
    )
    meta = root / "metadata"
    meta.mkdir(parents=True, exist_ok=True)
    valid = [{"Track Name": n, "Split": "train"} for n in names]
    files = {
        "musdb18.valid.json": valid,
        "musdb18.train.json": [],
        "musdb18.test.json": [],
        "listeners.valid.json": {LISTENER: audiograms[LISTENER]},
        "listeners.train.json": {},
        "listeners.test.json": {},
        "musdb18.segments.test.json": {},
    }
    for name, data in files.items():
        (meta / name).write_text(json.dumps(data, indent=1), encoding="utf-8")
    return audiograms[LISTENER]


def write_config(path: Path, data_root: Path) -> Path:
    """The shipped validation config, on this data, hdemucs only, the fast engine."""
    config = yaml.safe_load((REPO / "config/musdb18hq.yaml").read_text())
    config["data"]["root"] = str(data_root)
    config["separators"] = {SEPARATOR: config["separators"][SEPARATOR]}
    config.setdefault("scoring", {})["engine"] = "fast"
    schema = (REPO / "workflow/schemas/config.schema.yaml").read_text()
    if re.search(r"^      verify_pairs:", schema, re.M):
        # The official re-scoring of a sample is measured apart (one call here).
        config["scoring"]["verify_pairs"] = 0
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


# --- the workflow -------------------------------------------------------------------


def snakemake(
    config: Path, workdir: Path, env: dict, *args: str, lock: str | None = None
) -> str:
    """Run the workflow from the repository root, under ``flock lock`` if given."""
    cmd = [
        SNAKEMAKE,
        "--snakefile",
        str(REPO / "Snakefile"),
        "--cores",
        "2",
    ]
    cmd += ["--configfile", str(config), "--directory", str(workdir), *args]
    if lock:
        Path(lock).parent.mkdir(parents=True, exist_ok=True)
        cmd = ["flock", lock, *cmd]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"snakemake failed:\n{done.stderr[-6000:]}")
    return done.stdout


RULE = re.compile(r"^(?:local)?rule (\w+):$")


def requests(dry_run: str) -> dict[tuple[str, str], dict]:
    """``{(rule, song): {"mem_mb", "runtime", "threads"}}`` from ``snakemake -n``."""
    out: dict[tuple[str, str], dict] = {}
    rule, fields = None, {}
    for line in [*dry_run.splitlines(), "rule end:"]:
        if match := RULE.match(line):
            if rule:
                out[(rule, fields.get("song", "-"))] = fields
            rule, fields = match.group(1), {}
            continue
        key, _, value = line.strip().partition(": ")
        if key == "wildcards":
            fields.update(kv.split("=", 1) for kv in value.split(", "))
        elif key == "threads":
            fields["threads"] = int(value)
        elif key == "resources":
            for kv in value.split(", "):
                name, _, number = kv.partition("=")
                if name in ("mem_mb", "runtime"):
                    fields[name] = int(number)
    return out


def probe_records(folder: Path) -> dict[str, dict]:
    """``{script: record}`` of the job scripts a run's probe saw (its last of each)."""
    out = {}
    for path in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime):
        record = json.loads(path.read_text())
        script = Path(record["argv"][0]).name if record["argv"] else ""
        if ".snakemake" in record["argv"][0] and "." in script:
            out[script.split(".", 1)[1].removesuffix(".py")] = record
    return out


def benchmark_files(workdir: Path, song: str) -> dict[str, Path]:
    """The ``benchmark:`` file of each pair rule's job for ``song``."""
    found = {}
    for rule in PAIR_RULES:
        for path in (workdir / "results/benchmarks" / rule).rglob(f"{song}.tsv"):
            found[rule] = path
    return found


def run_pair(
    config, workdir, env, song, probe, target=None, lock=None
) -> tuple[dict, float]:
    """Run the workflow (up to ``target``); the pair rules' figures for ``song``."""
    from vdbo.report.cost import read_benchmarks

    probe.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    env = {**env, "VDBO_RUSAGE_DIR": str(probe)}
    snakemake(config, workdir, env, *filter(None, [target]), lock=lock)
    total = time.monotonic() - started
    exact = probe_records(probe)
    tsv = read_benchmarks({r: [p] for r, p in benchmark_files(workdir, song).items()})
    sampled = {row.rule: row for row in tsv.itertuples()}
    figures = {}
    for rule in PAIR_RULES:
        if rule not in exact:
            raise SystemExit(f"no measurement of rule {rule} for {song!r} in {probe}")
        rec, row = exact[rule], sampled.get(rule)
        figures[rule] = {
            "cpu_s": rec["cpu_s"] + rec["children_cpu_s"],
            "wall_s": rec["wall_s"],
            "max_rss_mb": rec["max_rss_mb"],
            "tsv_s": getattr(row, "wall_s", math.nan),
            "tsv_cpu_time": getattr(row, "cpu_s", math.nan),
            "tsv_max_rss": getattr(row, "max_rss_mb", math.nan),
        }
    return figures, total


def haaqi_call(engine, reference, enhanced, listener_json, song, lock) -> dict:
    """One HAAQI call in a fresh process (``benchmarks/one_haaqi_call.py``)."""
    cmd = [sys.executable, str(BENCHMARKS / "one_haaqi_call.py"), engine]
    cmd += [str(reference), str(enhanced), str(listener_json), song]
    if lock:
        Path(lock).parent.mkdir(parents=True, exist_ok=True)
        cmd = ["flock", lock, *cmd]
    waited = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ)
    if done.returncode:
        raise SystemExit(f"HAAQI call ({engine}) failed:\n{done.stderr[-4000:]}")
    record = json.loads(done.stdout.strip().splitlines()[-1])
    record["process_wall_s"] = time.monotonic() - waited
    return record


def score_check(results: Path, calls: dict[float, dict]) -> list[str]:
    """Each length's left-drums cell of the workflow's CSV beside the single calls'
    scores (the pair's first call: the same random state), and whether all equal."""
    lines = []
    for seconds, by_engine in calls.items():
        song = song_name(seconds)
        path = results / f"results/scores/{SEPARATOR}/{LISTENER}/{song}.csv"
        with open(path, newline="", encoding="utf-8") as f:
            cell = float(next(csv.DictReader(f))["left_drums"])
        found = {e: c["score"] for e, c in by_engine.items()}
        equal = all(v == cell for v in found.values())
        calls_text = ", ".join(f"{e} {v!r}" for e, v in found.items())
        lines.append(
            f"{seconds:g} s: workflow {cell!r}, {calls_text} "
            f"({'all equal' if equal else 'DIFFERENT'})"
        )
    return lines


# --- models and tables --------------------------------------------------------------


def rule_models(
    measured: dict[float, dict], calls: dict[float, dict], threads: dict[str, int]
) -> dict:
    """Per rule (and per engine for score): lines of CPU, wall and peak memory against
    the song's seconds, and the requests they lead to.

    The runtime request is a margin over the wall time measured here, which on a
    shared machine includes waiting for its cores: on cores of its own (a SLURM
    job's) a job needs about ``busy_s``, its CPU seconds over its ``threads``.
    """
    models = {}
    for rule in PAIR_RULES:
        key = "score_fast" if rule == "score" else rule
        models[key] = {
            m: fit_line({s: measured[s][rule][m] for s in measured})
            for m in ("cpu_s", "wall_s", "max_rss_mb")
        }
        models[key]["threads"] = threads.get(rule, 1)
    official = {s: c["official"] for s, c in calls.items() if "official" in c}
    if official:
        per_pair = {
            m: {s: HAAQI_CALLS_PER_PAIR * c[f"call_{m}"] for s, c in official.items()}
            for m in ("cpu_s", "wall_s")
        }
        models["score_official"] = {
            "cpu_s": fit_line(per_pair["cpu_s"]),
            "wall_s": fit_line(per_pair["wall_s"]),
            "max_rss_mb": fit_line({s: c["max_rss_mb"] for s, c in official.items()}),
            "threads": 1,  # the official HAAQI uses one core
        }
    for model in models.values():
        cpu_a, cpu_b = model["cpu_s"]
        model["busy_s"] = [cpu_a / model["threads"], cpu_b / model["threads"]]
        (mem_a, mem_b), (wall_a, wall_b) = model["max_rss_mb"], model["wall_s"]
        model["proposed"] = {
            "mem_mb": [MEM_MARGIN * mem_a, MEM_MARGIN * mem_b],
            "runtime_s": [RUNTIME_MARGIN * wall_a, RUNTIME_MARGIN * wall_b],
            "at": {
                str(s): {
                    "mem_mb": mem_request_mb(at(model["max_rss_mb"], s)),
                    "runtime_min": runtime_request_min(at(model["wall_s"], s)),
                }
                for s in PROPOSAL_LENGTHS
            },
        }
    return models


def at(line: tuple[float, float], seconds: float) -> float:
    return line[0] + line[1] * seconds


def table_kinds(models: dict, engine: str, evaluation: bool, verify: float) -> list:
    """The job kinds of the CAD1 validation (whole songs) or evaluation table."""
    pairs = SONGS * LISTENERS * SEPARATORS_PER_TABLE
    song_s = 240.0
    scored = OBJECTIVE["end"] - OBJECTIVE["start"] if evaluation else song_s
    # evaluation: encode writes the 30 s stems and the 50 s remix, cropped first
    encoded = SUBJECTIVE["end"] - SUBJECTIVE["start"] if evaluation else song_s

    def kind(rule, model, count, seconds):
        m = models[model]
        mem = mem_request_mb(at(m["max_rss_mb"], seconds))
        return JobKind(rule, count, at(m["cpu_s"], seconds), m["threads"], mem)

    kinds = [
        kind("separate", "separate", SONGS * SEPARATORS_PER_TABLE, song_s),
        kind("enhance", "enhance", pairs, song_s),
        kind("encode", "encode", pairs, encoded),
        kind(f"score ({engine})", f"score_{engine}", pairs, scored),
    ]
    if engine == "fast" and verify and "score_official" in models:
        sample = max(2 * SEPARATORS_PER_TABLE, math.ceil(verify * pairs))
        kinds.append(kind("verify (official)", "score_official", sample, scored))
    return kinds


def machines() -> list[Machine]:
    """This machine, a 16-core 64 GB workstation, 10 such SLURM nodes (80 % of RAM
    for jobs)."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    here = f"this machine ({os.cpu_count()} cores, {ram / 1024:.0f} GB)"
    return [
        Machine(here, os.cpu_count() or 1, 0.8 * ram),
        Machine("workstation (16 cores, 64 GB)", 16, 0.8 * 65536),
        Machine("SLURM, 10 nodes (16 cores, 64 GB)", 16, 0.8 * 65536, nodes=10),
    ]


def hours(h: float) -> str:
    if math.isinf(h):
        return "does not fit"
    return f"{h:.1f} h" if h < 48 else f"{h:.0f} h ({h / 24:.1f} d)"


# --- output -------------------------------------------------------------------------


def pair_table(measured, calls, requested, seconds_list) -> list[str]:
    head = (
        "| rule | song s | CPU s | wall s | peak MB | TSV: CPU s / wall s / peak MB "
        "| requested MB | requested min | peak / requested |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|---|"]
    for seconds in seconds_list:
        song = song_name(seconds)
        for rule in PAIR_RULES:
            f, r = measured[seconds][rule], requested.get((rule, song), {})
            label = f"{rule} (fast)" if rule == "score" else rule
            share = f["max_rss_mb"] / r["mem_mb"] if "mem_mb" in r else math.nan
            lines.append(
                f"| {label} | {seconds:g} | {f['cpu_s']:.1f} | {f['wall_s']:.1f} | "
                f"{f['max_rss_mb']:.0f} | {f['tsv_cpu_time']:.1f} / {f['tsv_s']:.1f} "
                f"/ {f['tsv_max_rss']:.0f} | {r.get('mem_mb', '-')} | "
                f"{r.get('runtime', '-')} | {share:.2f} |"
            )
        for engine, c in sorted(calls.get(seconds, {}).items()):
            lines.append(
                f"| 1 HAAQI call ({engine}) | {seconds:g} | {c['call_cpu_s']:.1f} | "
                f"{c['call_wall_s']:.1f} | {c['max_rss_mb']:.0f} | - | - | - | - |"
            )
        if "official" in calls.get(seconds, {}):
            from vdbo.evaluation.engines import get_engine

            c = calls[seconds]["official"]
            official = get_engine("official")
            mem, runtime = official.mem_mb(seconds), official.runtime_min(seconds)
            lines.append(
                f"| score (official), computed: 8 x 1 call | {seconds:g} | "
                f"{8 * c['call_cpu_s']:.0f} | {8 * c['call_wall_s']:.0f} | "
                f"{c['max_rss_mb']:.0f} | - | {mem} | {runtime} | "
                f"{c['max_rss_mb'] / mem:.2f} |"
            )
    return lines


def model_table(models: dict) -> list[str]:
    at_lengths = " / ".join(f"{s:g} s" for s in PROPOSAL_LENGTHS)
    lines = [
        "| model | CPU s = a + b*s | wall s = a + b*s | peak MB = a + b*s "
        f"| proposed mem_mb = {MEM_MARGIN} x peak | proposed runtime s = "
        f"{RUNTIME_MARGIN} x wall | threads "
        f"| proposed mem_mb, runtime min at {at_lengths} |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in models.items():
        lines_ = [m["cpu_s"], m["wall_s"], m["max_rss_mb"]]
        lines_ += [m["proposed"]["mem_mb"], m["proposed"]["runtime_s"]]
        cells = [f"{a:.1f} + {b:.4f}*s" for a, b in lines_]
        cells.append(str(m["threads"]))
        cells.append(
            " / ".join(
                f"{v['mem_mb']} MB, {v['runtime_min']} min"
                for v in m["proposed"]["at"].values()
            )
        )
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return lines


def cost_table(models: dict, verify: float) -> tuple[list[str], dict]:
    ms = machines()
    lines = [
        "| table | engine | CPU-hours | " + " | ".join(m.name for m in ms) + " |",
        "|---|---|---|" + "---|" * len(ms),
    ]
    data = {}
    engines = [e for e in ("fast", "official") if f"score_{e}" in models]
    for table, evaluation in (("validation", False), ("evaluation", True)):
        for engine in engines:
            kinds = table_kinds(models, engine, evaluation, verify)
            walls = [wall_hours(kinds, m) for m in ms]
            data[f"{table}/{engine}"] = {
                "cpu_hours": cpu_hours(kinds),
                "wall_hours": {m.name: w for m, w in zip(ms, walls, strict=True)},
                "jobs": [
                    {
                        **dataclasses.asdict(k),
                        "at_once": {m.name: concurrent_jobs(k, m) for m in ms},
                    }
                    for k in kinds
                ],
            }
            lines.append(
                f"| {table} | {engine} | {cpu_hours(kinds):.0f} | "
                + " | ".join(hours(w) for w in walls)
                + " |"
            )
    lines += ["", "Per job kind: CPU, request, and how many run at once:"]
    lines += [
        "",
        "| table/engine | job | count | CPU s each | threads | mem_mb | "
        + " | ".join(m.name for m in ms)
        + " |",
        "|---|---|---|---|---|---|" + "---|" * len(ms),
    ]
    for key, table in data.items():
        for job in table["jobs"]:
            lines.append(
                f"| {key} | {job['rule']} | {job['count']} | {job['cpu_s']:.0f} | "
                f"{job['threads']} | {job['mem_mb']:.0f} | "
                + " | ".join(str(n) for n in job["at_once"].values())
                + " |"
            )
    return lines, data


def describe_tables(verify: float) -> str:
    pairs = SONGS * LISTENERS * SEPARATORS_PER_TABLE
    scored = OBJECTIVE["end"] - OBJECTIVE["start"]
    return (
        f"Computed, not measured: {SONGS} songs of 240 s x {LISTENERS} listeners x "
        f"{SEPARATORS_PER_TABLE} separators = {pairs} pairs per table, "
        f"{SONGS * SEPARATORS_PER_TABLE} separations (hdemucs's model used for both "
        f"separators), {HAAQI_CALLS_PER_PAIR} HAAQI calls per pair; validation scores "
        f"whole songs, evaluation {scored:g} s segments (enhance on the whole song, "
        "encode at the 50 s remix length). The official score job is 8 x the measured "
        "call. fast includes the official re-scoring of a sample "
        f"({verify:.0%} of the pairs, at least 2 per separator). Memory requests are "
        f"{MEM_MARGIN}x the measured peak; jobs pack by cores and 80 % of RAM; "
        "each job's wall time is its CPU time over its threads (CPU-bound, this "
        "machine's per-core speed), rules one after another, no scheduler latency."
    )


def measure(args) -> dict:
    """Build the songs, run the workflow and the single calls; the raw figures."""
    sys.path.insert(0, str(REPO / "tests"))
    from fake_weights import make_torch_home

    lengths = [s for s in (args.short, args.seconds) if s]
    with tempfile.TemporaryDirectory(prefix="vdbo-real-length-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data = work / "data"
        started = time.monotonic()
        names = [write_song(data, s) for s in lengths]
        listener = write_metadata(data, names)
        listener_json = work / "listener.json"
        listener_json.write_text(json.dumps(listener))
        home = make_torch_home(work / "torch")
        print(f"data and weights: {time.monotonic() - started:.0f} s", flush=True)
        config = write_config(work / "config.yaml", data)
        env = {**os.environ, "TORCH_HOME": str(home)}
        env["PATH"] = f"{Path(SNAKEMAKE).parent}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONPATH"] = os.pathsep.join(
            [str(BENCHMARKS / "rusage_probe"), str(REPO / "src")]
        )
        results = work / "run"
        requested = requests(snakemake(config, results, env, "-n"))

        measured, totals = {}, {}
        for i, seconds in enumerate(lengths):
            song = song_name(seconds)
            last = i == len(lengths) - 1
            target = (
                None if last else f"results/scores/{SEPARATOR}/{LISTENER}/{song}.csv"
            )
            # a 4-min separation peaks near 3 GB: measured with no big job beside it
            lock = args.lock if seconds > args.lock_above else None
            print(f"workflow: {song} {'(locked) ' if lock else ''}...", flush=True)
            measured[seconds], totals[seconds] = run_pair(
                config, results, env, song, work / f"probe{i}", target, lock
            )
            print(f"  {totals[seconds]:.0f} s", flush=True)

        calls: dict[float, dict] = {}
        engines = ["fast"] + ([] if args.no_official else ["official"])
        for seconds in lengths:
            song = song_name(seconds)
            reference = data / "audio/musdb18hq/train" / song / "drums.wav"
            enhanced = next(
                (results / "results/enhanced").rglob(
                    f"{LISTENER}_{song}_left_drums.flac"
                )
            )
            for engine in engines:
                print(f"one HAAQI call, {engine}, {seconds:g} s ...", flush=True)
                big = engine == "official" and seconds > args.lock_above
                lock = args.lock if big else None
                calls.setdefault(seconds, {})[engine] = haaqi_call(
                    engine, reference, enhanced, listener_json, song, lock
                )
        return {
            "lengths_s": lengths,
            "measured": measured,
            "workflow_wall_s": totals,
            "requested": [[r, s, v] for (r, s), v in requested.items()],
            "haaqi_calls": calls,
            "score_check": score_check(results, calls),
            "load_average": os.getloadavg(),
            "cpu_count": os.cpu_count(),
            "when": time.strftime("%Y-%m-%d %H:%M"),
        }


def from_json(path: Path) -> dict:
    """The raw figures of an earlier run (its ``--json``), keys back to floats."""
    raw = json.loads(path.read_text())["raw"]
    for key in ("measured", "workflow_wall_s", "haaqi_calls"):
        raw[key] = {float(s): v for s, v in raw[key].items()}
    return raw


def report(raw: dict, verify: float) -> tuple[str, dict]:
    """The markdown tables and the models and costs computed from the raw figures."""
    lengths, measured, calls = raw["lengths_s"], raw["measured"], raw["haaqi_calls"]
    requested = {(r, s): v for r, s, v in raw["requested"]}
    threads = {r: v["threads"] for (r, _), v in requested.items() if "threads" in v}
    models = rule_models(measured, calls, threads)
    costs, cost_data = cost_table(models, verify)
    load = raw["load_average"]
    out = [
        f"# One real-length pair, measured ({raw['when']})",
        "",
        f"Host: {raw['cpu_count']} cores, load average {load[0]:.1f} / {load[1]:.1f} "
        f"/ {load[2]:.1f} at the end (shared machine: wall times include waiting).",
        "One run of benchmarks/real_length_pair.py: the workflow (snakemake, "
        "config/musdb18hq.yaml, hdemucs with random weights at full size, fast "
        "engine) on a demo song composed at each length; CPU s and wall s of each "
        "job's process (getrusage), peak MB its high-water mark (VmHWM); the TSV "
        "figures from Snakemake's benchmark: files (sampled every 30 s after the "
        "first 15 s); requested as `snakemake -n` shows. The official engine's pair "
        "is about an hour of CPU here: ONE official call (left drums) is measured, "
        "beside the same call by the fast engine, and the official score job is "
        "computed as 8 x that call.",
        "",
        *pair_table(measured, calls, requested, lengths),
        "",
        "Left drums, the workflow's score (fast engine) and the single calls: "
        + "; ".join(raw["score_check"]),
        "",
        "## Models (lines through the lengths measured; s = seconds of audio)",
        "",
        *model_table(models),
        "",
        "## What the full tables cost (computed)",
        "",
        describe_tables(verify),
        "",
        *costs,
    ]
    results = {
        "models": models,
        "margins": {"mem": MEM_MARGIN, "runtime": RUNTIME_MARGIN},
        "tables": cost_data,
    }
    return "\n".join(out) + "\n", results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=240.0, help="the long song")
    parser.add_argument(
        "--short", type=float, default=30.0, help="the short song (0: none)"
    )
    parser.add_argument("--json", type=Path, required=True, help="write results here")
    parser.add_argument("--markdown", type=Path, help="write the tables here too")
    parser.add_argument("--workdir", type=Path, help="keep everything here")
    parser.add_argument(
        "--lock", default=LOCK, help="flock file: the official call, long songs' runs"
    )
    parser.add_argument(
        "--lock-above", type=float, default=60.0,
        help="songs longer than this (s): workflow and official call under --lock",
    )  # fmt: skip
    parser.add_argument(
        "--no-official", action="store_true", help="skip the official HAAQI call"
    )
    parser.add_argument(
        "--verify-fraction", type=float, default=0.01,
        help="pairs the fast engine's runs re-score with the official one",
    )  # fmt: skip
    parser.add_argument(
        "--from-json", type=Path, help="no run: tables from an earlier run's --json"
    )
    args = parser.parse_args()
    if any(0 < s < MIN_SECONDS for s in (args.short, args.seconds)):
        parser.error(f"songs of at least {MIN_SECONDS:g} s (the demo song's intro)")

    if args.from_json:
        raw = from_json(args.from_json)
    else:
        raw = measure(args)
        args.json.write_text(json.dumps({"raw": raw}, indent=1))  # kept if tables fail
    text, results = report(raw, args.verify_fraction)
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    args.json.write_text(json.dumps({"raw": raw, **results}, indent=1))


if __name__ == "__main__":
    main()
