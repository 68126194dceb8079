//! The error text vCenter, the vSphere Client or a VM's `vmware.log` shows when a vMotion or a
//! power-on is refused for CPU features. Forms read (each with its source; the tests in
//! `tests/it/vmotion_error.rs` parse one sample of each):
//!
//! * **CPUID register with bits** — "Host CPU is incompatible with the virtual machine's
//!   requirements at CPUID level 0x1 register 'ecx'. Host bits: 0000:0010:… Required:
//!   x000:0x0x:… Mismatch detected for these features: * AES-NI * PCLMULQDQ" (\[C\] VMware KB
//!   1034926 / Broadcom 301390; KB 1008315). In the KB's own example the target *has* AES-NI and
//!   PCLMULQDQ and the VM requires them `0`: a mismatch is either direction. The bits are
//!   decoded with the catalogue's
//!   leaf/register/bit positions; `Required` uses the `CpuIdInfo` requirement characters (`x`
//!   unused, `0`/`1`, `R`, `H`, `T`, `F`, `-`: \[C\] vSphere API `HostCpuIdInfo`). Bit strings
//!   are written bit 31 first (\[I\]: KB 52345's `cpuid.7.edx = "----:00--:…"` hides EDX bits 27
//!   and 26, STIBP and IBRS/IBPB).
//! * **CPUID register only** — "The CPU of the host is incompatible with the CPU feature
//!   requirements of the virtual machine; problem detected at CPUID level 0x80000001 register
//!   'edx'." (\[C\] KB 1003718 / Broadcom 311680): the features of that register are candidates.
//! * **Feature labels** — "The virtual machine requires hardware features that are unsupported
//!   or disabled on the target host:" followed by labels such as "Advanced Vector Extensions
//!   (AVX)" (\[C\] KB 2109065 / Broadcom 339945), matched against VMware's labels in the catalogue.
//! * **vmware.log** — "Feature 'cpuid.ds' was absent, but must be present." and its opposite
//!   "… was present, but must be absent." (\[C\] the message strings
//!   `msg.featurecompat.requirement.bool.mustBeTrue/False`, quoted by public field reports; a
//!   vCLS report shows the unprefixed form `Feature 'MWAIT' was absent, but must be present`).
//! * **Untranslated keys** — "The target host does not support the virtual machine's current
//!   hardware requirements" with keys such as `com.vmware.vim.vmfeature.cpuid.mdclear`
//!   (\[R\] reported by admins; no public source found: marked `reported`).

use super::FastTrim;
use crate::catalogue::{FeatureId, Reg, catalogue};
use crate::input::{Document, ParseError, Pos, Warning};

pub use crate::input::{ErrorFeature, ErrorForm, ErrorRegister, VmotionError};

const MARKERS: &[&str] = &[
    "is incompatible with the virtual machine's requirements at cpuid level",
    "problem detected at cpuid level",
    "requires hardware features that are unsupported or disabled on the target host",
    "was absent, but must be present",
    "was present, but must be absent",
    "does not support the virtual machine's current hardware requirements",
    "com.vmware.vim.vmfeature.",
];

/// Whether the text is (or contains) one of the error forms.
pub fn looks_like(text: &str) -> bool {
    let head = &text[..floor_boundary(text, 64 * 1024)];
    let lower = head.to_ascii_lowercase().replace('\u{2019}', "'");
    MARKERS.iter().any(|m| lower.contains(m))
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Resolves a name as an error text writes it (`AES-NI`, `Advanced Vector Extensions (AVX)`,
/// `cpuid.ds`, `MWAIT`, `mdclear`) to a catalogue feature.
pub fn resolve_name(name: &str) -> Option<FeatureId> {
    let cat = catalogue();
    let n = name
        .trim_fast()
        .trim_matches(['*', '-', '•', '.', ' '])
        .trim_fast();
    if n.is_empty() {
        return None;
    }
    if let Some(id) = cat.lookup(n) {
        return Some(id);
    }
    if let Some(id) = cat.lookup(&format!("cpuid.{n}")) {
        return Some(id);
    }
    if let Some((id, _)) = cat.iter().find(|(_, d)| d.label.eq_ignore_ascii_case(n)) {
        return Some(id);
    }
    // "Advanced Vector Extensions 2 (AVX2)": the name in parentheses.
    if let (Some(open), Some(close)) = (n.rfind('('), n.rfind(')'))
        && open < close
        && let Some(id) = resolve_name(&n[open + 1..close])
    {
        return Some(id);
    }
    // "AES-NI" → AES, "SSE4.1" → SSE41.
    let squeezed: String = n.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if let Some(id) = cat.lookup(&format!("cpuid.{squeezed}")) {
        return Some(id);
    }
    let first = n.split(['-', ' ']).next().unwrap_or(n);
    if first != n
        && let Some(id) = cat.lookup(&format!("cpuid.{first}"))
    {
        return Some(id);
    }
    // A label that ends with "(NAME)".
    let suffix = format!("({n})");
    cat.iter()
        .find(|(_, d)| {
            d.label
                .to_ascii_lowercase()
                .ends_with(&suffix.to_ascii_lowercase())
        })
        .map(|(id, _)| id)
}

/// The catalogue features at CPUID `level` (subleaf 0), `register`, `bit` (two share a bit:
/// `cpuid.IBRS` and `cpuid.IBPB`, EDX bit 26 of leaf 7).
pub fn features_at(level: u32, register: Reg, bit: u8) -> Vec<FeatureId> {
    catalogue()
        .iter()
        .filter(|(_, d)| {
            d.cpuid.is_some_and(|c| {
                c.leaf == level && c.subleaf == 0 && c.reg == register && c.bit == bit
            })
        })
        .map(|(id, _)| id)
        .collect()
}

/// The catalogue features of a register (candidates when an error names only the register).
pub fn features_in(level: u32, register: Reg) -> Vec<FeatureId> {
    catalogue()
        .iter()
        .filter(|(_, d)| {
            d.cpuid
                .is_some_and(|c| c.leaf == level && c.subleaf == 0 && c.reg == register)
                && d.kind == crate::catalogue::Kind::Feature
        })
        .map(|(id, _)| id)
        .collect()
}

fn reg_of(name: &str) -> Option<Reg> {
    match name.trim().to_ascii_lowercase().as_str() {
        "eax" => Some(Reg::Eax),
        "ebx" => Some(Reg::Ebx),
        "ecx" => Some(Reg::Ecx),
        "edx" => Some(Reg::Edx),
        _ => None,
    }
}

/// Byte offset → 1-based line and column (characters).
fn pos_at(text: &str, at: usize) -> Pos {
    let at = floor_boundary(text, at);
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line: u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX),
        col: u32::try_from(before[line_start..].chars().count() + 1).unwrap_or(u32::MAX),
    }
}

/// A 32-bit CPUID bit string (`0000:0010:…`, 8 groups of 4) starting at `at`: its characters
/// bit 31 first, and where it ends.
fn bit_string(text: &str, at: usize) -> Result<(Vec<char>, usize), ParseError> {
    let rest = &text[at..];
    let skip = rest.len() - rest.trim_start().len();
    let start = at + skip;
    let mut bits = Vec::with_capacity(32);
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        if c == ':' {
            end = start + i + 1;
            continue;
        }
        if "01xX-RrHhTF".contains(c) && bits.len() < 32 {
            bits.push(c);
            end = start + i + c.len_utf8();
            continue;
        }
        break;
    }
    if bits.len() != 32 {
        let p = pos_at(text, start);
        return Err(ParseError::new(
            p.line,
            p.col,
            format!(
                "expected a 32-bit CPUID bit string such as `0000:0010:1001:1000:0010:0010:0000:0001` (8 groups of \
                 4 of 0, 1, x, -, R, H, T, F), found {} bit characters",
                bits.len()
            ),
        ));
    }
    Ok((bits, end))
}

fn find_ci(hay_lower: &str, needle: &str, from: usize) -> Option<usize> {
    hay_lower.get(from..)?.find(needle).map(|i| i + from)
}

/// Parses an error text.
pub fn parse(text: &str) -> Result<(Vec<Document>, Vec<Warning>), ParseError> {
    // ASCII lower-casing keeps byte offsets.
    let lower = text.to_ascii_lowercase();
    let mut err = VmotionError::default();
    let mut warnings = Vec::new();
    let push_form = |e: &mut VmotionError, f: ErrorForm| {
        if !e.forms.contains(&f) {
            e.forms.push(f);
        }
    };
    // Form A/B: "CPUID level 0x… register '…'".
    let mut from = 0;
    while let Some(at) = find_ci(&lower, "cpuid level ", from) {
        from = at + 12;
        // vmware.log's `hostCPUID level 00000001, 00:` lines are not errors.
        if at > 0 && lower.as_bytes()[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let rest = &text[at + 12..];
        let level_text: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let level = level_text
            .strip_prefix("0x")
            .or_else(|| level_text.strip_prefix("0X"))
            .map(|h| u32::from_str_radix(h, 16))
            .unwrap_or_else(|| level_text.parse());
        let p = pos_at(text, at);
        let Ok(level) = level else {
            return Err(ParseError::new(
                p.line,
                p.col + 12,
                format!(
                    "expected a CPUID level such as `0x1` or `0x80000001` after `CPUID level`, found `{level_text}`"
                ),
            ));
        };
        let after = at + 12 + level_text.len();
        let reg_at = find_ci(&lower, "register", after).filter(|r| *r < after + 40);
        let register = reg_at.and_then(|r| {
            let name: String = text[r + 8..]
                .trim_start()
                .trim_start_matches(['\'', '"', '`'])
                .chars()
                .take(3)
                .collect();
            reg_of(&name)
        });
        let Some(register) = register else {
            return Err(ParseError::new(
                p.line,
                p.col,
                "expected `register 'eax'` (or ebx, ecx, edx) after the CPUID level",
            ));
        };
        // Bits: "Host bits: … Required: …" within the next lines of this error.
        let window_end = find_ci(&lower, "cpuid level ", from).unwrap_or(lower.len());
        let host_at = find_ci(&lower, "host bits:", after).filter(|h| *h < window_end);
        let req_at = find_ci(&lower, "required:", after).filter(|h| *h < window_end);
        let mut reg = ErrorRegister {
            level,
            register,
            host_bits: None,
            required_bits: None,
            pos: p,
        };
        if let (Some(h), Some(req)) = (host_at, req_at) {
            let (host, _) = bit_string(text, h + 10)?;
            let (required, _) = bit_string(text, req + 9)?;
            reg.host_bits = Some(group(&host));
            reg.required_bits = Some(group(&required));
            push_form(&mut err, ErrorForm::CpuidBits);
            for i in 0..32 {
                let bit = 31 - i as u8;
                let (h, r) = (host[i], required[i]);
                // `x` and `-`: not required; a host `-` is unknown, not a mismatch.
                let mismatch = match r {
                    '1' | 'T' | 'R' | 'H' => h == '0',
                    '0' | 'F' => h == '1',
                    _ => false,
                };
                if !mismatch {
                    continue;
                }
                let present = matches!(r, '1' | 'T' | 'R' | 'H');
                let found = features_at(level, register, bit);
                let ids: Vec<Option<FeatureId>> = if found.is_empty() {
                    vec![None]
                } else {
                    found.into_iter().map(Some).collect()
                };
                for feature in ids {
                    err.features.push(ErrorFeature {
                        feature,
                        named: match feature {
                            Some(id) => catalogue().def(id).key.clone(),
                            None => format!("CPUID level 0x{level:x} {register} bit {bit}"),
                        },
                        must_be_present: present,
                        candidate: false,
                        form: ErrorForm::CpuidBits,
                        pos: pos_at(text, req + 9),
                    });
                }
            }
        } else {
            push_form(&mut err, ErrorForm::CpuidRegister);
        }
        err.registers.push(reg);
    }
    // "Mismatch detected for these features: * AES-NI * PCLMULQDQ" (names, cross-checked
    // against the bits; alone they name the features).
    if let Some(at) = find_ci(&lower, "mismatch detected for these features:", 0) {
        let start = at + "mismatch detected for these features:".len();
        let end = lower[start..]
            .find("\n\n")
            .map_or(lower.len(), |i| start + i);
        for item in text[start..end].split(['*', '\n', '•']) {
            let name = item.trim_fast().trim_end_matches('.');
            if name.is_empty() {
                continue;
            }
            let pos = pos_at(text, start + text[start..end].find(name).unwrap_or(0));
            let feature = resolve_name(name);
            let known = feature.is_some_and(|f| err.features.iter().any(|e| e.feature == Some(f)));
            if !known {
                if feature.is_none() {
                    warnings.push(Warning {
                        pos,
                        message: format!("`{name}`: no feature of that name in the catalogue"),
                    });
                }
                err.features.push(ErrorFeature {
                    feature,
                    named: name.to_string(),
                    must_be_present: true,
                    candidate: false,
                    form: ErrorForm::CpuidBits,
                    pos,
                });
            }
        }
    }
    // Form C: feature labels after the header line, one per line.
    if let Some(at) = find_ci(
        &lower,
        "requires hardware features that are unsupported or disabled on the target host",
        0,
    ) {
        push_form(&mut err, ErrorForm::FeatureLabels);
        let line_end = lower[at..].find('\n').map_or(lower.len(), |i| at + i);
        // Labels may follow the colon on the same line.
        let colon = lower[at..line_end].find(':').map(|i| at + i + 1);
        let mut offset = colon.unwrap_or(line_end);
        let mut seen_label = false;
        for line in text[offset..].split_inclusive('\n') {
            let here = offset;
            offset += line.len();
            let l = line
                .trim_fast()
                .trim_start_matches(['*', '-', '•'])
                .trim_fast();
            if l.is_empty() {
                if seen_label {
                    break;
                }
                continue;
            }
            let ll = l.to_ascii_lowercase();
            if [
                "if possible",
                "see kb",
                "to resolve",
                "cpuid details",
                "general incompatibilities",
            ]
            .iter()
            .any(|s| ll.starts_with(s))
            {
                if seen_label {
                    break;
                }
                continue;
            }
            let col = line.find(l).unwrap_or(0);
            let pos = pos_at(text, here + col);
            let feature = resolve_name(l);
            if feature.is_none() {
                warnings.push(Warning {
                    pos,
                    message: format!("`{l}`: no feature with that VMware label in the catalogue"),
                });
            }
            err.features.push(ErrorFeature {
                feature,
                named: l.trim_end_matches('.').to_string(),
                must_be_present: true,
                candidate: false,
                form: ErrorForm::FeatureLabels,
                pos,
            });
            seen_label = true;
        }
    }
    // Form D: vmware.log.
    for (needle, present) in [
        ("' was absent, but must be present", true),
        ("' was present, but must be absent", false),
    ] {
        let mut from = 0;
        while let Some(at) = find_ci(&lower, needle, from) {
            from = at + needle.len();
            let line_start = lower[..at].rfind('\n').map_or(0, |i| i + 1);
            let Some(q) = lower[line_start..at]
                .rfind("feature '")
                .map(|i| line_start + i + 9)
            else {
                continue;
            };
            push_form(&mut err, ErrorForm::VmwareLog);
            let name = &text[q..at];
            let pos = pos_at(text, q);
            let feature = resolve_name(name);
            err.features.push(ErrorFeature {
                feature,
                named: name.to_string(),
                must_be_present: present,
                candidate: false,
                form: ErrorForm::VmwareLog,
                pos,
            });
        }
    }
    // Form E: untranslated keys.
    let mut from = 0;
    while let Some(at) = find_ci(&lower, "com.vmware.vim.vmfeature.", from) {
        let start = at + "com.vmware.vim.vmfeature.".len();
        let key: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
            .collect();
        from = start + key.len();
        let key = key.trim_end_matches('.').to_string();
        if key.is_empty() {
            continue;
        }
        push_form(&mut err, ErrorForm::VmfeatureKeys);
        let pos = pos_at(text, at);
        let feature = resolve_name(&key);
        if err
            .features
            .iter()
            .any(|f| f.form == ErrorForm::VmfeatureKeys && f.named.eq_ignore_ascii_case(&key))
        {
            continue;
        }
        err.features.push(ErrorFeature {
            feature,
            named: key,
            must_be_present: true,
            candidate: false,
            form: ErrorForm::VmfeatureKeys,
            pos,
        });
    }
    // A register named without bits: its features are the candidates.
    if err.features.is_empty() {
        for r in &err.registers {
            for id in features_in(r.level, r.register) {
                err.features.push(ErrorFeature {
                    feature: Some(id),
                    named: catalogue().def(id).key.clone(),
                    must_be_present: true,
                    candidate: true,
                    form: ErrorForm::CpuidRegister,
                    pos: r.pos,
                });
            }
        }
    }
    if err.forms.is_empty() {
        if let Some(m) = MARKERS.iter().find_map(|m| lower.find(m)) {
            let p = pos_at(text, m);
            return Err(ParseError::new(
                p.line,
                p.col,
                "a vMotion error text without the part that names the features (CPUID level and register, the \
                 list of features, or the feature keys): paste the whole message",
            ));
        }
        return Err(ParseError::new(
            1,
            1,
            "expected a vCenter vMotion/power-on CPU error text",
        ));
    }
    Ok((vec![Document::VmotionError(err)], warnings))
}

fn group(bits: &[char]) -> String {
    bits.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> VmotionError {
        match parse(text).expect("parses").0.into_iter().next() {
            Some(Document::VmotionError(e)) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_resolve_like_vmware_writes_them() {
        let cat = catalogue();
        assert_eq!(resolve_name("AES-NI"), Some(cat.id("cpuid.AES")));
        assert_eq!(resolve_name("PCLMULQDQ"), Some(cat.id("cpuid.PCLMULQDQ")));
        assert_eq!(
            resolve_name("Advanced Vector Extensions (AVX)"),
            Some(cat.id("cpuid.AVX"))
        );
        assert_eq!(resolve_name("cpuid.ds"), Some(cat.id("cpuid.DS")));
        assert_eq!(resolve_name("mdclear"), Some(cat.id("cpuid.MDCLEAR")));
        assert_eq!(resolve_name("no such thing"), None);
    }

    #[test]
    fn register_only_lists_candidates() {
        let e = one(
            "The CPU of the host is incompatible with the CPU feature requirements of the virtual machine; problem \
             detected at CPUID level 0x80000001 register 'edx'.",
        );
        assert_eq!(e.forms, vec![ErrorForm::CpuidRegister]);
        assert!(e.features.iter().all(|f| f.candidate));
        let lm = catalogue().id("cpuid.LM");
        assert!(e.features.iter().any(|f| f.feature == Some(lm)));
    }

    #[test]
    fn short_bit_string_is_an_error_with_position() {
        let e = parse(
            "Host CPU is incompatible with the virtual machine's requirements at CPUID level 0x1 register 'ecx'.\n\
             Host bits: 0000:0010\nRequired: x000:0x0x:xxx1:1xxx:xx1x:x01x:xxxx:xx1x\n",
        )
        .unwrap_err();
        assert_eq!(e.pos.line, 2, "{e}");
    }
}
