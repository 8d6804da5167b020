//! The one form decoder: `application/x-www-form-urlencoded` bodies, read
//! strictly. Broken percent-encoding or a field sent twice is a 400, never
//! a guess. Which fields a body must have is the backend's (Pusher's
//! `socket_id`, `channel_name`). Compiled with the backends that take forms.

use std::borrow::Cow;

use crate::error::WebhookError;

/// The content type of form bodies.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Refuses a body not declared as a form (415).
pub fn require_form(content_type: Option<&str>) -> Result<(), WebhookError> {
    let essence = content_type
        .and_then(|ct| ct.split(';').next())
        .map(str::trim);
    match essence {
        Some(essence) if essence.eq_ignore_ascii_case(FORM_CONTENT_TYPE) => Ok(()),
        _ => Err(WebhookError::WrongContentType {
            expected: FORM_CONTENT_TYPE,
        }),
    }
}

/// Why a form body was refused; each message says what to fix and never
/// repeats the input.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// A `%` not followed by two hex digits.
    #[error("the body's percent-encoding is broken: `%` must be followed by two hex digits")]
    Percent,
    /// A field sent twice.
    #[error("`{0}` is sent more than once")]
    Duplicate(&'static str),
}

crate::error::debug_is_display!(FormError);

/// The body's fields, decoded, after checking the percent-encoding
/// (`form_urlencoded` would keep a broken `%zz` as text).
pub fn fields(body: &[u8]) -> Result<form_urlencoded::Parse<'_>, FormError> {
    let mut rest = body;
    while let Some(at) = memchr::memchr(b'%', rest) {
        match rest.get(at + 1..at + 3) {
            Some([a, b]) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => {
                rest = &rest[at + 3..];
            }
            _ => return Err(FormError::Percent),
        }
    }
    Ok(form_urlencoded::parse(body))
}

/// Sets `slot` to field `name`'s `value`, refusing a second value.
pub fn once<'a>(
    slot: &mut Option<Cow<'a, str>>,
    value: Cow<'a, str>,
    name: &'static str,
) -> Result<(), FormError> {
    match slot {
        Some(_) => Err(FormError::Duplicate(name)),
        None => {
            *slot = Some(value);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type() {
        assert!(require_form(Some("application/x-www-form-urlencoded; charset=UTF-8")).is_ok());
        assert!(require_form(Some("Application/X-WWW-Form-Urlencoded")).is_ok());
        for content_type in [None, Some("application/json"), Some("multipart/form-data")] {
            assert_eq!(require_form(content_type).unwrap_err().status(), 415);
        }
    }

    #[test]
    fn strict_fields() {
        let pairs: Vec<_> = fields(b"a=1&b=%E2%9C%93&c").ok().unwrap().collect();
        assert_eq!(pairs[1], (Cow::from("b"), Cow::from("\u{2713}")));
        for broken in [&b"a=%zz"[..], b"a=%", b"a=%4", b"%4=1"] {
            assert!(matches!(fields(broken), Err(FormError::Percent)));
        }
        let mut slot = None;
        once(&mut slot, "1".into(), "a").unwrap();
        assert_eq!(
            once(&mut slot, "2".into(), "a"),
            Err(FormError::Duplicate("a"))
        );
    }
}
