//! Legacy CPUID mask lines: `cpuid.7.edx = "----:00--:----:----:----:----:----:----"` in a host's
//! `/etc/vmware/config` (\[C\] VMware KB 52345's workaround hid IBRS/IBPB and STIBP this way) and
//! per-VM masks of the same grammar in old VMs' `.vmx` (virtual hardware 8 and earlier: the vSphere
//! Client's "CPU Identification Mask"; \[C\] vSphere API `HostCpuIdInfo`: "CpuIdInfo should be used
//! only to mask hardware version 8 and lower").
//!
//! Each of the 32 characters is one bit, bit 31 first, in groups of 4. Their meaning (\[C\] vSphere
//! API `HostCpuIdInfo`, "Bits used for specifying requirements"):
//!
//! | char | meaning | read as |
//! |---|---|---|
//! | `x` | unused by guest software | no mask |
//! | `-` | use the default (the guest OS descriptor's) | no mask |
//! | `0` | reported as disabled to the guest | `Val:0`: hidden |
//! | `1` | reported as enabled to the guest (not a faithful virtualization) | forced on: no requirement |
//! | `R` | reported as disabled; for vMotion the host values must be equal | `Val:0`: hidden |
//! | `H` | used by the guest; for vMotion the host values must be equal | kept as a note |
//! | `T` | the guest requires it enabled | `Val:1`: required |
//! | `F` | the guest requires it disabled | kept as a note |
//!
//! In a `.vmx` the decoded masks become the VM's per-VM masks (`featMask.vm.*` equivalents); in
//! `/etc/vmware/config` they are host-wide guest masks — not EVC masks (they say nothing about the
//! cluster's EVC state) — reported per feature as warnings.

use super::FastTrim;
use crate::catalogue::{Reg, catalogue};
use crate::input::{Document, Entry, MaskInput, ParseError, Pos, Warning};
use crate::value::{Mask, MaskOp};

/// One legacy mask line: `cpuid.<level>.<reg> = "<32 chars>"` (level in hex or decimal; an
/// optional vendor part such as `cpuid.80000001.edx.amd` is accepted).
fn line_key(body: &str) -> Option<(u32, Reg, &str)> {
    let lower = body.to_ascii_lowercase();
    let rest = lower.strip_prefix("cpuid.")?;
    let (key, value) = rest.split_once('=')?;
    let mut parts = key.trim().split('.');
    let level = parts.next()?;
    let reg = parts.next()?;
    let level = u32::from_str_radix(level.trim_start_matches("0x"), 16).ok()?;
    let reg = match reg {
        "eax" => Reg::Eax,
        "ebx" => Reg::Ebx,
        "ecx" => Reg::Ecx,
        "edx" => Reg::Edx,
        _ => return None,
    };
    let value_at = body.len() - value.len();
    Some((level, reg, &body[value_at..]))
}

/// Whether the text has legacy `cpuid.N.reg = "…"` mask lines and no `featMask.` lines (those go
/// to the `featMask` parser).
pub fn looks_like(text: &str) -> bool {
    let mut found = false;
    for line in text.lines().take(20_000) {
        let body = line.trim_start();
        if body.starts_with("featMask.") {
            return false;
        }
        if line_key(body).is_some() {
            found = true;
        }
    }
    found
}

/// The meaning of one mask character: the per-feature mask it makes, or a note.
pub fn meaning(c: char) -> Option<Result<Mask, &'static str>> {
    match c {
        '0' | 'R' | 'r' => Some(Ok(Mask {
            op: MaskOp::Val,
            value: 0,
        })),
        'T' => Some(Ok(Mask {
            op: MaskOp::Val,
            value: 1,
        })),
        '1' => Some(Err(
            "forced on for the guest (`1`: reported as enabled, not a faithful virtualization)",
        )),
        'H' | 'h' => Some(Err("must be equal on both hosts for vMotion (`H`)")),
        'F' => Some(Err("the guest requires it disabled (`F`)")),
        _ => None,
    }
}

/// Parses legacy mask lines.
pub fn parse(text: &str) -> Result<(Vec<Document>, Vec<Warning>), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cat = catalogue();
    let mut masks = MaskInput::default();
    let mut warnings = Vec::new();
    let mut vmx = false;
    let mut lines_read = 0;
    let mut decoded: Vec<(Entry<Mask>, u32)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let body = line.trim_start();
        let indent = u32::try_from(line.chars().count() - body.chars().count()).unwrap_or(0);
        let lower = body.to_ascii_lowercase();
        if lower.starts_with("virtualhw.version") || lower.starts_with("displayname") {
            vmx = true;
            let value = body
                .split_once('=')
                .map(|(_, v)| v.trim_fast().trim_matches('"').to_string());
            if lower.starts_with("virtualhw.version") {
                masks.vhw = value.as_deref().and_then(|v| v.parse().ok());
            } else {
                masks.name = value;
            }
            continue;
        }
        let Some((level, reg, value)) = line_key(body) else {
            continue;
        };
        lines_read += 1;
        let v = value.trim_fast();
        let value_col = indent
            + u32::try_from(body[..body.len() - value.len()].chars().count()).unwrap_or(0)
            + u32::try_from(value.len() - value.trim_start().len()).unwrap_or(0)
            + 1;
        let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
            return Err(ParseError::new(
                line_no,
                value_col,
                "expected a quoted mask such as \"----:00--:----:----:----:----:----:----\"",
            ));
        };
        let bits: Vec<char> = inner.chars().filter(|c| *c != ':').collect();
        if bits.len() != 32 || !bits.iter().all(|c| "01xX-RrHhTF".contains(*c)) {
            return Err(ParseError::new(
                line_no,
                value_col,
                format!(
                    "expected 32 mask characters (8 groups of 4 of x, -, 0, 1, R, H, T, F; VMware's `CpuIdInfo` \
                     grammar), found `{inner}`"
                ),
            ));
        }
        for (i, c) in bits.iter().enumerate() {
            let bit = 31 - i as u8;
            let Some(m) = meaning(*c) else { continue };
            let found = super::vmotion_error::features_at(level, reg, bit);
            let ids: Vec<Option<crate::catalogue::FeatureId>> = if found.is_empty() {
                vec![None]
            } else {
                found.into_iter().map(Some).collect()
            };
            for feature in ids {
                let name = feature.map_or_else(
                    || format!("CPUID level 0x{level:x} {reg} bit {bit}"),
                    |id| cat.def(id).key.clone(),
                );
                match (m, feature) {
                    (Ok(mask), Some(_)) => decoded.push((
                        Entry {
                            key: name,
                            value: mask,
                            pos: Pos {
                                line: line_no,
                                col: value_col,
                            },
                        },
                        line_no,
                    )),
                    (Ok(_), None) => warnings.push(Warning {
                        pos: Pos {
                            line: line_no,
                            col: value_col,
                        },
                        message: format!(
                            "`{c}` on {name}: no catalogue feature at that bit; not read"
                        ),
                    }),
                    (Err(note), _) => warnings.push(Warning {
                        pos: Pos {
                            line: line_no,
                            col: value_col,
                        },
                        message: format!("{name}: {note}; not a mask evcalc applies"),
                    }),
                }
            }
        }
    }
    if lines_read == 0 {
        return Err(ParseError::new(
            1,
            1,
            "expected legacy CPUID mask lines such as cpuid.7.edx = \"----:00--:----:----:----:----:----:----\"",
        ));
    }
    if vmx {
        masks.vm_masks = decoded.into_iter().map(|(e, _)| e).collect();
        if masks.vm_masks.is_empty() {
            warnings.push(Warning {
                pos: Pos { line: 1, col: 1 },
                message:
                    "legacy CPUID mask lines without a hide or require character: no per-VM mask"
                        .to_string(),
            });
        }
    } else {
        // /etc/vmware/config: host-wide guest masks, said per feature.
        for (e, line) in decoded {
            let what = if e.value.value == 0 {
                "hidden from every VM powered on on this host"
            } else {
                "required by every VM on this host (`T`)"
            };
            warnings.push(Warning {
                pos: e.pos,
                message: format!(
                    "line {line}: {} ({}) is {what} (a legacy host-wide CPUID mask, e.g. KB 52345's workaround; not an \
                     EVC mask)",
                    e.key,
                    cat.lookup(&e.key).map_or("", |id| cat.def(id).label.as_str())
                ),
            });
        }
    }
    Ok((vec![Document::Masks(masks)], warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kb_52345_line_hides_ibrs_and_stibp() {
        let t = "cpuid.7.edx = \"----:00--:----:----:----:----:----:----\"\n";
        assert!(looks_like(t));
        let (docs, w) = parse(t).unwrap();
        let Document::Masks(m) = &docs[0] else {
            panic!()
        };
        assert!(m.vm_masks.is_empty());
        let text = w
            .iter()
            .map(|w| w.message.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("cpuid.STIBP"), "{text}");
        assert!(text.contains("cpuid.IBPB"), "{text}");
        assert!(text.contains("cpuid.IBRS"), "{text}");
        assert!(text.contains("hidden from every VM"), "{text}");
    }

    #[test]
    fn vmx_masks_become_per_vm_masks() {
        let t = "virtualHW.version = \"8\"\ndisplayName = \"old\"\ncpuid.1.ecx = \"---0:----:----:----:----:----:----:----\"\n";
        let (docs, _) = parse(t).unwrap();
        let Document::Masks(m) = &docs[0] else {
            panic!()
        };
        assert_eq!(m.vhw, Some(8));
        assert_eq!(m.vm_masks.len(), 1);
        assert_eq!(m.vm_masks[0].key, "cpuid.AVX"); // ECX bit 28
        assert_eq!(m.vm_masks[0].value.value, 0);
    }

    #[test]
    fn bad_mask_names_line_and_column() {
        let e = parse("cpuid.1.ecx = \"----:----\"\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (1, 15), "{e}");
    }
}
