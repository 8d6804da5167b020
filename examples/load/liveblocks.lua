-- The request mix of examples/load/liveblocks.sh, for wrk: POST PATH
-- (`/liveblocks/auth` or `/liveblocks/relay`) with the logged-in cookies of
-- ALICE_COOKIE and BOB_COOKIE (`session=...`).
--
-- Eight requests, cycled by every connection:
--   5 allowed   (alice project-1 write, alice project-2 read, bob project-2) -> 200 with a token
--   2 denied    (logged in, not a member)                 -> 403
--   1 anonymous (no cookie)                               -> 401
-- A 200 is checked to carry a token. Anything else
-- (another status, a 200 without a token, socket errors) is an error. The
-- last line printed is machine-readable: `RESULT key=value...`.

local path = os.getenv("TOKEN_PATH") or "/liveblocks/auth"

local function token_request(room)
  return '{"room":"' .. room .. '"}'
end

-- wrk_mix.lua, next to this file, holds the hooks and the RESULT line.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local wrk_mix = dofile(here .. "wrk_mix.lua")
wrk_mix.run({
  path = path,
  mix = wrk_mix.token_mix(token_request),
  allowed_share = 5 / 8,
  is_ok = function(body)
    return body:find('"token":"ey', 1, true)
  end,
})
