#!/usr/bin/env bash
# The compile cost of `#[room_auth]` (BENCHMARKS.md): generates, in a
# temporary directory outside the repository, a workspace with two library
# crates of RULES rules each (default 200),
#
#   annotated/    each rule a `#[room_auth(rooms = "...", session = user)]`
#                 function, as in the quickstart;
#   handwritten/  the same functions, each with a hand-written unit struct
#                 and `impl Rule` (static patterns, boxed future, the same
#                 placeholder parsing and extractor calls as the macro's);
#
# both registering every rule in one `Webhook` (so that every rule is
# compiled to machine code, not just type-checked). It builds both once
# (dependencies included, not timed), then times REPEAT rebuilds of each
# crate alone (`touch src/lib.rs; cargo build -p CRATE`), alternating, and
# prints each time, the medians and the ratio annotated/handwritten.
#
#   examples/compile-cost/gen.sh                 # RULES=200 REPEAT=3 PROFILE=dev
#   RULES=50 PROFILE=release examples/compile-cost/gen.sh
#
# Half of the rules have one placeholder (`p<i>-<id>`), half two
# (`org<i>-<org>-project-<id>`). Incremental compilation is off
# (CARGO_INCREMENTAL=0), so each timed build compiles the whole crate, macro
# expansion included; the dev profile keeps line tables only, which leaves
# less shared code generation and so is the stricter setting for the ratio.
# CARGO_TARGET_DIR is honoured (sharing one saves building the dependencies
# again); KEEP=1 keeps the generated workspace. Needs only the local cargo
# registry cache and crates.io.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RULES="${RULES:-200}"
REPEAT="${REPEAT:-3}"
PROFILE="${PROFILE:-dev}"
KEEP="${KEEP:-0}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/roomauth-compile-cost.XXXXXX")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$WORK/target}"
# Every timed build compiles the whole crate: no incremental cache to reuse.
export CARGO_INCREMENTAL=0

cleanup() {
  if [ "$KEEP" = 1 ]; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

mkdir -p "$WORK/annotated/src" "$WORK/handwritten/src"
cp "$ROOT/Cargo.lock" "$WORK/Cargo.lock"
cat >"$WORK/Cargo.toml" <<EOF
[workspace]
members = ["annotated", "handwritten"]
resolver = "3"

[workspace.dependencies]
roomauth = { path = "$ROOT/roomauth" }
axum = { version = "0.8", default-features = false, features = ["http1", "tokio", "json", "query"] }

[profile.dev]
debug = "line-tables-only"
EOF
for crate in annotated handwritten; do
  cat >"$WORK/$crate/Cargo.toml" <<EOF
[package]
name = "$crate"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
roomauth = { workspace = true }
axum = { workspace = true }
EOF
done

# What both crates share: the app's state and session extractor.
prelude() {
  cat <<'EOF'
#![allow(missing_docs, non_camel_case_types)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use roomauth::Deny;
use roomauth::Webhook;
use roomauth::axum::AxumContext;
use roomauth::provision::Provisioner;
use roomauth::webhook::BuildError;

#[derive(Clone)]
pub struct AppState {
    pub members: Arc<HashMap<String, Vec<u64>>>,
}

impl AppState {
    pub fn is_member(&self, user: &str, id: u64) -> bool {
        self.members.get(user).is_some_and(|projects| projects.contains(&id))
    }
}

pub struct CurrentUser(pub String);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = parts
            .headers
            .get("x-user")
            .and_then(|v| v.to_str().ok())
            .filter(|user| state.members.contains_key(*user));
        match user {
            Some(user) => Ok(CurrentUser(user.to_owned())),
            None => Err(StatusCode::UNAUTHORIZED.into_response()),
        }
    }
}
EOF
}

# The rule function `rule_<i>`, its placeholders and its pattern.
rule_fn() {
  local i="$1"
  if [ $((i % 2)) = 0 ]; then
    cat <<EOF
pub async fn rule_$i(user: CurrentUser, id: u64, State(app): State<AppState>) -> Result<String, Deny> {
    if app.is_member(&user.0, id ^ $i) { Ok(user.0) } else { Err(Deny::Forbidden) }
}
EOF
  else
    cat <<EOF
pub async fn rule_$i(user: CurrentUser, org: String, id: u64, State(app): State<AppState>) -> Result<String, Deny> {
    if org.len() != $i && app.is_member(&user.0, id) { Ok(user.0) } else { Err(Deny::Forbidden) }
}
EOF
  fi
}

pattern_of() {
  if [ $(($1 % 2)) = 0 ]; then echo "p$1-<id>"; else echo "org$1-<org>-project-<id>"; fi
}

webhook_fn() {
  echo
  echo "pub fn webhook(provisioner: impl Provisioner) -> Result<Webhook<AxumContext<AppState>>, BuildError> {"
  echo "    Webhook::builder(provisioner)"
  for ((i = 0; i < RULES; i++)); do
    echo "        .rule(rule_$i {})"
  done
  echo "        .build()"
  echo "}"
}

{
  prelude
  echo "use roomauth::room_auth;"
  for ((i = 0; i < RULES; i++)); do
    echo
    echo "#[room_auth(rooms = \"$(pattern_of "$i")\", session = user)]"
    rule_fn "$i"
  done
  webhook_fn
} >"$WORK/annotated/src/lib.rs"

{
  prelude
  cat <<'EOF'
use std::borrow::Cow;

use roomauth::pattern::{Pattern, Segment};
use roomauth::rule::BoxFuture;
use roomauth::{FromContext, IntoDecision, Refusal, RoomMatch, Rule, UserId};
EOF
  for ((i = 0; i < RULES; i++)); do
    echo
    rule_fn "$i"
    if [ $((i % 2)) = 0 ]; then
      segments="[Segment::Literal(Cow::Borrowed(\"p$i-\")), Segment::Placeholder(Cow::Borrowed(\"id\"))]"
      count=2
      parse='let Some(id) = room.param_at::<u64>(0) else { return Err(Refusal::NoMatch) };'
      call="rule_$i(user, id, state)"
    else
      segments="[Segment::Literal(Cow::Borrowed(\"org$i-\")), Segment::Placeholder(Cow::Borrowed(\"org\")), Segment::Literal(Cow::Borrowed(\"-project-\")), Segment::Placeholder(Cow::Borrowed(\"id\"))]"
      count=4
      parse='let Some(org) = room.param_at::<String>(0) else { return Err(Refusal::NoMatch) };
            let Some(id) = room.param_at::<u64>(1) else { return Err(Refusal::NoMatch) };'
      call="rule_$i(user, org, id, state)"
    fi
    cat <<EOF

pub struct rule_$i {}

impl Rule<AxumContext<AppState>> for rule_$i {
    fn name(&self) -> &'static str {
        "rule_$i"
    }

    fn patterns(&self) -> &[Pattern] {
        static SEGMENTS: [Segment; $count] = $segments;
        static PATTERNS: [Pattern; 1] = [Pattern::from_static("$(pattern_of "$i")", &SEGMENTS)];
        &PATTERNS
    }

    fn authorize<'a>(
        &'a self,
        room: RoomMatch<'a>,
        cx: &'a mut AxumContext<AppState>,
    ) -> BoxFuture<'a, Result<UserId, Refusal<Response>>> {
        Box::pin(async move {
            $parse
            let Ok(user) = CurrentUser::from_context(cx).await else {
                return Err(Refusal::Unauthenticated);
            };
            let state = match State::<AppState>::from_context(cx).await {
                Ok(state) => state,
                Err(rejection) => return Err(Refusal::Rejected(rejection)),
            };
            $call.await.into_decision().map_err(Refusal::Deny)
        })
    }
}
EOF
  done
  webhook_fn
} >"$WORK/handwritten/src/lib.rs"

cd "$WORK"
echo "generated $RULES rules per crate in $WORK (profile $PROFILE, target $CARGO_TARGET_DIR)" >&2
echo "building both once with their dependencies (not timed)..." >&2
cargo build --profile "$PROFILE" --quiet -p annotated -p handwritten

now() { date +%s.%N; }
declare -A TIMES
for ((round = 1; round <= REPEAT; round++)); do
  for crate in annotated handwritten; do
    touch "$crate/src/lib.rs"
    start="$(now)"
    cargo build --profile "$PROFILE" --quiet -p "$crate"
    seconds="$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')"
    TIMES[$crate]="${TIMES[$crate]:-} $seconds"
    echo "round $round: $crate $seconds s (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
annotated="$(echo "${TIMES[annotated]}" | median)"
handwritten="$(echo "${TIMES[handwritten]}" | median)"
echo
echo "compile cost, $RULES rules, profile $PROFILE, median of $REPEAT rebuilds of the crate alone:"
echo "  annotated (#[room_auth]):  ${annotated} s   (runs:${TIMES[annotated]})"
echo "  handwritten (impl Rule):   ${handwritten} s   (runs:${TIMES[handwritten]})"
awk -v a="$annotated" -v h="$handwritten" 'BEGIN { printf "  ratio annotated/handwritten: %.2f (target <= 1.5)\n", a / h }'
