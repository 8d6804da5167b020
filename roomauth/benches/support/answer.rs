//! What the webhook benches (livekit.rs, webhook.rs) time on roomauth's
//! side: the axum adapter's steps, in process.

use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;
use roomauth::Webhook;
use roomauth::axum::AxumContext;
use roomauth::backend::Backend;
use roomauth::webhook::{Outcome, Reply, RequestHead};

/// Answers `body` with `parts` as the axum adapter does: decode with the
/// head, then hand the head and `state` to the rules. The status and the
/// body of the answer.
pub async fn in_process<S, B>(
    webhook: &Webhook<AxumContext<S>, B>,
    state: &S,
    parts: &Parts,
    body: &[u8],
) -> (StatusCode, Bytes)
where
    S: Clone + Send + Sync + 'static,
    B: Backend,
{
    let request = match webhook.decode(&RequestHead::new(&parts.headers), body) {
        Ok(request) => request,
        Err(error) => {
            let reply = Reply::from(error);
            return (reply.status, reply.body);
        }
    };
    let mut cx = AxumContext {
        parts: parts.clone(),
        state: state.clone(),
    };
    match webhook.answer(&request, &mut cx).await {
        Outcome::Reply(Reply { status, body, .. }) => (status, body),
        Outcome::Rejected(response) => (response.status(), Bytes::new()),
    }
}
