//! Policy tests for apps: assert who may join which room against the app's
//! own rules, without HTTP and without a provisioner.
//!
//! ```ignore
//! use roomauth::testing::{Verdict, assert_policy};
//!
//! assert_policy(&webhook, |user| context_logged_in_as(user), [
//!     (Some("alice"), "project-1", Verdict::allowed("alice")),
//!     (Some("bob"),   "project-1", Verdict::Forbidden),
//!     (None,          "project-1", Verdict::Unauthorized),
//!     (Some("alice"), "elsewhere", Verdict::Forbidden),
//! ]).await;
//! ```

use std::fmt;

use crate::rule::RequestContext;
use crate::webhook::{Denied, RoomRequest, Webhook, WebhookError};

/// What the rules decide for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Let in, as this user id.
    Allowed(String),
    /// 401: not logged in.
    Unauthorized,
    /// 403: not allowed, or no rule answers for the room.
    Forbidden,
    /// 500: the rule failed.
    Internal,
    /// A framework extractor's rejection was passed through.
    Rejected,
}

impl Verdict {
    /// [`Verdict::Allowed`] for `user`.
    pub fn allowed(user: impl Into<String>) -> Verdict {
        Verdict::Allowed(user.into())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Allowed(user) => write!(f, "allowed as `{user}`"),
            Verdict::Unauthorized => f.write_str("401 unauthorized"),
            Verdict::Forbidden => f.write_str("403 forbidden"),
            Verdict::Internal => f.write_str("500 internal error"),
            Verdict::Rejected => f.write_str("rejected by an extractor"),
        }
    }
}

impl<Cx: RequestContext> Webhook<Cx> {
    /// What the rules decide for joining `room` with request context `cx`.
    pub async fn verdict(&self, room: &str, cx: &mut Cx) -> Verdict {
        let request = RoomRequest {
            room: room.to_owned(),
            documents: Vec::new(),
        };
        match self.authorize(&request, cx).await {
            Ok(grant) => Verdict::Allowed(grant.request.user),
            Err(Denied::Rejected(_)) => Verdict::Rejected,
            Err(Denied::Error(WebhookError::Unauthorized)) => Verdict::Unauthorized,
            Err(Denied::Error(WebhookError::Forbidden)) => Verdict::Forbidden,
            Err(Denied::Error(_)) => Verdict::Internal,
        }
    }
}

/// Checks every `(user, room, expected)` row, building each request context
/// with `context_for(user)`, and panics with every row that disagrees.
pub async fn assert_policy<'a, Cx, F>(
    webhook: &Webhook<Cx>,
    mut context_for: F,
    table: impl IntoIterator<Item = (Option<&'a str>, &'a str, Verdict)>,
) where
    Cx: RequestContext,
    F: FnMut(Option<&str>) -> Cx,
{
    let mut failures = Vec::new();
    let mut rows = 0;
    for (user, room, expected) in table {
        rows += 1;
        let actual = webhook.verdict(room, &mut context_for(user)).await;
        if actual != expected {
            failures.push(format!(
                "  {} joining `{room}`: expected {expected}, got {actual}",
                user.map_or_else(|| "anonymous".to_owned(), |u| format!("`{u}`"))
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {rows} policy rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
