//! The request as every backend reads it: its head, and the checks of its
//! content type.

use http::HeaderMap;

use crate::error::WebhookError;

/// The request's head as the webhook and the backends read it.
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    /// Every request header.
    pub headers: &'a HeaderMap,
}

impl<'a> RequestHead<'a> {
    /// A head with these headers.
    pub fn new(headers: &'a HeaderMap) -> RequestHead<'a> {
        RequestHead { headers }
    }

    /// Header `name` as text; `Some("")` when it is there but not visible
    /// ASCII (which no check accepts), `None` when absent.
    pub fn header(&self, name: impl http::header::AsHeaderName) -> Option<&'a str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().unwrap_or_default())
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&'a str> {
        self.header(http::header::CONTENT_TYPE)
    }

    /// The `Origin` header.
    pub fn origin(&self) -> Option<&'a str> {
        self.header(http::header::ORIGIN)
    }
}

/// Refuses a body not declared as JSON (`application/json` or
/// `application/*+json`) with a 415: a cross-site form or `text/plain` post
/// cannot be sent as JSON without a CORS preflight, which the webhook never
/// answers. The one JSON content-type check of every JSON backend.
pub fn require_json(content_type: Option<&str>) -> Result<(), WebhookError> {
    let Some(content_type) = content_type else {
        return Err(WebhookError::UnsupportedMediaType);
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let is_json = essence.eq_ignore_ascii_case("application/json")
        || essence.rsplit_once('+').is_some_and(|(kind, suffix)| {
            suffix.eq_ignore_ascii_case("json")
                && kind.to_ascii_lowercase().starts_with("application/")
        });
    if is_json {
        Ok(())
    } else {
        Err(WebhookError::UnsupportedMediaType)
    }
}
