//! Compile-time behaviour of the macros: what compiles (`tests/ui/pass`) and
//! the error each mistake gets (`tests/ui/fail/*.rs` with its `.stderr`).
//!
//! Regenerate the expected errors with `TRYBUILD=overwrite cargo test --test macros_ui`,
//! then read every changed `.stderr`.

#[test]
fn ui() {
    // Two runs, one after the other (they share trybuild's project). Alone,
    // the compile-fail cases are checked by one `cargo check --keep-going`
    // over all of them; mixed with pass cases, trybuild builds every case by
    // itself (a cargo run of seconds each, minutes in all on two cores).
    {
        let t = trybuild::TestCases::new();
        t.compile_fail("tests/ui/fail/*.rs");
    }
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
}
