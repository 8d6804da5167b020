//! The realtime example's configuration is safe to copy (issue 19, item
//! 7): a development default never receives a production key, and the
//! start-up warnings are true. Every test captures its thread's log lines.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;
#[path = "../roomauth/tests/support/logs.rs"]
mod logs;

use std::ffi::OsString;

use app::{liveblocks, livekit};
use logs::Logs;

/// A lookup of `vars` alone: the process environment is not read.
fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        vars.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| OsString::from(v))
    }
}

#[test]
fn a_liveblocks_key_never_goes_to_the_dev_server() {
    let (_logs, _guard) = Logs::capture();
    let endpoint = |vars: &[(&str, &str)]| {
        liveblocks::from_lookup_or_dev(lookup(vars))
            .unwrap()
            .endpoint()
            .to_string()
    };
    // Nothing set: the local dev server, with its own key.
    assert!(
        endpoint(&[]).starts_with(liveblocks::DEV_BASE_URL),
        "{}",
        endpoint(&[])
    );
    // The app's key, no URL: Liveblocks itself, not 127.0.0.1:1153.
    let own_key = endpoint(&[("LIVEBLOCKS_SECRET_KEY", "sk_prod_0123456789")]);
    assert!(
        own_key.starts_with(roomauth::liveblocks::DEFAULT_BASE_URL),
        "{own_key}"
    );
    // Both set: where the app says.
    let both = endpoint(&[
        ("LIVEBLOCKS_SECRET_KEY", "sk_prod_0123456789"),
        ("LIVEBLOCKS_BASE_URL", "https://liveblocks.internal.example"),
    ]);
    assert!(
        both.starts_with("https://liveblocks.internal.example"),
        "{both}"
    );
    // An empty key is no key: the dev server.
    let empty = endpoint(&[("LIVEBLOCKS_SECRET_KEY", "")]);
    assert!(empty.starts_with(liveblocks::DEV_BASE_URL), "{empty}");
}

#[test]
fn no_weak_secret_warning_for_a_strong_livekit_secret() {
    let weak = "shorter than 32 bytes";
    let (logs, _guard) = Logs::capture();
    livekit::from_lookup_or_dev(lookup(&[
        ("LIVEKIT_API_KEY", "APIprod"),
        (
            "LIVEKIT_API_SECRET",
            "a-strong-secret-of-forty-four-bytes-or-more!",
        ),
        ("LIVEKIT_URL", "wss://livekit.example"),
    ]))
    .unwrap();
    assert!(!logs.text().contains(weak), "{}", logs.text());

    // Dev mode's own `secret` is warned about, and that is true.
    let (logs, _guard) = Logs::capture();
    livekit::from_lookup_or_dev(lookup(&[])).unwrap();
    assert!(logs.text().contains(weak), "{}", logs.text());
}
