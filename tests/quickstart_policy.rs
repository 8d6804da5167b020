//! The quickstart's policy as a table, through `roomauth::testing`: no HTTP
//! server, no provisioner, just the app's own rules and extractors, and its
//! own login route to act as each user.

#[path = "../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;

use axum::body::Body;
use axum_extra::extract::cookie::Key;
use roomauth::axum::AxumContext;
use roomauth::room_service::LocalProvisioner;
use roomauth::testing::{Verdict, assert_policy, cookies_after};

#[tokio::test]
async fn who_may_join_which_project() {
    let state = app::AppState::demo(Key::generate());
    let webhook = app::webhook(LocalProvisioner::development()).unwrap();
    // The app's own login route makes the session: no forged cookie.
    let router = app::app(state.clone(), LocalProvisioner::development()).unwrap();
    let context_for = async |user: Option<&str>| {
        let mut request = http::Request::builder();
        if let Some(user) = user {
            let login = http::Request::post("/login")
                .header("content-type", "application/json")
                .body(Body::from(serde_json::json!({ "user": user }).to_string()))
                .unwrap();
            // A user the app does not know gets no session (400): anonymous.
            if let Ok(cookie) = cookies_after(&router, login).await {
                request = request.header("cookie", cookie);
            }
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
            // Not an integer in canonical form: no pattern matches (403 on the wire).
            (Some("alice"), "project-01", Verdict::NoRule),
            (Some("alice"), "project-", Verdict::NoRule),
            (Some("alice"), "team-1", Verdict::NoRule),
        ],
    )
    .await;
}
