//! Maintenance: where each VM of a host can go, and the story of those that cannot.

use super::*;

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
pub(super) fn maintenance_with<'h>(
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
pub(super) fn blocked_vm_story(plans: &[VmPlan<'_>]) -> (String, String) {
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
