#!/usr/bin/env bash
# KV benchmark (issue 2): GET/SET throughput and p50/p99 through HTTP for the memory and Redis backends of
# services/Sage.Kv at 8 and 64 connections, next to two ceilings measured in the same run:
#   - HTTP ceiling:  GET /alive on the same service instance (same binary, same wrk settings);
#   - Redis ceiling: redis-benchmark -t get against the same redis-server.
# Every case runs ROUNDS times, interleaved (the order rotates each round); the table reports medians, and every
# "% of ceiling" is a ratio computed within one round (against that round's /alive), then the median of those.
#
# Usage: bench/kv/run.sh [--quick] [--no-build]
#   --quick     2 rounds x 3 s per case (smoke run; numbers are indicative only)
#   --no-build  use the existing Release build
# Env overrides: KV_BENCH_ROUNDS, KV_BENCH_DURATION (s), KV_KEYS (key space, default 10000), KV_BENCH_THREADS (wrk -t).
# Loopback only. Every process started here is killed by PID on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/kv"
QUICK=0
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
if [[ $QUICK == 1 ]]; then ROUNDS_DEFAULT=2; DURATION_DEFAULT=3; RB_REQUESTS=50000; else ROUNDS_DEFAULT=3; DURATION_DEFAULT=10; RB_REQUESTS=200000; fi
ROUNDS="${KV_BENCH_ROUNDS:-$ROUNDS_DEFAULT}"
DURATION="${KV_BENCH_DURATION:-$DURATION_DEFAULT}"
THREADS="${KV_BENCH_THREADS:-2}"
export KV_KEYS="${KV_KEYS:-10000}"
export KV_THREADS="$THREADS"
CONNS=(8 64)

log() { echo "[kv-bench $(date +%H:%M:%S)] $*" >&2; }

# --- tools -------------------------------------------------------------------------------------------------------
need_apt() { # need_apt <command> <debian package>
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) != 0 ]]; then echo "$1 is missing: run 'sudo apt-get install -y $2'" >&2; exit 1; fi
  log "installing $2"
  apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1; apt-get install -y "$2" >/dev/null; }
}
need_apt wrk wrk
need_apt redis-server redis-server
need_apt redis-benchmark redis-tools
command -v python3 >/dev/null || { echo "python3 is needed for the summary" >&2; exit 1; }

if [[ $BUILD == 1 ]]; then
  log "building services/Sage.Kv (Release)"
  dotnet build -c Release "$ROOT/services/Sage.Kv" -nologo -v q >/dev/null
fi
BIN="$ROOT/services/Sage.Kv/bin/Release/net10.0"
[[ -f "$BIN/Sage.Kv.dll" ]] || { echo "missing $BIN/Sage.Kv.dll (build failed?)" >&2; exit 1; }

# --- processes ---------------------------------------------------------------------------------------------------
WORK="$(mktemp -d /tmp/sage-kv-bench.XXXXXX)"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # wait_http <url> <seconds>
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; do
    (( SECONDS < deadline )) || { echo "timed out waiting for $1" >&2; return 1; }
    sleep 0.2
  done
}

start_kv() { # start_kv <name> <port> [VAR=value ...]; sets KV_PID
  local name=$1 port=$2; shift 2
  # Run from the output folder so appsettings.json is the service's own (content root = working directory).
  ( cd "$BIN" && exec env -u ConnectionStrings__redis -u SAGE_KV_BACKEND -u SAGE_REDIS_URL -u REDIS_URI \
      -u OTEL_EXPORTER_OTLP_ENDPOINT -u SAGE_API_KEY \
      ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning "$@" \
      dotnet Sage.Kv.dll ) >"$WORK/$name.log" 2>&1 &
  KV_PID=$!
  PIDS+=("$KV_PID")
}

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode yes \
  --dir "$WORK" --logfile "$WORK/redis.log" &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDIS_PORT" ping >/dev/null || { echo "redis-server did not start" >&2; exit 1; }

MEM_PORT=$(free_port)
start_kv kv-memory "$MEM_PORT" SAGE_KV_BACKEND=memory
MEM_PID=$KV_PID
RED_PORT=$(free_port)
start_kv kv-redis "$RED_PORT" SAGE_KV_BACKEND=redis ConnectionStrings__redis="127.0.0.1:$REDIS_PORT"
RED_PID=$KV_PID
wait_http "http://127.0.0.1:$MEM_PORT/alive" 60
wait_http "http://127.0.0.1:$RED_PORT/alive" 60
curl -fsS --max-time 5 "http://127.0.0.1:$RED_PORT/health" | grep -qi redis \
  || { echo "the redis-backed instance does not report a redis backend in /health" >&2; exit 1; }
log "redis-server :$REDIS_PORT, kv(memory) :$MEM_PORT pid $MEM_PID, kv(redis) :$RED_PORT pid $RED_PID"

declare -A PID_OF=( [memory]="$MEM_PID" [redis]="$RED_PID" )
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime of one process, in clock ticks

declare -A URL=( [memory]="http://127.0.0.1:$MEM_PORT" [redis]="http://127.0.0.1:$RED_PORT" )
declare -A SCRIPT=( [alive]="$HERE/lua/alive.lua" [GET]="$HERE/lua/get.lua" [SET]="$HERE/lua/set.lua" )

run_wrk() { # run_wrk <script> <url> <conns> <seconds> -> prints the RESULT line's fields
  local out
  out=$(timeout $(( $4 + 30 )) wrk -t"$THREADS" -c"$3" -d"$4s" --timeout 5s --latency -s "$1" "$2" 2>&1) \
    || { echo "wrk failed: $out" >&2; return 1; }
  grep '^RESULT ' <<<"$out" | sed 's/^RESULT //'
}

# --- pre-fill and warm-up ----------------------------------------------------------------------------------------
for backend in memory redis; do
  # Sequential keys per thread, wrapping: enough requests cover the whole key space; checked below.
  # Each wrk thread walks its own residue class, so ask for twice the key space to cover the slowest thread;
  # any key still missing would show up as non-2xx in the GET runs, which the summary reports.
  filled=0
  for secs in 3 6 12 24; do
    res=$(KV_FILL=1 run_wrk "${SCRIPT[SET]}" "${URL[$backend]}" 8 "$secs")
    [[ $res =~ non2xx=0( |$) ]] || { echo "pre-fill of $backend failed: $res" >&2; exit 1; }
    [[ $res =~ requests=([0-9]+) ]] && filled=${BASH_REMATCH[1]}
    (( filled >= 2 * KV_KEYS )) && break
  done
  (( filled >= 2 * KV_KEYS )) || { echo "pre-fill of $backend sent only $filled writes for $KV_KEYS keys" >&2; exit 1; }
  log "pre-filled $KV_KEYS keys ($backend): $res"
  # Warm-up: let tiered JIT / dynamic PGO settle on every path measured.
  for op in alive GET SET; do run_wrk "${SCRIPT[$op]}" "${URL[$backend]}" 64 "$([[ $QUICK == 1 ]] && echo 2 || echo 4)" >/dev/null; done
done
stored=$(redis-cli -p "$REDIS_PORT" dbsize)
log "redis dbsize after pre-fill: $stored"
timeout 120 redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t get -c 64 -n 20000 -q >/dev/null 2>&1 || true

# --- measurement -------------------------------------------------------------------------------------------------
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
CASES=()
for c in "${CONNS[@]}"; do
  for backend in memory redis; do for op in alive GET SET; do CASES+=("wrk $backend $op $c"); done; done
  CASES+=("rb redis-server GET $c")
done
N=${#CASES[@]}
log "$ROUNDS rounds x $N cases, ${DURATION}s per wrk case, wrk -t$THREADS, key space $KV_KEYS"
for ((r = 1; r <= ROUNDS; r++)); do
  log "round $r/$ROUNDS (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
  for ((i = 0; i < N; i++)); do
    read -r kind backend op c <<<"${CASES[$(( (i + (r - 1) * 5) % N ))]}"
    if [[ $kind == wrk ]]; then
      # CPU spent by the service and by redis-server during the run, per request: where the time goes.
      s0=$(cpu_ticks "${PID_OF[$backend]}"); r0=$(cpu_ticks "$REDIS_PID")
      res=$(run_wrk "${SCRIPT[$op]}" "${URL[$backend]}" "$c" "$DURATION")
      s1=$(cpu_ticks "${PID_OF[$backend]}"); r1=$(cpu_ticks "$REDIS_PID")
      [[ $res =~ requests=([0-9]+) ]] && reqs=${BASH_REMATCH[1]}
      res="$res svc_cpu_us=$(( (s1 - s0) * TICK_US / (reqs > 0 ? reqs : 1) )) redis_cpu_us=$(( (r1 - r0) * TICK_US / (reqs > 0 ? reqs : 1) ))"
    else
      raw=$(timeout 120 redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t get -c "$c" -n "$RB_REQUESTS" -q 2>&1 | tr '\r' '\n' | grep -E '^GET: .*requests per second' | tail -1)
      rps=$(sed -E 's/^GET: ([0-9.]+) requests per second.*/\1/' <<<"$raw")
      p50=$(sed -nE 's/.*p50=([0-9.]+) msec.*/\1/p' <<<"$raw")
      res="rps=$rps p50_us=$(python3 -c "print(round(float('${p50:-0}')*1000))") p99_us=0 requests=$RB_REQUESTS socket_errors=0 non2xx=0"
    fi
    echo -e "$r\t$backend\t$op\t$c\t$res" >>"$RESULTS"
    log "  $backend $op c=$c: $res"
  done
done

# --- summary -----------------------------------------------------------------------------------------------------
python3 - "$RESULTS" "$ROUNDS" "$DURATION" "$KV_KEYS" "$THREADS" <<'PY'
import sys, statistics, collections, datetime, platform, os
path, rounds, duration, keys, threads = sys.argv[1:]
rows = collections.defaultdict(dict)  # (backend, op, c) -> round -> fields
for line in open(path):
    r, backend, op, c, res = line.rstrip("\n").split("\t")
    fields = dict(kv.split("=") for kv in res.split())
    rows[(backend, op, int(c))][int(r)] = {k: float(v) for k, v in fields.items()}
med = statistics.median
def ms(us): return f"{us / 1000:.2f} ms"
def m(key, field): return med(v[field] for v in rows[key].values())
def ratio(key, ref):  # median over rounds of the within-round ratio
    rs = [rows[key][r]["rps"] / rows[ref][r]["rps"] for r in rows[key] if r in rows[ref] and rows[ref][r]["rps"] > 0]
    return med(rs) if rs else float("nan")
goals = {("memory", "GET"): 0.85, ("redis", "GET"): 0.55}
print(f"\n### KV benchmark — {datetime.date.today().isoformat()}, {os.cpu_count()} cores, "
      f"{rounds} rounds x {duration}s per case, wrk -t{threads}, {keys} keys, ~100-byte JSON values\n")
print("| backend | op | conns | req/s (median) | p50 | p99 | % of HTTP ceiling | goal |")
print("|---|---|---:|---:|---:|---:|---:|---|")
for c in (8, 64):
    for backend in ("memory", "redis"):
        for op in ("alive", "GET", "SET"):
            key = (backend, op, c)
            if key not in rows: continue
            ref = (backend, "alive", c)
            pct = "100% (ceiling)" if op == "alive" else f"{ratio(key, ref) * 100:.0f}%"
            g = goals.get((backend, op))
            verdict = "" if g is None else f"≥ {g*100:.0f}%: {'met' if ratio(key, ref) >= g else 'NOT met'}"
            label = "/alive (HTTP ceiling)" if op == "alive" else op
            print(f"| {backend} | {label} | {c} | {m(key,'rps'):,.0f} | {ms(m(key,'p50_us'))} | {ms(m(key,'p99_us'))} | {pct} | {verdict} |")
    key = ("redis-server", "GET", c)
    if key in rows:
        print(f"| redis-benchmark -t get | GET (Redis ceiling) | {c} | {m(key,'rps'):,.0f} | {ms(m(key,'p50_us'))} | – | "
              f"redis-backend GET = {ratio(('redis','GET',c), key)*100:.0f}% of it | |")
print("\nCPU per request (median over rounds; service process and redis-server, from /proc/<pid>/stat utime+stime):\n")
print("| backend | op | conns | service CPU µs/req | redis-server CPU µs/req |")
print("|---|---|---:|---:|---:|")
for c in (8, 64):
    for backend in ("memory", "redis"):
        for op in ("alive", "GET", "SET"):
            key = (backend, op, c)
            if key in rows and "svc_cpu_us" in next(iter(rows[key].values())):
                print(f"| {backend} | {op} | {c} | {m(key,'svc_cpu_us'):.0f} | {m(key,'redis_cpu_us'):.0f} |")
bad = [(k, r, v) for k, rs in rows.items() for r, v in rs.items() if v.get("non2xx", 0) or v.get("socket_errors", 0)]
print()
if bad:
    print("Errors seen: " + "; ".join(f"{k[0]} {k[1]} c={k[2]} round {r}: non2xx={v['non2xx']:.0f} socket={v['socket_errors']:.0f}" for k, r, v in bad))
else:
    print("No non-2xx responses and no socket errors in any measured run.")
print("\nPer-round req/s (same-round ratio to /alive in brackets):\n")
for key in sorted(rows, key=lambda k: (k[2], k[0], k[1])):
    ref = (key[0], "alive", key[2])
    parts = []
    for r in sorted(rows[key]):
        v = rows[key][r]["rps"]
        extra = f" [{v / rows[ref][r]['rps'] * 100:.0f}%]" if key[1] != "alive" and ref in rows and r in rows[ref] else ""
        parts.append(f"{v:,.0f}{extra}")
    print(f"- {key[0]} {key[1]} c={key[2]}: " + ", ".join(parts))
PY
