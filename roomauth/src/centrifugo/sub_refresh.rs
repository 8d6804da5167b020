//! [`CentrifugoSubRefresh`]: the [`Backend`] of the sub-refresh proxy.
//!
//! A subscription answered with `expire_at` ([`CentrifugoSubscribe::expire_after`])
//! is refreshed by Centrifugo before it expires: it posts the same request
//! shape as the subscribe proxy (`SubRefreshRequest`) to the endpoint of
//! `channel.proxy.sub_refresh` (`sub_refresh_proxy_enabled` on the
//! namespace), and the rules answer again:
//!
//! | outcome | body |
//! | --- | --- |
//! | still allowed | `{"result": {"expire_at": <now + interval>, "info": ..}}` |
//! | not allowed any more, no session, another user | `{"result": {"expired": true}}`: the client gets `unsubscribed` |
//! | the rule failed | `{"error": {"code": 500, "message": "internal error", "temporary": true}}` |

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rules::Decision;

use super::channel::room_of;
use super::config::CentrifugoSubscribe;
use super::proxy::{ProxyError, SubRefreshAnswer, SubscribeRequest};

/// The re-asking interval of [`CentrifugoSubscribe::sub_refresh`] when
/// [`CentrifugoSubscribe::expire_after`] was not set: a minute.
pub const DEFAULT_SUB_REFRESH_INTERVAL: Duration = Duration::from_secs(60);

impl CentrifugoSubscribe {
    /// The sub-refresh proxy endpoint for these subscriptions: the same
    /// static header, extending by the same interval
    /// ([`DEFAULT_SUB_REFRESH_INTERVAL`] when none was set).
    pub fn sub_refresh(&self) -> CentrifugoSubRefresh {
        CentrifugoSubRefresh::new(
            self.clone(),
            self.expire_after.unwrap_or(DEFAULT_SUB_REFRESH_INTERVAL),
        )
    }
}

/// `now + after` in Unix seconds, `after` at least a second (Centrifugo
/// counts in seconds).
pub(super) fn expire_at(after: Duration) -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    now.saturating_add(after.as_secs().max(1))
}

/// The sub-refresh proxy endpoint; made by
/// [`CentrifugoSubscribe::sub_refresh`], with the same static header.
#[derive(Debug, Clone)]
pub struct CentrifugoSubRefresh {
    subscribe: CentrifugoSubscribe,
    interval: Duration,
}

impl CentrifugoSubRefresh {
    pub(super) fn new(subscribe: CentrifugoSubscribe, interval: Duration) -> Self {
        CentrifugoSubRefresh {
            subscribe,
            interval,
        }
    }

    /// How far each allowed refresh extends the subscription.
    pub fn interval(&self) -> Duration {
        self.interval
    }
}

impl Backend for CentrifugoSubRefresh {
    type Request = SubscribeRequest;

    fn name(&self) -> &'static str {
        "centrifugo"
    }

    fn decode(
        &self,
        head: &RequestHead<'_>,
        body: &[u8],
    ) -> Result<SubscribeRequest, WebhookError> {
        self.subscribe
            .decode_proxy(head, body, "Centrifugo's sub-refresh proxy request")
    }

    fn room<'r>(&self, request: &'r SubscribeRequest) -> &'r str {
        // Validated in `decode`.
        room_of(&request.channel).unwrap_or(&request.channel)
    }

    fn refusal_reply(&self, error: WebhookError) -> Reply {
        let answer = match error {
            WebhookError::Unauthorized | WebhookError::Forbidden => SubRefreshAnswer::expired(),
            WebhookError::Internal => {
                SubRefreshAnswer::Error(ProxyError::new(500, "internal error", true))
            }
            other => return other.into(),
        };
        Reply::json(&answer)
    }

    async fn grant(
        &self,
        request: &SubscribeRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let answer = if CentrifugoSubscribe::same_user(request, decision.grant.user.as_str()) {
            SubRefreshAnswer::extended(expire_at(self.interval), decision.grant.info)
        } else {
            SubRefreshAnswer::expired()
        };
        Ok(Reply::json(&answer))
    }
}
