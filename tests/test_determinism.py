"""Training and separation give the same numbers whatever the x86 instruction set
torch would pick, under the settings of vdbo.core.determinism (which the workflow
exports
to every job: tests/test_training_workflow.py checks the jobs' logs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from tinydata import make_dataset

from vdbo.core import determinism

REPO = Path(__file__).resolve().parents[1]
# Train a tiny HDemucs (convolutions: oneDNN; STFT and matmuls: MKL; elementwise
# ops: ATen) for 3 steps, separate a song with it, print a hash of both.
WORKER = """
import hashlib, sys
from pathlib import Path
import torch
from vdbo.separation.run import separate_track
from vdbo.training import load_separation_model, train
torch.set_num_threads(1)
music, out = Path(sys.argv[1]), Path(sys.argv[2])
cfg = {"architecture": "hdemucs", "seed": 7, "epochs": 1, "steps_per_epoch": 3,
       "batch_size": 2, "chunk_seconds": 1.0, "log_interval_seconds": 0.0,
       "validation": {"chunk_seconds": 1.0, "max_chunks_per_song": 1}}
train(cfg, music, ["A", "B"], ["C"], out, out.with_suffix(".jsonl"))
state = torch.load(out, weights_only=False)["state_dict"]
stems = separate_track({"kind": "trained"}, music / "train" / "C",
                       model=load_separation_model(out))
digest = hashlib.sha256()
for array in [*(v.numpy() for v in state.values()), *stems.values()]:
    digest.update(array.tobytes())
print(torch.backends.cpu.get_cpu_capability(), digest.hexdigest())
"""


def _run(tmp_path: Path, music: Path, env: dict[str, str]) -> tuple[str, str]:
    out = tmp_path / f"model{len(list(tmp_path.glob('*.pt')))}.pt"
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(music), str(out)],
        env={**env, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    capability, digest = done.stdout.split()[-2:]
    return capability, digest


@pytest.mark.slow
@pytest.mark.skipif(
    torch.backends.cpu.get_cpu_capability() != "AVX512",
    reason="needs an AVX-512 CPU to compare instruction sets",
)
def test_results_do_not_depend_on_the_instruction_set(tmp_path):
    root = make_dataset(
        tmp_path / "data", dict.fromkeys("ABC", "train"), ["L0001"], seconds=2.0
    )
    music = root / "audio/musdb18hq"
    bare = {k: v for k, v in os.environ.items() if k not in determinism.CPU_ENV}

    # Without the settings, torch's AVX-512 and AVX2 kernels disagree.
    native = _run(tmp_path, music, bare)
    avx2 = _run(tmp_path, music, {**bare, "ATEN_CPU_CAPABILITY": "avx2"})
    assert native[0] == "AVX512" and avx2[0] == "AVX2"
    assert native[1] != avx2[1]

    # With them (applied over whatever the machine's environment says, as the
    # workflow does), an AVX-512 run equals one whose MKL is also held to AVX2
    # instructions, as on an AVX2-only CPU.
    wide = dict(bare, ATEN_CPU_CAPABILITY="avx512", ONEDNN_MAX_CPU_ISA="AVX512_CORE")
    determinism.apply(wide)
    narrow = dict(bare, MKL_ENABLE_INSTRUCTIONS="AVX2")
    determinism.apply(narrow)
    first, second = _run(tmp_path, music, wide), _run(tmp_path, music, narrow)
    assert first == second == (determinism.TORCH_CAPABILITY, first[1])
