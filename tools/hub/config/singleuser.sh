#!/usr/bin/env bash
# A user's server, started by JupyterHub as that user (jupyterhub_config.py): files private to
# the user, the course's notebooks copied into ~/notebooks, then JupyterLab as a hub single-user
# server. A notebook is copied only where the user has no file of that name: a student's edits
# are never overwritten, one added to the course later appears at the next start, and a student
# who wants a fresh copy deletes theirs and restarts the server.
set -euo pipefail
umask 077
: "${DL_HUB_PREFIX:?set by the hub}"
# Private to the student where the home is theirs (a Unix account); a Kubernetes volume is the
# student's alone already, and belongs to root there (fsGroup), so that chmod would fail.
if [ -O "$HOME" ]; then chmod 700 "$HOME"; fi
(cd "$DL_HUB_PREFIX/course/notebooks" && find . -type f -name '*.ipynb') | while read -r nb; do
  if [ ! -e "$HOME/notebooks/$nb" ]; then
    mkdir -p "$(dirname "$HOME/notebooks/$nb")"
    cp "$DL_HUB_PREFIX/course/notebooks/$nb" "$HOME/notebooks/$nb"
  fi
done
export DL_CHECKPOINTS="$HOME/.dlcourse/checkpoints"
exec "$DL_HUB_PREFIX/venv/bin/jupyterhub-singleuser" "$@"
