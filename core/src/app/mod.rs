//! The application layer: one typed request, one answer per question, the same for the CLI's
//! `--json` and the web page (contract v2, `"schema": 2`, documented in `docs/json.md`, JSON
//! Schema in `docs/schema/`, TypeScript declarations in `www/contract.d.ts`).
//!
//! Every rule about a request lives here once: how the cluster's EVC mode is chosen (`none` /
//! `off` / `disabled`, key, short name or vSphere label), that a per-VM mode above the cluster's
//! is refused, which VMs a maintenance plan covers (the VMs loaded for the host, else "any VM
//! powered on there" per band of virtual hardware versions).
//!
//! Answers are computed over **host classes** ([`crate::classes`]): hosts whose engine-relevant
//! inputs are identical get one row and one column of the matrix, one drift entry, one
//! maintenance plan. Cost is O(hosts + classes²). Features, blockers and unknowns are interned
//! tables referenced by index; [`ClusterAnswer::host_cell`] derives the host-level view.

use crate::classes::HostClasses;
use crate::evc::EvcMode;
use crate::evc::EvcSetting;
use crate::exposure::PatchFinding;
use crate::headline::Headline;
use crate::model::{Host, Vm};
use crate::report::{
    Admission, CrossCheck, FeatureRef, HostReport, MatrixCell, Missing, Remedy, RemedyRule,
    UnknownItem, Verdict, VmReport,
};
use crate::session::{self, ChosenEvc, EvcChoice, InputError, InputSummary, ModeOption};
use serde::Serialize;

pub use crate::session::{OwnedSource, Request};

pub mod check;
pub mod fleet;
pub mod host;
pub mod inventory;
pub mod maintenance;
pub mod modes;
pub mod plan;
pub mod vm;
pub mod vmotion_error;
pub mod workspace;

/// The contract's version: `"schema": 2` in every answer.
pub const SCHEMA: u32 = 2;

/// A request's option, as the contract names it; each front end names it its own way (the CLI
/// `--vm-evc`, the page "Per-VM EVC mode"). Core messages never name a front end's flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Opt {
    /// The request as a whole.
    Request,
    /// Its inputs.
    Inputs,
    /// The cluster's EVC mode.
    Evc,
    /// A per-VM EVC mode (what-if).
    PerVmEvc,
    /// The virtual hardware version of "any VM".
    VmHw,
    /// The patch-era features the cluster's masks expose.
    EvcExposes,
    /// The features the question is limited to.
    Only,
    /// Host renames.
    Rename,
    /// Host removals (cluster) or hosts removed in a plan.
    Remove,
    /// The hosts to plan maintenance for.
    Maintenance,
    /// Which hosts to show.
    Hosts,
    /// The host to evacuate.
    Host,
    /// The VMs on it.
    Vms,
    /// The VM to check.
    Vm,
    /// The source host of a move.
    From,
    /// The destination host of a move.
    To,
    /// The destination's (or the new) EVC mode.
    ToEvc,
    /// The other cluster VMs move into.
    Into,
    /// Hosts to add.
    Add,
    /// Capability overrides.
    Set,
    /// An EVC mode to list.
    Mode,
    /// A cluster of a bundle.
    Cluster,
}

impl Opt {
    /// The contract's name of the option (`per_vm_evc`), as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Opt::Request => "request",
            Opt::Inputs => "inputs",
            Opt::Evc => "evc",
            Opt::PerVmEvc => "per_vm_evc",
            Opt::VmHw => "vm_hw",
            Opt::EvcExposes => "evc_exposes",
            Opt::Only => "only",
            Opt::Rename => "rename",
            Opt::Remove => "remove",
            Opt::Maintenance => "maintenance",
            Opt::Hosts => "hosts",
            Opt::Host => "host",
            Opt::Vms => "vms",
            Opt::Vm => "vm",
            Opt::From => "from",
            Opt::To => "to",
            Opt::ToEvc => "to_evc",
            Opt::Into => "into",
            Opt::Add => "add",
            Opt::Set => "set",
            Opt::Mode => "mode",
            Opt::Cluster => "cluster",
        }
    }
}

/// A problem with a request's options (not with its inputs: those are [`InputError`]s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[error("{}: {message}", option.as_str())]
pub struct OptionError {
    /// The option the problem is with (typed: front ends name it their own way).
    pub option: Opt,
    /// What is wrong, without naming a front end's flag.
    pub message: String,
}

pub(crate) fn option_error(option: Opt, message: impl Into<String>) -> OptionError {
    OptionError {
        option,
        message: message.into(),
    }
}

/// Which question an answer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    /// `cluster`: can VMs move between these hosts?
    Cluster,
    /// `host`: what are these hosts, and which EVC modes can they join?
    Host,
    /// `vm`: what do these VMs require, and which EVC modes admit them?
    Vm,
    /// `check`: can this VM move to that host?
    Check,
    /// `maintenance`: can this host be evacuated?
    Maintenance,
    /// `plan`: what if hosts are added or removed, the EVC mode changes, or VMs move to another
    /// cluster?
    Plan,
    /// `modes`: which EVC modes are there, and what does each expose and require?
    Modes,
    /// Mode-level answer from RVTools tabs (`app::inventory`).
    Inventory,
    /// A vCenter error text explained (`app::vmotion_error`).
    VmotionError,
}

/// One reason a command could not answer at all (exit 2): an input that could not be read
/// (`source`, `line`, `col` name where), or a usage error (no file involved: those are `null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ErrorItem {
    /// The input's name, when a file is involved.
    pub source: Option<String>,
    /// 1-based line and column in that input, when a file is involved.
    pub line: Option<u32>,
    /// 1-based column in that input, when a file is involved.
    pub col: Option<u32>,
    /// What went wrong.
    pub message: String,
}

impl From<&InputError> for ErrorItem {
    fn from(e: &InputError) -> ErrorItem {
        ErrorItem {
            source: Some(e.source.clone()),
            line: Some(e.line),
            col: Some(e.col),
            message: e.message.clone(),
        }
    }
}

impl ErrorItem {
    /// A usage error: no file involved.
    pub fn usage(message: impl Into<String>) -> ErrorItem {
        ErrorItem {
            source: None,
            line: None,
            col: None,
            message: message.into(),
        }
    }
}

/// The answer of a command that could not answer (exit 2): what went wrong, nothing computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ErrorAnswer {
    /// Always 2.
    pub schema: u32,
    /// The question asked, when the command line got that far.
    pub question: Option<Question>,
    /// What went wrong, one item per problem.
    pub errors: Vec<ErrorItem>,
}

impl ErrorAnswer {
    /// The answer for these errors.
    pub fn new(question: Option<Question>, errors: Vec<ErrorItem>) -> ErrorAnswer {
        ErrorAnswer {
            schema: SCHEMA,
            question,
            errors,
        }
    }
}

/// One host, as loaded: what is particular to it. Everything the engine decides on is its
/// class's (`classes[class]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct HostEntry {
    /// The host's name (unique among the hosts loaded).
    pub name: String,
    /// Whether the input named the host; `false` when `name` is a fallback (the file name, or
    /// `host N` for several unnamed hosts of one input): front ends tell unnamed hosts by this.
    pub name_given: bool,
    /// The input it came from (file name or paste label).
    pub source: String,
    /// Index into `classes`.
    pub class: u32,
    /// The CPU brand string (`summary.hardware.cpuModel`), when the input has it.
    pub cpu_model: Option<String>,
    /// The ESXi release (`product.fullName`), when the input has it.
    pub product: Option<String>,
    /// The input's own `maxEVCModeKey` (cross-check only: never the answer).
    pub reported_max_evc_mode: Option<String>,
    /// The input's own `currentEVCModeKey`, when it has one.
    pub reported_current_evc_mode: Option<String>,
    /// What the host's data shows about its cluster's EVC state (evidence for the EVC choice).
    pub evc_state: crate::model::EvcStateShown,
    /// The reported value against the class's computed `max_evc_mode`.
    pub max_evc_cross_check: CrossCheck,
    /// Remarks about the host's data.
    pub warnings: Vec<String>,
}

/// A host class: hosts with identical raw and EVC-effective capabilities, ESXi release and
/// vendor. `report` is computed once for the class (named with its label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ClassEntry {
    /// e.g. `esxi02–04`.
    pub label: String,
    /// Indices into `hosts`.
    pub hosts: Vec<u32>,
    /// The class's host report (named with the class label).
    pub report: HostReport,
    /// Whether the class can be admitted to the cluster's EVC mode (`null` without EVC).
    pub admission: Option<Admission>,
}

/// One reason a move is blocked (a requirement the destination does not meet, or a virtual
/// hardware version its ESXi does not run), shared by every cell and plan that has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Blocker {
    /// Canonical key (`cpuid.MDCLEAR`, an unknown key as written, or `vmx-21`).
    pub key: String,
    /// Index into `features`, for catalogue features.
    pub feature: Option<u32>,
    /// The catalogue label, or the key for keys outside the catalogue.
    pub label: String,
    /// e.g. `Bool:Min:1`.
    pub required: String,
    /// The destination's EVC-effective value (what the move is checked against).
    pub available: u64,
    /// The destination's raw `featureCapability` value, when shown.
    pub raw_available: Option<u64>,
    /// Why the destination does not offer it: the typed fact (`why` says it in words).
    pub absence: Option<crate::report::Absence>,
    /// Why the destination does not offer it, in words (naming the destination class).
    pub why: Option<String>,
    /// Set when the blocker is the VM's virtual hardware version (`key` is `vmx-N`).
    pub vhw_too_new: Option<crate::report::VhwTooNew>,
    /// Remedy rule name (`remedy_rules`), chosen from `absence`.
    pub remedy: Option<String>,
    /// Set when the destination's running ESXi build already has the patch for the feature its
    /// CPU lacks (the microcode is what is missing).
    pub patched_build: Option<crate::report::PatchedBuild>,
}

/// A matrix cell: can a VM powered on on a host of the row class move to a host of the column
/// class?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ClassCell {
    /// Whether a VM powered on on the row class can move to the column class.
    pub verdict: Verdict,
    /// Indices into `blockers`.
    pub blockers: Vec<u32>,
    /// Indices into `unknowns`: what keeps an unproven move from being judged.
    pub unknowns: Vec<u32>,
    /// The destination class cannot be admitted to the cluster's EVC mode.
    pub destination_not_admitted: bool,
    /// Per band of virtual hardware versions, when the answer differs between bands.
    pub bands: Vec<Band>,
}

/// The answer for VMs of one band of virtual hardware versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Band {
    /// The lowest virtual hardware version of the band.
    pub vhw_from: u8,
    /// The highest virtual hardware version of the band.
    pub vhw_to: u8,
    /// The answer for VMs of the band.
    pub verdict: Verdict,
    /// Indices into `blockers`.
    pub blockers: Vec<u32>,
}

/// A feature on which classes disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct DriftEntry {
    /// Canonical key (`cpuid.MDCLEAR`), or an unknown key as written.
    pub key: String,
    /// Index into `features`, for catalogue features.
    pub feature: Option<u32>,
    /// The catalogue label, or the key for keys outside the catalogue.
    pub label: String,
    /// Classes that have it (indices into `classes`).
    pub classes_with: Vec<u32>,
    /// Classes that lack it (indices into `classes`).
    pub classes_without: Vec<u32>,
    /// Per class with a value: (class, value).
    pub values: Vec<(u32, u64)>,
    /// Hosts that have it / lack it.
    pub hosts_with: u32,
    /// See `hosts_with`.
    pub hosts_without: u32,
    /// Classes whose CPU has it but whose EVC masks hide it from VMs (they do not offer it).
    pub classes_hidden: Vec<u32>,
    /// Hosts of `classes_hidden`.
    pub hosts_hidden: u32,
    /// Every class that shows it has it, with different values (no class lacks it).
    pub numbers_differ: bool,
    /// e.g. "only 1 of 4 hosts: esxi01".
    pub summary: String,
    /// Whether VMs see it under the EVC setting (so it can block vMotion).
    pub blocks_vmotion: bool,
}

/// One destination class of a VM plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Destination {
    /// Index into `classes`.
    pub class: u32,
    /// The destination hosts of that class (indices into `hosts`) when they are not all of its
    /// members: the class's members less the host being evacuated. `null`: every member.
    pub hosts: Option<Vec<u32>>,
    /// Whether the VMs can move to this destination.
    pub verdict: Verdict,
    /// Indices into `blockers`.
    pub blockers: Vec<u32>,
    /// Indices into `unknowns`.
    pub unknowns: Vec<u32>,
    /// The destination class cannot be admitted to the cluster's EVC mode.
    pub destination_not_admitted: bool,
    /// The band of virtual hardware versions this answer is for (computed VMs).
    pub vhw_band: Option<(u8, u8)>,
}

/// VMs with identical requirements and where they can go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct PlanVms {
    /// The VM, or "app01 and 156 other VMs with the same CPU requirements", or "any VM powered
    /// on on esxi01 (vmx-9 and later)".
    pub vm: String,
    /// The VMs this entry stands for, by name (one for "any VM").
    pub vms: Vec<String>,
    /// `input`, or how the requirements were computed.
    pub requirements_from: String,
    /// Whether the requirements were read from real VM dumps (else computed for "any VM"): the
    /// typed fact front ends branch on (never on `requirements_from`'s wording).
    pub real_vm: bool,
    /// compatible (a proven destination), blocked (every destination blocked), unknown.
    pub verdict: Verdict,
    /// One answer per destination class.
    pub destinations: Vec<Destination>,
}

/// A maintenance plan: can every VM on these hosts go somewhere?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct MaintenancePlan {
    /// The hosts this plan is for (indices into `hosts`): every host of a class planned for
    /// "any VM", or one host whose VMs were loaded.
    pub hosts: Vec<u32>,
    /// Their class.
    pub class: u32,
    /// `esxi02–04` (a class) or the host's name.
    pub label: String,
    /// compatible (evacuable), blocked (some VM has no destination), unknown (not provable).
    pub outcome: Verdict,
    /// One sentence, e.g. "esxi01 cannot be fully evacuated: …".
    pub verdict: String,
    /// The VMs on the hosts, grouped by identical requirements.
    pub vms: Vec<PlanVms>,
    /// What would let the blocked VMs move, ranked by disruption.
    pub remedies: Vec<Remedy>,
}

/// The answer to "can VMs move between these hosts?": classes, matrix, drift, patch-era
/// findings, maintenance plans, remedies and the headline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ClusterAnswer {
    /// Always 2.
    pub schema: u32,
    /// `cluster`.
    pub question: Question,
    /// What each input contributed.
    pub inputs: Vec<InputSummary>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Problems with the request's options.
    pub option_errors: Vec<OptionError>,
    /// The cluster's EVC setting and why.
    pub evc: EvcChoice,
    /// The per-VM EVC mode of "any VM" (what-if), when given and accepted.
    pub per_vm_evc_mode: Option<String>,
    /// The virtual hardware version of "any VM", when given (else per band).
    pub vm_hw: Option<u8>,
    /// The EVC modes, for selectors.
    pub modes: Vec<ModeOption>,
    /// `built-in` or the SupportedEVCMode export used.
    pub modes_source: String,
    /// The highest EVC mode every (non-fragment) host can join, computed from the hosts'
    /// features (`null`: none).
    pub max_common_evc_mode: Option<String>,
    /// Interned catalogue features referenced by index.
    pub features: Vec<FeatureRef>,
    /// The hosts loaded, in load order.
    pub hosts: Vec<HostEntry>,
    /// The host classes (`hosts[i].class` indexes them).
    pub classes: Vec<ClassEntry>,
    /// Interned blockers referenced by index.
    pub blockers: Vec<Blocker>,
    /// Interned reasons a move is not proven, referenced by index.
    pub unknowns: Vec<UnknownItem>,
    /// `matrix[from_class][to_class]`; `null` on the diagonal of a one-host class (no other
    /// host to move to).
    pub matrix: Vec<Vec<Option<ClassCell>>>,
    /// Why `matrix` is empty although there are hosts.
    pub matrix_omitted: Option<String>,
    /// Features on which classes disagree.
    pub drift: Vec<DriftEntry>,
    /// Each patch-era feature (MDCLEAR, IBRS, …) the EVC setting can expose, across the classes
    /// (empty without EVC, unless hosts carry EVC masks).
    pub patch_era: Vec<PatchFinding>,
    /// The class story, one line per finding ("3 hosts lack cpuid.MDCLEAR: esxi02–04 (…)").
    pub story: Vec<String>,
    /// blocked if any move is proven blocked, else unknown if any is unproven, else compatible.
    pub outcome: Verdict,
    /// One report per VM loaded.
    pub vms: Vec<VmReport>,
    /// The maintenance plans, in host order: one per host class planned for "any VM", or one per
    /// host whose VMs were loaded.
    pub maintenance: Vec<MaintenancePlan>,
    /// Every remedy rule of `core/data/remedies.txt` (`Blocker.remedy` names one).
    pub remedy_rules: Vec<RemedyRule>,
    /// The worst finding in one sentence, with the next steps (`null` without hosts).
    pub headline: Option<Headline>,
}

impl ClusterAnswer {
    /// The host-level view: the cell for a VM powered on on host `from` moving to host `to`
    /// (`None` for `from == to`, or without a matrix).
    pub fn host_cell(&self, from: usize, to: usize) -> Option<&ClassCell> {
        if from == to {
            return None;
        }
        let (a, b) = (
            self.hosts.get(from)?.class as usize,
            self.hosts.get(to)?.class as usize,
        );
        self.matrix.get(a)?.get(b)?.as_ref()
    }

    /// The index of a host by the one name rule ([`crate::names::find_by_name`]: exact, short
    /// name, or the stem of its input).
    pub fn host_index(&self, name: &str) -> Option<usize> {
        let names: Vec<&str> = self.hosts.iter().map(|h| h.name.as_str()).collect();
        crate::names::find_by_name(name, &names, |i| {
            crate::session::stem(&self.hosts[i].source)
        })
        .ok()
    }

    /// The blocking keys of a cell.
    pub fn blocker_keys(&self, cell: &ClassCell) -> Vec<&str> {
        cell.blockers
            .iter()
            .filter_map(|&b| self.blockers.get(b as usize).map(|b| b.key.as_str()))
            .collect()
    }
}

/// Interning tables while an answer is built.
#[derive(Default)]
pub(crate) struct Tables {
    features: Vec<FeatureRef>,
    feature_index: rustc_hash::FxHashMap<String, u32>,
    blockers: Vec<Blocker>,
    blocker_index: rustc_hash::FxHashMap<u64, Vec<u32>>,
    unknowns: Vec<UnknownItem>,
    unknown_index: rustc_hash::FxHashMap<u64, Vec<u32>>,
}

/// Checks made for the matrix: (from class, to class, VM name, vHW band) -> the check.
pub(crate) type CheckCache<'h> =
    rustc_hash::FxHashMap<(usize, usize, String, Option<(u8, u8)>), crate::check::Outcome<'h>>;

use crate::check::hash_of;

impl Tables {
    pub(crate) fn feature(&mut self, key: &str) -> Option<u32> {
        if let Some(&i) = self.feature_index.get(key) {
            return Some(i);
        }
        let id = crate::catalogue::catalogue().lookup(key)?;
        let i = self.features.len() as u32;
        self.features.push(crate::check::feature_ref(id));
        self.feature_index.insert(key.to_string(), i);
        Some(i)
    }

    pub(crate) fn blocker(&mut self, m: &Missing) -> u32 {
        // Interned by a hash of the fields that make a blocker, compared field by field on a
        // hit: no key string is built per lookup.
        let hash = hash_of(&(
            &m.canonical_key,
            &m.required,
            m.available,
            m.raw_available,
            &m.why,
            m.absence,
        ));
        if let Some(candidates) = self.blocker_index.get(&hash) {
            for &i in candidates {
                let b = &self.blockers[i as usize];
                if b.key == m.canonical_key
                    && b.required == m.required
                    && b.available == m.available
                    && b.raw_available == m.raw_available
                    && b.why == m.why
                    && b.absence == m.absence
                    && b.vhw_too_new == m.vhw_too_new
                    && b.patched_build == m.patched_build
                {
                    return i;
                }
            }
        }
        let feature = self.feature(&m.canonical_key);
        let i = self.blockers.len() as u32;
        self.blockers.push(Blocker {
            key: m.canonical_key.clone(),
            feature,
            label: m.label.clone(),
            required: m.required.clone(),
            available: m.available,
            raw_available: m.raw_available,
            absence: m.absence,
            why: m.why.clone(),
            vhw_too_new: m.vhw_too_new.clone(),
            remedy: m.remedy.map(str::to_string),
            patched_build: m.patched_build.clone(),
        });
        self.blocker_index.entry(hash).or_default().push(i);
        i
    }

    pub(crate) fn unknown(&mut self, u: &UnknownItem) -> u32 {
        let hash = hash_of(&(&u.key, &u.why, &u.features));
        if let Some(candidates) = self.unknown_index.get(&hash) {
            for &i in candidates {
                if self.unknowns[i as usize] == *u {
                    return i;
                }
            }
        }
        let i = self.unknowns.len() as u32;
        self.unknowns.push(u.clone());
        self.unknown_index.entry(hash).or_default().push(i);
        i
    }

    fn cell(&mut self, c: &MatrixCell) -> ClassCell {
        let blockers: Vec<u32> = c.missing.iter().map(|m| self.blocker(m)).collect();
        let bands = c
            .bands
            .iter()
            .map(|b| Band {
                vhw_from: b.vhw_from,
                vhw_to: b.vhw_to,
                verdict: b.verdict,
                blockers: b
                    .missing
                    .iter()
                    .filter_map(|k| {
                        c.missing
                            .iter()
                            .position(|m| m.canonical_key == *k)
                            .map(|p| blockers[p])
                    })
                    .collect(),
            })
            .collect();
        ClassCell {
            verdict: c.verdict,
            unknowns: c.unknown.iter().map(|u| self.unknown(u)).collect(),
            blockers,
            destination_not_admitted: c.destination_not_admitted,
            bands,
        }
    }
}

/// The request's options, resolved (every rule about them is here).
pub struct Resolved<'m> {
    /// The cluster's EVC setting and why.
    pub chosen: ChosenEvc<'m>,
    /// The per-VM EVC mode of "any VM", when given and accepted.
    pub per_vm: Option<&'m EvcMode>,
    /// The virtual hardware version of "any VM", when given and readable.
    pub vhw: Option<u8>,
    /// The patch-era features every host's masks expose (`evc_exposes`), when given and readable.
    pub evc_exposes: Option<crate::catalogue::FeatureSet>,
}

/// Resolves the EVC choice, per-VM mode, vHW and `evc_exposes` of a request against the loaded
/// hosts; problems become [`OptionError`]s and the option is left at its default.
pub fn resolve<'m>(
    request: &Request,
    hosts: &[Host],
    modes: &'m crate::evc::ModeCatalogue,
    errors: &mut Vec<OptionError>,
) -> Resolved<'m> {
    let chosen = match session::choose_evc(
        request.evc.as_deref().filter(|s| !s.trim().is_empty()),
        hosts,
        modes,
    ) {
        Ok(c) => c,
        Err(e) => {
            errors.push(option_error(Opt::Evc, e.to_string()));
            session::choose_evc(None, hosts, modes).unwrap_or(ChosenEvc {
                setting: EvcSetting::Disabled,
                why: "no common mode",
                assumed: true,
            })
        }
    };
    let per_vm = match request.per_vm_evc.as_deref().map(str::trim).filter(|s| {
        !s.is_empty()
            && !["none", "off", "disabled"]
                .iter()
                .any(|n| s.eq_ignore_ascii_case(n))
    }) {
        Some(k) => match session::choose_mode(k, modes) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.push(option_error(Opt::PerVmEvc, e.to_string()));
                None
            }
        },
        None => None,
    };
    // A per-VM mode above the cluster's is refused, as vSphere does.
    let per_vm = match (per_vm, chosen.setting.mode()) {
        (Some(p), Some(c)) if !p.is_at_most(c) => {
            errors.push(option_error(Opt::PerVmEvc,
                format!(
                    "{}: a VM's EVC mode cannot be higher than the cluster's EVC mode ({}); vSphere refuses it",
                    p.key, c.key
                ),
            ));
            None
        }
        (p, _) => p,
    };
    let vhw = match request
        .vm_hw
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(t) => match crate::esxi::parse_vhw(t) {
            Some(v) => Some(v),
            None => {
                errors.push(option_error(
                    Opt::VmHw,
                    format!("virtual hardware version `{t}`: expected e.g. 19 or vmx-19"),
                ));
                None
            }
        },
        None => None,
    };
    // Per-VM EVC is a property of virtual hardware 14 and later (vSphere 6.7): a VM of an older
    // version cannot carry one. [C] vSphere 6.7 docs, per-VM EVC requirements: "ESXi 6.7+,
    // vCenter 6.7+, virtual hardware 14+" (quoted in the domain notes §2.1; the same source as the
    // per-VM EVC remedy in data/remedies.txt).
    let per_vm = match (per_vm, vhw) {
        (Some(p), Some(v)) if v < 14 => {
            errors.push(option_error(
                Opt::PerVmEvc,
                format!(
                    "{} with virtual hardware {v}: per-VM EVC needs virtual hardware 14 or later",
                    p.key
                ),
            ));
            None
        }
        (p, _) => p,
    };
    let evc_exposes = match request
        .evc_exposes
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(t) => match crate::exposure::parse_exposes(t) {
            Ok(set) => Some(set),
            Err(e) => {
                errors.push(option_error(Opt::EvcExposes, e.to_string()));
                None
            }
        },
        None => None,
    };
    for key in &request.only {
        if let Err(message) = only_key_known(key, hosts) {
            errors.push(option_error(Opt::Only, message));
        }
    }
    Resolved {
        chosen,
        per_vm,
        vhw,
        evc_exposes,
    }
}

/// Whether an `only` entry (`MDCLEAR`, `cpuid.mdclear`) names a feature: one the catalogue
/// knows, or a key a loaded host reports. A typo would otherwise match nothing and turn every
/// verdict into "compatible" (issue 19: `--only MDCLAER` gave exit 0); it is refused with the
/// closest catalogue keys.
fn only_key_known(key: &str, hosts: &[Host]) -> Result<(), String> {
    let trimmed = key.trim();
    let short = trimmed
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("cpuid."))
        .map_or(trimmed, |_| &trimmed[6..]);
    if short.is_empty() {
        return Err("an empty feature name".to_string());
    }
    let full = format!("cpuid.{short}");
    let cat = crate::catalogue::catalogue();
    if cat.lookup(&full).is_some() || cat.lookup(trimmed).is_some() {
        return Ok(());
    }
    let lower = full.to_ascii_lowercase();
    let lower_trimmed = trimmed.to_ascii_lowercase();
    if hosts
        .iter()
        .any(|h| h.caps.unknown.contains_key(&lower) || h.caps.unknown.contains_key(&lower_trimmed))
    {
        return Ok(());
    }
    let wanted = short.to_ascii_lowercase();
    let mut near: Vec<(usize, &str)> = cat
        .iter()
        .map(|(_, def)| def.key.as_str())
        .filter_map(|k| {
            let name = k.strip_prefix("cpuid.")?;
            let d = edit_distance(&wanted, &name.to_ascii_lowercase());
            (d <= 2.max(wanted.len() / 4)).then_some((d, name))
        })
        .collect();
    near.sort();
    near.truncate(3);
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            near.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
        )
    };
    Err(format!(
        "`{trimmed}` is not a feature evcalc knows or any loaded host reports{hint}"
    ))
}

/// Levenshtein distance over bytes (feature names are ASCII and short).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// An answer's outcome under the EVC setting chosen: with an assumed setting (neither given
/// nor in the data) a `compatible` answer is only conditional, so `unknown`; a blocked one stays
/// blocked under that assumption (the note says so).
pub fn conditional(outcome: Verdict, assumed: bool) -> Verdict {
    if assumed && outcome == Verdict::Compatible {
        Verdict::Unknown
    } else {
        outcome
    }
}

/// What an answer under an assumed EVC setting must say first.
pub(crate) fn assumption_note(chosen: &ChosenEvc<'_>) -> Option<String> {
    chosen.assumed.then(|| {
        let setting = match chosen.setting.key() {
            Some(mode) => mode,
            None => "EVC disabled".to_string(),
        };
        format!(
            "the cluster's EVC setting is not (fully) in the data: every answer here assumes {setting} ({}); under another \
             setting it can differ, so no move is proven — give the cluster's EVC mode",
            chosen.why
        )
    })
}

/// Loads a request's inputs and applies its renames and removals.
pub fn load(request: &Request, errors: &mut Vec<OptionError>) -> session::Workspace {
    let sources: Vec<session::Source<'_>> = request
        .inputs
        .iter()
        .map(|s| session::Source {
            name: &s.name,
            text: &s.text,
        })
        .collect();
    let mut ws = session::load(&sources);
    // A collector bundle: the request's cluster (one place: `fleet::select`).
    if let Err(e) = crate::app::fleet::select(&mut ws, request.cluster.as_deref(), None) {
        errors.push(e);
    }
    rename_and_remove(&mut ws, request, errors);
    ws
}

/// Applies a request's renames and removals to a loaded workspace (problems go to `errors`):
/// [`load`]'s second half, for a workspace loaded once and asked several questions
/// ([`workspace::Workspace`]).
pub fn rename_and_remove(
    ws: &mut session::Workspace,
    request: &Request,
    errors: &mut Vec<OptionError>,
) {
    for (old, new) in &request.rename {
        let new = new.trim();
        let taken = ws
            .hosts
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(new) && !h.name.eq_ignore_ascii_case(old));
        match ws.hosts.iter_mut().find(|h| h.name == *old) {
            Some(_) if new.is_empty() => errors.push(option_error(
                Opt::Rename,
                format!("cannot rename {old} to an empty name"),
            )),
            Some(_) if taken => errors.push(option_error(
                Opt::Rename,
                format!("cannot rename {old} to {new}: a host of that name exists"),
            )),
            Some(h) => {
                h.name = new.to_string();
                // VMs placed on the host follow it.
                for vm in &mut ws.vms {
                    if vm
                        .host
                        .as_deref()
                        .is_some_and(|v| v.eq_ignore_ascii_case(old))
                    {
                        vm.host = Some(new.to_string());
                    }
                }
            }
            None => errors.push(option_error(
                Opt::Rename,
                format!("no host named {old} to rename"),
            )),
        }
    }
    ws.hosts.retain(|h| !request.remove.contains(&h.name));
}

/// Answers the cluster question for a request.
pub fn cluster(request: &Request) -> ClusterAnswer {
    let mut option_errors = Vec::new();
    let mut ws = load(request, &mut option_errors);
    cluster_in(&mut ws, request, option_errors)
}

/// What the cluster-wide answers (`cluster`, `check`, `maintenance`) start from: the request's
/// options resolved against the loaded hosts, each host's patch-era exposure evidence resolved
/// (the VMs running there, `evc_exposes`, the cluster's evcState), the host classes with one
/// representative each, and the answer's `hosts` and `classes` tables.
pub(crate) struct ClusterBasis<'m> {
    pub(crate) r: Resolved<'m>,
    pub(crate) classes: HostClasses,
    pub(crate) reps: Vec<Host>,
    pub(crate) host_entries: Vec<HostEntry>,
    pub(crate) class_entries: Vec<ClassEntry>,
}

/// Builds the [`ClusterBasis`] of a request: resolves its options (problems go to
/// `option_errors`) and the exposure evidence of `ws.hosts` in place.
pub(crate) fn cluster_basis<'m>(
    ws: &mut session::Workspace,
    request: &Request,
    modes: &'m crate::evc::ModeCatalogue,
    option_errors: &mut Vec<OptionError>,
) -> ClusterBasis<'m> {
    let r = resolve(request, &ws.hosts, modes, option_errors);
    crate::exposure::resolve_cluster(
        &mut ws.hosts,
        &ws.vms,
        &crate::exposure::ClusterExposure {
            evc_exposes: r.evc_exposes,
            evc_state: ws.evc_state.clone(),
        },
    );
    let classes = HostClasses::of(&ws.hosts);
    let reps = classes.representatives(&ws.hosts);
    let (host_entries, class_entries) =
        entries(&ws.hosts, &classes, &reps, modes, r.chosen.setting);
    ClusterBasis {
        r,
        classes,
        reps,
        host_entries,
        class_entries,
    }
}

/// [`cluster`] for inputs already loaded (the CLI reads files itself: bounded reads, UTF-16,
/// directories, `--modes`); `request.inputs` is not read. `option_errors` are kept.
/// The workspace stays the caller's: its hosts get this request's cluster exposure evidence
/// (replaced on every call), so one loaded workspace can answer several questions, and a large
/// one is not dropped inside the answer.
pub fn cluster_in(
    ws: &mut session::Workspace,
    request: &Request,
    mut option_errors: Vec<OptionError>,
) -> ClusterAnswer {
    let modes = ws.modes.clone();
    let ClusterBasis {
        r,
        classes,
        reps,
        host_entries,
        class_entries,
    } = cluster_basis(ws, request, &modes, &mut option_errors);
    let evc = r.chosen.setting;
    let hosts = &ws.hosts;
    let mut t = Tables::default();

    // Which hosts get a maintenance plan: a class plan for the hosts planned with "any VM", a
    // host plan for each host whose VMs were loaded.
    // Above MAX_MATRIX_HOSTS classes there is no matrix and no maintenance plan (classes²).
    let too_many = classes.len() > crate::check::MAX_MATRIX_HOSTS;
    let wanted: Vec<usize> = if request.skip_maintenance || too_many {
        Vec::new()
    } else if request.maintenance.is_empty() {
        (0..hosts.len()).collect()
    } else {
        let mut v = Vec::new();
        for name in &request.maintenance {
            match crate::session::find_host(name, hosts).ok() {
                Some(i) => v.push(i),
                None => option_errors.push(option_error(
                    Opt::Maintenance,
                    format!(
                        "no host named {name}; hosts: {}",
                        crate::names::host_list(
                            &hosts.iter().map(|h| h.name.clone()).collect::<Vec<_>>()
                        )
                    ),
                )),
            }
        }
        v
    };
    let vms_on = |i: usize| -> Vec<&Vm> { maintenance::loaded_for(&ws.vms, &hosts[i].name) };
    let mut class_planned: Vec<Vec<u32>> = vec![Vec::new(); classes.len()];
    for &i in &wanted {
        if vms_on(i).is_empty() {
            class_planned[classes.class_of[i]].push(i as u32);
        }
    }
    let class_plan = |class: usize, planned: &[u32], t: &mut Tables, checked: &mut CheckCache| {
        let (mut plan, v1) = plan_for(
            &classes,
            &reps,
            hosts,
            None,
            class,
            &[],
            evc,
            &r,
            &modes,
            &request.only,
            t,
            checked,
        );
        plan.hosts = planned.to_vec();
        (plan, v1)
    };
    let mut class_plans: Vec<Option<(MaintenancePlan, crate::check::Evacuation<'static>)>> =
        (0..classes.len()).map(|_| None).collect();

    // The class matrix.
    let mut matrix: Vec<Vec<Option<ClassCell>>> = Vec::new();
    // The matrix's checks, kept for the class maintenance plans, which check the same computed
    // VMs against the same destinations: (from class, to class, VM name, vHW band) -> check.
    let mut checked: CheckCache = CheckCache::default();
    // The columns, prepared once for every row (their unmet-requirement entries shared). The
    // diagonal of a class with several members is another member of the class: a different
    // host (a computed VM moving back to its own host is another question).
    let others: Vec<Option<Host>> = if too_many {
        Vec::new()
    } else {
        reps.iter()
            .enumerate()
            .map(|(a, to)| {
                (classes.members[a].len() >= 2).then(|| Host {
                    name: format!("another of {}", classes.labels[a]),
                    ..to.clone()
                })
            })
            .collect()
    };
    let columns: Vec<crate::check::Prepared<'_>> = if too_many {
        Vec::new()
    } else {
        reps.iter()
            .map(|to| crate::check::Prepared::of(to, evc))
            .collect()
    };
    let diagonal: Vec<Option<crate::check::Prepared<'_>>> = others
        .iter()
        .map(|o| o.as_ref().map(|h| crate::check::Prepared::of(h, evc)))
        .collect();
    if !too_many {
        for (a, from) in reps.iter().enumerate() {
            let vms = crate::check::row_vms(from, &reps, evc, r.per_vm, r.vhw);
            let mut row = Vec::with_capacity(reps.len());
            for (b, column) in columns.iter().enumerate() {
                let to = if a == b {
                    diagonal[a].as_ref()
                } else {
                    Some(column)
                };
                let Some(to) = to else {
                    row.push(None);
                    continue;
                };
                let (cell, checks) = crate::check::matrix_cell_outcomes(&vms, to);
                row.push(Some(t.cell(&limit(cell, &request.only))));
                for (vm, c) in vms.iter().zip(checks) {
                    checked.insert((a, b, vm.name.clone(), vm.vhw_band), c);
                }
            }
            matrix.push(row);
            // The row's class plan, while its checks are at hand (they are dropped after it).
            if !class_planned[a].is_empty() {
                class_plans[a] = Some(class_plan(a, &class_planned[a], &mut t, &mut checked));
            }
            checked.clear();
        }
    }
    let matrix_omitted = too_many.then(|| {
        format!(
            "{} host classes: the vMotion matrix is left out above {} classes; check pairs or smaller groups of hosts",
            classes.len(),
            crate::check::MAX_MATRIX_HOSTS
        )
    });

    // Drift over classes, counted in hosts.
    let drift: Vec<DriftEntry> = crate::check::drift(&reps, evc)
        .into_iter()
        .map(|d| {
            let index_of = |label: &String| reps.iter().position(|h| h.name == *label);
            // Class indices of the representatives a drift list names.
            let class_indices = |labels: &[String]| -> Vec<u32> {
                labels
                    .iter()
                    .filter_map(index_of)
                    .map(|c| c as u32)
                    .collect()
            };
            let with = class_indices(&d.hosts_with);
            let without = class_indices(&d.hosts_without);
            let hidden = class_indices(&d.hosts_hidden);
            let names = |cs: &[u32]| -> Vec<String> {
                cs.iter()
                    .flat_map(|&c| classes.names(c as usize, hosts))
                    .map(str::to_string)
                    .collect()
            };
            let (hw, hwo) = (names(&with), names(&without));
            let mut summary = crate::names::drift_summary(&hw, &hwo, hw.len() + hwo.len());
            let hidden_names = names(&hidden);
            if !hidden_names.is_empty() {
                summary.push_str(&format!(
                    "; EVC masks hide it on {} more: {}",
                    hidden_names.len(),
                    crate::names::host_list(&hidden_names)
                ));
            }
            DriftEntry {
                feature: t.feature(&d.key),
                key: d.key,
                label: d.label,
                values: d
                    .values
                    .iter()
                    .filter_map(|v| index_of(&v.host).map(|c| (c as u32, v.value)))
                    .collect(),
                hosts_with: hw.len() as u32,
                hosts_without: hwo.len() as u32,
                classes_with: with,
                classes_without: without,
                hosts_hidden: hidden_names.len() as u32,
                classes_hidden: hidden,
                numbers_differ: d.numbers_differ,
                summary,
                blocks_vmotion: d.blocks_vmotion,
            }
        })
        .collect();

    let outcome = if too_many {
        if drift.iter().any(|d| {
            d.blocks_vmotion
                && (request.only.is_empty() || crate::check::named(&request.only, &d.key))
        }) {
            Verdict::Blocked
        } else {
            Verdict::Unknown
        }
    } else {
        crate::check::worst(matrix.iter().flatten().flatten().map(|c| c.verdict))
    };

    // Maintenance: a host plan for each host whose VMs were loaded; the class plans were made
    // with the matrix rows, or are made now when there is no matrix.
    let mut maintenance = Vec::new();
    let mut v1_plans = Vec::new();
    for &i in &wanted {
        let vms = vms_on(i);
        if vms.is_empty() {
            continue;
        }
        let (plan, v1) = plan_for(
            &classes,
            &reps,
            hosts,
            Some(i),
            classes.class_of[i],
            &vms,
            evc,
            &r,
            &modes,
            &request.only,
            &mut t,
            &mut checked,
        );
        maintenance.push(plan);
        v1_plans.push(v1);
    }
    for (class, planned) in class_planned.iter().enumerate() {
        if planned.is_empty() {
            continue;
        }
        let (plan, v1) = match class_plans[class].take() {
            Some(done) => done,
            None => class_plan(class, planned, &mut t, &mut checked),
        };
        maintenance.push(plan);
        v1_plans.push(v1);
    }
    // Plans in host order (of their first host).
    let mut paired: Vec<(MaintenancePlan, crate::check::Evacuation<'static>)> =
        maintenance.into_iter().zip(v1_plans).collect();
    paired.sort_by_key(|(p, _)| p.hosts.first().copied().unwrap_or(u32::MAX));
    let (maintenance, v1_plans): (Vec<MaintenancePlan>, Vec<_>) = paired.into_iter().unzip();

    // Under an assumed EVC setting nothing is proven compatible (issue 20 item 1).
    let proven_under_assumption = r.chosen.assumed && outcome == Verdict::Compatible;
    let outcome = conditional(outcome, r.chosen.assumed);
    let mut headline = headline_for(&class_entries, hosts.len(), evc, outcome, &v1_plans);
    if proven_under_assumption && let Some(h) = headline.as_mut() {
        // The only open point is the EVC mode itself: say so, and what settles it.
        h.text = match evc.key() {
            Some(mode) => format!(
                "Every VM could move between these {} hosts if the cluster runs {mode}, but the cluster's EVC mode is not in the data",
                hosts.len()
            ),
            None => format!(
                "Every VM could move between these {} hosts if EVC is disabled, but the cluster's EVC setting is not in the data",
                hosts.len()
            ),
        };
        h.next = vec![
            "give the cluster's EVC mode, or paste `vim-cmd hostsvc/hostsummary` of each host (its currentEVCModeKey)"
                .to_string(),
        ];
    }
    let patch_era = crate::exposure::findings(&reps, evc);
    let mut story = story(&classes, hosts, &drift, &patch_era, outcome, &maintenance);
    if let Some(note) = assumption_note(&r.chosen) {
        story.insert(0, note);
    }
    ClusterAnswer {
        schema: SCHEMA,
        question: Question::Cluster,
        inputs: ws.inputs.clone(),
        errors: ws.errors.clone(),
        option_errors,
        evc: EvcChoice {
            mode: evc.key(),
            why: r.chosen.why.to_string(),
            assumed: r.chosen.assumed,
        },
        per_vm_evc_mode: r.per_vm.map(|m| m.key.clone()),
        vm_hw: r.vhw,
        modes: modes
            .modes
            .iter()
            .map(|m| ModeOption {
                key: m.key.clone(),
                label: m.label.clone(),
                vendor: m.vendor,
            })
            .collect(),
        modes_source: modes.source.clone(),
        max_common_evc_mode: crate::check::max_common_mode(&reps, &modes).map(|m| m.key.clone()),
        features: std::mem::take(&mut t.features),
        hosts: host_entries,
        classes: class_entries,
        blockers: std::mem::take(&mut t.blockers),
        unknowns: std::mem::take(&mut t.unknowns),
        matrix,
        matrix_omitted,
        drift,
        patch_era,
        story,
        outcome,
        vms: ws
            .vms
            .iter()
            .map(|v| crate::check::vm_report(v, &modes))
            .collect(),
        maintenance,
        remedy_rules: RemedyRule::all(),
        headline,
    }
}

/// The `hosts` and `classes` tables of an answer: per class its report (`host_report` of the
/// representative) and admission, per host its class and the cross-check of what it reported.
pub(crate) fn entries(
    hosts: &[Host],
    classes: &HostClasses,
    reps: &[Host],
    modes: &crate::evc::ModeCatalogue,
    evc: EvcSetting<'_>,
) -> (Vec<HostEntry>, Vec<ClassEntry>) {
    let class_reports: Vec<HostReport> = reps
        .iter()
        .map(|h| crate::check::host_report(h, modes))
        .collect();
    let host_entries: Vec<HostEntry> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let class = classes.class_of[i];
            let computed = class_reports[class].max_evc_mode.as_deref();
            HostEntry {
                name: h.name.clone(),
                name_given: h.name_given,
                source: h.source.clone(),
                class: class as u32,
                cpu_model: h.cpu_model.clone(),
                product: h.product.clone(),
                reported_max_evc_mode: h.reported_max_evc.clone(),
                reported_current_evc_mode: h.reported_current_evc.clone(),
                evc_state: h.evc_state.clone(),
                max_evc_cross_check: match (h.reported_max_evc.as_deref(), computed) {
                    (None, _) => CrossCheck::NotReported,
                    (Some(a), Some(b)) if a == b => CrossCheck::Agrees,
                    _ => CrossCheck::Differs,
                },
                warnings: h.warnings.clone(),
            }
        })
        .collect();
    let patch_findings = crate::exposure::findings(reps, evc);
    let class_entries: Vec<ClassEntry> = class_reports
        .into_iter()
        .enumerate()
        .map(|(c, report)| ClassEntry {
            label: classes.labels[c].clone(),
            hosts: classes.members[c].iter().map(|&i| i as u32).collect(),
            admission: evc
                .mode()
                .map(|m| crate::check::admission_in_cluster(&reps[c], m, &patch_findings)),
            report,
        })
        .collect();

    (host_entries, class_entries)
}

/// Plans one host (`source = Some(host)`, its loaded VMs) or a whole class (`None`, "any VM"),
/// over one representative per destination class. Returns the plan and the engine's own report
/// (for the headline).
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan_for(
    classes: &HostClasses,
    reps: &[Host],
    hosts: &[Host],
    source: Option<usize>,
    class: usize,
    vms: &[&Vm],
    evc: EvcSetting<'_>,
    r: &Resolved<'_>,
    modes: &crate::evc::ModeCatalogue,
    only: &[String],
    t: &mut Tables,
    checked: &mut CheckCache,
) -> (MaintenancePlan, crate::check::Evacuation<'static>) {
    let source_host = match source {
        Some(i) => hosts[i].clone(),
        None => reps[class].clone(),
    };
    // Destinations: one per class; the source's own class only when it has another member,
    // named after the members other than the source.
    let mut dest_hosts: Vec<Host> = Vec::new();
    let mut dest_class: Vec<usize> = Vec::new();
    let mut dest_members: Vec<Vec<u32>> = Vec::new();
    for (c, members) in classes.members.iter().enumerate() {
        let others: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&m| Some(m) != source)
            .collect();
        if c == class && (members.len() < 2 || others.is_empty()) {
            continue;
        }
        let name = if c == class && source.is_some() {
            crate::classes::label(
                &others
                    .iter()
                    .map(|&m| hosts[m].name.clone())
                    .collect::<Vec<_>>(),
            )
        } else if c == class {
            format!("another of {}", classes.labels[c])
        } else {
            classes.labels[c].clone()
        };
        dest_hosts.push(Host {
            name,
            ..reps[c].clone()
        });
        dest_class.push(c);
        dest_members.push(others.iter().map(|&m| m as u32).collect());
    }
    let mut all: Vec<Host> = Vec::with_capacity(dest_hosts.len() + 1);
    all.push(source_host.clone());
    all.extend(dest_hosts.iter().cloned());
    let dests: Vec<&Host> = all[1..].iter().collect();
    // Each destination's effective capabilities and admission, once for all the VMs.
    let prepared: Vec<crate::check::Prepared<'_>> = dests
        .iter()
        .map(|h| crate::check::Prepared::of(h, evc))
        .collect();
    // A class plan's computed VMs are the matrix row's: take its checks where it made them.
    let mut check = |vm: &Vm, d: usize, _dest: &Host| {
        let cached = if source.is_none() && !vm.from_input {
            checked.remove(&(class, dest_class[d], vm.name.clone(), vm.vhw_band))
        } else {
            None
        };
        cached.unwrap_or_else(|| crate::check::check_outcome(vm, &prepared[d]))
    };
    let mut report = crate::check::maintenance_checked(
        &all, &all[0], &dests, vms, evc, r.per_vm, r.vhw, modes, &mut check,
    );
    if !only.is_empty() {
        crate::check::limit_maintenance(&mut report, only);
    }
    // The headline reads the outcome, verdict and remedies only; the per-VM checks move to
    // `plan`.
    let whole: Vec<usize> = dest_class
        .iter()
        .map(|&c| classes.members[c].len())
        .collect();
    // The checks share their unmet-requirement entries (one per destination and requirement):
    // each is interned once, by its address, which identifies it while `report.vms` holds it
    // (all of it, until every plan is interned).
    let mut interned: rustc_hash::FxHashMap<usize, u32> = rustc_hash::FxHashMap::default();
    let mut planned = std::mem::take(&mut report.vms);
    let plan = MaintenancePlan {
        hosts: match source {
            Some(i) => vec![i as u32],
            None => classes.members[class].iter().map(|&m| m as u32).collect(),
        },
        class: class as u32,
        label: source_host.name.clone(),
        outcome: report.outcome,
        verdict: report.verdict.clone(),
        vms: planned
            .iter_mut()
            .map(|p| plan_vms(p, &dest_class, &dest_members, &whole, t, &mut interned))
            .collect(),
        remedies: report.remedies.clone(),
    };
    let v1 = crate::check::Evacuation {
        host: report.host,
        outcome: report.outcome,
        verdict: report.verdict,
        vms: Vec::new(),
        remedies: report.remedies,
    };
    drop(planned);
    (plan, v1)
}

/// `--only KEYS`: a cell's verdict as far as these features are concerned.
fn limit(mut cell: MatrixCell, only: &[String]) -> MatrixCell {
    if !only.is_empty() {
        cell.verdict = crate::check::verdict_only(&cell.missing, &cell.unknown, only);
        cell.compatible = cell.verdict == Verdict::Compatible;
        for b in &mut cell.bands {
            if !b.missing.iter().any(|k| crate::check::named(only, k))
                && b.verdict == Verdict::Blocked
            {
                b.verdict = cell.verdict;
            }
        }
    }
    cell
}

/// A check's blockers, interned: its unmet requirements, then its virtual hardware blocker
/// (as `vmx-N`, [`crate::check::vhw_missing`]).
pub(crate) fn blockers_of(c: &crate::check::Outcome<'_>, t: &mut Tables) -> Vec<u32> {
    let mut out: Vec<u32> = c.missing_entries().map(|m| t.blocker(m)).collect();
    if let Some(entry) = c.vhw_entry() {
        out.push(t.blocker(&entry));
    }
    out
}

fn plan_vms(
    p: &mut crate::check::VmPlan<'_>,
    dest_class: &[usize],
    dest_members: &[Vec<u32>],
    whole: &[usize],
    t: &mut Tables,
    interned: &mut rustc_hash::FxHashMap<usize, u32>,
) -> PlanVms {
    PlanVms {
        vm: std::mem::take(&mut p.vm),
        vms: std::mem::take(&mut p.vms),
        real_vm: p.real_vm,
        requirements_from: std::mem::take(&mut p.requirements_from),
        verdict: p.verdict,
        destinations: p
            .destinations
            .iter()
            .enumerate()
            .map(|(d, c)| {
                let mut blockers: Vec<u32> = c
                    .missing
                    .iter()
                    .map(|m| {
                        *interned
                            .entry(std::sync::Arc::as_ptr(m) as usize)
                            .or_insert_with(|| t.blocker(m))
                    })
                    .collect();
                if let Some(text) = &c.vhw_blocker {
                    blockers.push(
                        *interned
                            .entry(std::sync::Arc::as_ptr(text) as *const u8 as usize)
                            .or_insert_with(|| {
                                t.blocker(&crate::check::vhw_missing(
                                    text,
                                    c.vhw.unwrap_or(0),
                                    c.destination_max_vhw.unwrap_or(0),
                                ))
                            }),
                    );
                }
                Destination {
                    class: dest_class.get(d).copied().unwrap_or(0) as u32,
                    hosts: dest_members
                        .get(d)
                        .filter(|m| m.len() != whole.get(d).copied().unwrap_or(0))
                        .cloned(),
                    verdict: c.verdict,
                    blockers,
                    unknowns: c.unknown.iter().map(|u| t.unknown(u)).collect(),
                    destination_not_admitted: c.not_admitted,
                    vhw_band: c.vhw_band,
                }
            })
            .collect(),
    }
}

fn headline_for(
    classes: &[ClassEntry],
    host_count: usize,
    evc: EvcSetting<'_>,
    outcome: Verdict,
    plans: &[crate::check::Evacuation<'static>],
) -> Option<Headline> {
    if classes.is_empty() {
        return None;
    }
    crate::headline::headline_of(host_count, evc.key().as_deref(), outcome, plans)
}

/// Blocking drift features the story names one by one; `drift` has them all.
const MAX_STORY_DRIFT: usize = 6;

/// Classes named in the story's first line; `classes` has them all.
const MAX_STORY_CLASSES: usize = 8;

/// The class story: what a person reads first. One line per finding.
fn story(
    classes: &HostClasses,
    hosts: &[Host],
    drift: &[DriftEntry],
    patch_era: &[PatchFinding],
    outcome: Verdict,
    maintenance: &[MaintenancePlan],
) -> Vec<String> {
    let mut out = Vec::new();
    let n = hosts.len();
    out.push(match classes.len() {
        0 => "no hosts".to_string(),
        1 => format!("{n} host{}, all alike", if n == 1 { "" } else { "s" }),
        k => format!(
            "{n} hosts in {k} classes of identical CPU features: {}{}",
            (0..k.min(MAX_STORY_CLASSES))
                .map(|c| format!("{} ({})", classes.labels[c], classes.members[c].len()))
                .collect::<Vec<_>>()
                .join("; "),
            if k > MAX_STORY_CLASSES {
                format!("; and {} more classes", k - MAX_STORY_CLASSES)
            } else {
                String::new()
            }
        ),
    });
    for f in patch_era {
        if !f.non_compliant.is_empty() {
            // Hosts per mechanism (the findings are over class representatives): a CPU that
            // lacks it is not a host whose masks hide it (issue 19: "lack" for raw 1 / masked 0).
            let size = |label: &str| {
                classes
                    .labels
                    .iter()
                    .position(|l| l == label)
                    .map_or(0, |c| classes.members[c].len())
            };
            let count = |m: crate::exposure::Mechanism| -> usize {
                f.hosts
                    .iter()
                    .filter(|h| f.non_compliant.contains(&h.host) && h.mechanism == Some(m))
                    .map(|h| size(&h.host))
                    .sum()
            };
            use crate::exposure::Mechanism;
            let (cpu, masks, open) = (
                count(Mechanism::Microcode),
                count(Mechanism::EvcMasks),
                count(Mechanism::Undetermined),
            );
            let total = cpu + masks + open;
            let hosts_word = |n: usize| if n == 1 { "host" } else { "hosts" };
            let mut parts = Vec::new();
            if cpu > 0 {
                parts.push(format!(
                    "{cpu} {} whose CPU does not report it (featureCapability 0: microcode not active)",
                    hosts_word(cpu)
                ));
            }
            if masks > 0 {
                parts.push(format!(
                    "{masks} {} whose CPU has it but whose EVC masks hide it (featureCapability 1, maskedFeatureCapability 0)",
                    hosts_word(masks)
                ));
            }
            if open > 0 {
                parts.push(format!(
                    "{open} {} whose data does not show which",
                    hosts_word(open)
                ));
            }
            out.push(format!(
                "{total} {} not offer {} ({}) to VMs although the baseline exposes it (shown by {}): {}",
                if total == 1 { "host does" } else { "hosts do" },
                f.feature,
                f.label,
                crate::names::host_list(&f.baseline_hosts),
                parts.join("; ")
            ));
        }
    }
    if classes.len() > 1 && drift.is_empty() {
        // Classes without a differing feature value: say what sets them apart.
        let mut what: Vec<&str> = Vec::new();
        for c in 1..classes.len() {
            let (a, b) = (&hosts[classes.members[0][0]], &hosts[classes.members[c][0]]);
            for d in crate::classes::differences(a, b) {
                if !what.contains(&d) {
                    what.push(d);
                }
            }
        }
        if !what.is_empty() {
            out.push(format!(
                "no featureCapability value differs between the hosts; the classes differ in {}",
                what.join(", ")
            ));
        }
    }
    // Blocking drift, one line per feature up to MAX_STORY_DRIFT; the rest counted (the
    // answer's `drift` lists every one).
    let blocking: Vec<&DriftEntry> = drift
        .iter()
        .filter(|d| d.blocks_vmotion)
        .filter(|d| {
            !patch_era
                .iter()
                .any(|f| f.feature == d.key && !f.non_compliant.is_empty())
        })
        .collect();
    for d in blocking.iter().take(MAX_STORY_DRIFT) {
        out.push(format!("{} ({}): {}", d.key, d.label, d.summary));
    }
    if blocking.len() > MAX_STORY_DRIFT {
        out.push(format!(
            "and {} more features that block vMotion differ between the hosts (see the drift)",
            blocking.len() - MAX_STORY_DRIFT
        ));
    }
    let blocked: u32 = maintenance
        .iter()
        .filter(|m| m.outcome == Verdict::Blocked)
        .map(|m| m.hosts.len() as u32)
        .sum();
    let unknown: u32 = maintenance
        .iter()
        .filter(|m| m.outcome == Verdict::Unknown)
        .map(|m| m.hosts.len() as u32)
        .sum();
    if !maintenance.is_empty() {
        let planned: u32 = maintenance.iter().map(|m| m.hosts.len() as u32).sum();
        out.push(match (blocked, unknown) {
            (0, 0) => format!("every one of the {planned} planned hosts can be evacuated"),
            (b, 0) => format!("{b} of {planned} planned hosts cannot be fully evacuated"),
            (0, u) => format!("{u} of {planned} planned hosts: evacuation not provable from the data"),
            (b, u) => format!(
                "{b} of {planned} planned hosts cannot be fully evacuated; {u} more not provable from the data"
            ),
        });
    }
    out.push(format!(
        "outcome: {}",
        match outcome {
            Verdict::Compatible => "every move is possible",
            Verdict::Blocked => "some moves are blocked",
            Verdict::Unknown => "no blocker found, but not every move could be checked",
        }
    ));
    out
}
