# What the load comparisons (run.sh, livekit.sh, liveblocks.sh) share, on
# top of examples/lib.sh: their settings, CPU pinning, logging in, CPU time
# per request, running wrk with a mix (*.lua here) and the medians.
#
#   ROOT=...; SERVERS="${SERVERS:-a b}"; NAME=load-x
#   source "$ROOT/examples/load/common.sh"
#
# Reads the settings DURATION WARMUP CONNECTIONS THREADS ROUNDS PIN LOG BUILD
# CARGO_TARGET_DIR (defaults in each script's header), sources
# examples/lib.sh, checks the tools and defines HERE, TARGET, SERVER_CPU and
# CLIENT_CPU (taskset prefixes, empty unless PIN=1), RESULTS (a file for
# one line per run), CLK_TCK, build_release, npm_ci, login, status_of,
# cpu_ticks, us_per_request, warm_up, measure, round_order, run_rounds and
# AWK_ROUNDS.

HERE="$ROOT/examples/load"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
ROUNDS="${ROUNDS:-1}"
PIN="${PIN:-0}"
LOG="${LOG:-warn}"
BUILD="${BUILD:-1}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

# shellcheck source=../lib.sh
source "$ROOT/examples/lib.sh"

need wrk curl node npm cargo awk -- "wrk: apt-get install -y wrk"
if [ "$PIN" = 1 ]; then
  command -v taskset >/dev/null || die "PIN=1 needs taskset (util-linux)"
  SERVER_CPU=(taskset -c 0)
  CLIENT_CPU=(taskset -c 1)
else
  SERVER_CPU=()
  CLIENT_CPU=()
fi

export RUST_LOG="$LOG"
RESULTS="$WORK/results"
: >"$RESULTS"

# build_release CARGO_BUILD_ARGS...: `cargo build --release` into TARGET,
# unless BUILD=0.
build_release() {
  [ "$BUILD" = 1 ] || return 0
  log "building (release) $* into $TARGET"
  (cd "$ROOT" && CARGO_TARGET_DIR="$TARGET" timeout 3600 cargo build --release --quiet "$@")
}

# npm_ci DIR: npm ci in DIR unless its node_modules was installed from its
# lockfile by this Node (the stamp the tests' `roomauth_suite::tools::npm_project`
# writes too).
npm_ci() {
  local dir="$1"
  npm_stamp() { cat "$dir/package-lock.json"; printf '\nnode '; node --version; }
  if ! cmp -s <(npm_stamp) "$dir/node_modules/.roomauth-installed"; then
    log "installing the packages of $dir (npm ci)"
    (cd "$dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
    npm_stamp >"$dir/node_modules/.roomauth-installed"
  fi
}

# status_of URL COOKIE BODY: the status of one JSON POST, COOKIE (`session=...`)
# sent unless empty.
status_of() {
  curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    ${2:+-H "Cookie: $2"} -d "$3" "$1"
}

# Logs in as $2 on the app at $1; prints the `session=...` cookie.
login() {
  local cookie
  cookie="$(curl -sS --max-time 5 -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"user\":\"$2\"}" "$1/login" | tr -d '\r' |
    awk -F'[:;] *' 'tolower($1) == "set-cookie" && $2 ~ /^session=/ { print $2; exit }')"
  [ -n "$cookie" ] || die "no session cookie from $1/login for $2"
  printf '%s' "$cookie"
}

# User + system CPU time of a process, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
CLK_TCK="$(getconf CLK_TCK)"

# us_per_request TICKS: TICKS of CPU time over the REQUESTS of the last
# measure, in microseconds: unlike requests/s, hardly moved by other
# processes.
us_per_request() {
  awk -v s="$1" -v n="$REQUESTS" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", s * 1e6 / hz / n }'
}

# mix_wrk SECONDS LUA BASE ALICE BOB [VAR=VALUE...]: wrk with the mix LUA
# (a file here) for SECONDS against BASE, as alice and bob, with VAR=VALUE
# in its environment.
mix_wrk() {
  local duration="$1" script="$2" base="$3" alice="$4" bob="$5"
  shift 5
  env "$@" ALICE_COOKIE="$alice" BOB_COOKIE="$bob" CONNECTIONS="$CONNECTIONS" timeout 300 \
    "${CLIENT_CPU[@]}" wrk -t "$THREADS" -c "$CONNECTIONS" --timeout 5s -s "$HERE/$script" \
    -d "$duration" "$base"
}

# warm_up LUA BASE ALICE BOB [VAR=VALUE...]: WARMUP of the mix, discarded.
warm_up() { mix_wrk "$WARMUP" "$@" >/dev/null; }

# measure LUA BASE ALICE BOB [VAR=VALUE...]: DURATION of the mix; sets
# RESULT (the key=value... of the RESULT line wrk printed) and REQUESTS.
measure() {
  mix_wrk "$DURATION" "$@" >"$WORK/wrk.out"
  RESULT="$(grep '^RESULT ' "$WORK/wrk.out" | tail -1)"
  [ -n "$RESULT" ] || { cat "$WORK/wrk.out" >&2; die "wrk printed no result against $2"; }
  RESULT="${RESULT#RESULT }"
  REQUESTS="$(printf '%s' "$RESULT" | grep -o 'requests=[0-9]*' | cut -d= -f2)"
}

# round_order ROUND: SERVERS in their order for odd rounds, reversed for
# even ones, so that the machine's drifting load favours neither side.
round_order() {
  if [ $(($1 % 2)) = 0 ]; then printf '%s\n' $SERVERS | tac | tr '\n' ' '; else printf '%s' "$SERVERS"; fi
}

# run_rounds: run_server SERVER ROUND (the script's) for every server of
# every round, in round_order.
run_rounds() {
  local round server
  for round in $(seq "$ROUNDS"); do
    for server in $(round_order "$round"); do
      run_server "$server" "$round"
    done
  done
}

# The start of the summaries' awk programs, over the lines of RESULTS:
# median(list) of a space-separated list, and for each line its fields in
# f, its server in s, and per server the lists rps, p50, p99 and scpu
# (server_cpu_us) and the sums errors and requests.
AWK_ROUNDS='
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    s = f["server"]
    rps[s] = rps[s] " " f["rps"]; p50[s] = p50[s] " " f["p50_ms"]; p99[s] = p99[s] " " f["p99_ms"]
    errors[s] += f["errors"]; requests[s] += f["requests"]; scpu[s] = scpu[s] " " f["server_cpu_us"]
  }'

# measure_server LUA SERVER ROUND BASE PID ALICE BOB: warms SERVER (process
# PID, at BASE) up with the mix of LUA, measures it, records its result with
# the server's CPU per request in $RESULTS, and stops it.
measure_server() {
  local lua="$1" server="$2" round="$3" base="$4" pid="$5" alice="$6" bob="$7" ticks
  log "$server (round $round): $base, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  warm_up "$lua" "$base" "$alice" "$bob"
  ticks="$(cpu_ticks "$pid")"
  measure "$lua" "$base" "$alice" "$bob"
  ticks=$(($(cpu_ticks "$pid") - ticks))
  echo "server=$server round=$round $RESULT server_cpu_us=$(us_per_request "$ticks")" |
    tee -a "$RESULTS" >&2
  stop "$pid"
}

# summarize_against_express: each server's medians over the rounds in
# $RESULTS, and roomauth's ratios to the Express baseline.
summarize_against_express() {
  awk -v servers="$SERVERS" "$AWK_ROUNDS"'
    END {
      printf "%-12s %11s %9s %9s %9s %7s %14s\n", "server", "requests/s", "p50 ms", "p99 ms", "requests", "errors", "server us/req"
      n = split(servers, names, " ")
      for (k = 1; k <= n; k++) {
        s = names[k]
        if (!(s in rps)) continue
        R[s] = median(rps[s]); P50[s] = median(p50[s]); P99[s] = median(p99[s]); S[s] = median(scpu[s])
        printf "%-12s %11.0f %9.3f %9.3f %9d %7d %14.1f\n", s, R[s], P50[s], P99[s], requests[s], errors[s], S[s]
      }
      if (("roomauth" in R) && ("express" in R))
        printf "roomauth/express requests/s x%.2f, p50 x%.2f, p99 x%.2f, server CPU per request x%.2f\n", R["roomauth"] / R["express"], P50["roomauth"] / P50["express"], P99["roomauth"] / P99["express"], S["roomauth"] / S["express"]
    }' "$RESULTS"
}
