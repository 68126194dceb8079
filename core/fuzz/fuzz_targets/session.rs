//! Fuzzes the whole front-end path: `session::load` of one or more inputs (the data split at
//! `0xff` bytes, never valid UTF-8, into up to 8 files), EVC choice, then the cluster answer
//! (`app::cluster_in`), every host report and every VM report on the result.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::session(data));
