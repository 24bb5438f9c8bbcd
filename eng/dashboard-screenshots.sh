#!/usr/bin/env bash
# Runs the AppHost without containers (KV on a redis-server process, VDB embedded), sends a few Memory requests, and
# takes screenshots of the Aspire dashboard with Debian's headless Chromium: docs/dashboard-resources.png (resources)
# and docs/dashboard-trace.png (one `POST /memory` trace across memory, kv and vdb).
# Needs: the .NET SDK, redis-server and chromium (apt-get install redis-server chromium), Node.js with npm.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in redis-server chromium curl node npm; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (redis-server and chromium: apt-get install redis-server chromium)" >&2; exit 2; }
done

out=docs
log=$(mktemp)
profile=$(mktemp -d)
dashboard=http://localhost:15100

dotnet build Sage.AppHost -nologo -v quiet >/dev/null
# The http launch profile needs no developer certificate; anonymous access keeps the screenshots free of the login step.
ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
  dotnet run --no-build --project Sage.AppHost --launch-profile http -- --Sage:Redis=process --Sage:Qdrant=none >"$log" 2>&1 &
apphost=$!
cleanup() { kill "$apphost" 2>/dev/null || true; wait "$apphost" 2>/dev/null || true; rm -rf "$profile" "$log"; }
trap cleanup EXIT

echo "waiting for memory (through Aspire's proxy on :8000)…"
for _ in $(seq 1 180); do
  curl -sf http://localhost:8000/health >/dev/null 2>&1 && break
  sleep 1
done
curl -sf http://localhost:8000/health >/dev/null || { cat "$log"; echo "memory never became healthy" >&2; exit 1; }

# A trace id of our own, sent as W3C traceparent, names the trace to open in the dashboard.
trace=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
for i in 1 2 3; do
  curl -sf -X POST http://localhost:8000/memory -H "Content-Type: application/json" \
    -d "{\"key\":\"doc$i\",\"data\":{\"title\":\"Document $i\"},\"vector\":[0.$i,0.2,0.3],\"session_id\":\"demo\"}" >/dev/null
done
curl -sf -X POST http://localhost:8000/memory -H "Content-Type: application/json" \
  -H "traceparent: 00-$trace-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')-01" \
  -d '{"key":"traced","data":{"title":"Traced"},"vector":[0.1,0.2,0.3]}' >/dev/null
curl -sf -X POST http://localhost:8000/memory/search -H "Content-Type: application/json" \
  -d '{"vector":[0.1,0.2,0.3],"top_k":5,"include_data":true}' >/dev/null
sleep 5 # the services export every second in Development (OTEL_BSP_SCHEDULE_DELAY=1000)

# The dashboard is a Blazor Server app: a browser that waits for it to render is needed, so playwright-core (npm,
# no browser download) drives Debian's Chromium.
npm install --prefix "$profile" --silent --no-audit --no-fund playwright-core@1 >/dev/null
cat >"$profile/shoot.cjs" <<'JS'
const { chromium } = require('playwright-core');
const [dashboard, trace, resourcesPng, tracePng] = process.argv.slice(2);
(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(`${dashboard}/`);
  await page.getByText('memory', { exact: true }).first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(3000);
  await page.screenshot({ path: resourcesPng });
  await page.goto(`${dashboard}/traces/detail/${trace}`);
  await page.getByText('POST /memory').first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(3000);
  await page.screenshot({ path: tracePng });
  await browser.close();
})().catch(error => { console.error(error); process.exit(1); });
JS
node "$profile/shoot.cjs" "$dashboard" "$trace" "$out/dashboard-resources.png" "$out/dashboard-trace.png"
echo "wrote $out/dashboard-resources.png and $out/dashboard-trace.png"
