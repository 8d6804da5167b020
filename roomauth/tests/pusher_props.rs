//! No signature is ever issued for a channel the rules do not grant
//! (issue 11, item 9): generated `socket_id`s and channel names, with
//! format injections (`1234.5678:private-other`), stacked and look-alike
//! prefixes, non-canonical room parameters and characters just outside the
//! protocol's charset, sent as pusher-js sends them (a form body) to the
//! Pusher backend with a small rule set, in process.
//!
//! The property: the answer is a 200 exactly when the socket id is
//! `^\d+\.\d+$` and the channel is one the rules grant, every other answer
//! is a 4xx without `auth`; and a 200's `auth` is the app key and the
//! HMAC-SHA256 of exactly `<socket_id>:<channel_name>[:<channel_data>]` of
//! the request, recomputed here independently.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, KeyInit, Mac};
use http::StatusCode;
use http::request::Parts;
use proptest::prelude::*;
use roomauth::axum::AxumContext;
use roomauth::pusher::{ClientEvents, MasterKey, Pusher};
use roomauth::rule::{Access, Grant};
use roomauth::{Deny, Webhook, room_auth, rules};
use serde_json::{Value, json};
use sha2::Sha256;

#[path = "../benches/support/answer.rs"]
mod answer;
use answer::in_process;

const APP_KEY: &str = "props-key";
const APP_SECRET: &str = "props-secret";

/// The rooms the rules below grant to alice; every other room is refused.
const GRANTED_ROOMS: [&str; 3] = ["project-1", "project-2", "team-red"];
/// The prefixes that make a channel one to authorize.
const PREFIXES: [&str; 3] = ["private-", "presence-", "private-encrypted-"];

#[derive(Clone)]
struct AppState {
    projects: Arc<HashMap<u64, Access>>,
}

struct CurrentUser(String);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        parts
            .headers
            .get(http::header::COOKIE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("session="))
            .filter(|user| *user == "alice")
            .map(|user| CurrentUser(user.to_owned()))
            .ok_or_else(|| StatusCode::UNAUTHORIZED.into_response())
    }
}

/// alice may join projects 1 (write) and 2 (read).
#[room_auth(rooms = "project-<id>", session = user)]
async fn project_rooms(
    user: CurrentUser,
    id: u64,
    State(app): State<AppState>,
) -> Result<Grant, Deny> {
    match app.projects.get(&id) {
        Some(access) => Ok(Grant::new(user.0, *access).with_info(json!({ "name": "Alice" }))),
        None => Err(Deny::Forbidden),
    }
}

/// alice may join the red team only: a `String` parameter, compared exactly.
#[room_auth(rooms = "team-<name>", session = user)]
async fn team_rooms(user: CurrentUser, name: String) -> Result<Grant, Deny> {
    if name == "red" {
        Ok(Grant::new(user.0, Access::Write))
    } else {
        Err(Deny::Forbidden)
    }
}

type PusherWebhook = Webhook<AxumContext<AppState>, Pusher>;

struct Fixture {
    webhook: PusherWebhook,
    state: AppState,
    parts: Parts,
    runtime: tokio::runtime::Runtime,
}

fn fixture() -> Fixture {
    let pusher = Pusher::builder()
        .app_key(APP_KEY)
        .app_secret(APP_SECRET)
        .client_events(ClientEvents::Off)
        .encryption_master_key(MasterKey::new([7; MasterKey::LEN]))
        .build()
        .expect("Pusher config");
    let webhook: PusherWebhook = Webhook::builder(pusher)
        .rules(rules![project_rooms, team_rooms])
        .same_site_only()
        .build()
        .expect("rules build");
    let (parts, ()) = http::Request::builder()
        .method("POST")
        .uri("/pusher/auth")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", "session=alice")
        .body(())
        .expect("a request")
        .into_parts();
    Fixture {
        webhook,
        state: AppState {
            projects: Arc::new(HashMap::from([(1, Access::Write), (2, Access::Read)])),
        },
        parts,
        runtime: tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime"),
    }
}

/// The oracle, written from the protocol and the rules above, not from
/// roomauth's code: a socket id of ASCII digits, a dot, ASCII digits (at
/// most 64 bytes), and a channel that is a prefix plus a granted room.
fn should_sign(socket_id: &str, channel: &str) -> bool {
    let socket_ok = socket_id.len() <= 64
        && socket_id.split_once('.').is_some_and(|(a, b)| {
            [a, b]
                .iter()
                .all(|s| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
        });
    let channel_ok = PREFIXES.iter().any(|prefix| {
        channel
            .strip_prefix(prefix)
            .is_some_and(|room| GRANTED_ROOMS.contains(&room))
    });
    socket_ok && channel_ok
}

fn hmac_hex(message: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Socket ids: valid ones, and the ways a hostile client bends them.
fn socket_id() -> impl Strategy<Value = String> {
    let valid = "[0-9]{1,10}\\.[0-9]{1,10}";
    prop_oneof![
        4 => valid.prop_map(String::from),
        // The format injection: the signed string would cover another channel.
        2 => (valid, channel_name()).prop_map(|(id, channel)| format!("{id}:{channel}")),
        1 => (valid, prop::sample::select(vec![
            " ", "\n", "\0", ":", "::user::", ".1", "\u{200b}", "\u{feff}", "%3A", "-", "+",
        ]), any::<bool>())
            .prop_map(|(id, noise, front)| if front { format!("{noise}{id}") } else { format!("{id}{noise}") }),
        // Digits of other scripts, and a fullwidth dot.
        1 => "[0-9٠-٩０-９]{1,4}[.．][0-9٠-٩]{1,4}",
        1 => "[0-9]{0,3}\\.?[0-9]{0,3}",
        1 => "[0-9]{30,40}\\.[0-9]{30,40}",
        1 => "[0-9a-z.:\\- ]{0,16}",
    ]
}

/// Rooms: granted ones, their near misses, and arbitrary text.
fn room() -> impl Strategy<Value = String> {
    let named = prop::sample::select(vec![
        "project-1",
        "project-2",
        "team-red",
        "project-3",
        "project-01",
        "project-+1",
        "project--1",
        "project-1.0",
        "project-",
        "project",
        "team-",
        "team-Red",
        "team-red2",
        "team-redd",
        "Project-1",
        "project-18446744073709551617",
        "private-project-1",
        "presence-project-1",
        "encrypted-project-1",
        "project-１",
        "project-1\u{200b}",
        "project-1:private-project-3",
    ])
    .prop_map(String::from);
    let suffix = prop::sample::select(vec![
        "",
        ":private-project-3",
        ";",
        ",",
        "=",
        "@",
        ".",
        " ",
        "\n",
        "\0",
        "\u{200b}",
        "\u{202e}",
        "%00",
        "é",
        "/",
        ":",
    ]);
    prop_oneof![
        // Granted often enough that a run has many signatures to check.
        3 => prop::sample::select(GRANTED_ROOMS.to_vec()).prop_map(String::from),
        4 => named.clone(),
        2 => (named, suffix).prop_map(|(room, suffix)| format!("{room}{suffix}")),
        1 => "[A-Za-z0-9_\\-=@,.;:]{0,16}",
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
        1 => "[a-z]{190,200}",
    ]
}

/// Channel names: a prefix (real, doubled, misspelt or none) and a room.
fn channel_name() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        3 => prop::sample::select(PREFIXES.to_vec()),
        2 => prop::sample::select(vec![
        "", "public-", "Private-", "PRESENCE-",
        "private", "private-private-", "presence-private-", "private-presence-",
        "private-encrypted-private-", " private-", "private_", "private-\u{200b}",
    ]),
    ];
    (prefix, room()).prop_map(|(prefix, room)| format!("{prefix}{room}"))
}

/// Checks one request against the property.
fn check(fx: &Fixture, socket_id: &str, channel: &str) -> Result<(), TestCaseError> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("socket_id", socket_id)
        .append_pair("channel_name", channel)
        .finish();
    let (status, answer) = fx.runtime.block_on(in_process(
        &fx.webhook,
        &fx.state,
        &fx.parts,
        body.as_bytes(),
    ));
    let text = String::from_utf8_lossy(&answer);
    let json: Value = serde_json::from_slice(&answer)
        .map_err(|e| TestCaseError::fail(format!("not JSON ({e}): {text}")))?;
    if !should_sign(socket_id, channel) {
        prop_assert!(
            status.is_client_error(),
            "{socket_id:?} {channel:?}: {status} {text}"
        );
        prop_assert!(
            json.get("auth").is_none(),
            "a signature for {socket_id:?} {channel:?}: {text}"
        );
        prop_assert!(
            json.get("error").is_some_and(Value::is_string),
            "no error message: {text}"
        );
        return Ok(());
    }
    prop_assert_eq!(
        status,
        StatusCode::OK,
        "{:?} {:?}: {}",
        socket_id,
        channel,
        text
    );
    let auth = json["auth"].as_str().expect("auth is a string");
    let channel_data = json.get("channel_data").and_then(Value::as_str);
    let presence = channel.starts_with("presence-");
    prop_assert_eq!(channel_data.is_some(), presence, "{}", text);
    prop_assert_eq!(
        json.get("shared_secret").is_some(),
        channel.starts_with("private-encrypted-"),
        "{}",
        text
    );
    let signed = match channel_data {
        Some(data) => {
            let member: Value = serde_json::from_str(data).expect("channel_data is JSON");
            prop_assert_eq!(&member["user_id"], "alice");
            format!("{socket_id}:{channel}:{data}")
        }
        None => format!("{socket_id}:{channel}"),
    };
    prop_assert_eq!(auth, format!("{APP_KEY}:{}", hmac_hex(&signed)));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn signs_only_granted_channels(socket_id in socket_id(), channel in channel_name()) {
        thread_local!(static FIXTURE: Fixture = fixture());
        FIXTURE.with(|fx| check(fx, &socket_id, &channel))?;
    }
}

/// The generators reach both sides of the property: every granted channel
/// of every kind signs, and its injected and look-alike variants do not.
#[test]
fn the_oracle_agrees_on_known_cases() {
    let fx = fixture();
    for prefix in PREFIXES {
        for room in GRANTED_ROOMS {
            let channel = format!("{prefix}{room}");
            assert!(should_sign("1234.5678", &channel));
            check(&fx, "1234.5678", &channel).unwrap();
        }
    }
    for (socket_id, channel) in [
        ("1234.5678:private-project-3", "private-project-1"),
        ("1234.5678", "private-project-1:private-project-3"),
        ("1234.5678", "private-project-3"),
        ("1234.5678", "private-project-01"),
        ("1234.5678", "private-private-project-1"),
        ("1234.5678", "presence-team-Red"),
        ("1234.5678", "project-1"),
        ("1234.5678", "private-"),
        ("١٢٣٤.٥٦٧٨", "private-project-1"),
        (" 1234.5678", "private-project-1"),
    ] {
        assert!(!should_sign(socket_id, channel));
        check(&fx, socket_id, channel).unwrap();
    }
}
