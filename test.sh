#!/usr/bin/env bash
# The test command: installs what the tests need, builds everything (SageAspire.sln: the services, the AppHost, the
# launcher, benches and tests), runs every test project, and ends with one line "N passed, N failed[, N skipped]".
# Exits non-zero on any build or test failure. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\n== %s\n' "$*"; }

# 1. redis-server and redis-cli (Debian's packages). The test fixtures start their own servers on free ports, join three
#    into a Redis Cluster with redis-cli, and stop them.
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing redis-server and redis-tools (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # The package's init script may start a server on 6379; the tests never use it, so stop it again.
    apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
    (service redis-server stop >/dev/null 2>&1 || true)
  else
    echo "redis-server or redis-cli is missing: install them with 'sudo apt-get install redis-server redis-tools' (Debian/Ubuntu) and run ./test.sh again." >&2
    exit 2
  fi
fi
command -v openssl >/dev/null 2>&1 || { echo "openssl is missing (the Redis TLS test makes its certificates with it): apt-get install openssl" >&2; exit 2; }

# 2. Build once; the test runs below reuse it.
say "building SageAspire.sln"
dotnet build SageAspire.sln -c Debug -nologo -v minimal

# 3. Run every test project; results as TRX so the totals below come from the runner itself.
results="$(pwd)/TestResults"
rm -rf "$results"
say "running tests"
status=0
dotnet test SageAspire.sln -c Debug --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 6m || status=$?

# 4. One summary line from the TRX counters of every test project.
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ "$files" -eq 0 ]; then
  echo "no test results were written" >&2
  status=1
fi
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then status=1; fi

summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then summary="$summary, $skipped skipped"; fi
echo
echo "$summary"
exit "$status"
