#!/usr/bin/env bash
# `make image-test`: the images as students and the class server use them, every container with no
# network (--network=none), as the image's own user (jovyan, uid 1000).
#   1. the course image runs every notebook in the smoke profile: the student edition's `make test` line;
#   2. a student's `docker run` on a new volume: the work folder is the image user's, the course is in it
#      (the image's copy, and tools/start.sh's links to src/ and docs/), JupyterLab answers, and a
#      second container on the same volume keeps the student's edit;
#   3. the single-user image of the class server: its command as Zero to JupyterHub starts it (the hub's
#      environment, a home volume that belongs to root) answers, with the notebooks and without the
#      edition's homework copies (homework comes through nbgrader's exchange there); its kernel spec
#      (1 GiB heap), the exchange, and notebook 00 in the server's kernel.
# Executed notebooks land in build/image-test/. Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
source tools/image/engine.sh
IMAGE=${IMAGE:-dlcourse:latest}
HUB_IMAGE=${HUB_IMAGE:-dlcourse-singleuser:latest}
OUT=build/image-test
rm -rf "$OUT" && mkdir -p "$OUT" && chmod 777 "$OUT"
RUN=("$ENGINE" run --rm --network=none)
passed=0 failed=0
result() {  # result NAME STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "PASSED $1"; else failed=$((failed + 1)); echo "FAILED $1"; fi
}
step() { printf '\n\033[1m==> image test: %s\033[0m\n' "$*"; }

step "1/3 every notebook in the smoke profile inside $IMAGE"
T=$(date +%s)
"${RUN[@]}" -v "$PWD/$OUT:/out" -w /opt/dlcourse/course -e DL_PROFILE=smoke -e DL_CHECKPOINTS=/tmp/checkpoints "$IMAGE" \
  bash -c 'python tools/run_notebook.py --jobs 2 --out /out/notebooks notebooks/*.ipynb'
result "smoke notebooks in the course image ($(( $(date +%s) - T )) s)" $?

step "2/3 a student's docker run: the work folder, JupyterLab, a restart"
VOLUME=dlcourse-image-test-$$
"$ENGINE" volume create "$VOLUME" >/dev/null
serve() {  # a container with the image's own command on the volume; prints its id
  "$ENGINE" run -d --network=none -v "$VOLUME:/home/jovyan/work" "$IMAGE"
}
answers() {  # answers CONTAINER [URL PATH]: a Jupyter server answers on 8888 inside the container within 60 s
  "$ENGINE" exec "$1" python -c '
import json, sys, time, urllib.request
for _ in range(120):
    try:
        print("jupyter server", json.load(urllib.request.urlopen("http://127.0.0.1:8888" + sys.argv[1]))["version"]); break
    except OSError:
        time.sleep(0.5)
else:
    raise SystemExit("no Jupyter server answered on port 8888 within 60 s")' "${2:-/api}"
}
# A new Docker volume takes the owner of the image's folder (podman gives it the container's user anyway).
[ "$("${RUN[@]}" "$IMAGE" stat -c %U:%G /home/jovyan/work)" = jovyan:users ]
result "the image's work folder belongs to its user (a new Docker volume on it does too)" $?
ctr=$(serve)
answers "$ctr" \
  && "$ENGINE" exec "$ctr" bash -c 'set -e
       ls ~/work/notebooks/00-hardware.ipynb ~/work/notebooks/homework/*/*.ipynb ~/work/src/main >/dev/null
       echo "// my edit" >> ~/work/notebooks/00-hardware.ipynb'
first=$?
"$ENGINE" logs "$ctr" > "$OUT/start.log" 2>&1; "$ENGINE" rm -f "$ctr" >/dev/null
ctr=$(serve)
answers "$ctr" && "$ENGINE" exec "$ctr" grep -q "// my edit" /home/jovyan/work/notebooks/00-hardware.ipynb
second=$?
"$ENGINE" rm -f "$ctr" >/dev/null; "$ENGINE" volume rm -f "$VOLUME" >/dev/null
result "docker run: the course copied into the work folder, JupyterLab answers" "$first"
result "docker run again: the student's edit survives the container" "$second"

step "3/3 the class server's single-user image $HUB_IMAGE"
# As Zero to JupyterHub starts it: the hub's variables, the image's own command, and a home volume that
# belongs to root with the group users (fsGroup 100).
HOME_DIR=$(mktemp -d) && chown 0:100 "$HOME_DIR" && chmod 2775 "$HOME_DIR"
hub_env=()
for kv in JUPYTERHUB_API_TOKEN=not-a-secret JUPYTERHUB_API_URL=http://127.0.0.1:8081/hub/api JUPYTERHUB_BASE_URL=/ \
          JUPYTERHUB_SERVICE_PREFIX=/user/student/ JUPYTERHUB_SERVICE_URL=http://127.0.0.1:8888/user/student/ \
          JUPYTERHUB_USER=student JUPYTERHUB_CLIENT_ID=jupyterhub-user-student \
          JUPYTERHUB_OAUTH_CALLBACK_URL=/user/student/oauth_callback; do
  hub_env+=(-e "$kv")
done
# The hub's API is a stand-in (tools/image/hub_api_stub.py) answering with the chart's JupyterHub version.
hub_version=$(sed -n 's/.*jupyterhub==\([0-9.]*\).*/\1/p' tools/edition/Dockerfile)
command=$("$ENGINE" image inspect --format '{{join .Config.Cmd " "}}' "$HUB_IMAGE")
ctr=$("$ENGINE" run -d --network=none -v "$HOME_DIR:/home/jovyan" "${hub_env[@]}" \
      -v "$PWD/tools/image/hub_api_stub.py:/tmp/hub_api_stub.py:ro" "$HUB_IMAGE" \
      bash -c "python3 /tmp/hub_api_stub.py $hub_version & exec $command")
answers "$ctr" /user/student/api \
  && "$ENGINE" exec "$ctr" bash -c 'set -e
       test -f ~/notebooks/00-hardware.ipynb && test ! -e ~/notebooks/homework
       grep -q -- "-Xmx1g" /opt/dlcourse/venv/share/jupyter/kernels/java-dl/kernel.json
       test -d /opt/dlcourse/exchange && test -f /opt/dlcourse/config/singleuser/nbgrader_config.py'
result "single-user image: its server starts on a root-owned home, the course copied, no homework copies, 1 GiB heap" $?
"$ENGINE" logs "$ctr" > "$OUT/singleuser.log" 2>&1; "$ENGINE" rm -f "$ctr" >/dev/null; rm -rf "$HOME_DIR"
"${RUN[@]}" -v "$PWD/$OUT:/out" -e DL_PROFILE=smoke -e DL_CHECKPOINTS=/tmp/checkpoints "$HUB_IMAGE" \
  bash -c 'cd /opt/dlcourse/course && python tools/run_notebook.py --out /out/hub notebooks/00-hardware.ipynb'
result "single-user image: notebook 00 in the server's kernel" $?

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
