//! Shared checks of the fuzz targets: bytes → text as the front ends do it, and invariants every
//! parser result must satisfy besides "no panic, no hang, bounded memory".
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
    assert!(pos.line >= 1 && pos.col >= 1, "{what}: position {pos:?} is not 1-based");
    let line = pos.line as usize;
    assert!(line <= lines.len(), "{what}: line {} past the end ({} lines)", pos.line, lines.len());
    let max_col = lines[line - 1] + 1;
    assert!(pos.col as usize <= max_col, "{what}: column {} past the end of line {} ({} characters)", pos.col, pos.line, max_col - 1);
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
