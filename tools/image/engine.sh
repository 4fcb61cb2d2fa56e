# Sourced by the image scripts: ENGINE, the container engine to use (podman, or docker with a running
# daemon; DL_CONTAINER_ENGINE chooses), and podman's settings for this machine.
if [ -n "${DL_CONTAINER_ENGINE:-}" ]; then
  ENGINE=$DL_CONTAINER_ENGINE
elif command -v podman >/dev/null; then
  ENGINE=podman
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  ENGINE=docker
else
  echo "ERROR: no container engine: install podman (Debian: apt-get install podman) or Docker, and start its daemon." >&2
  exit 1
fi
# A machine like the course's CI: cgroups in hybrid mode (crun refuses them), and a hard limit on open
# files below podman's default (1048576), which root there cannot raise.
hard_nofile=$(ulimit -Hn)
if [ "$ENGINE" = podman ] && [ -z "${CONTAINERS_CONF:-}" ] && command -v runc >/dev/null &&
   { [ -d /sys/fs/cgroup/unified ] || { [ "$hard_nofile" != unlimited ] && [ "$hard_nofile" -lt 1048576 ]; }; }; then
  export CONTAINERS_CONF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/containers.conf"
fi
