#!/usr/bin/env bash
# Installs Debian/Ubuntu packages that the course needs and cannot get from Maven or PyPI
# (Fashion-MNIST, Chromium for the browser test), the way a user would: apt-get, through sudo
# when not root. Where that is impossible it prints the exact command to run and fails.
#   usage: tools/apt-install.sh "what needs them" PACKAGE...
set -euo pipefail
why=$1; shift
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
command="${SUDO:+sudo }apt-get install -y ${*}"
if ! command -v apt-get >/dev/null; then
  echo "ERROR: $why needs the Debian/Ubuntu package(s) $*, and this machine has no apt-get." >&2
  echo "       Install the equivalent with your package manager (Debian/Ubuntu: $command)." >&2
  exit 1
fi
echo "$why needs $*; installing: $command"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet: update once when the first try fails.
$SUDO apt-get install -y -q "$@" </dev/null >/dev/null 2>&1 ||
  { $SUDO apt-get update -q </dev/null >/dev/null 2>&1 && $SUDO apt-get install -y -q "$@" </dev/null >/dev/null; } ||
  { echo "ERROR: could not install $*. Run: ${SUDO:+sudo }apt-get update && $command" >&2; exit 1; }
