#!/usr/bin/env bash
# `make hub`: installs the class server (tools/hub/install.sh) and runs JupyterHub in the foreground
# from <prefix>, listening on 127.0.0.1:8000 unless DL_HUB_URL says otherwise (docs/class.md).
# Stopping it (Ctrl-C) leaves the students' servers running; the next start takes them over.
set -euo pipefail
cd "$(dirname "$0")/../.."
PREFIX=${DL_HUB_PREFIX:-/opt/dlcourse}
bash tools/hub/install.sh
cd "$PREFIX/state"
echo "JupyterHub on ${DL_HUB_URL:-http://127.0.0.1:8000}; people: python3 tools/hub/roster.py add <roster.csv>"
exec env DL_HUB_PREFIX="$PREFIX" "$PREFIX/venv/bin/jupyterhub" -f "$PREFIX/config/jupyterhub_config.py"
