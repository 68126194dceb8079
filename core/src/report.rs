//! The report types: the one JSON schema shared by the CLI (`--json`) and the web page.
//! Documented in `docs/json.md`; field names there and here must agree (a test checks the
//! examples in that document parse into these shapes).

use crate::catalogue::Kind;
use crate::evc::Vendor;
use serde::Serialize;

/// A catalogue feature, as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[serde(rename_all = "kebab-case")]
pub enum CrossCheck {
    /// The input's own verdict field agrees with evcalc's computation.
    Agrees,
    Differs,
    NotReported,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownKey {
    pub key: String,
    pub value: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModeBlockers {
    pub mode: String,
    pub missing: Vec<FeatureRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// Highest EVC mode the host can join, computed from its features.
    pub max_evc_mode: Option<String>,
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
pub struct RequirementReport {
    pub key: String,
    pub label: String,
    /// Whether the key is in evcalc's catalogue.
    pub known: bool,
    /// e.g. `Bool:Min:1`.
    pub required: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskReport {
    pub key: String,
    pub mask: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// One requirement a destination does not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// As the VM's input wrote it.
    pub key: String,
    pub canonical_key: String,
    pub label: String,
    pub kind: Option<Kind>,
    pub cpuid: Option<String>,
    /// e.g. `Bool:Min:1`.
    pub required: String,
    /// The destination's raw capability value (0 when the key is missing).
    pub available: u64,
    /// Name of the remedy rule for this feature (`mds`, `bios-aes`, `generation`, …): the rules
    /// are listed once in `remedy_rules` (page) and `core/data/remedies.txt`.
    pub remedy: Option<&'static str>,
}

/// One remedy rule of `core/data/remedies.txt`, as listed for front ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub disruption: crate::remedy::Disruption,
    /// The same in words, as in `Remedy.disruption`.
    pub disruption_text: &'static str,
}

impl RemedyRule {
    pub fn all() -> Vec<RemedyRule> {
        crate::remedy::rules()
            .iter()
            .map(|r| RemedyRule {
                name: r.name.clone(),
                cause: r.cause.clone(),
                action: r.action.clone(),
                verify: r.verify.clone(),
                reference: r.reference.clone(),
                evidence: r.tag.clone(),
                disruption: r.disruption,
                disruption_text: r.disruption.describe(),
            })
            .collect()
    }
}

/// Can a host be admitted to an EVC mode?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Admission {
    pub host: String,
    pub mode: String,
    /// `null` when the host's data is a fragment.
    pub admitted: Option<bool>,
    pub missing: Vec<FeatureRef>,
    pub vendor_mismatch: bool,
}

/// The outcome of a vMotion check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub vm: String,
    pub to: String,
    pub evc_mode: Option<String>,
    /// `verdict == "compatible"`.
    pub compatible: bool,
    pub verdict: Verdict,
    pub missing: Vec<Missing>,
    /// Whether the destination can be admitted to the cluster's EVC mode at all.
    pub admission: Option<Admission>,
    /// Requirements the destination's (fragmentary) data does not show.
    pub unknown_on_destination: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostValue {
    pub host: String,
    pub value: u64,
}

/// A feature on which hosts disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    pub key: String,
    pub label: String,
    /// `null` for keys not in the catalogue.
    pub kind: Option<Kind>,
    pub hosts_with: Vec<String>,
    pub hosts_without: Vec<String>,
    pub values: Vec<HostValue>,
    /// e.g. "only 1 of 4 hosts: esxi01".
    pub summary: String,
    /// Whether VMs see the feature under the EVC setting (so it can block vMotion).
    pub blocks_vmotion: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixCell {
    pub to: String,
    /// `verdict == "compatible"`.
    pub compatible: bool,
    pub verdict: Verdict,
    pub missing: Vec<Missing>,
    pub destination_not_admitted: bool,
}

/// "A VM powered on on `from` can move to each column host?"
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixRow {
    pub from: String,
    pub cells: Vec<MatrixCell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterReport {
    pub hosts: Vec<HostReport>,
    pub max_common_evc_mode: Option<String>,
    /// The EVC mode the matrix was computed for (`null` = EVC disabled).
    pub evc_mode: Option<String>,
    pub per_vm_evc_mode: Option<String>,
    pub admissions: Vec<Admission>,
    pub drift: Vec<Drift>,
    pub matrix: Vec<MatrixRow>,
    /// Why `matrix` is empty although there are hosts (more than
    /// [`crate::check::MAX_MATRIX_HOSTS`]: the matrix grows with the square of the hosts).
    pub matrix_omitted: Option<String>,
    /// `built-in` or the SupportedEVCMode export used.
    pub modes_source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmPlan {
    /// The VM, or for a group "app01 and 156 other VMs with the same CPU requirements".
    pub vm: String,
    /// Every VM this plan covers: VMs with identical requirements share one plan (a cluster's
    /// VMs mostly fall into a few such groups, which keeps fleet-scale plans small).
    pub vms: Vec<String>,
    /// `input` or how the requirements were computed.
    pub requirements_from: String,
    pub can_move: bool,
    pub destinations: Vec<CheckReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemedyScope {
    Hosts,
    Vms,
    Cluster,
}

/// One way out, ranked by disruption (1 = least).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaintenanceReport {
    pub host: String,
    pub evc_mode: Option<String>,
    pub per_vm_evc_mode: Option<String>,
    pub evacuable: bool,
    /// One sentence, e.g. "esxi01 cannot be evacuated: 0 of 3 destinations possible …".
    pub verdict: String,
    pub vms: Vec<VmPlan>,
    pub remedies: Vec<Remedy>,
}

/// An EVC mode, as listed by `evcalc modes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModeReport {
    pub key: String,
    pub label: String,
    pub vendor: Vendor,
    pub tier: u32,
    pub tracks: Vec<String>,
    /// Features a host must have to join.
    pub required: Vec<FeatureEvidence>,
    /// Features passed through where the host has them (side-channel mitigations, TSX).
    pub pass_through: Vec<FeatureEvidence>,
    pub pins: Vec<UnknownKey>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
        let ev = |id| {
            let def = cat.def(id);
            let e = mode.evidence_for(id);
            FeatureEvidence {
                key: def.key.clone(),
                label: def.label.clone(),
                introduced_by: e.map(|e| e.introduced_by.clone()).unwrap_or_default(),
                evidence: e.map(|e| e.tag).unwrap_or(crate::evc::Tag::I),
                note: e.map(|e| e.note.clone()).unwrap_or_default(),
            }
        };
        ModeReport {
            key: mode.key.clone(),
            label: mode.label.clone(),
            vendor: mode.vendor,
            tier: mode.tier,
            tracks: mode.tracks.clone(),
            required: mode.required.iter().map(ev).collect(),
            pass_through: mode
                .exposed
                .difference(mode.required)
                .iter()
                .map(ev)
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
