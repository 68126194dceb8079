//! Fuzzes format auto-detection and the dispatch to the detected parser (`evcalc::parse::parse`).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    let detected = evcalc::parse::detect(&text);
    let result = evcalc::parse::parse(&text);
    // `parse` must dispatch on exactly what `detect` says — for one piece of text; a transcript
    // of several hosts is split first and each piece detected on its own.
    if let Ok(parsed) = &result
        && evcalc::parse::transcript::split(&text).is_none()
        && detected.is_some()
    {
        assert_eq!(Some(parsed.format), detected, "parse() used another format than detect()");
    }
    let result = result.map(|p| (p.documents, p.warnings));
    common::check(&text, &result);
});
