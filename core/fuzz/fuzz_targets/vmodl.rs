//! Fuzzes `evcalc::parse::vmodl::parse` directly (no format detection in front of it).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::vmodl(data));
