//! The realtime example's policy as a table, through `roomauth::testing`:
//! who may enter which project, with which access, with no backend and no
//! HTTP; the session is a real one, started as `POST /login` starts it.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use axum::response::IntoResponse;
use axum_extra::extract::cookie::{Cookie, Key, SignedCookieJar};
use roomauth::axum::AxumContext;
use roomauth::testing::{Verdict, assert_policy};

/// The `Cookie` header of a session of `user`, as the app issues it.
fn session_cookie(state: &app::AppState, user: &str) -> String {
    let session = state.start_session(user);
    let jar = SignedCookieJar::new(state.cookie_key.clone())
        .add(Cookie::new(app::SESSION_COOKIE, session));
    let response = (jar, ()).into_response();
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn who_may_enter_which_project() {
    let state = app::AppState::demo(Key::generate());
    let rules = app::rules().unwrap();
    let context_for = async |user: Option<&str>| {
        let mut request = http::Request::builder();
        if let Some(user) = user {
            request = request.header("cookie", session_cookie(&state, user));
        }
        AxumContext::new(request.body(()).unwrap(), state.clone())
    };
    assert_policy(
        &rules,
        context_for,
        [
            (Some("alice"), "project-1", Verdict::write("alice")),
            (Some("alice"), "project-2", Verdict::read("alice")),
            (Some("alice"), "project-3", Verdict::Forbidden),
            (Some("bob"), "project-1", Verdict::Forbidden),
            (Some("bob"), "project-2", Verdict::write("bob")),
            (Some("bob"), "project-3", Verdict::Forbidden),
            (Some("carol"), "project-1", Verdict::Forbidden),
            (Some("carol"), "project-2", Verdict::Forbidden),
            (None, "project-1", Verdict::Unauthorized),
            (None, "project-3", Verdict::Unauthorized),
            // Not an integer in canonical form: no pattern matches (403 on the wire).
            (Some("alice"), "project-01", Verdict::NoRule),
            (Some("alice"), "lobby", Verdict::NoRule),
            // Centrifugo's namespaced channels name the same projects.
            (Some("alice"), "project:1", Verdict::write("alice")),
            (Some("alice"), "project:2", Verdict::read("alice")),
            (Some("bob"), "project:1", Verdict::Forbidden),
            (None, "project:2", Verdict::Unauthorized),
        ],
    )
    .await;
}

#[tokio::test]
async fn grants_carry_the_users_name() {
    let state = app::AppState::demo(Key::generate());
    let rules = app::rules().unwrap();
    let request = http::Request::builder()
        .header("cookie", session_cookie(&state, "alice"))
        .body(())
        .unwrap();
    let decision = rules
        .decide("project-2", &mut AxumContext::new(request, state.clone()))
        .await
        .unwrap();
    // And the backend-specific parts: LiveKit's viewer role and agent,
    // Liveblocks' comments.
    assert_eq!(
        decision.grant,
        roomauth::Grant::read("alice")
            .with_info(serde_json::json!({ "name": "Alice" }))
            .with_extension(
                roomauth::livekit::LiveKitGrant::new()
                    .attribute("role", "viewer")
                    .allow_agents([app::NOTE_TAKER])
            )
            .with_extension(
                roomauth::liveblocks::LiveblocksGrant::new()
                    .comments(roomauth::liveblocks::Level::Write)
            )
    );
}
