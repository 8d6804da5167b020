//! A real browser against the examples' pages: headless Chromium, driven
//! through ChromeDriver (Debian's `chromium` and `chromium-driver`, which
//! `roomauth_suite::tools::chromium` installs when missing).
//!
//! - The quickstart: loads `/`, logs in as alice, joins `project-1` and sees
//!   a token; logs in as bob and sees `project-1` refused.
//! - The realtime example with a real Soketi: the page's pusher-js
//!   subscribes alice to `presence-project-1` (the members show her name)
//!   and is refused `presence-project-3` with pusher-js's 403.

// Both examples include their shared session table: two copies of one
// module in this test binary, one per example, on purpose.
#![allow(clippy::duplicate_mod)]

#[path = "../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;
#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod realtime;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum_extra::extract::cookie::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use roomauth::room_service::LocalProvisioner;
use roomauth_suite::serve;
use roomauth_suite::tools::{self, Chromium};
use serde_json::{Value, json};

/// ChromeDriver as a child process, killed on drop.
struct ChromeDriver {
    child: Child,
    url: String,
}

impl ChromeDriver {
    fn start(chromium: &Chromium) -> ChromeDriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&chromium.driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        ChromeDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn connect(chromium: &Chromium, driver: &ChromeDriver, profile: &std::path::Path) -> Client {
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium.browser,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
            ],
        },
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return client,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("could not start a Chromium session through chromedriver: {e}"),
        }
    }
}

/// Waits until `#status` says something about `what`, and returns it.
async fn status_after(client: &Client, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = client
            .find(Locator::Id("status"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if text.starts_with(what) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "#status never reported `{what}`; it says `{text}`"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn log_in(client: &Client, user: &str) {
    client
        .find(Locator::Id("user"))
        .await
        .unwrap()
        .select_by_value(user)
        .await
        .unwrap();
    client
        .find(Locator::Id("login"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let status = status_after(client, "login").await;
    assert!(status.starts_with("login: 200"), "{status}");
}

async fn join(client: &Client, room: &str) -> (String, Value) {
    let input = client.find(Locator::Id("room")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(room).await.unwrap();
    client
        .find(Locator::Id("join"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let status = status_after(client, &format!("join {room}")).await;
    let result = client
        .find(Locator::Id("result"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (status, serde_json::from_str(&result).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_gets_a_token_and_bob_is_refused() {
    let provisioner = Arc::new(LocalProvisioner::development());
    let state = app::AppState::demo(Key::generate());
    let server = serve(app::app(state, provisioner.clone()).unwrap()).await;

    // Installing takes minutes on a fresh machine: off the async workers.
    let chromium = tokio::task::spawn_blocking(tools::chromium)
        .await
        .expect("install Chromium");
    let driver = ChromeDriver::start(&chromium);
    let profile = std::env::temp_dir().join(format!("roomauth-chromium-{}", std::process::id()));
    let client = connect(&chromium, &driver, &profile).await;

    client.goto(&server.url("/")).await.unwrap();
    log_in(&client, "alice").await;
    let (status, body) = join(&client, "project-1").await;
    assert!(status.starts_with("join project-1: 200"), "{status}");
    let token = body["token"].as_str().expect("the page shows the token");
    assert!(provisioner.verify(token).unwrap().grants_room("project-1"));
    assert_eq!(body["user"], "alice");

    log_in(&client, "bob").await;
    let (status, body) = join(&client, "project-1").await;
    assert!(status.starts_with("join project-1: 403"), "{status}");
    assert!(body["token"].is_null(), "{body}");

    client.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&profile);
}

/// Waits until `#pusher-result` says something other than `connecting`.
async fn pusher_result(client: &Client) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = client
            .find(Locator::Id("pusher-result"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !text.is_empty() && text != "connecting" {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "pusher-js never answered; #pusher-result says `{text}`"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Subscribes to `presence-<room>` with the page's pusher-js against Soketi
/// on `ws`, and returns what the page reports.
async fn pusher_subscribe(client: &Client, ws: &str, room: &str) -> String {
    client
        .execute(
            "document.getElementById('pusher-result').textContent = '';
             document.getElementById('pusher-ws').value = arguments[0];
             document.getElementById('room').value = arguments[1];
             document.getElementById('pusher-subscribe').click();",
            vec![json!(ws), json!(room)],
        )
        .await
        .unwrap();
    pusher_result(client).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_realtime_page_subscribes_with_pusher_js_through_soketi() {
    // The page's pusher-js, and Soketi, from their committed npm projects.
    let (web, node) = tokio::task::spawn_blocking(|| {
        (
            tools::npm_project("examples/realtime/pusher-web"),
            tools::npm_project("tests/pusher-node"),
        )
    })
    .await
    .expect("install the npm projects");
    let _ = web;
    // The example's development default: client events off, as on Soketi.
    let soketi =
        roomauth_suite::soketi::Soketi::start(node.dir(), realtime::pusher::DEV_CLIENT_EVENTS);
    let state = realtime::AppState::demo(Key::generate());
    let server = serve(realtime::app(state, realtime::Backends::dev()).unwrap()).await;

    let chromium = tokio::task::spawn_blocking(tools::chromium)
        .await
        .expect("install Chromium");
    let driver = ChromeDriver::start(&chromium);
    let profile =
        std::env::temp_dir().join(format!("roomauth-chromium-pusher-{}", std::process::id()));
    let client = connect(&chromium, &driver, &profile).await;
    client.goto(&server.url("/")).await.unwrap();
    client
        .execute("return login('alice')", vec![])
        .await
        .unwrap();
    let ws = format!("127.0.0.1:{}", soketi.port);

    let allowed = pusher_subscribe(&client, &ws, "project-1").await;
    assert_eq!(allowed, r#"subscribed {"alice":{"name":"Alice"}}"#);
    let refused = pusher_subscribe(&client, &ws, "project-3").await;
    assert_eq!(refused, "error 403");

    client.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&profile);
}
