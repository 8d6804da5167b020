//! The local provisioner over HTTP: Room Service's `POST /provision`
//! contract, for the benchmarks, for apps in other languages and for the
//! `roomauth-local` binary.
//!
//! | route | answer |
//! | --- | --- |
//! | `POST /provision` | 200 with the provision response; 401 wrong or missing key; 400 bad body; 413 body over 64 KiB; 415 not JSON |
//! | `POST /verify` | `{"token", "room", "document"?}` → 200 `{"valid": true, "user", "grants_room", "grants_document"?, "rooms", "documents", "expires_at"}` or 401 `{"valid": false, "error"}` |
//! | `GET /healthz` | 200 `ok` |
//! | `GET /stats` | 200 `{"provisions": n}`: provisions served |
//!
//! `/verify` shows everything the token grants: `rooms`, the rooms it may
//! join, and `documents`, the `{"room", "document"}` pairs it may read and
//! write; with `"document"` in the request, `grants_document` says whether
//! the token grants that document of `room`.
//!
//! Both `Authorization: Bearer: <key>` (Room Service's form) and
//! `Authorization: Bearer <key>` are accepted. Every error body is JSON,
//! `{"error": "..."}`, and never contains the key.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;

use super::local::LocalProvisioner;
use super::provision::ProvisionError;
use super::wire::ProvisionRequest;
use crate::text::{Escaped, truncate};

/// The largest request body accepted.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// The longest serde reason quoted in a 400 answer.
const MAX_REASON_BYTES: usize = 300;

struct AppState {
    provisioner: Arc<LocalProvisioner>,
    provisions: AtomicU64,
}

/// The routes above, serving `provisioner`.
pub fn router(provisioner: Arc<LocalProvisioner>) -> Router {
    let state = Arc::new(AppState {
        provisioner,
        provisions: AtomicU64::new(0),
    });
    Router::new()
        .route("/provision", post(provision))
        .route("/verify", post(verify))
        .route("/healthz", get(healthz))
        .route("/stats", get(stats))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(state)
}

/// A refusal: answered as `{"error": message}` with `status`.
struct Reject {
    status: StatusCode,
    message: String,
}

impl Reject {
    fn new(status: StatusCode, message: impl Into<String>) -> Reject {
        Reject {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        let mut response =
            (self.status, axum::Json(json!({ "error": self.message }))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The key presented in `Authorization: Bearer: <key>` or `Bearer <key>`.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    if !rest.starts_with(' ') {
        return None;
    }
    let key = rest.trim_matches(' ');
    (!key.is_empty()).then_some(key)
}

/// 401 unless the request carries the provisioner's key.
fn check_key(state: &AppState, headers: &HeaderMap, route: &'static str) -> Result<(), Reject> {
    match presented_key(headers) {
        Some(key) if state.provisioner.api_key_matches(key) => Ok(()),
        Some(_) => {
            tracing::warn!(route, "refused a request with a wrong API key");
            Err(Reject::new(
                StatusCode::UNAUTHORIZED,
                "invalid API key: check the key sent in `Authorization: Bearer: <key>`",
            ))
        }
        None => {
            tracing::warn!(route, "refused a request without an API key");
            Err(Reject::new(
                StatusCode::UNAUTHORIZED,
                "missing API key: send `Authorization: Bearer: <key>` (or `Bearer <key>`)",
            ))
        }
    }
}

/// 415 unless the body is declared `application/json`.
fn check_json(headers: &HeaderMap) -> Result<(), Reject> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(Reject::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body must be JSON: send `Content-Type: application/json`",
        ))
    }
}

/// The body, or 413 (over [`MAX_REQUEST_BYTES`]) / 400.
fn check_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Reject> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Reject::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than {MAX_REQUEST_BYTES} bytes"),
            )
        } else {
            Reject::new(
                StatusCode::BAD_REQUEST,
                format!("the body could not be read: {}", rejection.body_text()),
            )
        }
    })
}

/// Parses JSON, or 400 with serde's reason.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Reject> {
    serde_json::from_slice(body).map_err(|err| {
        Reject::new(
            StatusCode::BAD_REQUEST,
            format!(
                "invalid {what}: {}",
                truncate(&err.to_string(), MAX_REASON_BYTES)
            ),
        )
    })
}

async fn provision(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Reject> {
    check_key(&state, &headers, "/provision")?;
    check_json(&headers)?;
    let body = check_body(body)?;
    let request: ProvisionRequest = parse_json(&body, "provision request")?;
    match state
        .provisioner
        .provision_at(&request, std::time::SystemTime::now())
    {
        Ok(provisioned) => {
            let served = state.provisions.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::info!(
                user = %Escaped(&request.user),
                resources = provisioned.response.resources.len(),
                served,
                "provisioned"
            );
            let mut response = (StatusCode::OK, provisioned.body).into_response();
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        Err(err @ ProvisionError::InvalidRequest { .. }) => {
            tracing::info!(user = %Escaped(truncate(&request.user, 64)), error = %Escaped(&err), "refused an invalid provision request");
            Err(Reject::new(StatusCode::BAD_REQUEST, err.to_string()))
        }
        Err(err) => {
            tracing::error!(error = %Escaped(&err), "provisioning failed");
            Err(Reject::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                err.to_string(),
            ))
        }
    }
}

/// The body of `POST /verify`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyRequest {
    token: String,
    room: String,
    /// A document of `room` to check, if any.
    #[serde(default)]
    document: Option<String>,
}

async fn verify(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Reject> {
    check_key(&state, &headers, "/verify")?;
    check_json(&headers)?;
    let body = check_body(body)?;
    let request: VerifyRequest = parse_json(
        &body,
        "verify request (expected {\"token\": ..., \"room\": ..., \"document\"?: ...})",
    )?;
    Ok(match state.provisioner.verify(&request.token) {
        Ok(claims) => {
            let documents: Vec<_> = claims
                .docs
                .iter()
                .map(|(room, document)| json!({ "room": room, "document": document }))
                .collect();
            let mut answer = json!({
                "valid": true,
                "user": claims.sub,
                "grants_room": claims.grants_room(&request.room),
                "rooms": claims.rooms,
                "documents": documents,
                "expires_at": claims.exp,
            });
            if let Some(document) = &request.document {
                answer["grants_document"] = claims.grants_document(&request.room, document).into();
            }
            axum::Json(answer).into_response()
        }
        Err(err) => (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({ "valid": false, "error": err.to_string() })),
        )
            .into_response(),
    })
}

async fn healthz() -> &'static str {
    "ok"
}

async fn stats(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(json!({ "provisions": state.provisions.load(Ordering::Relaxed) })).into_response()
}

async fn not_found() -> Reject {
    Reject::new(
        StatusCode::NOT_FOUND,
        "not found: the routes are POST /provision, POST /verify, GET /healthz, GET /stats",
    )
}

async fn method_not_allowed() -> Reject {
    Reject::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room_service::local::{SigningKey, SigningKeys};
    use crate::secret::ApiKey;

    const KEY: &str = "sk_test_serverkey";

    /// Serves the router on 127.0.0.1 and returns its base URL.
    async fn serve() -> String {
        let keys = SigningKeys::new(SigningKey::new("k1", [3u8; 32]).unwrap());
        let app = router(Arc::new(LocalProvisioner::new(ApiKey::new(KEY), keys)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    }

    async fn send(
        base: &str,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> (StatusCode, serde_json::Value) {
        let client = reqwest::Client::new();
        let mut request = client.request(method, format!("{base}{path}")).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let bytes = response.bytes().await.unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
        });
        (status, json)
    }

    const JSON: (&str, &str) = ("content-type", "application/json");
    const SEED: &str = r#"{"user":"your-user-id","resources":[{"object":"room","reference":"express-minimal","permission":"join"}]}"#;

    #[tokio::test]
    async fn provision_contract() {
        let base = serve().await;
        let colon = format!("Bearer: {KEY}");
        let plain = format!("Bearer {KEY}");
        let post = reqwest::Method::POST;

        for auth in [&colon, &plain] {
            let (status, body) = send(
                &base,
                post.clone(),
                "/provision",
                &[JSON, ("authorization", auth)],
                SEED,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["user"], "your-user-id");
            // The room alone: what the seed asks for.
            assert_eq!(body["resources"].as_array().unwrap().len(), 1);
            assert!(body["token"].as_str().unwrap().split('.').count() == 3);
        }

        // Key problems: 401 JSON, the key never echoed.
        for headers in [
            vec![JSON],
            vec![JSON, ("authorization", "Bearer: sk_wrong_guess")],
        ] {
            let (status, body) = send(&base, post.clone(), "/provision", &headers, SEED).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            let error = body["error"].as_str().unwrap();
            assert!(
                !error.contains("sk_wrong_guess") && !error.contains(KEY),
                "{error}"
            );
        }

        let auth = ("authorization", colon.as_str());
        type Case<'a> = (Vec<(&'a str, &'a str)>, String, StatusCode);
        let cases: Vec<Case<'_>> = vec![
            (vec![auth], SEED.to_owned(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
            (vec![auth, ("content-type", "text/plain")], SEED.to_owned(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
            (vec![auth, JSON], "not json".to_owned(), StatusCode::BAD_REQUEST),
            (vec![auth, JSON], r#"{"user":"u"}"#.to_owned(), StatusCode::BAD_REQUEST),
            (vec![auth, JSON], r#"{"user":"","resources":[{"object":"room","reference":"r","permission":"join"}]}"#.to_owned(), StatusCode::BAD_REQUEST),
            (vec![auth, JSON], r#"{"user":"u","resources":[]}"#.to_owned(), StatusCode::BAD_REQUEST),
            (vec![auth, JSON], format!(r#"{{"user":"{}","resources":[]}}"#, "x".repeat(MAX_REQUEST_BYTES)), StatusCode::PAYLOAD_TOO_LARGE),
        ];
        for (headers, body, expected) in cases {
            let (status, json) =
                send(&base, post.clone(), "/provision", &headers, body.clone()).await;
            assert_eq!(status, expected, "{}: {json}", truncate(&body, 80));
            assert!(json["error"].is_string(), "{json}");
        }
        // serde's reason reaches the caller.
        let (_, json) = send(
            &base,
            post.clone(),
            "/provision",
            &[auth, JSON],
            r#"{"user":"u"}"#,
        )
        .await;
        assert!(
            json["error"]
                .as_str()
                .unwrap()
                .contains("missing field `resources`"),
            "{json}"
        );
        // application/json with parameters is fine.
        let (status, _) = send(
            &base,
            post.clone(),
            "/provision",
            &[auth, ("content-type", "application/json; charset=utf-8")],
            SEED,
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // Stats count the four successes.
        let (status, json) = send(&base, reqwest::Method::GET, "/stats", &[], "").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json, json!({"provisions": 3}));

        let (status, json) = send(&base, reqwest::Method::GET, "/healthz", &[], "").await;
        assert_eq!((status, json), (StatusCode::OK, json!("ok")));
        let (status, json) = send(&base, reqwest::Method::GET, "/nope", &[], "").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(json["error"].is_string());
        let (status, json) = send(&base, reqwest::Method::GET, "/provision", &[], "").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(json["error"].is_string());
    }

    #[tokio::test]
    async fn verify_contract() {
        let base = serve().await;
        let colon = format!("Bearer: {KEY}");
        let auth = ("authorization", colon.as_str());
        let post = reqwest::Method::POST;
        let (_, body) = send(&base, post.clone(), "/provision", &[auth, JSON], SEED).await;
        let token = body["token"].as_str().unwrap().to_owned();

        let ask = |room: &str| json!({"token": token, "room": room}).to_string();
        let (status, json) = send(
            &base,
            post.clone(),
            "/verify",
            &[auth, JSON],
            ask("express-minimal"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["valid"], true);
        assert_eq!(json["user"], "your-user-id");
        assert_eq!(json["grants_room"], true);
        let (_, json) = send(&base, post.clone(), "/verify", &[auth, JSON], ask("other")).await;
        assert_eq!(json["grants_room"], false);
        // The room alone: no document, and /verify says so.
        assert_eq!(json["documents"], json!([]));
        let (_, json) = send(
            &base,
            post.clone(),
            "/verify",
            &[auth, JSON],
            json!({"token": token, "room": "express-minimal", "document": "default"}).to_string(),
        )
        .await;
        assert_eq!(json["grants_document"], false, "{json}");

        // A document asked for: shown, and granted for its room only.
        let with_doc = r#"{"user":"u","resources":[{"object":"room","reference":"r","permission":"join"},{"object":"document","reference":"notes","permission":"read_write","room":"r"}]}"#;
        let (_, body) = send(&base, post.clone(), "/provision", &[auth, JSON], with_doc).await;
        let doc_token = body["token"].as_str().unwrap().to_owned();
        let check = |room: &str, document: &str| {
            json!({"token": doc_token, "room": room, "document": document}).to_string()
        };
        let (status, json) = send(
            &base,
            post.clone(),
            "/verify",
            &[auth, JSON],
            check("r", "notes"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["rooms"], json!(["r"]));
        assert_eq!(
            json["documents"],
            json!([{"room": "r", "document": "notes"}])
        );
        assert_eq!(json["grants_document"], true);
        for (room, document) in [("r", "default"), ("other", "notes")] {
            let (_, json) = send(
                &base,
                post.clone(),
                "/verify",
                &[auth, JSON],
                check(room, document),
            )
            .await;
            assert_eq!(json["grants_document"], false, "{room}/{document}");
        }

        let forged = json!({"token": format!("{token}x"), "room": "express-minimal"}).to_string();
        let (status, json) = send(&base, post.clone(), "/verify", &[auth, JSON], forged).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(json["valid"], false);
        assert!(
            json["error"].as_str().unwrap().contains("signature"),
            "{json}"
        );

        // The key is required here too.
        let (status, _) = send(
            &base,
            post.clone(),
            "/verify",
            &[JSON],
            ask("express-minimal"),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = send(&base, post, "/verify", &[auth, JSON], r#"{"token":"t"}"#).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn presented_key_forms() {
        let headers = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            h
        };
        assert_eq!(presented_key(&headers("Bearer: abc")), Some("abc"));
        assert_eq!(presented_key(&headers("Bearer abc")), Some("abc"));
        assert_eq!(presented_key(&headers("bearer  abc ")), Some("abc"));
        assert_eq!(presented_key(&headers("Bearerabc")), None);
        assert_eq!(presented_key(&headers("Bearer:abc")), None);
        assert_eq!(presented_key(&headers("Basic abc")), None);
        assert_eq!(presented_key(&headers("Bearer: ")), None);
        assert_eq!(presented_key(&HeaderMap::new()), None);
    }
}
