#!/usr/bin/env bash
# `make image` and `make hub-image`: the course image, built from the student edition, and the class
# server's single-user image built on it.
#   tools/image/build.sh course   build/edition (make student-edition) -> $IMAGE (default dlcourse:latest)
#   tools/image/build.sh hub      tools/hub/Dockerfile on $IMAGE -> $HUB_IMAGE (default dlcourse-singleuser:latest)
# The course image's only input from this repository is the edition folder, which the edition check
# has passed: no solution, hidden test or fixture can be in the image.
# Environment:
#   DL_IMAGE_BASE=mmdebstrap   make the Debian 12 base from Debian's archive (no registry needed) instead of
#                              pulling debian:bookworm-slim; it holds the Dockerfile's apt packages already
#   DL_IMAGE_HOST_CERTS=1      mount the host's /etc/ssl/certs read-only into the build (a proxy that only the
#                              host trusts); never copied into the image
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/image/engine.sh
IMAGE=${IMAGE:-dlcourse:latest}
HUB_IMAGE=${HUB_IMAGE:-dlcourse-singleuser:latest}
BASE=docker.io/library/debian:bookworm-slim
EDITION=build/edition

step() { printf '\n\033[1m==> image: %s\033[0m\n' "$*"; }
build_args=()
if [ "$ENGINE" = podman ]; then
  build_args+=(--pull=never)
  [ "${DL_IMAGE_HOST_CERTS:-}" = 1 ] && build_args+=(-v /etc/ssl/certs:/etc/ssl/certs:ro)
elif [ "${DL_IMAGE_HOST_CERTS:-}" = 1 ]; then
  echo "DL_IMAGE_HOST_CERTS=1 needs podman (docker build mounts no volume)" >&2; exit 2
fi

base() {
  if "$ENGINE" image exists "$BASE" 2>/dev/null || "$ENGINE" image inspect "$BASE" >/dev/null 2>&1; then
    return
  fi
  if [ "${DL_IMAGE_BASE:-}" != mmdebstrap ]; then
    "$ENGINE" pull "$BASE"
    return
  fi
  command -v mmdebstrap >/dev/null || bash tools/apt-install.sh "The image's base" mmdebstrap
  # The packages the course image's Dockerfile installs, read from its apt-get line.
  packages=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' tools/edition/Dockerfile \
             | sed -n 's/.*apt-get install -y --no-install-recommends \([^&]*\)&&.*/\1/p' | xargs | tr ' ' ,)
  step "base $BASE from Debian's archive (mmdebstrap; $packages)"
  local tar t
  tar=$(mktemp --suffix=.tar) t=$(date +%s)
  mmdebstrap --quiet --variant=minbase --include="$packages" bookworm "$tar" /etc/apt/sources.list.d/debian.sources
  "$ENGINE" import "$tar" "$BASE" >/dev/null
  rm -f "$tar"
  echo "$BASE: made in $(( $(date +%s) - t )) s"
}

case "${1:-}" in
  course)
    [ -f "$EDITION/Dockerfile" ] || { echo "no $EDITION: run make student-edition OUT=$EDITION first (make image does)" >&2; exit 1; }
    base
    step "$IMAGE from $EDITION ($ENGINE)"
    T=$(date +%s)
    "$ENGINE" build ${build_args[@]+"${build_args[@]}"} -t "$IMAGE" "$EDITION"
    echo "$IMAGE: built in $(( $(date +%s) - T )) s, $("$ENGINE" image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.2f GB", $1 / 1e9}')"
    ;;
  hub)
    step "$HUB_IMAGE on $IMAGE ($ENGINE)"
    T=$(date +%s)
    "$ENGINE" build ${build_args[@]+"${build_args[@]}"} --build-arg "COURSE_IMAGE=$IMAGE" -t "$HUB_IMAGE" -f tools/hub/Dockerfile tools/hub
    echo "$HUB_IMAGE: built in $(( $(date +%s) - T )) s, $("$ENGINE" image inspect --format '{{.Size}}' "$HUB_IMAGE" | awk '{printf "%.2f GB", $1 / 1e9}')"
    ;;
  *)
    echo "usage: tools/image/build.sh course|hub" >&2; exit 2 ;;
esac
