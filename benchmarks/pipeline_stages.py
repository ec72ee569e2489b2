"""Seconds per stage for one demo song and listener, and our separation vs the official.

Anchor: the official baseline's ``separate_sources`` (pyclarity 0.3.4) on the same
audio and the same Hybrid Demucs weights. Prints the ratio official/ours (> 1: ours is
faster). Uses the real HDEMUCS_HIGH_MUSDB weights when cached, else random weights of
the same architecture (speed does not depend on the values).

    .venv/bin/python benchmarks/pipeline_stages.py [--data results/data/demo]
    .venv/bin/python benchmarks/pipeline_stages.py --smoke  # seconds: a 3 s song

``--smoke`` (what tests/ runs): a synthetic 3 s song and one listener
(``tests/tinydata.py``) instead of the demo data, one repeat, a 1 s scored segment,
the fast HAAQI engine only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "results/data/demo")
    parser.add_argument("--listener", default=None)
    parser.add_argument("--segment", type=float, nargs=2, default=(8.0, 18.0))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--smoke", action="store_true", help="seconds: a 3 s synthetic song (tests/)"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    engines = ("fast",) if args.smoke else ("official", "fast")
    if args.smoke:
        from tinydata import make_dataset

        args.data = Path(tempfile.mkdtemp(prefix="vdbo-bench-smoke-")) / "data"
        make_dataset(args.data, {"Smoke Song": "train"}, ["L0066"], seconds=3.0)
        args.segment, args.repeats = (0.5, 1.5), 1

    from clarity.utils.signal_processing import denormalize_signals, normalize_signal
    from recipes.cad1.task1.baseline.enhance import separate_sources

    from vdbo.core import metadata
    from vdbo.core.audio_io import read_wav_float
    from vdbo.enhancement.amplification import amplify_stems
    from vdbo.enhancement.encoding import write_official_remix, write_stems
    from vdbo.evaluation.engines import get_engine
    from vdbo.evaluation.pairs import score_pair_checked
    from vdbo.separation import weights
    from vdbo.separation.run import separate_with_model

    if not (args.data / "metadata/musdb18.valid.json").exists():
        from vdbo.demo.build import build_demo_dataset

        _, seconds = timed(
            build_demo_dataset,
            args.data,
            REPO / "resources/listeners/clarity_listeners.json",
        )
        print(f"built demo data in {seconds:.1f} s")
    songs = metadata.load_songs(args.data / "metadata/musdb18.valid.json")
    listeners = metadata.load_listeners(args.data / "metadata/listeners.valid.json")
    song, split = next(iter(songs.items()))
    lid = args.listener or next(iter(listeners))
    track = args.data / "audio/musdb18hq" / split / song
    mixture = read_wav_float(track / "mixture.wav")
    duration = len(mixture) / 44100

    tmp = Path(tempfile.mkdtemp(prefix="vdbo-bench-"))
    if not weights.hdemucs_weights_path().exists():
        from fake_weights import make_torch_home

        os.environ["TORCH_HOME"] = str(make_torch_home(tmp / "torch"))
        print("real HDEMUCS_HIGH_MUSDB weights not cached: random weights, same model")
    model, load_s = timed(weights.load_hdemucs, "cpu")

    def official():
        signal, ref = normalize_signal(mixture.T)
        sources = separate_sources(model.module, torch.from_numpy(signal), 44100)
        return denormalize_signals(sources[0], ref)

    ours_s, official_s = [], []
    for _ in range(args.repeats):
        stems, s = timed(separate_with_model, model, mixture)
        ours_s.append(s)
        _, s = timed(official)
        official_s.append(s)
    ours, anchor = min(ours_s), min(official_s)

    processed, enhance_s = timed(
        amplify_stems, stems, listeners[lid], {"nfir": 220, "fs": 44100},
        {"threshold": 0.35, "attenuation": 0.1, "attack": 50, "release": 1000,
         "rms_buffer_size": 0.064}, False,
    )  # fmt: skip
    out = tmp / "enhanced"
    _, encode_s = timed(write_stems, processed, out, lid, song, 44100, 24000)
    remix_flac = out / lid / song / "remix.flac"
    _, remix_s = timed(write_official_remix, processed, remix_flac, 44100, 32000, True)
    rows = [
        ("song", f"{song} ({duration:.1f} s), listener {lid}"),
        ("load hdemucs", f"{load_s:.2f} s"),
        (
            "separate (ours, hdemucs)",
            f"{ours:.2f} s  ({duration / ours:.2f}x real time)",
        ),
        ("separate (official separate_sources)", f"{anchor:.2f} s"),
        ("separation speed ratio official/ours", f"{anchor / ours:.3f}"),
        ("enhance (NAL-R, 8 stems)", f"{enhance_s:.2f} s"),
        ("encode 8 stems (24 kHz FLAC)", f"{encode_s:.2f} s"),
        ("encode remix (32 kHz FLAC)", f"{remix_s:.2f} s"),
    ]
    seg = tuple(args.segment)
    for engine in engines:
        try:
            _, score_s = timed(
                score_pair_checked, song, lid, listeners[lid], split,
                args.data / "audio/musdb18hq", out, segment=seg,
                compute_haaqi=get_engine(engine).compute_haaqi(),
            )  # fmt: skip
        except ImportError:
            continue
        rows.append((f"score, {engine} HAAQI ({seg[1] - seg[0]:.0f} s, 8 calls)",
                     f"{score_s:.2f} s"))  # fmt: skip
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    np.testing.assert_allclose(
        np.stack([stems[s] for s in model.sources]), official(), rtol=0, atol=0
    )
    print("our stems equal the official separate_sources output exactly")


if __name__ == "__main__":
    main()
