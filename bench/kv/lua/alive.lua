-- HTTP ceiling: GET /alive (liveness only, no backend call).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local c = dofile(here .. "common.lua")
setup, done = c.setup, c.done
wrk.method = "GET"
wrk.path = "/alive"
