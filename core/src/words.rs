//! Sentences written from the engine's typed facts. The engine decides (a [`Absence`], a
//! [`VhwTooNew`]); this module says it in words, once, for every front end. No code parses what
//! this module writes.

use crate::report::{Absence, PatchedBuild, VhwTooNew};

/// Why `dest` does not offer a required feature, from the typed [`Absence`] and the raw value
/// its data shows.
pub fn absence_text(
    absence: Absence,
    dest: &str,
    raw: Option<u64>,
    patched: Option<&PatchedBuild>,
) -> String {
    if let (Absence::NotOnCpu, Some(p)) = (absence, patched) {
        return format!(
            "{dest}'s CPU does not offer it (featureCapability {}) although {dest} runs {}, which already contains the patch ({}) and has booted it: the CPU's microcode is what is missing",
            raw.unwrap_or(0),
            build_text(p),
            first_build_text(p),
        );
    }
    match (absence, raw) {
        (Absence::NotOnCpu, Some(raw)) => {
            format!("{dest}'s CPU does not offer it (featureCapability {raw})")
        }
        (Absence::NotOnCpu, None) => format!("{dest}'s CPU does not offer it"),
        (Absence::MasksHide, _) => format!(
            "{dest}'s CPU has it (featureCapability {}) but its EVC masks hide it (maskedFeatureCapability 0)",
            raw.unwrap_or(1)
        ),
        (Absence::ModeHides, _) => format!(
            "{dest}'s CPU has it (featureCapability {}) but the cluster's EVC mode hides it there",
            raw.unwrap_or(1)
        ),
        (Absence::RawNotShown, _) => format!(
            "{dest} does not offer it to VMs (its data shows one value: whether the CPU lacks it or its EVC masks hide it is not shown)"
        ),
        (Absence::PerVmMask, _) => {
            "its per-VM EVC mask requires it: the VM cannot power on or resume there".to_string()
        }
        (Absence::NotListed, _) => format!(
            "{dest} does not offer it: `grep -i` for it printed nothing on {dest}, whose ESXi release lists only the features a host has (this rests on that empty grep and on that release's listing style){}",
            patched
                .map(|p| format!(
                    "; {} already contains the patch ({})",
                    build_text(p),
                    first_build_text(p)
                ))
                .unwrap_or_default()
        ),
    }
}

/// "ESXi 6.7 build 15160138".
fn build_text(p: &PatchedBuild) -> String {
    match p.build {
        Some(b) => format!("{} build {b}", p.release),
        None => p.release.clone(),
    }
}

/// "VMSA-2019-0008: build 13644319 and later" / "VMSA-2019-0008 predates the release".
fn first_build_text(p: &PatchedBuild) -> String {
    match p.first_patched_build {
        Some(first) => format!("{}: {} build {first} and later", p.advisory, p.release),
        None => format!("every {} build; {} came before it", p.release, p.advisory),
    }
}

/// The destination's value as a table cell: the EVC-effective value, and the raw value where
/// it differs (`0 (raw 1: masks hide it)`), so no line calls a host with raw 1 "has 0".
pub fn offered_cell(available: u64, raw: Option<u64>, absence: Option<Absence>) -> String {
    match (absence, raw) {
        (Some(Absence::MasksHide), Some(r)) if r != available => {
            format!("{available} (raw {r}: its EVC masks hide it)")
        }
        (Some(Absence::ModeHides), Some(r)) if r != available => {
            format!("{available} (raw {r}: the EVC mode hides it)")
        }
        (Some(Absence::RawNotShown), _) => format!("{available} (raw not shown)"),
        (Some(Absence::NotListed), _) => format!("{available} (not listed: empty grep)"),
        _ => available.to_string(),
    }
}

/// Why a destination cannot run a VM's virtual hardware version.
pub fn vhw_text(v: &VhwTooNew, dest: &str, release: Option<&str>) -> String {
    format!(
        "vmx-{} needs {} or later; {dest} runs {} (vmx-{} at most)",
        v.vm_hw,
        v.needs_release,
        release.unwrap_or("an older ESXi"),
        v.destination_max
    )
}

/// The note on a `grep -i` that printed nothing on a release that lists only present features
/// (issue 20 item 9): what it is read as, and what the reading rests on.
pub fn empty_grep_note(
    command: &str,
    host: &str,
    release: &str,
    version_line: u32,
    keys: &[String],
    evidence: &str,
) -> String {
    format!(
        "`{command}` printed nothing on {host}, which runs {release} (its version at line {version_line}): {release} lists only \
         the features a host has, so {host} does not offer {} (read as featureCapability and maskedFeatureCapability 0). \
         This rests on the empty grep and on {release}'s listing style ({evidence})",
        keys.join(", ")
    )
}

/// Why a feature the catalogue calls not required is a possible requirement of a VM powered on on
/// a host of another or unknown release (issue 20 item 4), and what the destination shows.
pub fn role_unobserved_text(source_release: Option<&str>, destination: &str) -> String {
    let release = match source_release {
        Some(r) => format!("the VM's host runs {r}"),
        None => "the VM's host's ESXi release is not in its data".to_string(),
    };
    format!(
        "VMs were seen not requiring it only on ESXi 8.0 U1 (Linux guests); {release}, and VMware's CPUID table \
         exposes it to VMs by default (class YES, now or formerly): a possible requirement; {destination}"
    )
}
