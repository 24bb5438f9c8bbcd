#!/usr/bin/env bash
# Cold start and idle memory (issue 5) of `sage run` — standard config, embedded backends (Memory, KV, VDB).
# Runs the launcher's Release sage.dll as a child on a free --port-base, times spawn -> all three GET /health = 200,
# reads each service's VmRSS after an idle pause, stops it with SIGINT; repeats and prints medians as markdown.
#
# Usage: bench/startup/run.sh [--no-build] [--runs N] [--idle SECONDS]   (defaults: 5 runs, 5 s idle)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD=1; RUNS=5; IDLE=5
while (( $# )); do
  case "$1" in
    --no-build) BUILD=0 ;;
    --runs) RUNS=$2; shift ;;
    --idle) IDLE=$2; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ $BUILD == 1 ]]; then
  echo "[startup] building Sage.Launcher (Release; builds the three services too)" >&2
  dotnet build -c Release "$ROOT/Sage.Launcher" -nologo -v q >/dev/null \
    || { echo "[startup] build failed: dotnet build -c Release Sage.Launcher" >&2; exit 1; }
fi
SAGE="$ROOT/Sage.Launcher/bin/Release/net10.0/sage.dll"
[[ -f $SAGE ]] || { echo "missing $SAGE" >&2; exit 1; }
exec python3 "$ROOT/bench/startup/startup.py" "$SAGE" "$RUNS" "$IDLE"
