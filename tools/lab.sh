#!/usr/bin/env bash
# `make lab`: the course in JupyterLab, as a student sees it (tools/lab/README.md).
#   tools/lab.sh [JUPYTERLAB OPTIONS...]     e.g. make lab LAB_ARGS="--no-browser --port=8890"
# Run `make setup` first (make lab does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
args=()
if [ "$(id -u)" -eq 0 ]; then
  # Containers and CI machines run as root; JupyterLab refuses to start as root without the flag.
  echo "Running as root (a container or a CI machine?): starting JupyterLab with --allow-root."
  args+=(--allow-root)
fi
export JUPYTER_CONFIG_PATH="$ROOT/tools/lab${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
# ${args[@]+...}: macOS's bash 3.2 calls an empty array unbound under set -u
exec "$ROOT/.venv/bin/jupyter" lab ${args[@]+"${args[@]}"} "$@" "$ROOT/notebooks"
