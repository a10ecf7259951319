#!/usr/bin/env bash
# Debian packages the kiosk and its tests need: Mesa's GL/EGL for Kivy, mtdev for touch,
# PostgreSQL for the collector's tests, Chromium for the web-survey browser tests, poppler-utils
# (pdftotext, pdftoppm) for the tests that read the PDF report back, systemd for systemd-analyze (the
# appliance's unit is verified in a test; slim container images leave systemd out), nginx (the collector's
# TLS front in deploy/collector/ is tested), espeak-ng (the read-aloud audio: `kiosk audio build`).
# Installs only what is missing, and only as root.
set -euo pipefail
wanted=(libgl1 libegl1 libgl1-mesa-dri libmtdev1 postgresql xclip chromium poppler-utils xvfb x11-apps systemd nginx espeak-ng)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
