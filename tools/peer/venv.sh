#!/usr/bin/env bash
# The PyTorch-Python environment of `make bench-peer` (tools/peer/requirements.txt) in .venv-peer;
# idempotent: re-running it only reinstalls when the requirements changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.venv-peer
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
HASH=$(sha256sum tools/peer/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$HASH" ]; then
  echo "installing PyTorch 2.7.1 into $VENV (from PyPI: several GB with its CUDA libraries, once)"
  "$VENV/bin/pip" install --disable-pip-version-check -q -r tools/peer/requirements.txt
  echo "$HASH" > "$VENV/.requirements.sha256"
fi
