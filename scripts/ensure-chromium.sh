#!/usr/bin/env bash
# Makes sure Debian's `chromium` is installed for the browser tests
# (test/browser/, driven by playwright-core, which never downloads a browser).
# Skips when /usr/bin/chromium is already there; otherwise installs the package
# non-interactively with apt-get (as root, or through sudo when available).
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available;" >&2
  echo "install Chromium so that $CHROMIUM exists (the browser tests in test/browser/ need it)." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "ensure-chromium: $CHROMIUM is missing and installing it needs root (run as root or install sudo)." >&2
    exit 1
  fi
fi

echo "ensure-chromium: installing Debian's chromium package (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing." >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed."
