//! Sentences written from the engine's typed facts. The engine decides (a [`Absence`], a
//! [`VhwTooNew`]); this module says it in words, once, for every front end. No code parses what
//! this module writes.

use crate::report::{Absence, VhwTooNew};

/// Why `dest` does not offer a required feature, from the typed [`Absence`] and the raw value
/// its data shows.
pub fn absence_text(absence: Absence, dest: &str, raw: Option<u64>) -> String {
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
