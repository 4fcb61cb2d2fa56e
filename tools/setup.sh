#!/usr/bin/env bash
# One-time (and idempotent) set-up of the course on this machine:
#   1. check prerequisites   2. Python environment (.venv)   3. Java library (Maven)
#   4. the course's Jupyter kernel   5. data
# Re-running it only redoes what changed. GPU=1 builds without the CPU libtorch (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die()  { printf '\n\033[31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

step "1/5 Checking prerequisites"
command -v java  >/dev/null || die "no 'java' on PATH. Install a JDK 17 or newer, e.g.: sudo apt-get install openjdk-17-jdk"
command -v javac >/dev/null || die "'java' is a runtime without a compiler (JRE). Install a full JDK 17+, e.g.: sudo apt-get install openjdk-17-jdk"
JAVA_MAJOR=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
[ "${JAVA_MAJOR:-0}" -ge 17 ] || die "Java ${JAVA_MAJOR:-?} found on PATH; the course needs Java 17 or newer. Install openjdk-17-jdk and put it first on PATH (or set JAVA_HOME and PATH=\$JAVA_HOME/bin:\$PATH)."
command -v mvn >/dev/null || die "no Maven ('mvn'). Install it, e.g.: sudo apt-get install maven"
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || die "no python3. Install Python 3.10+, e.g.: sudo apt-get install python3 python3-venv"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "Python 3.10+ is needed, found $("$PY" --version 2>&1)."
"$PY" -c 'import venv, ensurepip' 2>/dev/null || die "Python's venv module is missing. Install it, e.g.: sudo apt-get install python3-venv"
JAVA_BIN=$(command -v java)
echo "java $JAVA_MAJOR ($JAVA_BIN), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), $("$PY" --version)"

step "2/5 Python environment in .venv (JupyterLab, JJava kernel, plotly renderer)"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
# The tests' tools (pytest, playwright) only where their list is: not in the student edition.
REQUIREMENTS=(requirements.txt)
[ -f tools/requirements-test.txt ] && REQUIREMENTS+=(tools/requirements-test.txt)
# sha256sum (GNU) or shasum (macOS): only to see whether the lists changed since the last run
REQ_HASH=$(cat "${REQUIREMENTS[@]}" | { sha256sum 2>/dev/null || shasum -a 256; } | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$REQ_HASH" ]; then
  "$VENV/bin/pip" install --disable-pip-version-check -q "${REQUIREMENTS[@]/#/--requirement=}"
  echo "$REQ_HASH" > "$VENV/.requirements.sha256"
  echo "installed: $(grep -hv '^#' "${REQUIREMENTS[@]}" | tr '\n' ' ')"
else
  echo "up to date"
fi

step "3/5 Java library (mvn package: target/classes + target/lib)"
MVN_FLAGS=(-q -B -DskipTests)
[ -n "${GPU:-}" ] && MVN_FLAGS+=(-Dgpu) && echo "GPU=1: building without the CPU libtorch"
mvn "${MVN_FLAGS[@]}" package
echo "$(ls target/lib | wc -l) jars in target/lib"

step "4/5 Jupyter kernel 'java-dl'"
"$VENV/bin/python" tools/install_kernel.py --java "$JAVA_BIN" ${GPU:+--gpu}

step "5/5 Data"
bash tools/prepare_data.sh

printf '\n\033[32mReady.\033[0m Open the course with: make lab   Run the tests with: make test\n'
