-- What examples/load/mix.lua, livekit.lua and liveblocks.lua share, for
-- wrk: each of them names its mix and how to check a 200, then calls
-- `mix.run` (loaded with `dofile`), which defines wrk's hooks.
--
-- Every connection cycles the mix of POST requests, starting at its own
-- place. Answers are counted: ok (a 200 that `is_ok` accepts), bad (a 200
-- it refuses), denied401, denied403, other (any other status). The last
-- line printed is machine-readable: `RESULT key=value...`; `errors` counts
-- other + bad + socket errors + mix errors (allowed and denied answers not
-- in the mix's proportion, give or take the requests in flight when the run
-- stopped: CONNECTIONS).

local M = {}

-- config: path (the URL path POSTed to), mix (a list of { cookie, body },
-- cookie nil for an anonymous request), allowed_share (the share of the mix
-- answered 200), is_ok(body) (whether a 200's body is the expected answer),
-- content_type (optional, default application/json).
function M.run(config)
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
    for i, entry in ipairs(config.mix) do
      local headers = { ["Content-Type"] = config.content_type or "application/json" }
      if entry.cookie then
        headers["Cookie"] = entry.cookie
      end
      requests[i] = wrk.format("POST", config.path, headers, entry.body)
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
      if config.is_ok(body) then
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
    local skew = math.abs(totals.ok + totals.bad - config.allowed_share * answered)
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
end

-- The eight requests of livekit.lua and liveblocks.lua, each body made by
-- token_request(room), with the cookies of ALICE_COOKIE and BOB_COOKIE:
--   5 allowed   (alice project-1 write, alice project-2 read, bob project-2)
--   2 denied    (logged in, not a member)
--   1 anonymous (no cookie)
function M.token_mix(token_request)
  local alice = os.getenv("ALICE_COOKIE") or ""
  local bob = os.getenv("BOB_COOKIE") or ""
  return {
    { cookie = alice, body = token_request("project-1") },
    { cookie = alice, body = token_request("project-2") },
    { cookie = bob, body = token_request("project-2") },
    { cookie = bob, body = token_request("project-1") }, -- denied
    { cookie = alice, body = token_request("project-1") },
    { cookie = nil, body = token_request("project-1") }, -- anonymous
    { cookie = bob, body = token_request("project-2") },
    { cookie = alice, body = token_request("project-3") }, -- denied
  }
end

return M
