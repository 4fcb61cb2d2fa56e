#!/usr/bin/env bash
# Installs the class server into one folder, PREFIX (default /opt/dlcourse), from a clone on which
# `make setup` has run. Idempotent: a re-run redoes only what changed, and running servers keep
# working. The hub and every student's server then run from PREFIX alone (docs/class.md):
#   venv/      Python: the course's requirements + JupyterHub + the idle culler; the kernel java-dl
#   proxy/     JupyterHub's proxy, configurable-http-proxy, pinned by package-lock.json (npm ci)
#   course/    what students' kernels read: the library's classes and jars, notebooks, data, tools
#   engine/    libtorch, extracted once and shared read-only (430 MB that each student would copy)
#   config/    the hub's configuration, and singleuser/: the Jupyter configuration of every server
#   exchange/  nbgrader's exchange: instructors release here, students fetch and submit
#   state/     root only: the hub's database and cookie secret, passwords, the instructor's course
# The Dockerfile next to this runs the same script, with PREFIX=/opt/dlcourse.
#   Usage: tools/hub/install.sh   (as root; DL_HUB_PREFIX, DL_HUB_HEAP=1g, DL_HUB_COURSE=dlcourse)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PREFIX=${DL_HUB_PREFIX:-/opt/dlcourse}
HEAP=${DL_HUB_HEAP:-1g}
COURSE_ID=${DL_HUB_COURSE:-dlcourse}

step() { printf '\n\033[1m==> hub: %s\033[0m\n' "$*"; }
die()  { printf '\n\033[31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "the class server makes a Unix account for each student and starts each student's server as that student: run it as root (sudo make hub)"
[ -d target/lib ] && [ -f data/fashion-mnist/dataset/cv/ai/djl/basicdataset/fashmnist/metadata.json ] \
  || die "the course is not built in $ROOT: run make setup first (make hub does)"
case "$PREFIX" in /*) ;; *) die "DL_HUB_PREFIX must be an absolute path, got '$PREFIX'" ;; esac
# Students' processes must reach PREFIX: every folder above it has to be searchable by others.
d=$(dirname "$PREFIX")
while [ "$d" != / ]; do
  if [ -e "$d" ] && [ $(( 0$(stat -c %a "$d") & 01 )) -eq 0 ]; then
    die "$d is not searchable by other users (mode $(stat -c %a "$d")), so students could not reach $PREFIX: choose another DL_HUB_PREFIX"
  fi
  d=$(dirname "$d")
done

as_others() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@" >/dev/null 2>&1; }
JAVA=$(readlink -f "$(command -v java)")
as_others "$JAVA" -version || die "$JAVA cannot be run by other users, whose kernels need it: install a JDK 17+ outside /root (apt-get install openjdk-17-jdk)"

step "1/6 Node.js and the proxy (configurable-http-proxy, $PREFIX/proxy)"
command -v npm >/dev/null || bash tools/apt-install.sh "JupyterHub's proxy" nodejs npm
mkdir -p "$PREFIX/proxy"
LOCK_HASH=$(cat tools/hub/package.json tools/hub/package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$PREFIX/proxy/.lock.sha256" 2>/dev/null)" != "$LOCK_HASH" ]; then
  cp tools/hub/package.json tools/hub/package-lock.json "$PREFIX/proxy/"
  (cd "$PREFIX/proxy" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
  echo "$LOCK_HASH" > "$PREFIX/proxy/.lock.sha256"
fi
echo "configurable-http-proxy $("$PREFIX/proxy/node_modules/.bin/configurable-http-proxy" --version)"

step "2/6 Python environment ($PREFIX/venv)"
# The students' servers run this venv's Python, so its interpreter must be one that others can run
# (a pyenv or conda Python under /root is not): DL_HUB_PYTHON, else python3 on PATH, else Debian's.
PY=""
for candidate in ${DL_HUB_PYTHON:-} "$(command -v python3 || true)" /usr/bin/python3; do
  [ -n "$candidate" ] || continue
  candidate=$(readlink -f "$candidate")
  if as_others "$candidate" -c 'import venv, ensurepip'; then PY=$candidate; break; fi
done
[ -n "$PY" ] || die "no Python 3 with venv that other users can run (python3 -m venv needs python3-venv; one under /root cannot be reached): install Debian's, apt-get install python3-venv, or set DL_HUB_PYTHON"
if [ -x "$PREFIX/venv/bin/python" ] && [ "$(readlink -f "$PREFIX/venv/bin/python")" != "$PY" ]; then
  rm -rf "$PREFIX/venv"  # made with another interpreter
fi
[ -x "$PREFIX/venv/bin/python" ] || "$PY" -m venv "$PREFIX/venv"
REQ_HASH=$(cat requirements.txt tools/hub/requirements.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$PREFIX/venv/.requirements.sha256" 2>/dev/null)" != "$REQ_HASH" ]; then
  "$PREFIX/venv/bin/pip" install --disable-pip-version-check -q -r tools/hub/requirements.txt
  echo "$REQ_HASH" > "$PREFIX/venv/.requirements.sha256"
fi
echo "$("$PREFIX/venv/bin/jupyterhub" --version | sed 's/^/jupyterhub /'), $("$PREFIX/venv/bin/jupyter" lab --version | sed 's/^/jupyterlab /')"

step "3/6 The course ($PREFIX/course: library, notebooks, data, tools)"
# Built next to the live copy and swapped in: a kernel that is running keeps the files it opened.
NEW="$PREFIX/course.new"
rm -rf "$NEW" && mkdir -p "$NEW/target"
cp -a target/classes target/lib "$NEW/target/"
cp -a notebooks tools "$NEW/"
mkdir -p "$NEW/data" && cp -a $(ls -d data/* | grep -v '^data/checkpoints$') "$NEW/data/"
# Assignment sources hold the solutions and hidden tests: they go to the root-only state folder.
mkdir -p "$PREFIX/state" && chmod 700 "$PREFIX/state"
rm -rf "$PREFIX/state/assignments" && cp -a assignments/source "$PREFIX/state/assignments"
chown -R root:root "$NEW" && chmod -R u+rwX,go+rX,go-w "$NEW"
rm -rf "$PREFIX/course.old"
[ -d "$PREFIX/course" ] && mv "$PREFIX/course" "$PREFIX/course.old"
mv "$NEW" "$PREFIX/course" && rm -rf "$PREFIX/course.old"
echo "$(ls "$PREFIX/course/notebooks" | wc -l) notebooks, $(ls "$PREFIX/course/target/lib" | wc -l) jars"

step "4/6 The kernel java-dl (heap $HEAP) and the shared engine cache ($PREFIX/engine)"
"$PREFIX/venv/bin/python" "$PREFIX/course/tools/install_kernel.py" --java "$JAVA" --heap "$HEAP"
mkdir -p "$PREFIX/engine"
ENGINE_CACHE_DIR="$PREFIX/engine" DJL_CACHE_DIR="$PREFIX/state/djl-warmup" java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$PREFIX/course/target/classes:$PREFIX/course/target/lib/*" tools/LoadEngine.java
chmod -R u+rwX,go+rX,go-w "$PREFIX/engine" "$PREFIX/venv" "$PREFIX/proxy"

step "5/6 Configuration ($PREFIX/config) and nbgrader's exchange ($PREFIX/exchange, course '$COURSE_ID')"
rm -rf "$PREFIX/config" && cp -a tools/hub/config "$PREFIX/config"
cat > "$PREFIX/config/singleuser/nbgrader_config.py" <<EOF
# Written by tools/hub/install.sh: the course and nbgrader's exchange, for every user's server.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "$COURSE_ID"
c.Exchange.root = "$PREFIX/exchange"
EOF
chmod -R u+rwX,go+rX,go-w "$PREFIX/config"
mkdir -p "$PREFIX/exchange" && chmod 1777 "$PREFIX/exchange"
chmod 755 "$PREFIX"

step "6/6 Groups"
for g in dlcourse-students dlcourse-instructors; do
  getent group "$g" >/dev/null || groupadd "$g"
done
echo "dlcourse-students: students; dlcourse-instructors: hub admins (tools/hub/roster.py adds people)"
printf '\n\033[32mInstalled in %s.\033[0m Start it with: make hub\n' "$PREFIX"
