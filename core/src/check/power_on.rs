//! VMs at power-on: what a VM of a given vHW sees on a host, its bands and its report.

use super::*;

/// What a VM of virtual hardware `vhw` powered on on `host` sees: the host's EVC-effective
/// features ([`crate::exposure::effective`]), limited to what its vHW implements and by any
/// per-VM EVC mode. Features the data cannot decide are returned separately.
pub fn seen_at_power_on(host: &Host, evc: EvcSetting<'_>, per_vm: Option<&EvcMode>) -> FeatureSet {
    seen_at(host, evc, per_vm, host.max_vhw.unwrap_or(MAX_VHW)).0
}

/// The newest virtual hardware version evcalc knows (ESXi 9.0).
pub const MAX_VHW: u8 = 22;
/// The oldest virtual hardware version a band starts at.
pub const MIN_VHW: u8 = 4;

pub(super) fn seen_at(
    host: &Host,
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    vhw: u8,
) -> (FeatureSet, FeatureSet) {
    let eff = effective(host, evc);
    let exposable = exposure::exposable_at(vhw);
    let mut seen = eff.present.intersection(exposable);
    let mut maybe = eff.unknown.intersection(exposable);
    if let Some(p) = per_vm {
        seen = seen.intersection(p.exposed);
        maybe = maybe.intersection(p.exposed);
    }
    (seen, maybe)
}

/// A VM powered on on `host` at the host's highest virtual hardware version: its requirements
/// are frozen from what it saw ([`power_on_at`]).
pub fn power_on(host: &Host, evc: EvcSetting<'_>, per_vm: Option<&EvcMode>) -> Vm {
    power_on_at(host, evc, per_vm, None)
}

/// A VM of virtual hardware `vhw` (None: the host's maximum, assumed) powered on on `host`.
///
/// \[C\] vSphere 6.7 docs, "Determine the EVC Mode of a Virtual Machine": "The EVC mode of a
/// virtual machine is determined when the virtual machine is powered on … the virtual machine
/// does not use any CPU features exposed by the new EVC mode until the virtual machine is
/// powered off and powered on again."
///
/// Requirements: the features it saw whose requirement role is proven (calibrated on real
/// `featureRequirement` lists); `maybe`: features it may have seen or whose role is unproven.
/// A per-VM mode named without masks is a what-if: the VM requires every feature of the mode
/// (\[C\] per-VM EVC "determines the set of host CPU features that a virtual machine requires in
/// order to power on and migrate").
pub fn power_on_at(
    host: &Host,
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    vhw: Option<u8>,
) -> Vm {
    let (vhw_value, vhw_from) = match vhw {
        Some(v) => (v, Provenance::Given),
        None => (host.max_vhw.unwrap_or(MAX_VHW), Provenance::Assumed),
    };
    let (seen, maybe_seen) = seen_at(host, evc, per_vm, vhw_value);
    let requirable = exposure::requirable_at(vhw_value);
    // Roles observed on ESXi 8.0 U1 only: on another or unknown release a not-required feature
    // of class YES is a possible requirement (issue 20 item 4).
    let by_release = exposure::roles_unobserved(host.release);
    let unproven = exposure::unproven().union(by_release);
    let mask_required = per_vm.map(per_vm_required).unwrap_or_default();
    let required = seen.intersection(requirable).union(mask_required);
    let maybe = seen
        .intersection(unproven)
        .union(maybe_seen.intersection(requirable.union(unproven)))
        .difference(required);
    let eff = effective(host, evc);
    let maybe_unknown_keys = match eff.basis {
        exposure::Basis::Raw => host
            .caps
            .unknown
            .iter()
            .filter(|(k, (_, v))| k.starts_with("cpuid.") && *v != 0)
            .map(|(k, _)| k.clone())
            .collect(),
        exposure::Basis::MaskedList => host
            .masked
            .as_ref()
            .map(|m| {
                m.unknown
                    .iter()
                    .filter(|(k, (_, v))| k.starts_with("cpuid.") && *v != 0)
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let name = match per_vm {
        Some(p) => format!(
            "any VM powered on on {} (per-VM EVC {}, what-if)",
            host.name, p.key
        ),
        None => format!("any VM powered on on {}", host.name),
    };
    let list = required
        .iter()
        .map(|id| VmRequirement {
            key: Key::Known(id),
            written: catalogue().def(id).key.clone(),
            requirement: Requirement::BOOL_MIN_1,
        })
        .collect();
    Vm {
        name,
        source: host.source.clone(),
        host: Some(host.name.clone()),
        power_state: Some("poweredOn".to_string()),
        requirements: Requirements::from_list(list),
        maybe,
        maybe_unknown_keys,
        roles_unobserved: maybe.intersection(by_release),
        source_release: host.release,
        mask_required,
        per_vm_what_if: per_vm.map(|p| p.key.clone()),
        vhw: Some(vhw_value),
        vhw_from,
        partial: host.is_fragment() || !maybe.is_empty(),
        ..Vm::default()
    }
}

/// The features a per-VM EVC mode named without masks requires (what-if): the mode's admission
/// set (a VM's stored masks, when loaded, are the real list).
pub(super) fn per_vm_required(mode: &EvcMode) -> FeatureSet {
    let cat = catalogue();
    mode.required
        .difference(exposure::patch_era())
        .iter()
        .filter(|id| !matches!(cat.def(*id).kind, Kind::Identity | Kind::Virtualization))
        .collect()
}

/// "Any VM powered on on `host`", one per band of virtual hardware versions whose requirements
/// differ (`breaks`: further versions where the answer may change, e.g. destinations' maxima).
/// With `vhw` given, one VM of that version.
///
/// A band exists on the host only if an ESXi release that runs its versions can run on the
/// host's CPU (issue 20, item 2). With the host's release in its data, its maximum is the top.
/// Without it, the CPU decides ([`crate::vhw::vhw_on_cpu`], the floors of
/// `core/data/esxi-cpu-floors.tsv`): versions whose releases a hard floor refuses (\[C\] ESXi 8.0
/// U2 and later need XSAVE even with `allowLegacyCPU=true`: a CPU known to lack it tops out at
/// vmx-20) are not banded; bands whose hard floor the data does not show, and bands whose
/// releases discontinued the CPU (KB 82794, bypassed by `allowLegacyCPU=true`: unlikely, not
/// impossible), are kept and named with that condition, and carry it in `Vm::band_on_cpu`.
/// Workstation-only versions (6, 12, 16: \[C\] KB 312100) never form a band of their own.
pub fn power_on_bands(
    host: &Host,
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    vhw: Option<u8>,
    breaks: &[u8],
) -> Vec<Vm> {
    if vhw.is_some() {
        return vec![power_on_at(host, evc, per_vm, vhw)];
    }
    // Without the host's release, what its CPU allows: per version, whether a VM of it can exist.
    let on_cpu = |v: u8| {
        host.max_vhw
            .is_none()
            .then(|| crate::vhw::vhw_on_cpu(host, v))
    };
    let top = host
        .max_vhw
        .unwrap_or_else(|| crate::vhw::cpu_max_vhw(host, MAX_VHW));
    let eff = effective(host, evc);
    let relevant = eff.present.union(eff.unknown);
    let mut starts: Vec<u8> = relevant
        .iter()
        .filter_map(exposure::first_vhw)
        .filter(|v| *v > MIN_VHW && *v <= top)
        .collect();
    starts.extend(
        breaks
            .iter()
            .map(|b| b + 1)
            .filter(|v| *v > MIN_VHW && *v <= top),
    );
    // A band never mixes versions that exist with versions that may not: a new band starts where
    // the CPU's answer changes (compared between ESXi versions only).
    let mut previous: Option<crate::esxi::VhwOnCpu> = None;
    for v in MIN_VHW..=top {
        let Some(now) = on_cpu(v).filter(|o| *o != crate::esxi::VhwOnCpu::NotEsxi) else {
            continue;
        };
        if previous.as_ref().is_some_and(|p| {
            std::mem::discriminant(p) != std::mem::discriminant(&now)
                || p.condition(&host.name) != now.condition(&host.name)
        }) {
            starts.push(v);
        }
        previous = Some(now);
    }
    starts.push(MIN_VHW);
    starts.sort_unstable();
    starts.dedup();
    let mut out: Vec<Vm> = Vec::new();
    for (i, lo) in starts.iter().enumerate() {
        let hi = starts.get(i + 1).map(|n| n - 1).unwrap_or(top);
        // The band's ESXi versions (none: a Workstation version alone, which no ESXi host runs).
        let Some(esxi_lo) = (*lo..=hi).find(|v| crate::esxi::first_release(*v).is_some()) else {
            continue;
        };
        let mut vm = power_on_at(host, evc, per_vm, Some(hi));
        vm.vhw_from = Provenance::Assumed;
        vm.vhw_band = Some((*lo, hi));
        vm.band_on_cpu = on_cpu(esxi_lo);
        // Adjacent bands with the same requirements, the same existence on the CPU and no
        // destination break between them merge.
        if let Some(last) = out.last_mut()
            && last.requirements == vm.requirements
            && last.maybe == vm.maybe
            && last.band_on_cpu == vm.band_on_cpu
            && !breaks
                .iter()
                .any(|b| (last.vhw_band.map_or(0, |x| x.1)..hi).contains(b))
        {
            last.vhw_band = last.vhw_band.map(|(l, _)| (l, hi));
            last.vhw = Some(hi);
            continue;
        }
        out.push(vm);
    }
    let single = out.len() == 1;
    for vm in &mut out {
        let condition = vm
            .band_on_cpu
            .as_ref()
            .and_then(|o| o.condition(&host.name));
        match (vm.vhw_band, single, condition) {
            (Some((lo, hi)), false, Some(c)) => {
                vm.name = format!("{} ({}, {c})", vm.name, band_text(lo, hi, top))
            }
            (Some((lo, hi)), false, None) => {
                vm.name = format!("{} ({})", vm.name, band_text(lo, hi, top))
            }
            (_, true, Some(c)) => vm.name = format!("{} ({c})", vm.name),
            _ => {}
        }
    }
    out
}

/// "vmx-11 and later", "vmx-10 and earlier", "vmx-9 to vmx-10".
pub fn band_text(lo: u8, hi: u8, top: u8) -> String {
    match (lo <= MIN_VHW, hi >= top) {
        (true, true) => "every vHW".to_string(),
        (true, false) => format!("vmx-{hi} and earlier"),
        (false, true) => format!("vmx-{lo} and later"),
        (false, false) if lo == hi => format!("vmx-{lo}"),
        (false, false) => format!("vmx-{lo} to vmx-{hi}"),
    }
}

/// The lowest EVC mode that admits the VM (every required feature is exposed by the mode).
pub fn vm_min_mode<'m>(vm: &Vm, modes: &'m ModeCatalogue) -> Option<&'m EvcMode> {
    let cat = catalogue();
    let needed: FeatureSet = vm
        .requirements
        .required_features()
        .iter()
        .filter(|id| cat.def(*id).kind != Kind::Identity)
        .collect();
    modes
        .modes
        .iter()
        .filter(|m| needed.is_subset(&m.exposed))
        .min_by_key(|m| (m.tier, m.exposed.len()))
}

/// Per-VM EVC masks pin the CPU identity (FAMILY, MODEL, …) and vendor; a VM's other masks
/// (e.g. NSX Edge's lone `cpuid.PDPE1GB = Val:1`, \[D\]) are not an EVC mode.
pub(super) fn masks_are_per_vm_evc(vm: &Vm) -> bool {
    vm.masks.iter().any(|(k, _)| match k {
        Key::Known(id) => matches!(catalogue().def(*id).kind, Kind::Identity | Kind::Vendor),
        Key::Unknown(_) => false,
    })
}

/// The modes whose exposed set equals the features a per-VM mask lets through.
pub fn modes_matching_masks<'m>(vm: &Vm, modes: &'m ModeCatalogue) -> Vec<&'m EvcMode> {
    if !masks_are_per_vm_evc(vm) {
        return Vec::new();
    }
    let cat = catalogue();
    // Per-VM masks also pass VMX through for nested virtualization (`featMask.vm.cpuid.VMX`,
    // [D] real .vmx samples); EVC baselines do not list it, so it does not count here.
    let exposed: FeatureSet = masks_expose(&vm.masks)
        .iter()
        .filter(|id| cat.def(*id).kind != Kind::Virtualization)
        .collect();
    modes
        .modes
        .iter()
        .filter(|m| m.exposed == exposed)
        .collect()
}

/// The report of one VM: its requirements and masks, the lowest EVC mode that admits them
/// (computed, cross-checked against the input's `minRequiredEVCModeKey`), and its per-VM mask mode.
pub fn vm_report(vm: &Vm, modes: &ModeCatalogue) -> VmReport {
    let min = vm_min_mode(vm, modes).map(|m| m.key.clone());
    let mut warnings = vm.warnings.clone();
    let cross = cross_check(vm.reported_min_evc.as_deref(), min.as_deref());
    if let CrossCheck::Differs = cross {
        warnings.push(format!(
            "the input reports minRequiredEVCModeKey = {}, evcalc computes {}",
            vm.reported_min_evc.as_deref().unwrap_or("?"),
            min.as_deref().unwrap_or("none")
        ));
    }
    let per_vm_mask_mode = if !masks_are_per_vm_evc(vm) {
        None
    } else {
        let matching = modes_matching_masks(vm, modes);
        Some(
            matching
                .first()
                .map(|m| m.key.clone())
                .unwrap_or_else(|| "custom".to_string()),
        )
    };
    VmReport {
        name: vm.name.clone(),
        source: vm.source.clone(),
        host: vm.host.clone(),
        power_state: vm.power_state.clone(),
        min_evc_mode: if vm.requirements.all.is_empty() {
            None
        } else {
            min
        },
        reported_min_evc_mode: vm.reported_min_evc.clone(),
        min_evc_cross_check: cross,
        per_vm_mask_mode,
        requirements: vm
            .requirements
            .all
            .iter()
            .map(|r| RequirementReport {
                key: r.written.clone(),
                label: r.key.label().to_string(),
                known: matches!(r.key, Key::Known(_)),
                required: r.requirement.to_string(),
            })
            .collect(),
        masks: vm
            .masks
            .iter()
            .map(|(k, m)| MaskReport {
                key: k.name().to_string(),
                mask: m.to_string(),
            })
            .collect(),
        warnings,
    }
}
