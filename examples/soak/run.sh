#!/usr/bin/env bash
# The load soak of SECURITY.md, in one command (not part of CI), all on
# 127.0.0.1:
#
#   examples/soak/run.sh
#
# 1. Builds the quickstart and the soak provisioner (examples/soak/main.rs,
#    the local provisioner answering after DELAY_MS) in release mode.
# 2. Starts both, the quickstart provisioning through the slow provisioner
#    over HTTP (ROOMSERVICE_URL), logs in as alice, checks one request.
# 3. Phase "up": wrk with CONNECTIONS connections for DURATION seconds,
#    every request an allowed webhook call. Expected: no socket errors, only
#    200s, and a resident memory that levels off.
# 4. Phase "down": stops the provisioner, then wrk again for DOWN_DURATION
#    seconds. Expected: only fast 502s (connection refused, retried twice
#    within the budget), no socket errors, and no pile-up: the quickstart's
#    open file descriptors and sockets go back to where they were.
# 5. Prints the figures: requests/s, latency percentiles, status counts,
#    peak and per-phase RSS, peak open descriptors, and the verdicts.
#
# Every second a sampler reads the quickstart's VmRSS (/proc/PID/status),
# its open descriptors (/proc/PID/fd) and its TCP sockets (ss).
#
# Settings (environment):
#   CONNECTIONS=1000 DURATION=60 DOWN_DURATION=20 THREADS=2 DELAY_MS=50
#   BUILD=1 (0: use the binaries already built)   CARGO_TARGET_DIR
#   LOG=error (the quickstart's RUST_LOG: at `info` it logs every decision,
#   at `warn` every failed provision; the soak measures the webhook, not the
#   terminal)
#
# Bounded: every wait has a timeout, wrk runs for a fixed time, and every
# process this script started is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONNECTIONS="${CONNECTIONS:-1000}"
DURATION="${DURATION:-60}"
DOWN_DURATION="${DOWN_DURATION:-20}"
THREADS="${THREADS:-2}"
DELAY_MS="${DELAY_MS:-50}"
BUILD="${BUILD:-1}"
LOG="${LOG:-error}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
API_KEY="sk_soak_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

NAME=soak
# shellcheck source=../lib.sh
source "$ROOT/examples/lib.sh"

need wrk curl ss awk cargo -- "wrk: apt-get install -y wrk; ss: iproute2"

# 1000 connections on each side of loopback, plus the upstream ones.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge $((CONNECTIONS * 3 + 256)) ] || ulimit -n $((CONNECTIONS * 3 + 256)) \
  || die "cannot raise the open-file limit to $((CONNECTIONS * 3 + 256)) (now $(ulimit -n))"
log "open-file limit: $(ulimit -n)"

if [ "$BUILD" = 1 ]; then
  log "building (release): quickstart, soak provisioner"
  (cd "$ROOT" && CARGO_TARGET_DIR="$TARGET" cargo build --release --quiet --example quickstart --example soak)
fi
QUICKSTART="$TARGET/release/examples/quickstart"
PROVISIONER="$TARGET/release/examples/soak"
[ -x "$QUICKSTART" ] && [ -x "$PROVISIONER" ] || die "binaries missing under $TARGET/release/examples (BUILD=1)"

start provisioner env ROOMSERVICE_API_KEY="$API_KEY" "$PROVISIONER" --delay-ms "$DELAY_MS"
PROV_PID=$STARTED_PID
PROV_ADDR="${STARTED_ADDR#http://}"
log "slow provisioner on $PROV_ADDR (pid $PROV_PID, answers after $DELAY_MS ms)"

start quickstart env PORT=0 RUST_LOG="$LOG" ROOMSERVICE_API_KEY="$API_KEY" \
  ROOMSERVICE_URL="http://$PROV_ADDR" "$QUICKSTART"
QS_PID=$STARTED_PID
QS_ADDR="${STARTED_ADDR#http://}"
QS_PORT="${QS_ADDR##*:}"
PROV_PORT="${PROV_ADDR##*:}"
log "quickstart on $QS_ADDR (pid $QS_PID)"

COOKIE="$(curl -sS -m 5 -D - -o /dev/null -H 'Content-Type: application/json' -d '{"user":"alice"}' \
  "http://$QS_ADDR/login" | tr -d '\r' | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); print a[1]}')"
[ -n "$COOKIE" ] || die "login set no cookie"
STATUS="$(curl -sS -m 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H "Cookie: $COOKIE" \
  -d '{"room":"project-1"}' "http://$QS_ADDR/api/roomservice")"
[ "$STATUS" = 200 ] || die "the check request got $STATUS, not 200"
log "logged in as alice; a webhook call answers 200"

cat >"$WORK/soak.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"room":"project-1"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("SOAK_COOKIE")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local totals = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do totals[code] = (totals[code] or 0) + n end
  end
  for code, n in pairs(totals) do io.write(string.format("status %d: %d\n", code, n)) end
end
LUA

# The sampler: one line a second: phase, seconds, RSS (KiB), open fds, TCP
# sockets on the quickstart's port, established and TIME-WAIT sockets to
# the provisioner's port.
PHASE_FILE="$WORK/phase"
echo idle >"$PHASE_FILE"
sample() {
  local start=$SECONDS
  while kill -0 "$QS_PID" 2>/dev/null; do
    local rss fds socks upstream waiting
    rss="$(awk '/^VmRSS/{print $2}' "/proc/$QS_PID/status" 2>/dev/null || echo 0)"
    fds="$(ls "/proc/$QS_PID/fd" 2>/dev/null | wc -l)"
    socks="$(ss -Htan "( sport = :$QS_PORT )" 2>/dev/null | wc -l)"
    upstream="$(ss -Htan state established "( dport = :$PROV_PORT )" 2>/dev/null | wc -l)"
    waiting="$(ss -Htan state time-wait "( dport = :$PROV_PORT )" 2>/dev/null | wc -l)"
    echo "$(cat "$PHASE_FILE") $((SECONDS - start)) $rss $fds $socks $upstream $waiting"
    sleep 1
  done
}
sample >"$WORK/samples" &
PIDS+=("$!")
sleep 2

run_wrk() {
  local phase=$1 seconds=$2
  echo "$phase" >"$PHASE_FILE"
  log "phase $phase: wrk, $CONNECTIONS connections, $THREADS threads, ${seconds}s"
  SOAK_COOKIE="$COOKIE" timeout $((seconds + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s --latency \
    -s "$WORK/soak.lua" "http://$QS_ADDR/api/roomservice" | tee "$WORK/wrk-$phase.txt"
  echo "after-$phase" >"$PHASE_FILE"
}

run_wrk up "$DURATION"
sleep 3
log "stopping the provisioner"
kill -TERM "$PROV_PID"
wait "$PROV_PID" 2>/dev/null || true
sleep 2
run_wrk down "$DOWN_DURATION"
# One request at a time while the provisioner is down: how fast is a failure
# without load (connection refused, two retries with backoff)?
for _ in $(seq 20); do
  curl -sS -m 10 -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' -H "Cookie: $COOKIE" \
    -d '{"room":"project-1"}' "http://$QS_ADDR/api/roomservice"
done >"$WORK/single-down.txt"
sleep 5
echo end >"$PHASE_FILE"
sleep 1.5

# --- The figures ----------------------------------------------------------
S="$WORK/samples"
field() { awk -v p="$1" -v c="$2" '$1==p{print $c}' "$S"; }
max_of() { sort -n | tail -1; }
rps() { awk '/^Requests\/sec/{print $2}' "$WORK/wrk-$1.txt"; }
pct() { awk -v p="$2" '$1==p{print $2}' "$WORK/wrk-$1.txt"; }
statuses() { grep '^status' "$WORK/wrk-$1.txt" | tr '\n' ' '; }
sockerr() { grep -h 'Socket errors' "$WORK/wrk-$1.txt" || echo "none"; }

BASE_FDS="$(field idle 4 | head -1)"
BASE_RSS="$(field idle 3 | head -1)"
UP_RSS_PEAK="$(field up 3 | max_of)"
UP_N="$(field up 3 | wc -l)"
UP_RSS_FIRST_HALF="$(field up 3 | head -$((UP_N / 2)) | max_of)"
UP_RSS_SECOND_HALF="$(field up 3 | tail -$((UP_N - UP_N / 2)) | max_of)"
UP_FDS_PEAK="$(field up 4 | max_of)"
UP_UPSTREAM_PEAK="$(field up 6 | max_of)"
UP_TIME_WAIT_PEAK="$(field up 7 | max_of)"
SINGLE_CODES="$(awk '{print $1}' "$WORK/single-down.txt" | sort | uniq -c | awk '{printf "%s x%s ", $2, $1}')"
SINGLE_MEDIAN_MS="$(awk '{print $2 * 1000}' "$WORK/single-down.txt" | sort -n | awk '{a[NR]=$1} END{printf "%.0f", a[int((NR+1)/2)]}')"
SINGLE_MAX_MS="$(awk '{print $2 * 1000}' "$WORK/single-down.txt" | sort -n | tail -1)"
DOWN_RSS_PEAK="$(field down 3 | max_of)"
DOWN_FDS_PEAK="$(field down 4 | max_of)"
END_FDS="$(field end 4 | tail -1)"
END_SOCKS="$(field end 5 | tail -1)"
END_RSS="$(field end 3 | tail -1)"

cat <<EOF

== soak: $CONNECTIONS connections, provisioner delay ${DELAY_MS} ms ==
phase up   (${DURATION}s): $(rps up) req/s, p50 $(pct up 50%), p99 $(pct up 99%); $(statuses up); socket errors: $(sockerr up)
phase down (${DOWN_DURATION}s): $(rps down) req/s, p50 $(pct down 50%), p99 $(pct down 99%); $(statuses down); socket errors: $(sockerr down)
RSS (KiB): idle $BASE_RSS; up: peak $UP_RSS_PEAK (first half $UP_RSS_FIRST_HALF, second half $UP_RSS_SECOND_HALF); down: peak $DOWN_RSS_PEAK; after: $END_RSS
open fds: idle $BASE_FDS; up: peak $UP_FDS_PEAK (to the provisioner: established peak $UP_UPSTREAM_PEAK, TIME-WAIT peak $UP_TIME_WAIT_PEAK); down: peak $DOWN_FDS_PEAK; after: $END_FDS (sockets on the port: $END_SOCKS)
provisioner down, one request at a time: $SINGLE_CODES; median ${SINGLE_MEDIAN_MS} ms, max ${SINGLE_MAX_MS} ms
EOF

VERDICT=0
verdict() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; VERDICT=1; fi; }
only() { # only STATUS PHASE: every counted status is STATUS
  local other
  other="$(grep '^status' "$WORK/wrk-$2.txt" | grep -v "^status $1:" || true)"
  [ -z "$other" ] && grep -q "^status $1:" "$WORK/wrk-$2.txt"
}
verdict "up: only 200s" "only 200 up"
verdict "up: no socket errors" "! grep -q 'Socket errors' '$WORK/wrk-up.txt'"
verdict "up: memory levels off (second-half peak within 10% of first-half peak)" \
  "[ $UP_RSS_SECOND_HALF -le \$(( $UP_RSS_FIRST_HALF * 11 / 10 )) ]"
verdict "down: only 502s" "only 502 down"
verdict "down: no socket errors" "! grep -q 'Socket errors' '$WORK/wrk-down.txt'"
verdict "down: fast failures (p99 under 1 s)" "awk '\$1==\"99%\"{v=\$2; exit !((v ~ /us\$/) || (v ~ /[0-9]ms\$/))}' '$WORK/wrk-down.txt'"
verdict "down: a lone request fails fast (under 500 ms)" "[ \$(printf '%.0f' '$SINGLE_MAX_MS') -lt 500 ] && ! grep -qv '^502 ' '$WORK/single-down.txt'"
verdict "after: no pile-up (open fds back within 16 of idle)" "[ $END_FDS -le \$(( $BASE_FDS + 16 )) ]"
echo
echo "samples (phase, s, RSS KiB, fds, sockets on :$QS_PORT, established / TIME-WAIT to :$PROV_PORT):"
awk 'NR % 5 == 1' "$S" | column -t | sed 's/^/  /'
exit "$VERDICT"
