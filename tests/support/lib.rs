//! Support for the workspace-level tests: serving apps on 127.0.0.1,
//! talking to them over real HTTP, and installing the tools the end-to-end
//! tests need ([`tools`]).

pub mod liveblocks_dev;
pub mod node;
pub mod room_service_client;
pub mod soketi;
pub mod y_sweet;

use std::net::SocketAddr;
use std::sync::Arc;

use roomauth::room_service::LocalProvisioner;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub mod tools;

/// A server running on a free port of 127.0.0.1, aborted on drop.
pub struct Served {
    /// Where it listens.
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Served {
    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `router` on a free port of 127.0.0.1.
pub async fn serve(router: axum::Router) -> Served {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    Served { addr, task }
}

/// Serves the local provisioner's HTTP contract (what `roomauth-local`
/// runs) with `provisioner`; the key is the provisioner's own.
pub async fn serve_local_provisioner(provisioner: Arc<LocalProvisioner>) -> Served {
    serve(roomauth::room_service::server::router(provisioner)).await
}

/// A browser-like client: keeps the session cookie between calls.
pub struct Browser {
    client: reqwest::Client,
    cookie: Option<String>,
}

impl Default for Browser {
    fn default() -> Self {
        Browser::new()
    }
}

/// One HTTP answer, body parsed as JSON where it is JSON.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub text: String,
    /// The body as JSON, or `Null` when it is not JSON.
    pub json: serde_json::Value,
}

impl Browser {
    /// A client with no session.
    pub fn new() -> Browser {
        Browser {
            client: reqwest::Client::new(),
            cookie: None,
        }
    }

    /// A client logged in as `user` by POSTing `{"user"}` to `login_url`
    /// (the examples' `/login`); panics unless that answers 200 with a
    /// session cookie.
    pub async fn logged_in(login_url: &str, user: &str) -> Browser {
        let mut browser = Browser::new();
        let answer = browser
            .post_json(login_url, &serde_json::json!({ "user": user }))
            .await;
        assert_eq!(answer.status, 200, "login as {user}: {}", answer.text);
        assert!(browser.cookie().is_some(), "login sets the session cookie");
        browser
    }

    /// The session cookie the server set, as a `Cookie` header value.
    pub fn cookie(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    /// Replaces the session cookie (to forge or tamper with it).
    pub fn set_cookie(&mut self, cookie: Option<String>) {
        self.cookie = cookie;
    }

    /// POSTs `body` with `content_type`, sending and keeping the cookie.
    pub async fn post(
        &mut self,
        url: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        let mut request = self.client.post(url).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("request");
        if let Some(set) = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
        {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            let cleared = set.contains("Max-Age=0") || pair.ends_with('=');
            self.cookie = if cleared { None } else { Some(pair) };
        }
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Answer { status, text, json }
    }

    /// POSTs JSON.
    pub async fn post_json(&mut self, url: &str, body: &serde_json::Value) -> Answer {
        self.post(url, Some("application/json"), body.to_string())
            .await
    }
}

/// Logs `user` in on the app served at `base` (`POST /login`): the
/// session's `Cookie` header value.
pub async fn login_cookie(base: &str, user: &str) -> String {
    let mut browser = Browser::new();
    let login = browser
        .post_json(
            &format!("{base}/login"),
            &serde_json::json!({ "user": user }),
        )
        .await;
    assert_eq!(login.status, 200, "login as {user}: {}", login.text);
    browser.cookie().expect("a session cookie").to_owned()
}

/// A bearer token for the session of `cookie` on the app served at `base`
/// (`POST /token`).
pub async fn bearer_token(base: &str, cookie: &str) -> String {
    let mut browser = Browser::new();
    browser.set_cookie(Some(cookie.to_owned()));
    let answer = browser.post(&format!("{base}/token"), None, "").await;
    assert_eq!(answer.status, 200, "POST /token: {}", answer.text);
    answer.json["token"].as_str().expect("a token").to_owned()
}
