//! roomauth's Pusher endpoints against the real thing: a Soketi 1.6.1
//! server and the official pusher-js 8.6.0 client (with the pusher-js-auth
//! batch plugin and the official `pusher` server SDK publishing through
//! Soketi's HTTP API), all on 127.0.0.1, on axum (examples/realtime/pusher.rs)
//! and on actix-web (the actix quickstart's sessions). The Node side is
//! tests/pusher-node/client.js; it prints one JSON line, checked here.
//!
//! Read means read: with the app's client events on and off (Soketi's
//! `enableClientMessages`, roomauth's `ClientEvents`), no reader's client
//! event reaches another member (tests/pusher-node/client-events.js).

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

// Both example apps include examples/common/sessions.rs: two copies of it in
// this test binary, one per app, as in each example.
#[path = "../examples/actix_quickstart/app.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod actix_app;

use actix_web::{App, HttpServer, web};
use axum_extra::extract::cookie::Key;
use roomauth::actix::ActixContext;
use roomauth::pusher::{ClientEvents, Pusher, signin};
use roomauth::{Deny, Grant, Webhook, room_auth, rules};
use roomauth_suite::soketi::{APP_ID, APP_KEY, APP_SECRET, Soketi};
use roomauth_suite::tools::npm_project;
use roomauth_suite::{Served, serve};
use serde_json::{Value, json};

use app::pusher as pusher_routes;

/// Soketi's app with `secret`; client events off, as Soketi's app in these
/// tests (see `a_reader_never_publishes` for both stances).
fn pusher(secret: &str) -> Pusher {
    pusher_with(secret, ClientEvents::Off)
}

fn pusher_with(secret: &str, client_events: ClientEvents) -> Pusher {
    Pusher::builder()
        .app_key(APP_KEY)
        .app_secret(secret)
        .client_events(client_events)
        .encryption_master_key_base64(pusher_routes::DEV_MASTER_KEY_BASE64)
        .build()
        .expect("a valid Pusher config")
}

/// The realtime example with Soketi's app; `/forged/pusher/auth` answers
/// the same rules but signs with another secret.
async fn app() -> Served {
    let state = app::AppState::demo(Key::generate());
    let forged = pusher_routes::routes(
        pusher("another-secret"),
        &app::rules().unwrap(),
        signin(|user: app::CurrentUser| Some(user.id)),
    )
    .expect("the forged routes build");
    let backends = app::Backends {
        pusher: pusher(APP_SECRET),
        ..app::Backends::dev()
    };
    let router = app::app(state.clone(), backends)
        .expect("the realtime example builds")
        .nest("/forged", forged.with_state(state));
    serve(router).await
}

#[tokio::test(flavor = "multi_thread")]
async fn pusher_js_through_soketi() {
    let server = app().await;
    // The example's sign-in carries alice's watchlist (bob shares
    // project-2 with her), signed with the rest of user_data.
    check_client(
        pusher_js(server.url("")).await,
        json!({"id": "alice", "user_info": {"name": "Alice"}, "watchlist": ["bob"]}),
    );
}

/// The actix quickstart's demo users, named as the realtime example names
/// them.
fn display_name(user: &str) -> Value {
    let mut name = user.to_owned();
    name[..1].make_ascii_uppercase();
    json!({ "name": name })
}

/// The realtime example's Pusher rule, with actix-web extractors.
#[room_auth(rooms = "project-<id>", session = user)]
async fn actix_projects(
    user: actix_app::CurrentUser,
    id: u64,
    app: web::Data<actix_app::AppState>,
) -> Result<Grant, Deny> {
    if !app.is_member(&user.0, id) {
        return Err(Deny::Forbidden);
    }
    let info = display_name(&user.0);
    Ok(Grant::write(user.0).with_info(info))
}

/// The same endpoints on actix-web: channel authorization, batches and
/// sign-in through the webhook, `webhook.batch()` and `webhook.signin(..)`,
/// with the actix quickstart's login.
#[tokio::test(flavor = "multi_thread")]
async fn pusher_js_through_soketi_on_actix() {
    let webhook = |secret: &str| -> Webhook<ActixContext, Pusher> {
        Webhook::builder(pusher(secret))
            .rules(rules![actix_projects])
            .same_site_only()
            .build()
            .expect("the actix Pusher webhook builds")
    };
    let (real, forged) = (webhook(APP_SECRET), webhook("another-secret"));
    let (auth, batch) = (real.clone(), real.batch());
    let user_auth = real.signin(signin(|user: actix_app::CurrentUser| {
        let info = display_name(&user.0);
        Some(Grant::read(user.0).with_info(info))
    }));
    let state = web::Data::new(actix_app::AppState::demo(actix_web::cookie::Key::generate()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/login", web::post().to(actix_app::login))
            .route("/pusher/auth", web::post().to(auth.clone()))
            .route("/pusher/batch-auth", web::post().to(batch.clone()))
            .route("/pusher/user-auth", web::post().to(user_auth.clone()))
            .route("/forged/pusher/auth", web::post().to(forged.clone()))
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    check_client(
        pusher_js(url).await,
        json!({"id": "alice", "user_info": {"name": "Alice"}}),
    );
    handle.stop(true).await;
}

/// Runs tests/pusher-node/client.js against the app at `app_url` and a
/// fresh Soketi; its one JSON line.
async fn pusher_js(app_url: String) -> Value {
    let node = npm_project("tests/pusher-node");
    let soketi = Soketi::start(node.dir(), ClientEvents::Off);
    let output = tokio::task::spawn_blocking({
        let node = node.clone();
        let port = soketi.port;
        move || {
            node.node("client.js")
                .env("APP_URL", &app_url)
                .env("SOKETI_PORT", port.to_string())
                .env("APP_ID", APP_ID)
                .env("APP_KEY", APP_KEY)
                .env("APP_SECRET", APP_SECRET)
                .env("MASTER_KEY_BASE64", pusher_routes::DEV_MASTER_KEY_BASE64)
                .env("FORGED_AUTH_URL", format!("{app_url}/forged/pusher/auth"))
                .env("BATCH_AUTH_URL", format!("{app_url}/pusher/batch-auth"))
                .output()
                .expect("run node")
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let out: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| {
            panic!(
                "client.js printed no result: {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    assert!(output.status.success(), "{out:#}");
    out
}

/// What pusher-js saw: alice signed in with `signin_user_data` (Soketi
/// accepted the signature), her channels of projects 1 and 2 (private,
/// presence with her user info, encrypted), project 3 refused, events
/// through Soketi, 401 without a session, a forged signature refused by
/// Soketi, four channels in one batch request.
fn check_client(out: Value, signin_user_data: Value) {
    assert_eq!(out["connect"]["ok"], true, "{out:#}");
    assert_eq!(out["signin"]["user_data"], signin_user_data, "{out:#}");
    assert_eq!(out["private-project-1"]["ok"], true, "{out:#}");
    assert_eq!(out["presence-project-1"]["ok"], true, "{out:#}");
    assert_eq!(
        out["presence-project-1"]["members"],
        json!({"alice": {"name": "Alice"}})
    );
    assert_eq!(out["private-encrypted-project-1"]["ok"], true, "{out:#}");
    for refused in ["private-project-3", "presence-project-3"] {
        assert_eq!(out[refused]["error"]["type"], "AuthError", "{out:#}");
        assert_eq!(out[refused]["error"]["status"], 403, "{out:#}");
    }
    assert_eq!(
        out["event_private"]["data"],
        json!({"hello": "world"}),
        "{out:#}"
    );
    assert_eq!(
        out["event_encrypted"]["data"],
        json!({"answer": 42}),
        "{out:#}"
    );
    assert_eq!(out["anonymous"]["error"]["status"], 401, "{out:#}");
    // Signed by roomauth with the wrong secret: Soketi refuses it.
    assert!(out["forged"]["error"].is_object(), "{out:#}");
    assert!(out["forged"]["ok"].is_null(), "{out:#}");

    let batch = &out["batch"];
    assert_eq!(batch["private-project-1"]["ok"], true, "{out:#}");
    assert_eq!(batch["presence-project-2"]["ok"], true, "{out:#}");
    assert_eq!(
        batch["presence-project-2"]["members"],
        json!({"alice": {"name": "Alice"}})
    );
    assert_eq!(batch["private-encrypted-project-1"]["ok"], true, "{out:#}");
    assert!(batch["private-project-3"]["error"].is_object(), "{out:#}");
    assert_eq!(
        out["batch_requests"], 1,
        "four channels, one request: {out:#}"
    );
}

/// The realtime example with Soketi's app and this stance on client
/// events.
async fn app_with(client_events: ClientEvents) -> Served {
    let backends = app::Backends {
        pusher: pusher_with(APP_SECRET, client_events),
        ..app::Backends::dev()
    };
    serve(
        app::app(app::AppState::demo(Key::generate()), backends)
            .expect("the realtime example builds"),
    )
    .await
}

/// Runs tests/pusher-node/client-events.js against the app at `app_url`
/// and a fresh Soketi relaying client events or not.
async fn client_events_run(app_url: String, client_events: ClientEvents) -> Value {
    let node = npm_project("tests/pusher-node");
    let soketi = Soketi::start(node.dir(), client_events);
    let output = tokio::task::spawn_blocking({
        let node = node.clone();
        let port = soketi.port;
        move || {
            node.node("client-events.js")
                .env("APP_URL", &app_url)
                .env("SOKETI_PORT", port.to_string())
                .env("APP_ID", APP_ID)
                .env("APP_KEY", APP_KEY)
                .env("APP_SECRET", APP_SECRET)
                .env("MASTER_KEY_BASE64", pusher_routes::DEV_MASTER_KEY_BASE64)
                .env("CLIENT_EVENTS", client_events.as_str())
                .output()
                .expect("run node")
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let out: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| {
            panic!(
                "client-events.js printed no result: {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    assert!(output.status.success(), "{out:#}");
    out
}

const KINDS: [&str; 3] = [
    "private-project-2",
    "presence-project-2",
    "private-encrypted-project-2",
];

/// alice reads project-2, bob writes it. With client events on, alice's
/// read grant is refused on every kind of channel (403 with the reason, on
/// the single and the batch endpoint), and her raw `client-*` frames reach
/// nobody while bob's do. With them off, alice subscribes and receives
/// what the app publishes, and Soketi refuses every member's client
/// events (4301), hers included. Either way, no client event of alice's
/// reaches bob.
#[tokio::test(flavor = "multi_thread")]
async fn a_reader_never_publishes() {
    // Client events on.
    let server = app_with(ClientEvents::On).await;
    let alice = roomauth_suite::login_cookie(&server.url(""), "alice").await;
    for channel in KINDS {
        let answer = reqwest::Client::new()
            .post(server.url("/pusher/auth"))
            .header("cookie", &alice)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("socket_id=1234.5678&channel_name={channel}"))
            .send()
            .await
            .expect("post");
        assert_eq!(answer.status(), 403, "{channel}");
        let body: Value = answer.json().await.expect("json");
        let message = body["error"].as_str().expect("an error message");
        assert!(
            message.starts_with("this user may only read this room")
                && message.contains("client events")
                && message.contains("PUSHER_CLIENT_EVENTS=off"),
            "{message}"
        );
    }
    let batch: Value = reqwest::Client::new()
        .post(server.url("/pusher/batch-auth"))
        .header("cookie", &alice)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("socket_id=1234.5678&channel_name[0]=private-project-2&channel_name[1]=private-project-1")
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(batch["private-project-2"]["status"], 403, "{batch}");
    assert!(
        batch["private-project-2"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("client events")),
        "{batch}"
    );
    assert_eq!(batch["private-project-1"]["status"], 200, "{batch}");

    let on = client_events_run(server.url(""), ClientEvents::On).await;
    for channel in KINDS {
        assert_eq!(on["alice"][channel]["error"]["status"], 403, "{on:#}");
        assert_eq!(on["bob1"][channel]["ok"], true, "{on:#}");
        assert_eq!(on["bob2"][channel]["ok"], true, "{on:#}");
    }
    let received = on["received"].as_array().expect("received");
    assert!(
        received.iter().all(|e| e["event"] == "client-from-bob"),
        "a reader's event reached bob: {on:#}"
    );
    // The writer's events are relayed (the server does relay them).
    for channel in KINDS {
        assert!(
            received.iter().any(|e| e["channel"] == channel),
            "bob's event on {channel} was not relayed: {on:#}"
        );
    }
    drop(server);

    // Client events off.
    let server = app_with(ClientEvents::Off).await;
    let off = client_events_run(server.url(""), ClientEvents::Off).await;
    for channel in KINDS {
        assert_eq!(off["alice"][channel]["ok"], true, "{off:#}");
        assert_eq!(
            off["reader_got"][channel]["data"],
            json!({"n": 1}),
            "{off:#}"
        );
    }
    assert_eq!(off["received"], json!([]), "{off:#}");
    for sender in ["alice", "bob1"] {
        let errors = off["errors"][sender].as_array().expect("errors");
        assert_eq!(errors.len(), KINDS.len(), "{off:#}");
        assert!(errors.iter().all(|e| e["code"] == 4301), "{off:#}");
    }
}
