#!/usr/bin/env bash
# The Liveblocks overhead comparison of BENCHMARKS.md, in one command, all
# on 127.0.0.1:
#
#   examples/load/liveblocks.sh
#
# 1. Builds (release) examples/liveblocks_relay (the realtime example plus
#    the same endpoint written by hand with reqwest at /liveblocks/relay)
#    and installs the Node test project of Liveblocks (npm ci): Liveblocks'
#    local dev server on Bun.
# 2. Starts the dev server and the example pointed at it.
# 3. For each endpoint in turn (SERVERS: roomauth = /liveblocks/auth,
#    relay = /liveblocks/relay; the order reversed every other round): logs in as alice and as bob, checks one
#    allowed and one denied request, runs wrk for WARMUP (discarded) then
#    DURATION with the mix of examples/load/liveblocks.lua.
# 4. Prints requests/s, p50 and p99 latency, errors and the CPU time per
#    request of the app and of the dev server, and the ratios
#    roomauth/relay: the median over ROUNDS rounds.
#
# Settings (environment): DURATION=10s WARMUP=2s CONNECTIONS=32 THREADS=1
# ROUNDS=1 SERVERS="roomauth relay" PIN=0 (1: servers on CPU 0, wrk on
# CPU 1) LOG=warn BUILD=1 (0: use the binaries already built)
# CARGO_TARGET_DIR.
#
# Bounded in time: every step has a timeout; everything started is stopped
# on exit. It sends traffic to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE_PROJECT="$ROOT/tests/node/liveblocks"
SERVERS="${SERVERS:-roomauth relay}"

NAME=load-liveblocks
# shellcheck source=common.sh
source "$ROOT/examples/load/common.sh"

build_release -p roomauth-suite --example liveblocks_relay
npm_ci "$NODE_PROJECT"


# Liveblocks' dev server: Bun on 127.0.0.1, a random port it announces.
DEV_LOG="$WORK/devserver.log"
mkdir -p "$WORK/tmp"
TMPDIR="$WORK/tmp" PATH="$NODE_PROJECT/node_modules/@oven/bun-linux-x64/bin:$PATH" NO_COLOR=1 \
  "${SERVER_CPU[@]}" bun "$NODE_PROJECT/node_modules/liveblocks/dist/index.js" dev \
  --host 127.0.0.1 --random-port --no-check --no-persist </dev/null >"$DEV_LOG" 2>&1 &
DEV_PID=$!
PIDS+=("$DEV_PID")
DEV_URL=""
for _ in $(seq 300); do
  DEV_URL="$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$DEV_LOG" 2>/dev/null || true)"
  [ -n "$DEV_URL" ] && curl -sf --max-time 2 "$DEV_URL/health" >/dev/null && break
  DEV_URL=""
  kill -0 "$DEV_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$DEV_URL" ] || { cat "$DEV_LOG" >&2; die "the Liveblocks dev server did not start"; }
log "Liveblocks dev server on $DEV_URL"
export LIVEBLOCKS_BASE_URL="$DEV_URL" LIVEBLOCKS_SECRET_KEY=sk_localdev

start app "${SERVER_CPU[@]}" env PORT=0 "$TARGET/release/examples/liveblocks_relay"
APP_PID="$STARTED_PID"
BASE="$STARTED_ADDR"

run_server() {
  local server="$1" round="$2" path
  case "$server" in
    roomauth) path=/liveblocks/auth ;;
    relay) path=/liveblocks/relay ;;
    *) die "unknown endpoint $server (roomauth, relay)" ;;
  esac
  local alice bob allowed denied
  alice="$(login "$BASE" alice)"
  bob="$(login "$BASE" bob)"
  allowed="$(status_of "$BASE$path" "$alice" '{"room":"project-1"}')"
  denied="$(status_of "$BASE$path" "$bob" '{"room":"project-1"}')"
  [ "$allowed" = 200 ] || die "$server: alice asking for project-1 got $allowed, not 200"
  [ "$denied" = 403 ] || die "$server: bob asking for project-1 got $denied, not 403"

  log "$server (round $round): $BASE$path, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  warm_up liveblocks.lua "$BASE" "$alice" "$bob" TOKEN_PATH="$path"
  local ticks dev_ticks
  ticks="$(cpu_ticks "$APP_PID")"
  dev_ticks="$(cpu_ticks "$DEV_PID")"
  measure liveblocks.lua "$BASE" "$alice" "$bob" TOKEN_PATH="$path"
  ticks=$(($(cpu_ticks "$APP_PID") - ticks))
  dev_ticks=$(($(cpu_ticks "$DEV_PID") - dev_ticks))
  local cpu
  cpu="server_cpu_us=$(us_per_request "$ticks") upstream_cpu_us=$(us_per_request "$dev_ticks")"
  echo "server=$server round=$round $RESULT $cpu" | tee -a "$RESULTS" >&2
}

# The dev server warms up and the machine's load drifts: round_order
# reverses every other round so that neither favours one side.
run_rounds

echo
echo "Liveblocks overhead: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up), $ROUNDS round(s), PIN=$PIN, RUST_LOG=$LOG"
echo "mix: 5/8 allowed (200, a token from the dev server), 2/8 denied (403), 1/8 anonymous (401)"
awk -v servers="$SERVERS" "$AWK_ROUNDS"'
  { ucpu[s] = ucpu[s] " " f["upstream_cpu_us"] }
  END {
    printf "%-12s %11s %9s %9s %9s %7s %14s %14s\n", "endpoint", "requests/s", "p50 ms", "p99 ms", "requests", "errors", "app us/req", "devserver us/req"
    n = split(servers, names, " ")
    for (k = 1; k <= n; k++) {
      s = names[k]
      if (!(s in rps)) continue
      R[s] = median(rps[s]); P50[s] = median(p50[s]); P99[s] = median(p99[s]); S[s] = median(scpu[s]); U[s] = median(ucpu[s])
      printf "%-12s %11.0f %9.3f %9.3f %9d %7d %14.1f %14.1f\n", s, R[s], P50[s], P99[s], requests[s], errors[s], S[s], U[s]
    }
    if (("roomauth" in R) && ("relay" in R))
      printf "roomauth/relay requests/s x%.3f, p50 x%.3f, p99 x%.3f, app CPU per request x%.2f\n", R["roomauth"] / R["relay"], P50["roomauth"] / P50["relay"], P99["roomauth"] / P99["relay"], S["roomauth"] / S["relay"]
  }' "$RESULTS"
