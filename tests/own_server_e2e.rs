//! The app's own realtime server (issue 22): the realtime example's
//! Socket.IO server (socketioxide) against the official `socket.io-client`
//! in Node, and its plain WebSocket route `/ws/{room}` against a
//! tokio-tungstenite client, both guarded by the example's rules, served
//! by `roomauth::serve` as the example's `main` serves them, on 127.0.0.1.
//!
//! Demo data: alice writes project-1 and reads project-2, bob writes
//! project-2, carol is in no project.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use std::net::SocketAddr;
use std::time::Duration;

use axum_extra::extract::cookie::Key;
use futures_util::{SinkExt as _, StreamExt as _};
use roomauth::serve::{ServeLimits, serve};
use roomauth_suite::login_cookie;
use roomauth_suite::node::run_node_script;
use roomauth_suite::tools::npm_project;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The realtime example served by `roomauth::serve` (its `main`'s server,
/// with the connection limits and upgrades), aborted on drop.
struct Example {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Example {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Example {
    async fn start() -> Example {
        let router = app::app(app::AppState::demo(Key::generate()), app::Backends::dev())
            .expect("the realtime example builds");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            serve(listener, router, ServeLimits::default())
                .await
                .expect("serve");
        });
        Example { addr, task }
    }

    fn http(&self) -> String {
        format!("http://{}", self.addr)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn socket_io_client_joins_and_sends_through_the_rules() {
    let project = npm_project("tests/node/socket.io");
    let example = Example::start().await;
    let base = example.http();
    let report = tokio::task::block_in_place(|| {
        run_node_script(
            project.dir(),
            "client.mjs",
            &[("APP", &base)],
            None,
            Duration::from_secs(60),
        )
    });
    let write = json!({"ok": true, "access": "write"});
    let read = json!({"ok": true, "access": "read"});
    let forbidden = json!({"error": "not allowed to join this room"});
    assert_eq!(
        report,
        json!({
            "joins": {
                "alice_project1": write,
                "alice_tab_project1": write,
                "bob_project1": forbidden,
                "carol_project1": forbidden,
                "nobody_project1": {"error": "not logged in: sign in, then join the room again"},
                "look_alike": {"error": "malformed request: the room name starts or ends with whitespace"},
                "not_a_name": {"error": "`join` takes a room name (a string)"},
                "alice_project2": read,
                "bob_project2": write,
            },
            "sends": {
                "alice_project1": write,
                "bob_project2": write,
                "alice_project2": {"error": "read-only access to this room: your messages are not sent to it"},
                "carol_project1": {"error": "not in this room: join it first"},
                "malformed": {"error": "`send` takes {\"room\", \"data\"}"},
            },
            // Each message reached the room's other members, and no one else.
            "received": {
                "alice": [{"room": "project-2", "user": "bob", "data": "from bob"}],
                "alice_tab": [{"room": "project-1", "user": "alice", "data": {"text": "hello"}}],
                "bob": [],
                "carol": [],
                "nobody": [],
            },
        }),
        "{report:#}"
    );
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens `/ws/{room}` with `cookie`: the socket, or the refusal's status
/// and body.
async fn open(example: &Example, room: &str, cookie: Option<&str>) -> Result<Ws, (u16, Value)> {
    open_from(example, room, cookie, None).await
}

/// [`open`], as a page of `origin` would (browsers send `Origin` with
/// every WebSocket handshake).
async fn open_from(
    example: &Example,
    room: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
) -> Result<Ws, (u16, Value)> {
    let mut request = format!("ws://{}/ws/{room}", example.addr)
        .into_client_request()
        .expect("a request");
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("a header"));
    }
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().expect("a header"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(WsError::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
            Err((response.status().as_u16(), json))
        }
        Err(error) => panic!("/ws/{room}: {error}"),
    }
}

/// The next text frame within `wait`, as JSON; `None` if none came.
async fn next_text(socket: &mut Ws, wait: Duration) -> Option<Value> {
    let read = async {
        while let Some(frame) = socket.next().await {
            if let Message::Text(text) = frame.expect("a frame") {
                return Some(serde_json::from_str(&text).expect("JSON"));
            }
        }
        None
    };
    tokio::time::timeout(wait, read).await.ok().flatten()
}

async fn send(socket: &mut Ws, text: &str) {
    socket.send(Message::text(text)).await.expect("send");
}

const ARRIVES: Duration = Duration::from_secs(5);
const NOTHING: Duration = Duration::from_millis(300);

#[tokio::test(flavor = "multi_thread")]
async fn websocket_route_relays_a_writer_and_refuses_a_reader() {
    let example = Example::start().await;
    let base = example.http();
    let alice = login_cookie(&base, "alice").await;
    let bob = login_cookie(&base, "bob").await;
    let carol = login_cookie(&base, "carol").await;

    // Refused before the upgrade, with the webhooks' JSON: a page of
    // another site opening alice's room with her cookie (cross-site
    // WebSocket hijacking), then the rules' refusals.
    assert_eq!(
        open_from(
            &example,
            "project-1",
            Some(&alice),
            Some("https://evil.example")
        )
        .await
        .err(),
        Some((
            403,
            json!({"error": "requests from this origin are not accepted: call the webhook from the app's own pages"})
        ))
    );
    let own_page = format!("http://{}", example.addr);
    assert!(
        open_from(&example, "project-1", Some(&alice), Some(&own_page))
            .await
            .is_ok(),
        "the app's own page opens the room"
    );
    assert_eq!(
        open(&example, "project-1", Some(&carol)).await.err(),
        Some((403, json!({"error": "not allowed to join this room"})))
    );
    assert_eq!(
        open(&example, "project-1", None).await.err(),
        Some((
            401,
            json!({"error": "not logged in: sign in, then join the room again"})
        ))
    );
    assert_eq!(
        open(&example, "project-1%E2%80%8B", Some(&alice))
            .await
            .err(),
        Some((
            400,
            json!({"error": "malformed request: the room name contains an invisible formatting character (bidirectional control, zero-width character or line separator)"})
        ))
    );

    // project-1: alice writes; her second tab receives, she does not hear
    // herself.
    let mut alice1 = open(&example, "project-1", Some(&alice))
        .await
        .expect("alice, project-1");
    let mut alice1_tab = open(&example, "project-1", Some(&alice))
        .await
        .expect("alice's tab");
    send(&mut alice1, "hello").await;
    assert_eq!(
        next_text(&mut alice1_tab, ARRIVES).await,
        Some(json!({"user": "alice", "data": "hello"}))
    );
    assert_eq!(next_text(&mut alice1, NOTHING).await, None);

    // project-2: bob writes, alice reads.
    let mut alice2 = open(&example, "project-2", Some(&alice))
        .await
        .expect("alice, project-2");
    let mut bob2 = open(&example, "project-2", Some(&bob))
        .await
        .expect("bob, project-2");
    send(&mut bob2, "from bob").await;
    assert_eq!(
        next_text(&mut alice2, ARRIVES).await,
        Some(json!({"user": "bob", "data": "from bob"}))
    );
    send(&mut alice2, "from a reader").await;
    assert_eq!(
        next_text(&mut alice2, ARRIVES).await,
        Some(json!({"error": "read-only access to this room: your messages are not sent to it"}))
    );
    assert_eq!(
        next_text(&mut bob2, NOTHING).await,
        None,
        "a reader's frame reaches no one"
    );
    // Rooms are apart: project-1's sockets heard nothing of project-2.
    assert_eq!(next_text(&mut alice1_tab, NOTHING).await, None);
}
