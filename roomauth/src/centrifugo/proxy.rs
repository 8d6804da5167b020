//! The subscribe proxy's JSON, from Centrifugo's `proxy.proto`
//! (`SubscribeRequest`, `SubscribeResponse`) in its JSON encoding, where
//! `bytes` fields such as `data`, `meta` and `info` are embedded JSON.

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

/// The answer: exactly one of `result`, `error`, `disconnect`, with HTTP 200
/// (Centrifugo turns any other status into a temporary internal error, and
/// the client would resubscribe forever).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscribeAnswer {
    /// Subscribed: `{"result": {"info": {...}}}` (`{"result": {}}` without info).
    Result(SubscribeResult),
    /// Refused: `{"error": {"code": 403, "message": "permission denied", "temporary": false}}`.
    Error(ProxyError),
}

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

/// `Error`: the code the client's `unsubscribed` event carries. Codes in
/// `[400, 1999]` are the app's (Centrifugo's own are below 400).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyError {
    /// The code.
    pub code: u32,
    /// A short message for the client.
    pub message: String,
    /// `true`: the client resubscribes later; `false`: it stays unsubscribed.
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
        SubscribeAnswer::Result(SubscribeResult {
            info,
            expire_at: None,
        })
    }

    /// Allowed until `expire_at` (Unix seconds): Centrifugo then asks the
    /// sub-refresh proxy again.
    pub fn subscribed_until(info: Option<serde_json::Value>, expire_at: u64) -> SubscribeAnswer {
        SubscribeAnswer::Result(SubscribeResult {
            info,
            expire_at: Some(expire_at),
        })
    }

    /// The rules refused (or no rule answers for the channel: the same answer).
    pub fn permission_denied() -> SubscribeAnswer {
        SubscribeAnswer::error(403, "permission denied", false)
    }

    /// The forwarded cookie carries no session (not logged in, or expired):
    /// `{"error": {"code": 401, "message": "unauthorized", "temporary": false}}`.
    /// The client stays unsubscribed until the app subscribes it again after
    /// a new login.
    pub fn unauthorized() -> SubscribeAnswer {
        SubscribeAnswer::error(401, "unauthorized", false)
    }

    /// The app's rule failed (the cause is logged): temporary, the client
    /// resubscribes with backoff.
    pub fn internal() -> SubscribeAnswer {
        SubscribeAnswer::error(500, "internal error", true)
    }

    fn error(code: u32, message: &str, temporary: bool) -> SubscribeAnswer {
        SubscribeAnswer::Error(ProxyError::new(code, message, temporary))
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
}
