//! Fuzzes `evcalc::parse::rvtools::xlsx_tabs` (an `.xlsx` workbook's vInfo/vHost sheets as CSV)
//! and the CSV parser on each sheet it returns: bytes that start like a zip archive, as the CLI
//! hands them over.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend_from_slice(data.strip_prefix(b"PK\x03\x04").unwrap_or(data));
    if let Ok(tabs) = evcalc::parse::rvtools::xlsx_tabs(&bytes) {
        for (_, csv) in tabs {
            let result = evcalc::parse::parse(&csv).map(|p| (p.documents, p.warnings));
            common::check(&csv, &result);
        }
    }
});
