# Shared plumbing of the load and soak scripts (examples/load/run.sh,
# examples/soak/run.sh): a work directory, logging, starting servers that
# announce their address, and stopping everything started, on any exit.
#
#   NAME=load
#   source "$ROOT/examples/lib.sh"
#
# Defines WORK (a temporary directory, removed on exit), PIDS (the processes
# to stop on exit), log, die, need, start and stop, and installs the traps.

WORK="$(mktemp -d "${TMPDIR:-/tmp}/roomauth-$NAME.XXXXXX")"
PIDS=()

log() { printf '[%s] %s\n' "$NAME" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# need TOOL... [-- HINT]: dies naming the first tool missing.
need() {
  local hint=""
  local tools=()
  while [ "$#" -gt 0 ]; do
    if [ "$1" = -- ]; then hint=" ($2)"; break; fi
    tools+=("$1")
    shift
  done
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || die "$tool is missing$hint"
  done
}

# stop PID: TERM, up to 5 s to exit, then KILL.
stop() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# start NAME COMMAND...: runs COMMAND in the background, its output in
# $WORK/NAME.log and $WORK/NAME.err, and waits (30 s at most) for the
# ` on http://127.0.0.1:PORT` it announces on stdout. Sets STARTED_PID and
# STARTED_ADDR (http://127.0.0.1:PORT).
start() {
  local name="$1"
  shift
  "$@" >"$WORK/$name.log" 2>"$WORK/$name.err" &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  STARTED_ADDR=""
  for _ in $(seq 300); do
    # The announcement, not a log line naming another URL.
    STARTED_ADDR="$(grep -o -m1 ' on http://127\.0\.0\.1:[0-9]*' "$WORK/$name.log" 2>/dev/null |
      grep -o 'http://.*' || true)"
    [ -n "$STARTED_ADDR" ] && return 0
    kill -0 "$STARTED_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/$name.err" >&2 || true
  die "$name did not start"
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # `${PIDS[@]+...}`: an empty array is an unbound variable to bash < 4.4.
  for pid in ${PIDS[@]+"${PIDS[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in ${PIDS[@]+"${PIDS[@]}"}; do stop "$pid"; done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
