//! The API key never reaches a response, an error or a log line: every
//! upstream failure is provoked with a recognisable key while every log line
//! (at trace level) is captured, then everything is searched for the key.
#![cfg(feature = "axum")]

use std::sync::Arc;

use roomauth::Webhook;
use roomauth::pattern::Pattern;
use roomauth::room::RoomMatch;
use roomauth::room_service::{
    HttpProvisioner, LocalProvisioner, RoomService, SigningKey, SigningKeys,
};
use roomauth::rule::{BoxFuture, Grant, Refusal, Rule};
use roomauth::secret::ApiKey;
use roomauth::webhook::Outcome;

const CANARY_KEY: &str = "sk_CANARY_7f3a9d2e1b";

#[path = "support/logs.rs"]
mod logs;
use logs::Logs;

/// Lets everyone into `room-<n>`.
struct Open(Vec<Pattern>);

impl Rule<()> for Open {
    fn name(&self) -> &'static str {
        "open"
    }
    fn patterns(&self) -> &[Pattern] {
        &self.0
    }
    fn authorize<'a>(
        &'a self,
        _: RoomMatch<'a>,
        _: &'a mut (),
    ) -> BoxFuture<'a, Result<Grant, Refusal<std::convert::Infallible>>> {
        Box::pin(async { Ok(Grant::write("alice")) })
    }
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_key_appears_nowhere() {
    let (captured, _guard) = Logs::capture();

    // Upstreams: a local server with another key (key refused), one answering
    // garbage, one answering 500, and a port where nothing listens.
    let other_key = LocalProvisioner::new(
        ApiKey::new("sk_other"),
        SigningKeys::new(SigningKey::generate().unwrap()),
    );
    let refusing = serve(roomauth::room_service::server::router(Arc::new(other_key))).await;
    let garbage = serve(axum::Router::new().route(
        "/provision",
        axum::routing::post(|| async { "<html>not json</html>" }),
    ))
    .await;
    let failing = serve(axum::Router::new().route(
        "/provision",
        axum::routing::post(|| async { (http::StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
    ))
    .await;
    let closed = format!(
        "http://{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
    );

    let mut everything = String::new();
    for base in [refusing, garbage, failing, closed] {
        let room_service = HttpProvisioner::builder()
            .api_key(ApiKey::new(CANARY_KEY))
            .base_url(base)
            .build()
            .unwrap();
        everything += &format!("{room_service:?}\n");
        let webhook = Webhook::builder(RoomService::new(room_service))
            .rule(Open(vec![Pattern::parse("room-<n>").unwrap()]))
            .build()
            .unwrap();
        match webhook
            .handle(Some("application/json"), br#"{"room":"room-1"}"#, &mut ())
            .await
        {
            Outcome::Reply(reply) => {
                assert!(reply.status.is_server_error(), "{reply:?}");
                everything += &String::from_utf8_lossy(&reply.body);
            }
            Outcome::Rejected(never) => match never {},
        }
    }
    let key = ApiKey::new(CANARY_KEY);
    everything += &format!("{key} {key:?}");
    let logs = captured.text();
    assert!(
        logs.contains("provisioning failed"),
        "the failures were logged: {logs}"
    );
    everything += &logs;
    assert!(
        !everything.contains(CANARY_KEY),
        "the key leaked:\n{everything}"
    );
    assert!(
        !everything.contains("CANARY"),
        "part of the key leaked:\n{everything}"
    );
}

/// Every backend's configuration read from an environment where one
/// variable at a time holds a canary, valid or mangled (a space, a quote,
/// another scheme, credentials in a URL): no configuration error quotes it,
/// and no `Debug` output shows a canary secret.
#[cfg(all(
    feature = "room-service",
    feature = "pusher",
    feature = "livekit",
    feature = "liveblocks",
    feature = "hocuspocus",
    feature = "y-sweet",
    feature = "centrifugo"
))]
#[test]
fn configuration_never_quotes_a_secret() {
    use std::ffi::OsString;

    use roomauth::centrifugo::{CentrifugoPublish, CentrifugoSubscribe, CentrifugoToken};
    use roomauth::hocuspocus::Hocuspocus;
    use roomauth::liveblocks::Liveblocks;
    use roomauth::livekit::LiveKit;
    use roomauth::pusher::Pusher;
    use roomauth::room_service::provisioner_from_lookup;
    use roomauth::y_sweet::YSweet;

    const CANARY: &str = "CANARY_5e1d";
    const MASTER_KEY: &str = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=";
    let values = [
        format!("sk_{CANARY}"),
        format!("sk {CANARY}"),
        format!("\"{CANARY}\""),
        format!("ftp://{CANARY}@host"),
        format!("ys://x@{CANARY}:99999"),
        format!("http://user:{CANARY}@host"),
    ];
    let mut everything = String::new();
    let mut errors = 0;
    // `vars`: (name, a valid value, whether it is a secret).
    type Lookup = Box<dyn Fn(&str) -> Option<OsString>>;
    type Shown = Result<String, String>;
    let mut each = |vars: &[(&'static str, &str, bool)], from_lookup: &dyn Fn(Lookup) -> Shown| {
        for &(name, _, secret) in vars {
            for value in &values {
                let set: Vec<(&'static str, String)> = vars
                    .iter()
                    .map(|&(other, valid, _)| {
                        let value = if other == name {
                            value.clone()
                        } else {
                            valid.to_owned()
                        };
                        (other, value)
                    })
                    .collect();
                let lookup = Box::new(move |asked: &str| {
                    set.iter()
                        .find(|(k, _)| *k == asked)
                        .map(|(_, v)| OsString::from(v))
                });
                match from_lookup(lookup) {
                    Ok(debug) if secret => everything += &debug,
                    Ok(_) => {}
                    Err(error) => {
                        errors += 1;
                        everything += &error;
                    }
                }
                everything.push('\n');
            }
        }
    };
    fn shown<T: std::fmt::Debug, E: std::fmt::Display + std::fmt::Debug>(
        result: Result<T, E>,
    ) -> Result<String, String> {
        result
            .map(|config| format!("{config:?}"))
            .map_err(|err| format!("{err} {err:?}"))
    }
    each(
        &[
            ("ROOMSERVICE_API_KEY", "sk_ok", true),
            ("ROOMSERVICE_URL", "http://127.0.0.1:1", false),
            ("ROOMSERVICE_AUTH_SCHEME", "bearer", false),
        ],
        &|lookup| shown(provisioner_from_lookup(lookup)),
    );
    each(
        &[
            ("PUSHER_APP_KEY", "app-key", false),
            ("PUSHER_APP_SECRET", "app-secret", true),
            ("PUSHER_CLIENT_EVENTS", "off", false),
            ("PUSHER_ENCRYPTION_MASTER_KEY_BASE64", MASTER_KEY, true),
        ],
        &|lookup| shown(Pusher::from_lookup(lookup)),
    );
    each(
        &[
            ("LIVEKIT_API_KEY", "devkey", false),
            ("LIVEKIT_API_SECRET", "secret", true),
            ("LIVEKIT_URL", "ws://127.0.0.1:7880", false),
        ],
        &|lookup| shown(LiveKit::from_lookup(lookup)),
    );
    each(
        &[
            ("LIVEBLOCKS_SECRET_KEY", "sk_ok", true),
            ("LIVEBLOCKS_BASE_URL", "http://127.0.0.1:1153", false),
        ],
        &|lookup| shown(Liveblocks::from_lookup(lookup)),
    );
    each(&[("HOCUSPOCUS_SECRET", "s", true)], &|lookup| {
        shown(Hocuspocus::from_lookup(lookup))
    });
    each(
        &[("Y_SWEET_CONNECTION_STRING", "ys://t@127.0.0.1:8080", true)],
        &|lookup| shown(YSweet::from_lookup(lookup)),
    );
    each(&[("CENTRIFUGO_PROXY_SECRET", "s", true)], &|lookup| {
        shown(CentrifugoSubscribe::from_lookup(lookup))
    });
    each(&[("CENTRIFUGO_PROXY_SECRET", "s", true)], &|lookup| {
        shown(CentrifugoPublish::from_lookup(lookup))
    });
    each(
        &[
            (
                "CENTRIFUGO_CLIENT_SUBSCRIPTION_TOKEN_HMAC_SECRET_KEY",
                "s",
                true,
            ),
            ("CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY", "s", true),
        ],
        &|lookup| shown(CentrifugoToken::from_lookup(lookup)),
    );
    assert!(
        errors >= 20,
        "the mangled values are refused ({errors}): {everything}"
    );
    assert!(
        !everything.contains(CANARY),
        "a secret is quoted:\n{everything}"
    );
}
