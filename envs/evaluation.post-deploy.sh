#!/usr/bin/env bash
# Run by Snakemake (--sdm conda) inside the new environment, after creating it from
# the .yaml beside this file. pyclarity 0.3.4 pins torch<2.0 and hydra-core==1.1.1,
# which do not install on Python 3.11; the .yaml lists the runtime dependencies it
# uses, at the versions of the tested venv (requirements-nodeps.txt, the Makefile).
set -euo pipefail
python -m pip install --no-deps pyclarity==0.3.4
