#!/usr/bin/env bash
# Fetch, here (with internet), the wheels benchmarks/gpu_check.sh installs on a bare,
# offline GPU machine (Python 3.12 with its own torch, torchaudio, numpy 2, scipy,
# pandas, numba, pyyaml). Writes .whl/ (ignored by git; about 5 MB).
#
#   bash benchmarks/gpu_wheels.sh
#
# What vdbo's separation path imports that such a machine lacks:
#   openunmix                         Open-Unmix models
#   pyclarity                         recipes.cad1.task1.baseline.enhance (decompose_signal)
#   hydra-core, omegaconf, antlr4     imported by the recipe module
#   soundfile, pyflac, cffi, pycparser, soxr   imported by clarity.utils / clarity.evaluator
# All go in with --no-deps, so pyclarity's own pins (numpy<2, torch<2) do not apply.
# antlr4-python3-runtime 4.9.3 and pyflac 3.0.0 are published as sources only: they
# are built here with Python 3.12 (pyflac bundles libFLAC; its two small extension
# modules link only against it and the C library).
set -euo pipefail
cd "$(dirname "$0")/.."
PY312=${PY312:-python3.12}
if ! "$PY312" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
    PY312="env PYENV_VERSION=3.12.1 python3.12"
fi
rm -rf .whl
mkdir -p .whl

binary=(
    openunmix==1.3.0
    pyclarity==0.3.4
    hydra-core==1.3.2
    omegaconf==2.3.0
    soundfile==0.12.1
    cffi==1.17.1
    pycparser==2.22
    soxr==0.5.0.post1
)
platforms=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_17_x86_64 \
    manylinux2014_x86_64 manylinux1_x86_64; do
    platforms+=(--platform "$p")
done
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp "${platforms[@]}" -d .whl "${binary[@]}"

# Sources only on PyPI: build the wheels with Python 3.12.
$PY312 -m pip wheel -q --no-deps -w .whl antlr4-python3-runtime==4.9.3 pyflac==3.0.0

ls -l .whl
du -sh .whl
