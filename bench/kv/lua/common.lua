-- Shared by the wrk scripts in this folder: key space, per-thread seeding, and a machine-readable summary.
-- Loaded with dofile() from each script (wrk runs each script once per thread plus once in the main state).
local M = {}

M.keys = tonumber(os.getenv("KV_KEYS") or "10000")
M.threads = {}

-- wrk calls setup(thread) once per thread in the main state: give each thread an id.
function M.setup(thread)
  thread:set("id", #M.threads)
  table.insert(M.threads, thread)
end

-- One line the runner parses: requests/s, p50/p99 in microseconds, socket errors, non-2xx/3xx responses.
function M.done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d socket_errors=%d non2xx=%d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99), summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status))
end

return M
