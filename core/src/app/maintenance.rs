//! The maintenance question: can host X be evacuated — every VM on it moved to another host of
//! the cluster — and if not, which feature blocks which VM and what fixes it.
//!
//! The rule of which VMs a plan covers lives here once ([`select_vms`], [`loaded_for`]) and is
//! used by [`answer`] and by the cluster answer's plans ([`super::cluster_in`]): the VMs named
//! (`vms`, deduplicated), else the VM dumps loaded for the host (they name it and carry
//! requirements), else "any VM powered on on the host", per band of virtual hardware versions.
//! The plan is computed over host classes: one destination per class (the host's own class when
//! it has another member).

use super::{
    Blocker, ClassEntry, HostEntry, MaintenancePlan, OptionError, Question, Request, SCHEMA, Tables,
};
use crate::check::{self, NoSuchHost};
use crate::model::{Host, Vm};
use crate::report::{FeatureRef, RemedyRule, UnknownItem, Verdict};
use crate::session::{EvcChoice, InputError, InputSummary, Workspace};
use serde::Serialize;

/// "Can host X be evacuated?": the common request plus the host and, optionally, its VMs.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(default)]
pub struct MaintenanceRequest {
    /// The common request: inputs, the cluster's EVC setting and the other shared options.
    #[serde(flatten)]
    #[cfg_attr(feature = "schema", ts(flatten))]
    pub request: Request,
    /// The host to evacuate (its name, case-insensitive).
    pub host: String,
    /// The VMs on it: each a VM name (exact, short name before the first dot, or the stem of its
    /// input) or an input's name (every VM of that input). Empty: the VM dumps loaded for the
    /// host, else "any VM powered on on it".
    pub vms: Vec<String>,
}

/// Why a maintenance request cannot be planned as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaintenanceError {
    /// The host to evacuate is not loaded.
    #[error(transparent)]
    NoSuchHost(#[from] NoSuchHost),
    /// An input named by `vms` holds no VM.
    #[error("{spec}: no VM found (expected `vim-cmd vmsvc/get.runtime`, govc VM or .vmx output)")]
    NoVmInInput {
        /// The input's name as given.
        spec: String,
    },
    /// No loaded VM and no input has that name.
    #[error("{spec}: no VM of that name and no such input; loaded VMs: {}", list(.loaded))]
    NoSuchVm {
        /// The name given.
        spec: String,
        /// The loaded VMs' names.
        loaded: Vec<String>,
    },
    /// The name matches several VMs.
    #[error("{spec}: matches {} VMs ({}); name one", .matches.len(), .matches.join(", "))]
    AmbiguousVm {
        /// The name given.
        spec: String,
        /// The VMs it matches, by name.
        matches: Vec<String>,
    },
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

impl MaintenanceError {
    /// The request field the error is about (`host`, `vms`).
    pub fn option(&self) -> super::Opt {
        match self {
            MaintenanceError::NoSuchHost(_) => super::Opt::Host,
            _ => super::Opt::Vms,
        }
    }

    fn option_error(&self) -> OptionError {
        super::option_error(self.option(), self.to_string())
    }
}

/// The answer to "can this host be evacuated?" (contract v2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct MaintenanceAnswer {
    /// Always 2.
    pub schema: u32,
    /// `maintenance`.
    pub question: Question,
    /// What each input contributed.
    pub inputs: Vec<InputSummary>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Problems with the request's options.
    pub option_errors: Vec<OptionError>,
    /// What a person should know about the inputs and the VMs chosen.
    pub warnings: Vec<String>,
    /// The cluster's EVC setting and why.
    pub evc: EvcChoice,
    /// The per-VM EVC mode of "any VM" (what-if), when given and accepted.
    pub per_vm_evc_mode: Option<String>,
    /// The virtual hardware version of "any VM", when given (else per band).
    pub vm_hw: Option<u8>,
    /// The host to evacuate (index into `hosts`); `null` when no loaded host has that name.
    pub host: Option<u32>,
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
    /// The plan (`null` when the request could not be planned: see `option_errors`).
    pub plan: Option<MaintenancePlan>,
    /// compatible (evacuable), blocked (some VM has no destination), unknown (not provable, or
    /// not planned).
    pub outcome: Verdict,
    /// Every remedy rule of `core/data/remedies.txt` (`Blocker.remedy` names one).
    pub remedy_rules: Vec<RemedyRule>,
}

/// The VMs a plan of a host covers when none are named: the VM dumps loaded for it (they name
/// it as their host, case-insensitive) that carry requirements (featureRequirement entries or
/// per-VM EVC masks). A dump without either proves nothing about the VM; when none is left the
/// plan is for "any VM powered on on the host".
pub fn loaded_for<'v>(vms: &'v [Vm], host: &str) -> Vec<&'v Vm> {
    vms.iter()
        .filter(|v| {
            v.host
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
        })
        .filter(|v| !v.requirements.all.is_empty() || !v.mask_required.is_empty())
        .collect()
}

/// The VMs `spec` names: every VM of the input of that name, else one VM by name (exact,
/// case-insensitive; then the short name before the first dot; then the stem of its input).
pub fn find_vms<'v>(
    vms: &'v [Vm],
    inputs: &[InputSummary],
    spec: &str,
) -> Result<Vec<&'v Vm>, MaintenanceError> {
    let spec = spec.trim();
    let of_input: Vec<&Vm> = vms.iter().filter(|v| v.source == spec).collect();
    if !of_input.is_empty() {
        return Ok(of_input);
    }
    if inputs.iter().any(|i| i.source == spec) {
        return Err(MaintenanceError::NoVmInInput {
            spec: spec.to_string(),
        });
    }
    // The one name rule (`crate::names::find_by_name`), over the VMs' names and inputs.
    let names: Vec<&str> = vms.iter().map(|v| v.name.as_str()).collect();
    match crate::names::find_by_name(spec, &names, |i| crate::session::stem(&vms[i].source)) {
        Ok(i) => return Ok(vec![&vms[i]]),
        Err(Some(matches)) => {
            return Err(MaintenanceError::AmbiguousVm {
                spec: spec.to_string(),
                matches,
            });
        }
        Err(None) => {}
    }
    Err(MaintenanceError::NoSuchVm {
        spec: spec.to_string(),
        loaded: vms.iter().map(|v| v.name.clone()).collect(),
    })
}

/// The VMs a maintenance plan of `host` covers, and what to say about them.
#[derive(Debug, Clone, Default)]
pub struct VmSelection<'v> {
    /// Empty: "any VM powered on on the host".
    pub vms: Vec<&'v Vm>,
    /// What to say about the VMs chosen (a VM whose dump names another host, one without
    /// requirements, …).
    pub warnings: Vec<String>,
}

/// Which VMs a plan of `host` covers: the VMs `specs` name (see [`find_vms`]; a VM named twice
/// counts once), else [`loaded_for`] the host, else none ("any VM").
pub fn select_vms<'v>(
    vms: &'v [Vm],
    inputs: &[InputSummary],
    hosts: &[Host],
    host: &str,
    specs: &[String],
) -> Result<VmSelection<'v>, MaintenanceError> {
    let mut out = VmSelection::default();
    if specs.is_empty() {
        out.vms = loaded_for(vms, host);
        if !out.vms.is_empty() {
            out.warnings.push(format!(
                "planned with the {} VM dump{} loaded for {host} (name other VMs to plan for them)",
                out.vms.len(),
                if out.vms.len() == 1 { "" } else { "s" },
            ));
        }
        return Ok(out);
    }
    for spec in specs {
        for vm in find_vms(vms, inputs, spec)? {
            if out
                .vms
                .iter()
                .any(|v| v.name == vm.name && v.source == vm.source)
            {
                continue;
            }
            if let Some(h) = vm.host.as_deref().filter(|h| !h.eq_ignore_ascii_case(host))
                && hosts.iter().any(|x| x.name.eq_ignore_ascii_case(h))
            {
                out.warnings.push(format!(
                    "{}: its dump says it runs on {h}, not {host}; planned as if it ran on {host}",
                    vm.name
                ));
            }
            if vm.requirements.all.is_empty() {
                out.warnings.push(format!(
                    "{}: no featureRequirement entries: it can move to any host",
                    vm.name
                ));
            }
            out.warnings
                .extend(vm.warnings.iter().map(|w| format!("{}: {w}", vm.name)));
            out.vms.push(vm);
        }
    }
    Ok(out)
}

/// Answers the maintenance question for a request.
pub fn answer(request: &MaintenanceRequest) -> MaintenanceAnswer {
    let mut option_errors = Vec::new();
    let mut ws = super::load(&request.request, &mut option_errors);
    answer_in(&mut ws, request, option_errors)
}

/// [`answer`] for inputs already loaded (the CLI reads files itself); `request.request.inputs`
/// is not read. `option_errors` are kept.
/// The workspace stays the caller's: its hosts get this request's cluster exposure evidence
/// (replaced on every call), so one loaded workspace can answer several questions, and a large
/// one is not dropped inside the answer.
pub fn answer_in(
    ws: &mut Workspace,
    request: &MaintenanceRequest,
    mut option_errors: Vec<OptionError>,
) -> MaintenanceAnswer {
    let modes = ws.modes.clone();
    let super::ClusterBasis {
        r,
        classes,
        reps,
        host_entries,
        class_entries,
    } = super::cluster_basis(ws, &request.request, &modes, &mut option_errors);
    let evc = r.chosen.setting;
    let hosts = &ws.hosts;
    let mut t = Tables::default();
    let mut warnings = Vec::new();

    let source = crate::session::find_host(&request.host, hosts).ok();
    let mut plan = None;
    match source {
        None => option_errors.push(
            MaintenanceError::from(NoSuchHost {
                name: request.host.trim().to_string(),
                hosts: hosts.iter().map(|h| h.name.clone()).collect(),
            })
            .option_error(),
        ),
        Some(i) => match select_vms(&ws.vms, &ws.inputs, hosts, &hosts[i].name, &request.vms) {
            Err(e) => option_errors.push(e.option_error()),
            Ok(selection) => {
                warnings.extend(selection.warnings);
                for h in hosts {
                    warnings.extend(
                        check::host_report(h, &modes)
                            .warnings
                            .into_iter()
                            .map(|w| format!("{}: {w}", h.name)),
                    );
                }
                let (mut p, _) = super::plan_for(
                    &classes,
                    &reps,
                    hosts,
                    Some(i),
                    classes.class_of[i],
                    &selection.vms,
                    evc,
                    &r,
                    &modes,
                    &request.request.only,
                    &mut t,
                    &mut super::CheckCache::default(),
                );
                // Remedies name the destinations as planned (one per class, by label): in this
                // answer they name hosts.
                let mut members: Vec<(String, Vec<String>)> = Vec::new();
                // Every VM group has the same destinations, in the same order (the plan checks
                // each group against each destination): the first group's name them all.
                debug_assert!(p.vms.iter().all(|v| {
                    v.destinations
                        .iter()
                        .map(|d| (d.class, &d.hosts))
                        .eq(p.vms[0].destinations.iter().map(|d| (d.class, &d.hosts)))
                }));
                for d in p.vms.iter().take(1).flat_map(|v| &v.destinations) {
                    let label = destination_name(d, &class_entries, &host_entries);
                    if !members.iter().any(|(l, _)| *l == label) {
                        let names = destination_hosts(d, &class_entries, &host_entries)
                            .into_iter()
                            .map(str::to_string)
                            .collect();
                        members.push((label, names));
                    }
                }
                for rem in &mut p.remedies {
                    rem.hosts = rem
                        .hosts
                        .iter()
                        .flat_map(|h| match members.iter().find(|(l, _)| l == h) {
                            Some((_, names)) => names.clone(),
                            None => vec![h.clone()],
                        })
                        .collect();
                }
                for vms in &p.vms {
                    for d in vms
                        .destinations
                        .iter()
                        .filter(|d| d.verdict == Verdict::Unknown)
                    {
                        warnings.push(format!(
                            "{}: not counted as a destination for {}: not verifiable from the data ({} open point{})",
                            destination_name(d, &class_entries, &host_entries),
                            vms.vm,
                            d.unknowns.len(),
                            if d.unknowns.len() == 1 { "" } else { "s" }
                        ));
                    }
                }
                plan = Some(p);
            }
        },
    }
    let outcome = super::conditional(
        plan.as_ref().map_or(Verdict::Unknown, |p| p.outcome),
        r.chosen.assumed,
    );
    if let Some(note) = super::assumption_note(&r.chosen) {
        warnings.insert(0, note);
    }
    MaintenanceAnswer {
        schema: SCHEMA,
        question: Question::Maintenance,
        inputs: ws.inputs.clone(),
        errors: ws.errors.clone(),
        option_errors,
        warnings: dedup(warnings),
        evc: EvcChoice {
            mode: evc.key(),
            why: r.chosen.why.to_string(),
            assumed: r.chosen.assumed,
        },
        per_vm_evc_mode: r.per_vm.map(|m| m.key.clone()),
        vm_hw: r.vhw,
        host: source.map(|i| i as u32),
        features: std::mem::take(&mut t.features),
        hosts: host_entries,
        classes: class_entries,
        blockers: std::mem::take(&mut t.blockers),
        unknowns: std::mem::take(&mut t.unknowns),
        plan,
        outcome,
        remedy_rules: RemedyRule::all(),
    }
}

/// The name of a plan's destination: its hosts (`esxi02–04`), or its class's label when every
/// member is a destination.
pub fn destination_name(
    d: &super::Destination,
    classes: &[ClassEntry],
    hosts: &[HostEntry],
) -> String {
    match &d.hosts {
        Some(members) => crate::classes::label(
            &members
                .iter()
                .filter_map(|&m| hosts.get(m as usize).map(|h| h.name.clone()))
                .collect::<Vec<_>>(),
        ),
        None => classes
            .get(d.class as usize)
            .map(|c| c.label.clone())
            .unwrap_or_default(),
    }
}

impl MaintenanceAnswer {
    /// The name of a destination of the plan (see [`destination_name`]).
    pub fn destination_name(&self, d: &super::Destination) -> String {
        destination_name(d, &self.classes, &self.hosts)
    }

    /// The host names a destination stands for.
    pub fn destination_hosts(&self, d: &super::Destination) -> Vec<&str> {
        destination_hosts(d, &self.classes, &self.hosts)
    }
}

/// The host names a destination of a plan stands for.
pub fn destination_hosts<'a>(
    d: &super::Destination,
    classes: &[ClassEntry],
    hosts: &'a [HostEntry],
) -> Vec<&'a str> {
    let members: &[u32] = match &d.hosts {
        Some(m) => m,
        None => classes
            .get(d.class as usize)
            .map_or(&[][..], |c| c.hosts.as_slice()),
    };
    members
        .iter()
        .filter_map(|&m| hosts.get(m as usize).map(|h| h.name.as_str()))
        .collect()
}

fn dedup(warnings: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    warnings
        .into_iter()
        .filter(|w| seen.insert(w.clone()))
        .collect()
}
