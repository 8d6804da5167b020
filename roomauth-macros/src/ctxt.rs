//! The error context: gathers every mistake in the macro input, so that one
//! compilation shows them all (like serde_derive's `Ctxt`).
//!
//! Each error reads like Rocket's on stable Rust: a first line that names the
//! fault, then the fix on a `= help:` line, written into the message the way
//! `proc-macro2-diagnostics` joins a help note without a span of its own
//! (stable proc macros can emit errors only, through `compile_error!`):
//!
//! ```text
//! error: unknown access `wrte`: did you mean `write`?
//!        = help: the rule's maximum access is `read` or `write` (the default)
//!  --> src/main.rs:3:46
//! ```

use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// How a help note is joined to its error's message: on its own line, which
/// rustc indents under the message's first word, as Rocket's notes are.
const HELP: &str = "\n= help: ";

/// The message of an error with its fix on a `= help:` line.
pub fn with_help(message: impl Display, help: impl Display) -> String {
    format!("{message}{HELP}{help}")
}

/// Collects errors while a macro input is parsed and validated. Every error
/// says how to fix it, on its `help:` line.
///
/// It must be consumed by [`Ctxt::check`]: dropping it unchecked panics (in
/// the macro, a bug of ours), so that no error is ever lost.
pub struct Ctxt {
    /// `None` once checked.
    errors: Option<Vec<syn::Error>>,
}

impl Ctxt {
    /// An empty context.
    pub fn new() -> Ctxt {
        Ctxt {
            errors: Some(Vec::new()),
        }
    }

    fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(errors) => errors.push(error),
            // `check` takes `self`, so no error can come after it.
            None => unreachable!("Ctxt used after check"),
        }
    }

    /// Records an error at `span` whose fix goes on a `= help:` line.
    pub fn error_help(&mut self, span: Span, message: impl Display, help: impl Display) {
        self.push(syn::Error::new(span, with_help(message, help)));
    }

    /// Records an error spanning all of `tokens`, with its fix on a
    /// `= help:` line.
    pub fn error_spanned_help(
        &mut self,
        tokens: impl ToTokens,
        message: impl Display,
        help: impl Display,
    ) {
        self.push(syn::Error::new_spanned(tokens, with_help(message, help)));
    }

    /// Records an error that syn produced.
    pub fn syn_error(&mut self, error: syn::Error) {
        self.push(error);
    }

    /// All errors combined into one, or `Ok` if there were none.
    pub fn check(mut self) -> syn::Result<()> {
        let mut errors = self.errors.take().into_iter().flatten();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if self.errors.is_some() && !std::thread::panicking() {
            panic!("roomauth-macros bug: an error context was dropped without `Ctxt::check`");
        }
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::Span;

    use super::Ctxt;

    #[test]
    fn gathers_errors_in_order() {
        let mut cx = Ctxt::new();
        cx.error_help(Span::call_site(), "first", "fix it");
        cx.error_help(Span::call_site(), "second", "fix that");
        let errors: Vec<String> = cx
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            errors,
            ["first\n= help: fix it", "second\n= help: fix that"]
        );
        assert!(Ctxt::new().check().is_ok());
    }

    #[test]
    #[should_panic(expected = "without `Ctxt::check`")]
    fn panics_when_dropped_unchecked() {
        let mut cx = Ctxt::new();
        cx.error_help(Span::call_site(), "lost", "never shown");
        drop(cx);
    }
}
