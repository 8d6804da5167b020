#!/usr/bin/env bash
# The load comparison of BENCHMARKS.md, in one command, all on 127.0.0.1:
#
#   examples/load/run.sh
#
# 1. Builds (release) roomauth-local, the quickstart and the hand-written
#    axum webhook, and installs the Express baseline's packages (npm ci).
# 2. Starts roomauth-local, the Room Service every webhook provisions through.
# 3. For each webhook in turn (SERVERS): starts it pointed at roomauth-local,
#    logs in as alice and as bob (POST /login) to get its signed session
#    cookies, checks one allowed and one denied request, runs wrk for WARMUP
#    (discarded) then DURATION with the mix of examples/load/mix.lua, and
#    stops it.
# 4. Prints requests/s, p50 and p99 latency and errors of each, the CPU
#    time per request of the webhook, of roomauth-local and of both (from
#    /proc/PID/stat), and the ratios of roomauth to every other server. Each figure is the median over ROUNDS rounds,
#    whose order of servers is the same every round.
#
# Settings (environment):
#   DURATION=10s WARMUP=2s CONNECTIONS=32 THREADS=1 ROUNDS=1
#   SERVERS="roomauth handwritten express"   which webhooks, in this order;
#                express is the baseline with undici's Pool (its default),
#                express-agent with a keep-alive http.Agent, express-fetch
#                with Node's fetch (server.js, PROVISION_CLIENT)
#   PIN=0        1: webhook and provisioner on CPU 0, wrk on CPU 1 (taskset)
#   LOG=warn     RUST_LOG of the Rust processes (`info` logs every decision)
#   BUILD=1      0: use the binaries already built
#   CARGO_TARGET_DIR                        where cargo builds (default ./target)
#
# Bounded in time: every step has a timeout, wrk runs are bounded by
# DURATION, and everything this script started is stopped on exit (trap).
# It sends traffic to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVERS="${SERVERS:-roomauth handwritten express}"
API_KEY="sk_localdev"

NAME=load
# shellcheck source=common.sh
source "$ROOT/examples/load/common.sh"

build_release -p roomauth --bin roomauth-local
build_release -p roomauth-suite --example quickstart --example handwritten
BASELINE="$ROOT/examples/express-baseline"
npm_ci "$BASELINE"

export NODE_ENV=production
export ROOMSERVICE_API_KEY="$API_KEY"

start provisioner "${SERVER_CPU[@]}" "$TARGET/release/roomauth-local" --addr 127.0.0.1:0
PROVISIONER_PID="$STARTED_PID"
export ROOMSERVICE_URL="$STARTED_ADDR"
log "roomauth-local on $ROOMSERVICE_URL"

run_server() {
  local server="$1" round="$2"
  case "$server" in
    roomauth) start "$server" "${SERVER_CPU[@]}" env PORT=0 "$TARGET/release/examples/quickstart" ;;
    handwritten) start "$server" "${SERVER_CPU[@]}" env PORT=0 "$TARGET/release/examples/handwritten" ;;
    express | express-undici | express-agent | express-fetch)
      local client="${server#express}"
      start "$server" "${SERVER_CPU[@]}" env -C "$BASELINE" PORT=0 \
        PROVISION_CLIENT="${client#-}" node server.js ;;
    *) die "unknown server $server (roomauth, handwritten, express, express-agent, express-fetch)" ;;
  esac
  local pid="$STARTED_PID" base="$STARTED_ADDR"
  local alice bob
  alice="$(login "$base" alice)"
  bob="$(login "$base" bob)"
  local allowed denied
  allowed="$(status_of "$base/api/roomservice" "$alice" '{"room":"project-1"}')"
  denied="$(status_of "$base/api/roomservice" "$bob" '{"room":"project-1"}')"
  [ "$allowed" = 200 ] || die "$server: alice joining project-1 got $allowed, not 200"
  case "$denied" in 401 | 403) ;; *) die "$server: bob joining project-1 got $denied, not 401/403" ;; esac

  log "$server (round $round): $base, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  warm_up mix.lua "$base" "$alice" "$bob"
  local server_ticks provisioner_ticks
  server_ticks="$(cpu_ticks "$pid")"
  provisioner_ticks="$(cpu_ticks "$PROVISIONER_PID")"
  measure mix.lua "$base" "$alice" "$bob"
  server_ticks=$(($(cpu_ticks "$pid") - server_ticks))
  provisioner_ticks=$(($(cpu_ticks "$PROVISIONER_PID") - provisioner_ticks))
  # CPU time per request (user + system) of the webhook and of the
  # provisioner.
  local cpu
  cpu="server_cpu_us=$(us_per_request "$server_ticks") provisioner_cpu_us=$(us_per_request "$provisioner_ticks")"
  echo "server=$server round=$round $RESULT $cpu" | tee -a "$RESULTS" >&2
  stop "$pid"
}

for round in $(seq "$ROUNDS"); do
  for server in $SERVERS; do
    run_server "$server" "$round"
  done
done
kill -0 "$PROVISIONER_PID" 2>/dev/null || die "roomauth-local stopped during the runs"

# The median of each figure over the rounds, then the ratios.
echo
echo "Load comparison: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up), $ROUNDS round(s), PIN=$PIN, RUST_LOG=$LOG"
echo "mix: 5/8 allowed (200), 2/8 denied (401/403), 1/8 anonymous (401); both body forms"
awk -v servers="$SERVERS" "$AWK_ROUNDS"'
  {
    pcpu[s] = pcpu[s] " " f["provisioner_cpu_us"]
    tcpu[s] = tcpu[s] " " (f["server_cpu_us"] + f["provisioner_cpu_us"])
  }
  END {
    printf "%-14s %11s %9s %9s %9s %7s %14s %16s %13s\n", "server", "requests/s", "p50 ms", "p99 ms", "requests", "errors", "server us/req", "upstream us/req", "total us/req"
    n = split(servers, names, " ")
    for (k = 1; k <= n; k++) {
      s = names[k]
      if (!(s in rps)) continue
      R[s] = median(rps[s]); P50[s] = median(p50[s]); P99[s] = median(p99[s])
      S[s] = median(scpu[s]); U[s] = median(pcpu[s]); T[s] = median(tcpu[s])
      printf "%-14s %11.0f %9.3f %9.3f %9d %7d %14.1f %16.1f %13.1f\n", s, R[s], P50[s], P99[s], requests[s], errors[s], S[s], U[s], T[s]
    }
    for (k = 1; k <= n; k++) {
      other = names[k]
      if (other == "roomauth" || !("roomauth" in R) || !(other in R)) continue
      printf "roomauth/%-14s requests/s x%.2f, p50 x%.2f, p99 x%.2f, CPU per request: server x%.2f, total x%.2f\n", other, R["roomauth"] / R[other], P50["roomauth"] / P50[other], P99["roomauth"] / P99[other], S["roomauth"] / S[other], T["roomauth"] / T[other]
    }
  }' "$RESULTS"
