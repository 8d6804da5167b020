//! Hostile requests against the Pusher endpoints of the realtime example,
//! over real HTTP on 127.0.0.1, logged in as alice: each is a 4xx with a
//! JSON `{"error"}`, never a 5xx, never a signature. Plus the cross-site
//! refusal and the builder's refusal of an unprotected Pusher webhook.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use axum_extra::extract::cookie::Key;
use roomauth::pusher::Pusher;
use roomauth::{Webhook, axum::AxumContext};
use roomauth_suite::{Browser, Served, serve};

const AUTH: &str = "/pusher/auth";
const USER: &str = "/pusher/user-auth";
const BATCH: &str = "/pusher/batch-auth";
const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// (endpoint, content type, body, why): each must be a 4xx JSON error.
const HOSTILE: &[(&str, &str, &str, &str)] = &[
    (AUTH, FORM, "", "empty body"),
    (AUTH, FORM, "channel_name=private-project-1", "no socket_id"),
    (AUTH, FORM, "socket_id=1234.5678", "no channel_name"),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&socket_id=1.2&channel_name=private-project-1",
        "duplicate socket_id",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-1&channel_name=private-project-2",
        "duplicate channel_name",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-%zz",
        "broken percent-encoding",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-1%",
        "truncated percent-encoding",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-1%C3",
        "half a UTF-8 sequence",
    ),
    (
        AUTH,
        JSON,
        r#"{"socket_id":"1234.5678","channel_name":"private-project-1"}"#,
        "a JSON body",
    ),
    (
        AUTH,
        "text/plain",
        "socket_id=1234.5678&channel_name=private-project-1",
        "text/plain",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678:private-project-2&channel_name=private-project-1",
        "format injection in socket_id",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678%3Aprivate-project-2&channel_name=private-project-1",
        "encoded injection in socket_id",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-1:1234.5678:x",
        "colon in channel_name",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234&channel_name=private-project-1",
        "socket_id without a dot",
    ),
    (
        AUTH,
        FORM,
        "socket_id=-1.2&channel_name=private-project-1",
        "negative socket_id",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678%0A&channel_name=private-project-1",
        "newline in socket_id",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-1%0A",
        "newline in channel_name",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-1%00",
        "NUL in channel_name",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-1%E2%80%8B",
        "zero-width space",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-%EF%BC%91",
        "fullwidth digit",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project+1",
        "space (plus) in channel_name",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-",
        "bare private-",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=presence-",
        "bare presence-",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-encrypted-",
        "bare private-encrypted-",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=project-1",
        "public channel",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=%23server-to-user-alice",
        "server-to-user channel",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "channel name over 200 bytes",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-3",
        "a room with no grant",
    ),
    (
        AUTH,
        FORM,
        "socket_id=1234.5678&channel_name=private-project-01",
        "non-canonical id",
    ),
    (USER, FORM, "", "sign-in without socket_id"),
    (
        USER,
        FORM,
        "socket_id=1.2::user::x",
        "injection in the sign-in socket_id",
    ),
    (USER, JSON, r#"{"socket_id":"1.2"}"#, "JSON sign-in"),
    (
        BATCH,
        FORM,
        "socket_id=1.2&channel_name=private-project-1",
        "plain channel_name in a batch",
    ),
    (
        BATCH,
        FORM,
        "socket_id=1.2&channel_name[0]=private-project-1&channel_name[0]=private-project-2",
        "duplicate batch index",
    ),
    (
        BATCH,
        FORM,
        "socket_id=1.2&channel_name[x]=private-project-1",
        "batch index not a number",
    ),
    (
        BATCH,
        FORM,
        "socket_id=1.2:x&channel_name[0]=private-project-1",
        "injection in a batch socket_id",
    ),
    (
        BATCH,
        FORM,
        "socket_id=1.2&channel_name[0]=private-project-1&channel_name[1]=private-a%0A",
        "one bad name in a batch",
    ),
];

async fn app() -> Served {
    let backends = app::Backends::dev();
    serve(app::app(app::AppState::demo(Key::generate()), backends).unwrap()).await
}

/// alice's session cookie on `server`.
async fn login(server: &Served) -> String {
    let alice = Browser::logged_in(&server.url("/login"), "alice").await;
    alice.cookie().unwrap().to_owned()
}

#[tokio::test]
async fn hostile_requests_are_4xx_json_without_a_signature() {
    assert!(HOSTILE.len() >= 30);
    let server = app().await;
    let client = reqwest::Client::new();
    let cookie = login(&server).await;
    let mut cases: Vec<(&str, &str, String, &str)> = HOSTILE
        .iter()
        .map(|(path, ct, body, why)| (*path, *ct, (*body).to_owned(), *why))
        .collect();
    cases.push((
        AUTH,
        FORM,
        format!("socket_id=1.2&channel_name=private-{}", "a".repeat(20_000)),
        "oversize body",
    ));
    for (path, content_type, body, why) in cases {
        let res = client
            .post(server.url(path))
            .header("content-type", content_type)
            .header("cookie", &cookie)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        assert!((400..500).contains(&status), "{why}: {status} {text}");
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{why}: not JSON: {text}"));
        assert!(value["error"].is_string(), "{why}: {text}");
        assert!(!text.contains("app-key:"), "{why}: a signature in {text}");
    }
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let server = app().await;
    let client = reqwest::Client::new();
    let cookie = login(&server).await;
    let body = "socket_id=1234.5678&channel_name=private-project-1";
    let send = |headers: Vec<(&'static str, String)>| {
        let mut request = client
            .post(server.url(AUTH))
            .header("content-type", FORM)
            .header("cookie", &cookie)
            .body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let res = send(vec![("sec-fetch-site", "cross-site".into())])
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = send(vec![("origin", "https://evil.example".into())])
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let same = format!("http://{}", server.addr);
    let res = send(vec![
        ("origin", same),
        ("sec-fetch-site", "same-origin".into()),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("\"auth\":\"app-key:"));
}

#[test]
fn the_builder_refuses_an_unprotected_pusher_webhook() {
    let error = Webhook::<AxumContext<app::AppState>, Pusher>::builder(
        app::pusher::pusher_from_env_or_dev().unwrap(),
    )
    .rules(app::rules().unwrap())
    .build()
    .err()
    .expect("no cross-site protection: refused");
    assert!(error.to_string().contains("same_site_only"), "{error}");
}

/// The realtime example's Pusher configuration: its development default is
/// client events off (as Soketi's default app), `PUSHER_CLIENT_EVENTS`
/// overrides it, a value other than `on`/`off` stops it, and with a real
/// app's key and secret the stance is required.
#[test]
fn the_example_says_its_stance_on_client_events() {
    use roomauth::pusher::ClientEvents;
    use std::ffi::OsString;

    fn vars(
        vars: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Option<OsString> + Copy {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }
    let from = app::pusher::pusher_from_lookup_or_dev;
    assert_eq!(from(vars(&[])).unwrap().client_events(), ClientEvents::Off);
    assert_eq!(
        from(vars(&[("PUSHER_CLIENT_EVENTS", "on")]))
            .unwrap()
            .client_events(),
        ClientEvents::On
    );
    let error = from(vars(&[("PUSHER_CLIENT_EVENTS", "maybe")])).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("PUSHER_CLIENT_EVENTS is not valid: set it to `on` or `off`"),
        "{error}"
    );
    let error = from(vars(&[
        ("PUSHER_APP_KEY", "key"),
        ("PUSHER_APP_SECRET", "secret"),
    ]))
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("PUSHER_CLIENT_EVENTS is not set"),
        "{error}"
    );
    let app = from(vars(&[
        ("PUSHER_APP_KEY", "key"),
        ("PUSHER_APP_SECRET", "secret"),
        ("PUSHER_CLIENT_EVENTS", "off"),
    ]))
    .unwrap();
    assert_eq!(
        (app.app_key(), app.client_events()),
        ("key", ClientEvents::Off)
    );
}
