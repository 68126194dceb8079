//! The report types: the one JSON schema shared by the CLI (`--json`) and the web page.
//! Documented in `docs/json.md`; field names there and here must agree (a test checks the
//! examples in that document parse into these shapes).

use crate::catalogue::Kind;
use crate::evc::Vendor;
use serde::Serialize;

/// A catalogue feature, as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct FeatureRef {
    /// Canonical key, e.g. `cpuid.MDCLEAR`.
    pub key: String,
    /// e.g. "Microarchitectural Data clear".
    pub label: String,
    pub kind: Kind,
    /// e.g. `CPUID.07H:EDX[10]`, when known.
    pub cpuid: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CrossCheck {
    /// The input's own verdict field agrees with evcalc's computation.
    Agrees,
    Differs,
    NotReported,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct UnknownKey {
    pub key: String,
    pub value: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModeBlockers {
    pub mode: String,
    /// Admission features the host certainly lacks.
    pub missing: Vec<FeatureRef>,
    /// Baseline features the host lacks whose admission role is unproven.
    pub unproven: Vec<FeatureRef>,
    /// Admission features the input does not record (unknown, not absent).
    pub unrecorded: Vec<FeatureRef>,
}

/// A mode above `max_evc_mode` that the host may join: nothing certainly blocks it, but the
/// input does not record some of its features, or the host lacks features whose admission role
/// is unproven.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct UncertainMode {
    pub mode: String,
    /// Required features the input does not record.
    pub unrecorded: Vec<FeatureRef>,
    /// Baseline features the host lacks whose admission role is unproven.
    pub unproven: Vec<FeatureRef>,
    /// e.g. "if cpuid.XSAVEOPT, which the input does not record, is present".
    pub condition: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct HostReport {
    pub name: String,
    pub source: String,
    pub vendor: Option<Vendor>,
    pub cpu_model: Option<String>,
    pub product: Option<String>,
    /// Partial input: only the listed keys are known.
    pub fragment: bool,
    /// Number of known features with a non-zero value.
    pub feature_count: usize,
    pub family: Option<u64>,
    pub model: Option<u64>,
    pub stepping: Option<u64>,
    /// Highest EVC mode the host can certainly join, computed from its features.
    pub max_evc_mode: Option<String>,
    /// The highest mode the host may join when every unrecorded feature is present and features
    /// whose admission role is unproven are not needed; equal to `max_evc_mode` when nothing is uncertain.
    pub max_evc_mode_possible: Option<String>,
    /// Modes above `max_evc_mode` the host may join, lowest first, each with its condition.
    pub uncertain_modes: Vec<UncertainMode>,
    /// One line: "intel-sandybridge; intel-ivybridge if cpuid.XSAVEOPT, which the input does not record, is present".
    pub max_evc_summary: String,
    /// Known features whose value the input does not record.
    pub unrecorded: Vec<FeatureRef>,
    /// Every mode the host can join (modes are not one chain).
    pub supported_evc_modes: Vec<String>,
    /// The next mode(s) above `max_evc_mode` and the features the host lacks for them.
    pub next_mode_blockers: Vec<ModeBlockers>,
    /// The input's own `maxEVCModeKey` (cross-check only).
    pub reported_max_evc_mode: Option<String>,
    pub reported_current_evc_mode: Option<String>,
    pub max_evc_cross_check: CrossCheck,
    /// Side-channel mitigation features the host reports.
    pub mitigations: Vec<FeatureRef>,
    /// Keys not in evcalc's catalogue, kept as written.
    pub unknown_keys: Vec<UnknownKey>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct RequirementReport {
    pub key: String,
    pub label: String,
    /// Whether the key is in evcalc's catalogue.
    pub known: bool,
    /// e.g. `Bool:Min:1`.
    pub required: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct MaskReport {
    pub key: String,
    pub mask: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct VmReport {
    pub name: String,
    pub source: String,
    pub host: Option<String>,
    pub power_state: Option<String>,
    /// Lowest EVC mode that admits the VM's requirements, computed.
    pub min_evc_mode: Option<String>,
    /// The input's `minRequiredEVCModeKey` (cross-check only).
    pub reported_min_evc_mode: Option<String>,
    pub min_evc_cross_check: CrossCheck,
    /// When the VM has per-VM EVC masks: the mode they correspond to, or `custom`.
    pub per_vm_mask_mode: Option<String>,
    pub requirements: Vec<RequirementReport>,
    pub masks: Vec<MaskReport>,
    pub warnings: Vec<String>,
}

/// Why a destination does not offer a required feature: a typed fact the engine establishes
/// once; every sentence about it (`why`) and the remedy rule (`remedy`) are derived from it, so
/// no command describes a host with raw 1 / masked 0 as lacking the feature (issue 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Absence {
    /// The destination's CPU does not report it (raw `featureCapability` 0, or below the
    /// required value): for a patch-era feature, mechanism A (microcode not active); otherwise
    /// a BIOS switch or the CPU generation (the remedy rule says which).
    NotOnCpu,
    /// The CPU reports it but the host's own EVC masks hide it (raw 1, `maskedFeatureCapability`
    /// 0): for a patch-era feature, mechanism B (stale masks).
    MasksHide,
    /// The CPU reports it but the cluster's EVC mode hides it (evcalc's baseline of the mode or
    /// the host's `featMask.evc` lines): the VM saw it outside this mode.
    ModeHides,
    /// The destination's data shows the EVC-effective value only (one `grep` block): whether
    /// the CPU lacks it or the masks hide it is not shown.
    RawNotShown,
    /// Only the VM's per-VM EVC mask requires it (`featMask.vm.*`): the VM cannot power on or
    /// resume there.
    PerVmMask,
}

/// A VM's virtual hardware version above what the destination's ESXi runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct VhwTooNew {
    /// The VM's virtual hardware version.
    pub vm_hw: u8,
    /// The highest version the destination's ESXi runs.
    pub destination_max: u8,
    /// The first ESXi release that runs `vm_hw` (e.g. "ESXi 7.0 U2").
    pub needs_release: String,
}

/// One requirement a destination does not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Missing {
    /// As the VM's input wrote it.
    pub key: String,
    pub canonical_key: String,
    pub label: String,
    pub kind: Option<Kind>,
    pub cpuid: Option<String>,
    /// e.g. `Bool:Min:1`.
    pub required: String,
    /// The destination's EVC-effective value (0 when the key is missing): what the move is
    /// checked against (`maskedFeatureCapability` in an EVC cluster, raw without EVC).
    pub available: u64,
    /// The destination's raw `featureCapability` value, when its data shows it.
    pub raw_available: Option<u64>,
    /// Why the destination does not offer it: the typed fact (`why` says it in words).
    pub absence: Option<Absence>,
    /// Why the destination does not offer it, in words (written from `absence`).
    pub why: Option<String>,
    /// Set when the blocker is the VM's virtual hardware version, which the destination's ESXi
    /// does not run (`key` is then `vmx-N`).
    pub vhw_too_new: Option<VhwTooNew>,
    /// Name of the remedy rule for this feature (`mds`, `bios-aes`, `generation`, …): the rules
    /// are listed once in `remedy_rules` (page) and `core/data/remedies.txt`.
    pub remedy: Option<&'static str>,
}

/// One remedy rule of `core/data/remedies.txt`, as listed for front ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct RemedyRule {
    pub name: String,
    /// Why a host of the right generation can lack the feature.
    pub cause: String,
    /// What to do; `{hosts}` and `{features}` are placeholders.
    pub action: String,
    pub verify: String,
    pub reference: String,
    /// Evidence tag(s).
    pub evidence: String,
    /// `host-power-cycle`, `host-bios` or `none`.
    pub disruption: Disruption,
    /// The same in words, as in `Remedy.disruption`.
    pub disruption_text: &'static str,
}

/// Can a host be admitted to an EVC mode?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Admission {
    pub host: String,
    pub mode: String,
    /// `true` admitted, `false` not admitted; `null` when the host's data is a fragment or the
    /// admission is uncertain (`verdict`).
    pub admitted: Option<bool>,
    pub verdict: AdmissionVerdict,
    /// Admission features the host certainly lacks.
    pub missing: Vec<FeatureRef>,
    /// Baseline features the host lacks whose admission role is unproven (verdict `uncertain`).
    pub unproven: Vec<FeatureRef>,
    /// Admission features the host's input does not record (verdict `uncertain`).
    pub unrecorded: Vec<FeatureRef>,
    pub vendor_mismatch: bool,
    /// Patch-era features the cluster's baseline exposes (a member's evidence shows it) that the
    /// host lacks: not admitted (KB 52085/68024); also listed in `missing`.
    pub baseline_exposes: Vec<FeatureRef>,
    /// Why the verdict is `uncertain` or `unknown`.
    pub reason: Option<String>,
}

/// The outcome of an admission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum AdmissionVerdict {
    Admitted,
    NotAdmitted,
    /// Nothing certainly blocks it, but the input does not record a required feature, or the
    /// host lacks features whose admission role is unproven.
    Uncertain,
    /// The host's data is a fragment.
    Unknown,
}

/// The outcome of a vMotion check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every requirement was checked and is met; the destination is admitted to the EVC mode.
    Compatible,
    /// A checked requirement is not met, or the destination cannot join the EVC mode.
    Blocked,
    /// Nothing checked blocks the move, but fragments (e.g. `grep` output) left requirements
    /// or the destination's admission unchecked.
    Unknown,
}

/// Something that keeps a move from being proven.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct UnknownItem {
    pub key: String,
    pub why: String,
    /// The feature keys this item covers (one, or several for "12 features not shown").
    pub features: Vec<String>,
}

/// One requirement as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct CheckedRequirement {
    pub key: String,
    pub required: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct HostValue {
    pub host: String,
    pub value: u64,
}

/// A feature on which hosts disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Drift {
    pub key: String,
    pub label: String,
    /// `null` for keys not in the catalogue.
    pub kind: Option<Kind>,
    pub hosts_with: Vec<String>,
    pub hosts_without: Vec<String>,
    /// Hosts whose CPU has it (in `hosts_with`) but whose EVC masks hide it from VMs under the
    /// EVC setting: they do not offer it either.
    pub hosts_hidden: Vec<String>,
    pub values: Vec<HostValue>,
    /// Every host that shows it has it, with different values (no host lacks it).
    pub numbers_differ: bool,
    /// e.g. "only 1 of 4 hosts: esxi01".
    pub summary: String,
    /// Whether VMs see the feature under the EVC setting (so it can block vMotion).
    pub blocks_vmotion: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct MatrixCell {
    pub to: String,
    /// `verdict == "compatible"`.
    pub compatible: bool,
    pub verdict: Verdict,
    pub missing: Vec<Missing>,
    pub destination_not_admitted: bool,
    /// What keeps an unproven move from being judged.
    pub unknown: Vec<UnknownItem>,
    /// Per band of virtual hardware versions, when the answer differs between bands.
    pub bands: Vec<BandCell>,
}

/// The answer for VMs of one band of virtual hardware versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct BandCell {
    pub vhw_from: u8,
    pub vhw_to: u8,
    pub verdict: Verdict,
    /// Blocking feature keys.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum RemedyScope {
    Hosts,
    Vms,
    Cluster,
}

/// One way out, ranked by disruption (1 = least).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Remedy {
    pub rank: u32,
    pub scope: RemedyScope,
    pub action: String,
    pub why: String,
    pub disruption: String,
    pub verify: Option<String>,
    pub reference: Option<String>,
    /// Evidence tag(s) of the advice.
    pub evidence: String,
    pub features: Vec<String>,
    pub hosts: Vec<String>,
    pub vms: Vec<String>,
    /// The remedy rule of `core/data/remedies.txt` this comes from (`null`: computed VM-side).
    pub rule: Option<String>,
}

/// An EVC mode, as listed by `evcalc modes`: what it exposes and what a host must have to join,
/// kept apart, each with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModeReport {
    pub key: String,
    pub label: String,
    pub vendor: Vendor,
    pub tier: u32,
    pub tracks: Vec<String>,
    /// Admission: features a host must have to join, with the evidence that it must.
    pub required: Vec<FeatureEvidence>,
    /// Baseline features a host may lack without a proven refusal (a host lacking only these is
    /// "uncertain" for the mode), with why.
    pub admission_unproven: Vec<FeatureEvidence>,
    /// Everything the mode's mask lets VMs see (where the host has it), with the evidence that it does.
    pub exposes: Vec<FeatureEvidence>,
    /// Features passed through where the host has them, never required to join (patch-era
    /// features, TSX, AMD hints): a subset of `exposes`.
    pub pass_through: Vec<FeatureEvidence>,
    /// Patch-era features (IBRS/IBPB/STIBP, SSBD, MDCLEAR, FCMD) the mode can expose; whether a
    /// cluster does depends on its hosts.
    pub patch_era: Vec<String>,
    pub pins: Vec<UnknownKey>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct FeatureEvidence {
    pub key: String,
    pub label: String,
    pub introduced_by: String,
    /// `C`, `D`, `I`, `R` or `Export`.
    pub evidence: crate::evc::Tag,
    pub note: String,
}

impl ModeReport {
    pub fn new(mode: &crate::evc::EvcMode, source: &str) -> ModeReport {
        let cat = crate::catalogue::catalogue();
        let ev = |id, e: Option<&crate::evc::Evidence>| {
            let def = cat.def(id);
            FeatureEvidence {
                key: def.key.clone(),
                label: def.label.clone(),
                introduced_by: e.map(|e| e.introduced_by.clone()).unwrap_or_default(),
                evidence: e.map(|e| e.tag).unwrap_or(crate::evc::Tag::I),
                note: e.map(|e| e.note.clone()).unwrap_or_default(),
            }
        };
        let exposure = |id| ev(id, mode.evidence_for(id));
        let admission = |id| ev(id, mode.admission_evidence_for(id));
        let pass_through = mode
            .exposed
            .iter()
            .filter(|id| {
                mode.patch_era.contains(*id)
                    || mode.evidence_for(*id).is_some_and(|e| e.pass_through)
            })
            .map(exposure)
            .collect();
        ModeReport {
            key: mode.key.clone(),
            label: mode.label.clone(),
            vendor: mode.vendor,
            tier: mode.tier,
            tracks: mode.tracks.clone(),
            required: mode.required.iter().map(admission).collect(),
            admission_unproven: mode.admission_unproven.iter().map(admission).collect(),
            exposes: mode.exposed.iter().map(exposure).collect(),
            pass_through,
            patch_era: mode
                .patch_era
                .iter()
                .map(|id| cat.def(id).key.clone())
                .collect(),
            pins: mode
                .pins
                .iter()
                .map(|(id, v)| UnknownKey {
                    key: cat.def(*id).key.clone(),
                    value: *v,
                })
                .collect(),
            source: source.to_string(),
        }
    }
}

/// How disruptive a host-side fix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Disruption {
    /// Power-cycle hosts (rolling, through maintenance mode): no VM downtime.
    HostPowerCycle,
    /// Reboot hosts (rolling, through maintenance mode) after a BIOS/firmware or ESXi update.
    HostReboot,
    /// Change a BIOS setting (host reboot, rolling).
    HostBios,
    /// Disable and re-enable the cluster's EVC mode: no reboot, no VM downtime.
    ClusterReconfigure,
    /// Nothing can be done on the host.
    None,
}

impl Disruption {
    /// How the fix affects running VMs, in words (reports and the page use this one text).
    pub fn describe(self) -> &'static str {
        match self {
            Disruption::HostPowerCycle => "rolling host power cycle (VMs stay up)",
            Disruption::HostReboot => "rolling host reboot through maintenance mode (VMs stay up)",
            Disruption::HostBios => "rolling host reboot with a BIOS change (VMs stay up)",
            Disruption::ClusterReconfigure => {
                "cluster EVC reconfiguration: no host reboot, no VM downtime (power on no VMs meanwhile)"
            }
            Disruption::None => {
                "VM power cycles (lowering EVC affects VMs at their next power cycle)"
            }
        }
    }
}
