//! The one move check: a VM's requirements against a prepared destination, as typed facts.

use super::*;

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
pub(super) struct Entries {
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
pub(super) struct Findings {
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
pub(super) fn findings(
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
        } else if vm.roles_unobserved.contains(id) && !eff.unknown.contains(id) {
            let why = crate::words::role_unobserved_text(
                vm.source_release.map(|r| r.name()).as_deref(),
                &dest_lacks(id),
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
pub(super) fn vhw_block_text(vhw: u8, dest: &Host) -> String {
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
pub(super) fn fully_checked(vm: &Vm, dest: &Host, unknown: &[UnknownItem]) -> bool {
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

pub(super) fn verdict(nothing_blocks: bool, fully_checked: bool) -> Verdict {
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
pub(super) fn available(dest: &Host, eff: &exposure::Effective, key: &Key, from_mask: bool) -> u64 {
    if from_mask {
        0
    } else {
        exposure::effective_value(dest, eff, key)
    }
}

/// Calls `emit(key, written, requirement, from_mask)` for each requirement of `vm` that `dest`'s
/// effective capabilities `eff` do not meet, in the VM's order, then for each feature only its
/// per-VM EVC mask requires (`from_mask`: required `Bool:Min:1`; see [`available`]).
pub(super) fn unmet(
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
pub(super) fn cpuid_text(id: FeatureId) -> Option<String> {
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
pub(super) fn requirement_text(requirement: Requirement) -> String {
    if requirement == Requirement::BOOL_MIN_1 {
        "Bool:Min:1".to_string()
    } else {
        requirement.to_string()
    }
}

pub(super) fn missing_entry(
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
        // Read as 0 from an empty `grep -i` on a release that lists only present features.
        Some(Absence::NotOnCpu) if matches!(key, Key::Known(id) if dest.not_listed.contains(id)) => {
            Some(Absence::NotListed)
        }
        a => a,
    };
    // The CPU lacks MDCLEAR although the host runs (so has booted) an ESXi build with the MDS
    // patch: the remedy leads with BIOS/firmware microcode and a cold power cycle (issue 20
    // item 10; builds: core/data/mds-patched-builds.tsv, [C] VMSA-2019-0008).
    let patched_build = match (&key, absence, raw_available) {
        (Key::Known(id), Some(Absence::NotOnCpu | Absence::NotListed), Some(0))
            if *id == crate::catalogue::fid::MDCLEAR =>
        {
            dest.release.and_then(|release| {
                crate::esxi::mds_patch_in_build(release).map(|row| crate::report::PatchedBuild {
                    release: release.name(),
                    build: release.build,
                    first_patched_build: row.first_build,
                    advisory: crate::esxi::MDS_ADVISORY.to_string(),
                    evidence: row.tag.to_string(),
                })
            })
        }
        _ => None,
    };
    let (kind, cpuid, remedy) = match &key {
        Key::Known(id) => (
            Some(catalogue().def(*id).kind),
            cpuid_text(*id),
            crate::remedy::rule_for_absence(
                *id,
                absence,
                eff.basis == exposure::Basis::Raw,
                patched_build.is_some(),
            )
            .map(|r| r.name.as_str()),
        ),
        Key::Unknown(_) => (None, None, None),
    };
    let why = absence
        .map(|a| crate::words::absence_text(a, &dest.name, raw_available, patched_build.as_ref()));
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
        patched_build,
    }
}
