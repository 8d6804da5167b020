//! The quickstart's policy as a table, through `roomauth::testing`: no HTTP,
//! no provisioner, just the app's own rules and extractors.

#[path = "../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;

use std::sync::Arc;

use axum::response::IntoResponse;
use axum_extra::extract::cookie::{Cookie, Key, SignedCookieJar};
use roomauth::axum::AxumContext;
use roomauth::room_service::LocalProvisioner;
use roomauth::testing::{Verdict, assert_policy};

/// The `Cookie` header of a genuine session for `user`.
fn session_cookie(key: &Key, user: &str) -> String {
    let jar =
        SignedCookieJar::new(key.clone()).add(Cookie::new(app::SESSION_COOKIE, user.to_owned()));
    let response = (jar, ()).into_response();
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn who_may_join_which_project() {
    let state = app::AppState {
        cookie_key: Key::generate(),
        members: Arc::new(app::demo_members()),
    };
    let webhook = app::webhook(LocalProvisioner::development()).unwrap();
    let context_for = async |user: Option<&str>| {
        let mut request = http::Request::builder();
        if let Some(user) = user {
            request = request.header("cookie", session_cookie(&state.cookie_key, user));
        }
        AxumContext::new(request.body(()).unwrap(), state.clone())
    };
    assert_policy(
        webhook.rules(),
        context_for,
        [
            (Some("alice"), "project-1", Verdict::write("alice")),
            (Some("alice"), "project-2", Verdict::write("alice")),
            (Some("alice"), "project-3", Verdict::Forbidden),
            (Some("bob"), "project-1", Verdict::Forbidden),
            (Some("bob"), "project-2", Verdict::write("bob")),
            (Some("mallory"), "project-2", Verdict::Unauthorized),
            (None, "project-1", Verdict::Unauthorized),
            (Some("alice"), "project-01", Verdict::Forbidden),
            (Some("alice"), "project-", Verdict::NoRule),
            (Some("alice"), "team-1", Verdict::NoRule),
        ],
    )
    .await;
}
