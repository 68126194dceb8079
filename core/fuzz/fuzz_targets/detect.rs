//! Fuzzes format auto-detection and the dispatch to the detected parser (`evcalc::parse::parse`).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::detect(data));
