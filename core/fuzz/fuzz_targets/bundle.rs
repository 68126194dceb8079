//! Fuzzes `evcalc::parse::bundle::parse` directly (no format detection in front of it).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    let result = evcalc::parse::bundle::parse(&text);
    common::check(&text, &result);
});
