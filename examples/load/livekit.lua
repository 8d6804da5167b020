-- The request mix of examples/load/livekit.sh, for wrk: POST /livekit/token
-- with the logged-in cookies of ALICE_COOKIE and BOB_COOKIE (`session=...`).
--
-- Eight requests, cycled by every connection:
--   5 allowed   (alice project-1 write, alice project-2 read, bob project-2) -> 200 with a token
--   2 denied    (logged in, not a member)                 -> 403
--   1 anonymous (no cookie)                               -> 401
-- A 200 is checked to carry a token and the server URL. Anything else
-- (another status, a 200 without a token, socket errors) is an error. The
-- last line printed is machine-readable: `RESULT key=value...`.

local function token_request(room)
  return '{"room_name":"' .. room .. '"}'
end

-- wrk_mix.lua, next to this file, holds the hooks and the RESULT line.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local wrk_mix = dofile(here .. "wrk_mix.lua")
wrk_mix.run({
  path = "/livekit/token",
  mix = wrk_mix.token_mix(token_request),
  allowed_share = 5 / 8,
  is_ok = function(body)
    return body:find('"participant_token":"ey', 1, true) and body:find('"server_url":"', 1, true)
  end,
})
