//! The `plan` question: what-if over a cluster — add hosts, remove hosts, change its EVC mode —
//! or, on its own, can the VMs of this cluster move live into another one (`into`). Contract v2:
//! [`PlanAnswer`]; the reports are those of [`crate::plan`].
//!
//! Every rule of the question lives here once:
//!
//! * what can be asked together: `add` (with its `set` overrides), `remove` and `to_evc` in one
//!   request; `into` on its own (with `to_evc` then naming the new cluster's mode, and the
//!   common request's `vm_hw` the virtual hardware version of "any VM"); at least one question;
//! * the cluster's EVC mode is chosen as for every question ([`super::resolve`]); `to_evc` is a
//!   mode name or `none`;
//! * `set` overrides are parsed and applied to every added host (one note per host and
//!   override in the warnings);
//! * which VMs count ([`counted_vms`]): the VM dumps loaded with the cluster that carry
//!   featureRequirement entries; without any, each host stands for "any VM powered on on it";
//! * patch-era exposure is resolved from each cluster's evidence (its VMs, its `evcState`
//!   export, `evc_exposes`) before the questions are asked.
//!
//! Problems with the request are [`PlanError`]s, reported as [`OptionError`]s (the option they
//! are about, e.g. `set`, `remove`, `to_evc`); a question that cannot be asked is left out of
//! the answer, the others are answered.

use super::host::input_warnings;
use super::{OptionError, Question, Request, SCHEMA};
use crate::check::{self, NoSuchHost};
use crate::model::{Host, Vm};
use crate::modename::ModeNameError;
use crate::plan::{
    self, AddHostReport, ChangeModeReport, MoveIntoReport, Override, RemoveHostReport,
};
use crate::report::Verdict;
use crate::session::{self, EvcChoice, InputError, InputSummary, OwnedSource, Workspace};
use serde::Serialize;

/// The `plan` question: the cluster as it is (the common request: its inputs, its current
/// `evc`, `evc_exposes`, renames and removals; `vm_hw` with `into` only) and the questions.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    /// The cluster as it is: its inputs, current `evc`, `evc_exposes`, renames and removals.
    pub request: Request,
    /// Hosts to add (`--add`): inputs holding one host or more (any host or CPU input).
    pub add: Vec<OwnedSource>,
    /// `KEY=VALUE` adjustments of the added hosts' features (`cpuid.MDCLEAR=1`), in order.
    pub set: Vec<String>,
    /// Hosts to take out of the cluster, one question each (names, case-insensitive).
    pub remove: Vec<String>,
    /// The EVC mode to change the cluster to (`none` = disable EVC). With `into`: the new
    /// cluster's mode (absent: chosen over the new cluster's hosts as for the cluster).
    pub to_evc: Option<String>,
    /// Another cluster's inputs: can the VMs of this cluster move live into it?
    pub into: Vec<OwnedSource>,
}

/// The inputs of a plan, loaded by the caller (the CLI reads files itself).
#[derive(Debug, Clone)]
pub struct PlanInputs {
    /// The cluster as it is.
    pub cluster: Workspace,
    /// The hosts to add; `None` when no host is to be added.
    pub add: Option<Workspace>,
    /// The other cluster; `None` when `into` is not asked.
    pub into: Option<Workspace>,
}

/// Why a plan request cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// No question asked: no host to add or remove, no new EVC mode, no other cluster.
    #[error(
        "nothing to plan: ask at least one question (hosts to add, hosts to remove, a new EVC mode, or another cluster to move into)"
    )]
    NothingToPlan,
    /// The cluster's inputs hold no host.
    #[error("no host found in the cluster's inputs")]
    NoHosts,
    /// `vm_hw` is the virtual hardware version of the VMs moving into another cluster.
    #[error("used only with another cluster to move into (the VMs moving there)")]
    VmHwWithoutInto,
    /// Moving into another cluster was asked together with adding, removing or adjusting hosts.
    #[error("a question of its own: ask about added, removed or adjusted hosts in another request")]
    IntoWithOthers,
    /// An override that cannot be read.
    #[error(transparent)]
    Set(crate::plan::OverrideError),
    /// Overrides (`set`) were given without hosts to add.
    #[error("adjusts the added hosts; there are none")]
    SetWithoutAdd,
    /// The inputs of the hosts to add hold no host.
    #[error("the file holds no host")]
    AddHoldsNoHost,
    /// The other cluster's inputs hold no host.
    #[error("the files hold no host of the new cluster")]
    IntoHoldsNoHost,
    /// A host to remove that is not in the cluster.
    #[error(transparent)]
    NoSuchHost(#[from] NoSuchHost),
    /// The new EVC mode (`to_evc`) cannot be resolved.
    #[error(transparent)]
    ToEvc(#[from] ModeNameError),
}

impl PlanError {
    /// The request field the error is about: `request` (the request as a whole), `inputs`,
    /// `vm_hw`, `into`, `set`, `add`, `remove`, `to_evc`.
    pub fn option(&self) -> super::Opt {
        match self {
            PlanError::NothingToPlan => super::Opt::Request,
            PlanError::NoHosts => super::Opt::Inputs,
            PlanError::VmHwWithoutInto => super::Opt::VmHw,
            PlanError::IntoWithOthers | PlanError::IntoHoldsNoHost => super::Opt::Into,
            PlanError::Set(_) | PlanError::SetWithoutAdd => super::Opt::Set,
            PlanError::AddHoldsNoHost => super::Opt::Add,
            PlanError::NoSuchHost(_) => super::Opt::Remove,
            PlanError::ToEvc(_) => super::Opt::ToEvc,
        }
    }

    fn option_error(&self) -> OptionError {
        super::option_error(self.option(), self.to_string())
    }
}

/// The answer to the planning questions (contract v2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct PlanAnswer {
    /// Always 2.
    pub schema: u32,
    /// `plan`.
    pub question: Question,
    /// What each input contributed: the cluster's, then the added hosts', then the other
    /// cluster's.
    pub inputs: Vec<InputSummary>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Problems with the request (`request`: nothing asked; `set`, `add`, `remove`, `to_evc`,
    /// `into`, `vm_hw`, and the common options `evc`, `evc_exposes`, `rename`); a question with
    /// a problem is not answered.
    pub option_errors: Vec<OptionError>,
    /// Every warning, once: those of loading, the overrides applied to each added host
    /// (`host: override …`), the cluster's (and the other cluster's) host warnings.
    pub warnings: Vec<String>,
    /// The cluster's EVC setting (with `into`: the old cluster's) and why.
    pub evc: EvcChoice,
    /// The EVC setting asked for: the mode the cluster changes to (`to_evc`), or with `into`
    /// the new cluster's setting and why; `null` when neither is asked (or it is not a mode).
    pub to_evc: Option<EvcChoice>,
    /// With `into`: the virtual hardware version of "any VM" (`null`: per band).
    pub vm_hw: Option<u8>,
    /// The VMs whose requirements count (VM dumps with featureRequirement entries). Empty:
    /// each host stands for "any VM powered on on it".
    pub vms: Vec<String>,
    /// The overrides applied to the added hosts.
    pub overrides: Vec<Override>,
    /// One report per added host.
    pub add: Vec<AddHostReport>,
    /// One report per removed host.
    pub remove: Vec<RemoveHostReport>,
    /// The EVC mode change (`to_evc` without `into`).
    pub change_evc: Option<ChangeModeReport>,
    /// The move into the other cluster (`into`).
    pub into: Option<MoveIntoReport>,
    /// The exit code: `blocked` when an added host cannot join, the mode change is refused
    /// now, or (`into`) some VM cannot move live; `unknown` when (`into`) nothing shown blocks a
    /// move but not every move is proven, or when the request has problems
    /// (`option_errors`); else `compatible`. An added host whose admission cannot be judged
    /// (`can_join: null`) is said in its report, not here.
    pub outcome: Verdict,
}

/// The VMs a plan counts: the VM dumps loaded that carry featureRequirement entries (a dump
/// without them — a powered-off VM — proves nothing about what the VM uses). When none is left
/// the questions are asked for "any VM powered on on H", one per host.
pub fn counted_vms(vms: &[Vm]) -> Vec<Vm> {
    vms.iter()
        .filter(|v| !v.requirements.all.is_empty())
        .cloned()
        .collect()
}

fn load_sources(sources: &[OwnedSource]) -> Option<Workspace> {
    (!sources.is_empty()).then(|| {
        session::load(
            &sources
                .iter()
                .map(|s| session::Source {
                    name: &s.name,
                    text: &s.text,
                })
                .collect::<Vec<_>>(),
        )
    })
}

/// Answers the plan question for a request.
pub fn answer(request: &PlanRequest) -> PlanAnswer {
    let mut option_errors = Vec::new();
    let cluster = super::load(&request.request, &mut option_errors);
    let add = load_sources(&request.add);
    let into = load_sources(&request.into);
    let mut warnings = input_warnings(&cluster.inputs);
    for ws in [&add, &into].into_iter().flatten() {
        warnings.extend(input_warnings(&ws.inputs));
    }
    answer_in(
        PlanInputs { cluster, add, into },
        request,
        option_errors,
        warnings,
    )
}

/// The hosts' own warnings (`name: text`): duplicate keys, fragments, cross-checks.
fn host_warnings(hosts: &[Host], modes: &crate::evc::ModeCatalogue) -> Vec<String> {
    hosts
        .iter()
        .flat_map(|h| {
            check::host_report(h, modes)
                .warnings
                .into_iter()
                .map(move |w| format!("{}: {w}", h.name))
        })
        .collect()
}

/// [`answer`] for inputs already loaded (the CLI reads files itself); `request.request.inputs`,
/// `request.add` and `request.into` are not read: `inputs.add` and `inputs.into` stand for
/// them. `option_errors` and `warnings` (those of loading) are kept, first.
pub fn answer_in(
    inputs: PlanInputs,
    request: &PlanRequest,
    mut option_errors: Vec<OptionError>,
    mut warnings: Vec<String>,
) -> PlanAnswer {
    let PlanInputs {
        cluster: mut ws,
        add,
        into,
    } = inputs;
    let modes = ws.modes.clone();
    let r = super::resolve(&request.request, &ws.hosts, &modes, &mut option_errors);
    let evc = r.chosen.setting;
    let to_evc_arg = request
        .to_evc
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());

    // What can be asked together.
    let mut problems: Vec<PlanError> = Vec::new();
    let asked_into = into.is_some();
    let others = add.is_some() || !request.remove.is_empty() || !request.set.is_empty();
    if asked_into && others {
        problems.push(PlanError::IntoWithOthers);
    }
    if !asked_into && r.vhw.is_some() {
        problems.push(PlanError::VmHwWithoutInto);
    } else if !asked_into && !others && to_evc_arg.is_none() {
        problems.push(PlanError::NothingToPlan);
    }
    if ws.hosts.is_empty() {
        problems.push(PlanError::NoHosts);
    }
    // Nothing is computed when the request's shape is wrong.
    let answerable = problems.is_empty();

    // The cluster as it is: host warnings from the hosts as loaded, then exposure by evidence.
    let cluster_warnings = host_warnings(&ws.hosts, &modes);
    crate::exposure::resolve_cluster(
        &mut ws.hosts,
        &ws.vms,
        &crate::exposure::ClusterExposure {
            evc_exposes: r.evc_exposes,
            evc_state: ws.evc_state.clone(),
        },
    );
    let hosts = &ws.hosts;
    let vms = counted_vms(&ws.vms);

    let mut overrides: Vec<Override> = Vec::with_capacity(request.set.len());
    let mut added: Vec<AddHostReport> = Vec::new();
    let mut removed: Vec<RemoveHostReport> = Vec::new();
    let mut change: Option<ChangeModeReport> = None;
    let mut moved: Option<MoveIntoReport> = None;
    let mut to_evc: Option<EvcChoice> = None;
    let mut other_warnings: Vec<String> = Vec::new();

    if answerable && !asked_into {
        let mut readable = true;
        for text in &request.set {
            match plan::parse_override(text) {
                Ok(o) => overrides.push(o),
                Err(e) => {
                    readable = false;
                    problems.push(PlanError::Set(e));
                }
            }
        }
        match &add {
            None if !request.set.is_empty() => problems.push(PlanError::SetWithoutAdd),
            None => {}
            Some(new) if new.hosts.is_empty() => problems.push(PlanError::AddHoldsNoHost),
            // An added host is planned only as asked: with every override.
            Some(_) if !readable => {}
            Some(new) => {
                for mut host in new.hosts.iter().cloned() {
                    for note in plan::apply_overrides_to_host(&mut host, &overrides) {
                        warnings.push(format!("{}: {note}", host.name));
                    }
                    added.push(plan::add_host(hosts, &host, evc, &vms, &modes));
                }
            }
        }
        for name in &request.remove {
            match plan::remove_host(hosts, name, evc, &vms, &modes) {
                Ok(report) => removed.push(report),
                Err(e) => problems.push(e.into()),
            }
        }
        if let Some(target) = to_evc_arg {
            match session::choose_evc(Some(target), hosts, &modes) {
                Ok(to) => {
                    to_evc = Some(EvcChoice {
                        mode: to.setting.key(),
                        why: to.why.to_string(),
                        assumed: to.assumed,
                    });
                    change = Some(plan::change_mode(hosts, &vms, evc, to.setting, &modes));
                }
                Err(e) => problems.push(e.into()),
            }
        }
    }

    if answerable && let Some(new) = &into {
        if new.hosts.is_empty() {
            problems.push(PlanError::IntoHoldsNoHost);
        } else {
            match session::choose_evc(to_evc_arg, &new.hosts, &modes) {
                Err(e) => problems.push(e.into()),
                Ok(new_evc) => {
                    other_warnings = host_warnings(&new.hosts, &modes);
                    let mut new_hosts = new.hosts.clone();
                    crate::exposure::resolve_cluster(
                        &mut new_hosts,
                        &new.vms,
                        &crate::exposure::ClusterExposure {
                            evc_exposes: r.evc_exposes,
                            evc_state: new.evc_state.clone(),
                        },
                    );
                    if r.vhw.is_some() && !vms.is_empty() {
                        warnings.push(
                            "the virtual hardware version given is not used: the given VMs' requirements are read from their dumps"
                                .to_string(),
                        );
                    }
                    to_evc = Some(EvcChoice {
                        mode: new_evc.setting.key(),
                        why: new_evc.why.to_string(),
                        assumed: new_evc.assumed,
                    });
                    moved = Some(plan::move_into(
                        hosts,
                        evc,
                        &new_hosts,
                        new_evc.setting,
                        &vms,
                        r.vhw,
                        &modes,
                    ));
                }
            }
        }
    }

    option_errors.extend(problems.iter().map(PlanError::option_error));
    warnings.extend(cluster_warnings);
    warnings.extend(other_warnings);
    let warnings = super::host::collect_warnings(warnings, std::iter::empty());

    let outcome = if !option_errors.is_empty() {
        Verdict::Unknown
    } else if let Some(m) = &moved {
        m.verdict
    } else if added.iter().any(|a| a.can_join == Some(false))
        || change.as_ref().is_some_and(|c| !c.allowed)
    {
        Verdict::Blocked
    } else if added.iter().any(|a| a.can_join.is_none()) {
        // Admission not provable (a fragment, or a patch-era feature whose exposure is not
        // shown): never "compatible" (issue 20 item 8).
        Verdict::Unknown
    } else {
        Verdict::Compatible
    };
    let outcome = super::conditional(outcome, r.chosen.assumed);
    let mut warnings = warnings;
    if let Some(note) = super::assumption_note(&r.chosen) {
        warnings.insert(0, note);
    }

    let mut all_inputs = ws.inputs.clone();
    let mut errors = ws.errors.clone();
    for other in [&add, &into].into_iter().flatten() {
        all_inputs.extend(other.inputs.iter().cloned());
        errors.extend(other.errors.iter().cloned());
    }
    PlanAnswer {
        schema: SCHEMA,
        question: Question::Plan,
        inputs: all_inputs,
        errors,
        option_errors,
        warnings,
        evc: EvcChoice {
            mode: evc.key(),
            why: r.chosen.why.to_string(),
            assumed: r.chosen.assumed,
        },
        to_evc,
        vm_hw: if asked_into { r.vhw } else { None },
        vms: vms.iter().map(|v| v.name.clone()).collect(),
        overrides,
        add: added,
        remove: removed,
        change_evc: change,
        into: moved,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, text: &str) -> OwnedSource {
        OwnedSource {
            name: name.to_string(),
            text: text.to_string(),
        }
    }

    const ESXI01: &str = include_str!("../../../examples/mdclear-cluster/esxi01.txt");
    const ESXI02: &str = include_str!("../../../examples/mdclear-cluster/esxi02.txt");
    const ESXI03: &str = include_str!("../../../examples/mdclear-cluster/esxi03.txt");
    const ESXI04: &str = include_str!("../../../examples/mdclear-cluster/esxi04.txt");
    const APP01: &str =
        include_str!("../../../examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt");

    fn cluster(vms: bool) -> Request {
        let mut inputs = vec![
            source("esxi01.txt", ESXI01),
            source("esxi02.txt", ESXI02),
            source("esxi03.txt", ESXI03),
            source("esxi04.txt", ESXI04),
        ];
        if vms {
            inputs.push(source("vm-app01-on-esxi01.runtime.txt", APP01));
        }
        Request {
            inputs,
            evc: Some("intel-haswell".to_string()),
            ..Default::default()
        }
    }

    fn options(a: &PlanAnswer) -> Vec<&str> {
        a.option_errors.iter().map(|e| e.option.as_str()).collect()
    }

    #[test]
    fn remove_answers_schema_2() {
        let a = answer(&PlanRequest {
            request: cluster(false),
            remove: vec!["ESXI01".to_string()],
            ..Default::default()
        });
        assert_eq!((a.schema, a.question), (SCHEMA, Question::Plan));
        assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
        assert_eq!(a.evc.mode.as_deref(), Some("intel-haswell"));
        assert_eq!(a.remove.len(), 1);
        assert_eq!(a.remove[0].host, "esxi01");
        assert_eq!(a.remove[0].remaining_hosts, ["esxi02", "esxi03", "esxi04"]);
        assert!(a.vms.is_empty(), "no VM dump: any VM per host");
        assert_eq!(a.outcome, Verdict::Compatible);
        assert_eq!(a.inputs.len(), 4);
    }

    #[test]
    fn lowering_the_mode_is_refused_while_a_vm_uses_what_it_hides() {
        let a = answer(&PlanRequest {
            request: cluster(true),
            to_evc: Some("westmere".to_string()),
            ..Default::default()
        });
        assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
        assert_eq!(a.vms, ["vm-app01-on-esxi01"]);
        let c = a.change_evc.as_ref().expect("a mode change");
        assert_eq!(c.direction, plan::Direction::Lower);
        assert!(!c.allowed);
        assert!(c.vms_blocking.iter().any(|v| v.vm == "vm-app01-on-esxi01"));
        assert_eq!(
            a.to_evc.as_ref().and_then(|e| e.mode.as_deref()),
            Some("intel-westmere")
        );
        assert_eq!(a.outcome, Verdict::Blocked);
    }

    #[test]
    fn an_added_host_gets_the_overrides_and_they_are_noted() {
        // esxi02 lacks MDCLEAR; as an added host "after the microcode update" it has it.
        let a = answer(&PlanRequest {
            request: cluster(false),
            add: vec![source("new.txt", &ESXI02.replace("esxi02", "esxi05"))],
            set: vec!["MDCLEAR=1".to_string()],
            ..Default::default()
        });
        assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
        assert_eq!(a.overrides.len(), 1);
        assert_eq!(a.add.len(), 1);
        assert_eq!(a.add[0].host, "esxi05");
        assert_eq!(a.add[0].can_join, Some(true));
        assert!(
            a.warnings
                .iter()
                .any(|w| w.starts_with("esxi05: override cpuid.MDCLEAR")),
            "{:?}",
            a.warnings
        );
        assert_eq!(a.inputs.len(), 5, "the added host's input is listed");
        assert_eq!(a.outcome, Verdict::Compatible);
    }

    #[test]
    fn request_problems_are_option_errors() {
        let ask = |f: &dyn Fn(&mut PlanRequest)| {
            let mut r = PlanRequest {
                request: cluster(false),
                ..Default::default()
            };
            f(&mut r);
            answer(&r)
        };
        let a = ask(&|_| {});
        assert_eq!(options(&a), ["request"]);
        assert_eq!(a.outcome, Verdict::Unknown);
        let a = ask(&|r| {
            r.remove = vec!["esxi01".into()];
            r.request.vm_hw = Some("14".into());
        });
        assert_eq!(options(&a), ["vm_hw"]);
        assert!(a.remove.is_empty(), "not answered");
        let a = ask(&|r| r.set = vec!["MDCLEAR=1".into()]);
        assert_eq!(options(&a), ["set"]);
        let a = ask(&|r| {
            r.add = vec![source("new.txt", ESXI02)];
            r.set = vec!["MDCLEAR".into(), "MDCLEAR=1".into()];
        });
        assert_eq!(options(&a), ["set"]);
        assert!(a.add.is_empty(), "an added host is planned only as asked");
        let a = ask(&|r| r.add = vec![source("vm.txt", APP01)]);
        assert_eq!(options(&a), ["add"]);
        let a = ask(&|r| r.remove = vec!["esxi09".into(), "esxi02".into()]);
        assert_eq!(options(&a), ["remove"]);
        assert!(a.option_errors[0].message.contains("no host named esxi09"));
        assert_eq!(a.remove.len(), 1, "the other question is answered");
        let a = ask(&|r| r.to_evc = Some("intel-nonesuch".into()));
        assert_eq!(options(&a), ["to_evc"]);
        let a = ask(&|r| {
            r.into = vec![source("esxi02.txt", ESXI02)];
            r.remove = vec!["esxi01".into()];
        });
        assert_eq!(options(&a), ["into"]);
        assert!(a.into.is_none() && a.remove.is_empty());
        let a = ask(&|r| r.into = vec![source("vm.txt", APP01)]);
        assert_eq!(options(&a), ["into"]);
    }

    #[test]
    fn into_checks_the_vms_against_the_new_cluster() {
        // app01 runs on esxi01 and requires MDCLEAR; the "new cluster" esxi02–04 lacks it.
        let a = answer(&PlanRequest {
            request: Request {
                inputs: vec![
                    source("esxi01.txt", ESXI01),
                    source("vm-app01-on-esxi01.runtime.txt", APP01),
                ],
                evc: Some("intel-haswell".into()),
                vm_hw: Some("19".into()),
                ..Default::default()
            },
            into: vec![
                source("esxi02.txt", ESXI02),
                source("esxi03.txt", ESXI03),
                source("esxi04.txt", ESXI04),
            ],
            to_evc: Some("intel-haswell".into()),
            ..Default::default()
        });
        assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
        let m = a.into.as_ref().expect("the move");
        assert_eq!(m.new_hosts, ["esxi02", "esxi03", "esxi04"]);
        assert_eq!(m.verdict, Verdict::Blocked);
        assert!(
            m.vms[0]
                .blocking_features
                .iter()
                .any(|k| k == "cpuid.MDCLEAR")
        );
        assert_eq!(a.outcome, Verdict::Blocked);
        assert_eq!(a.vm_hw, Some(19));
        assert!(
            a.warnings
                .iter()
                .any(|w| w.starts_with("the virtual hardware version given is not used")),
            "{:?}",
            a.warnings
        );
        assert_eq!(a.inputs.len(), 5);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let a = answer(&PlanRequest {
            request: Request {
                inputs: vec![source("junk.txt", "\u{0}\u{1}not an input {{{")],
                ..Default::default()
            },
            remove: vec!["esxi01".into()],
            add: vec![source("junk2.txt", "{{{")],
            ..Default::default()
        });
        assert!(!a.errors.is_empty());
        assert!(options(&a).contains(&"inputs"), "{:?}", a.option_errors);
        assert!(a.add.is_empty() && a.remove.is_empty());
    }
}
