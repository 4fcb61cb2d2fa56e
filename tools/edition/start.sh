#!/usr/bin/env bash
# The course image's command. The notebooks, the assignments in notebooks/homework/ with them, are
# copied into ~/work, the folder a student mounts so that their work outlives the container, each only
# where no file of that name is there yet: a student's edits are never overwritten, and deleting a
# notebook brings back a fresh copy at the next start. Then JupyterLab serves ~/work on port 8888
# (options are passed on).
set -euo pipefail
COURSE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${DL_WORK:-$HOME/work}
mkdir -p "$WORK"
cd "$COURSE"
find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | while read -r nb; do
  if [ ! -e "$WORK/$nb" ]; then
    mkdir -p "$WORK/$(dirname "$nb")"
    cp "$nb" "$WORK/$nb"
  fi
done
# The notebooks link to the library's sources and the docs (../src/..., ../docs/...): read-only links.
for d in src docs; do
  [ -e "$WORK/$d" ] || ln -s "$COURSE/$d" "$WORK/$d"
done
echo "The course is in $WORK (notebooks/: start with 00-hardware.ipynb; notebooks/homework/: the assignments)."
echo "Open the http://127.0.0.1:8888/lab?token=... address that JupyterLab prints below."
exec jupyter lab --ip=0.0.0.0 --port=8888 --no-browser --ServerApp.root_dir="$WORK" "$@"
