//! Captures every formatted log line (trace level and up) of the current
//! thread, for the tests that check what reaches the logs:
//! roomauth/tests/secrets.rs, untrusted_text.rs and, through `#[path]`,
//! the hardening tests' shared module tests/hardening/mod.rs.
//!
//! One global subscriber, installed on first use, formats every event and
//! hands the line to the capture of the thread it happened on, if any. A
//! subscriber per thread (`set_default`) is not enough: tracing caches per
//! call site whether any subscriber wants its events, and a call site first
//! hit on a thread without one, while another test is installing its own,
//! can be cached as "never" and then vanish from that test's capture.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, Once};

/// The log lines written so far.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

thread_local! {
    /// The capture of this thread, while a [`Capture`] guard lives.
    static CURRENT: RefCell<Option<Logs>> = const { RefCell::new(None) };
}

/// Ends this thread's capture when dropped (and gives the lines back to
/// the capture it replaced, if any).
pub struct Capture(Option<Logs>);

impl Drop for Capture {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

/// Writes a line to the current thread's capture, or nowhere.
struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CURRENT.with(|current| {
            if let Some(logs) = &*current.borrow() {
                logs.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    /// Captures every log line of this thread until the guard drops.
    pub fn capture() -> (Logs, Capture) {
        static GLOBAL: Once = Once::new();
        GLOBAL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(|| ThreadWriter)
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber in this test binary");
        });
        let logs = Logs::default();
        let previous = CURRENT.with(|current| current.borrow_mut().replace(logs.clone()));
        (logs, Capture(previous))
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
