//! Compile-time behaviour of the macros: what compiles (`tests/ui/pass`) and
//! the error each mistake gets (`tests/ui/fail/*.rs` with its `.stderr`).
//!
//! Regenerate the expected errors with `TRYBUILD=overwrite cargo test --test macros_ui`,
//! then read every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
