#!/usr/bin/env bash
# The GPU check on a bare, offline GPU machine: Python 3 with its own torch, torchaudio,
# numpy 2, scipy, pandas, numba, pyyaml, and nothing of vdbo's. From the repository root,
# after `bash benchmarks/gpu_wheels.sh` filled .whl/ on a machine with internet:
#
#   bash benchmarks/gpu_check.sh [gpu_check.py options]
#
# Installs the wheels in .whl/ with --no-deps into /tmp/site (the machine's own torch and
# numpy stay), puts src/ and /tmp/site on PYTHONPATH, and runs benchmarks/gpu_check.py
# under a time limit (GPU_CHECK_TIMEOUT seconds, default 500). The report goes to
# $OUT/gpu_check.json (or ./gpu_check.json where OUT is unset), its output to stdout and
# gpu_check.log beside it.
# PYTHON, WHEELS (default .whl) and SITE (default /tmp/site) change the defaults.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
WHEELS=${WHEELS:-.whl}
SITE=${SITE:-/tmp/site}
out=${OUT:-.}/gpu_check.json

ls "$WHEELS"/*.whl >/dev/null 2>&1 || { echo "no wheels in $WHEELS: run benchmarks/gpu_wheels.sh first"; exit 2; }
$PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target "$SITE" "$WHEELS"/*.whl || exit 2
export PYTHONPATH="$PWD/src:$SITE${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || true
$PY -c 'import torch, torchaudio, numpy; print("torch", torch.__version__, "torchaudio",
torchaudio.__version__, "numpy", numpy.__version__, "cuda", torch.cuda.is_available())'

timeout "${GPU_CHECK_TIMEOUT:-500}" $PY benchmarks/gpu_check.py --out "$out" "$@" 2>&1 |
    tee "${out%.json}.log"
status=${PIPESTATUS[0]}
[ $status -eq 124 ] && echo "gpu_check.py stopped at ${GPU_CHECK_TIMEOUT:-500} s; the partial report is in $out"
exit $status
