//! Fuzzes `evcalc::parse::rvtools::xlsx_tabs` (an `.xlsx` workbook's vInfo/vHost sheets as CSV)
//! and the CSV parser on each sheet it returns: bytes that start like a zip archive, as the CLI
//! hands them over.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::rvtools_xlsx(data));
