//! The fuzz targets' bodies and their shared checks: bytes → text as the front ends do it, and
//! invariants every parser result must satisfy besides "no panic, no hang, bounded memory".
//!
//! Each `fuzz_targets/<name>.rs` calls its body here; the stable test `tests/it/fuzz_replay.rs`
//! includes this file too and replays every body over the seed fixtures and deterministic
//! mutations of them, so that CI exercises the same invariants without nightly or libFuzzer.
#![allow(dead_code)]

use evcalc::input::{Document, Entry, ParseError, Pos, Warning};

/// Fuzz bytes as the CLI reads a file: UTF-8 with invalid bytes replaced.
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Lengths (in characters, line break excluded) of the lines of `text` as the parsers count
/// them: split on `\n` only.
fn line_lengths(text: &str) -> Vec<usize> {
    text.split('\n').map(|l| l.chars().count()).collect()
}

/// A position must lie inside the text: 1 ≤ line ≤ line count, 1 ≤ col ≤ line length + 1.
/// `Pos { 0, 0 }` means "unknown" and is allowed for records, not for errors.
fn check_pos(lines: &[usize], pos: Pos, what: &str, allow_unknown: bool) {
    if allow_unknown && pos.line == 0 && pos.col == 0 {
        return;
    }
    assert!(
        pos.line >= 1 && pos.col >= 1,
        "{what}: position {pos:?} is not 1-based"
    );
    let line = pos.line as usize;
    assert!(
        line <= lines.len(),
        "{what}: line {} past the end ({} lines)",
        pos.line,
        lines.len()
    );
    let max_col = lines[line - 1] + 1;
    assert!(
        pos.col as usize <= max_col,
        "{what}: column {} past the end of line {} ({} characters)",
        pos.col,
        pos.line,
        max_col - 1
    );
}

fn check_entries<T>(lines: &[usize], entries: &[Entry<T>]) {
    for e in entries {
        check_pos(lines, e.pos, "entry", true);
    }
}

/// Checks a parser's answer against the text it was given.
pub fn check(text: &str, result: &Result<(Vec<Document>, Vec<Warning>), ParseError>) {
    let lines = line_lengths(text);
    match result {
        Err(e) => {
            check_pos(&lines, e.pos, &format!("error `{}`", e.message), false);
            assert!(!e.message.is_empty(), "empty error message");
        }
        Ok((docs, warnings)) => {
            for w in warnings {
                check_pos(&lines, w.pos, &format!("warning `{}`", w.message), true);
            }
            for doc in docs {
                match doc {
                    Document::Host(h) => {
                        check_pos(&lines, h.pos, "host", true);
                        check_entries(&lines, &h.capabilities);
                        check_entries(&lines, &h.masked_capabilities);
                        check_entries(&lines, &h.evc_masks);
                    }
                    Document::Vm(v) => {
                        check_pos(&lines, v.pos, "vm", true);
                        check_entries(&lines, &v.requirements);
                        check_entries(&lines, &v.offline_requirements);
                        check_entries(&lines, &v.masks);
                    }
                    Document::Masks(m) => {
                        check_entries(&lines, &m.evc_masks);
                        check_entries(&lines, &m.vm_masks);
                    }
                    Document::EvcState(_) | Document::Fleet(_) | Document::Inventory(_) => {}
                    Document::VmotionError(e) => {
                        for f in &e.features {
                            check_pos(&lines, f.pos, "error feature", true);
                        }
                    }
                    Document::EvcModes(modes) => {
                        for m in modes {
                            check_entries(&lines, &m.feature_capability);
                            check_entries(&lines, &m.feature_mask);
                            check_entries(&lines, &m.feature_requirement);
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The bodies, one per fuzz target

/// Fuzz target `bundle`: `evcalc::parse::bundle::parse`, then the position checks.
pub fn bundle(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::bundle::parse(&text);
    check(&text, &result);
}

/// Fuzz target `cpuid_dump`: `evcalc::parse::cpuid_dump::parse`, then the position checks.
pub fn cpuid_dump(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::cpuid_dump::parse(&text);
    check(&text, &result);
}

/// Fuzz target `cpuid_reg_masks`: `evcalc::parse::cpuid_reg_masks::parse`, then the position checks.
pub fn cpuid_reg_masks(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::cpuid_reg_masks::parse(&text);
    check(&text, &result);
}

/// Fuzz target `cpuinfo`: `evcalc::parse::cpuinfo::parse`, then the position checks.
pub fn cpuinfo(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::cpuinfo::parse(&text);
    check(&text, &result);
}

/// Fuzz target `evc9`: `evcalc::parse::evc9::parse`, then the position checks.
pub fn evc9(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::evc9::parse(&text);
    check(&text, &result);
}

/// Fuzz target `govc_json`: `evcalc::parse::govc_json::parse`, then the position checks.
pub fn govc_json(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::govc_json::parse(&text);
    check(&text, &result);
}

/// Fuzz target `govc_xml`: `evcalc::parse::govc_xml::parse`, then the position checks.
pub fn govc_xml(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::govc_xml::parse(&text);
    check(&text, &result);
}

/// Fuzz target `masklines`: `evcalc::parse::masklines::parse`, then the position checks.
pub fn masklines(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::masklines::parse(&text);
    check(&text, &result);
}

/// Fuzz target `rvtools`: `evcalc::parse::rvtools::parse`, then the position checks.
pub fn rvtools(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::rvtools::parse(&text);
    check(&text, &result);
}

/// Fuzz target `vmodl`: `evcalc::parse::vmodl::parse`, then the position checks.
pub fn vmodl(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::vmodl::parse(&text);
    check(&text, &result);
}

/// Fuzz target `vmotion_error`: `evcalc::parse::vmotion_error::parse`, then the position checks.
pub fn vmotion_error(data: &[u8]) {
    let text = text(data);
    let result = evcalc::parse::vmotion_error::parse(&text);
    check(&text, &result);
}

/// Fuzz target `detect`: format auto-detection and the dispatch to the detected parser.
pub fn detect(data: &[u8]) {
    let text = text(data);
    let detected = evcalc::parse::detect(&text);
    let result = evcalc::parse::parse(&text);
    // `parse` must dispatch on exactly what `detect` says — for one piece of text; a transcript
    // of several hosts is split first and each piece detected on its own.
    if let Ok(parsed) = &result
        && evcalc::parse::transcript::split(&text).is_none()
        && detected.is_some()
    {
        assert_eq!(
            Some(parsed.format),
            detected,
            "parse() used another format than detect()"
        );
    }
    let result = result.map(|p| (p.documents, p.warnings));
    check(&text, &result);
}

/// Fuzz target `rvtools_xlsx`: the bytes as an xlsx file (with a zip signature), each tab read
/// as CSV through the format detection.
pub fn rvtools_xlsx(data: &[u8]) {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend_from_slice(data.strip_prefix(b"PK\x03\x04").unwrap_or(data));
    if let Ok(tabs) = evcalc::parse::rvtools::xlsx_tabs(&bytes) {
        for (_, csv) in tabs {
            let result = evcalc::parse::parse(&csv).map(|p| (p.documents, p.warnings));
            check(&csv, &result);
        }
    }
}

/// Fuzz target `session`: `session::load` of up to 8 inputs (the data split at `0xff` bytes,
/// never valid UTF-8), EVC choice, the cluster answer, every host and VM report.
pub fn session(data: &[u8]) {
    use evcalc::check;
    use evcalc::session::{self, Source};
    let texts: Vec<String> = data
        .split(|&b| b == 0xff)
        .take(8)
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect();
    let names: Vec<String> = (0..texts.len()).map(|i| format!("input{i}.txt")).collect();
    let sources: Vec<Source<'_>> = texts
        .iter()
        .zip(&names)
        .map(|(t, n)| Source { name: n, text: t })
        .collect();
    let ws = session::load(&sources);
    for e in &ws.errors {
        assert!(e.line >= 1 && e.col >= 1, "{e}");
    }
    let _ = session::choose_evc(None, &ws.hosts, &ws.modes)
        .expect("choosing EVC without an argument never fails");
    let mut ws = ws;
    let answer = evcalc::app::cluster_in(&mut ws, &evcalc::app::Request::default(), Vec::new());
    assert_eq!(answer.hosts.len(), ws.hosts.len());
    for host in &ws.hosts {
        let _ = check::host_report(host, &ws.modes);
    }
    for vm in &ws.vms {
        let _ = check::vm_report(vm, &ws.modes);
    }
}

/// A fuzz target's body.
pub type Body = fn(&[u8]);

/// Every target by name, as `scripts/fuzz.sh` names them.
pub const TARGETS: &[(&str, Body)] = &[
    ("detect", detect),
    ("vmodl", vmodl),
    ("masklines", masklines),
    ("govc_xml", govc_xml),
    ("govc_json", govc_json),
    ("cpuid_dump", cpuid_dump),
    ("cpuinfo", cpuinfo),
    ("session", session),
    ("rvtools", rvtools),
    ("rvtools_xlsx", rvtools_xlsx),
    ("vmotion_error", vmotion_error),
    ("evc9", evc9),
    ("cpuid_reg_masks", cpuid_reg_masks),
    ("bundle", bundle),
];
