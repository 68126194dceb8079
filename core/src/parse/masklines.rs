//! `featMask.*` lines of `/etc/vmware/config` (cluster EVC, `featMask.evc.cpuid.MDCLEAR =
//! "Val:1"`) and of a `.vmx` (per-VM EVC, `featMask.vm.cpuid.AES = "Val:1"`), research notes §2.4.
//!
//! Every line is `key = "value"`. `featMask.evc.*` lines go to [`MaskInput::evc_masks`],
//! `featMask.vm.*` lines to [`MaskInput::vm_masks`], with the key after the scope prefix kept
//! as written (`cpuid.MDCLEAR`, `hv.capable`). `displayName` names a `.vmx`. Every other line
//! (`libdir = "/usr/lib/vmware"`, …) is ignored, except `featureCompat.evc.completeMasks`
//! ([`MaskInput::evc_complete`]: whether the `featMask.evc` lines are the whole set);
//! `#` comments and blank lines are skipped. A malformed `featMask.*` line is an error.

use super::ParseResult;
use crate::input::{Document, Entry, MaskInput, ParseError, Pos, Warning};
use crate::value::Mask;

const PREFIX: &str = "featMask.";

/// Cheap check used by format detection: a line starting with `featMask.`.
pub(crate) fn looks_like(text: &str) -> bool {
    text.lines()
        .any(|line| has_prefix(line.trim_start(), PREFIX))
}

/// Parses the `featMask.*` lines (and `displayName`) of `text` into one [`Document::Masks`].
pub fn parse(text: &str) -> ParseResult {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut masks = MaskInput::default();
    let mut warnings = Vec::new();
    // First line of each (scope, lower-cased key), for the duplicate warning: a linear scan
    // of the list per line made big files quadratic (hardening probes: 20,000 lines took 1 s).
    let mut first_line: std::collections::HashMap<(bool, String), u32> =
        std::collections::HashMap::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        let col_of = |byte: usize| -> u32 {
            let chars = line.get(..byte).map_or(byte, |s| s.chars().count());
            u32::try_from(chars + 1).unwrap_or(u32::MAX)
        };
        let is_mask = has_prefix(body, PREFIX);
        let meta_key = |name: &str| {
            has_prefix(body, name)
                && !body[name.len()..]
                    .starts_with(|c: char| c.is_alphanumeric() || c == '.' || c == '_')
        };
        let is_vhw = meta_key("virtualHW.version");
        let is_guest = meta_key("guestOS");
        let is_complete = meta_key("featureCompat.evc.completeMasks");
        let is_name = meta_key("displayName") || is_vhw || is_guest || is_complete;
        if !is_mask && !is_name {
            continue;
        }
        let key_end = body
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(body.len());
        let key = &body[..key_end];
        let key_pos = Pos {
            line: line_no,
            col: col_of(indent),
        };
        let err = |byte: usize, message: String| ParseError::new(line_no, col_of(byte), message);
        let after_key = body[key_end..].trim_start();
        let eq_at = line.len() - after_key.len();
        let Some(after_eq) = after_key.strip_prefix('=') else {
            if !is_mask {
                continue;
            }
            return Err(err(
                eq_at,
                format!("expected `=` after `{key}`, found {}", found(after_key)),
            ));
        };
        let value_part = after_eq.trim_start();
        let value_at = line.len() - value_part.len();
        let value = match value_part.strip_prefix('"') {
            Some(quoted) => match quoted.find('"') {
                Some(end) => {
                    let trailing = quoted[end + 1..].trim();
                    if !trailing.is_empty() && !trailing.starts_with('#') && is_mask {
                        return Err(err(
                            value_at
                                + 1
                                + end
                                + 1
                                + (quoted[end + 1..].len() - quoted[end + 1..].trim_start().len()),
                            format!(
                                "expected the end of the line after the value of `{key}`, found {}",
                                found(trailing)
                            ),
                        ));
                    }
                    &quoted[..end]
                }
                None if is_mask => {
                    return Err(err(
                        value_at,
                        format!(
                            "unterminated string: expected a closing `\"` for the value of `{key}`"
                        ),
                    ));
                }
                None => continue,
            },
            None => value_part.split_whitespace().next().unwrap_or_default(),
        };
        if is_complete {
            masks.evc_complete = Some(value.trim().eq_ignore_ascii_case("true"));
            continue;
        }
        if is_vhw {
            masks.vhw = crate::value::parse_vhw(&decode_vmx(value));
            continue;
        }
        if is_guest {
            masks.guest_id = Some(decode_vmx(value));
            continue;
        }
        if is_name {
            masks.name = Some(decode_vmx(value));
            continue;
        }
        if value.is_empty() {
            return Err(err(
                value_at,
                format!(
                    "expected a mask such as \"Val:1\" after `{key} =`, found {}",
                    found(value_part)
                ),
            ));
        }
        let rest = &key[PREFIX.len()..];
        let (scope, feature) = rest.split_once('.').unwrap_or((rest, ""));
        if feature.is_empty() {
            return Err(err(
                indent,
                format!(
                    "expected `featMask.evc.<feature>` or `featMask.vm.<feature>`, found `{key}`"
                ),
            ));
        }
        let evc = scope.eq_ignore_ascii_case("evc");
        let list = if evc {
            &mut masks.evc_masks
        } else if scope.eq_ignore_ascii_case("vm") {
            &mut masks.vm_masks
        } else {
            warnings.push(Warning {
                pos: key_pos,
                message: format!("ignored `{key}`: expected the scope `featMask.evc.` (cluster EVC) or `featMask.vm.` (per-VM EVC)"),
            });
            continue;
        };
        let value_col = value_at + usize::from(value_part.starts_with('"'));
        let mask = Mask::parse(value).map_err(|e| err(value_col, format!("`{key}`: {e}")))?;
        match first_line.entry((evc, feature.to_ascii_lowercase())) {
            std::collections::hash_map::Entry::Occupied(previous) => warnings.push(Warning {
                pos: key_pos,
                message: format!(
                    "`{key}` appears twice (first at line {}); both entries are kept",
                    previous.get()
                ),
            }),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line_no);
            }
        }
        list.push(Entry {
            key: feature.to_string(),
            value: mask,
            pos: key_pos,
        });
    }
    if masks.evc_masks.is_empty() && masks.vm_masks.is_empty() {
        warnings.push(Warning {
            pos: Pos { line: 1, col: 1 },
            message:
                "no `featMask.evc.*` or `featMask.vm.*` lines found: this file sets no EVC masks"
                    .to_string(),
        });
    }
    Ok((vec![Document::Masks(masks)], warnings))
}

/// Case-insensitive `starts_with` (`.vmx` keys are case-insensitive).
fn has_prefix(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn found(rest: &str) -> String {
    match rest.split_whitespace().next() {
        None => "end of line".to_string(),
        Some(token) => format!("`{}`", token.chars().take(24).collect::<String>()),
    }
}

/// `.vmx` strings encode special characters as `|XX` (hex byte), e.g. `|22` for `"`.
fn decode_vmx(value: &str) -> String {
    if !value.contains('|') {
        return value.to_string();
    }
    let b = value.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'|', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::MaskOp;

    const WESTMERE: &str =
        include_str!("../../../tests/data/real/vmx-featMask.vm.westmere.danielewood-misc.txt");
    const SANDYBRIDGE: &str = include_str!(
        "../../../tests/data/real/vmx-featMask.vm.sandybridge-ep.szmijews-mfd-esxi.txt"
    );

    fn masks(text: &str) -> (MaskInput, Vec<Warning>) {
        match parse(text) {
            Ok((mut docs, warnings)) => match docs.pop() {
                Some(Document::Masks(m)) if docs.is_empty() => (m, warnings),
                other => panic!("expected one mask document, got {other:?}"),
            },
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn err(text: &str) -> ParseError {
        match parse(text) {
            Ok(r) => panic!("expected an error, got {r:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn real_westmere_vmx() {
        assert!(looks_like(WESTMERE));
        let (m, warnings) = masks(WESTMERE);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(m.evc_masks.is_empty());
        assert_eq!(m.vm_masks.len(), 29);
        assert_eq!(m.vm_masks[0].key, "cpuid.Intel");
        assert_eq!(m.vm_masks[0].pos, Pos { line: 1, col: 1 });
        let model = m
            .vm_masks
            .iter()
            .find(|e| e.key == "cpuid.MODEL")
            .map(|e| e.value);
        assert_eq!(
            model,
            Some(Mask {
                op: MaskOp::Val,
                value: 0x25
            })
        );
        let ext = m
            .vm_masks
            .iter()
            .find(|e| e.key == "cpuid.NUM_EXT_LEVELS")
            .map(|e| e.value.value);
        assert_eq!(ext, Some(0x8000_0008));
        assert!(m.vm_masks.iter().any(|e| e.key == "hv.capable"));
        assert!(!m.vm_masks.iter().any(|e| e.key == "cpuid.MDCLEAR"));
    }

    #[test]
    fn real_sandybridge_vmx() {
        let (m, warnings) = masks(SANDYBRIDGE);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(m.vm_masks.len(), 35);
        let mdclear = m.vm_masks.iter().find(|e| e.key == "cpuid.MDCLEAR");
        assert_eq!(
            mdclear.map(|e| (e.value, e.pos)),
            Some((
                Mask {
                    op: MaskOp::Val,
                    value: 1
                },
                Pos { line: 12, col: 1 }
            ))
        );
        assert_eq!(m.name, None);
    }

    #[test]
    fn etc_vmware_config() {
        let text = "libdir = \"/usr/lib/vmware\"\r\nauthd.proxy.nfc = \"vmware-hostd:ha-nfc\"\r\n# EVC\r\n\r\nfeatureCompat.evc.completeMasks = \"TRUE\"\r\n  featMask.evc.cpuid.MDCLEAR = \"Val:1\"\r\nfeatMask.evc.cpuid.FAMILY = \"Val:6\"\r\nfeatMask.vm.cpuid.AES=\"Val:1\"\r\n";
        assert!(looks_like(text));
        let (m, warnings) = masks(text);
        assert!(warnings.is_empty(), "{warnings:?}");
        // issue 20 item 5: the completeness statement is read, not ignored.
        assert_eq!(m.evc_complete, Some(true));
        assert_eq!(
            masks("featMask.evc.cpuid.MDCLEAR = \"Val:1\"\n")
                .0
                .evc_complete,
            None
        );
        let keys: Vec<&str> = m.evc_masks.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["cpuid.MDCLEAR", "cpuid.FAMILY"]);
        assert_eq!(m.evc_masks[0].pos, Pos { line: 6, col: 3 });
        assert_eq!(m.evc_masks[1].value.value, 6);
        assert_eq!(m.vm_masks[0].key, "cpuid.AES");
    }

    #[test]
    fn bundled_example_etc_vmware_config() {
        let text = include_str!("../../../examples/mdclear-cluster/esxi01-etc-vmware-config.txt");
        assert!(looks_like(text));
        let (m, warnings) = masks(text);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(m.vm_masks.is_empty());
        assert_eq!(m.evc_masks.len(), 46);
        let mdclear = m
            .evc_masks
            .iter()
            .find(|e| e.key == "cpuid.MDCLEAR")
            .map(|e| e.value);
        assert_eq!(
            mdclear,
            Some(Mask {
                op: MaskOp::Val,
                value: 1
            })
        );
    }

    #[test]
    fn display_name() {
        let text = "displayName = \"app |2201|22\"\ndisplayNameX = \"no\"\nfeatMask.vm.cpuid.SSE3 = \"Val:1\"\n";
        let (m, _) = masks(text);
        assert_eq!(m.name.as_deref(), Some("app \"01\""));
    }

    #[test]
    fn errors() {
        let e = err("libdir = \"/usr/lib/vmware\"\nfeatMask.evc.cpuid.MDCLEAR = \"Bool:Min:1\"\n");
        assert_eq!(e.pos, Pos { line: 2, col: 31 });
        assert!(
            e.message.contains("cpuid.MDCLEAR") && e.message.contains("expected Val:n"),
            "{}",
            e.message
        );
        let e = err("featMask.evc.cpuid.MDCLEAR \"Val:1\"\n");
        assert_eq!(e.pos, Pos { line: 1, col: 28 });
        assert!(
            e.message
                .starts_with("expected `=` after `featMask.evc.cpuid.MDCLEAR`"),
            "{}",
            e.message
        );
        let e = err("featMask.vm.cpuid.AES = \"Val:1\n");
        assert_eq!(e.pos, Pos { line: 1, col: 25 });
        assert!(e.message.contains("unterminated"), "{}", e.message);
        let e = err("featMask.vm.cpuid.AES = \n");
        assert!(e.message.contains("expected a mask"), "{}", e.message);
        let e = err("featMask.evc = \"Val:1\"\n");
        assert_eq!(e.pos, Pos { line: 1, col: 1 });
        let e = err(
            "é featMask.vm.cpuid.AES = \"Val:1\" junk\nfeatMask.vm.cpuid.AES = \"Val:1\" junk\n",
        );
        assert_eq!(e.pos, Pos { line: 2, col: 33 });
    }

    #[test]
    fn warnings() {
        let (m, warnings) = masks(
            "featMask.vm.cpuid.AES = \"Val:1\"\nfeatMask.vm.cpuid.aes = \"Val:0\"\nfeatMask.host.cpuid.X = \"Val:1\"\n",
        );
        assert_eq!(m.vm_masks.len(), 2);
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0].pos.line, 2);
        assert!(warnings[1].message.contains("featMask.host.cpuid.X"));
        let (_, warnings) = masks("libdir = \"/usr/lib/vmware\"\n");
        assert_eq!(warnings.len(), 1);
        assert!(!looks_like("libdir = \"/usr/lib/vmware\"\n"));
    }

    #[test]
    fn never_panics() {
        for sample in [
            WESTMERE,
            SANDYBRIDGE,
            "featMask.é = \"é\"",
            "featMask.",
            "displayName",
            "displayName = \"|\"",
            "displayName = \"|é|2\"",
        ] {
            for end in 0..=sample.len() {
                if sample.is_char_boundary(end) {
                    let _ = parse(&sample[..end]);
                }
            }
        }
    }
}
