#!/usr/bin/env bash
# The Pusher load comparison of BENCHMARKS.md, in one command, all on
# 127.0.0.1:
#
#   examples/load/pusher.sh
#
# 1. Builds (release) the realtime example and installs the Express
#    baseline's packages (examples/pusher-express-baseline, npm ci: Express,
#    cookie-parser, the official `pusher` SDK's `authorizeChannel`).
# 2. For each channel-auth endpoint in turn (SERVERS): starts it, logs in as
#    alice and as bob (POST /login) to get its signed session cookies,
#    checks one allowed and one denied request, runs wrk for WARMUP
#    (discarded) then DURATION with the mix of examples/load/pusher.lua, and
#    stops it.
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
BASELINE="$ROOT/examples/pusher-express-baseline"
SERVERS="${SERVERS:-roomauth express}"

NAME=load-pusher
# shellcheck source=common.sh
source "$ROOT/examples/load/common.sh"

build_release -p roomauth-suite --example realtime
npm_ci "$BASELINE"

export NODE_ENV=production
# Both sign with the same app (Soketi's development defaults).
export PUSHER_APP_KEY=app-key PUSHER_APP_SECRET=app-secret
export PUSHER_ENCRYPTION_MASTER_KEY_BASE64=cm9vbWF1dGgtZGV2LW1hc3Rlci1rZXktMzItYnl0ZXM=

# form_status_of URL COOKIE BODY: the status of one form POST, as pusher-js
# sends it.
form_status_of() {
  curl -sS --max-time 5 -o /dev/null -w '%{http_code}' \
    -H 'Content-Type: application/x-www-form-urlencoded' -H "Cookie: $2" -d "$3" "$1"
}

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
  allowed="$(form_status_of "$base/pusher/auth" "$alice" 'socket_id=1234.5678&channel_name=presence-project-1')"
  denied="$(form_status_of "$base/pusher/auth" "$bob" 'socket_id=1234.5678&channel_name=private-project-1')"
  [ "$allowed" = 200 ] || die "$server: alice asking for presence-project-1 got $allowed, not 200"
  [ "$denied" = 403 ] || die "$server: bob asking for private-project-1 got $denied, not 403"

  measure_server pusher.lua "$server" "$round" "$base" "$pid" "$alice" "$bob"
}

run_rounds

echo
echo "Pusher load comparison: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up), $ROUNDS round(s), PIN=$PIN, RUST_LOG=$LOG"
echo "mix: private- and presence- channels in turn; 5/8 allowed (200, an auth), 2/8 denied (403), 1/8 anonymous (401)"
summarize_against_express
