//! The checks: host summary, VM at power-on, VM → host, cluster matrix, maintenance plan.
//!
//! The rule ([C] vSphere API, `VirtualMachineRuntimeInfo.featureRequirement`): a VM's
//! requirements "must have equivalent host capabilities `HostConfigInfo.featureCapability`
//! in order to power on, resume, or migrate to the host". A VM's requirements are frozen at
//! power-on from what it saw: the host's features, capped by the cluster EVC mode and any
//! per-VM EVC mode.
//!
//! Every function returns a plain report value from [`crate::report`], the one JSON schema.

use crate::catalogue::{FeatureId, FeatureSet, Kind, catalogue};
use crate::evc::{EvcMode, ModeCatalogue};
use crate::model::{Host, Key, Requirements, Vm, masks_expose};
use crate::remedy::{Disruption, rule_for};
use crate::report::*;
use crate::value::{ReqOp, Requirement};

/// The cluster's EVC setting for a computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvcSetting<'a> {
    /// EVC disabled: VMs see all of their host's features.
    Disabled,
    /// EVC enabled in this mode.
    Mode(&'a EvcMode),
}

impl<'a> EvcSetting<'a> {
    pub fn mode(self) -> Option<&'a EvcMode> {
        match self {
            EvcSetting::Disabled => None,
            EvcSetting::Mode(m) => Some(m),
        }
    }
    pub fn key(self) -> Option<String> {
        self.mode().map(|m| m.key.clone())
    }
}

/// A feature reference for reports.
pub fn feature_ref(id: FeatureId) -> FeatureRef {
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

/// The modes a host can join and the highest one. `None` for fragments (not enough data).
pub fn host_modes<'m>(host: &Host, modes: &'m ModeCatalogue) -> Option<Vec<&'m EvcMode>> {
    if host.is_fragment() {
        return None;
    }
    let admitted: Vec<&EvcMode> = modes
        .admitted(&host.caps.present)
        .into_iter()
        .filter(|m| host.vendor.is_none_or(|v| v == m.vendor))
        .collect();
    Some(admitted)
}

/// The highest EVC mode a host can join.
pub fn host_max_mode<'m>(host: &Host, modes: &'m ModeCatalogue) -> Option<&'m EvcMode> {
    host_modes(host, modes).and_then(|admitted| ModeCatalogue::highest(&admitted))
}

/// Summarises a host: vendor, CPU, ESXi, supported EVC modes, what blocks the next mode.
pub fn host_report(host: &Host, modes: &ModeCatalogue) -> HostReport {
    let admitted = host_modes(host, modes);
    let max = admitted.as_ref().and_then(|a| ModeCatalogue::highest(a));
    let next_blockers = match (max, &admitted) {
        (Some(max), Some(_)) => modes
            .next_above(max)
            .into_iter()
            .map(|next| ModeBlockers {
                mode: next.key.clone(),
                missing: refs(next.required.difference(host.caps.present)),
            })
            .collect(),
        (None, Some(_)) => modes
            .modes
            .iter()
            .filter(|m| host.vendor.is_none_or(|v| v == m.vendor))
            .min_by_key(|m| m.tier)
            .map(|lowest| ModeBlockers {
                mode: lowest.key.clone(),
                missing: refs(lowest.required.difference(host.caps.present)),
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    let max_key = max.map(|m| m.key.clone());
    let cross_check = cross_check(host.reported_max_evc.as_deref(), max_key.as_deref());
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
        family: host.caps.numbers.get(&cat.id("cpuid.FAMILY")).copied(),
        model: host.caps.numbers.get(&cat.id("cpuid.MODEL")).copied(),
        stepping: host.caps.numbers.get(&cat.id("cpuid.STEPPING")).copied(),
        max_evc_mode: max_key,
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

/// The verdict of [`admission`] alone (`admitted`), without building the report.
///
/// Performance: `max_common_mode` asks this for every (mode, host) pair — 250,000 pairs for
/// 10,000 hosts — and only needs the boolean; building an [`Admission`] allocates two strings
/// and a feature list each time (docs/performance.md).
fn admission_verdict(host: &Host, mode: &EvcMode) -> Option<bool> {
    if host.is_fragment() {
        return None;
    }
    let vendor_mismatch = host.vendor.is_some_and(|v| v != mode.vendor);
    Some(mode.required.is_subset(&host.caps.present) && !vendor_mismatch)
}

/// Whether `host` can be admitted to `mode`; the missing features otherwise.
pub fn admission(host: &Host, mode: &EvcMode) -> Admission {
    if host.is_fragment() {
        return Admission {
            host: host.name.clone(),
            mode: mode.key.clone(),
            admitted: None,
            missing: Vec::new(),
            vendor_mismatch: false,
        };
    }
    let vendor_mismatch = host.vendor.is_some_and(|v| v != mode.vendor);
    let missing = mode.required.difference(host.caps.present);
    Admission {
        host: host.name.clone(),
        mode: mode.key.clone(),
        admitted: Some(missing.is_empty() && !vendor_mismatch),
        missing: refs(missing),
        vendor_mismatch,
    }
}

// ---------------------------------------------------------------------------------------------
// VMs

/// What a VM powered on on `host` sees: the host's features, capped by the cluster EVC mode
/// (or the host's own `featMask.evc.*` lines when no mode is given but the host has them) and
/// by the per-VM EVC mode.
pub fn seen_at_power_on(host: &Host, evc: EvcSetting<'_>, per_vm: Option<&EvcMode>) -> FeatureSet {
    let mut seen = host.caps.present;
    match evc {
        EvcSetting::Mode(mode) => seen = seen.intersection(mode.exposed),
        EvcSetting::Disabled if !host.evc_masks.is_empty() => {
            seen = seen.intersection(masks_expose(&host.evc_masks))
        }
        EvcSetting::Disabled => {}
    }
    if let Some(p) = per_vm {
        seen = seen.intersection(p.exposed);
    }
    seen
}

/// A VM powered on on `host`: its requirements are frozen from what it saw.
///
/// [C] vSphere 6.7 docs, "Determine the EVC Mode of a Virtual Machine": "The EVC mode of a
/// virtual machine is determined when the virtual machine is powered on … the virtual machine
/// does not use any CPU features exposed by the new EVC mode until the virtual machine is
/// powered off and powered on again."
pub fn power_on(host: &Host, evc: EvcSetting<'_>, per_vm: Option<&EvcMode>) -> Vm {
    let seen = seen_at_power_on(host, evc, per_vm);
    let name = match per_vm {
        Some(p) => format!("any VM powered on on {} (per-VM EVC {})", host.name, p.key),
        None => format!("any VM powered on on {}", host.name),
    };
    Vm {
        name,
        source: host.source.clone(),
        host: Some(host.name.clone()),
        power_state: Some("poweredOn".to_string()),
        requirements: Requirements::from_seen(seen),
        masks: Vec::new(),
        reported_min_evc: None,
        from_input: false,
        partial: host.is_fragment(),
        warnings: Vec::new(),
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
/// (e.g. NSX Edge's lone `cpuid.PDPE1GB = Val:1`, [D]) are not an EVC mode.
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

/// Checks a VM against a destination host.
pub fn check_vm(vm: &Vm, dest: &Host, evc: EvcSetting<'_>) -> CheckReport {
    let missing = missing_requirements(vm, dest);
    let admission = evc.mode().map(|m| admission(dest, m));
    let admitted = admission.as_ref().is_none_or(|a| a.admitted != Some(false));
    // Performance: a full dump knows every key, so only fragments can leave requirements
    // unjudged; skip the scan over all requirements otherwise (same result: empty).
    let unknown_on_destination: Vec<String> = if dest.is_fragment() {
        vm.requirements
            .all
            .iter()
            .filter(|r| !dest.knows(&r.key))
            .map(|r| r.written.clone())
            .collect()
    } else {
        Vec::new()
    };
    let fully_checked = !vm.partial
        && unknown_on_destination.is_empty()
        && admission.as_ref().is_none_or(|a| a.admitted.is_some())
        && !(dest.is_fragment() && vm.requirements.all.is_empty());
    let verdict = verdict(missing.is_empty() && admitted, fully_checked);
    CheckReport {
        vm: vm.name.clone(),
        to: dest.name.clone(),
        evc_mode: evc.key(),
        compatible: verdict == Verdict::Compatible,
        verdict,
        missing,
        admission,
        unknown_on_destination,
    }
}

fn verdict(nothing_blocks: bool, fully_checked: bool) -> Verdict {
    match (nothing_blocks, fully_checked) {
        (false, _) => Verdict::Blocked,
        (true, true) => Verdict::Compatible,
        (true, false) => Verdict::Unknown,
    }
}

/// The requirements of `vm` that `dest`'s raw capabilities do not meet. Keys a fragment
/// destination does not list are not judged (they are reported as unknown instead).
pub fn missing_requirements(vm: &Vm, dest: &Host) -> Vec<Missing> {
    let mut out = Vec::new();
    let fast_missing = vm.requirements.bool_min.difference(dest.caps.present);
    if fast_missing.is_empty() && vm.requirements.other.is_empty() {
        return out;
    }
    // Performance: when every `Min:1` requirement is met, only the `other` list (Match,
    // Min > 1, unknown keys; kept in input order) can block: scan it instead of all
    // requirements. Same entries in the same order as the full scan below.
    let list = if fast_missing.is_empty() {
        &vm.requirements.other
    } else {
        &vm.requirements.all
    };
    for r in list {
        let blocked = match &r.key {
            Key::Known(id) if r.requirement.op == ReqOp::Min && r.requirement.value == 1 => {
                fast_missing.contains(*id)
            }
            key => !r.requirement.is_met_by(dest.caps.value(key)),
        };
        if blocked && dest.knows(&r.key) {
            out.push(missing_entry(
                r.key.clone(),
                &r.written,
                r.requirement,
                dest.caps.value(&r.key),
            ));
        }
    }
    out
}

/// Whether `dest`'s raw capabilities meet every requirement of `vm` that `dest` knows:
/// exactly `missing_requirements(vm, dest).is_empty()`, without building report entries.
/// Between full dumps, together with the destination's admission (computed once per host),
/// it decides [`check_vm`]'s `compatible` without building a report: planners use it to
/// decide first and ask for details only where needed.
pub fn meets_requirements(vm: &Vm, dest: &Host) -> bool {
    let fast_missing = vm.requirements.bool_min.difference(dest.caps.present);
    let fast_ok = match &dest.known_only {
        None => fast_missing.is_empty(),
        Some(known) => fast_missing.intersection(known.features).is_empty(),
    };
    fast_ok
        && vm
            .requirements
            .other
            .iter()
            .all(|r| r.requirement.is_met_by(dest.caps.value(&r.key)) || !dest.knows(&r.key))
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

fn missing_entry(key: Key, written: &str, requirement: Requirement, available: u64) -> Missing {
    let (kind, cpuid, remedy) = match &key {
        Key::Known(id) => (
            Some(catalogue().def(*id).kind),
            cpuid_text(*id),
            rule_for(*id).map(|r| r.name.as_str()),
        ),
        Key::Unknown(_) => (None, None, None),
    };
    Missing {
        key: written.to_string(),
        canonical_key: key.name().to_string(),
        label: key.label().to_string(),
        kind,
        cpuid,
        required: requirement_text(requirement),
        available,
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

/// Features on which hosts disagree.
pub fn drift(hosts: &[Host], evc: EvcSetting<'_>) -> Vec<Drift> {
    let cat = catalogue();
    let mut out = Vec::new();
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
        let exposed = match evc {
            EvcSetting::Mode(m) => m.exposed.contains(id),
            EvcSetting::Disabled => true,
        };
        out.push(Drift {
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
            summary: drift_summary(&with, &without, knowing.len()),
            hosts_with: with,
            hosts_without: without,
            blocks_vmotion: exposed && def.becomes_requirement,
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
            hosts_with: with,
            hosts_without: without,
            blocks_vmotion: false,
        });
    }
    out.sort_by_key(|d| (!d.blocks_vmotion, d.kind.is_none()));
    out
}

fn drift_summary(with: &[String], without: &[String], total: usize) -> String {
    if with.is_empty() || without.is_empty() {
        return "values differ".to_string();
    }
    if with.len() <= without.len() {
        format!("only {} of {total} hosts: {}", with.len(), host_list(with))
    } else {
        format!(
            "missing on {} of {total} hosts: {}",
            without.len(),
            host_list(without)
        )
    }
}

/// Joins host names, compressing runs with a common prefix and consecutive numbers:
/// `esxi02, esxi03, esxi04` → `esxi02–04`.
pub fn host_list(names: &[String]) -> String {
    fn split(name: &str) -> (&str, Option<(u64, usize)>) {
        let digits = name
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let (prefix, number) = name.split_at(name.len() - digits);
        (
            prefix,
            number
                .parse()
                .ok()
                .filter(|_| digits > 0 && digits <= 9)
                .map(|n| (n, digits)),
        )
    }
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < names.len() {
        let (prefix, num) = split(&names[i]);
        let mut j = i;
        if let Some((start, width)) = num {
            while j + 1 < names.len() {
                let (p2, n2) = split(&names[j + 1]);
                match n2 {
                    Some((n, w))
                        if p2 == prefix && w == width && n == start + (j + 1 - i) as u64 =>
                    {
                        j += 1
                    }
                    _ => break,
                }
            }
            if j >= i + 2 {
                let (_, end) = split(&names[j]);
                let end_digits = names[j].len() - end.map(|e| e.1).unwrap_or(0);
                parts.push(format!("{}–{}", names[i], &names[j][end_digits..]));
                i = j + 1;
                continue;
            }
        }
        parts.push(names[i].clone());
        i += 1;
    }
    parts.join(", ")
}

/// The N×N matrix: can a VM powered on on the row host move to the column host?
pub fn matrix(hosts: &[Host], evc: EvcSetting<'_>, per_vm: Option<&EvcMode>) -> Vec<MatrixRow> {
    let admissions: Vec<Option<Admission>> = hosts
        .iter()
        .map(|h| evc.mode().map(|m| admission(h, m)))
        .collect();
    hosts
        .iter()
        .map(|from| {
            let vm = power_on(from, evc, per_vm);
            let cells = hosts
                .iter()
                .zip(&admissions)
                .map(|(to, adm)| {
                    let same = std::ptr::eq(from, to);
                    let missing = if same {
                        Vec::new()
                    } else {
                        missing_requirements(&vm, to)
                    };
                    let admitted = adm.as_ref().is_none_or(|a| a.admitted != Some(false));
                    let fully_checked = same
                        || (!vm.partial
                            && !to.is_fragment()
                            && adm.as_ref().is_none_or(|a| a.admitted.is_some()));
                    let verdict = verdict(missing.is_empty() && admitted, fully_checked);
                    MatrixCell {
                        to: to.name.clone(),
                        compatible: verdict == Verdict::Compatible,
                        verdict,
                        missing,
                        destination_not_admitted: !admitted,
                    }
                })
                .collect();
            MatrixRow {
                from: from.name.clone(),
                cells,
            }
        })
        .collect()
}

/// The whole cluster report.
/// Above this many hosts the cluster report leaves the N×N matrix out (it grows with the square
/// of the hosts: 2,000 hosts are 4 million cells) and says so in `matrix_omitted`; use
/// [`matrix`] on a subset, or [`check_vm`] / [`meets_requirements`] pair by pair.
pub const MAX_MATRIX_HOSTS: usize = 2_000;

pub fn cluster_report(
    hosts: &[Host],
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    modes: &ModeCatalogue,
) -> ClusterReport {
    let common = max_common_mode(hosts, modes);
    let (matrix, matrix_omitted) = if hosts.len() > MAX_MATRIX_HOSTS {
        (
            Vec::new(),
            Some(format!(
                "{} hosts: the vMotion matrix is left out above {MAX_MATRIX_HOSTS} hosts (it grows with the square of the hosts); check pairs or smaller groups of hosts",
                hosts.len()
            )),
        )
    } else {
        (matrix(hosts, evc, per_vm), None)
    };
    ClusterReport {
        hosts: hosts.iter().map(|h| host_report(h, modes)).collect(),
        max_common_evc_mode: common.map(|m| m.key.clone()),
        evc_mode: evc.key(),
        per_vm_evc_mode: per_vm.map(|m| m.key.clone()),
        admissions: evc
            .mode()
            .map(|m| hosts.iter().map(|h| admission(h, m)).collect())
            .unwrap_or_default(),
        drift: drift(hosts, evc),
        matrix,
        matrix_omitted,
        modes_source: modes.source.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Maintenance

/// Plans the evacuation of `host_name`: every VM on it (the given VMs, or else "any VM powered
/// on on it"), their possible destinations, the blockers and the remedies ranked by disruption.
pub fn maintenance(
    hosts: &[Host],
    host_name: &str,
    vms: &[Vm],
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    modes: &ModeCatalogue,
) -> Result<MaintenanceReport, String> {
    let source = hosts
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(host_name))
        .ok_or_else(|| {
            format!(
                "no host named {host_name}; hosts: {}",
                hosts
                    .iter()
                    .map(|h| h.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    let destinations: Vec<&Host> = hosts.iter().filter(|h| !std::ptr::eq(*h, source)).collect();
    let synthetic;
    let vms: Vec<&Vm> = if vms.is_empty() {
        synthetic = power_on(source, evc, per_vm);
        vec![&synthetic]
    } else {
        vms.iter().collect()
    };
    // VMs with identical requirements get one plan: the checks depend on nothing else.
    let mut groups: Vec<(&Vm, Vec<String>)> = Vec::new();
    let mut group_of: std::collections::HashMap<RequirementsKey<'_>, usize> =
        std::collections::HashMap::new();
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
        let mut dests: Vec<CheckReport> =
            destinations.iter().map(|d| check_vm(vm, d, evc)).collect();
        if names.len() > 1 {
            for d in &mut dests {
                d.vm.clone_from(&label);
            }
        }
        plans.push(VmPlan {
            vm: label,
            vms: names,
            requirements_from: if vm.from_input {
                "input".to_string()
            } else {
                format!("computed: powered on on {}", source.name)
            },
            can_move: dests.iter().any(|d| d.compatible),
            destinations: dests,
        });
    }
    let evacuable = !destinations.is_empty() && plans.iter().all(|p| p.can_move);
    let remedies = remedies(source, &destinations, &vms, &plans, evc, per_vm, modes);
    let blocked: usize = plans
        .iter()
        .filter(|p| !p.can_move)
        .map(|p| p.vms.len())
        .sum();
    let vm_count: usize = plans.iter().map(|p| p.vms.len()).sum();
    let verdict = if destinations.is_empty() {
        format!(
            "{} is the only host: there is nowhere to move its VMs",
            source.name
        )
    } else if evacuable {
        format!(
            "{} can enter maintenance mode: every VM has a destination",
            source.name
        )
    } else {
        let possible = plans
            .first()
            .map(|p| p.destinations.iter().filter(|d| d.compatible).count())
            .unwrap_or(0);
        if plans.len() == 1 && vm_count == 1 {
            format!(
                "{} cannot be evacuated: {} of {} destinations possible for {}",
                source.name,
                possible,
                destinations.len(),
                plans[0].vm
            )
        } else {
            format!(
                "{} cannot be evacuated: {blocked} of {vm_count} VMs have no destination",
                source.name
            )
        }
    };
    let unverified = plans
        .iter()
        .flat_map(|p| &p.destinations)
        .filter(|d| d.verdict == Verdict::Unknown)
        .count();
    let verdict = if unverified > 0 && !evacuable {
        format!(
            "{verdict} ({unverified} move{} not fully checked: partial data such as grep output)",
            if unverified == 1 { "" } else { "s" }
        )
    } else {
        verdict
    };
    Ok(MaintenanceReport {
        host: source.name.clone(),
        evc_mode: evc.key(),
        per_vm_evc_mode: per_vm.map(|m| m.key.clone()),
        evacuable,
        verdict,
        vms: plans,
        remedies,
    })
}

/// Ranked remedies for the blockers of a maintenance plan.
fn remedies(
    source: &Host,
    destinations: &[&Host],
    vms: &[&Vm],
    plans: &[VmPlan],
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    modes: &ModeCatalogue,
) -> Vec<Remedy> {
    let cat = catalogue();
    // blocking feature → (hosts lacking it, VMs blocked by it)
    let mut blockers: Vec<(Key, String, Vec<String>, Vec<String>)> = Vec::new();
    for plan in plans.iter().filter(|p| !p.can_move) {
        for dest in &plan.destinations {
            for m in &dest.missing {
                let key = Key::resolve(&m.canonical_key);
                let entry = match blockers.iter_mut().position(|b| b.0 == key) {
                    Some(i) => &mut blockers[i],
                    None => {
                        blockers.push((key, m.key.clone(), Vec::new(), Vec::new()));
                        blockers.last_mut().expect("just pushed")
                    }
                };
                if !entry.2.contains(&dest.to) {
                    entry.2.push(dest.to.clone());
                }
                for name in &plan.vms {
                    if !entry.3.contains(name) {
                        entry.3.push(name.clone());
                    }
                }
            }
        }
    }
    let mut out: Vec<Remedy> = Vec::new();
    // 1. Host-side fixes, grouped by rule.
    let mut by_rule: Vec<(&'static crate::remedy::Rule, Vec<String>, Vec<String>)> = Vec::new();
    for (key, _written, hosts, _vms) in &blockers {
        let Key::Known(id) = key else { continue };
        let Some(rule) = rule_for(*id) else { continue };
        match by_rule.iter_mut().find(|(r, _, _)| std::ptr::eq(*r, rule)) {
            Some((_, feats, hs)) => {
                feats.push(cat.def(*id).key.clone());
                for h in hosts {
                    if !hs.contains(h) {
                        hs.push(h.clone());
                    }
                }
            }
            None => by_rule.push((rule, vec![cat.def(*id).key.clone()], hosts.clone())),
        }
    }
    for (rule, features, mut hosts) in by_rule {
        sort_like(&mut hosts, destinations);
        let host_text = host_list(&hosts);
        let feature_text = features.join(", ");
        let action = rule
            .action
            .replace("{hosts}", &host_text)
            .replace("{features}", &feature_text);
        out.push(Remedy {
            rank: 0,
            scope: match rule.disruption {
                Disruption::None => RemedyScope::Cluster,
                _ => RemedyScope::Hosts,
            },
            disruption: rule.disruption.describe().to_string(),
            action,
            why: rule.cause.clone(),
            verify: Some(rule.verify.clone()),
            reference: Some(rule.reference.clone()),
            evidence: rule.tag.clone(),
            features,
            hosts,
            vms: Vec::new(),
        });
    }
    out.sort_by_key(|r| match r.scope {
        RemedyScope::Hosts => 0,
        _ => 2,
    });
    // 2. VM-side: power-cycle the blocked VMs on a host that lacks the features.
    for (key, written, hosts, blocked_vms) in &blockers {
        let target = hosts.first().cloned().unwrap_or_default();
        out.push(Remedy {
            rank: 0,
            scope: RemedyScope::Vms,
            disruption: "VM downtime: one full power cycle per VM (a guest reboot is not enough)".to_string(),
            action: {
                let (who, pronoun, verb) = vm_phrase(blocked_vms, vms);
                format!(
                    "Power off {who} and power {pronoun} on on {target} (a host without {written}): {pronoun_subject} then no longer {verb} {written} and can move freely",
                    pronoun_subject = if pronoun == "it" { "it" } else { "they" },
                )
            },
            why: format!(
                "a VM keeps the CPU features it saw at power-on on {}; {} ({}) is among them",
                source.name,
                key.name(),
                key.label()
            ),
            verify: None,
            reference: Some("vSphere docs: \"A full power cycling is required. Rebooting the guest operating system or suspending and resuming the virtual machine is not sufficient.\"".to_string()),
            evidence: "[C] vSphere 6.7/7.0 docs, Change the EVC Mode for a Cluster".to_string(),
            features: vec![key.name().to_string()],
            hosts: vec![target],
            vms: blocked_vms.clone(),
        });
    }
    // 3. Per-VM EVC: the highest mode at or below the cluster's that hides every blocker.
    let blocking: FeatureSet = blockers
        .iter()
        .filter_map(|(k, ..)| match k {
            Key::Known(id) => Some(*id),
            Key::Unknown(_) => None,
        })
        .collect();
    if !blocking.is_empty() {
        let ceiling = per_vm
            .or(evc.mode())
            .or_else(|| host_max_mode(source, modes));
        let candidates: Vec<&EvcMode> = modes
            .modes
            .iter()
            .filter(|m| ceiling.is_none_or(|c| m.is_at_most(c)))
            .filter(|m| m.exposed.intersection(blocking).is_empty())
            .filter(|m| {
                destinations
                    .iter()
                    .any(|d| admission_verdict(d, m) != Some(false))
            })
            .collect();
        if let Some(best) = ModeCatalogue::highest(&candidates) {
            let all_vms: Vec<String> = plans
                .iter()
                .filter(|p| !p.can_move)
                .flat_map(|p| p.vms.iter().cloned())
                .collect();
            let lost = ceiling
                .map(|c| c.exposed.difference(best.exposed).difference(blocking))
                .unwrap_or_default();
            out.push(Remedy {
                rank: 0,
                scope: RemedyScope::Vms,
                disruption: format!(
                    "VM downtime (power off to change per-VM EVC) and the VMs lose {} other features",
                    lost.len()
                ),
                action: {
                    let (who, pronoun, _) = vm_phrase(&all_vms, vms);
                    format!("Set per-VM EVC of {who} to {} ({}), then power {pronoun} on", best.key, best.label)
                },
                why: format!(
                    "{} does not expose {}; it is the highest such mode at or below the cluster's",
                    best.key,
                    blocking.iter().map(|id| cat.def(id).key.as_str()).collect::<Vec<_>>().join(", ")
                ),
                verify: None,
                reference: Some("vSphere 6.7+ per-VM EVC (virtual hardware 14+)".to_string()),
                evidence: "[C] vSphere docs (per-VM EVC); [I] mode choice by evcalc".to_string(),
                features: blocking.iter().map(|id| cat.def(id).key.clone()).collect(),
                hosts: Vec::new(),
                vms: all_vms,
            });
        }
    }
    for (i, r) in out.iter_mut().enumerate() {
        r.rank = i as u32 + 1;
    }
    out
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
        }
    }
}

/// How to name blocked VMs in a sentence: ("the VMs powered on on esxi01", "them", "require")
/// for the computed any-VM, ("app01", "it", "requires") for one real VM, a list otherwise.
fn vm_phrase(names: &[String], vms: &[&Vm]) -> (String, &'static str, &'static str) {
    let synthetic = |n: &String| vms.iter().any(|v| !v.from_input && v.name == *n);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Entry, HostInput, Pos, VmInput};
    use crate::value::{ReqType, Requirement};

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
                let missing = missing_requirements(vm, h);
                assert_eq!(
                    meets_requirements(vm, h),
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
                let report = check_vm(vm, h, EvcSetting::Disabled);
                let unknown: Vec<String> = vm
                    .requirements
                    .all
                    .iter()
                    .filter(|r| !h.knows(&r.key))
                    .map(|r| r.written.clone())
                    .collect();
                assert_eq!(report.unknown_on_destination, unknown);
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
