#!/usr/bin/env bash
# The course's one test command; `make test` runs it after `make setup`.
#   0. what the tests need beyond the set-up: Debian's chromium for the browser tests and bubblewrap
#      for the grading sandbox (installed with apt like the data; when that is impossible the tests
#      that need them fail with the command)
#   1. Java unit tests and the formatter check:   mvn -B verify
#   2. Python-side tests: DL_PROFILE=smoke pytest tools/tests (every notebook headless in each
#      profile of DL_TEST_PROFILES, default smoke; notebook hygiene, requirements/environment.yml
#      pins, make lab, JupyterLab + headless Chromium, grading)
# then a timing summary. Exits non-zero if any part failed. Logs: build/test/.
# Run directly (bash tools/test.sh) it first runs the set-up itself; under make, make has done
# that and DL_TEST_T0 (set by the Makefile when make started) gives the set-up's time.
set -uo pipefail
cd "$(dirname "$0")/.."
LOGS=build/test
mkdir -p "$LOGS"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
T_ALL=${DL_TEST_T0:-$(now)}

if [ -n "${DL_TEST_T0:-}" ]; then
  SETUP_S=$(since "$DL_TEST_T0"); SETUP_RC=0           # make ran `setup` just before us
else
  step "Set-up (tools/setup.sh)"
  T=$(now); bash tools/setup.sh; SETUP_RC=$?; SETUP_S=$(since "$T")
  if [ "$SETUP_RC" -ne 0 ]; then
    echo "set-up failed (exit $SETUP_RC) after $SETUP_S s: nothing tested" >&2
    exit "$SETUP_RC"
  fi
fi

if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
  step "Test prerequisites"
  bash tools/apt-install.sh "The browser test (make test)" chromium || true  # the test then fails, naming the command
fi
if ! command -v bwrap >/dev/null; then
  step "Test prerequisites"
  bash tools/apt-install.sh "The grading sandbox (make test)" bubblewrap || true  # grading then fails, naming the command
fi

step "Java unit tests and the formatter (mvn -B verify)"
T=$(now)
mvn -B -ntp verify 2>&1 | tee "$LOGS/mvn.log"
MVN_RC=${PIPESTATUS[0]}; MVN_S=$(since "$T")

step "Notebooks and checks (DL_PROFILE=smoke pytest tools/tests; notebooks in: ${DL_TEST_PROFILES:-smoke})"
rm -f "$LOGS/timings.json"
T=$(now)
DL_PROFILE=smoke .venv/bin/python -m pytest -v -rfEs tools/tests 2>&1 | tee "$LOGS/pytest.log"
PY_RC=${PIPESTATUS[0]}; PY_S=$(since "$T")

status() { [ "$1" -eq 0 ] && echo ok || echo "FAILED"; }
step "Summary"
SUREFIRE=$(grep -E 'Tests run: [0-9]+, Failures|No tests to run' "$LOGS/mvn.log" | tail -1 | sed 's/^\[[A-Z]*\] *//')
PYTEST=$(grep -E '^=+ .* in [0-9.]+s' "$LOGS/pytest.log" | tail -1 | sed 's/^=* *//; s/ *=*$//')
printf '  %-44s %-7s %8s  %s\n' "part" "status" "seconds" ""
printf '  %-44s %-7s %8s  %s\n' "build/set-up (make setup)" "$(status $SETUP_RC)" "$SETUP_S" ""
printf '  %-44s %-7s %8s  %s\n' "Java tests + formatter (mvn -B verify)" "$(status $MVN_RC)" "$MVN_S" "Surefire: ${SUREFIRE:-no summary line, see $LOGS/mvn.log}"
printf '  %-44s %-7s %8s  %s\n' "notebooks and checks (pytest)" "$(status $PY_RC)" "$PY_S" "pytest: ${PYTEST:-no summary line, see $LOGS/pytest.log}"
.venv/bin/python tools/timings.py "$LOGS/timings.json"
printf '  %-44s %-7s %8s\n' "total" "" "$(since "$T_ALL")"

[ "$MVN_RC" -eq 0 ] && [ "$PY_RC" -eq 0 ]
