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

local alice = os.getenv("ALICE_COOKIE") or ""
local bob = os.getenv("BOB_COOKIE") or ""

local path = os.getenv("TOKEN_PATH") or "/liveblocks/auth"

local function token_request(room)
  return '{"room":"' .. room .. '"}'
end

local mix = {
  { cookie = alice, body = token_request("project-1") },
  { cookie = alice, body = token_request("project-2") },
  { cookie = bob, body = token_request("project-2") },
  { cookie = bob, body = token_request("project-1") }, -- denied
  { cookie = alice, body = token_request("project-1") },
  { cookie = nil, body = token_request("project-1") }, -- anonymous
  { cookie = bob, body = token_request("project-2") },
  { cookie = alice, body = token_request("project-3") }, -- denied
}
local ALLOWED_SHARE = 5 / 8

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local requests = {}
local position

function init(args)
  for i, entry in ipairs(mix) do
    local headers = { ["Content-Type"] = "application/json" }
    if entry.cookie then
      headers["Cookie"] = entry.cookie
    end
    requests[i] = wrk.format("POST", path, headers, entry.body)
  end
  position = (id or 0) * 3
  ok, denied401, denied403, other, bad = 0, 0, 0, 0, 0
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  if status == 200 then
    if body:find('"token":"ey', 1, true) then
      ok = ok + 1
    else
      bad = bad + 1
    end
  elseif status == 401 then
    denied401 = denied401 + 1
  elseif status == 403 then
    denied403 = denied403 + 1
  else
    other = other + 1
  end
end

function done(summary, latency, _)
  local totals = { ok = 0, denied401 = 0, denied403 = 0, other = 0, bad = 0 }
  for _, thread in ipairs(threads) do
    for key in pairs(totals) do
      totals[key] = totals[key] + (thread:get(key) or 0)
    end
  end
  local answered = totals.ok + totals.denied401 + totals.denied403 + totals.other + totals.bad
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  -- Allowed and denied requests must come back in the mix's proportion
  -- (give or take the requests in flight when the run stopped).
  local connections = tonumber(os.getenv("CONNECTIONS") or "0") or 0
  local skew = math.abs(totals.ok + totals.bad - ALLOWED_SHARE * answered)
  local mix_errors = math.max(0, math.floor(skew - connections))
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d ok=%d denied401=%d denied403=%d other=%d bad=%d socket_errors=%d mix_errors=%d errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(90) / 1000,
    latency:percentile(99) / 1000,
    latency.max / 1000,
    summary.requests,
    totals.ok,
    totals.denied401,
    totals.denied403,
    totals.other,
    totals.bad,
    socket_errors,
    mix_errors,
    totals.other + totals.bad + socket_errors + mix_errors
  ))
end
