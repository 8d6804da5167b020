//! Keeping the service's key out of what is shown and relayed: an answer
//! that quotes the key is refused, and a reason that quotes an answer is
//! scrubbed of it.

/// The longest reason quoted in an
/// [`UpstreamErrorKind::InvalidAnswer`](crate::error::upstream::UpstreamErrorKind::InvalidAnswer).
pub const MAX_REASON_BYTES: usize = 200;

/// Whether `body` holds `key`: as it is, or, in a JSON answer that uses
/// escapes (`\/`, `\u0073`), in a decoded string.
pub(crate) fn quotes_key(body: &[u8], key: &str) -> bool {
    if key.is_empty() {
        return false;
    }
    if memchr::memmem::find(body, key.as_bytes()).is_some() {
        return true;
    }
    // Escapes only: answers without a backslash were checked above.
    if memchr::memchr(b'\\', body).is_none() {
        return false;
    }
    fn holds(value: &serde_json::Value, key: &str) -> bool {
        match value {
            serde_json::Value::String(text) => text.contains(key),
            serde_json::Value::Array(items) => items.iter().any(|v| holds(v, key)),
            serde_json::Value::Object(fields) => fields
                .iter()
                .any(|(name, v)| name.contains(key) || holds(v, key)),
            _ => false,
        }
    }
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|value| holds(&value, key))
}

/// `text` without `key`, nor the beginning of `key` where a quote of it was
/// cut short (a reason is truncated before it is scrubbed, and the cut may
/// fall inside the key). Also scrubs the key as JSON would escape it.
pub(crate) fn redact(text: &str, key: &str) -> String {
    const MARK: &str = "[redacted]";
    if key.is_empty() {
        return text.to_owned();
    }
    let mut text = text.replace(key, MARK);
    let escaped = serde_json::to_string(key).unwrap_or_default();
    let escaped = escaped.trim_matches('"');
    if escaped != key && !escaped.is_empty() {
        text = text.replace(escaped, MARK);
    }
    let Some(quoted) = text.strip_suffix("...") else {
        return text;
    };
    match (1..key.len())
        .rev()
        .filter(|&len| key.is_char_boundary(len))
        .find(|&len| quoted.ends_with(&key[..len]))
    {
        Some(len) => format!("{}{MARK}...", &quoted[..quoted.len() - len]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_cut_short_is_redacted_too() {
        const KEY: &str = "sk_live_TOPSECRETvalue123";
        for cut in 1..KEY.len() {
            let text = format!("quoting {}...", &KEY[..cut]);
            let redacted = redact(&text, KEY);
            assert!(!redacted.contains(&KEY[..cut.max(4)]), "{redacted}");
            assert!(redacted.ends_with("[redacted]..."), "{redacted}");
        }
        assert_eq!(redact("no key here...", KEY), "no key here...");
        assert_eq!(redact(&format!("a {KEY} b"), KEY), "a [redacted] b");
    }

    #[test]
    fn a_key_with_json_escapes_is_redacted_as_printed() {
        let key = r#"k"ey\1"#;
        let printed = serde_json::json!({ "echo": key }).to_string();
        assert!(!redact(&printed, key).contains("ey\\\\1"), "{printed}");
    }

    #[test]
    fn a_quoted_key_is_found_also_behind_json_escapes() {
        const KEY: &str = "sk_live/TOPSECRET";
        for body in [
            format!(r#"{{"token":"t","echo":"{KEY}"}}"#),
            r#"{"token":"t","echo":"sk_live\/TOPSECRET"}"#.to_owned(),
            r#"{"token":"t","\u0073k_live/TOPSECRET":1}"#.to_owned(),
            format!("not json, {KEY}"),
        ] {
            assert!(quotes_key(body.as_bytes(), KEY), "{body}");
        }
        for body in [r#"{"token":"t"}"#, r#"{"token":"sk_live\/TOP"}"#, "\\"] {
            assert!(!quotes_key(body.as_bytes(), KEY), "{body}");
        }
    }
}
