//! libFuzzer target: see `roomauth_fuzz::oracles::webhook_body`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| roomauth_fuzz::webhook_body(data));
