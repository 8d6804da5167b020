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
