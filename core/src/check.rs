//! The checks: host summary, VM at power-on, VM → host, cluster matrix, maintenance plan.
//!
//! The rule (\[C\] vSphere API, `VirtualMachineRuntimeInfo.featureRequirement`): a VM's
//! requirements "must have equivalent host capabilities `HostConfigInfo.featureCapability`
//! in order to power on, resume, or migrate to the host". A VM's requirements are frozen at
//! power-on from what it saw: the host's features, capped by the cluster EVC mode and any
//! per-VM EVC mode.
//!
//! Every function returns a plain report value from [`crate::report`], the one JSON schema.

use crate::catalogue::{FeatureId, FeatureSet, Kind, catalogue, fid};
use crate::evc::{EvcMode, ModeCatalogue};
use crate::exposure::{self, effective_decision as effective};
use crate::model::{Host, Key, Provenance, Requirements, Vm, VmRequirement, masks_expose};
pub use crate::names::{drift_summary, host_list, names_plural};
use crate::report::*;
use crate::value::{ReqOp, Requirement};

pub use crate::evc::EvcSetting;

/// A feature reference for reports.
pub(crate) fn feature_ref(id: FeatureId) -> FeatureRef {
    let def = catalogue().def(id);
    FeatureRef {
        key: def.key.clone(),
        label: def.label.clone(),
        kind: def.kind,
        cpuid: cpuid_text(id),
    }
}

fn refs(set: FeatureSet) -> Vec<FeatureRef> {
    set.iter().map(feature_ref).collect()
}

// ---------------------------------------------------------------------------------------------
// Hosts

/// The modes a host can certainly join (verdict admitted). `None` for fragments (not enough data).
pub fn host_modes<'m>(host: &Host, modes: &'m ModeCatalogue) -> Option<Vec<&'m EvcMode>> {
    if host.is_fragment() {
        return None;
    }
    let admitted: Vec<&EvcMode> = modes
        .modes
        .iter()
        .filter(|m| admission_verdict(host, m) == Some(true))
        .collect();
    Some(admitted)
}

/// The highest EVC mode a host can certainly join.
pub fn host_max_mode<'m>(host: &Host, modes: &'m ModeCatalogue) -> Option<&'m EvcMode> {
    host_modes(host, modes).and_then(|admitted| ModeCatalogue::highest(&admitted))
}

/// How a host stands for one mode: (certainly missing, unproven-role missing, unrecorded).
fn admission_parts(host: &Host, mode: &EvcMode) -> (FeatureSet, FeatureSet, FeatureSet) {
    let present = host.caps.present;
    let unrecorded = host.unrecorded.difference(present);
    let missing = mode.required.difference(present);
    let unproven = mode.admission_unproven.difference(present);
    (
        missing.difference(unrecorded),
        unproven.difference(unrecorded),
        missing.union(unproven).intersection(unrecorded),
    )
}

/// "if cpuid.XSAVEOPT, which the input does not record, is present, and hosts without cpuid.MWAIT
/// (admission role unproven) are admitted".
fn condition_text(unrecorded: FeatureSet, unproven: FeatureSet) -> String {
    let keys = |set: FeatureSet| -> String {
        let names: Vec<&str> = set
            .iter()
            .map(|id| catalogue().def(id).key.as_str())
            .collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let mut parts = Vec::new();
    if !unrecorded.is_empty() {
        let (which, is) = if unrecorded.len() == 1 {
            ("which", "is")
        } else {
            ("which", "are")
        };
        parts.push(format!(
            "if {}, {which} the input does not record, {is} present",
            keys(unrecorded)
        ));
    }
    if !unproven.is_empty() {
        parts.push(format!(
            "if a host without {} is admitted (nothing shows vCenter requires {}: admission role unproven)",
            keys(unproven),
            if unproven.len() == 1 { "it" } else { "them" }
        ));
    }
    parts.join(", and ")
}

/// Summarises a host: vendor, CPU, ESXi, supported EVC modes, what blocks the next mode.
pub fn host_report(host: &Host, modes: &ModeCatalogue) -> HostReport {
    let admitted = host_modes(host, modes);
    let max = admitted.as_ref().and_then(|a| ModeCatalogue::highest(a));
    let blockers = |m: &EvcMode| {
        let (missing, unproven, unrecorded) = admission_parts(host, m);
        ModeBlockers {
            mode: m.key.clone(),
            missing: refs(missing),
            unproven: refs(unproven),
            unrecorded: refs(unrecorded),
        }
    };
    let next_blockers = match (max, &admitted) {
        (Some(max), Some(_)) => modes.next_above(max).into_iter().map(blockers).collect(),
        (None, Some(_)) => modes
            .modes
            .iter()
            .filter(|m| host.vendor.is_none_or(|v| v == m.vendor))
            .min_by_key(|m| m.tier)
            .map(blockers)
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    // Modes above the certain maximum that nothing certainly blocks.
    let mut uncertain: Vec<&EvcMode> = if host.is_fragment() {
        Vec::new()
    } else {
        modes
            .modes
            .iter()
            .filter(|m| admission_verdict(host, m).is_none())
            .filter(|m| max.is_none_or(|max| m.vendor == max.vendor && m.tier > max.tier))
            .collect()
    };
    uncertain.sort_by_key(|m| (m.tier, m.exposed.len()));
    let possible = {
        let mut all: Vec<&EvcMode> = max.into_iter().collect();
        all.extend(uncertain.iter().copied());
        ModeCatalogue::highest(&all)
    };
    let uncertain_modes: Vec<UncertainMode> = uncertain
        .iter()
        .map(|m| {
            let (_, unproven, unrecorded) = admission_parts(host, m);
            UncertainMode {
                mode: m.key.clone(),
                unrecorded: refs(unrecorded),
                unproven: refs(unproven),
                condition: condition_text(unrecorded, unproven),
            }
        })
        .collect();
    let max_key = max.map(|m| m.key.clone());
    let summary = {
        let base = match (&max_key, host.is_fragment()) {
            (_, true) => "unknown (fragment)".to_string(),
            (Some(k), _) => k.clone(),
            (None, _) => "no EVC mode for certain".to_string(),
        };
        match possible.filter(|p| Some(&p.key) != max_key.as_ref()) {
            Some(p) => {
                let u = uncertain_modes
                    .iter()
                    .find(|u| u.mode == p.key)
                    .map(|u| u.condition.as_str())
                    .unwrap_or("");
                format!("{base}; {} {u}", p.key)
            }
            None => base,
        }
    };
    // A range that contains the reported mode agrees with it.
    let in_range = host
        .reported_max_evc
        .as_deref()
        .filter(|r| uncertain_modes.iter().any(|u| u.mode == *r));
    let cross_check = cross_check(
        host.reported_max_evc.as_deref(),
        in_range.or(max_key.as_deref()),
    );
    let cat = catalogue();
    let mut warnings = host.warnings.clone();
    if host.is_fragment() {
        warnings.push(
            "partial input (a fragment): only the listed keys are known; EVC modes cannot be computed".to_string(),
        );
    }
    if let CrossCheck::Differs = cross_check {
        warnings.push(format!(
            "the input reports maxEVCModeKey = {}, evcalc computes {}: the built-in EVC baselines are partly [R]/[I]; \
             a SupportedEVCMode export (--modes) settles it",
            host.reported_max_evc.as_deref().unwrap_or("?"),
            max_key.as_deref().unwrap_or("none")
        ));
    }
    HostReport {
        name: host.name.clone(),
        source: host.source.clone(),
        vendor: host.vendor,
        cpu_model: host.cpu_model.clone(),
        product: host.product.clone(),
        fragment: host.is_fragment(),
        feature_count: host.caps.present.len(),
        family: host.caps.numbers.get(&fid::FAMILY).copied(),
        model: host.caps.numbers.get(&fid::MODEL).copied(),
        stepping: host.caps.numbers.get(&fid::STEPPING).copied(),
        max_evc_mode: max_key,
        max_evc_mode_possible: possible.map(|m| m.key.clone()),
        uncertain_modes,
        max_evc_summary: summary,
        unrecorded: refs(host.unrecorded.difference(host.caps.present)),
        supported_evc_modes: admitted
            .map(|a| a.iter().map(|m| m.key.clone()).collect())
            .unwrap_or_default(),
        next_mode_blockers: next_blockers,
        reported_max_evc_mode: host.reported_max_evc.clone(),
        reported_current_evc_mode: host.reported_current_evc.clone(),
        max_evc_cross_check: cross_check,
        mitigations: refs(host.caps.present.intersection(cat.mitigations())),
        unknown_keys: host
            .caps
            .unknown
            .values()
            .map(|(k, v)| UnknownKey {
                key: k.clone(),
                value: *v,
            })
            .collect(),
        warnings,
    }
}

fn cross_check(reported: Option<&str>, computed: Option<&str>) -> CrossCheck {
    match reported {
        None => CrossCheck::NotReported,
        Some(r) if Some(r) == computed => CrossCheck::Agrees,
        Some(_) => CrossCheck::Differs,
    }
}

/// The verdict of [`admission`] alone (`admitted`: `Some(true)` admitted, `Some(false)` not,
/// `None` fragment or uncertain), without building the report.
///
/// Performance: `max_common_mode` asks this for every (mode, host) pair — 250,000 pairs for
/// 10,000 hosts — and only needs the verdict; building an [`Admission`] allocates strings and
/// feature lists each time (docs/performance.md).
fn admission_verdict(host: &Host, mode: &EvcMode) -> Option<bool> {
    if host.is_fragment() {
        return None;
    }
    let vendor_mismatch = host.vendor.is_some_and(|v| v != mode.vendor);
    let present = host.caps.present;
    let required_missing = mode.required.difference(present);
    if vendor_mismatch || !required_missing.is_subset(&host.unrecorded) {
        return Some(false);
    }
    if required_missing.is_empty() && mode.admission_unproven.is_subset(&present) {
        Some(true)
    } else {
        None
    }
}

/// Whether `host` can be admitted to `mode`: the features it certainly lacks, those whose
/// admission role is unproven, and those its input does not record.
pub fn admission(host: &Host, mode: &EvcMode) -> Admission {
    if host.is_fragment() {
        return Admission {
            host: host.name.clone(),
            mode: mode.key.clone(),
            admitted: None,
            verdict: AdmissionVerdict::Unknown,
            missing: Vec::new(),
            unproven: Vec::new(),
            unrecorded: Vec::new(),
            vendor_mismatch: false,
            baseline_exposes: Vec::new(),
            reason: Some("partial input (a fragment): admission cannot be judged".to_string()),
        };
    }
    let vendor_mismatch = host.vendor.is_some_and(|v| v != mode.vendor);
    let (missing, unproven, unrecorded) = admission_parts(host, mode);
    let admitted = admission_verdict(host, mode);
    let verdict = match admitted {
        Some(true) => AdmissionVerdict::Admitted,
        Some(false) => AdmissionVerdict::NotAdmitted,
        None => AdmissionVerdict::Uncertain,
    };
    let reason = (verdict == AdmissionVerdict::Uncertain)
        .then(|| format!("admitted {}", condition_text(unrecorded, unproven)));
    Admission {
        host: host.name.clone(),
        mode: mode.key.clone(),
        admitted,
        verdict,
        missing: refs(missing),
        unproven: refs(unproven),
        unrecorded: refs(unrecorded),
        vendor_mismatch,
        baseline_exposes: Vec::new(),
        reason,
    }
}

/// Admission of `host` to `mode` in a cluster whose patch-era findings are `findings` (see
/// [`exposure::findings`]): [`admission`], and once a member's evidence shows the baseline
/// exposing a patch-era feature, a host without it is not admitted (\[C\] KB 52085/68024:
/// "Unpatched ESXi hosts will no longer be admitted into the EVC cluster"); where the baseline's
/// exposure is not shown and the host lacks it, admission is uncertain. One rule for the class
/// table and `plan --add` (issue 19: they disagreed).
pub fn admission_in_cluster(
    host: &Host,
    mode: &EvcMode,
    findings: &[exposure::PatchFinding],
) -> Admission {
    let mut a = admission(host, mode);
    if host.is_fragment() {
        return a;
    }
    let cat = catalogue();
    let raw_unknown = exposure::raw_unknown(host);
    let mut exposed_missing = FeatureSet::default();
    let mut open = FeatureSet::default();
    for f in findings {
        let Some(id) = cat.lookup(&f.feature) else {
            continue;
        };
        let has = host.caps.present.contains(id);
        let known = !raw_unknown.contains(id);
        match (f.baseline, has, known) {
            (exposure::Tri::Yes, false, true) => exposed_missing.insert(id),
            (exposure::Tri::Yes, false, false) | (exposure::Tri::Unknown, false, _) => {
                open.insert(id)
            }
            _ => {}
        }
    }
    if !exposed_missing.is_empty() {
        a.admitted = Some(false);
        a.verdict = AdmissionVerdict::NotAdmitted;
        a.missing.extend(refs(exposed_missing));
        a.baseline_exposes = refs(exposed_missing);
        a.reason = None;
    } else if !open.is_empty() && a.admitted == Some(true) {
        a.admitted = None;
        a.verdict = AdmissionVerdict::Uncertain;
        a.unproven.extend(refs(open));
        a.reason = Some(format!(
            "admitted if the cluster's baseline does not expose {} (not shown)",
            open.iter()
                .map(|id| cat.def(id).key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    a
}

// ---------------------------------------------------------------------------------------------
// VMs

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

fn seen_at(
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
    let unproven = exposure::unproven();
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
fn per_vm_required(mode: &EvcMode) -> FeatureSet {
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
fn masks_are_per_vm_evc(vm: &Vm) -> bool {
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

/// What a check reads of a destination that does not depend on the VM: its EVC-effective
/// capabilities and its admission to the cluster's mode. Plans checking many VMs against the
/// same destinations prepare each destination once ([`Prepared::of`]) and check with
/// [`check_outcome`], which shares the unmet-requirement entries between VMs.
#[derive(Debug, Clone)]
pub struct Prepared<'h> {
    dest: &'h Host,
    eff: exposure::Effective,
    admission: Option<Admission>,
    /// The unmet-requirement entries [`check_outcome`] has built for this destination, by a hash
    /// of (key as written, requirement, from a per-VM mask): the same entry for every VM.
    entries: std::cell::RefCell<Entries>,
    /// The same entries for catalogue features required `Bool:Min:1`, by feature: an index
    /// into `entries.list`, `u32::MAX` for none yet.
    by_feature: std::cell::RefCell<Vec<u32>>,
    /// The virtual hardware blockers [`check_outcome`] has written, by VM hardware version.
    vhw_texts: std::cell::RefCell<Vec<(u8, std::sync::Arc<str>)>>,
}

impl<'h> Prepared<'h> {
    /// Prepares `dest` for checks under `evc` (pass the same `evc` to the checks).
    pub fn of(dest: &'h Host, evc: EvcSetting<'_>) -> Prepared<'h> {
        Prepared {
            dest,
            eff: effective(dest, evc),
            admission: evc.mode().map(|m| admission(dest, m)),
            entries: Default::default(),
            by_feature: Default::default(),
            vhw_texts: Default::default(),
        }
    }

    /// The destination.
    pub fn host(&self) -> &'h Host {
        self.dest
    }
    /// The destination's admission to the cluster's EVC mode (`None`: EVC disabled).
    pub fn admission(&self) -> Option<&Admission> {
        self.admission.as_ref()
    }
    /// What the destination's EVC-effective capabilities were read from.
    pub fn basis(&self) -> exposure::Basis {
        self.eff.basis
    }
}

/// The unmet-requirement entries of a prepared destination: (requirement, from a per-VM mask,
/// entry), found by a hash of (feature or key as written, requirement, from a mask).
#[derive(Debug, Clone, Default)]
struct Entries {
    list: Vec<(Requirement, bool, std::sync::Arc<Missing>)>,
    index: rustc_hash::FxHashMap<u64, Vec<u32>>,
}

/// The outcome of one check, as a plan over many VMs keeps it: what contract v2 reports of a
/// destination (verdict, blockers, open points, admission, band), with the destination's name
/// borrowed and its unmet-requirement entries shared between the VMs checked against the same
/// [`Prepared`] destination (`not_admitted` = the destination's `admission.admitted == Some(false)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome<'h> {
    /// The destination's name.
    pub to: &'h str,
    /// compatible, blocked or unknown.
    pub verdict: Verdict,
    /// The requirements the destination does not meet (shared between the VMs checked against
    /// the same prepared destination).
    pub missing: Vec<std::sync::Arc<Missing>>,
    /// What keeps the move from being proven.
    pub unknown: Vec<UnknownItem>,
    /// Shared, like the unmet-requirement entries.
    pub vhw_blocker: Option<std::sync::Arc<str>>,
    /// The highest virtual hardware version the destination's ESXi runs, when shown.
    pub destination_max_vhw: Option<u8>,
    /// The VM's virtual hardware version, when known.
    pub vhw: Option<u8>,
    /// "Any VM": the band of virtual hardware versions the VM stands for (lowest, highest).
    pub vhw_band: Option<(u8, u8)>,
    /// The destination cannot be admitted to the cluster's EVC mode.
    pub not_admitted: bool,
}

impl<'h> Outcome<'h> {
    /// The destination's name.
    pub fn to(&self) -> &str {
        self.to
    }
    /// The unmet requirements, in order.
    pub fn missing_entries(&self) -> impl Iterator<Item = &Missing> {
        self.missing.iter().map(|m| &**m)
    }
    /// The canonical keys of the unmet requirements, in order.
    pub fn missing_keys(&self) -> impl Iterator<Item = &str> {
        self.missing_entries().map(|m| m.canonical_key.as_str())
    }
    /// [`Outcome::missing_keys`], each with an identity, the shared entry's address: entries of
    /// the same identity are the same (feature, destination), so a pass over a plan's checks can
    /// skip them.
    pub fn missing_idents(&self) -> impl Iterator<Item = (usize, &str)> {
        self.missing
            .iter()
            .map(|m| (std::sync::Arc::as_ptr(m) as usize, m.canonical_key.as_str()))
    }
    /// Whether a requirement is unmet.
    pub fn has_missing(&self) -> bool {
        !self.missing.is_empty()
    }
    /// Whether the destination's ESXi cannot run the VM's virtual hardware version.
    pub fn has_vhw_blocker(&self) -> bool {
        self.vhw_blocker.is_some()
    }
    /// The virtual hardware blocker as a blocking entry (typed: [`VhwTooNew`]).
    pub fn vhw_entry(&self) -> Option<Missing> {
        self.vhw_blocker.as_deref().map(|t| {
            vhw_missing(
                t,
                self.vhw.unwrap_or(0),
                self.destination_max_vhw.unwrap_or(0),
            )
        })
    }
}

/// The engine's one check: can `vm` move to the prepared destination under the EVC setting
/// `prepared` was made for? Its requirements against the destination's EVC-effective
/// capabilities, its per-VM masks, its virtual hardware version against the destination ESXi's
/// maximum, and the destination's admission: the verdict, the unmet requirements (entries
/// shared between VMs checked against the same destination), the open points and the virtual
/// hardware blocker. The check of a plan over thousands of VMs (`docs/performance.md`).
pub fn check_outcome<'h>(vm: &Vm, prepared: &Prepared<'h>) -> Outcome<'h> {
    let dest = prepared.dest;
    let eff = &prepared.eff;
    let offered = eff.present.union(eff.unknown);
    let mut missing: Vec<std::sync::Arc<Missing>> = Vec::with_capacity(
        vm.requirements.bool_min.difference(offered).len()
            + vm.mask_required.difference(offered).len(),
    );
    let mut entries = prepared.entries.borrow_mut();
    let mut by_feature = prepared.by_feature.borrow_mut();
    unmet(vm, dest, eff, |key, written, requirement, mask| {
        // The common entry, a catalogue feature required `Bool:Min:1` as the catalogue spells
        // it, by feature; everything else by hash.
        let common = match key {
            Key::Known(id) if requirement == Requirement::BOOL_MIN_1 && !mask => Some(*id),
            _ => None,
        };
        if let Some(id) = common {
            if by_feature.is_empty() {
                *by_feature = vec![u32::MAX; catalogue().len()];
            }
            if let Some(&i) = by_feature.get(id.0 as usize)
                && let Some((_, _, m)) = entries.list.get(i as usize)
                && m.key == written
            {
                missing.push(m.clone());
                return;
            }
        }
        // Known keys hash by feature (cheap); the entry still matches the key as written.
        let hash = match key {
            Key::Known(id) => hash_of(&(id.0, requirement, mask)),
            Key::Unknown(_) => hash_of(&(written, requirement, mask)),
        };
        let Entries { list, index } = &mut *entries;
        let bucket = index.entry(hash).or_default();
        let found = bucket.iter().copied().find(|&i| {
            let (r, from_mask, m) = &list[i as usize];
            *r == requirement && *from_mask == mask && m.key == written
        });
        let i = match found {
            Some(i) => i,
            None => {
                let m = missing_entry(
                    key.clone(),
                    written,
                    requirement,
                    available(dest, eff, key, mask),
                    dest,
                    eff,
                    mask,
                );
                let i = list.len() as u32;
                bucket.push(i);
                list.push((requirement, mask, std::sync::Arc::new(m)));
                i
            }
        };
        if let Some(id) = common
            && let Some(slot) = by_feature.get_mut(id.0 as usize)
            && *slot == u32::MAX
        {
            *slot = i;
        }
        missing.push(list[i as usize].2.clone());
    });
    drop(entries);
    drop(by_feature);
    let f = findings(vm, prepared, None);
    let blocked =
        (!missing.is_empty() || !f.admitted || f.vhw_block.is_some()) && !f.band_may_not_exist;
    let verdict = verdict(!blocked, fully_checked(vm, dest, &f.unknown));
    let vhw_blocker = f.vhw_block.map(|v| {
        let mut texts = prepared.vhw_texts.borrow_mut();
        match texts.iter().find(|(w, _)| *w == v) {
            Some((_, t)) => t.clone(),
            None => {
                let t: std::sync::Arc<str> = vhw_block_text(v, dest).into();
                texts.push((v, t.clone()));
                t
            }
        }
    });
    Outcome {
        to: &dest.name,
        verdict,
        missing,
        unknown: f.unknown,
        vhw_blocker,
        destination_max_vhw: dest.max_vhw,
        vhw: vm.vhw,
        vhw_band: vm.vhw_band,
        not_admitted: !f.admitted,
    }
}

/// A value's FxHash: the key of the engine's and the answers' interning tables.
pub(crate) fn hash_of(value: &impl std::hash::Hash) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(value)
}

/// What a check finds besides the unmet requirements.
struct Findings {
    /// Everything that keeps the move from being proven.
    unknown: Vec<UnknownItem>,
    /// The VM's virtual hardware version, when the destination's ESXi cannot run it.
    vhw_block: Option<u8>,
    /// Admitted to the cluster's mode, or not known not to be.
    admitted: bool,
    /// The VM's virtual hardware band may not exist on its source (a hard ESXi CPU floor the
    /// source's data does not show): what blocks it is not proven (issue 20 item 2).
    band_may_not_exist: bool,
}

/// The open points of a check, its virtual hardware blocker and the destination's admission;
/// `unknown_on_destination` (when given) collects the requirements the destination's data does
/// not show.
fn findings(
    vm: &Vm,
    prepared: &Prepared<'_>,
    mut unknown_on_destination: Option<&mut Vec<String>>,
) -> Findings {
    let dest = prepared.dest;
    let eff = &prepared.eff;
    let admission = prepared.admission.as_ref();
    let admitted = admission.is_none_or(|a| a.admitted != Some(false));
    let cat = catalogue();
    let mut unknown: Vec<UnknownItem> = Vec::new();
    // Requirements the destination's data does not show. A full dump knows every key, and the
    // `Bool:Min:1` features are known unless they meet the effective unknowns: then only the
    // other requirements need a look (the same entries, in the same order).
    let all_known_bool = dest.known_only.is_none()
        && vm
            .requirements
            .bool_min
            .intersection(eff.unknown)
            .is_empty();
    let list = if all_known_bool {
        &vm.requirements.other
    } else {
        &vm.requirements.all
    };
    for r in list {
        let known = match &r.key {
            Key::Known(id) => eff.knows(*id) && dest.knows(&r.key),
            Key::Unknown(_) => dest.knows(&r.key),
        };
        if !known {
            if let Some(out) = unknown_on_destination.as_deref_mut() {
                out.push(r.written.clone());
            }
            unknown.push(UnknownItem {
                key: r.written.clone(),
                why: format!("{}'s data does not show it", dest.name),
                features: vec![r.key.name().to_string()],
            });
        }
    }
    // A computed VM moving back to the host it was powered on on: what it may have seen, that
    // host offers.
    let home = !vm.from_input
        && vm
            .host
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(&dest.name));
    let maybe = if home {
        FeatureSet::default()
    } else {
        vm.maybe
    };
    let open = maybe.difference(eff.present);
    let dest_lacks = |id: FeatureId| {
        if eff.unknown.contains(id) {
            format!("{}'s data does not show it either", dest.name)
        } else {
            format!("{} does not offer it", dest.name)
        }
    };
    let mut unshown: Vec<&str> = Vec::new();
    for id in open.iter() {
        let key = cat.def(id).key.clone();
        if exposure::patch_era().contains(id) {
            let why = format!(
                "whether the VM's host exposes it to VMs (its EVC masks) is not shown; {}",
                dest_lacks(id)
            );
            unknown.push(UnknownItem {
                features: vec![key.clone()],
                key,
                why,
            });
        } else if exposure::unproven().contains(id) && !eff.unknown.contains(id) {
            let why = format!(
                "no real requirement list shows whether VMs that see it require it; {}",
                dest_lacks(id)
            );
            unknown.push(UnknownItem {
                features: vec![key.clone()],
                key,
                why,
            });
        } else {
            unshown.push(&cat.def(id).key);
        }
    }
    if !unshown.is_empty() {
        let shown: Vec<&str> = unshown.iter().take(5).copied().collect();
        unknown.push(UnknownItem {
            key: if unshown.len() == 1 { unshown[0].to_string() } else { format!("{} features", unshown.len()) },
            why: format!(
                "not shown by the data (fragments or unrecorded CPUID leaves): {}{}; load full dumps",
                shown.join(", "),
                if unshown.len() > 5 { ", …" } else { "" }
            ),
            features: unshown.iter().map(|k| k.to_string()).collect(),
        });
    }
    for k in &vm.maybe_unknown_keys {
        let dest_value = match eff.basis {
            exposure::Basis::MaskedList => dest
                .masked
                .as_ref()
                .map(|m| m.value(&Key::Unknown(k.clone())))
                .unwrap_or(0),
            _ => dest.caps.value(&Key::Unknown(k.clone())),
        };
        if dest_value == 0 {
            unknown.push(UnknownItem {
                key: k.clone(),
                why: format!("not in evcalc's feature catalogue (a newer ESXi feature?): the VM's host offers it, {} does not", dest.name),
                features: vec![k.clone()],
            });
        }
    }
    if let Some(a) = admission
        && a.admitted.is_none()
    {
        unknown.push(UnknownItem {
            key: a.mode.clone(),
            why: format!(
                "{}'s admission to {} cannot be judged from its data",
                dest.name, a.mode
            ),
            features: Vec::new(),
        });
    }
    let vhw_block = match (vm.vhw, dest.max_vhw) {
        (Some(v), Some(max)) if v > max => Some(v),
        _ => None,
    };
    if let (Some(v), None, true) = (vm.vhw, dest.max_vhw, vm.vhw_from != Provenance::Assumed) {
        unknown.push(UnknownItem {
            key: format!("vmx-{v}"),
            why: format!("{}'s ESXi version is not in its data, so its highest virtual hardware version is unknown", dest.name),
            features: Vec::new(),
        });
    }
    // A band that may not exist on the source (ESXi 8.0 U2+ needs XSAVE; the source's data
    // does not show it) proves no block: like an unknown destination release, it is unknown.
    let band_may_not_exist = vm
        .band_on_cpu
        .as_ref()
        .is_some_and(crate::esxi::VhwOnCpu::may_not_exist);
    if band_may_not_exist
        && let Some(why) = vm
            .band_on_cpu
            .as_ref()
            .and_then(|b| b.condition(vm.host.as_deref().unwrap_or("the VM's host")))
    {
        let lo = vm.vhw_band.map_or(vm.vhw.unwrap_or(0), |b| b.0);
        unknown.push(UnknownItem {
            key: format!("vmx-{lo}"),
            why: format!("VMs of this virtual hardware exist {why}"),
            features: Vec::new(),
        });
    }
    Findings {
        unknown,
        vhw_block,
        admitted,
        band_may_not_exist,
    }
}

/// Why a destination cannot run virtual hardware `vhw` (above its maximum), in the words of
/// [`crate::words::vhw_text`].
fn vhw_block_text(vhw: u8, dest: &Host) -> String {
    let release = dest.release.map(|r| r.name());
    crate::words::vhw_text(
        &VhwTooNew {
            vm_hw: vhw,
            destination_max: dest.max_vhw.unwrap_or(0),
            needs_release: crate::esxi::first_release_for(vhw).to_string(),
        },
        &dest.name,
        release.as_deref(),
    )
}

/// Whether nothing keeps a check from being proven: no open point, and not an empty
/// requirement list read from input checked against a fragment.
fn fully_checked(vm: &Vm, dest: &Host, unknown: &[UnknownItem]) -> bool {
    unknown.is_empty() && !(dest.is_fragment() && vm.requirements.all.is_empty() && vm.from_input)
}

/// The requirements of `vm` a check reads, as written: its `featureRequirement` list, then the
/// features its per-VM EVC masks require (`Val:1`) that the list does not name.
pub fn checked_requirements(vm: &Vm) -> Vec<CheckedRequirement> {
    let cat = catalogue();
    vm.requirements
        .all
        .iter()
        .map(|r| CheckedRequirement {
            key: r.written.clone(),
            required: requirement_text(r.requirement),
        })
        .chain(
            vm.mask_required
                .difference(vm.requirements.required_features())
                .iter()
                .map(|id| CheckedRequirement {
                    key: cat.def(id).key.clone(),
                    required: "Bool:Min:1 (per-VM EVC mask)".to_string(),
                }),
        )
        .collect()
}

/// The requirements of `vm` that a fragmentary destination's data does not show (not judged).
pub fn unjudged_on(vm: &Vm, prepared: &Prepared<'_>) -> Vec<String> {
    let mut out = Vec::new();
    findings(vm, prepared, Some(&mut out));
    out
}

fn verdict(nothing_blocks: bool, fully_checked: bool) -> Verdict {
    match (nothing_blocks, fully_checked) {
        (false, _) => Verdict::Blocked,
        (true, true) => Verdict::Compatible,
        (true, false) => Verdict::Unknown,
    }
}

/// The requirements of `vm` that `dest`'s EVC-effective capabilities under `evc` do not meet.
/// Keys whose value on the destination is not known are not judged (they make the move unknown).
pub fn missing_requirements(vm: &Vm, dest: &Host, evc: EvcSetting<'_>) -> Vec<Missing> {
    let eff = effective(dest, evc);
    let mut out = Vec::new();
    unmet(vm, dest, &eff, |key, written, requirement, mask| {
        out.push(missing_entry(
            key.clone(),
            written,
            requirement,
            available(dest, &eff, key, mask),
            dest,
            &eff,
            mask,
        ))
    });
    out
}

/// What a destination offers of an unmet requirement's key: its effective value, 0 for a feature
/// only a per-VM mask requires.
fn available(dest: &Host, eff: &exposure::Effective, key: &Key, from_mask: bool) -> u64 {
    if from_mask {
        0
    } else {
        exposure::effective_value(dest, eff, key)
    }
}

/// Calls `emit(key, written, requirement, from_mask)` for each requirement of `vm` that `dest`'s
/// effective capabilities `eff` do not meet, in the VM's order, then for each feature only its
/// per-VM EVC mask requires (`from_mask`: required `Bool:Min:1`; see [`available`]).
fn unmet(
    vm: &Vm,
    dest: &Host,
    eff: &exposure::Effective,
    mut emit: impl FnMut(&Key, &str, Requirement, bool),
) {
    let offered = eff.present.union(eff.unknown);
    let fast_missing = vm.requirements.bool_min.difference(offered);
    let mask_missing = vm.mask_required.difference(offered);
    if fast_missing.is_empty() && vm.requirements.other.is_empty() && mask_missing.is_empty() {
        return;
    }
    let list = if fast_missing.is_empty() {
        &vm.requirements.other
    } else {
        &vm.requirements.all
    };
    // Known features already listed: a mask requirement of the same feature is not repeated.
    let mut listed = FeatureSet::default();
    // With only `Bool:Min:1` features to find, each listed once (the list has no repeated
    // key: `all` is `bool_min` and `other` exactly), the scan stops at the last of them.
    let early = vm.requirements.other.is_empty()
        && vm.requirements.bool_min.len() == vm.requirements.all.len();
    let mut left = fast_missing;
    for r in list {
        if early && left.is_empty() {
            break;
        }
        let (blocked, known) = match &r.key {
            Key::Known(id) if r.requirement.op == ReqOp::Min && r.requirement.value == 1 => {
                (fast_missing.contains(*id), true)
            }
            Key::Known(id) => (
                !r.requirement
                    .is_met_by(exposure::effective_value(dest, eff, &r.key)),
                eff.knows(*id),
            ),
            key => (
                !r.requirement
                    .is_met_by(exposure::effective_value(dest, eff, key)),
                true,
            ),
        };
        if let Key::Known(id) = r.key {
            left.remove(id);
        }
        if blocked && known && dest.knows(&r.key) {
            if let Key::Known(id) = r.key {
                listed.insert(id);
            }
            emit(&r.key, &r.written, r.requirement, false);
        }
    }
    for id in mask_missing.difference(listed).iter() {
        emit(
            &Key::Known(id),
            &catalogue().def(id).key,
            Requirement::BOOL_MIN_1,
            true,
        );
    }
}

/// Whether `dest`'s EVC-effective capabilities meet every requirement of `vm` that `dest`
/// shows: exactly `missing_requirements(vm, dest, evc).is_empty()`, without building entries.
pub fn meets_requirements(vm: &Vm, dest: &Host, evc: EvcSetting<'_>) -> bool {
    let eff = effective(dest, evc);
    let offered = eff.present.union(eff.unknown);
    vm.requirements.bool_min.difference(offered).is_empty()
        && vm.mask_required.difference(offered).is_empty()
        && vm.requirements.other.iter().all(|r| {
            let known = match &r.key {
                Key::Known(id) => eff.knows(*id),
                Key::Unknown(_) => true,
            };
            r.requirement
                .is_met_by(exposure::effective_value(dest, &eff, &r.key))
                || !known
                || !dest.knows(&r.key)
        })
}

/// `CpuidBit` texts (`CPUID.07H:EDX[10]`) per catalogue feature, formatted once.
///
/// Performance: every unmet requirement of every check carries its CPUID location as a
/// string; formatting it each time dominated blocked checks in the maintenance benchmark
/// (docs/performance.md). A clone of the cached text is the same string.
fn cpuid_text(id: FeatureId) -> Option<String> {
    static TEXTS: std::sync::OnceLock<Vec<Option<String>>> = std::sync::OnceLock::new();
    TEXTS
        .get_or_init(|| {
            catalogue()
                .iter()
                .map(|(_, def)| def.cpuid.map(|c| c.to_string()))
                .collect()
        })
        .get(id.0 as usize)
        .cloned()
        .flatten()
}

/// `requirement.to_string()`, without the formatter for the common `Bool:Min:1`.
fn requirement_text(requirement: Requirement) -> String {
    if requirement == Requirement::BOOL_MIN_1 {
        "Bool:Min:1".to_string()
    } else {
        requirement.to_string()
    }
}

fn missing_entry(
    key: Key,
    written: &str,
    requirement: Requirement,
    available: u64,
    dest: &Host,
    eff: &exposure::Effective,
    per_vm_mask: bool,
) -> Missing {
    let raw_available = dest.knows(&key).then(|| dest.caps.value(&key));
    let absence = match (&key, raw_available, eff.basis) {
        _ if per_vm_mask => Some(Absence::PerVmMask),
        (Key::Known(_), None, _) => Some(Absence::RawNotShown),
        (Key::Known(_), Some(raw), _) if !requirement.is_met_by(raw) => Some(Absence::NotOnCpu),
        (Key::Known(_), Some(_), exposure::Basis::Raw) => Some(Absence::NotOnCpu),
        (Key::Known(_), Some(_), exposure::Basis::MaskedList) => Some(Absence::MasksHide),
        (Key::Known(_), Some(_), _) => Some(Absence::ModeHides),
        (Key::Unknown(_), _, _) => None,
    };
    // A single grep block of a fragment is the EVC-effective value only: raw not shown.
    let absence = match absence {
        Some(Absence::NotOnCpu)
            if dest.is_fragment()
                && dest.masked.is_none()
                && eff.basis != exposure::Basis::Raw
                && matches!(key, Key::Known(id) if exposure::patch_era().contains(id)) =>
        {
            Some(Absence::RawNotShown)
        }
        a => a,
    };
    let (kind, cpuid, remedy) = match &key {
        Key::Known(id) => (
            Some(catalogue().def(*id).kind),
            cpuid_text(*id),
            crate::remedy::rule_for_absence(*id, absence, eff.basis == exposure::Basis::Raw)
                .map(|r| r.name.as_str()),
        ),
        Key::Unknown(_) => (None, None, None),
    };
    let why = absence.map(|a| crate::words::absence_text(a, &dest.name, raw_available));
    Missing {
        key: written.to_string(),
        canonical_key: key.name().to_string(),
        label: key.label().to_string(),
        kind,
        cpuid,
        required: requirement_text(requirement),
        available,
        raw_available,
        absence,
        why,
        vhw_too_new: None,
        remedy,
    }
}

// ---------------------------------------------------------------------------------------------
// Clusters

/// The highest EVC mode every (non-fragment) host can join.
pub fn max_common_mode<'m>(hosts: &[Host], modes: &'m ModeCatalogue) -> Option<&'m EvcMode> {
    let full: Vec<&Host> = hosts.iter().filter(|h| !h.is_fragment()).collect();
    if full.is_empty() {
        return None;
    }
    let common: Vec<&EvcMode> = modes
        .modes
        .iter()
        .filter(|m| full.iter().all(|h| admission_verdict(h, m) == Some(true)))
        .collect();
    ModeCatalogue::highest(&common)
}

/// The highest EVC mode every (non-fragment) host *may* join: no host certainly fails it, though
/// some are only `uncertain` (unrecorded features, or features whose admission role is unproven).
/// Equal to [`max_common_mode`] when nothing is uncertain; with it, the cluster's highest common
/// mode is a range.
pub fn max_common_mode_possible<'m>(
    hosts: &[Host],
    modes: &'m ModeCatalogue,
) -> Option<&'m EvcMode> {
    let full: Vec<&Host> = hosts.iter().filter(|h| !h.is_fragment()).collect();
    if full.is_empty() {
        return None;
    }
    let common: Vec<&EvcMode> = modes
        .modes
        .iter()
        .filter(|m| full.iter().all(|h| admission_verdict(h, m) != Some(false)))
        .collect();
    ModeCatalogue::highest(&common)
}

/// Features on which hosts disagree.
pub fn drift(hosts: &[Host], evc: EvcSetting<'_>) -> Vec<Drift> {
    let cat = catalogue();
    let mut out = Vec::new();
    let effs: Vec<exposure::Effective> = hosts.iter().map(|h| effective(h, evc)).collect();
    let requirable = exposure::requirable_at(MAX_VHW).union(exposure::unproven());
    for (id, def) in cat.iter() {
        let key = Key::Known(id);
        let knowing: Vec<&Host> = hosts.iter().filter(|h| h.knows(&key)).collect();
        if knowing.len() < 2 {
            continue;
        }
        let values: Vec<u64> = knowing.iter().map(|h| h.caps.value(&key)).collect();
        if values.iter().all(|v| *v == values[0]) {
            continue;
        }
        let with: Vec<String> = knowing
            .iter()
            .filter(|h| h.caps.value(&key) != 0)
            .map(|h| h.name.clone())
            .collect();
        let without: Vec<String> = knowing
            .iter()
            .filter(|h| h.caps.value(&key) == 0)
            .map(|h| h.name.clone())
            .collect();
        // It blocks vMotion when one host is proven to offer it to VMs (EVC-effective) and another
        // is proven not to; a host whose offer is unknown proves nothing either way.
        let offers: Vec<Option<bool>> = effs
            .iter()
            .map(|e| {
                if e.present.contains(id) {
                    Some(true)
                } else if e.unknown.contains(id) {
                    None
                } else {
                    Some(false)
                }
            })
            .collect();
        let exposed = offers.contains(&Some(true)) && offers.contains(&Some(false));
        let hidden: Vec<String> = hosts
            .iter()
            .zip(&offers)
            .filter(|(h, o)| **o == Some(false) && h.knows(&key) && h.caps.value(&key) != 0)
            .map(|(h, _)| h.name.clone())
            .collect();
        let mut summary = drift_summary(&with, &without, knowing.len());
        if !hidden.is_empty() {
            summary.push_str(&format!(
                "; EVC masks hide it on {} more: {}",
                hidden.len(),
                host_list(&hidden)
            ));
        }
        out.push(Drift {
            numbers_differ: with.len() == knowing.len(),
            hosts_hidden: hidden,
            key: def.key.clone(),
            label: def.label.clone(),
            kind: Some(def.kind),
            values: knowing
                .iter()
                .map(|h| HostValue {
                    host: h.name.clone(),
                    value: h.caps.value(&key),
                })
                .collect(),
            summary,
            hosts_with: with,
            hosts_without: without,
            blocks_vmotion: exposed && requirable.contains(id),
        });
    }
    // Unknown keys: kept and shown, never judged.
    let mut unknown_keys: Vec<&String> = hosts.iter().flat_map(|h| h.caps.unknown.keys()).collect();
    unknown_keys.sort();
    unknown_keys.dedup();
    for lower in unknown_keys {
        let key = Key::Unknown(lower.clone());
        let knowing: Vec<&Host> = hosts.iter().filter(|h| h.knows(&key)).collect();
        let values: Vec<u64> = knowing.iter().map(|h| h.caps.value(&key)).collect();
        if knowing.len() < 2 || values.iter().all(|v| *v == values[0]) {
            continue;
        }
        let written = hosts
            .iter()
            .find_map(|h| h.caps.unknown.get(lower))
            .map(|(k, _)| k.clone())
            .unwrap_or(lower.clone());
        let with: Vec<String> = knowing
            .iter()
            .filter(|h| h.caps.value(&key) != 0)
            .map(|h| h.name.clone())
            .collect();
        let without: Vec<String> = knowing
            .iter()
            .filter(|h| h.caps.value(&key) == 0)
            .map(|h| h.name.clone())
            .collect();
        out.push(Drift {
            key: written,
            label: key.label().to_string(),
            kind: None,
            values: knowing
                .iter()
                .map(|h| HostValue {
                    host: h.name.clone(),
                    value: h.caps.value(&key),
                })
                .collect(),
            summary: drift_summary(&with, &without, knowing.len()),
            numbers_differ: with.len() == knowing.len(),
            hosts_with: with,
            hosts_without: without,
            hosts_hidden: Vec::new(),
            blocks_vmotion: false,
        });
    }
    out.sort_by_key(|d| (!d.blocks_vmotion, d.kind.is_none()));
    out
}

/// The power-on bands a matrix row checks: the VMs powered on on `from`, per band of virtual
/// hardware versions that the destinations' ESXi releases split (`hosts`), or of `vhw` alone.
pub(crate) fn row_vms(
    from: &Host,
    hosts: &[Host],
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    vhw: Option<u8>,
) -> Vec<Vm> {
    let mut breaks: Vec<u8> = hosts.iter().filter_map(|h| h.max_vhw).collect();
    breaks.sort_unstable();
    breaks.dedup();
    power_on_bands(from, evc, per_vm, vhw, &breaks)
}

/// One matrix cell: can the VMs of a row (see [`row_vms`]) move to the prepared destination?
/// Also the per-band checks it was folded from ([`check_outcome`], one per VM): the class
/// matrix prepares each column once. The destination may be a host identical to the row host
/// (two members of one host class): then the cell is computed, not assumed.
pub(crate) fn matrix_cell_outcomes<'h>(
    vms: &[Vm],
    to: &Prepared<'h>,
) -> (MatrixCell, Vec<Outcome<'h>>) {
    let checks: Vec<Outcome<'h>> = vms.iter().map(|vm| check_outcome(vm, to)).collect();
    (cell_of(to.host(), &checks), checks)
}

/// Folds the per-band checks of one (from, to) pair into a matrix cell.
fn cell_of(to: &Host, checks: &[Outcome<'_>]) -> MatrixCell {
    let verdict = worst(checks.iter().map(|c| c.verdict));
    let mut missing: Vec<Missing> = Vec::new();
    let mut unknown: Vec<UnknownItem> = Vec::new();
    let mut not_admitted = false;
    for c in checks {
        for m in c.missing_entries() {
            if !missing.iter().any(|x| x.canonical_key == m.canonical_key) {
                missing.push(m.clone());
            }
        }
        for u in &c.unknown {
            if !unknown.iter().any(|x| x.key == u.key) {
                unknown.push(u.clone());
            }
        }
        if let Some(v) = c.vhw_blocker.as_deref()
            && !unknown.iter().any(|x| x.why == *v)
            && !missing.iter().any(|m| m.vhw_too_new.is_some())
        {
            missing.push(vhw_missing(
                v,
                c.vhw.unwrap_or(0),
                c.destination_max_vhw.unwrap_or(0),
            ));
        }
        not_admitted |= c.not_admitted;
    }
    let differ = checks.len() > 1
        && checks
            .iter()
            .any(|c| c.verdict != checks[0].verdict || c.missing.len() != checks[0].missing.len());
    let bands = if differ {
        checks
            .iter()
            .map(|c| BandCell {
                vhw_from: c.vhw_band.map_or(MIN_VHW, |b| b.0),
                vhw_to: c.vhw_band.map_or(MAX_VHW, |b| b.1),
                verdict: c.verdict,
                missing: c
                    .missing_keys()
                    .map(str::to_string)
                    .chain(
                        c.vhw_blocker
                            .as_deref()
                            .iter()
                            .map(|_| format!("vmx-{}", c.vhw.unwrap_or(0))),
                    )
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    MatrixCell {
        to: to.name.clone(),
        compatible: verdict == Verdict::Compatible,
        verdict,
        missing,
        destination_not_admitted: not_admitted,
        unknown,
        bands,
    }
}

/// A virtual hardware blocker as a missing entry (for lists of blocking features).
pub(crate) fn vhw_missing(text: &str, vhw: u8, destination_max: u8) -> Missing {
    Missing {
        key: format!("vmx-{vhw}"),
        canonical_key: format!("vmx-{vhw}"),
        label: "virtual hardware version".to_string(),
        kind: None,
        cpuid: None,
        required: format!("ESXi that runs vmx-{vhw}"),
        available: u64::from(destination_max),
        raw_available: None,
        absence: None,
        why: Some(text.to_string()),
        vhw_too_new: Some(crate::report::VhwTooNew {
            vm_hw: vhw,
            destination_max,
            needs_release: crate::esxi::first_release_for(vhw).to_string(),
        }),
        remedy: crate::remedy::rule_named("vhw").map(|r| r.name.as_str()),
    }
}

/// The worst verdict: blocked, else unknown, else compatible (an empty list is compatible).
pub fn worst(verdicts: impl Iterator<Item = Verdict>) -> Verdict {
    verdicts.fold(Verdict::Compatible, |acc, v| match (acc, v) {
        (Verdict::Blocked, _) | (_, Verdict::Blocked) => Verdict::Blocked,
        (Verdict::Unknown, _) | (_, Verdict::Unknown) => Verdict::Unknown,
        _ => Verdict::Compatible,
    })
}

/// Above this many host classes the cluster answer leaves the matrix out (it grows with the
/// square of the classes) and says so in `matrix_omitted`; check pairs of hosts instead.
pub const MAX_MATRIX_HOSTS: usize = 2_000;

// ---------------------------------------------------------------------------------------------
// Maintenance

/// A host name that names none of the loaded hosts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[error("no host named {name}; hosts: {}", .hosts.join(", "))]
pub struct NoSuchHost {
    /// The name as given.
    pub name: String,
    /// The loaded hosts' names.
    pub hosts: Vec<String>,
}

/// The checks of one VM, or of a group of VMs with identical requirements, against every
/// destination of a maintenance plan.
#[derive(Debug, Clone)]
pub struct VmPlan<'h> {
    /// The VM, or for a group "app01 and 156 other VMs with the same CPU requirements".
    pub vm: String,
    /// Every VM this plan covers.
    pub vms: Vec<String>,
    /// The requirements are a real VM's (its dump), not computed for "any VM powered on there".
    pub real_vm: bool,
    /// `input` or how the requirements were computed.
    pub requirements_from: String,
    /// compatible (a proven destination), blocked (every destination blocked), unknown.
    pub verdict: Verdict,
    /// One check per destination, in the plan's destination order.
    pub destinations: Vec<Outcome<'h>>,
}

/// The engine's maintenance plan of one host: every VM group's checks, the plan's outcome, its
/// sentence and its remedies. `app` interns it into contract v2's `MaintenancePlan`.
#[derive(Debug, Clone)]
pub struct Evacuation<'h> {
    /// The source host's name (or class label).
    pub host: String,
    /// compatible (evacuable), blocked (some VM has no destination), unknown (not provable).
    pub outcome: Verdict,
    /// One sentence, e.g. "esxi01 cannot be evacuated: …".
    pub verdict: String,
    /// The VM groups on the host, each with its checks.
    pub vms: Vec<VmPlan<'h>>,
    /// What would let the blocked VMs move, ranked.
    pub remedies: Vec<Remedy>,
}

/// Plans the evacuation of `source` to `destinations`: every VM on it (the given VMs, or else
/// "any VM powered on on it", per band of virtual hardware versions), with the checks supplied
/// by the caller: `check(vm, d, destination)` answers [`check_outcome`] for `vm` on
/// `destinations[d]` (the class engine hands over the checks its matrix already made).
#[allow(clippy::too_many_arguments)]
pub(crate) fn maintenance_checked<'h>(
    hosts: &[Host],
    source: &Host,
    destinations: &[&Host],
    vms: &[&Vm],
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    vhw: Option<u8>,
    modes: &ModeCatalogue,
    check: &mut dyn FnMut(&Vm, usize, &Host) -> Outcome<'h>,
) -> Evacuation<'h> {
    maintenance_with(
        hosts,
        source,
        destinations,
        vms,
        evc,
        per_vm,
        vhw,
        modes,
        check,
    )
}

#[allow(clippy::too_many_arguments)]
fn maintenance_with<'h>(
    hosts: &[Host],
    source: &Host,
    destinations: &[&Host],
    vms: &[&Vm],
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    vhw: Option<u8>,
    modes: &ModeCatalogue,
    check: &mut dyn FnMut(&Vm, usize, &Host) -> Outcome<'h>,
) -> Evacuation<'h> {
    let synthetic;
    let vms: Vec<&Vm> = if vms.is_empty() {
        let mut breaks: Vec<u8> = destinations.iter().filter_map(|h| h.max_vhw).collect();
        breaks.sort_unstable();
        breaks.dedup();
        synthetic = power_on_bands(source, evc, per_vm, vhw, &breaks);
        synthetic.iter().collect()
    } else {
        vms.to_vec()
    };
    // VMs with identical requirements get one plan: the checks depend on nothing else.
    let mut groups: Vec<(&Vm, Vec<String>)> = Vec::new();
    let mut group_of: rustc_hash::FxHashMap<RequirementsKey<'_>, usize> =
        rustc_hash::FxHashMap::default();
    for vm in &vms {
        let key = RequirementsKey::of(vm);
        match group_of.get(&key) {
            Some(&index) => groups[index].1.push(vm.name.clone()),
            None => {
                group_of.insert(key, groups.len());
                groups.push((vm, vec![vm.name.clone()]));
            }
        }
    }
    let mut plans = Vec::new();
    for (vm, names) in groups {
        let label = match names.len() {
            1 => vm.name.clone(),
            n => format!(
                "{} and {} other VMs with the same CPU requirements",
                vm.name,
                n - 1
            ),
        };
        let dests: Vec<Outcome<'h>> = destinations
            .iter()
            .enumerate()
            .map(|(i, d)| check(vm, i, d))
            .collect();
        let verdict = if dests.iter().any(|d| d.verdict == Verdict::Compatible) {
            Verdict::Compatible
        } else if dests.iter().any(|d| d.verdict == Verdict::Unknown) {
            Verdict::Unknown
        } else {
            Verdict::Blocked
        };
        plans.push(VmPlan {
            vm: label,
            vms: names,
            real_vm: vm.from_input,
            requirements_from: if vm.from_input {
                "input".to_string()
            } else {
                format!("computed: powered on on {}", source.name)
            },
            verdict,
            destinations: dests,
        });
    }
    // Computed VMs of adjacent vHW bands with the same answer everywhere are one plan.
    let mut merged: Vec<VmPlan<'h>> = Vec::new();
    for plan in plans {
        let same = |a: &VmPlan<'h>, b: &VmPlan<'h>| {
            a.requirements_from == b.requirements_from
                && !a.real_vm
                && !b.real_vm
                && a.verdict == b.verdict
                && a.destinations.len() == b.destinations.len()
                && a.destinations.iter().zip(&b.destinations).all(|(x, y)| {
                    x.verdict == y.verdict
                        && x.has_vhw_blocker() == y.has_vhw_blocker()
                        && x.missing_keys().eq(y.missing_keys())
                        && x.unknown
                            .iter()
                            .map(|u| &u.key)
                            .eq(y.unknown.iter().map(|u| &u.key))
                })
        };
        match merged.last_mut() {
            Some(last) if same(last, &plan) => {
                let lo = last
                    .destinations
                    .first()
                    .and_then(|d| d.vhw_band)
                    .map(|b| b.0);
                let hi = plan
                    .destinations
                    .first()
                    .and_then(|d| d.vhw_band)
                    .map(|b| b.1);
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    let top = source.max_vhw.unwrap_or(MAX_VHW);
                    let base = format!("any VM powered on on {}", source.name);
                    let name = if lo <= MIN_VHW && hi >= top {
                        base
                    } else {
                        format!("{base} ({})", band_text(lo, hi, top))
                    };
                    last.vm.clone_from(&name);
                    last.vms = vec![name.clone()];
                    for d in &mut last.destinations {
                        d.vhw_band = Some((lo, hi));
                    }
                }
            }
            _ => merged.push(plan),
        }
    }
    let plans = merged;
    // Evacuable when every VM has a proven destination; not evacuable when some VM has none for
    // certain; otherwise unknown.
    let verdict = if destinations.is_empty() || plans.iter().any(|p| p.verdict == Verdict::Blocked)
    {
        Verdict::Blocked
    } else if plans.iter().all(|p| p.verdict == Verdict::Compatible) {
        Verdict::Compatible
    } else {
        Verdict::Unknown
    };
    let evacuable = verdict == Verdict::Compatible;
    let remedies = remedies(
        hosts,
        source,
        destinations,
        &vms,
        &plans,
        evc,
        per_vm,
        modes,
    );
    let blocked: usize = plans
        .iter()
        .filter(|p| p.verdict == Verdict::Blocked)
        .map(|p| p.vms.len())
        .sum();
    let unknown: usize = plans
        .iter()
        .filter(|p| p.verdict == Verdict::Unknown)
        .map(|p| p.vms.len())
        .sum();
    let vm_count: usize = plans.iter().map(|p| p.vms.len()).sum();
    let computed = vms.iter().all(|v| !v.from_input);
    let text = if destinations.is_empty() {
        format!(
            "{} is the only host: there is nowhere to move its VMs",
            source.name
        )
    } else if evacuable {
        format!(
            "{} can enter maintenance mode: every VM has a destination",
            source.name
        )
    } else if verdict == Verdict::Blocked {
        // The sentence is written from its parts (who, what they require and who lacks it),
        // never by cutting a sentence written before (issue 19).
        let (who, what_lacks) = blocked_vm_story(&plans);
        let what = if computed {
            format!("{who} require {what_lacks}")
        } else if vm_count == 1 {
            format!("its VM has no destination: it requires {what_lacks}")
        } else {
            format!("{blocked} of {vm_count} VMs have no destination: they require {what_lacks}")
        };
        let tail = if unknown > 0 {
            format!("; {unknown} more not verifiable from the data")
        } else {
            String::new()
        };
        format!("{} cannot be fully evacuated: {what}{tail}", source.name)
    } else {
        format!(
            "{}: no blocker visible in the data, but {} not verifiable — load full dumps (or the commands below) to confirm",
            source.name,
            if computed {
                "the moves are".to_string()
            } else {
                format!("{unknown} of {vm_count} VMs' moves are")
            }
        )
    };
    Evacuation {
        host: source.name.clone(),
        outcome: verdict,
        verdict: text,
        vms: plans,
        remedies,
    }
}

/// The parts of "VMs of vmx-9 and later powered on there require cpuid.MDCLEAR, which esxi02–04
/// do not offer": who (`VMs of vmx-9 and later powered on there`) and what they require that
/// whom lacks (`cpuid.MDCLEAR, which esxi02–04 do not offer`).
fn blocked_vm_story(plans: &[VmPlan<'_>]) -> (String, String) {
    let blocked: Vec<&VmPlan<'_>> = plans
        .iter()
        .filter(|p| p.verdict == Verdict::Blocked)
        .collect();
    let mut features: Vec<String> = Vec::new();
    let mut lacking: Vec<String> = Vec::new();
    // What is listed already (a fleet plan has thousands of blocked VM groups).
    // Every plan has the same destinations, in the same order: a destination is its index.
    let mut seen_entry = Seen::default();
    let mut seen_dest: Vec<bool> = Vec::new();
    let mut newer = false;
    for p in &blocked {
        for (j, d) in p.destinations.iter().enumerate() {
            for (ident, key) in d.missing_idents() {
                if seen_entry.insert(ident) && !features.iter().any(|f| f == key) {
                    features.push(key.to_string());
                }
            }
            if d.has_vhw_blocker() && !newer {
                newer = true;
                features.push("a newer ESXi (virtual hardware)".to_string());
            }
            if seen_dest.len() <= j {
                seen_dest.resize(j + 1, false);
            }
            if (d.has_missing() || d.has_vhw_blocker()) && !seen_dest[j] {
                seen_dest[j] = true;
                if !lacking.iter().any(|l| l == d.to) {
                    lacking.push(d.to.to_string());
                }
            }
        }
    }
    let bands: Vec<(u8, u8)> = blocked
        .iter()
        .filter_map(|p| p.destinations.first().and_then(|d| d.vhw_band))
        .collect();
    let who = match (
        bands.iter().map(|b| b.0).min(),
        bands.iter().map(|b| b.1).max(),
        plans.len() > blocked.len(),
    ) {
        (Some(lo), Some(hi), true) => format!("VMs of {} powered on there", band_text(lo, hi, hi)),
        _ => "VMs powered on there".to_string(),
    };
    let shown: Vec<String> = features.iter().take(6).cloned().collect();
    let more = if features.len() > 6 {
        format!(" and {} more", features.len() - 6)
    } else {
        String::new()
    };
    (
        who,
        format!(
            "{}{more}, which {} do{} not offer",
            shown.join(", "),
            host_list(&lacking),
            if names_plural(&lacking) { "" } else { "es" }
        ),
    )
}

/// A set of numbers (entry identities, index pairs); the map type of the plan's interning, so
/// the page's module carries one hash table instance for both.
#[derive(Default)]
pub(crate) struct Seen(rustc_hash::FxHashMap<usize, u32>);

impl Seen {
    /// Adds `n`; whether it was new.
    pub(crate) fn insert(&mut self, n: usize) -> bool {
        self.0.insert(n, 0).is_none()
    }
}

/// Ranked remedies for the blockers of a maintenance plan: one per action, least disruptive
/// first; VM-side ways out name a host that lacks *all* the blocking features, and every way
/// that removes a mitigation from guests says it is a security downgrade.
#[allow(clippy::too_many_arguments)]
fn remedies(
    hosts: &[Host],
    source: &Host,
    destinations: &[&Host],
    vms: &[&Vm],
    plans: &[VmPlan<'_>],
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    modes: &ModeCatalogue,
) -> Vec<Remedy> {
    let cat = catalogue();
    let patch = exposure::patch_era();
    // blocking feature → hosts lacking it (in order; the set keeps this linear in the plans:
    // a fleet plan has thousands of VM groups over the same few destinations)
    let mut blockers: Vec<(Key, Vec<String>)> = Vec::new();
    // Entries already counted (an identity stands for one feature on one destination), and
    // (blocker, destination index) pairs: every plan has the same destinations, in order.
    let mut seen_entry = Seen::default();
    let mut seen = Seen::default();
    // (remedy rule, feature, destination) per unmet entry: the rule the engine chose from why
    // the destination lacks it (`Missing::absence`), the same in every command.
    let mut entry_rules: Vec<(&'static str, String, String)> = Vec::new();
    for plan in plans.iter().filter(|p| p.verdict == Verdict::Blocked) {
        for (j, dest) in plan.destinations.iter().enumerate() {
            for m in dest.missing_entries() {
                let ident = m as *const Missing as usize;
                let canonical = m.canonical_key.as_str();
                if !seen_entry.insert(ident) {
                    continue;
                }
                if let Some(rule) = m.remedy {
                    entry_rules.push((rule, canonical.to_string(), dest.to().to_string()));
                }
                let key = Key::resolve(canonical);
                let i = match blockers.iter().position(|b| b.0 == key) {
                    Some(i) => i,
                    None => {
                        blockers.push((key, Vec::new()));
                        blockers.len() - 1
                    }
                };
                if seen.insert(i * plan.destinations.len() + j) {
                    blockers[i].1.push(dest.to().to_string());
                }
            }
        }
    }
    let mut out: Vec<Remedy> = Vec::new();
    // 1. Host-side fixes, one per action (rule), features and hosts merged.
    let mut by_rule: Vec<(&'static crate::remedy::Rule, Vec<String>, Vec<String>)> = Vec::new();
    let mut add = |rule: &'static crate::remedy::Rule, feature: &str, host: &str| match by_rule
        .iter_mut()
        .find(|(r, _, _)| std::ptr::eq(*r, rule))
    {
        Some((_, feats, hs)) => {
            if !feats.iter().any(|f| f == feature) {
                feats.push(feature.to_string());
            }
            if !hs.iter().any(|h| h == host) {
                hs.push(host.to_string());
            }
        }
        None => by_rule.push((rule, vec![feature.to_string()], vec![host.to_string()])),
    };
    // A virtual hardware version the destination's ESXi does not run: upgrade its ESXi (or keep
    // the VM where its ESXi runs it) — never a CPU feature fix.
    for plan in plans.iter().filter(|p| p.verdict == Verdict::Blocked) {
        for dest in &plan.destinations {
            if let Some(v) = dest.vhw_entry() {
                entry_rules.push(("vhw", v.canonical_key, dest.to().to_string()));
            }
        }
    }
    for (rule, feature, host) in &entry_rules {
        if let Some(rule) = crate::remedy::rule_named(rule) {
            add(rule, feature, host);
        }
    }
    // Moves that are only unknown: say what to run to settle them.
    let unknown_patch: Vec<String> = plans
        .iter()
        .filter(|p| p.verdict == Verdict::Unknown)
        .flat_map(|p| p.destinations.iter())
        .flat_map(|d| {
            let dest = destinations.iter().find(|h| h.name == d.to());
            d.unknown.iter().filter_map(move |u| {
                let id = cat.lookup(&u.key).filter(|id| patch.contains(*id))?;
                // Only where the destination is known to lack it: the source's exposure decides.
                let lacks = dest.is_some_and(|h| {
                    let eff = effective(h, evc);
                    eff.knows(id) && !eff.present.contains(id)
                });
                lacks.then(|| u.key.clone())
            })
        })
        .collect();
    if let Some(rule) = crate::remedy::rule_named("patch-undetermined") {
        for feature in &unknown_patch {
            add(rule, feature, &source.name);
        }
    }
    let mode_key = evc
        .key()
        .unwrap_or_else(|| "the cluster's mode".to_string());
    for (rule, features, mut rule_hosts) in by_rule {
        sort_like(&mut rule_hosts, &hosts.iter().collect::<Vec<_>>());
        out.push(crate::remedy::host_remedy(
            rule, features, rule_hosts, &mode_key,
        ));
    }
    // Which first: finding out, then re-applying masks (no reboot), then host reboots/BIOS, then "nothing on the host".
    out.sort_by_key(|r| match r.rule.as_deref() {
        Some("patch-undetermined") => 0,
        Some("evc-masks") => 1,
        _ if r.scope == RemedyScope::Hosts => 2,
        _ => 4,
    });
    // 2. VM-side: power-cycle the blocked VMs on a host that lacks every blocking feature.
    let blocked_plans: Vec<&VmPlan<'_>> = plans
        .iter()
        .filter(|p| p.verdict == Verdict::Blocked)
        .collect();
    if !blocked_plans.is_empty() {
        let blocking: FeatureSet = blockers
            .iter()
            .filter_map(|(k, ..)| match k {
                Key::Known(id) => Some(*id),
                Key::Unknown(_) => None,
            })
            .collect();
        let all_vms: Vec<String> = blocked_plans
            .iter()
            .flat_map(|p| p.vms.iter().cloned())
            .collect();
        // The blocked VMs' virtual hardware: the highest (a target's ESXi must run it: issue 19,
        // a vmx-19 VM was sent to an ESXi 6.7 host) and the lowest (per-VM EVC needs vmx-14).
        let vhw_of = |c: &Outcome<'_>| c.vhw_band.or(c.vhw.map(|v| (v, v)));
        let bands: Vec<(u8, u8)> = blocked_plans
            .iter()
            .filter_map(|p| p.destinations.first().and_then(vhw_of))
            .collect();
        let vhw_needed = bands.iter().map(|b| b.1).max();
        let vhw_lowest = bands.iter().map(|b| b.0).min();
        let vhw_blocked = blocked_plans
            .iter()
            .any(|p| p.destinations.iter().any(|d| d.has_vhw_blocker()));
        let target = destinations.iter().find(|d| {
            let runs_vhw = match vhw_needed {
                None => true,
                Some(v) => d.max_vhw.is_some_and(|m| m >= v.min(MAX_VHW)),
            };
            if !runs_vhw {
                return false;
            }
            let eff = effective(d, evc);
            eff.present
                .union(eff.unknown)
                .intersection(blocking)
                .is_empty()
                && !blockers.iter().any(|(k, ..)| matches!(k, Key::Unknown(_)))
                && evc
                    .mode()
                    .is_none_or(|m| admission_verdict(d, m) != Some(false))
        });
        let lost_mitigations: Vec<String> = blocking
            .intersection(patch)
            .iter()
            .map(mitigation_name)
            .collect();
        if let Some(target) = target
            && !blocking.is_empty()
        {
            let (who, pronoun, verb) = vm_phrase(&all_vms, vms);
            let downgrade = if lost_mitigations.is_empty() {
                String::new()
            } else {
                format!(
                    ". Security downgrade: the guests lose {} until they are power-cycled on a host that offers it again",
                    lost_mitigations.join(", ")
                )
            };
            out.push(Remedy {
                rank: 0,
                scope: RemedyScope::Vms,
                disruption: "VM downtime: one full power cycle per VM (a guest reboot is not enough)".to_string(),
                action: format!(
                    "Power off {who} and power {pronoun} on on {} ({lacks} {}): {subject} then no longer {verb} {} and can move freely{downgrade}",
                    if names_plural(std::slice::from_ref(&target.name)) {
                        format!("any of {}", target.name)
                    } else {
                        target.name.clone()
                    },
                    blocking.iter().map(|id| cat.def(id).key.as_str()).collect::<Vec<_>>().join(", "),
                    if blocking.len() == 1 { "it" } else { "them" },
                    subject = if pronoun == "it" { "it" } else { "they" },
                    lacks = if names_plural(std::slice::from_ref(&target.name)) { "they lack" } else { "it lacks" },
                ),
                why: format!("a VM keeps the CPU features it saw at power-on on {} until its next power cycle", source.name),
                verify: None,
                reference: Some("vSphere docs: \"A full power cycling is required. Rebooting the guest operating system or suspending and resuming the virtual machine is not sufficient.\"".to_string()),
                evidence: "[C] vSphere 6.7/7.0 docs, Change the EVC Mode for a Cluster".to_string(),
                features: blocking.iter().map(|id| cat.def(id).key.clone()).collect(),
                hosts: vec![target.name.clone()],
                vms: all_vms.clone(),
                rule: None,
            });
        }
        // 3. Per-VM EVC: the highest mode at or below the cluster's that hides every blocker.
        let ceiling = per_vm
            .or(evc.mode())
            .or_else(|| host_max_mode(source, modes));
        // Per-VM EVC: a mode of the hosts' vendor only, for VMs of virtual hardware 14 and later
        // ([C] vSphere 6.7 docs, per-VM EVC), and not for blocks it cannot lift (a per-VM mask
        // the VM already carries, a virtual hardware version).
        let vendor = source.vendor;
        let per_vm_blocked = entry_rules.iter().any(|(r, ..)| *r == "per-vm-mask");
        let per_vm_possible = vhw_needed.is_none_or(|v| v >= 14) && !per_vm_blocked && !vhw_blocked;
        let candidates: Vec<&EvcMode> = modes
            .modes
            .iter()
            .filter(|_| per_vm_possible)
            .filter(|m| vendor.is_none_or(|v| v == m.vendor))
            .filter(|m| ceiling.is_none_or(|c| m.is_at_most(c) && m.key != c.key))
            .filter(|m| m.exposed.intersection(blocking).is_empty())
            .filter(|m| {
                destinations
                    .iter()
                    .any(|d| admission_verdict(d, m) != Some(false))
            })
            // A mode below a guest's CPU floor breaks that guest (issue 20 item 13): never
            // proposed for a blocked VM whose guestId has a confirmed floor the mode lacks.
            .filter(|m| {
                crate::guest::broken_by(m.exposed).iter().all(|(f, _)| {
                    f.tag != "[C]"
                        || !vms.iter().any(|v| {
                            all_vms.contains(&v.name)
                                && v.guest_id.as_deref().is_some_and(|g| f.matches(g))
                        })
                })
            })
            .collect();
        if !blocking.is_empty()
            && blockers.iter().all(|(k, ..)| matches!(k, Key::Known(_)))
            && let Some(best) = ModeCatalogue::highest(&candidates)
        {
            let lost = ceiling
                .map(|c| c.exposed.difference(best.exposed))
                .unwrap_or_default();
            let lost_mit: Vec<String> = lost
                .intersection(patch)
                .iter()
                .map(mitigation_name)
                .collect();
            let (who, pronoun, _) = vm_phrase(&all_vms, vms);
            // Guests whose CPU floor the mode lacks, where the data does not name the guest.
            let floors: Vec<String> = crate::guest::broken_by(best.exposed)
                .iter()
                .map(|(f, lacking)| format!("{} needs {}", f.name, lacking.join(", ")))
                .collect();
            let guest_note = if floors.is_empty() {
                String::new()
            } else {
                format!(
                    "; check the guests first — {} lacks what some guests need to boot: {}",
                    best.key,
                    floors.join("; ")
                )
            };
            out.push(Remedy {
                rank: 0,
                scope: RemedyScope::Vms,
                disruption: format!(
                    "VM downtime (each VM powered off to change it); the VMs lose {} feature{}{}{guest_note}",
                    lost.len(),
                    if lost.len() == 1 { "" } else { "s" },
                    if lost_mit.is_empty() { String::new() } else { format!(", a security downgrade: {}", lost_mit.join(", ")) }
                ),
                action: format!(
                    "What-if, not a live fix: set per-VM EVC of {who}{} to {} ({}), then power {pronoun} on. Needs virtual hardware 14 or later, vSphere 6.7 or later, and each VM powered off",
                    if vhw_lowest.is_some_and(|v| v < 14) { " (those of vmx-14 and later; older VMs cannot carry a per-VM mode)" } else { "" },
                    best.key, best.label
                ),
                why: format!(
                    "{} does not expose {}; it is the highest such mode below the cluster's",
                    best.key,
                    blocking.iter().map(|id| cat.def(id).key.as_str()).collect::<Vec<_>>().join(", ")
                ),
                verify: None,
                reference: Some("vSphere 6.7+ per-VM EVC (virtual hardware 14+); KB 68024: refresh per-VM EVC after the MDS patch".to_string()),
                evidence: "[C] vSphere docs (per-VM EVC); [I] mode choice by evcalc".to_string(),
                features: blocking.iter().map(|id| cat.def(id).key.clone()).collect(),
                hosts: Vec::new(),
                vms: all_vms,
                rule: None,
            });
        }
    }
    for (i, r) in out.iter_mut().enumerate() {
        r.rank = i as u32 + 1;
    }
    out
}

/// "MD_CLEAR (the MDS mitigation)"-style names for the security-downgrade sentence.
fn mitigation_name(id: FeatureId) -> String {
    let key = catalogue()
        .def(id)
        .key
        .trim_start_matches("cpuid.")
        .to_ascii_uppercase();
    match key.as_str() {
        "MDCLEAR" => "MD_CLEAR (the MDS mitigation)".to_string(),
        "IBRS" | "IBPB" | "STIBP" => format!("{key} (a Spectre v2 mitigation)"),
        "SSBD" => "SSBD (the Speculative Store Bypass mitigation)".to_string(),
        "FCMD" => "FLUSH_CMD (the L1TF mitigation)".to_string(),
        other => other.to_string(),
    }
}

fn sort_like(names: &mut [String], hosts: &[&Host]) {
    names.sort_by_key(|n| {
        hosts
            .iter()
            .position(|h| h.name == *n)
            .unwrap_or(usize::MAX)
    });
}

/// What makes two VMs' checks identical: their requirements (and whether they are complete).
#[derive(PartialEq, Eq, Hash)]
struct RequirementsKey<'v> {
    from_input: bool,
    partial: bool,
    bool_min: FeatureSet,
    other: Vec<(&'v Key, Requirement)>,
    maybe: FeatureSet,
    mask_required: FeatureSet,
    maybe_unknown_keys: &'v [String],
    vhw: Option<u8>,
    /// Computed VMs of different bands are told apart (their names differ).
    band: Option<(u8, u8)>,
}

impl<'v> RequirementsKey<'v> {
    fn of(vm: &'v Vm) -> RequirementsKey<'v> {
        RequirementsKey {
            from_input: vm.from_input,
            partial: vm.partial,
            bool_min: vm.requirements.bool_min,
            other: vm
                .requirements
                .other
                .iter()
                .map(|r| (&r.key, r.requirement))
                .collect(),
            maybe: vm.maybe,
            mask_required: vm.mask_required,
            maybe_unknown_keys: &vm.maybe_unknown_keys,
            vhw: vm.vhw,
            band: vm.vhw_band,
        }
    }
}

/// How to name blocked VMs in a sentence: ("the VMs powered on on esxi01", "them", "require")
/// for the computed any-VM, ("app01", "it", "requires") for one real VM, a list otherwise.
fn vm_phrase(names: &[String], vms: &[&Vm]) -> (String, &'static str, &'static str) {
    let synthetic = |n: &String| {
        vms.iter().any(|v| !v.from_input && v.name == *n) || n.starts_with("any VM powered on on ")
    };
    if !names.is_empty() && names.iter().all(synthetic) {
        let host = vms.iter().find_map(|v| v.host.clone()).unwrap_or_default();
        let bands: Vec<&str> = names
            .iter()
            .filter_map(|n| n.rsplit_once(" (").map(|(_, b)| b.trim_end_matches(')')))
            .collect();
        let which = if bands.len() == names.len() && !bands.is_empty() {
            format!(" ({})", bands.join(", "))
        } else {
            String::new()
        };
        return (
            format!("the VMs{which} powered on on {host}"),
            "them",
            "require",
        );
    }
    match names {
        [one] if synthetic(one) => {
            let host = vms
                .iter()
                .find(|v| v.name == *one)
                .and_then(|v| v.host.clone())
                .unwrap_or_default();
            (format!("the VMs powered on on {host}"), "them", "require")
        }
        [one] => (one.clone(), "it", "requires"),
        _ if names.len() > 4 => (
            format!("{} and {} more VMs", names[..3].join(", "), names.len() - 3),
            "them",
            "require",
        ),
        _ => (names.join(", "), "them", "require"),
    }
}

// ---------------------------------------------------------------------------------------------
// Limiting the question to some features (`--only`)

/// Whether `key` is among `only` (case-insensitive, with or without `cpuid.`).
/// Whether `key` is one of the `--only` keys (with or without `cpuid.`, any case).
pub fn named(only: &[String], key: &str) -> bool {
    let k = key.trim_start_matches("cpuid.");
    only.iter()
        .any(|o| o.trim_start_matches("cpuid.").eq_ignore_ascii_case(k))
}

/// The verdict of a move when only the features in `only` are asked about ("did the fix work?"):
/// blocked if one of them is missing, unknown if one of them cannot be judged, else compatible.
pub fn verdict_only(missing: &[Missing], unknown: &[UnknownItem], only: &[String]) -> Verdict {
    verdict_only_keys(
        &mut missing.iter().map(|m| m.canonical_key.as_str()),
        unknown,
        only,
    )
}

/// [`verdict_only`] of the unmet requirements' canonical keys.
pub(crate) fn verdict_only_keys(
    missing: &mut dyn Iterator<Item = &str>,
    unknown: &[UnknownItem],
    only: &[String],
) -> Verdict {
    let mut blocked = false;
    for k in missing {
        blocked |= named(only, k);
    }
    if blocked {
        Verdict::Blocked
    } else if unknown
        .iter()
        .any(|u| u.features.iter().any(|f| named(only, f)) || named(only, &u.key))
    {
        Verdict::Unknown
    } else {
        Verdict::Compatible
    }
}

/// Restricts a maintenance report's verdicts to `only`.
pub(crate) fn limit_maintenance(report: &mut Evacuation<'_>, only: &[String]) {
    for plan in &mut report.vms {
        for d in &mut plan.destinations {
            let v = verdict_only_keys(&mut d.missing_keys(), &d.unknown, only);
            d.verdict = v;
        }
        plan.verdict = if plan
            .destinations
            .iter()
            .any(|d| d.verdict == Verdict::Compatible)
        {
            Verdict::Compatible
        } else if plan
            .destinations
            .iter()
            .any(|d| d.verdict == Verdict::Unknown)
        {
            Verdict::Unknown
        } else {
            Verdict::Blocked
        };
    }
    report.outcome = if report.vms.iter().any(|p| p.verdict == Verdict::Blocked) {
        Verdict::Blocked
    } else if report.vms.iter().all(|p| p.verdict == Verdict::Compatible) {
        Verdict::Compatible
    } else {
        Verdict::Unknown
    };
    let keys = only.join(", ");
    report.verdict = match report.outcome {
        Verdict::Compatible => format!(
            "{}: every VM can move as far as {keys} is concerned",
            report.host
        ),
        Verdict::Blocked => format!(
            "{} cannot be fully evacuated: {keys} blocks some VMs",
            report.host
        ),
        Verdict::Unknown => format!(
            "{}: no {keys} blocker visible, but not verifiable from the data",
            report.host
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Entry, HostInput, Pos, VmInput};
    use crate::value::{ReqType, Requirement};

    fn host_of(keys: &[&str], unrecorded: &[&str]) -> Host {
        let pos = Pos { line: 1, col: 1 };
        let input = HostInput {
            capabilities: keys
                .iter()
                .map(|k| Entry {
                    key: format!("cpuid.{k}"),
                    value: 1,
                    pos,
                })
                .collect(),
            unrecorded: unrecorded.iter().map(|k| format!("cpuid.{k}")).collect(),
            ..HostInput::default()
        };
        Host::from_input(&input, "h", "h")
    }

    fn keys_of(mode: &str) -> Vec<String> {
        let m = crate::evc::builtin_modes().get(mode).unwrap();
        let keys = m.required.union(m.admission_unproven);
        keys.iter()
            .map(|id| catalogue().def(id).key["cpuid.".len()..].to_string())
            .collect()
    }

    /// Admission is not the mask: a host lacking only MWAIT (admission role unproven) is
    /// uncertain, not "no EVC mode"; a host whose input does not record XSAVEOPT lands on a range.
    #[test]
    fn uncertain_admissions_and_ranges() {
        let modes = crate::evc::builtin_modes();
        let nehalem = keys_of("intel-nehalem");
        let without_mwait: Vec<&str> = nehalem
            .iter()
            .map(String::as_str)
            .filter(|k| *k != "MWAIT")
            .collect();
        let h = host_of(&without_mwait, &[]);
        let a = admission(&h, modes.get("intel-merom").unwrap());
        assert_eq!((a.admitted, a.verdict), (None, AdmissionVerdict::Uncertain));
        assert_eq!(
            a.unproven
                .iter()
                .map(|f| f.key.as_str())
                .collect::<Vec<_>>(),
            ["cpuid.MWAIT"]
        );
        assert!(a.missing.is_empty() && a.reason.as_deref().unwrap().contains("cpuid.MWAIT"));
        let r = host_report(&h, modes);
        assert_eq!(
            (
                r.max_evc_mode.as_deref(),
                r.max_evc_mode_possible.as_deref()
            ),
            (None, Some("intel-nehalem"))
        );
        let summary = "no EVC mode for certain; intel-nehalem if a host without cpuid.MWAIT";
        assert!(
            r.max_evc_summary.starts_with(summary),
            "{}",
            r.max_evc_summary
        );
        assert_eq!(max_common_mode(std::slice::from_ref(&h), modes), None);
        let possible = max_common_mode_possible(std::slice::from_ref(&h), modes);
        assert_eq!(possible.map(|m| m.key.as_str()), Some("intel-nehalem"));
        // A certain miss stays a miss.
        let without_sse3: Vec<&str> = nehalem
            .iter()
            .map(String::as_str)
            .filter(|k| *k != "SSE3")
            .collect();
        let a = admission(
            &host_of(&without_sse3, &[]),
            modes.get("intel-merom").unwrap(),
        );
        assert_eq!(
            (a.admitted, a.verdict),
            (Some(false), AdmissionVerdict::NotAdmitted)
        );
        // Unrecorded XSAVEOPT: intel-sandybridge for certain, intel-ivybridge if it is present.
        let ivy = keys_of("intel-ivybridge");
        let h = host_of(
            &ivy.iter()
                .map(String::as_str)
                .filter(|k| *k != "XSAVEOPT")
                .collect::<Vec<_>>(),
            &["XSAVEOPT"],
        );
        let r = host_report(&h, modes);
        assert_eq!(r.max_evc_mode.as_deref(), Some("intel-sandybridge"));
        assert_eq!(r.max_evc_mode_possible.as_deref(), Some("intel-ivybridge"));
        assert_eq!(
            r.max_evc_summary,
            "intel-sandybridge; intel-ivybridge if cpuid.XSAVEOPT, which the input does not record, is present"
        );
        assert_eq!(r.uncertain_modes[0].unrecorded[0].key, "cpuid.XSAVEOPT");
        assert_eq!(
            admission(&h, modes.get("intel-ivybridge").unwrap()).verdict,
            AdmissionVerdict::Uncertain
        );
        // Once present (e.g. --set), nothing is uncertain.
        let h = host_of(
            &ivy.iter().map(String::as_str).collect::<Vec<_>>(),
            &["XSAVEOPT"],
        );
        assert_eq!(host_report(&h, modes).max_evc_summary, "intel-ivybridge");
    }

    /// The performance shortcuts (docs/performance.md) give the same answers as the plain
    /// definitions, over pseudo-random hosts (full and fragments) and VMs (Bool:Min:1, Match,
    /// Min > 1, unknown keys).
    #[test]
    fn fast_paths_agree_with_the_definitions() {
        let cat = catalogue();
        let keys: Vec<String> = cat
            .iter()
            .map(|(_, d)| d.key.clone())
            .chain(["vpmc.fixed".to_string(), "cpuid.FUTURE".to_string()])
            .collect();
        let seed = std::cell::Cell::new(0x9e37_79b9_7f4a_7c15u64);
        let next = || {
            let mut x = seed.get();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            seed.set(x);
            x
        };
        let pos = Pos { line: 1, col: 1 };
        let mut hosts = Vec::new();
        for i in 0..24 {
            let capabilities = keys
                .iter()
                .filter(|_| next() % 4 != 0)
                .map(|k| Entry {
                    key: k.clone(),
                    value: [0, 1, 1, 1, 2, 6][(next() % 6) as usize],
                    pos,
                })
                .collect();
            let input = HostInput {
                name: Some(format!("h{i}")),
                capabilities,
                fragment: i % 5 == 4,
                ..Default::default()
            };
            hosts.push(Host::from_input(&input, "h", "test"));
        }
        let mut vms = Vec::new();
        for i in 0..24 {
            let requirements = keys
                .iter()
                .filter(|_| next() % 3 == 0)
                .map(|k| {
                    let value = match next() % 8 {
                        0 => Requirement {
                            ty: ReqType::Num,
                            op: ReqOp::Match,
                            value: next() % 3,
                        },
                        1 => Requirement {
                            ty: ReqType::Num,
                            op: ReqOp::Min,
                            value: 2 + next() % 5,
                        },
                        2 => Requirement {
                            ty: ReqType::Untyped,
                            op: ReqOp::Min,
                            value: 1,
                        },
                        _ => Requirement::BOOL_MIN_1,
                    };
                    Entry {
                        key: k.clone(),
                        value,
                        pos,
                    }
                })
                .collect();
            vms.push(Vm::from_input(
                &VmInput {
                    name: Some(format!("v{i}")),
                    requirements,
                    ..Default::default()
                },
                "v",
                "test",
            ));
        }
        for h in &hosts {
            vms.push(power_on(h, EvcSetting::Disabled, None));
        }
        let modes = crate::evc::builtin_modes();
        for vm in &vms {
            for h in &hosts {
                let missing = missing_requirements(vm, h, EvcSetting::Disabled);
                assert_eq!(
                    meets_requirements(vm, h, EvcSetting::Disabled),
                    missing.is_empty(),
                    "{} -> {}",
                    vm.name,
                    h.name
                );
                // The plain definition of the unmet list: every requirement in input order.
                let plain: Vec<String> = vm
                    .requirements
                    .all
                    .iter()
                    .filter(|r| !r.requirement.is_met_by(h.caps.value(&r.key)) && h.knows(&r.key))
                    .map(|r| r.written.clone())
                    .collect();
                assert_eq!(
                    missing.iter().map(|m| m.key.clone()).collect::<Vec<_>>(),
                    plain
                );
                for m in &missing {
                    let key = Key::resolve(&m.canonical_key);
                    assert!(
                        vm.requirements
                            .all
                            .iter()
                            .any(|x| x.key == key && x.requirement.to_string() == m.required)
                    );
                    if let Key::Known(id) = key {
                        assert_eq!(m.cpuid, cat.def(id).cpuid.map(|c| c.to_string()));
                    }
                }
                let unjudged = unjudged_on(vm, &Prepared::of(h, EvcSetting::Disabled));
                let unknown: Vec<String> = vm
                    .requirements
                    .all
                    .iter()
                    .filter(|r| !h.knows(&r.key))
                    .map(|r| r.written.clone())
                    .collect();
                assert_eq!(unjudged, unknown);
                for m in &modes.modes {
                    assert_eq!(admission_verdict(h, m), admission(h, m).admitted);
                }
            }
        }
        for (id, def) in cat.iter() {
            assert_eq!(cpuid_text(id), def.cpuid.map(|c| c.to_string()));
        }
        for r in [
            Requirement::BOOL_MIN_1,
            Requirement {
                ty: ReqType::Num,
                op: ReqOp::Min,
                value: 1,
            },
        ] {
            assert_eq!(requirement_text(r), r.to_string());
        }
    }

    #[test]
    fn host_lists_compress_runs() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(host_list(&s(&["esxi02", "esxi03", "esxi04"])), "esxi02–04");
        assert_eq!(host_list(&s(&["esxi02", "esxi03"])), "esxi02, esxi03");
        assert_eq!(
            host_list(&s(&["a", "esxi01", "esxi02", "esxi03", "b9"])),
            "a, esxi01–03, b9"
        );
        assert_eq!(
            host_list(&s(&["10.0.0.1", "10.0.0.2", "10.0.0.3"])),
            "10.0.0.1–3"
        );
        assert_eq!(host_list(&[]), "");
    }
}
