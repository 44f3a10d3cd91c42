#!/usr/bin/env bash
# Shared set-up for the demo and the tests: Debian packages when missing, a virtualenv, pinned packages.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
# read the whole list first: piping ldconfig into a grep that quits early fails under pipefail (SIGPIPE)
libs=$(ldconfig -p 2>/dev/null || true)
[[ $libs == *libzbar.so.0* ]] || need+=(libzbar0)
command -v python3 >/dev/null || need+=(python3 python3-venv)
python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
for extra in "$@"; do
  case "$extra" in
    chromium)
      command -v chromium >/dev/null || need+=(chromium chromium-driver)
      [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji) ;;
  esac
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
if [ ! -f .venv/.installed ] || [ requirements.txt -nt .venv/.installed ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  touch .venv/.installed
fi
