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
    /// How EVC treats the feature.
    pub kind: Kind,
    /// e.g. `CPUID.07H:EDX[10]`, when known.
    pub cpuid: Option<String>,
}

/// How an input's own verdict field (`maxEVCModeKey`, `minRequiredEVCModeKey`) compares with
/// evcalc's computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CrossCheck {
    /// The input's own verdict field agrees with evcalc's computation.
    Agrees,
    /// The input's own verdict field differs from evcalc's computation (or evcalc computes none).
    Differs,
    /// The input has no such field.
    NotReported,
}

/// A feature key and a value: a key outside the catalogue as written (`unknown_keys`), or an
/// identity value an EVC mode pins (`pins`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct UnknownKey {
    /// The key (as written for unknown keys, canonical for pins).
    pub key: String,
    /// The value (the host's `featureCapability` value, or the pinned value).
    pub value: u64,
}

/// What a host lacks to join one EVC mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModeBlockers {
    /// The mode's key.
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
    /// The mode's key.
    pub mode: String,
    /// Required features the input does not record.
    pub unrecorded: Vec<FeatureRef>,
    /// Baseline features the host lacks whose admission role is unproven.
    pub unproven: Vec<FeatureRef>,
    /// e.g. "if cpuid.XSAVEOPT, which the input does not record, is present".
    pub condition: String,
}

/// One host: what it is (CPU, ESXi, features) and which EVC modes it can join, computed from
/// its features.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct HostReport {
    /// The host's name (in a cluster answer's class: the class label).
    pub name: String,
    /// Whether the input named the host; `false` when `name` is a fallback (the file name, or
    /// `host N` for several unnamed hosts of one input): front ends tell unnamed hosts by this.
    pub name_given: bool,
    /// The input it came from (file name or paste label).
    pub source: String,
    /// The CPU vendor (`null` when neither `cpuid.Intel`/`cpuid.AMD` nor the brand string tells).
    pub vendor: Option<Vendor>,
    /// The CPU brand string (`summary.hardware.cpuModel`), when the input has it.
    pub cpu_model: Option<String>,
    /// The ESXi release (`product.fullName`), when the input has it.
    pub product: Option<String>,
    /// Partial input: only the listed keys are known.
    pub fragment: bool,
    /// Number of known features with a non-zero value.
    pub feature_count: usize,
    /// `cpuid.FAMILY`, when the input has it.
    pub family: Option<u64>,
    /// `cpuid.MODEL`, when the input has it.
    pub model: Option<u64>,
    /// `cpuid.STEPPING`, when the input has it.
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
    /// The input's own `currentEVCModeKey`, when it has one.
    pub reported_current_evc_mode: Option<String>,
    /// `reported_max_evc_mode` against the computed `max_evc_mode`.
    pub max_evc_cross_check: CrossCheck,
    /// Side-channel mitigation features the host reports.
    pub mitigations: Vec<FeatureRef>,
    /// Keys not in evcalc's catalogue, kept as written.
    pub unknown_keys: Vec<UnknownKey>,
    /// Remarks about the host's data and its cross-checks.
    pub warnings: Vec<String>,
}

/// One requirement of a VM, as its input lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct RequirementReport {
    /// The key as the input wrote it.
    pub key: String,
    /// The catalogue label, or the key for keys outside the catalogue.
    pub label: String,
    /// Whether the key is in evcalc's catalogue.
    pub known: bool,
    /// e.g. `Bool:Min:1`.
    pub required: String,
}

/// One per-VM mask entry (`runtime.featureMask`, `featMask.vm.*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct MaskReport {
    /// Canonical key, or the key lower-cased when it is outside the catalogue.
    pub key: String,
    /// The mask, e.g. `Val:1`.
    pub mask: String,
}

/// One VM: its CPU requirements and the lowest EVC mode that admits them, computed from the
/// requirements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct VmReport {
    /// The VM's name (the input's, else from the input's file name).
    pub name: String,
    /// The input it came from.
    pub source: String,
    /// The host the input says it runs on (a MoRef id such as `host-14`, or a name).
    pub host: Option<String>,
    /// `runtime.powerState` as the input reports it (`poweredOn`, …).
    pub power_state: Option<String>,
    /// Lowest EVC mode that admits the VM's requirements, computed.
    pub min_evc_mode: Option<String>,
    /// The input's `minRequiredEVCModeKey` (cross-check only).
    pub reported_min_evc_mode: Option<String>,
    /// `reported_min_evc_mode` against the computed `min_evc_mode`.
    pub min_evc_cross_check: CrossCheck,
    /// When the VM has per-VM EVC masks: the mode they correspond to, or `custom`.
    pub per_vm_mask_mode: Option<String>,
    /// `runtime.featureRequirement`, in input order.
    pub requirements: Vec<RequirementReport>,
    /// Per-VM masks (`runtime.featureMask`, `featMask.vm.*`), in input order.
    pub masks: Vec<MaskReport>,
    /// Remarks about the VM's data and its cross-checks.
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
    /// The destination's `grep -i` for it printed nothing, on an ESXi release whose lists show
    /// only the features a host has (\[D\] the one real ESXi 8.0 U1 host): read as raw and
    /// masked 0. The answer rests on that empty grep and on that release's listing style.
    NotListed,
}

/// A destination's running ESXi build that already contains the patch for a feature its CPU
/// does not report (`core/data/mds-patched-builds.tsv`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct PatchedBuild {
    /// The release the host runs ("ESXi 6.7").
    pub release: String,
    /// The host's build number, when its data has one.
    pub build: Option<u64>,
    /// The first build of that release with the patch (`None`: every build of the release).
    pub first_patched_build: Option<u64>,
    /// The advisory that lists the builds ("VMSA-2019-0008").
    pub advisory: String,
    /// Evidence tag of the build row (\[C\] from the advisory's table, \[I\] inferred).
    pub evidence: String,
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
    /// Canonical key (`cpuid.MDCLEAR`), the key lower-cased when it is outside the catalogue, or
    /// `vmx-N`.
    pub canonical_key: String,
    /// The catalogue label, or the key for keys outside the catalogue.
    pub label: String,
    /// How EVC treats the feature (`null` for keys outside the catalogue).
    pub kind: Option<Kind>,
    /// Where the feature's bit lives, e.g. `CPUID.07H:EDX[10]`, when known.
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
    /// Set when the destination lacks a patch-era feature on its CPU (raw 0) although its
    /// running ESXi build already contains the patch that brings it (issue 20 item 10): the
    /// host has booted that build, so the microcode (BIOS/firmware), not ESXi, is what is missing.
    pub patched_build: Option<PatchedBuild>,
    /// Name of the remedy rule for this feature (`mds`, `bios-aes`, `generation`, …): the rules
    /// are listed once in `remedy_rules` (page) and `core/data/remedies.txt`.
    pub remedy: Option<&'static str>,
}

/// One remedy rule of `core/data/remedies.txt`, as listed for front ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct RemedyRule {
    /// The rule's section name (`mds`, `evc-masks`, `generation`, …).
    pub name: String,
    /// Why a host of the right generation can lack the feature.
    pub cause: String,
    /// What to do; `{hosts}` and `{features}` are placeholders.
    pub action: String,
    /// How to check the fix worked (a command); placeholders as in `action`.
    pub verify: String,
    /// The sources behind the rule (KBs, documents).
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
    /// The host's name.
    pub host: String,
    /// The EVC mode's key.
    pub mode: String,
    /// `true` admitted, `false` not admitted; `null` when the host's data is a fragment or the
    /// admission is uncertain (`verdict`).
    pub admitted: Option<bool>,
    /// The outcome: admitted, not admitted, uncertain or unknown.
    pub verdict: AdmissionVerdict,
    /// Admission features the host certainly lacks.
    pub missing: Vec<FeatureRef>,
    /// Baseline features the host lacks whose admission role is unproven (verdict `uncertain`).
    pub unproven: Vec<FeatureRef>,
    /// Admission features the host's input does not record (verdict `uncertain`).
    pub unrecorded: Vec<FeatureRef>,
    /// The host's CPU vendor is not the mode's: never admitted.
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
    /// The host can join the mode: its vendor's, with every feature the mode requires.
    Admitted,
    /// The host lacks a feature the mode (or the cluster's baseline) requires, or its CPU vendor
    /// is not the mode's.
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
    /// What is not proven: a requirement's key, "N features", an EVC mode key (admission), or
    /// `vmx-N`.
    pub key: String,
    /// Why, in words.
    pub why: String,
    /// The feature keys this item covers (one, or several for "12 features not shown").
    pub features: Vec<String>,
}

/// One requirement as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct CheckedRequirement {
    /// The key as the VM's input wrote it (or the canonical key, for a per-VM mask's requirement).
    pub key: String,
    /// e.g. `Bool:Min:1`.
    pub required: String,
}

/// One host's value of a feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct HostValue {
    /// The host's name.
    pub host: String,
    /// Its raw `featureCapability` value.
    pub value: u64,
}

/// A feature on which hosts disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Drift {
    /// Canonical key, or the key as written for keys outside the catalogue.
    pub key: String,
    /// The catalogue label, or the key for keys outside the catalogue.
    pub label: String,
    /// `null` for keys not in the catalogue.
    pub kind: Option<Kind>,
    /// Hosts whose raw `featureCapability` value is not 0.
    pub hosts_with: Vec<String>,
    /// Hosts whose raw value is 0 (hosts whose data does not show the key are in neither list).
    pub hosts_without: Vec<String>,
    /// Hosts whose CPU has it (in `hosts_with`) but whose EVC masks hide it from VMs under the
    /// EVC setting: they do not offer it either.
    pub hosts_hidden: Vec<String>,
    /// Per host whose data shows it: its raw value.
    pub values: Vec<HostValue>,
    /// Every host that shows it has it, with different values (no host lacks it).
    pub numbers_differ: bool,
    /// e.g. "only 1 of 4 hosts: esxi01".
    pub summary: String,
    /// Whether VMs see the feature under the EVC setting (so it can block vMotion).
    pub blocks_vmotion: bool,
}

/// Can a VM powered on on one host move to another? (A host-level matrix cell.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct MatrixCell {
    /// The destination host's name.
    pub to: String,
    /// `verdict == "compatible"`.
    pub compatible: bool,
    /// compatible, blocked or unknown (the worst over the VMs checked).
    pub verdict: Verdict,
    /// The requirements the destination does not meet.
    pub missing: Vec<Missing>,
    /// The destination cannot be admitted to the cluster's EVC mode.
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
    /// The lowest virtual hardware version of the band.
    pub vhw_from: u8,
    /// The highest virtual hardware version of the band.
    pub vhw_to: u8,
    /// The answer for VMs of the band.
    pub verdict: Verdict,
    /// Blocking feature keys.
    pub missing: Vec<String>,
}

/// What a remedy acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum RemedyScope {
    /// Hosts: microcode, BIOS or ESXi updates, or reading their data.
    Hosts,
    /// VMs: power cycles, per-VM EVC.
    Vms,
    /// The cluster: its EVC mode (re-applied, lowered or enabled), or where its VMs are kept.
    Cluster,
}

/// One way out, ranked by disruption (1 = least).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Remedy {
    /// Its place in the order, from 1 (the first to try).
    pub rank: u32,
    /// What it acts on.
    pub scope: RemedyScope,
    /// What to do, with the hosts, features and mode filled in.
    pub action: String,
    /// Why it helps: why the feature is missing.
    pub why: String,
    /// What it costs in words (downtime, reboots, none).
    pub disruption: String,
    /// How to check it worked (a command), when the rule has one.
    pub verify: Option<String>,
    /// The sources behind it (KBs, documents), when the rule has them.
    pub reference: Option<String>,
    /// Evidence tag(s) of the advice.
    pub evidence: String,
    /// The feature keys it fixes.
    pub features: Vec<String>,
    /// The hosts it acts on.
    pub hosts: Vec<String>,
    /// The VMs it acts on.
    pub vms: Vec<String>,
    /// The remedy rule of `core/data/remedies.txt` this comes from (`null`: computed VM-side).
    pub rule: Option<String>,
}

/// An EVC mode, as listed by `evcalc modes`: what it exposes and what a host must have to join,
/// kept apart, each with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModeReport {
    /// The mode's key (`intel-haswell`).
    pub key: String,
    /// The mode's vSphere label.
    pub label: String,
    /// The CPU vendor whose hosts the mode is for.
    pub vendor: Vendor,
    /// Position in the vendor's list (`vendorTier`-like); higher = newer.
    pub tier: u32,
    /// Track names (AMD: `a`, `b`); empty for Intel.
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
    /// Identity values the mode's mask pins (FAMILY, MODEL, …).
    pub pins: Vec<UnknownKey>,
    /// Where the catalogue came from: `built-in` or the SupportedEVCMode export used.
    pub source: String,
}

/// A feature of an EVC mode and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct FeatureEvidence {
    /// Canonical key, e.g. `cpuid.AVX2`.
    pub key: String,
    /// The catalogue label.
    pub label: String,
    /// The mode whose section added the feature (empty when no evidence is recorded).
    pub introduced_by: String,
    /// `C`, `D`, `I`, `R` or `Export`.
    pub evidence: crate::evc::Tag,
    /// The evidence in words (empty when none is recorded).
    pub note: String,
}

impl ModeReport {
    /// The report of `mode`; `source` names the catalogue it came from.
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
    /// Power each VM off and start it elsewhere (a cold migration): VM downtime, hosts unchanged.
    VmDowntime,
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
            Disruption::VmDowntime => {
                "VM downtime: each VM powered off and migrated cold (no host change)"
            }
            Disruption::None => {
                "VM power cycles (lowering EVC affects VMs at their next power cycle)"
            }
        }
    }
}
