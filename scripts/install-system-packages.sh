#!/usr/bin/env bash
# Debian packages the demo and the tests need: fluidsynth + a General MIDI soundfont
# (MIT) to render the demo's instruments, espeak-ng + sox for its sung vocals, flac for
# inspecting outputs, ffmpeg (ffmpeg/ffprobe: museval imports musdb -> stempeg,
# which stops at import without them; SDR), chromium (headless) for the test that opens the HTML report in a real
# browser. Idempotent; needs root only when something is missing.
set -euo pipefail

packages=(fluidsynth fluidr3mono-gm-soundfont espeak-ng sox flac ffmpeg libsndfile1 chromium fonts-dejavu-core)

missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-system-packages: run as root (or apt-get install ${missing[*]})" >&2
    exit 1
fi
echo "install-system-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
