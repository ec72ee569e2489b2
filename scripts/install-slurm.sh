#!/usr/bin/env bash
# Install the Debian packages that tests/slurm_cluster.py needs to start a private
# single-node SLURM cluster (controller, node daemon, accounting with MariaDB, munge).
# Idempotent: does nothing when every package is already installed. Needs root.
set -euo pipefail

packages=(slurmctld slurmd slurm-client slurmdbd munge mariadb-server)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-slurm: all packages already installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-slurm: need root to install: ${missing[*]}" >&2
    exit 1
fi

echo "install-slurm: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 keeps the packages' post-install scripts from starting the daemons:
# the test fixture starts (and stops) its own.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
fi
trap 'if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi' EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-slurm: done"
