//! What a host's EVC masks expose to VMs powered on there: its EVC-effective capabilities.
//!
//! The model (\[C\] KB 52085/55111/68024 "vMotion and EVC Information", Dell VxRail KB 524619,
//! vSphere API `FeatureEVCMode`; evc-domain.md §0, §2.5, §5.2):
//!
//! * Without EVC a VM sees its host's raw `featureCapability` and a destination is judged by its
//!   raw capabilities (raw = masked).
//! * In an EVC cluster vCenter writes the baseline's masks into each host's `/etc/vmware/config`
//!   (`featMask.evc.*`); `maskedFeatureCapability` is the result. A VM powered on there sees at
//!   most that, and a destination is judged by *its* masked capabilities. The masks are per host
//!   and can differ between members.
//! * Patch-era features (IBRS/IBPB/STIBP, SSBD, MDCLEAR; FCMD \[I\]) are hidden from guests of an
//!   EVC cluster until vCenter considers every host updated; then they join the baseline and
//!   hosts without them are no longer admitted. Whether a host's masks expose one is decided
//!   from evidence, strongest first: the host's `maskedFeatureCapability`, its `featMask.evc.*`
//!   lines, a VM powered on there that requires it, `--evc-exposes`, the cluster's `evcState`.
//!   Without evidence the exposure is unknown — "every member has it" makes it probable, never
//!   proven — and moves that depend on it are `unknown`.
//! * A mask cannot create a feature the CPU lacks: masked = min(raw, mask) \[I\] (evc-domain.md
//!   §2.5 open point; consistent with every real masked list, which never exceeds raw).

use crate::catalogue::{FeatureId, FeatureSet, Kind, catalogue};
use crate::evc::EvcSetting;
use crate::model::{Capabilities, Host, Key};
use std::sync::OnceLock;

/// Patch-era features: the features KBs 52085 (IBRS, IBPB, STIBP), 54951/55111 (SSBD) and 68024
/// (MDCLEAR) describe as hidden until every host is updated; FCMD (L1TF, KB 55636) by analogy \[I\].
pub fn patch_era() -> FeatureSet {
    static SET: OnceLock<FeatureSet> = OnceLock::new();
    *SET.get_or_init(|| {
        let cat = catalogue();
        [
            "cpuid.IBRS",
            "cpuid.IBPB",
            "cpuid.STIBP",
            "cpuid.SSBD",
            "cpuid.MDCLEAR",
            "cpuid.FCMD",
        ]
        .iter()
        .filter_map(|k| cat.lookup(k))
        .collect()
    })
}

/// Every catalogue feature.
pub fn all_features() -> FeatureSet {
    static SET: OnceLock<FeatureSet> = OnceLock::new();
    *SET.get_or_init(|| catalogue().iter().map(|(id, _)| id).collect())
}

/// Features that can be VM requirements: booleans that are not identity values.
fn booleans() -> FeatureSet {
    static SET: OnceLock<FeatureSet> = OnceLock::new();
    *SET.get_or_init(|| {
        catalogue()
            .iter()
            .filter(|(_, d)| d.kind != Kind::Identity)
            .map(|(id, _)| id)
            .collect()
    })
}

pub use crate::model::{ClusterEvidence, ExposureSource};

/// The exposure of one patch-era feature on one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// The patch-era feature.
    pub feature: FeatureId,
    /// `Some(true)` exposed to VMs powered on there, `Some(false)` hidden, `None` unknown.
    pub exposed: Option<bool>,
    /// Where the exposure was read (`none`: no evidence).
    pub source: ExposureSource,
    /// What proves it, in words (empty without evidence).
    pub detail: String,
}

/// What decided a host's EVC-effective capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// No EVC: raw `featureCapability`.
    Raw,
    /// The host's `maskedFeatureCapability`.
    MaskedList,
    /// Raw capabilities under the host's `featMask.evc.*` lines.
    FeatMaskLines,
    /// Raw capabilities under evcalc's baseline of the cluster mode, patch-era features by evidence.
    ModeBaseline,
}

/// A host's EVC-effective capabilities under a cluster EVC setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// Features known to be offered to VMs (and checked for moves to the host).
    pub present: FeatureSet,
    /// Features whose effective value is not known (fragments, unrecorded leaves, patch-era
    /// features without exposure evidence).
    pub unknown: FeatureSet,
    /// What the effective capabilities were read from.
    pub basis: Basis,
    /// One entry per patch-era feature the host's raw capabilities have or may have.
    pub exposure: Vec<Exposure>,
}

impl Effective {
    /// Whether the effective value of `id` is known.
    pub fn knows(&self, id: FeatureId) -> bool {
        !self.unknown.contains(id)
    }
}

/// Features whose raw value the host's input does not show.
pub(crate) fn raw_unknown(host: &Host) -> FeatureSet {
    let mut unknown = host.unrecorded;
    if let Some(known) = &host.known_only {
        unknown = unknown.union(all_features().difference(known.features));
    }
    unknown
}

/// Features whose masked value the host's input does not show (`None`: no masked list at all).
fn masked_unknown(host: &Host) -> Option<FeatureSet> {
    host.masked.as_ref()?;
    Some(match &host.masked_known_only {
        Some(known) => all_features()
            .difference(known.features)
            .union(host.unrecorded),
        None => host.unrecorded,
    })
}

/// The masks a host's `featMask.evc.*` lines let through.
fn lines_expose(host: &Host) -> FeatureSet {
    crate::model::masks_expose(&host.evc_masks)
}

/// What the host's `featMask.evc` lines let through, and the features they leave open (issue
/// 20 item 5): with `featureCompat.evc.completeMasks = "TRUE"` the lines are the whole set
/// (nothing open); with `"FALSE"` features they do not name keep the host's value (\[C\] API
/// `ApplyEvcModeVM_Task`: "features not specified ... keep the host's value" for
/// `completeMasks = false`), so they pass; without the line (a `grep` of some keys) the lines
/// are known for the keys they name and the rest of the host's features is unknown.
fn lines_and_unnamed(host: &Host) -> (FeatureSet, FeatureSet) {
    let lines = lines_expose(host);
    let named: FeatureSet = host
        .evc_masks
        .iter()
        .filter_map(|(k, _)| match k {
            Key::Known(id) => Some(*id),
            Key::Unknown(_) => None,
        })
        .collect();
    let unnamed = host.caps.present.union(raw_unknown(host)).difference(named);
    match host.evc_masks_complete {
        Some(true) => (lines, FeatureSet::EMPTY),
        Some(false) => (lines.union(unnamed), FeatureSet::EMPTY),
        None => (lines, unnamed),
    }
}

/// The EVC-effective capabilities of `host` under `evc`.
pub fn effective(host: &Host, evc: EvcSetting<'_>) -> Effective {
    effective_with(host, evc, true)
}

/// [`effective`] for a decision: the same `present`, `unknown`, `basis` and exposure verdicts,
/// but each exposure's `detail` left empty (no text is formatted). What a check reads.
pub fn effective_decision(host: &Host, evc: EvcSetting<'_>) -> Effective {
    effective_with(host, evc, false)
}

fn effective_with(host: &Host, evc: EvcSetting<'_>, details: bool) -> Effective {
    let raw = host.caps.present;
    let raw_unknown = raw_unknown(host);
    let patch = patch_era();
    match evc {
        EvcSetting::Disabled if host.evc_masks.is_empty() => Effective {
            present: raw,
            unknown: raw_unknown,
            basis: Basis::Raw,
            exposure: Vec::new(),
        },
        EvcSetting::Disabled => {
            let (lines, open) = lines_and_unnamed(host);
            Effective {
                present: raw.intersection(lines),
                unknown: raw_unknown.intersection(lines).union(open),
                basis: Basis::FeatMaskLines,
                exposure: patch_exposure(host, patch.intersection(lines), None, details),
            }
        }
        EvcSetting::Mode(mode) => {
            let ceiling = mode.exposed;
            let mode_patch = patch.intersection(ceiling);
            let masked_applies = host.masked.is_some()
                && host
                    .reported_current_evc
                    .as_deref()
                    .is_none_or(|k| k.eq_ignore_ascii_case(&mode.key));
            if let (true, Some(masked), Some(m_unknown)) =
                (masked_applies, &host.masked, masked_unknown(host))
            {
                // A fragment lists only some keys: the rest of the masked list is unknown, and
                // features neither list shows stay unknown.
                let exposure = patch_exposure(host, mode_patch, None, details);
                return Effective {
                    present: masked.present.intersection(ceiling),
                    unknown: m_unknown
                        .intersection(ceiling)
                        .difference(masked.present.intersection(ceiling)),
                    basis: Basis::MaskedList,
                    exposure,
                };
            }
            if !host.evc_masks.is_empty() {
                let (lines, open) = lines_and_unnamed(host);
                let lines = lines.intersection(ceiling);
                return Effective {
                    present: raw.intersection(lines),
                    unknown: raw_unknown
                        .intersection(lines)
                        .union(open.intersection(ceiling)),
                    basis: Basis::FeatMaskLines,
                    exposure: patch_exposure(host, mode_patch.intersection(lines), None, details),
                };
            }
            let generational = ceiling.difference(patch);
            let mut present = raw.intersection(generational);
            let mut unknown = raw_unknown.intersection(generational);
            let exposure = patch_exposure(host, mode_patch, Some(mode_patch), details);
            for e in &exposure {
                let raw_has = raw.contains(e.feature);
                let raw_known = !raw_unknown.contains(e.feature);
                match e.exposed {
                    Some(true) if raw_has => present.insert(e.feature),
                    Some(true) if !raw_known => unknown.insert(e.feature),
                    None if raw_has || !raw_known => unknown.insert(e.feature),
                    _ => {}
                }
            }
            Effective {
                present,
                unknown,
                basis: Basis::ModeBaseline,
                exposure,
            }
        }
    }
}

/// The exposure of each patch-era feature in `candidates` on `host`, from the strongest evidence.
/// `lines_or_masked_decide`: when `None`, the host's own masked list / lines decide (they exist);
/// when `Some(set)`, only cluster-level evidence is available for `set`.
fn patch_exposure(
    host: &Host,
    candidates: FeatureSet,
    cluster_only: Option<FeatureSet>,
    details: bool,
) -> Vec<Exposure> {
    // The evidence in words, only when asked for (checks read the verdicts alone).
    let text = |f: &dyn Fn() -> String| if details { f() } else { String::new() };
    let cat = catalogue();
    let masked_unknown = masked_unknown(host);
    let lines = lines_expose(host);
    let mut out = Vec::new();
    for id in candidates.iter() {
        let key = &cat.def(id).key;
        // 1. The masked list.
        if cluster_only.is_none()
            && let (Some(masked), Some(unknown)) = (&host.masked, &masked_unknown)
            && !unknown.contains(id)
        {
            let on = masked.present.contains(id);
            let raw_on = host.caps.present.contains(id);
            // Masked 0 on a host whose raw value is 0 (or not shown) says nothing about the
            // masks: the CPU lacks the feature either way (masked = min(raw, mask)). Other
            // evidence decides then.
            if on || raw_on {
                out.push(Exposure {
                    feature: id,
                    exposed: Some(on),
                    source: ExposureSource::MaskedList,
                    detail: text(&|| if on {
                        format!("maskedFeatureCapability {key} = 1")
                    } else {
                        format!("maskedFeatureCapability {key} = 0 although featureCapability is 1: the host's EVC masks hide it")
                    }),
                });
                continue;
            }
        }
        // 2. featMask.evc lines.
        if !host.evc_masks.is_empty() {
            let on = lines.contains(id);
            out.push(Exposure {
                feature: id,
                exposed: Some(on),
                source: ExposureSource::FeatMaskLines,
                detail: text(&|| {
                    if on {
                        format!("/etc/vmware/config featMask.evc.{key} lets it through")
                    } else {
                        format!("/etc/vmware/config has featMask.evc lines without {key}")
                    }
                }),
            });
            continue;
        }
        // 3.–5. Cluster-level evidence, strongest first.
        if let Some(ev) = host
            .cluster_evidence
            .iter()
            .filter(|e| e.feature == id)
            .min_by_key(|e| e.source)
        {
            out.push(Exposure {
                feature: id,
                exposed: Some(ev.exposed),
                source: ev.source,
                detail: text(&|| ev.detail.clone()),
            });
            continue;
        }
        out.push(Exposure {
            feature: id,
            exposed: None,
            source: ExposureSource::None,
            detail: text(&|| format!("no masked value, featMask.evc line, VM requirement or cluster export shows whether {key} is exposed")),
        });
    }
    out
}

/// Options that state the cluster's patch-era exposure for every host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterExposure {
    /// `--evc-exposes KEY,…|none`: every host's masks expose exactly these patch-era features.
    pub evc_exposes: Option<FeatureSet>,
    /// The cluster's `evcState` export: the baseline's exposed features and where it came from.
    pub evc_state: Option<(FeatureSet, String)>,
}

/// Attaches cluster-level exposure evidence to every host: VMs that run there and require a
/// patch-era feature, `--evc-exposes`, the cluster's `evcState`.
pub fn resolve_cluster(hosts: &mut [Host], vms: &[crate::model::Vm], options: &ClusterExposure) {
    let cat = catalogue();
    let patch = patch_era();
    // The VMs read from input, by the host they run on (ASCII case-insensitive, as host names
    // are compared everywhere): one pass over the VMs, not one per host. Per host, the patch-era
    // features some VM there requires, each with the first such VM.
    // Hosts of the same name (case-insensitive) share the VMs: `shared[i]` is the first of them.
    let mut index: rustc_hash::FxHashMap<String, u32> = rustc_hash::FxHashMap::default();
    let shared: Vec<usize> = hosts
        .iter()
        .enumerate()
        .map(|(i, host)| {
            *index
                .entry(host.name.to_ascii_lowercase())
                .or_insert(i as u32) as usize
        })
        .collect();
    let mut required: Vec<(FeatureSet, Vec<(FeatureId, &str)>)> =
        vec![(FeatureSet::default(), Vec::new()); hosts.len()];
    let mut lower = String::new();
    for vm in vms.iter().filter(|v| v.from_input) {
        let Some(h) = vm.host.as_deref() else {
            continue;
        };
        let new = vm.requirements.required_features().intersection(patch);
        if new.is_empty() {
            continue;
        }
        lower.clear();
        lower.push_str(h);
        lower.make_ascii_lowercase();
        let Some(&i) = index.get(lower.as_str()) else {
            continue;
        };
        let (seen, first) = &mut required[i as usize];
        for id in new.difference(*seen).iter() {
            first.push((id, vm.name.as_str()));
        }
        *seen = seen.union(new);
    }
    for (host, &i) in hosts.iter_mut().zip(&shared) {
        host.cluster_evidence.clear();
        for &(id, vm) in &required[i].1 {
            host.cluster_evidence.push(ClusterEvidence {
                feature: id,
                exposed: true,
                source: ExposureSource::VmRequirement,
                detail: format!("{vm} (running there) requires {}", cat.def(id).key),
            });
        }
        if let Some(set) = options.evc_exposes {
            for id in patch.iter() {
                host.cluster_evidence.push(ClusterEvidence {
                    feature: id,
                    exposed: set.contains(id),
                    source: ExposureSource::Option,
                    detail: format!(
                        "{} {}",
                        cat.def(id).key,
                        if set.contains(id) {
                            "exposed"
                        } else {
                            "hidden"
                        }
                    ),
                });
            }
        }
        if let Some((set, source)) = &options.evc_state {
            for id in patch.iter() {
                host.cluster_evidence.push(ClusterEvidence {
                    feature: id,
                    exposed: set.contains(id),
                    source: ExposureSource::EvcState,
                    detail: format!(
                        "the cluster's evcState ({source}) {} {}",
                        if set.contains(id) {
                            "exposes"
                        } else {
                            "does not expose"
                        },
                        cat.def(id).key
                    ),
                });
            }
        }
    }
}

/// Why an `--evc-exposes` list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExposesError {
    /// A catalogue feature that is not patch-era (EVC never hides it).
    #[error("{part} is not a patch-era feature; expected some of {expected}")]
    NotPatchEra {
        /// The entry as written.
        part: String,
        /// The patch-era features' names, comma-separated.
        expected: String,
    },
    /// A key the catalogue does not know.
    #[error("unknown feature {part}; expected `none` or some of {expected}")]
    Unknown {
        /// The entry as written.
        part: String,
        /// The patch-era features' names, comma-separated.
        expected: String,
    },
}

/// Parses `--evc-exposes KEY[,KEY…]|none` into patch-era features.
pub fn parse_exposes(text: &str) -> Result<FeatureSet, ExposesError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") || t.is_empty() {
        return Ok(FeatureSet::default());
    }
    let cat = catalogue();
    let mut set = FeatureSet::default();
    for part in t.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let key = if part.to_ascii_lowercase().starts_with("cpuid.") {
            part.to_string()
        } else {
            format!("cpuid.{part}")
        };
        match cat.lookup(&key) {
            Some(id) if patch_era().contains(id) => set.insert(id),
            Some(_) => {
                return Err(ExposesError::NotPatchEra {
                    part: part.to_string(),
                    expected: patch_names(),
                });
            }
            None => {
                return Err(ExposesError::Unknown {
                    part: part.to_string(),
                    expected: patch_names(),
                });
            }
        }
    }
    Ok(set)
}

fn patch_names() -> String {
    let cat = catalogue();
    patch_era()
        .iter()
        .map(|id| cat.def(id).key.trim_start_matches("cpuid.").to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value of `key` in a host's effective capabilities (masked list where it applies).
pub fn effective_value(host: &Host, eff: &Effective, key: &Key) -> u64 {
    match key {
        Key::Known(id)
            if booleans().contains(*id) && catalogue().def(*id).kind != Kind::Identity =>
        {
            let raw = host.caps.value(key);
            if eff.present.contains(*id) {
                raw.max(1)
            } else {
                0
            }
        }
        _ => match (&host.masked, eff.basis) {
            (Some(m), Basis::MaskedList) => masked_or_raw(m, &host.caps, key),
            _ => host.caps.value(key),
        },
    }
}

fn masked_or_raw(masked: &Capabilities, raw: &Capabilities, key: &Key) -> u64 {
    match key {
        Key::Unknown(k) if masked.unknown.contains_key(k) => masked.value(key),
        Key::Unknown(_) => raw.value(key),
        _ => masked.value(key),
    }
}

// ---------------------------------------------------------------------------------------------
// Virtual hardware and requirement roles (VMware's CPUID field table through the catalogue).

/// Features a VM of virtual hardware `vhw` can see (the feature's first vHW ≤ `vhw`).
pub fn exposable_at(vhw: u8) -> FeatureSet {
    catalogue_vhw::exposable_at(vhw)
}

/// Features that become requirements when a VM of `vhw` sees them.
pub fn requirable_at(vhw: u8) -> FeatureSet {
    catalogue_vhw::requirable_at(vhw)
}

/// Features whose requirement role is not proven by real data.
pub fn unproven() -> FeatureSet {
    catalogue_vhw::unproven()
}

/// The first virtual hardware version exposing `id` (None: not in VMware's table).
pub fn first_vhw(id: FeatureId) -> Option<u8> {
    catalogue_vhw::first_vhw(id)
}

/// The ESXi release (major, minor) every \[D\] requirement role of
/// `core/data/requirement-roles.tsv` was observed on: ESXi 8.0 U1 (host-14), whose seven real VMs
/// run Linux guests only (the file's `observed` column; issue 20 item 4). Updates of one release
/// are taken to share its requirement rules \[I\].
pub const ROLES_OBSERVED_ON: (u32, u32) = (8, 0);

/// Features whose class in VMware's CPUID table was YES in earlier table versions and is no
/// longer (\[C\] open-vm-tools `x86cpuid.h` history, evc-domain.md §5.3): HLE YES → ANY on
/// 2021-10-18, MPX YES → ANY on 2021-05. Releases built before then exposed them by default.
const FORMERLY_YES: &[&str] = &["cpuid.HLE", "cpuid.MPX"];

/// Features a VM powered on on a host of `release` may require although the catalogue calls
/// them not required (issue 20 item 4): the not-required roles were seen on ESXi 8.0 U1 only
/// (\[D\] host-14), so they say nothing about another or an unknown release; where VMware's
/// table gives (or gave) the feature class YES ("If the host supports this feature, we will
/// expose it to the guest", \[C\]), a VM that saw it there is a possible requirement —
/// HLE/RTM on ESXi 7.x and earlier. Identity, vendor and hardware-virtualization keys are left
/// out: identity values are pinned by masks, not required, and VMX/SVM reach a guest only with
/// nested virtualization (\[I\]; item 7). Empty for hosts of the observed release.
pub fn roles_unobserved(release: Option<crate::esxi::Release>) -> FeatureSet {
    if release.is_some_and(|r| (r.major, r.minor) == ROLES_OBSERVED_ON) {
        return FeatureSet::EMPTY;
    }
    static SET: OnceLock<FeatureSet> = OnceLock::new();
    *SET.get_or_init(|| {
        let cat = catalogue();
        cat.iter()
            .filter(|(_, d)| {
                d.role == crate::catalogue::Role::NotRequired
                    && matches!(d.kind, Kind::Feature | Kind::Mitigation)
                    && (d.class == crate::catalogue::Class::Yes
                        || FORMERLY_YES.iter().any(|k| k.eq_ignore_ascii_case(&d.key)))
            })
            .map(|(id, _)| id)
            .collect()
    })
}

mod catalogue_vhw {
    use super::*;

    pub fn exposable_at(vhw: u8) -> FeatureSet {
        catalogue().exposable_at(vhw)
    }
    pub fn requirable_at(vhw: u8) -> FeatureSet {
        catalogue().requirable_at(vhw)
    }
    pub fn unproven() -> FeatureSet {
        catalogue().unproven()
    }
    pub fn first_vhw(id: FeatureId) -> Option<u8> {
        catalogue().first_vhw(id)
    }
}

// ---------------------------------------------------------------------------------------------
// Patch-era findings: the cluster's baseline, non-compliant members and why they lack a feature.

/// Why a host does not offer a patch-era feature the baseline exposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Mechanism {
    /// (A) The CPU does not report it (featureCapability 0): microcode not active.
    Microcode,
    /// (B) The CPU reports it but the host's EVC masks hide it (raw 1, masked 0): stale masks.
    EvcMasks,
    /// The data does not say which: one value per host (a single grep block) or raw not shown.
    Undetermined,
}

/// Three-valued exposure in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Tri {
    /// Yes.
    Yes,
    /// No.
    No,
    /// The data does not tell.
    Unknown,
}

impl From<Option<bool>> for Tri {
    fn from(v: Option<bool>) -> Tri {
        match v {
            Some(true) => Tri::Yes,
            Some(false) => Tri::No,
            None => Tri::Unknown,
        }
    }
}

/// One host's evidence about one patch-era feature.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct PatchHost {
    /// The host's name.
    pub host: String,
    /// `featureCapability` value, when shown.
    pub raw: Option<u64>,
    /// `maskedFeatureCapability` value, when shown.
    pub masked: Option<u64>,
    /// Whether the host's EVC masks expose the feature to VMs powered on there.
    pub exposed: Tri,
    /// Where the exposure was read (`none`: no evidence).
    pub exposed_source: ExposureSource,
    /// What proves the exposure, in words (empty without evidence).
    pub evidence: String,
    /// Whether the host offers the feature to VMs arriving by vMotion (EVC-effective).
    pub offers: Tri,
    /// Set for hosts that do not offer a feature the baseline exposes.
    pub mechanism: Option<Mechanism>,
}

/// One patch-era feature across the cluster.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct PatchFinding {
    /// Canonical key, e.g. `cpuid.MDCLEAR`.
    pub feature: String,
    /// The catalogue label.
    pub label: String,
    /// Whether the cluster's baseline exposes it: yes when any host's evidence proves it
    /// (vCenter wrote masks exposing it), no when every host's evidence shows it hidden.
    pub baseline: Tri,
    /// Hosts whose evidence shows the baseline exposing it.
    pub baseline_hosts: Vec<String>,
    /// Every host offers it raw and no evidence shows the masks: exposure probable (KB: "the
    /// cluster will automatically upgrade its capabilities"), never proven.
    pub probable: bool,
    /// One row per host (class representative in a cluster answer), in host order.
    pub hosts: Vec<PatchHost>,
    /// Members that do not offer what the baseline exposes (EVCAdmissionFailedCPUFeaturesForMode
    /// for a host being added).
    pub non_compliant: Vec<String>,
    /// One line, e.g. "MDCLEAR: exposed by the cluster's baseline and offered by every host".
    pub summary: String,
}

/// The patch-era findings of a cluster under `evc` (empty without EVC: raw values decide then).
pub fn findings(hosts: &[Host], evc: EvcSetting<'_>) -> Vec<PatchFinding> {
    let cat = catalogue();
    let candidates = match evc {
        EvcSetting::Mode(m) => patch_era().intersection(m.exposed),
        EvcSetting::Disabled if hosts.iter().any(|h| !h.evc_masks.is_empty()) => patch_era(),
        EvcSetting::Disabled => return Vec::new(),
    };
    let effs: Vec<Effective> = hosts.iter().map(|h| effective(h, evc)).collect();
    let mut out = Vec::new();
    for id in candidates.iter() {
        let key = Key::Known(id);
        let def = cat.def(id);
        let mut rows: Vec<PatchHost> = hosts
            .iter()
            .zip(&effs)
            .map(|(h, eff)| {
                let raw = (h.knows(&key) && !h.unrecorded.contains(id)).then(|| h.caps.value(&key));
                let masked = h
                    .masked
                    .as_ref()
                    .filter(|_| h.masked_known_only.as_ref().is_none_or(|k| k.knows(&key)))
                    .map(|m| m.value(&key));
                let e = eff.exposure.iter().find(|e| e.feature == id);
                PatchHost {
                    host: h.name.clone(),
                    raw,
                    masked,
                    exposed: e.map(|e| e.exposed).unwrap_or(None).into(),
                    exposed_source: e.map_or(ExposureSource::None, |e| e.source),
                    evidence: e.map(|e| e.detail.clone()).unwrap_or_default(),
                    offers: if eff.present.contains(id) {
                        Tri::Yes
                    } else if eff.unknown.contains(id) {
                        Tri::Unknown
                    } else {
                        Tri::No
                    },
                    mechanism: None,
                }
            })
            .collect();
        let baseline_hosts: Vec<String> = rows
            .iter()
            .filter(|r| r.exposed == Tri::Yes)
            .map(|r| r.host.clone())
            .collect();
        let baseline = if !baseline_hosts.is_empty() {
            Tri::Yes
        } else if rows.iter().any(|r| r.exposed == Tri::No)
            && rows
                .iter()
                .all(|r| r.exposed == Tri::No || r.raw == Some(0))
        {
            // Hosts whose CPU lacks it cannot show their masks; the others show them hiding it.
            Tri::No
        } else {
            Tri::Unknown
        };
        let probable = baseline == Tri::Unknown && rows.iter().all(|r| r.raw == Some(1));
        let mut non_compliant = Vec::new();
        for (row, h) in rows.iter_mut().zip(hosts) {
            if row.offers == Tri::No && baseline != Tri::No {
                let single_block = h.is_fragment() && row.masked.is_none();
                row.mechanism = Some(match (row.raw, single_block) {
                    (_, true) | (None, _) => Mechanism::Undetermined,
                    (Some(0), false) => Mechanism::Microcode,
                    (Some(_), false) => Mechanism::EvcMasks,
                });
                if baseline == Tri::Yes {
                    non_compliant.push(row.host.clone());
                }
            }
        }
        let lacking: Vec<String> = rows
            .iter()
            .filter(|r| r.offers == Tri::No)
            .map(|r| r.host.clone())
            .collect();
        let unknown_hosts: Vec<String> = rows
            .iter()
            .filter(|r| r.exposed == Tri::Unknown && r.offers != Tri::No)
            .map(|r| r.host.clone())
            .collect();
        let name = def.key.trim_start_matches("cpuid.");
        let summary = match baseline {
            Tri::Yes if non_compliant.is_empty() => {
                format!("{name}: exposed by the cluster's baseline and offered by every host")
            }
            Tri::Yes => format!(
                "{name}: exposed by the baseline on {}, not offered by {}",
                crate::names::host_list(&baseline_hosts),
                crate::names::host_list(&non_compliant)
            ),
            Tri::No => format!(
                "{name}: hidden from VMs on every host (the cluster has not been upgraded to expose it)"
            ),
            Tri::Unknown if probable => format!(
                "{name}: every host has it; exposure probable but not shown — run `vim-cmd hostsvc/hostconfig | grep -i -A 2 {}` on each host",
                name.to_ascii_lowercase()
            ),
            Tri::Unknown if !lacking.is_empty() && !unknown_hosts.is_empty() => format!(
                "{name}: not offered by {}; whether {} expose{} it to VMs is not shown",
                crate::names::host_list(&lacking),
                crate::names::host_list(&unknown_hosts),
                if unknown_hosts.len() == 1 { "s" } else { "" }
            ),
            Tri::Unknown => format!("{name}: exposure not shown"),
        };
        let interesting = baseline == Tri::Yes
            || !lacking.is_empty()
            || probable
            || rows.iter().any(|r| r.raw == Some(1));
        if interesting {
            out.push(PatchFinding {
                feature: def.key.clone(),
                label: def.label.clone(),
                baseline,
                baseline_hosts,
                probable,
                hosts: rows,
                non_compliant,
                summary,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fid;

    /// Issue 20 item 4: the not-required roles seen on ESXi 8.0 U1 only are possible
    /// requirements elsewhere where VMware's table gives (or gave) class YES.
    #[test]
    fn roles_by_release() {
        let r = |p: &str| crate::esxi::Release::parse(p);
        let elsewhere = roles_unobserved(None);
        for id in [fid::HLE, fid::RTM, fid::DS, fid::MWAIT, fid::MPX] {
            assert!(elsewhere.contains(id), "{}", catalogue().def(id).key);
            assert!(roles_unobserved(r("VMware ESXi 7.0.3 build-21686933")).contains(id));
        }
        for id in [
            fid::VMX,
            fid::FP_SEGMENT_ZERO,
            fid::FAMILY,
            fid::SSE3,
            fid::MDCLEAR,
        ] {
            assert!(!elsewhere.contains(id), "{}", catalogue().def(id).key);
        }
        assert!(roles_unobserved(r("VMware ESXi 8.0.1 build-22513723")).is_empty());
        assert!(roles_unobserved(r("VMware ESXi 8.0.3")).is_empty());
        assert!(!roles_unobserved(r("VMware ESX 9.0.0")).is_empty());
    }

    /// Every role of `requirement-roles.tsv` names where it was observed: the \[D\] rows on ESXi
    /// 8.0.1 ([`ROLES_OBSERVED_ON`]), the \[I\] rows nowhere (`-`).
    #[test]
    fn every_role_says_where_it_was_observed() {
        for line in include_str!("../data/requirement-roles.tsv").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 4, "{line}");
            if cols[2].starts_with("[D]") {
                let (major, minor) = ROLES_OBSERVED_ON;
                assert!(
                    cols[3].starts_with(&format!("ESXi {major}.{minor}.1 ")),
                    "{line}"
                );
                assert!(cols[3].contains("guests"), "{line}");
            } else {
                assert_eq!(cols[3], "-", "{line}");
            }
        }
    }
}
