-- The request mix of examples/load/pusher.sh, for wrk: POST /pusher/auth
-- as pusher-js sends it (a form: socket_id, channel_name) with the
-- logged-in cookies of ALICE_COOKIE and BOB_COOKIE (`session=...`).
--
-- Eight requests, cycled by every connection, private- and presence-
-- channels in turn:
--   5 allowed   (alice project-1 write, alice project-2 read, bob project-2) -> 200 with an auth
--   2 denied    (logged in, not a member)                 -> 403
--   1 anonymous (no cookie)                               -> 401
-- A 200 is checked to carry an `auth`. Anything else (another status, a
-- 200 without an auth, socket errors) is an error. The last line printed
-- is machine-readable: `RESULT key=value...`.

local prefixes = { "private-", "presence-" }
local n = 0
local function auth_request(room)
  n = n + 1
  return "socket_id=1234.5678&channel_name=" .. prefixes[n % 2 + 1] .. room
end

-- wrk_mix.lua, next to this file, holds the hooks and the RESULT line.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local wrk_mix = dofile(here .. "wrk_mix.lua")
wrk_mix.run({
  path = "/pusher/auth",
  content_type = "application/x-www-form-urlencoded",
  mix = wrk_mix.token_mix(auth_request),
  allowed_share = 5 / 8,
  is_ok = function(body)
    return body:find('"auth":"', 1, true)
  end,
})
