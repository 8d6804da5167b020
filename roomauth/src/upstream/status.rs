//! A service's non-success status, mapped onto the one error kind every
//! relaying backend answers alike (502, 503 with `Retry-After`, 504).

use std::time::Duration;

use http::header::RETRY_AFTER;
use http::{HeaderMap, StatusCode};

use crate::error::upstream::UpstreamErrorKind;

/// The error kind for a non-success status.
pub(crate) fn status_error(status: StatusCode, headers: &HeaderMap) -> UpstreamErrorKind {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            UpstreamErrorKind::KeyRefused { status }
        }
        StatusCode::TOO_MANY_REQUESTS => UpstreamErrorKind::RateLimited {
            retry_after: retry_after(headers),
        },
        s if s.is_server_error() => UpstreamErrorKind::Server { status },
        _ => UpstreamErrorKind::UnexpectedStatus { status },
    }
}

/// `Retry-After` in seconds (the HTTP-date form is ignored), at most a day.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value
        .parse::<u64>()
        .ok()
        .map(|secs| Duration::from_secs(secs.min(24 * 60 * 60)))
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_and_capped() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("99999999"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(86_400)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
