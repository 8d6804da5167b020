//! Untrusted text in messages and log lines: one routine cuts it, one
//! escapes it, so that a client's or a service's words can neither flood a
//! log nor end a line and forge the next one.

use std::fmt;

/// Cuts `text` to at most `max` bytes on a character boundary, marking the
/// cut with `...`. The one truncation routine of the crate.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// `text` with control characters written as `\u{..}` escapes, so that a
/// quote of untrusted text cannot forge log lines.
pub fn escape_controls(text: &str) -> String {
    if !text.contains(char::is_control) {
        return text.to_owned();
    }
    Escaped(text).to_string()
}

/// Displays a value with its control characters written as `\u{..}`
/// escapes: for untrusted text (an upstream's words, a name, an app's error)
/// in messages and log lines, so that it cannot end a log line and forge
/// the next one.
pub struct Escaped<T>(pub T);

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        /// Passes text through, escaping control characters.
        struct Escaping<'a, 'b>(&'a mut fmt::Formatter<'b>);
        impl fmt::Write for Escaping<'_, '_> {
            fn write_str(&mut self, text: &str) -> fmt::Result {
                let mut rest = text;
                while let Some(at) = rest.find(char::is_control) {
                    let (plain, tail) = rest.split_at(at);
                    self.0.write_str(plain)?;
                    let mut chars = tail.chars();
                    if let Some(control) = chars.next() {
                        write!(self.0, "{}", control.escape_unicode())?;
                    }
                    rest = chars.as_str();
                }
                self.0.write_str(rest)
            }
        }
        write!(Escaping(f), "{}", self.0)
    }
}

/// The log lines written while `f` runs on this thread, without colours:
/// for the unit tests that check what a refusal or a clamp logs.
#[cfg(test)]
pub(crate) fn logs_of(f: impl FnOnce()) -> String {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdef", 3), "abc...");
        assert_eq!(truncate("ééé", 3), "é...");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\nb"), "a\\u{a}b");
        assert_eq!(escape_controls("plain"), "plain");
        assert_eq!(
            Escaped(format_args!("x\r\n{}\u{1b}[1m", "y\u{85}")).to_string(),
            "x\\u{d}\\u{a}y\\u{85}\\u{1b}[1m"
        );
    }
}
