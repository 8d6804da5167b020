//! Where a browser's request comes from: the one cross-site check of the
//! webhooks and of the guards of the app's own realtime server.
//!
//! A browser sends `Origin` (and `Sec-Fetch-Site`) with every cross-site
//! request it makes, including the WebSocket handshake, which no CORS
//! preflight protects: an [`OriginPolicy`] refuses the ones the app did not
//! allow, before any body is read or any connection upgraded.

use crate::error::WebhookError;
use crate::request::RequestHead;
use crate::text::truncate;

/// Which pages' requests are answered: any (the default of a JSON
/// webhook), the app's own origin only ([`same_site_only`](Self::same_site_only)),
/// or the listed origins ([`allow`](Self::allow)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    /// `None`: no list; otherwise the allowed `Origin` values, normalized.
    allowed: Option<Vec<String>>,
    /// Refuse requests a browser marks as cross-site.
    same_site_only: bool,
}

impl OriginPolicy {
    /// A policy that refuses what a browser marks as cross-site: for an
    /// endpoint only the app's own pages call.
    pub fn same_site_only() -> OriginPolicy {
        OriginPolicy {
            allowed: None,
            same_site_only: true,
        }
    }

    /// Accepts browser requests only from these origins
    /// (`https://app.example.com`: scheme, host and port as the browser
    /// sends them in `Origin`; compared ASCII case-insensitively, a trailing
    /// `/` ignored). A request whose `Origin` is another one, `null`, or not
    /// readable is refused. A request without `Origin` (not from a browser)
    /// is accepted unless its `Sec-Fetch-Site` says it is cross-site.
    pub fn allow<I>(&mut self, origins: I)
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let list = self.allowed.get_or_insert_with(Vec::new);
        list.extend(origins.into_iter().map(|o| normalize_origin(o.as_ref())));
    }

    /// Refuses requests a browser marks as coming from another site (see
    /// [`OriginPolicy::same_site_only`]).
    pub fn require_same_site(&mut self) {
        self.same_site_only = true;
    }

    /// Whether neither an allow-list nor same-site-only is set: every
    /// origin is answered.
    pub fn is_open(&self) -> bool {
        self.allowed.is_none() && !self.same_site_only
    }

    /// Whether a request with this head may be answered.
    pub fn allows(&self, head: &RequestHead<'_>) -> bool {
        // `Origin` is looked up only when an allow-list is set: without one
        // (a JSON webhook's default) the lookup would cost every request a
        // header search.
        if let Some(allowed) = &self.allowed {
            if let Some(origin) = head.origin() {
                let origin = normalize_origin(origin);
                return !origin.is_empty() && allowed.contains(&origin);
            }
            // No `Origin`: not a browser's cross-origin request, unless the
            // browser says otherwise (an old one that omits `Origin`).
            return same_site(head);
        }
        if self.same_site_only {
            return same_site(head);
        }
        true
    }

    /// [`allows`](Self::allows), or the contract's 403, logged with the
    /// builder call that would let that origin's pages in. `what` names the
    /// endpoint in the log (`"room auth"`, `"room guard"`).
    pub fn check(&self, head: &RequestHead<'_>, what: &'static str) -> Result<(), WebhookError> {
        if self.allows(head) {
            return Ok(());
        }
        // At most 128 bytes of it, quoted and escaped (a `str` field): the
        // header is the client's.
        let origin = head.origin().map(|o| truncate(o, 128));
        tracing::info!(
            origin,
            outcome = "origin refused",
            hint = self.hint(),
            "{what}"
        );
        Err(WebhookError::OriginRefused)
    }

    /// What to change when a page's own requests are refused as
    /// cross-site: the builder call that allows them.
    fn hint(&self) -> &'static str {
        if self.allowed.is_some() {
            "the request's Origin is not in the builder's `.allowed_origins([..])`: \
             add it there (scheme, host and port, like `https://app.example`) if that \
             origin's pages call this endpoint"
        } else {
            "the builder's `.same_site_only()` refuses pages of other origins: call \
             `.allowed_origins([\"https://app.example\"])` with the origins whose pages \
             call this endpoint"
        }
    }
}

/// Whether a browser says the request comes from the page's own origin:
/// `Sec-Fetch-Site` `same-origin` or `none`; without it, an `Origin` whose
/// host (and port) is the `Host`, or no `Origin` at all (not a browser's
/// cross-site request).
fn same_site(head: &RequestHead<'_>) -> bool {
    if let Some(site) = head.header("sec-fetch-site") {
        return site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none");
    }
    let Some(origin) = head.origin() else {
        return true;
    };
    let host = head.header(http::header::HOST).unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest.trim_end_matches('/'));
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

/// An origin as compared: trimmed, without a trailing `/`, lower case.
fn normalize_origin(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use http::HeaderMap;

    use super::*;

    fn head(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, http::HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn open_by_default() {
        let policy = OriginPolicy::default();
        assert!(policy.is_open());
        let cross = head(&[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(policy.allows(&RequestHead::new(&cross)));
    }

    #[test]
    fn same_site_only_refuses_what_the_browser_marks_cross_site() {
        let policy = OriginPolicy::same_site_only();
        assert!(!policy.is_open());
        for (pairs, allowed) in [
            (&[("sec-fetch-site", "same-origin")][..], true),
            (&[("sec-fetch-site", "none")][..], true),
            (&[("sec-fetch-site", "same-site")][..], false),
            (&[("sec-fetch-site", "cross-site")][..], false),
            (&[][..], true),
            (
                &[
                    ("origin", "http://app.example:8090"),
                    ("host", "app.example:8090"),
                ][..],
                true,
            ),
            (
                &[
                    ("origin", "http://evil.example"),
                    ("host", "app.example:8090"),
                ][..],
                false,
            ),
            (&[("origin", "null"), ("host", "app.example")][..], false),
        ] {
            let headers = head(pairs);
            assert_eq!(
                policy.allows(&RequestHead::new(&headers)),
                allowed,
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn an_allow_list_compares_normalized_origins() {
        let mut policy = OriginPolicy::default();
        policy.allow(["https://App.Example/"]);
        for (pairs, allowed) in [
            (&[("origin", "https://app.example")][..], true),
            (&[("origin", "HTTPS://APP.EXAMPLE/")][..], true),
            (&[("origin", "https://app.example:8443")][..], false),
            (&[("origin", "null")][..], false),
            (&[][..], true),
            (&[("sec-fetch-site", "cross-site")][..], false),
        ] {
            let headers = head(pairs);
            assert_eq!(
                policy.allows(&RequestHead::new(&headers)),
                allowed,
                "{pairs:?}"
            );
        }
        let refused = head(&[("origin", "https://evil.example")]);
        assert!(matches!(
            policy.check(&RequestHead::new(&refused), "room auth"),
            Err(WebhookError::OriginRefused)
        ));
    }
}
