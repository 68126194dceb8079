//! Remedy planning for a maintenance plan: one remedy per action, least disruptive first.

use super::*;

/// Ranked remedies for the blockers of a maintenance plan: one per action, least disruptive
/// first; VM-side ways out name a host that lacks *all* the blocking features, and every way
/// that removes a mitigation from guests says it is a security downgrade.
#[allow(clippy::too_many_arguments)]
pub(super) fn remedies(
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
    let mut ruled = Seen::default();
    let mut seen = Seen::default();
    // (remedy rule, feature, destination) per unmet entry: the rule the engine chose from why
    // the destination lacks it (`Missing::absence`), the same in every command.
    let mut entry_rules: Vec<(&'static str, String, String)> = Vec::new();
    for plan in plans.iter().filter(|p| p.verdict == Verdict::Blocked) {
        for (j, dest) in plan.destinations.iter().enumerate() {
            let mismatch =
                crate::remedy::vendor_mismatch(dest.missing_entries().filter_map(|m| m.remedy));
            for m in dest.missing_entries() {
                let ident = m as *const Missing as usize;
                let canonical = m.canonical_key.as_str();
                // A vendor mismatch decides the move alone (`remedy::can_help`).
                let moot = m
                    .remedy
                    .is_some_and(|r| !crate::remedy::can_help(r, mismatch));
                // An entry's rule once, from the first plan where it is not moot (entries are
                // shared by the VMs of one destination, of either vendor).
                if !moot
                    && ruled.insert(ident)
                    && let Some(rule) = m.remedy
                {
                    entry_rules.push((rule, canonical.to_string(), dest.to().to_string()));
                }
                if !seen_entry.insert(ident) {
                    continue;
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
        // a vmx-19 VM was sent to an ESXi 6.7 host); per-VM EVC below reads each group's own.
        let vhw_of = |c: &Outcome<'_>| c.vhw_band.or(c.vhw.map(|v| (v, v)));
        let bands: Vec<(u8, u8)> = blocked_plans
            .iter()
            .filter_map(|p| p.destinations.first().and_then(vhw_of))
            .collect();
        let vhw_needed = bands.iter().map(|b| b.1).max();
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
        // The blocked VM groups that can carry a per-VM mode: those whose vHW (band) reaches 14;
        // a group wholly below vmx-14 is never named by this remedy.
        let per_vm_plans: Vec<_> = blocked_plans
            .iter()
            .filter(|p| {
                p.destinations
                    .first()
                    .and_then(vhw_of)
                    .is_none_or(|b| b.1 >= 14)
            })
            .collect();
        let per_vm_vms: Vec<String> = per_vm_plans
            .iter()
            .flat_map(|p| p.vms.iter().cloned())
            .collect();
        let per_vm_lowest = per_vm_plans
            .iter()
            .filter_map(|p| p.destinations.first().and_then(vhw_of))
            .map(|b| b.0)
            .min();
        let per_vm_possible = !per_vm_vms.is_empty() && !per_vm_blocked && !vhw_blocked;
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
                            per_vm_vms.contains(&v.name)
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
            let (who, pronoun, _) = vm_phrase(&per_vm_vms, vms);
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
                    if per_vm_lowest.is_some_and(|v| v < 14) { " (those of vmx-14 and later; older VMs cannot carry a per-VM mode)" } else { "" },
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
                vms: per_vm_vms,
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
pub(super) fn mitigation_name(id: FeatureId) -> String {
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

pub(super) fn sort_like(names: &mut [String], hosts: &[&Host]) {
    names.sort_by_key(|n| {
        hosts
            .iter()
            .position(|h| h.name == *n)
            .unwrap_or(usize::MAX)
    });
}

/// What makes two VMs' checks identical: their requirements (and whether they are complete).
#[derive(PartialEq, Eq, Hash)]
pub(super) struct RequirementsKey<'v> {
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
    pub(super) fn of(vm: &'v Vm) -> RequirementsKey<'v> {
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
pub(super) fn vm_phrase(names: &[String], vms: &[&Vm]) -> (String, &'static str, &'static str) {
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
