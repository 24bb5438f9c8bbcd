#!/usr/bin/env bash
# Side-by-side KV builds against one redis-server: for each round and each build, GET /alive then GET /kv/k<n> with wrk,
# printing req/s, the same-round ratio and the service CPU per GET (from /proc). Use it to compare two builds (or two
# environments of one build) in the same run, which on this shared 2-core machine is the only fair comparison.
#
# Usage: bench/kv/compare.sh ROUNDS SECONDS CONNS "name|bindir|VAR=v VAR=v" ...
# Example: cp -r services/Sage.Kv/bin/Release/net10.0 /tmp/kv-before; (change, rebuild);
#          bench/kv/compare.sh 3 3 8 "before|/tmp/kv-before|" "after|services/Sage.Kv/bin/Release/net10.0|"
set -uo pipefail
ROUNDS=$1 SECS=$2 CONNS=$3; shift 3
LUA="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lua"
export KV_KEYS=10000
WORK="$(mktemp -d /tmp/sage-kv-compare.XXXXXX)"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$WORK"' EXIT

RP=$(free_port)
redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --logfile "$WORK/redis.log" --dir "$WORK" &
PIDS+=($!)
for _ in $(seq 50); do redis-cli -p "$RP" ping >/dev/null 2>&1 && break; sleep 0.1; done
# Values as RedisKvStore writes them: '#', a 16-character version, then the JSON text, under the default prefix.
python3 - <<'PY' | redis-cli -p "$RP" --pipe >/dev/null
import sys
for i in range(10000):
    v = '#0123456789abcdef{"name":"user-%d","score":%d,"tags":["a","b","c"],"text":"some text here for the value"}' % (i, i)
    a = ["SET", "sage:kv:k%d" % i, v]
    sys.stdout.write("*%d\r\n" % len(a) + "".join("$%d\r\n%s\r\n" % (len(x.encode()), x) for x in a))
PY

declare -A PORT PID
NAMES=()
for spec in "$@"; do
  IFS='|' read -r name bin envs <<<"$spec"
  p=$(free_port)
  # shellcheck disable=SC2086 # envs is a list of VAR=value words
  ( cd "$bin" && exec env ASPNETCORE_URLS="http://127.0.0.1:$p" Logging__LogLevel__Default=Warning SAGE_KV_BACKEND=redis \
      ConnectionStrings__redis="127.0.0.1:$RP" $envs dotnet Sage.Kv.dll ) >"$WORK/$name.log" 2>&1 &
  PID[$name]=$!; PORT[$name]=$p; NAMES+=("$name"); PIDS+=($!)
done
for n in "${NAMES[@]}"; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:${PORT[$n]}/alive" >/dev/null && break; sleep 0.2; done
done

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
run_wrk() { wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$LUA/$1.lua" "http://127.0.0.1:$2" 2>&1 | sed -n 's/^RESULT rps=\([0-9.]*\).*non2xx=\([0-9]*\).*/\1 \2/p'; }
for n in "${NAMES[@]}"; do run_wrk get "${PORT[$n]}" >/dev/null; run_wrk alive "${PORT[$n]}" >/dev/null; done # warm-up
for r in $(seq "$ROUNDS"); do
  for n in "${NAMES[@]}"; do
    read -r alive _ < <(run_wrk alive "${PORT[$n]}")
    c0=$(cpu_ticks "${PID[$n]}"); read -r get bad < <(run_wrk get "${PORT[$n]}"); c1=$(cpu_ticks "${PID[$n]}")
    python3 -c "print(f'round $r $n: alive {$alive:,.0f}/s, GET {$get:,.0f}/s = {100*$get/$alive:.0f}%, service CPU {($c1-$c0)*1e4/($get*$SECS):.0f} us/GET, non-2xx $bad, load $(cut -d' ' -f1 /proc/loadavg)')"
  done
done
