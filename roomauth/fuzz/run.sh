#!/usr/bin/env bash
# Fuzzes roomauth's pattern compiler, matcher and webhook body parser:
#
#   roomauth/fuzz/run.sh SECONDS [TARGET...]
#
# Targets (default: all): pattern_parse, pattern_match, webhook_body; their
# properties are in src/oracles.rs (CI checks the same ones, briefly, in
# tests/hardening_props.rs).
#
# Each target runs for SECONDS with each of:
#
# - libFuzzer (coverage-guided, AddressSanitizer), through cargo-fuzz
#   (`cargo install cargo-fuzz`). cargo-fuzz passes nightly-only `-Z`
#   flags; with the stable toolchain this script sets RUSTC_BOOTSTRAP=1,
#   which lets stable rustc accept them (works with Rust 1.95; the first
#   build takes minutes). Corpora grow in corpus/<target>, crashes land in
#   artifacts/<target>.
# - the stable driver (src/bin/stable_fuzz.rs): mutated and random inputs,
#   no coverage, no C++; always available.
#
# MODE=both (default) | libfuzzer | stable. Without cargo-fuzz, `both` runs
# the stable driver only, and says so. FUZZ_TARGET_DIR sets where the fuzz
# builds go (default: roomauth/fuzz/target). Exits non-zero when a property
# fails or a sanitizer fires. Prints the executions of every run.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
SECONDS_EACH="${1:-}"
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || { echo "usage: $0 SECONDS [pattern_parse|pattern_match|webhook_body]..." >&2; exit 2; }
shift
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(pattern_parse pattern_match webhook_body)
MODE="${MODE:-both}"
TARGET_DIR="${FUZZ_TARGET_DIR:-$HERE/target}"
STABLE_DIR="$TARGET_DIR/stable"

log() { printf '[fuzz] %s\n' "$*" >&2; }

HAVE_CARGO_FUZZ=0
if cargo fuzz --version >/dev/null 2>&1; then HAVE_CARGO_FUZZ=1; fi
if [ "$MODE" = libfuzzer ] && [ "$HAVE_CARGO_FUZZ" = 0 ]; then
  log "cargo-fuzz is not installed (cargo install cargo-fuzz): running the stable driver instead"
  MODE=stable
fi
if [ "$MODE" = both ] && [ "$HAVE_CARGO_FUZZ" = 0 ]; then
  log "cargo-fuzz is not installed (cargo install cargo-fuzz): the stable driver only"
  MODE=stable
fi

log "building the stable driver"
CARGO_TARGET_DIR="$STABLE_DIR" cargo build --quiet --release --no-default-features --bin stable_fuzz
STABLE="$STABLE_DIR/release/stable_fuzz"
"$STABLE" --write-seeds "$HERE/corpus"

SUMMARY=()
STATUS=0

if [ "$MODE" = both ] || [ "$MODE" = libfuzzer ]; then
  export RUSTC_BOOTSTRAP=1
  for target in "${TARGETS[@]}"; do
    log "libFuzzer: $target: building (cargo fuzz build, RUSTC_BOOTSTRAP=1)"
    cargo fuzz build --target-dir "$TARGET_DIR" "$target" 2>&1 | grep -E '^(error|warning)' -A5 >&2 || true
    log "libFuzzer: $target for ${SECONDS_EACH}s"
    out="$(mktemp)"
    if cargo fuzz run --target-dir "$TARGET_DIR" "$target" "corpus/$target" -- \
        -max_total_time="$SECONDS_EACH" -max_len=4096 -dict="corpus/$target.dict" -print_final_stats=1 \
        >"$out" 2>&1; then
      result=ok
    else
      result=FAILED; STATUS=1
      tail -40 "$out" >&2
    fi
    execs="$(awk '/stat::number_of_executed_units/{print $2}' "$out")"
    rate="$(awk '/stat::average_exec_per_sec/{print $2}' "$out")"
    cov="$(grep -o 'cov: [0-9]*' "$out" | tail -1 | awk '{print $2}')"
    SUMMARY+=("libFuzzer  $target: ${execs:-?} executions (${rate:-?}/s), coverage ${cov:-?} edges: $result")
    rm -f "$out"
  done
fi

for target in "${TARGETS[@]}"; do
  log "stable driver: $target for ${SECONDS_EACH}s"
  if line="$("$STABLE" "$SECONDS_EACH" "$target" | grep "^stable_fuzz: $target")"; then
    SUMMARY+=("stable     ${line#stable_fuzz: }: ok")
  else
    SUMMARY+=("stable     $target: FAILED (see artifacts/)"); STATUS=1
  fi
done

echo
echo "== fuzzing, ${SECONDS_EACH}s per target and engine =="
printf '%s\n' "${SUMMARY[@]}"
exit "$STATUS"
