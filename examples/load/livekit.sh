#!/usr/bin/env bash
# The LiveKit load comparison of BENCHMARKS.md, in one command, all on
# 127.0.0.1:
#
#   examples/load/livekit.sh
#
# 1. Builds (release) the realtime example and installs the Express
#    baseline's packages (examples/livekit-express-baseline, npm ci).
# 2. For each token endpoint in turn (SERVERS): starts it, logs in as alice
#    and as bob (POST /login) to get its signed session cookies, checks one
#    allowed and one denied request, runs wrk for WARMUP (discarded) then
#    DURATION with the mix of examples/load/livekit.lua, and stops it.
# 3. Prints requests/s, p50 and p99 latency, errors and server CPU time per
#    request of each, and the ratios roomauth/Express: the median over
#    ROUNDS rounds.
#
# Settings (environment): DURATION=10s WARMUP=2s CONNECTIONS=32 THREADS=1
# ROUNDS=1 SERVERS="roomauth express" PIN=0 (1: servers on CPU 0, wrk on
# CPU 1) LOG=warn BUILD=1 (0: use the binaries already built)
# CARGO_TARGET_DIR.
#
# Bounded in time: every step has a timeout; everything started is stopped
# on exit. It sends traffic to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASELINE="$ROOT/examples/livekit-express-baseline"
SERVERS="${SERVERS:-roomauth express}"

NAME=load-livekit
# shellcheck source=common.sh
source "$ROOT/examples/load/common.sh"

build_release -p roomauth-suite --example realtime
npm_ci "$BASELINE"

export NODE_ENV=production
# Both sign with the same key and answer the same server URL.
export LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret LIVEKIT_URL=ws://127.0.0.1:7880

run_server() {
  local server="$1" round="$2"
  case "$server" in
    roomauth) start "$server" "${SERVER_CPU[@]}" env PORT=0 "$TARGET/release/examples/realtime" ;;
    express) start "$server" "${SERVER_CPU[@]}" env -C "$BASELINE" PORT=0 node server.js ;;
    *) die "unknown server $server (roomauth, express)" ;;
  esac
  local pid="$STARTED_PID" base="$STARTED_ADDR"
  local alice bob allowed denied
  alice="$(login "$base" alice)"
  bob="$(login "$base" bob)"
  allowed="$(status_of "$base/livekit/token" "$alice" '{"room_name":"project-1"}')"
  denied="$(status_of "$base/livekit/token" "$bob" '{"room_name":"project-1"}')"
  [ "$allowed" = 200 ] || die "$server: alice asking for project-1 got $allowed, not 200"
  [ "$denied" = 403 ] || die "$server: bob asking for project-1 got $denied, not 403"

  measure_server livekit.lua "$server" "$round" "$base" "$pid" "$alice" "$bob"
}

run_rounds

echo
echo "LiveKit load comparison: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up), $ROUNDS round(s), PIN=$PIN, RUST_LOG=$LOG"
echo "mix: 5/8 allowed (200, a token), 2/8 denied (403), 1/8 anonymous (401)"
summarize_against_express
