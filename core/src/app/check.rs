//! The check question: can one VM — a real VM's dump, or "any VM powered on on host A" — move
//! to host B, and if not, which CPU feature blocks it.
//!
//! Every rule of the question lives here: a real VM's requirements are read from its dump (then
//! `from` and a per-VM mode are not used, and a warning says so); without one, "any VM powered
//! on on `from`" is checked per band of virtual hardware versions and the worst band is the
//! answer (`bands` has each); with `to_evc` the destination is judged under its own cluster's
//! EVC setting (cross-cluster vMotion); `only` limits the verdict.

use super::maintenance::{MaintenanceError, find_vms};
use super::{Band, Blocker, ClassEntry, HostEntry, OptionError, Question, Request, SCHEMA, Tables};
use crate::check::Outcome;
use crate::check::{self, EvcSetting, NoSuchHost};
use crate::model::{Host, Provenance, Vm};
use crate::report::{Admission, CheckedRequirement, FeatureRef, UnknownItem, Verdict};
use crate::session::{EvcChoice, InputError, InputSummary, Workspace};
use serde::Serialize;

/// "Can this VM move from A to B?": the common request plus the hosts and, optionally, the VM.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(default)]
pub struct CheckRequest {
    /// The common request: inputs, the cluster's EVC setting and the other shared options.
    #[serde(flatten)]
    #[cfg_attr(feature = "schema", ts(flatten))]
    pub request: Request,
    /// The destination host (its name, case-insensitive).
    pub to: String,
    /// The source host: "any VM powered on on it". Not used with `vm`.
    pub from: Option<String>,
    /// A real VM: its name or the name of the input holding it (see
    /// [`super::maintenance::find_vms`]).
    pub vm: Option<String>,
    /// The destination cluster's EVC mode (cross-cluster vMotion; `none` = disabled there).
    /// Absent: the same cluster (`evc`).
    pub to_evc: Option<String>,
}

/// Why a check request cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The destination or source host is not loaded.
    #[error(transparent)]
    NoSuchHost(#[from] NoSuchHost),
    /// The VM named cannot be found, or the name matches several VMs.
    #[error(transparent)]
    Vm(#[from] MaintenanceError),
    /// `vm` names an input holding several VMs: name one.
    #[error("{spec}: {} VMs found ({}); name one", .found.len(), .found.join(", "))]
    SeveralVms {
        /// The name given.
        spec: String,
        /// The VMs of that input, by name.
        found: Vec<String>,
    },
    /// Neither a VM nor a source host was given.
    #[error("name the source host or a VM")]
    NoSource,
    /// The destination cluster's EVC mode (`to_evc`) cannot be resolved: the message says why.
    #[error("{0}")]
    ToEvc(String),
}

impl CheckError {
    fn option_error(&self, field: super::Opt) -> OptionError {
        super::option_error(field, self.to_string())
    }
}

/// The answer to "can this VM move to that host?" (contract v2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct CheckAnswer {
    /// Always 2.
    pub schema: u32,
    /// `check`.
    pub question: Question,
    /// What each input contributed.
    pub inputs: Vec<InputSummary>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Problems with the request's options.
    pub option_errors: Vec<OptionError>,
    /// What a person should know (also printed to stderr by the CLI).
    pub warnings: Vec<String>,
    /// The cluster's EVC setting and why.
    pub evc: EvcChoice,
    /// With `to_evc`: the destination cluster's EVC setting the move is checked under.
    pub to_evc: Option<EvcChoice>,
    /// The per-VM EVC mode of "any VM" (what-if), when given and accepted.
    pub per_vm_evc_mode: Option<String>,
    /// The virtual hardware version of "any VM", when given (else per band).
    pub vm_hw: Option<u8>,
    /// The source host (index into `hosts`): `from`, or with `vm` the loaded host its dump names.
    pub from: Option<u32>,
    /// The destination host (index into `hosts`); `null` when not found (see `option_errors`).
    pub to: Option<u32>,
    /// The hosts loaded, in load order.
    pub hosts: Vec<HostEntry>,
    /// The host classes (`hosts[i].class` indexes them).
    pub classes: Vec<ClassEntry>,
    /// Interned catalogue features referenced by index.
    pub features: Vec<FeatureRef>,
    /// Interned blockers referenced by index.
    pub blockers: Vec<Blocker>,
    /// Interned reasons the move is not proven, referenced by index.
    pub unknowns: Vec<UnknownItem>,
    /// The move checked (`null` when the request could not be answered).
    pub check: Option<Move>,
    /// What fixes the move's blockers, one per action, each chosen from why the destination
    /// lacks the feature (the same rules as `maintenance` and `cluster`).
    pub remedies: Vec<crate::report::Remedy>,
    /// The verdict (as far as `only` is concerned, when given): the exit code; `unknown`
    /// without a check.
    pub outcome: Verdict,
}

/// One move checked: the VM, its requirements and the destination's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Move {
    /// The VM, or "any VM powered on on esxi01 (vmx-11 and later)".
    pub vm: String,
    /// `input: FILE` (a real VM's dump) or `computed: powered on on HOST`.
    pub requirements_from: String,
    /// Whether the requirements were read from a real VM's dump (else computed for "any VM").
    pub real_vm: bool,
    /// The input a real VM's requirements were read from (`null` for computed requirements).
    pub vm_source: Option<String>,
    /// The host the VM's dump says it runs on, as written (real VMs).
    pub runs_on: Option<String>,
    /// The requirements checked.
    pub requirements: Vec<CheckedRequirement>,
    /// compatible: every requirement checked and met, and the destination can join the EVC
    /// mode; blocked: a requirement unmet or the destination cannot join; unknown: nothing
    /// checked blocks it, but partial data left something unchecked (`unknowns`).
    pub verdict: Verdict,
    /// Indices into `blockers` (unmet requirements; a virtual hardware version the destination
    /// ESXi does not run is a `vmx-N` blocker).
    pub blockers: Vec<u32>,
    /// Indices into `unknowns`.
    pub unknowns: Vec<u32>,
    /// Requirements the destination's (fragmentary) data does not show.
    pub unknown_on_destination: Vec<String>,
    /// Whether the destination can be admitted to the EVC mode it is checked under.
    pub admission: Option<Admission>,
    /// The destination cannot be admitted to the EVC mode it is checked under.
    pub destination_not_admitted: bool,
    /// The EVC mode the destination is checked under (`null`: disabled).
    pub evc_mode: Option<String>,
    /// The VM's virtual hardware version, when known (read, given, or the band's).
    pub vhw: Option<u8>,
    /// Where the VM's virtual hardware version came from.
    pub vhw_from: Provenance,
    /// "Any VM": the band of virtual hardware versions checked (lowest, highest).
    pub vhw_band: Option<(u8, u8)>,
    /// The VM's guest OS (`config.guestId`, `.vmx` `guestOS`), when its dump has it.
    pub guest_os: Option<String>,
    /// The per-VM EVC mode named without masks (a what-if): its key.
    pub per_vm_what_if: Option<String>,
    /// What the destination's EVC-effective capabilities were read from.
    pub basis: crate::exposure::Basis,
    /// "Any VM": the answer per band of virtual hardware versions, when there are several (the
    /// move above is the worst band's).
    pub bands: Vec<Band>,
}

/// A host by the one name rule ([`crate::session::find_host`]); ambiguous names list the hosts
/// they match.
fn find_host(hosts: &[Host], name: &str) -> Result<usize, CheckError> {
    crate::session::find_host(name, hosts).map_err(|matches| {
        CheckError::from(NoSuchHost {
            name: name.trim().to_string(),
            hosts: matches.unwrap_or_else(|| hosts.iter().map(|h| h.name.clone()).collect()),
        })
    })
}

/// Answers the check question for a request.
pub fn answer(request: &CheckRequest) -> CheckAnswer {
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
    request: &CheckRequest,
    mut option_errors: Vec<OptionError>,
) -> CheckAnswer {
    let modes = ws.modes.clone();
    let super::ClusterBasis {
        r,
        host_entries,
        class_entries,
        ..
    } = super::cluster_basis(ws, &request.request, &modes, &mut option_errors);
    let evc = r.chosen.setting;
    let hosts = &ws.hosts;
    let mut t = Tables::default();
    let mut warnings: Vec<String> = Vec::new();

    let to = match find_host(hosts, &request.to) {
        Ok(i) => Some(i),
        Err(e) => {
            option_errors.push(e.option_error(super::Opt::To));
            None
        }
    };
    let mut from = match request.from.as_deref().filter(|f| !f.trim().is_empty()) {
        None => None,
        Some(f) => match find_host(hosts, f) {
            Ok(i) => Some(i),
            Err(e) => {
                option_errors.push(e.option_error(super::Opt::From));
                None
            }
        },
    };
    // The destination is judged under its own cluster's EVC setting (cross-cluster vMotion).
    let dest_evc: Option<EvcSetting<'_>> = match (request.to_evc.as_deref(), to) {
        (None, _) => Some(evc),
        (Some(m), Some(d)) => {
            match crate::session::choose_evc(Some(m), std::slice::from_ref(&hosts[d]), &modes) {
                Ok(c) => Some(c.setting),
                Err(e) => {
                    option_errors
                        .push(CheckError::ToEvc(e.to_string()).option_error(super::Opt::ToEvc));
                    None
                }
            }
        }
        (Some(_), None) => None,
    };

    // Which VM: a real VM's dump, else "any VM powered on on `from`" per band.
    let prepared = match (to, dest_evc) {
        (Some(d), Some(dest_evc)) => Some(check::Prepared::of(&hosts[d], dest_evc)),
        _ => None,
    };
    let mut bands_checked: Vec<(Vm, Outcome<'_>)> = Vec::new();
    let mut chosen: Option<(Vm, Outcome<'_>)> = None;
    if let Some(prepared) = &prepared {
        let dest = prepared.host();
        match (request.vm.as_deref(), from) {
            (Some(spec), _) => match find_vms(&ws.vms, &ws.inputs, spec) {
                Err(e) => option_errors.push(CheckError::from(e).option_error(super::Opt::Vm)),
                Ok(found) => match found.as_slice() {
                    [vm] => {
                        let vm = (*vm).clone();
                        if from.is_some() {
                            warnings.push(format!(
                                "the source host given is not used: {}'s requirements are read from its dump (fixed when it was powered on)",
                                vm.name
                            ));
                        }
                        if r.per_vm.is_some() {
                            warnings.push(format!(
                                "the per-VM EVC mode given is not used: {}'s requirements are read from its dump; a per-VM EVC change takes \
                                 effect at its next power-on",
                                vm.name
                            ));
                        }
                        if vm.requirements.all.is_empty() {
                            warnings.push(format!(
                                "{} has no featureRequirement entries: nothing to check",
                                vm.name
                            ));
                        }
                        warnings.extend(vm.warnings.iter().map(|w| format!("{}: {w}", vm.name)));
                        // The source is the loaded host its dump names, if any.
                        from = vm.host.as_deref().and_then(|h| {
                            hosts.iter().position(|x| x.name.eq_ignore_ascii_case(h))
                        });
                        let outcome = check::check_outcome(&vm, prepared);
                        chosen = Some((vm, outcome));
                    }
                    many => option_errors.push(
                        CheckError::SeveralVms {
                            spec: spec.to_string(),
                            found: many.iter().map(|v| v.name.clone()).collect(),
                        }
                        .option_error(super::Opt::Vm),
                    ),
                },
            },
            (None, Some(f)) => {
                let dest_max: Vec<u8> = dest.max_vhw.into_iter().collect();
                let bands = check::power_on_bands(&hosts[f], evc, r.per_vm, r.vhw, &dest_max);
                bands_checked = bands
                    .into_iter()
                    .map(|vm| {
                        let c = check::check_outcome(&vm, prepared);
                        (vm, c)
                    })
                    .collect();
                let rank = |v: Verdict| match v {
                    Verdict::Blocked => 0,
                    Verdict::Unknown => 1,
                    Verdict::Compatible => 2,
                };
                // The worst band; the highest of equally bad ones.
                let worst = (0..bands_checked.len())
                    .min_by_key(|&i| (rank(bands_checked[i].1.verdict), usize::MAX - i))
                    .unwrap_or(0);
                let top = hosts[f].max_vhw.unwrap_or(check::MAX_VHW);
                if bands_checked.len() > 1 {
                    // Adjacent bands with the same verdict are said once ("vmx-7 and earlier").
                    let mut runs: Vec<(Option<(u8, u8)>, Verdict)> = Vec::new();
                    for (i, (vm, c)) in bands_checked.iter().enumerate() {
                        if i == worst {
                            runs.push((None, c.verdict));
                            continue;
                        }
                        match (runs.last_mut(), vm.vhw_band) {
                            (Some((Some((_, hi)), v)), Some((_, h))) if *v == c.verdict => {
                                *hi = h;
                            }
                            _ => runs.push((vm.vhw_band, c.verdict)),
                        }
                    }
                    for (band, verdict) in runs {
                        if let Some((lo, hi)) = band {
                            let band = check::band_text(lo, hi, top);
                            warnings.push(format!("VMs of {band}: {}", verdict_word(verdict)));
                        }
                    }
                }
                chosen = bands_checked.get(worst).cloned();
            }
            (None, None) => {
                if request.from.is_none() {
                    option_errors.push(CheckError::NoSource.option_error(super::Opt::From));
                }
            }
        }
    }
    for i in [to, from].into_iter().flatten() {
        let h = &hosts[i];
        warnings.extend(
            check::host_report(h, &modes)
                .warnings
                .into_iter()
                .map(|w| format!("{}: {w}", h.name)),
        );
    }
    let only = &request.request.only;
    let check = chosen.map(|(vm, c)| {
        let unknown_on_destination = prepared
            .as_ref()
            .map(|p| check::unjudged_on(&vm, p))
            .unwrap_or_default();
        let admission = prepared.as_ref().and_then(|p| p.admission().cloned());
        if !unknown_on_destination.is_empty() {
            warnings.push(format!(
                "{}'s dump is a fragment: {} requirement(s) not judged ({})",
                c.to,
                unknown_on_destination.len(),
                unknown_on_destination.join(", ")
            ));
        }
        let verdict = if only.is_empty() {
            c.verdict
        } else {
            check::verdict_only_keys(&mut c.missing_keys(), &c.unknown, only)
        };
        let requirements_from = if vm.from_input {
            format!("input: {}", vm.source)
        } else {
            format!(
                "computed: powered on on {}",
                from.map_or("?", |f| hosts[f].name.as_str())
            )
        };
        let bands = if bands_checked.len() > 1 {
            bands_checked
                .iter()
                .map(|(vm, b)| {
                    let (lo, hi) = vm.vhw_band.unwrap_or((check::MIN_VHW, check::MAX_VHW));
                    Band {
                        vhw_from: lo,
                        vhw_to: hi,
                        verdict: b.verdict,
                        blockers: super::blockers_of(b, &mut t),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        Move {
            vm: vm.name.clone(),
            requirements_from,
            real_vm: vm.from_input,
            vm_source: vm.from_input.then(|| vm.source.clone()),
            runs_on: vm.host.clone().filter(|_| vm.from_input),
            requirements: check::checked_requirements(&vm),
            verdict,
            blockers: super::blockers_of(&c, &mut t),
            unknowns: c.unknown.iter().map(|u| t.unknown(u)).collect(),
            unknown_on_destination,
            destination_not_admitted: c.not_admitted,
            admission,
            evc_mode: dest_evc.and_then(|e| e.key()),
            vhw: c.vhw,
            vhw_from: vm.vhw_from,
            vhw_band: c.vhw_band,
            guest_os: vm.guest_id.clone(),
            per_vm_what_if: vm.per_vm_what_if.clone(),
            basis: prepared
                .as_ref()
                .map_or(crate::exposure::Basis::Raw, |p| p.basis()),
            bands,
        }
    });
    let outcome = super::conditional(
        check.as_ref().map_or(Verdict::Unknown, |m| m.verdict),
        r.chosen.assumed,
    );
    if let Some(note) = super::assumption_note(&r.chosen) {
        warnings.insert(0, note);
    }
    let remedies = match (&check, to) {
        (Some(m), Some(d)) if m.verdict == Verdict::Blocked => {
            let mode_key = dest_evc
                .and_then(|e| e.key())
                .unwrap_or_else(|| "the cluster's mode".to_string());
            move_remedies(&m.blockers, &t.blockers, &hosts[d].name, &mode_key)
        }
        _ => Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    CheckAnswer {
        schema: SCHEMA,
        question: Question::Check,
        inputs: ws.inputs.clone(),
        errors: ws.errors.clone(),
        option_errors,
        warnings,
        evc: EvcChoice {
            mode: evc.key(),
            why: r.chosen.why.to_string(),
            assumed: r.chosen.assumed,
        },
        to_evc: request.to_evc.as_ref().and(dest_evc).map(|d| EvcChoice {
            mode: d.key(),
            why: "given".to_string(),
            assumed: false,
        }),
        per_vm_evc_mode: r.per_vm.map(|m| m.key.clone()),
        vm_hw: r.vhw,
        from: from.map(|i| i as u32),
        to: to.map(|i| i as u32),
        hosts: host_entries,
        classes: class_entries,
        features: std::mem::take(&mut t.features),
        blockers: std::mem::take(&mut t.blockers),
        unknowns: std::mem::take(&mut t.unknowns),
        check,
        remedies,
        outcome,
    }
}

/// One host-side remedy per rule the move's blockers name, in the blockers' order.
fn move_remedies(
    indices: &[u32],
    blockers: &[super::Blocker],
    to: &str,
    mode_key: &str,
) -> Vec<crate::report::Remedy> {
    let mut by_rule: Vec<(&str, Vec<String>)> = Vec::new();
    let moves = || indices.iter().filter_map(|&i| blockers.get(i as usize));
    let mismatch = crate::remedy::vendor_mismatch(moves().filter_map(|b| b.remedy.as_deref()));
    for b in moves() {
        let Some(rule) = b.remedy.as_deref() else {
            continue;
        };
        if !crate::remedy::can_help(rule, mismatch) {
            continue;
        }
        match by_rule.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, features)) => features.push(b.key.clone()),
            None => by_rule.push((rule, vec![b.key.clone()])),
        }
    }
    let mut out: Vec<crate::report::Remedy> = by_rule
        .into_iter()
        .filter_map(|(name, features)| {
            let rule = crate::remedy::rule_named(name)?;
            Some(crate::remedy::host_remedy(
                rule,
                features,
                vec![to.to_string()],
                mode_key,
            ))
        })
        .collect();
    for (i, r) in out.iter_mut().enumerate() {
        r.rank = i as u32 + 1;
    }
    out
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Compatible => "compatible",
        Verdict::Blocked => "blocked",
        Verdict::Unknown => "unknown",
    }
}
