//! libFuzzer target: see `roomauth_fuzz::oracles::pattern_parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| roomauth_fuzz::pattern_parse(data));
