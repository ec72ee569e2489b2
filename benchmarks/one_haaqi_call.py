"""One HAAQI call of the official CAD1 evaluation on one stem and ear, measured.

    python benchmarks/one_haaqi_call.py ENGINE REFERENCE_WAV ENHANCED_FLAC \
        LISTENER_JSON SONG [--ear left]

Does what ``recipes.cad1.task1.baseline.evaluate._evaluate_song_listener`` does for
its first call (the song's seed, the reference read and resampled to 24 kHz, the
enhanced FLAC read by ``read_flac_signal``, ``level1`` from the reference's RMS), with
the official ``compute_haaqi`` (``official``) or vdbo's (``fast``, one thread), in
this fresh process, and prints one JSON line: the score, the call's wall and CPU
seconds and the process's peak memory (``VmHWM``, as ``rusage_probe`` reads it),
imports and audio included, as a scoring job holds them.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "rusage_probe"))
from sitecustomize import peak_mb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=("official", "fast"))
    parser.add_argument("reference")
    parser.add_argument("enhanced")
    parser.add_argument("listener", help="JSON file of one listener's audiogram")
    parser.add_argument("song")
    parser.add_argument("--ear", choices=("left", "right"), default="left")
    args = parser.parse_args()

    import numpy as np
    from clarity.utils.signal_processing import compute_rms, resample
    from recipes.cad1.task1.baseline import evaluate
    from scipy.io import wavfile

    if args.engine == "official":
        compute_haaqi = evaluate.compute_haaqi
    else:
        from vdbo.haaqi import compute_haaqi as fast

        def compute_haaqi(**kwargs):
            return fast(**kwargs, threads=1)

    with open(args.listener, encoding="utf-8") as f:
        audiogram = json.load(f)
    side = 0 if args.ear == "left" else 1
    rate_ref, reference = wavfile.read(args.reference)
    reference = (reference / 32768.0).astype(np.float32)
    reference = resample(reference, rate_ref, 24000)
    enhanced, rate_enh = evaluate.read_flac_signal(Path(args.enhanced))
    evaluate.set_song_seed(args.song)

    wall, cpu = time.perf_counter(), time.process_time()
    score = compute_haaqi(
        processed_signal=enhanced,
        reference_signal=reference[:, side],
        sample_rate_processed=int(rate_enh),
        sample_rate_reference=24000,
        audiogram=np.array(audiogram[f"audiogram_levels_{args.ear[0]}"]),
        audiogram_frequencies=np.array(audiogram["audiogram_cfs"]),
        level1=65 - 20 * np.log10(compute_rms(reference[:, side])),
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    usage = resource.getrusage(resource.RUSAGE_SELF)
    record = {
        "engine": args.engine,
        "score": float(score),
        "seconds": len(enhanced) / rate_enh,
        "call_wall_s": wall,
        "call_cpu_s": cpu,
        "process_cpu_s": usage.ru_utime + usage.ru_stime,
        "max_rss_mb": peak_mb(),
    }
    print(json.dumps(record))


if __name__ == "__main__":
    main()
