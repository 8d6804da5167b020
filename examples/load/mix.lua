-- The request mix of examples/load/run.sh, for wrk: POST /api/roomservice
-- with the logged-in cookies of ALICE_COOKIE and BOB_COOKIE (`session=...`).
--
-- Eight requests, cycled by every connection:
--   5 allowed   (3 `{"room"}`, 2 `{"resources"}`)    -> 200 with a token
--   2 denied    (1 of each form, logged in, not a member) -> 401 or 403
--   1 anonymous (no cookie)                           -> 401
-- A 200 is checked to name a user and a room that user may join. Anything
-- else (another status, a 200 for the wrong user or room, socket errors) is
-- an error. The last line printed is machine-readable: `RESULT key=value...`.

local alice = os.getenv("ALICE_COOKIE") or ""
local bob = os.getenv("BOB_COOKIE") or ""

local function room_form(room)
  return '{"room":"' .. room .. '"}'
end

local function resources_form(room)
  return '{"resources":[{"object":"document","reference":"default","permission":"read_write","room":"'
    .. room .. '"},{"object":"room","reference":"' .. room .. '","permission":"join"}]}'
end

local mix = {
  { cookie = alice, body = room_form("project-1") },
  { cookie = alice, body = resources_form("project-2") },
  { cookie = bob, body = room_form("project-2") },
  { cookie = bob, body = room_form("project-1") }, -- denied
  { cookie = bob, body = resources_form("project-2") },
  { cookie = nil, body = room_form("project-1") }, -- anonymous
  { cookie = alice, body = room_form("project-2") },
  { cookie = alice, body = resources_form("project-3") }, -- denied
}

-- The (user, room) pairs a 200 may name.
local may_join = {
  ["alice project-1"] = true,
  ["alice project-2"] = true,
  ["bob project-2"] = true,
}

-- wrk_mix.lua, next to this file, holds the hooks and the RESULT line.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_mix.lua").run({
  path = "/api/roomservice",
  mix = mix,
  allowed_share = 5 / 8,
  is_ok = function(body)
    local user = body:match('"user":"([^"]*)"')
    local room = body:match('"object":"room","reference":"([^"]*)"')
    return user and room and may_join[user .. " " .. room] and body:find('"token":"', 1, true)
  end,
})
