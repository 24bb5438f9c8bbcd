-- GET /kv/k<n> for n uniform over the pre-filled key space (KV_KEYS, default 10000).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local c = dofile(here .. "common.lua")
setup, done = c.setup, c.done
local keys = c.keys

function init(args)
  math.randomseed(1000 + (id or 0))
end

function request()
  return wrk.format("GET", "/kv/k" .. math.random(0, keys - 1))
end
