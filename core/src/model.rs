//! The engine's view of hosts and VMs: raw input records resolved against the catalogue into
//! bitsets, with unknown keys kept on the side.

use crate::catalogue::{FeatureId, FeatureSet, Kind, catalogue, fid};
use crate::evc::Vendor;
use crate::input::{Entry, HostInput, Pos, VmInput};
use crate::value::{Mask, MaskOp, ReqOp, ReqType, Requirement};
use std::collections::BTreeMap;

/// A feature key: a catalogue feature, or a key the catalogue does not know (kept as written).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A catalogue feature.
    Known(FeatureId),
    /// Lower-cased key.
    Unknown(String),
}

impl Key {
    /// Resolves a key as written (case-insensitive) against the catalogue; a key it does not
    /// know is kept trimmed and lower-cased.
    pub fn resolve(key: &str) -> Key {
        match catalogue().lookup(key) {
            Some(id) => Key::Known(id),
            None => Key::Unknown(key.trim().to_ascii_lowercase()),
        }
    }

    /// Canonical spelling (`cpuid.MDCLEAR`) or the unknown key as lower-cased.
    pub fn name(&self) -> &str {
        match self {
            Key::Known(id) => &catalogue().def(*id).key,
            Key::Unknown(k) => k,
        }
    }

    /// Human label, or "unknown feature" for keys the catalogue does not know.
    pub fn label(&self) -> &str {
        match self {
            Key::Known(id) => &catalogue().def(*id).label,
            Key::Unknown(_) => "(not in evcalc's feature catalogue)",
        }
    }
}

/// A feature capability vector: booleans as a bitset, other values on the side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Known features with a non-zero value.
    pub present: FeatureSet,
    /// Known features whose value is not 0/1 (FAMILY, MODEL, NUMLEVELS, …).
    pub numbers: BTreeMap<FeatureId, u64>,
    /// Keys the catalogue does not know: lower-cased key → (key as written, value).
    pub unknown: BTreeMap<String, (String, u64)>,
}

impl Capabilities {
    /// The value of a key; 0 when missing ("a missing capability key means 0").
    pub fn value(&self, key: &Key) -> u64 {
        match key {
            Key::Known(id) => match self.numbers.get(id) {
                Some(v) => *v,
                None => u64::from(self.present.contains(*id)),
            },
            Key::Unknown(k) => self.unknown.get(k).map(|(_, v)| *v).unwrap_or(0),
        }
    }

    /// Builds capabilities from entries; duplicate keys with different values give a warning
    /// and the lower value wins (the conservative choice for compatibility).
    pub fn from_entries(entries: &[Entry<u64>], warnings: &mut Vec<String>) -> Capabilities {
        let cat = catalogue();
        let mut caps = Capabilities::default();
        // The first value and position of each key seen, by feature id for catalogue keys.
        let mut seen_known: Vec<Option<(u64, Pos)>> = vec![None; cat.len()];
        let mut seen_unknown: BTreeMap<String, (u64, Pos)> = BTreeMap::new();
        for entry in entries {
            let key = Key::resolve(&entry.key);
            let mut value = entry.value;
            let seen = match &key {
                Key::Known(id) => seen_known.get(id.0 as usize).copied().flatten(),
                Key::Unknown(lower) => seen_unknown.get(lower).copied(),
            };
            if let Some((previous, pos)) = seen {
                if previous != value {
                    warnings.push(format!(
                        "line {}: {} is listed twice with different values ({} at line {}, {} here); using the lower",
                        entry.pos.line, entry.key, previous, pos.line, value
                    ));
                    value = value.min(previous);
                } else {
                    continue;
                }
            }
            match &key {
                Key::Known(id) => {
                    if let Some(slot) = seen_known.get_mut(id.0 as usize) {
                        *slot = Some((value, entry.pos));
                    }
                }
                Key::Unknown(lower) => {
                    seen_unknown.insert(lower.clone(), (value, entry.pos));
                }
            }
            match key {
                Key::Known(id) => {
                    if value != 0 {
                        caps.present.insert(id);
                    } else {
                        caps.present.remove(id);
                    }
                    if value > 1 || cat.def(id).kind == Kind::Identity {
                        caps.numbers.insert(id, value);
                    } else {
                        caps.numbers.remove(&id);
                    }
                }
                Key::Unknown(lower) => {
                    caps.unknown
                        .insert(lower, (entry.key.trim().to_string(), value));
                }
            }
        }
        caps
    }
}

/// A host as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Host {
    /// The host's name: the input's, else the fallback (file name); made unique within a
    /// workspace when loaded through [`crate::session::load`].
    pub name: String,
    /// Whether the input named the host (a DNS or host name in the data); `false` when `name`
    /// is a fallback (the file name, or `host N` for unnamed hosts of one input).
    pub name_given: bool,
    /// Where it came from (file name or paste label).
    pub source: String,
    /// `product.fullName` (e.g. "VMware ESXi 6.7.0 build-14320388"), when the input has it.
    pub product: Option<String>,
    /// The CPU brand string (`summary.hardware.cpuModel`, `cpuPkg.description`), when the input
    /// has it.
    pub cpu_model: Option<String>,
    /// The CPU vendor: from `cpuid.Intel` / `cpuid.AMD` in `featureCapability`, else from the CPU
    /// brand string; `None` when neither tells.
    pub vendor: Option<Vendor>,
    /// Raw `featureCapability`: what the CPU and ESXi offer, before EVC masks.
    pub caps: Capabilities,
    /// `Some(keys)` for fragments (e.g. `grep -A 2 MDCLEAR` output): only these keys are known.
    pub known_only: Option<Known>,
    /// `maskedFeatureCapability` (EVC-effective: what VMs powered on here may see and what moves
    /// here are checked against in an EVC cluster), when the input has it.
    pub masked: Option<Capabilities>,
    /// For fragments: the keys the masked list shows.
    pub masked_known_only: Option<Known>,
    /// Features whose value the input did not record (raw CPUID dumps without a leaf).
    pub unrecorded: FeatureSet,
    /// Features read as 0 because a `grep -i` for them printed nothing on a release that lists
    /// only present features ([`crate::esxi::listing_style`]; issue 20 item 9).
    pub not_listed: FeatureSet,
    /// The ESXi release (`product.fullName`), when known.
    pub release: Option<crate::esxi::Release>,
    /// The highest virtual hardware version the host's ESXi runs, when known.
    pub max_vhw: Option<u8>,
    /// Cluster-level evidence about patch-era features ([`crate::exposure::resolve_cluster`]).
    pub cluster_evidence: Vec<ClusterEvidence>,
    /// Cluster EVC masks stored on the host (`featMask.evc.*` of /etc/vmware/config).
    pub evc_masks: Vec<(Key, Mask)>,
    /// The `featureCompat.evc.completeMasks` value read with `evc_masks`: `Some(true)` the lines
    /// are the whole set (unnamed features hidden), `Some(false)` unnamed features keep the
    /// host's value, `None` not shown (a grep of some lines): unnamed features are unknown
    /// (issue 20 item 5).
    pub evc_masks_complete: Option<bool>,
    /// `summary.maxEVCModeKey` as the input reports it: a cross-check only, never the answer.
    pub reported_max_evc: Option<String>,
    /// `summary.currentEVCModeKey` as the input reports it (`None` when absent or empty).
    pub reported_current_evc: Option<String>,
    /// What the host's data shows about its cluster's EVC state (evidence, not an answer).
    pub evc_state: EvcStateShown,
    /// vSphere managed-object id (`host-14`), when the input has it.
    pub moref: Option<String>,
    /// Remarks about the host's data (e.g. no `featureCapability` entries).
    pub warnings: Vec<String>,
}

/// What one host's data shows about the EVC state of its cluster (issue 20 item 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(tag = "state", content = "mode", rename_all = "kebab-case")]
#[derive(Default)]
pub enum EvcStateShown {
    /// `summary.currentEVCModeKey` is set: EVC runs in that mode (\[C\] API).
    Mode(String),
    /// vCenter data of a host (MoRef `host-N`) with its summary and `currentEVCModeKey` unset:
    /// EVC is not active in its cluster (\[C\] API: "If the host is in a cluster where EVC is
    /// active, this will match the cluster's EVC mode; otherwise this will be unset").
    NotActive,
    /// The host carries EVC masks (`featMask.evc` lines, or a `maskedFeatureCapability` below
    /// its raw values): EVC probable, mode not shown (\[I\]: without EVC the masked list equals
    /// the raw one, as on the real ESXi 8.0.1 host-14).
    MasksActive,
    /// Nothing in the data (raw CPUID, `/proc/cpuinfo`, fragments, hostd data, a hostconfig
    /// dump alone).
    #[default]
    Unknown,
}

/// [`EvcStateShown`] of one host input.
fn evc_state_shown(input: &HostInput) -> EvcStateShown {
    if let Some(mode) = input
        .reported_current_evc
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        return EvcStateShown::Mode(mode.to_string());
    }
    // vCenter names hosts `host-N`; hostd (vim-cmd on the host) names itself `ha-host`, and what
    // it reports about the cluster's EVC is not documented: unknown there.
    let vcenter = input
        .moref
        .as_deref()
        .is_some_and(|m| m.trim().to_ascii_lowercase().starts_with("host-"));
    if input.summary_seen && vcenter && !input.fragment {
        return EvcStateShown::NotActive;
    }
    let masked_below_raw = !input.fragment
        && !input.masked_capabilities.is_empty()
        && input.capabilities.iter().any(|raw| {
            raw.value != 0
                && !input
                    .masked_capabilities
                    .iter()
                    .any(|m| m.key.eq_ignore_ascii_case(&raw.key) && m.value == raw.value)
        });
    if !input.evc_masks.is_empty() || masked_below_raw {
        return EvcStateShown::MasksActive;
    }
    EvcStateShown::Unknown
}

/// The keys a fragment lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Known {
    /// The catalogue features the fragment lists.
    pub features: FeatureSet,
    /// Keys outside the catalogue the fragment lists (lower-cased).
    pub unknown: Vec<String>,
}

impl Known {
    /// Whether the fragment lists the key.
    pub fn knows(&self, key: &Key) -> bool {
        match key {
            Key::Known(id) => self.features.contains(*id),
            Key::Unknown(k) => self.unknown.iter().any(|u| u == k),
        }
    }
}

impl Host {
    /// Resolves a parsed host. `fallback_name` names hosts whose input has no host name.
    pub fn from_input(input: &HostInput, fallback_name: &str, source: &str) -> Host {
        let cat = catalogue();
        let mut warnings = Vec::new();
        let caps = Capabilities::from_entries(&input.capabilities, &mut warnings);
        let vendor = if caps.present.contains(fid::INTEL) {
            Some(Vendor::Intel)
        } else if caps.present.contains(fid::AMD) {
            Some(Vendor::Amd)
        } else {
            input.cpu_model.as_deref().and_then(vendor_from_brand)
        };
        let known_only = input.fragment.then(|| {
            let mut known = Known::default();
            for e in &input.capabilities {
                match Key::resolve(&e.key) {
                    Key::Known(id) => known.features.insert(id),
                    Key::Unknown(k) => known.unknown.push(k),
                }
            }
            known
        });
        if input.capabilities.is_empty() && !input.fragment {
            warnings
                .push("no featureCapability entries: every feature counts as absent".to_string());
        }
        let masked = (!input.masked_capabilities.is_empty()).then(|| {
            let mut ignored = Vec::new();
            Capabilities::from_entries(&input.masked_capabilities, &mut ignored)
        });
        let masked_known_only = (input.fragment && masked.is_some()).then(|| {
            let mut known = Known::default();
            for e in &input.masked_capabilities {
                match Key::resolve(&e.key) {
                    Key::Known(id) => known.features.insert(id),
                    Key::Unknown(k) => known.unknown.push(k),
                }
            }
            known
        });
        let release = input
            .product
            .as_deref()
            .and_then(crate::esxi::Release::parse);
        Host {
            name: input
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| fallback_name.to_string()),
            name_given: input.name.as_deref().is_some_and(|n| !n.trim().is_empty()),
            source: source.to_string(),
            product: input.product.clone(),
            cpu_model: input.cpu_model.clone(),
            vendor,
            caps,
            known_only,
            masked,
            masked_known_only,
            unrecorded: input
                .unrecorded
                .iter()
                .filter_map(|k| cat.lookup(k))
                .collect(),
            not_listed: input
                .not_listed
                .iter()
                .filter_map(|k| cat.lookup(k))
                .collect(),
            max_vhw: release.and_then(crate::esxi::Release::max_vhw),
            release,
            cluster_evidence: Vec::new(),
            evc_masks_complete: None,
            evc_masks: input
                .evc_masks
                .iter()
                .map(|e| (Key::resolve(&e.key), e.value))
                .collect(),
            reported_max_evc: input.reported_max_evc.clone().filter(|s| !s.is_empty()),
            reported_current_evc: input.reported_current_evc.clone().filter(|s| !s.is_empty()),
            evc_state: evc_state_shown(input),
            moref: input.moref.clone().filter(|s| !s.is_empty()),
            warnings,
        }
    }

    /// Whether the host's data is a fragment.
    pub fn is_fragment(&self) -> bool {
        self.known_only.is_some()
    }

    /// Whether a key's value is known for this host (always for full dumps).
    pub fn knows(&self, key: &Key) -> bool {
        self.known_only.as_ref().is_none_or(|k| k.knows(key))
    }
}

fn vendor_from_brand(brand: &str) -> Option<Vendor> {
    let b = brand.to_ascii_lowercase();
    if b.contains("intel") {
        Some(Vendor::Intel)
    } else if b.contains("amd") {
        Some(Vendor::Amd)
    } else {
        None
    }
}

/// One requirement of a VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmRequirement {
    /// The key, resolved against the catalogue.
    pub key: Key,
    /// The key as the input wrote it (or the canonical spelling for computed requirements).
    pub written: String,
    /// What the VM requires of the key, e.g. `Bool:Min:1`.
    pub requirement: Requirement,
}

/// A VM's requirement list, compiled for fast checks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Requirements {
    /// Known features required `Min:1` (the common case): met iff ⊆ host's present set.
    pub bool_min: FeatureSet,
    /// Everything else (Match, Min > 1, unknown keys).
    pub other: Vec<VmRequirement>,
    /// All requirements in input order, for display.
    pub all: Vec<VmRequirement>,
}

impl Requirements {
    /// Compiles a list of requirements (kept in `all` in the given order).
    pub fn from_list(list: Vec<VmRequirement>) -> Requirements {
        let mut out = Requirements::default();
        for r in &list {
            match (&r.key, r.requirement) {
                (
                    Key::Known(id),
                    Requirement {
                        op: ReqOp::Min,
                        value: 1,
                        ..
                    },
                ) => out.bool_min.insert(*id),
                _ => out.other.push(r.clone()),
            }
        }
        out.all = list;
        out
    }

    /// The requirements a VM carries after seeing `seen` at power-on: `Bool:Min:1` for every
    /// requirable feature it saw (\[D\]: real lists are exactly such entries).
    pub fn from_seen(seen: FeatureSet) -> Requirements {
        let cat = catalogue();
        let list = seen
            .intersection(cat.requirable())
            .iter()
            .map(|id| VmRequirement {
                key: Key::Known(id),
                written: cat.def(id).key.clone(),
                requirement: Requirement::BOOL_MIN_1,
            })
            .collect();
        Requirements::from_list(list)
    }

    /// Known features the VM requires to be present (any Min ≥ 1 / Match ≥ 1).
    pub fn required_features(&self) -> FeatureSet {
        let mut set = self.bool_min;
        for r in &self.other {
            if let Key::Known(id) = r.key
                && r.requirement.value >= 1
            {
                set.insert(id);
            }
        }
        set
    }
}

/// Where a VM's virtual hardware version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// Given on the command line / the page (`--vm-hw`).
    Given,
    /// Read from the input (govc `config.version`, `.vmx` `virtualHW.version`).
    Read,
    /// Assumed: a band or the host's maximum.
    #[default]
    Assumed,
}

/// A VM as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vm {
    /// The VM's name: the input's, else the fallback (file name), or "any VM powered on on …"
    /// for computed VMs.
    pub name: String,
    /// Where it came from (file name or paste label).
    pub source: String,
    /// Host the input says it runs on (a MoRef id or name), if any.
    pub host: Option<String>,
    /// `runtime.powerState` as the input reports it (`poweredOn`, …), when present.
    pub power_state: Option<String>,
    /// What the VM requires of a host: `runtime.featureRequirement`, or computed from a host.
    pub requirements: Requirements,
    /// Features the VM may require: the data cannot tell (exposure unknown, requirement role
    /// unproven, unrecorded leaves). A destination lacking one makes a move `unknown`.
    pub maybe: FeatureSet,
    /// `cpuid.*` keys outside the catalogue that the VM may have seen (its host offers them).
    pub maybe_unknown_keys: Vec<String>,
    /// For "any VM powered on on X": the part of `maybe` that is there only because X's release
    /// is not the one the requirement roles were observed on
    /// ([`crate::exposure::roles_unobserved`]; issue 20 item 4).
    pub roles_unobserved: FeatureSet,
    /// For "any VM powered on on X": X's ESXi release, when its data has one.
    pub source_release: Option<crate::esxi::Release>,
    /// Per-VM masks (`runtime.featureMask` / `featMask.vm.*`).
    pub masks: Vec<(Key, Mask)>,
    /// Features the VM's per-VM EVC masks set to `Val:1`: needed to power on and to migrate
    /// (\[C\] vSphere 6.7 docs: the per-VM EVC mode "determines the set of host CPU features that a
    /// virtual machine requires in order to power on and migrate").
    pub mask_required: FeatureSet,
    /// Per-VM EVC named without masks (a what-if): the mode's key.
    pub per_vm_what_if: Option<String>,
    /// `runtime.minRequiredEVCModeKey` as the input reports it: a cross-check only.
    pub reported_min_evc: Option<String>,
    /// Virtual hardware version and where it came from.
    pub vhw: Option<u8>,
    /// Where `vhw` came from.
    pub vhw_from: Provenance,
    /// For "any VM powered on on X": the band of vHW versions this VM stands for.
    pub vhw_band: Option<(u8, u8)>,
    /// For a band on a host whose ESXi release is not in its data: whether a VM of the band can
    /// exist on that host's CPU ([`crate::vhw::vhw_on_cpu`]: an unshown hard CPU floor makes it
    /// exist only if the CPU has the feature, a KB 82794 support statement makes it unlikely);
    /// `None` for real VMs and bands whose source release is known. A move that only a band
    /// that may not exist blocks is `unknown`, not `blocked` (issue 20, item 2).
    pub band_on_cpu: Option<crate::esxi::VhwOnCpu>,
    /// The guest OS (`config.guestId`, `.vmx` `guestOS`), when the input has it.
    pub guest_id: Option<String>,
    /// Whether the requirements were read from input (`true`) or computed from a host (`false`).
    pub from_input: bool,
    /// Computed from a fragment: only some of the VM's requirements are known.
    pub partial: bool,
    /// Remarks about the VM's data (e.g. no `featureRequirement` entries).
    pub warnings: Vec<String>,
}

impl Vm {
    /// Resolves a parsed VM. `fallback_name` names VMs whose input has no name; `source` is the
    /// input's name.
    pub fn from_input(input: &VmInput, fallback_name: &str, source: &str) -> Vm {
        let mut warnings = Vec::new();
        let mut seen: BTreeMap<Key, Requirement> = BTreeMap::new();
        let mut list = Vec::new();
        for e in &input.requirements {
            let key = Key::resolve(&e.key);
            if let Some(previous) = seen.get(&key) {
                if *previous != e.value {
                    warnings.push(format!(
                        "line {}: requirement {} is listed twice ({} and {}); both are checked",
                        e.pos.line, e.key, previous, e.value
                    ));
                } else {
                    continue;
                }
            }
            seen.insert(key.clone(), e.value);
            if e.value.ty == ReqType::Bool && e.value.value > 1 {
                warnings.push(format!(
                    "line {}: {} has a Bool requirement with value {}",
                    e.pos.line, e.key, e.value.value
                ));
            }
            list.push(VmRequirement {
                key,
                written: e.key.trim().to_string(),
                requirement: e.value,
            });
        }
        if input.requirements.is_empty() {
            warnings.push(
                "no featureRequirement entries (VM powered off, or not a runtime dump): it can move anywhere it can power on"
                    .to_string(),
            );
        }
        let masks: Vec<(Key, Mask)> = input
            .masks
            .iter()
            .map(|e| (Key::resolve(&e.key), e.value))
            .collect();
        Vm {
            name: input
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| fallback_name.to_string()),
            source: source.to_string(),
            host: input.host.clone(),
            power_state: input.power_state.clone(),
            requirements: Requirements::from_list(list),
            mask_required: mask_required(&masks),
            masks,
            reported_min_evc: input.reported_min_evc.clone().filter(|s| !s.is_empty()),
            vhw: input.vhw,
            vhw_from: if input.vhw.is_some() {
                Provenance::Read
            } else {
                Provenance::Assumed
            },
            guest_id: input.guest_id.clone(),
            from_input: true,
            partial: false,
            warnings,
            ..Vm::default()
        }
    }
}

/// The boolean features a VM's per-VM masks set to `Val:1` (or `Min:1`): the VM requires them.
/// Numeric entries (FAMILY, MODEL, STEPPING, NUMLEVELS) set what the guest sees and are not
/// requirements; keys outside the catalogue (`hv.capable`, `vt.realmode`) are not CPUID bits.
pub fn mask_required(masks: &[(Key, Mask)]) -> FeatureSet {
    let cat = catalogue();
    masks
        .iter()
        .filter_map(|(k, m)| match k {
            Key::Known(id) if !matches!(cat.def(*id).kind, Kind::Identity) => {
                let forces = match m.op {
                    MaskOp::Val | MaskOp::Min => m.value >= 1,
                    MaskOp::Max => false,
                };
                forces.then_some(*id)
            }
            _ => None,
        })
        .collect()
}

/// The features a set of masks lets through (non-identity keys with `Val`/`Max` > 0 or `Min`).
pub(crate) fn masks_expose(masks: &[(Key, Mask)]) -> FeatureSet {
    let cat = catalogue();
    masks
        .iter()
        .filter_map(|(k, m)| match k {
            Key::Known(id) if cat.def(*id).kind != Kind::Identity => {
                let lets_through = match m.op {
                    MaskOp::Val | MaskOp::Max => m.value > 0,
                    MaskOp::Min => true,
                };
                lets_through.then_some(*id)
            }
            _ => None,
        })
        .collect()
}

/// Where the exposure of a patch-era feature on a host was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ExposureSource {
    /// The host's `maskedFeatureCapability`.
    MaskedList,
    /// The host's `featMask.evc.*` / `featureCompat.evc.*` lines.
    FeatMaskLines,
    /// A VM powered on on the host requires the feature.
    VmRequirement,
    /// `--evc-exposes` (every host's masks expose exactly these patch-era features).
    Option,
    /// The cluster's `ClusterEVCManager.evcState` export.
    EvcState,
    /// No evidence: the feature's exposure is unknown.
    None,
}

/// Cluster-level evidence about one patch-era feature on one host (set by [`crate::exposure::resolve_cluster`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterEvidence {
    /// The patch-era feature.
    pub feature: FeatureId,
    /// Whether the host's EVC masks expose it to VMs.
    pub exposed: bool,
    /// Where that was read.
    pub source: ExposureSource,
    /// What proves it, in words ("app01 requires cpuid.MDCLEAR").
    pub detail: String,
}
