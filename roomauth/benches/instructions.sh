#!/usr/bin/env bash
# Instructions per iteration of the benchmarks (BENCHMARKS.md): a
# figure that, unlike time, other processes on a shared machine do not
# disturb. Each benchmark named (default: the set below) runs twice in
# criterion's profiling mode under valgrind's cachegrind (which counts the
# instructions executed, where this machine has no hardware counters for
# `perf stat`), for SHORT then LONG seconds; the bench prints how many timed
# iterations it ran, and the difference of the two runs' instruction counts
# over the difference of their iterations is the cost of one iteration,
# setup (building the webhooks, checking their answers) cancelled out.
#
#   roomauth/benches/instructions.sh
#   roomauth/benches/instructions.sh 'webhook/stub/room form/hand-written'
#   BENCH=pattern roomauth/benches/instructions.sh
#
# BENCH=webhook (default), pattern, livekit, docservers, pusher or guard: which
# bench, each with its default set of benchmarks. docservers and pusher need
# their features: `cargo bench -p roomauth --features
# axum,hocuspocus,centrifugo,y-sweet --bench docservers --no-run`, `cargo
# bench -p roomauth --features pusher --bench pusher --no-run`.
#
# Needs valgrind (Debian: valgrind) and the bench built in release:
# `cargo bench -p roomauth --bench $BENCH --no-run`. SHORT=1 LONG=4 (seconds
# under valgrind, roughly 50 times slower than native).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHORT="${SHORT:-1}"
LONG="${LONG:-4}"
BENCH="${BENCH:-webhook}"
cd "$ROOT"
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 1; }

# The newest build of the bench (CARGO_TARGET_DIR is honoured).
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$(ls -t "$TARGET"/release/deps/"$BENCH"-* 2>/dev/null | grep -v '\.d$' | head -1 || true)"
[ -n "$BIN" ] && [ -x "$BIN" ] ||
  { echo "build the bench first: cargo bench -p roomauth --bench $BENCH --no-run" >&2; exit 1; }

if [ "$#" -eq 0 ] && [ "$BENCH" = pattern ]; then
  set -- \
    'match_and_bind/1 placeholder/roomauth Pattern::matches' \
    'match_and_bind/1 placeholder/regex captures' \
    'match_and_bind/3 placeholders/roomauth Pattern::matches' \
    'match_and_bind/3 placeholders/regex captures' \
    'dispatch/distinct prefixes/roomauth Dispatcher::lookup/1' \
    'dispatch/distinct prefixes/roomauth Dispatcher::lookup/1000' \
    'dispatch/one shape/roomauth Dispatcher::lookup/1' \
    'dispatch/one shape/roomauth Dispatcher::lookup/1000' \
    'dispatch/shared prefix/roomauth Dispatcher::lookup/1' \
    'dispatch/shared prefix/roomauth Dispatcher::lookup/1000'
elif [ "$#" -eq 0 ] && [ "$BENCH" = livekit ]; then
  set -- 'livekit/endpoint' 'livekit/hs256-sign'
elif [ "$#" -eq 0 ] && [ "$BENCH" = docservers ]; then
  set -- \
    'hocuspocus/endpoint' 'hocuspocus/hmac-check' \
    'centrifugo-subscribe/endpoint' 'centrifugo-subscribe/serde-parse-answer' \
    'centrifugo-token/endpoint' 'centrifugo-token/hs256-sign' \
    'y-sweet/endpoint' 'y-sweet/two-round-trips'
elif [ "$#" -eq 0 ] && [ "$BENCH" = pusher ]; then
  set -- \
    'pusher/private/endpoint' 'pusher/private/hmac-sha256-hex' \
    'pusher/presence/endpoint' 'pusher/presence/hmac-sha256-hex'
elif [ "$#" -eq 0 ] && [ "$BENCH" = guard ]; then
  set -- \
    'guard/join/roomauth' 'guard/join/hand-written' \
    'guard/route/roomauth' 'guard/route/hand-written'
elif [ "$#" -eq 0 ]; then
  set -- \
    'webhook/stub/room form/roomauth #[room_auth]' \
    'webhook/stub/room form/roomauth impl Rule' \
    'webhook/stub/room form/hand-written' \
    'webhook/stub/resources form/roomauth #[room_auth]' \
    'webhook/stub/resources form/roomauth impl Rule' \
    'webhook/stub/resources form/hand-written' \
    'webhook/deny/forbidden/roomauth #[room_auth]' \
    'webhook/deny/forbidden/roomauth impl Rule' \
    'webhook/deny/forbidden/hand-written' \
    'webhook/local/room form/roomauth #[room_auth]' \
    'webhook/local/room form/hand-written' \
    'webhook/local/resources form/roomauth #[room_auth]' \
    'webhook/local/resources form/hand-written' \
    'webhook/phases/authorize resources form/roomauth #[room_auth]' \
    'webhook/phases/authorize resources form/hand-written'
fi

# Prints "<instructions> <iterations>" of one run of $1 for $2 seconds.
count() {
  local log
  log="$(BENCH_PRINT_ITERATIONS=1 valgrind --tool=cachegrind --cache-sim=no \
    --cachegrind-out-file=/dev/null "$BIN" --bench "$1" --profile-time "$2" 2>&1 >/dev/null || true)"
  # The largest count is the bench's own process (criterion runs helpers).
  printf '%s\n' "$log" | awk '
    /I +refs:/ { gsub(",", "", $NF); if ($NF + 0 > ir) ir = $NF + 0 }
    /timed iterations:/ { it = $NF }
    END { print ir + 0, it + 0 }'
}

printf '%-66s %14s\n' benchmark instructions/iter
for name in "$@"; do
  # criterion filters are regular expressions.
  filter="^$(printf '%s' "$name" | sed 's/[][\.*^$(){}+?|#]/\\&/g')\$"
  read -r ir1 it1 < <(count "$filter" "$SHORT")
  read -r ir2 it2 < <(count "$filter" "$LONG")
  awk -v n="$name" -v a="$ir1" -v b="$ir2" -v i="$it1" -v j="$it2" 'BEGIN {
    if (j - i <= 0) { printf "%-66s %14s\n", n, "n/a"; exit }
    printf "%-66s %14.0f\n", n, (b - a) / (j - i) }'
done
