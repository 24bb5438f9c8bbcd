-- POST /kv {"key","value","ttl"} with a ~100-byte JSON object value.
--   KV_FILL=1: each thread writes keys id, id+T, id+2T, ... (wrapping), so a run of more than KV_KEYS requests
--              covers the whole key space (the pre-fill step);
--   otherwise: keys uniform over the key space (the SET benchmark; overwrites, like a cache refresh).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local c = dofile(here .. "common.lua")
setup, done = c.setup, c.done
local keys = c.keys
local fill = os.getenv("KV_FILL") == "1"
local nthreads = tonumber(os.getenv("KV_THREADS") or "2")
local next_key

function init(args)
  math.randomseed(2000 + (id or 0))
  next_key = id or 0
end

local headers = { ["Content-Type"] = "application/json" }
local value = '{"user":"ada","tags":["a","b","c"],"score":42.5,"active":true,"note":"bench value of about 100 bytes"}'

function request()
  local n
  if fill then
    n = next_key
    next_key = (next_key + nthreads) % keys
  else
    n = math.random(0, keys - 1)
  end
  return wrk.format("POST", "/kv", headers, '{"key":"k' .. n .. '","value":' .. value .. ',"ttl":3600}')
end
