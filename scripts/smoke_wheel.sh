#!/usr/bin/env bash
# CI smoke test of what users install: build the wheel (the editor's bundle inside, built before
# by `make frontend`), install it in a fresh virtualenv (a wheel installs without any build
# step, so without Node), then check
# `plotboard --version`, and that `plotboard demo` serves /livez and /embed/plotboard.js.
#   bash scripts/smoke_wheel.sh [python]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-python3}"
BUNDLE=src/plotboard/static/embed/plotboard.js
[ -f "$BUNDLE" ] || { echo "build the editor first: make frontend"; exit 1; }
work="$(mktemp -d)"
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

"$PY" -m venv "$work/build-venv"
"$work/build-venv/bin/pip" install --quiet --upgrade pip setuptools wheel
"$work/build-venv/bin/pip" wheel --quiet --no-deps --wheel-dir "$work/dist" .
wheel="$(ls "$work"/dist/plotboard-*.whl)"
"$PY" -c 'import sys, zipfile; sys.exit("plotboard/static/embed/plotboard.js" not in zipfile.ZipFile(sys.argv[1]).namelist())' "$wheel" \
  || { echo "the wheel lacks the editor's bundle"; exit 1; }
echo "built: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KB)"

"$PY" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$wheel"
# Nothing from this checkout may be found: the venv first, the system's tools, no PYTHONPATH.
export PATH="$work/venv/bin:/usr/bin:/bin"
unset PYTHONPATH
cd "$work"
version="$(plotboard --version)"
echo "installed: $version"
expected="$("$work/venv/bin/python" -c 'import plotboard; print(plotboard.__version__)')"
case "$version" in *"$expected"*) ;; *) echo "plotboard --version says '$version', expected $expected"; exit 1;; esac

port="$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
env -u PLOTBOARD_SECRET_KEY -u PLOTBOARD_DATABASE_URL plotboard demo --data-dir "$work/data" --port "$port" >"$work/demo.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 240); do
  if curl -fsS "$url/livez" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$work/demo.log"; echo "plotboard demo stopped"; exit 1; }
  sleep 0.5
done
livez="$(curl -fsS "$url/livez")" || { cat "$work/demo.log"; exit 1; }
echo "GET /livez: $livez"
case "$livez" in *"\"version\":\"$expected\""*) ;; *) echo "/livez does not report $expected"; exit 1;; esac
size="$(curl -fsS -o /dev/null -w '%{http_code} %{size_download}' "$url/embed/plotboard.js")"
echo "GET /embed/plotboard.js: $size"
case "$size" in "200 "*) ;; *) echo "the editor's script is not served"; exit 1;; esac
[ "${size#200 }" -gt 10000 ] || { echo "the editor's script is too small: $size"; exit 1; }
echo "wheel smoke test passed"
