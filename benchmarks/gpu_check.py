"""GPU check: vdbo's model separation and training on CUDA, against the CPU.

With random weights of the real architectures (HDEMUCS_HIGH_MUSDB and umxhq, written
here in the libraries' cache layouts by tests/fake_weights.py) and a synthetic 44.1 kHz
stereo song (tests/tinydata.py):

* separation through vdbo's own code (``load_model`` then ``separate_with_model``, what
  the ``separate`` rule runs) on CUDA and on the CPU: the largest difference of the CUDA
  stems from the CPU stems, relative to the CPU stems' peak (above 1e-3: FAIL), and
  their SDR; once with torch's default float32 settings (cuDNN may use TF32) and once
  with TF32 off;
* the real-time factor (wall seconds per second of audio; below 1 is faster than real
  time) on the GPU and the CPU at 30 s and 4 min, the GPU's peak memory, model load
  time and the first (cold) call;
* training steps of both architectures at the demo size and the full size, on CUDA and
  on the CPU, measured by benchmarks/training_throughput.py's ``throughput``.

    python benchmarks/gpu_check.py --out gpu_check.json         # a GPU machine
    python benchmarks/gpu_check.py --cpu-only --quick --out x.json  # dry run, no GPU

``bash benchmarks/gpu_check.sh`` runs it on a bare, offline GPU machine. With
``--cpu-only`` the CPU plays the GPU's part, to test the script where there is none.
The report is printed and written as JSON to ``--out`` after every section.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import json
import os
import platform
import sys
import tempfile
import time
import traceback
import types
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))
from fake_weights import make_torch_home  # noqa: E402
from tinydata import RATE, synth_stems  # noqa: E402
from training_throughput import bench_songs, sync, throughput  # noqa: E402

from vdbo.core.atomic import write_text  # noqa: E402

TOLERANCE = 1e-3
"""Largest CUDA-vs-CPU difference, relative to the CPU stems' peak, that is rounding."""

MODELS = {
    "hdemucs": {"kind": "torchaudio_hdemucs"},
    "umxhq": {"kind": "openunmix", "model": "umxhq", "niter": 0},
}
"""The CAD1 baselines, as the workflow's config names them."""

FULL_SIZES = {
    "umx": {"hidden_size": 512, "nb_layers": 3, "nfft": 4096, "nhop": 1024},
    "hdemucs": {"channels": 48, "nfft": 4096, "depth": 6},
}
"""umxhq's and HDEMUCS_HIGH_MUSDB's sizes (vdbo.training.config.DEFAULTS' note)."""

STAND_INS = ("pyflac", "soundfile", "soxr")
"""Modules pyclarity imports at load time that separation never calls."""


def log(message: str) -> None:
    print(message, flush=True)


def versions() -> dict:
    out = {"python": platform.python_version(), "machine": platform.node()}
    for dist in (
        "torch",
        "torchaudio",
        "numpy",
        "scipy",
        "openunmix",
        "pyclarity",
        "hydra-core",
        "omegaconf",
    ):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = None
    out["torch_cuda"] = torch.version.cuda
    out["cpu_count"] = os.cpu_count()
    out["torch_threads"] = torch.get_num_threads()
    out["cuda_available"] = torch.cuda.is_available()
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        out["gpu"] = props.name
        out["gpu_memory_gib"] = round(props.total_memory / 2**30, 1)
        out["gpu_capability"] = f"{props.major}.{props.minor}"
        out["cudnn"] = torch.backends.cudnn.version()
        out["tf32_matmul"] = torch.backends.cuda.matmul.allow_tf32
        out["tf32_cudnn"] = torch.backends.cudnn.allow_tf32
    return out


def import_baseline(report: dict) -> None:
    """Import the official ``decompose_signal``'s module. Modules it imports but
    separation never calls get an empty stand-in if they cannot load here (reported)."""
    for name in STAND_INS:
        try:
            importlib.import_module(name)
        except Exception as err:  # noqa: BLE001 - ImportError, or OSError from a library
            stand_in = types.ModuleType(name)
            stand_in.SoundFile = None  # clarity's msbg_utils: from soundfile import
            sys.modules[name] = stand_in
            note = f"{name} could not be imported ({err}); an empty stand-in is used"
            report["notes"].append(note)
            log(f"NOTE: {note}")
    importlib.import_module("recipes.cad1.task1.baseline.enhance")


def mixture(seconds: float, seed: int = 7) -> np.ndarray:
    """A synthetic song's mixture, ``(samples, 2)`` float32, as read_wav_float reads."""
    stems = synth_stems(seed, seconds)
    mix = sum(s.astype(np.int32) for s in stems.values())
    return (mix / 32768.0).astype(np.float32)


@contextlib.contextmanager
def peak_memory(device: torch.device, into: dict, key: str):
    """Record the device's peak allocated memory (GiB) during the block."""
    if device.type == "cuda":
        sync(device)
        torch.cuda.reset_peak_memory_stats(device)
    yield
    if device.type == "cuda":
        sync(device)
        into[key] = round(torch.cuda.max_memory_allocated(device) / 2**30, 3)


@contextlib.contextmanager
def tf32(enabled: bool | None):
    """TF32 on or off for cuBLAS and cuDNN in the block; ``None``: torch's defaults."""
    if enabled is None:
        yield
        return
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = enabled
    torch.backends.cudnn.allow_tf32 = enabled
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


def separate(model, mix: np.ndarray, device: torch.device) -> tuple[dict, float]:
    """Stems through vdbo's separation path, and the wall seconds it took."""
    from vdbo.separation.run import separate_with_model

    sync(device)
    started = time.perf_counter()
    stems = separate_with_model(model, mix, str(device))
    sync(device)
    return stems, time.perf_counter() - started


def compare(reference: dict, other: dict) -> dict:
    """Per stem and overall: max abs difference, relative to the reference peak, SDR."""
    from vdbo.training.validation import sdr

    stems = {}
    for name, ref in reference.items():
        diff = float(np.max(np.abs(other[name].astype(np.float64) - ref)))
        peak = float(np.max(np.abs(ref)))
        stems[name] = {
            "max_abs_diff": diff,
            "relative": diff / peak if peak > 0 else float("inf"),
            "sdr_db": round(sdr(ref, other[name]), 2),
        }
    worst = max(s["relative"] for s in stems.values())
    return {
        "max_abs_diff": max(s["max_abs_diff"] for s in stems.values()),
        "relative": worst,
        "min_sdr_db": min(s["sdr_db"] for s in stems.values()),
        "status": "PASS" if worst <= TOLERANCE else "FAIL",
        "stems": stems,
    }


def separation(report: dict, args, target: torch.device, save) -> None:
    import_baseline(report)
    short, long = mixture(args.short_seconds), mixture(args.long_seconds, seed=8)
    warm = mixture(min(args.short_seconds, 12.0), seed=9)
    for name, spec in MODELS.items():
        entry = report["separation"].setdefault(name, {"spec": spec})
        try:
            separate_one(name, spec, entry, (short, long, warm), args, target, save)
        except Exception as err:  # noqa: BLE001 - recorded, the next model still runs
            entry["error"] = f"{type(err).__name__}: {err}"
            report["errors"].append(f"separation {name}: {entry['error']}")
            log(traceback.format_exc())
        save()


def separate_one(name, spec, entry, signals, args, target, save) -> None:
    from vdbo.separation.run import load_model

    short, long, warm = signals
    cpu = torch.device("cpu")
    log(f"[separation] {name}: CPU, {args.short_seconds:g} s")
    started = time.perf_counter()
    model_cpu = load_model(spec, "cpu")
    entry["cpu_load_s"] = round(time.perf_counter() - started, 2)
    cpu_stems, seconds = separate(model_cpu, short, cpu)
    entry["cpu_short_s"] = round(seconds, 2)
    entry["cpu_rtf_short"] = round(seconds / args.short_seconds, 4)

    log(f"[separation] {name}: {target}, {args.short_seconds:g} s")
    started = time.perf_counter()
    model = load_model(spec, str(target))
    sync(target)
    entry["target_load_s"] = round(time.perf_counter() - started, 2)
    _, seconds = separate(model, warm, target)
    entry["target_first_call_s"] = round(seconds, 2)
    entry["first_call_audio_s"] = round(len(warm) / RATE, 2)
    for label, setting in (("default", None), ("tf32_off", False)):
        with tf32(setting), peak_memory(target, entry, "peak_gib_short"):
            stems, seconds = separate(model, short, target)
        result = entry[f"compare_{label}"] = compare(cpu_stems, stems)
        if label == "default":
            entry["target_short_s"] = round(seconds, 3)
            entry["target_rtf_short"] = round(seconds / args.short_seconds, 5)
        log(f"  {label}: relative {result['relative']:.2e} -> {result['status']}")
    del stems, cpu_stems
    save()

    log(f"[separation] {name}: {target}, {args.long_seconds:g} s")
    with peak_memory(target, entry, "peak_gib_long"):
        _, seconds = separate(model, long, target)
    entry["target_long_s"] = round(seconds, 3)
    entry["target_rtf_long"] = round(seconds / args.long_seconds, 5)
    del model

    predicted = entry["cpu_rtf_short"] * args.long_seconds
    measure = args.cpu_long == "full" or (
        args.cpu_long == "auto"
        and predicted <= args.cpu_long_budget
        and args.elapsed() + predicted <= args.budget_s
    )
    if measure:
        log(f"[separation] {name}: CPU, {args.long_seconds:g} s")
        _, seconds = separate(model_cpu, long, cpu)
        entry["cpu_long_s"] = round(seconds, 2)
        entry["cpu_long_how"] = "measured"
    else:
        entry["cpu_long_s"] = round(predicted, 2)
        entry["cpu_long_how"] = (
            f"extrapolated from the {args.short_seconds:g} s run (predicted "
            f"{predicted:.0f} s; --cpu-long {args.cpu_long}, budgets "
            f"{args.cpu_long_budget:g} s for it, {args.budget_s:g} s in all)"
        )
    entry["cpu_rtf_long"] = round(entry["cpu_long_s"] / args.long_seconds, 4)


def training(report: dict, args, target: torch.device, save) -> None:
    from vdbo.training.config import resolve_config

    threads = torch.get_num_threads()
    cpu = torch.device("cpu")
    songs = bench_songs()
    configs = {}
    for arch in ("umx", "hdemucs"):
        for size in ("demo", "full"):
            given = {"architecture": arch}
            if size == "full":
                given[arch] = FULL_SIZES[arch]
            if args.quick:
                given.update(batch_size=1, chunk_seconds=1.0)
            configs[arch, size] = resolve_config(given)
    # The target first; then the CPU as training_throughput.py's own table (demo
    # sizes, 1 and 2 threads: the train rule runs 1), and full sizes on all threads.
    runs = [(key, target, args.steps, threads, False) for key in configs]
    for key in configs:
        if key[1] == "demo":
            runs += [(key, cpu, args.cpu_steps, n, False) for n in (1, 2)]
        elif args.cpu_full_training:
            runs.append((key, cpu, args.cpu_full_steps, threads, True))
    for (arch, size), device, steps, n_threads, optional in runs:
        cfg = configs[arch, size]
        row = {
            "architecture": arch,
            "size": size,
            "device": str(device),
            "threads": n_threads,
            "steps": steps,
            "batch_size": cfg["batch_size"],
            "chunk_seconds": cfg["chunk_seconds"],
        }
        report["training"].append(row)
        if optional and args.elapsed() > args.budget_s:
            row["skipped"] = f"past the --budget-s of {args.budget_s:g} s"
            continue
        log(f"[training] {arch} {size} on {device}, {n_threads} threads, {steps} steps")
        try:
            with peak_memory(device, row, "peak_gib"):
                rate = throughput(cfg, songs, steps, n_threads, str(device))
            row["audio_s_per_s"] = round(rate, 3)
            row["steps_per_s"] = round(
                rate / (cfg["batch_size"] * cfg["chunk_seconds"]), 4
            )
        except Exception as err:  # noqa: BLE001 - recorded, the other rows still run
            row["error"] = f"{type(err).__name__}: {err}"
            report["errors"].append(f"training {arch} {size} {device}: {row['error']}")
            log(traceback.format_exc())
        finally:
            torch.set_num_threads(threads)
        save()


def text_report(report: dict) -> str:
    env = report["environment"]
    lines = [
        "=" * 78,
        f"vdbo GPU check  {report['started']}  target device: {report['target']}",
        f"python {env['python']}, torch {env['torch']} (CUDA {env['torch_cuda']}), "
        f"torchaudio {env['torchaudio']}, numpy {env['numpy']}",
        f"GPU: {env.get('gpu', 'none')}  {env.get('gpu_memory_gib', '')} GiB; "
        f"CPU threads: {env['torch_threads']} of {env['cpu_count']}; "
        f"TF32 default: matmul {env.get('tf32_matmul')}, cuDNN {env.get('tf32_cudnn')}",
    ]
    lines += [f"NOTE: {n}" for n in report["notes"]]
    sep = report["separation"]
    if sep:
        lines += [
            "",
            "Separation (vdbo load_model + separate_with_model), "
            f"{report['args']['short_seconds']:g} s: {report['target']} vs CPU stems",
            f"{'model':<8} {'precision':<9} {'max |diff|':>11} {'relative':>10} "
            f"{'min SDR dB':>10}  verdict",
        ]
        for name, entry in sep.items():
            for label in ("default", "tf32_off"):
                c = entry.get(f"compare_{label}")
                if c:
                    lines.append(
                        f"{name:<8} {label:<9} {c['max_abs_diff']:>11.3e} "
                        f"{c['relative']:>10.3e} {c['min_sdr_db']:>10.1f}  "
                        f"{c['status']}"
                    )
        lines += [
            "",
            "Real-time factor (wall s per audio s) and memory",
            f"{'model':<8} {'length':>7} {report['target'] + ' RTF':>11} "
            f"{'CPU RTF':>9} {'peak GiB':>9}  CPU figure",
        ]
        for name, entry in sep.items():
            for key, secs in (
                ("short", report["args"]["short_seconds"]),
                ("long", report["args"]["long_seconds"]),
            ):
                if f"target_rtf_{key}" not in entry:
                    continue
                how = "measured" if key == "short" else entry.get("cpu_long_how", "")
                lines.append(
                    f"{name:<8} {secs:>6g}s {entry[f'target_rtf_{key}']:>11.4f} "
                    f"{entry.get(f'cpu_rtf_{key}', float('nan')):>9.4f} "
                    f"{entry.get(f'peak_gib_{key}', float('nan')):>9.3f}  {how}"
                )
            if "target_first_call_s" in entry:
                lines.append(
                    f"{name:<8} load {entry['target_load_s']} s on "
                    f"{report['target']}, {entry['cpu_load_s']} s on the CPU; first "
                    f"call ({entry['first_call_audio_s']} s audio) "
                    f"{entry['target_first_call_s']} s"
                )
    if report["training"]:
        lines += [
            "",
            "Training (benchmarks/training_throughput.py throughput)",
            f"{'arch':<8} {'size':<5} {'device':<6} {'thr':>3} {'steps/s':>9} "
            f"{'audio s/s':>10} {'peak GiB':>9}",
        ]
        for row in report["training"]:
            if "error" in row or "skipped" in row:
                what = f"ERROR {row['error']}" if "error" in row else "skipped"
                lines.append(
                    f"{row['architecture']:<8} {row['size']:<5} {row['device']:<6} "
                    f"{row['threads']:>3} {what[:60]} {row.get('skipped', '')}"
                )
                continue
            peak = row.get("peak_gib", float("nan"))
            lines.append(
                f"{row['architecture']:<8} {row['size']:<5} {row['device']:<6} "
                f"{row['threads']:>3} {row['steps_per_s']:>9.3f} "
                f"{row['audio_s_per_s']:>10.2f} {peak:>9.3f}"
            )
        row = report["training"][0]
        lines.append(
            f"(batch {row['batch_size']} x {row['chunk_seconds']:g} s chunks per step)"
        )
    lines += [""] + [f"ERROR: {e}" for e in report["errors"]]
    lines += [f"VERDICT: {report['verdict']}", "=" * 78]
    return "\n".join(lines)


def verdict(report: dict) -> str:
    if report["errors"]:
        return "ERROR (see errors)"
    if report["target"] == "cpu":
        return "DRY RUN on the CPU (--cpu-only): no CUDA comparison made"
    statuses = [
        entry[key]["status"]
        for entry in report["separation"].values()
        for key in ("compare_default", "compare_tf32_off")
        if key in entry
    ]
    if not statuses:
        return "INCOMPLETE"
    return "PASS" if all(s == "PASS" for s in statuses) else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the report here as JSON")
    parser.add_argument(
        "--cpu-only", action="store_true", help="dry run: the CPU plays the GPU's part"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: 3 s and 6 s, 1 step"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="seconds, no GPU (tests/): the CPU as the GPU, separation of 2 s and "
        "3 s, no training",
    )
    parser.add_argument("--short-seconds", type=float, default=30.0)
    parser.add_argument("--long-seconds", type=float, default=240.0)
    parser.add_argument(
        "--cpu-long",
        choices=("auto", "full", "extrapolate"),
        default="auto",
        help="CPU separation of the long signal: measure it if the short run "
        "predicts at most --cpu-long-budget seconds (auto), always, or never "
        "(scale the short run's time)",
    )
    parser.add_argument("--cpu-long-budget", type=float, default=45.0)
    parser.add_argument("--steps", type=int, default=10, help="timed GPU steps")
    parser.add_argument(
        "--cpu-steps", type=int, default=3, help="timed CPU steps, demo sizes"
    )
    parser.add_argument(
        "--cpu-full-steps", type=int, default=1, help="timed CPU steps, full sizes"
    )
    parser.add_argument(
        "--cpu-full-training",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time full-size training on the CPU",
    )
    parser.add_argument(
        "--budget-s",
        type=float,
        default=200.0,
        help="past this many seconds, skip the optional CPU work (the long CPU "
        "separation is extrapolated, full-size CPU training skipped)",
    )
    parser.add_argument(
        "--skip", choices=("separation", "training"), action="append", default=[]
    )
    args = parser.parse_args()
    if args.quick:
        args.short_seconds, args.long_seconds = 3.0, 6.0
        args.steps = args.cpu_steps = args.cpu_full_steps = 1
    if args.smoke:
        args.cpu_only = True
        args.short_seconds, args.long_seconds = 2.0, 3.0
        args.steps = args.cpu_steps = args.cpu_full_steps = 1
        args.cpu_long, args.cpu_full_training = "extrapolate", False
        # training steps at full size take minutes on a CPU; training_throughput.py
        # --smoke runs the same throughput() at the demo size
        args.skip.append("training")

    if args.cpu_only:
        target = torch.device("cpu")
    elif torch.cuda.is_available():
        target = torch.device("cuda")
    else:
        log("ERROR: torch sees no CUDA device here; use --cpu-only for a dry run")
        return 2
    report = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "target": str(target),
        "args": {
            k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
        },
        "environment": versions(),
        "tolerance_relative": TOLERANCE,
        "notes": [],
        "separation": {},
        "training": [],
        "errors": [],
    }
    started = time.perf_counter()
    args.elapsed = lambda: time.perf_counter() - started

    def save() -> None:
        report["elapsed_s"] = round(time.perf_counter() - started, 1)
        report["verdict"] = verdict(report)
        if args.out:
            write_text(args.out, json.dumps(report, indent=1))

    log(json.dumps(report["environment"]))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TORCH_HOME"] = str(make_torch_home(Path(tmp) / "torch"))
        log(f"random weights written ({time.perf_counter() - started:.0f} s)")
        for name, section in (("separation", separation), ("training", training)):
            if name in args.skip:
                continue
            try:
                section(report, args, target, save)
            except Exception as err:  # noqa: BLE001 - recorded, the next section runs
                report["errors"].append(f"{name}: {type(err).__name__}: {err}")
                log(traceback.format_exc())
            save()
    save()
    log(text_report(report))
    return 0 if report["verdict"].startswith(("PASS", "DRY RUN")) else 1


if __name__ == "__main__":
    raise SystemExit(main())
