//! The proxies' JSON, from Centrifugo's `proxy.proto` (`SubscribeRequest`,
//! `SubscribeResponse`, `PublishRequest`, `PublishResponse`) in its JSON
//! encoding, where `bytes` fields such as `data`, `meta` and `info` are
//! embedded JSON.

use serde::{Deserialize, Serialize};

/// What Centrifugo posts for each subscription to a channel with the
/// subscribe proxy on. roomauth reads `channel` and `user`; the rest
/// (`data`, `meta`, `b64data`, …) is accepted and ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubscribeRequest {
    /// Centrifugo's id of the client connection.
    #[serde(default)]
    pub client: String,
    /// `websocket`, `http_stream`, `sse`, …
    #[serde(default)]
    pub transport: String,
    /// `json` or `protobuf`.
    #[serde(default)]
    pub protocol: String,
    /// `json` or `binary`.
    #[serde(default)]
    pub encoding: String,
    /// The connection's user, as Centrifugo authenticated it (connect token
    /// or connect proxy); empty for an anonymous connection.
    #[serde(default)]
    pub user: String,
    /// The channel the client subscribes to.
    pub channel: String,
}

/// What Centrifugo posts for each publication to a channel with the
/// publish proxy on: the fields of [`SubscribeRequest`] plus the
/// publication (`data`, or `b64data` with binary encoding), which roomauth
/// accepts and does not read: the rules decide who may publish, not what.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PublishRequest {
    /// Centrifugo's id of the client connection.
    #[serde(default)]
    pub client: String,
    /// The connection's user; empty for an anonymous connection.
    #[serde(default)]
    pub user: String,
    /// The channel the client publishes to.
    pub channel: String,
}

/// A proxy's answer: exactly one of `result`, `error`, with HTTP 200
/// (Centrifugo turns any other status into a temporary internal error, and
/// the client would retry forever). `R` is the proxy's result:
/// [`SubscribeResult`] or [`PublishResult`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProxyAnswer<R> {
    /// Allowed: `{"result": {...}}`.
    Result(R),
    /// Refused: `{"error": {"code": 403, "message": "permission denied", "temporary": false}}`.
    Error(ProxyError),
}

/// The subscribe proxy's answer (`SubscribeResponse`).
pub type SubscribeAnswer = ProxyAnswer<SubscribeResult>;

/// The publish proxy's answer (`PublishResponse`).
pub type PublishAnswer = ProxyAnswer<PublishResult>;

/// `SubscribeResult`: what roomauth sets of it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SubscribeResult {
    /// The grant's user info: the subscriber's channel info (presence,
    /// join/leave, publications).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<serde_json::Value>,
    /// When the subscription expires (Unix seconds) unless the sub-refresh
    /// proxy extends it; none: it lasts as long as the connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_at: Option<u64>,
}

/// The sub-refresh proxy's answer (`SubRefreshResponse`), HTTP 200 like the
/// subscribe proxy's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubRefreshAnswer {
    /// Extended (`{"result": {"expire_at": .., "info": ..}}`) or ended
    /// (`{"result": {"expired": true}}`).
    Result(SubRefreshResult),
    /// The rule failed: `{"error": {"code": 500, .., "temporary": true}}`.
    Error(ProxyError),
}

/// `SubRefreshResult`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SubRefreshResult {
    /// `true`: the subscription ends now (the client gets `unsubscribed`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
    /// The new expiry (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_at: Option<u64>,
    /// The grant's user info, replacing the subscriber's channel info.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<serde_json::Value>,
}

impl SubRefreshAnswer {
    /// Still allowed: extended until `expire_at`, with the grant's info.
    pub fn extended(expire_at: u64, info: Option<serde_json::Value>) -> SubRefreshAnswer {
        SubRefreshAnswer::Result(SubRefreshResult {
            expired: false,
            expire_at: Some(expire_at),
            info,
        })
    }

    /// No longer allowed (or no session): `{"result": {"expired": true}}`.
    pub fn expired() -> SubRefreshAnswer {
        SubRefreshAnswer::Result(SubRefreshResult {
            expired: true,
            ..SubRefreshResult::default()
        })
    }
}

/// `PublishResult`: empty, so that Centrifugo publishes the client's data
/// unchanged (`{"result": {}}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublishResult {}

/// `Error`: the code the client's `unsubscribed` event (or its failed
/// publish call) carries. Codes in `[400, 1999]` are the app's
/// (Centrifugo's own are below 400).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyError {
    /// The code.
    pub code: u32,
    /// A short message for the client.
    pub message: String,
    /// `true`: the client tries again later; `false`: it does not.
    pub temporary: bool,
}

impl ProxyError {
    /// An error with this code, message and retry flag.
    pub fn new(code: u32, message: &str, temporary: bool) -> ProxyError {
        ProxyError {
            code,
            message: message.to_owned(),
            temporary,
        }
    }
}

impl SubscribeAnswer {
    /// Allowed, with the grant's user info.
    pub fn subscribed(info: Option<serde_json::Value>) -> SubscribeAnswer {
        ProxyAnswer::Result(SubscribeResult {
            info,
            expire_at: None,
        })
    }

    /// Allowed until `expire_at` (Unix seconds): Centrifugo then asks the
    /// sub-refresh proxy again.
    pub fn subscribed_until(info: Option<serde_json::Value>, expire_at: u64) -> SubscribeAnswer {
        ProxyAnswer::Result(SubscribeResult {
            info,
            expire_at: Some(expire_at),
        })
    }
}

impl PublishAnswer {
    /// Allowed: Centrifugo publishes the client's data as sent.
    pub fn published() -> PublishAnswer {
        ProxyAnswer::Result(PublishResult {})
    }

    /// A read grant: the user may be in the channel, not publish to it.
    /// `{"error": {"code": 403, "message": "permission denied: read-only", "temporary": false}}`.
    pub fn read_only() -> PublishAnswer {
        ProxyAnswer::error(403, "permission denied: read-only", false)
    }
}

impl<R: Serialize> ProxyAnswer<R> {
    /// The rules refused (or no rule answers for the channel: the same answer).
    pub fn permission_denied() -> ProxyAnswer<R> {
        ProxyAnswer::error(403, "permission denied", false)
    }

    /// The forwarded cookie carries no session (not logged in, or expired):
    /// `{"error": {"code": 401, "message": "unauthorized", "temporary": false}}`.
    /// The client stays refused until the app tries again after a new
    /// login.
    pub fn unauthorized() -> ProxyAnswer<R> {
        ProxyAnswer::error(401, "unauthorized", false)
    }

    /// The app's rule failed (the cause is logged): temporary, the client
    /// tries again with backoff.
    pub fn internal() -> ProxyAnswer<R> {
        ProxyAnswer::error(500, "internal error", true)
    }

    fn error(code: u32, message: &str, temporary: bool) -> ProxyAnswer<R> {
        ProxyAnswer::Error(ProxyError::new(code, message, temporary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The request of Centrifugo's proxy docs, with `meta` and `data`.
    const REQUEST: &str = r#"{"client":"9336a229-2400-4ebc-8c50-0a643d22e8a0","transport":"websocket","protocol":"json","encoding":"json","user":"56","channel":"project:1","token":"","data":{"optional":"client data"},"meta":{"k":1}}"#;

    #[test]
    fn parses_the_proxy_request() {
        let request: SubscribeRequest = serde_json::from_str(REQUEST).expect("parses");
        assert_eq!(request.user, "56");
        assert_eq!(request.channel, "project:1");
        assert_eq!(request.transport, "websocket");
        // Binary encoding sends b64data; an anonymous connection has no user.
        let request: SubscribeRequest =
            serde_json::from_str(r#"{"client":"c","channel":"news","b64data":"e30="}"#)
                .expect("parses");
        assert_eq!(request.user, "");
        assert!(serde_json::from_str::<SubscribeRequest>(r#"{"user":"56"}"#).is_err());
    }

    #[test]
    fn answers_in_the_proxy_shape() {
        let answer = |a: SubscribeAnswer| -> serde_json::Value {
            serde_json::from_slice(&crate::reply::Reply::json(&a).body).expect("json")
        };
        assert_eq!(
            answer(SubscribeAnswer::subscribed(Some(json!({"name": "Alice"})))),
            json!({"result": {"info": {"name": "Alice"}}})
        );
        assert_eq!(
            answer(SubscribeAnswer::subscribed(None)),
            json!({"result": {}})
        );
        assert_eq!(
            answer(SubscribeAnswer::permission_denied()),
            json!({"error": {"code": 403, "message": "permission denied", "temporary": false}})
        );
        assert_eq!(
            answer(SubscribeAnswer::unauthorized()),
            json!({"error": {"code": 401, "message": "unauthorized", "temporary": false}})
        );
        assert_eq!(
            answer(SubscribeAnswer::internal()),
            json!({"error": {"code": 500, "message": "internal error", "temporary": true}})
        );
        assert_eq!(
            answer(SubscribeAnswer::subscribed_until(None, 1_765_436_268)),
            json!({"result": {"expire_at": 1_765_436_268}})
        );
    }

    #[test]
    fn sub_refresh_answers_in_the_proxy_shape() {
        let answer = |a: SubRefreshAnswer| serde_json::to_value(a).expect("json");
        assert_eq!(
            answer(SubRefreshAnswer::expired()),
            json!({"result": {"expired": true}})
        );
        assert_eq!(
            answer(SubRefreshAnswer::extended(
                1_765_436_268,
                Some(json!({"name": "Alice"}))
            )),
            json!({"result": {"expire_at": 1_765_436_268, "info": {"name": "Alice"}}})
        );
    }

    #[test]
    fn publish_request_and_answers() {
        // The publish proxy request of Centrifugo's docs: the subscribe
        // fields plus the publication.
        let request: PublishRequest = serde_json::from_str(
            r#"{"client":"c","transport":"websocket","protocol":"json","encoding":"json","user":"56","channel":"project:1","data":{"text":"hi"}}"#,
        )
        .expect("parses");
        assert_eq!(
            (request.user.as_str(), request.channel.as_str()),
            ("56", "project:1")
        );
        assert!(serde_json::from_str::<PublishRequest>(r#"{"user":"56","data":{}}"#).is_err());
        let answer = |a: PublishAnswer| -> serde_json::Value {
            serde_json::from_slice(&crate::reply::Reply::json(&a).body).expect("json")
        };
        assert_eq!(answer(PublishAnswer::published()), json!({"result": {}}));
        assert_eq!(
            answer(PublishAnswer::read_only()),
            json!({"error": {"code": 403, "message": "permission denied: read-only", "temporary": false}})
        );
        assert_eq!(
            answer(PublishAnswer::permission_denied()),
            json!({"error": {"code": 403, "message": "permission denied", "temporary": false}})
        );
    }
}
