#!/usr/bin/env bash
# Why the Redis-backend GET costs more than a Redis GET: compares, on one redis-server (no persistence, loopback),
#   GET key                               (what redis-benchmark -t get measures)
#   EVALSHA <RedisKvScripts.GetWithTtl> 1 key   (what RedisKvStore.GetAsync sends: Lua GET + PTTL)
#   GET key + PTTL key pipelined          (a non-Lua alternative: two commands in one flush)
# with redis-benchmark -c 64, interleaved over ROUNDS rounds; prints req/s and redis-server CPU µs per call.
# Usage: bench/kv/redis-get-cost.sh [ROUNDS] [REQUESTS]
set -euo pipefail
ROUNDS=${1:-3}; N=${2:-100000}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d /tmp/sage-redis-cost.XXXXXX)
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR" --logfile "$DIR/redis.log" &
RPID=$!
trap 'kill $RPID 2>/dev/null; sleep 0.3; kill -9 $RPID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
# The exact script text of libs/Sage.Storage/Kv/RedisKvScripts.cs GetWithTtl (only its SHA matters to EVALSHA here).
SCRIPT=$'local out = {}\nfor i, key in ipairs(KEYS) do\n  local value = redis.call(\'GET\', key)\n  if value then\n    out[2 * i - 1] = value\n    out[2 * i] = redis.call(\'PTTL\', key)\n  else\n    out[2 * i - 1] = false\n    out[2 * i] = false\n  end\nend\nreturn out'
SHA=$(redis-cli -p "$PORT" script load "$SCRIPT")
VALUE='{"user":"ada","tags":["a","b","c"],"score":42.5,"active":true,"note":"bench value of about 100 bytes"}'
redis-cli -p "$PORT" set sage:kv:k1 "$VALUE" PX 3600000 >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$RPID/stat"; }
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
run() { # run <label> <redis-benchmark args...>
  local label=$1; shift
  local t0 t1 out
  t0=$(ticks)
  out=$(timeout 120 redis-benchmark -h 127.0.0.1 -p "$PORT" -c 64 -n "$N" -q "$@" 2>&1 | tr '\r' '\n' | grep 'requests per second' | tail -1)
  t1=$(ticks)
  echo -e "$label\t$(sed -E 's/.*: ([0-9.]+) requests per second.*/\1/' <<<"$out")\t$(( (t1 - t0) * TICK_US ))"
}
{
  for r in $(seq "$ROUNDS"); do
    run "GET" get sage:kv:k1
    run "EVALSHA GetWithTtl" evalsha "$SHA" 1 sage:kv:k1
    # -P 2 pipelines 2 commands per round trip; both are GET here, the PTTL is the same cost class (O(1) read).
    run "GET + PTTL pair" -P 2 get sage:kv:k1
  done
} | N=$N python3 -c '
import sys, statistics, collections, os
n = int(os.environ["N"])
d = collections.defaultdict(list)
for line in sys.stdin:
    label, rps, cpu_us = line.rstrip("\n").split("\t")
    pair = label.startswith("GET + PTTL")  # measured as -P 2 GETs: 2 commands per call, same O(1) read cost class
    d[label].append((float(rps) / (2 if pair else 1), int(cpu_us) / (n / (2 if pair else 1))))
print("| redis command (redis-benchmark -c 64) | calls/s (median) | redis-server CPU µs/call (median) |")
print("|---|---:|---:|")
for label, v in d.items():
    print(f"| {label} | {statistics.median(x[0] for x in v):,.0f} | {statistics.median(x[1] for x in v):.1f} |")
'
