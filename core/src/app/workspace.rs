//! A workspace loaded once that answers several questions: the application layer for front ends
//! that keep inputs between questions (the Python and npm packages, `python/` and `npm/`).
//!
//! [`Workspace::load`] parses the inputs once; each question ([`Workspace::hosts`],
//! [`Workspace::cluster`], [`Workspace::check`], [`Workspace::maintenance`],
//! [`Workspace::plan`], [`Workspace::vms`]) then runs the same `answer_in` function the CLI runs
//! over the loaded hosts and returns the same contract-v2 answer as the CLI's `--json` for the
//! same inputs and options: the warnings of loading are merged into an answer exactly as the
//! CLI merges them.
//!
//! A question's options are its request type without `inputs` ([`Request`] for the cluster,
//! [`CheckRequest`], [`MaintenanceRequest`], [`HostOptions`], [`PlanOptions`]); renames and
//! removals of a request apply to a copy of the loaded hosts, so the workspace itself never
//! changes between questions. [`Workspace::ask_json`] takes the options as JSON and returns the
//! answer as JSON, or a [`Refusal`] envelope: when the CLI would print an error instead of an
//! answer (an input it cannot read, a request it cannot answer, no host at all), the front ends
//! raise an exception from it, with the same message.

use super::check::{CheckAnswer, CheckRequest};
use super::host::{HostAnswer, HostRequest};
use super::maintenance::{MaintenanceAnswer, MaintenanceRequest};
use super::plan::{PlanAnswer, PlanInputs, PlanRequest};
use super::vm::{VmAnswer, VmRequest};
use super::{ClusterAnswer, OptionError, OwnedSource, Request, option_error};
use crate::input::Format;
use crate::session::{self, InputError, InputSummary};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The options of the `host` question: renames and removals, and `set` overrides applied to
/// every host (`cpuid.MDCLEAR=1`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HostOptions {
    /// The common options (its `inputs` are not read: the workspace holds them).
    #[serde(flatten)]
    pub request: Request,
    /// `KEY=VALUE` adjustments of every host's features, in order.
    pub set: Vec<String>,
}

/// The options of the `plan` question ([`PlanRequest`] without inputs; `add` and `into` are
/// inputs of their own, loaded per question). `remove` here is the plan's question (hosts to
/// take out, one report each), as the CLI's `plan --remove`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlanOptions {
    /// The common options of the cluster as it is (its `inputs` are not read: the workspace
    /// holds them).
    #[serde(flatten)]
    pub request: Request,
    /// Hosts to add: inputs holding one host or more.
    pub add: Vec<OwnedSource>,
    /// `KEY=VALUE` adjustments of the added hosts' features, in order.
    pub set: Vec<String>,
    /// Hosts to take out of the cluster, one question each.
    pub remove: Vec<String>,
    /// The EVC mode to change the cluster to (`none` = disable EVC); with `into`, the new
    /// cluster's mode.
    pub to_evc: Option<String>,
    /// Another cluster's inputs: can the VMs of this cluster move live into it?
    pub into: Vec<OwnedSource>,
}

/// Why a question is not answered, where the CLI prints an error instead of the answer (exit
/// code 2): the front ends raise `InputError` / `OptionError` from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Inputs that could not be read (the CLI: `FILE:LINE:COL: error: MESSAGE`; nothing is
    /// computed).
    pub input_errors: Vec<InputError>,
    /// Options the question cannot be answered with; `inputs` when no host was loaded.
    pub option_errors: Vec<OptionError>,
}

/// The question names [`Workspace::ask_json`] knows.
pub const QUESTIONS: [&str; 6] = ["hosts", "vms", "cluster", "check", "maintenance", "plan"];

/// The options every question takes (the fields of [`Request`] but `inputs`).
const COMMON_OPTIONS: [&str; 10] = [
    "evc",
    "per_vm_evc",
    "rename",
    "remove",
    "maintenance",
    "skip_maintenance",
    "vm_hw",
    "evc_exposes",
    "only",
    "cluster",
];

/// The options a question takes beyond [`COMMON_OPTIONS`].
fn own_options(question: &str) -> &'static [&'static str] {
    match question {
        "hosts" => &["set"],
        "check" => &["to", "from", "vm", "to_evc"],
        "maintenance" => &["host", "vms"],
        "plan" => &["add", "set", "remove", "to_evc", "into"],
        _ => &[],
    }
}

/// Inputs loaded once, asked several questions.
#[derive(Debug, Clone)]
pub struct Workspace {
    ws: session::Workspace,
    /// The warnings of loading, as the CLI prints them (`SOURCE: text`).
    warnings: Vec<String>,
}

impl Workspace {
    /// Parses the inputs (names as the CLI would show them, e.g. the path as given).
    pub fn load(inputs: Vec<OwnedSource>) -> Workspace {
        Workspace::load_with_warnings(inputs, Vec::new())
    }

    /// [`Workspace::load`], keeping warnings the caller had while reading the inputs (e.g. from
    /// [`decode_text`]) first, as the CLI does.
    pub fn load_with_warnings(inputs: Vec<OwnedSource>, mut warnings: Vec<String>) -> Workspace {
        let sources: Vec<session::Source<'_>> = inputs
            .iter()
            .map(|s| session::Source {
                name: &s.name,
                text: &s.text,
            })
            .collect();
        let ws = session::load(&sources);
        warnings.extend(load_warnings(&ws, false));
        Workspace { ws, warnings }
    }

    /// Inputs that could not be read. The CLI computes nothing then; see [`Workspace::refusal`].
    pub fn errors(&self) -> &[InputError] {
        &self.ws.errors
    }

    /// What each input contributed.
    pub fn inputs(&self) -> &[InputSummary] {
        &self.ws.inputs
    }

    /// The warnings of loading (`SOURCE: text`), as the CLI prints them.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// `{"inputs":[InputSummary…],"errors":[InputError…],"warnings":[…]}`: what loading gave.
    pub fn load_report_json(&self) -> String {
        serde_json::json!({
            "inputs": self.ws.inputs,
            "errors": self.ws.errors,
            "warnings": self.warnings,
        })
        .to_string()
    }

    /// The loaded hosts, VMs and EVC modes.
    pub fn session(&self) -> &session::Workspace {
        &self.ws
    }

    /// Why `question` over this workspace is not answered, if it is not: an input that could
    /// not be read, no host loaded (no VM for `vms`), or the answer's own option errors (the
    /// CLI's exit code 2).
    pub fn refusal(&self, question: &str, option_errors: &[OptionError]) -> Option<Refusal> {
        refusal(&self.ws, question, option_errors)
    }

    /// The loaded workspace, or a copy with the request's renames and removals applied.
    fn renamed(
        &self,
        request: &Request,
        errors: &mut Vec<OptionError>,
    ) -> Cow<'_, session::Workspace> {
        if request.rename.is_empty() && request.remove.is_empty() && request.cluster.is_none() {
            Cow::Borrowed(&self.ws)
        } else {
            let mut copy = self.ws.clone();
            // A collector bundle's cluster (the one rule: `fleet::select`).
            if request.cluster.is_some()
                && let Err(e) = super::fleet::select(&mut copy, request.cluster.as_deref(), None)
            {
                errors.push(e);
            }
            super::rename_and_remove(&mut copy, request, errors);
            Cow::Owned(copy)
        }
    }

    /// Runs `f` on the loaded workspace (its hosts get the request's exposure evidence,
    /// replaced on every call), or on a renamed copy.
    fn with_hosts<T>(
        &mut self,
        request: &Request,
        f: impl FnOnce(&mut session::Workspace, Vec<OptionError>) -> T,
    ) -> T {
        let mut errors = Vec::new();
        match self.renamed(request, &mut errors) {
            Cow::Borrowed(_) => f(&mut self.ws, errors),
            Cow::Owned(mut copy) => f(&mut copy, errors),
        }
    }

    /// The `host` question: every host's report (`evcalc host --json`).
    pub fn hosts(&self, options: &HostOptions) -> HostAnswer {
        let mut errors = Vec::new();
        let ws = self.renamed(&options.request, &mut errors).into_owned();
        let request = HostRequest {
            request: options.request.clone(),
            set: options.set.clone(),
        };
        super::host::answer_in(ws, &request, errors, self.warnings.clone())
    }

    /// The `vm` question: every VM's report (`evcalc vm --json`).
    pub fn vms(&self, options: &Request) -> VmAnswer {
        let mut errors = Vec::new();
        let ws = self.renamed(options, &mut errors).into_owned();
        let request = VmRequest {
            request: options.clone(),
        };
        super::vm::answer_in(ws, &request, errors, self.warnings.clone())
    }

    /// The cluster question (`evcalc cluster --json`); `options.inputs` is not read.
    pub fn cluster(&mut self, options: &Request) -> ClusterAnswer {
        self.with_hosts(options, |ws, errors| super::cluster_in(ws, options, errors))
    }

    /// The check question (`evcalc check --json`); `to`, `from` are host names
    /// (case-insensitive), `vm` a VM's or an input's name.
    pub fn check(&mut self, options: &CheckRequest) -> CheckAnswer {
        let mut answer = self.with_hosts(&options.request, |ws, errors| {
            super::check::answer_in(ws, options, errors)
        });
        answer.warnings = merged(&self.warnings, std::mem::take(&mut answer.warnings));
        answer
    }

    /// The maintenance question (`evcalc maintenance --json`).
    pub fn maintenance(&mut self, options: &MaintenanceRequest) -> MaintenanceAnswer {
        let mut answer = self.with_hosts(&options.request, |ws, errors| {
            super::maintenance::answer_in(ws, options, errors)
        });
        answer.warnings = merged(&self.warnings, std::mem::take(&mut answer.warnings));
        answer
    }

    /// The plan question (`evcalc plan --json`): `add` and `into` are loaded here, the cluster
    /// is the loaded workspace.
    pub fn plan(&self, options: &PlanOptions) -> PlanAnswer {
        let mut errors = Vec::new();
        let cluster = self.renamed(&options.request, &mut errors).into_owned();
        let mut warnings = self.warnings.clone();
        let mut other = |inputs: &[OwnedSource]| {
            (!inputs.is_empty()).then(|| {
                let loaded = Workspace::load(inputs.to_vec());
                warnings.extend(loaded.warnings);
                loaded.ws
            })
        };
        let add = other(&options.add);
        let into = other(&options.into);
        let request = PlanRequest {
            request: options.request.clone(),
            add: Vec::new(),
            set: options.set.clone(),
            remove: options.remove.clone(),
            to_evc: options.to_evc.clone(),
            into: Vec::new(),
        };
        super::plan::answer_in(
            PlanInputs { cluster, add, into },
            &request,
            errors,
            warnings,
        )
    }

    /// Asks `question` (one of [`QUESTIONS`]) with its options as JSON (an object: the
    /// question's request without `inputs`), and returns the answer as JSON; or
    /// `{"request_error":{message,line,column,expected}}` when the options cannot be read (not
    /// JSON, a value of the wrong type, an unknown option); or `{"refused":`[`Refusal`]`}` when
    /// the CLI would print an error instead of the answer.
    pub fn ask_json(&mut self, question: &str, options_json: &str) -> String {
        let text = if options_json.trim().is_empty() {
            "{}"
        } else {
            options_json
        };
        match self.ask(question, text) {
            Ok(answer) => answer,
            Err(Asked::Request(e)) => e.to_json(),
            Err(Asked::Refused(r)) => {
                serde_json::to_string(&serde_json::json!({ "refused": r })).unwrap_or_default()
            }
        }
    }

    fn ask(&mut self, question: &str, options: &str) -> Result<String, Asked> {
        let expected = expected_options(question);
        let value: serde_json::Value =
            serde_json::from_str(options).map_err(|e| RequestError::of(&e, &expected))?;
        let Some(object) = value.as_object() else {
            return Err(RequestError::new("the options must be a JSON object", &expected).into());
        };
        if !QUESTIONS.contains(&question) {
            return Err(RequestError::new(
                format!(
                    "no question `{question}`; questions: {}",
                    QUESTIONS.join(", ")
                ),
                &expected,
            )
            .into());
        }
        let own = own_options(question);
        let unknown: Vec<&str> = object
            .keys()
            .map(String::as_str)
            .filter(|k| !COMMON_OPTIONS.contains(k) && !own.contains(k))
            .collect();
        if !unknown.is_empty() {
            let errors = unknown
                .iter()
                .map(|k| {
                    if *k == "inputs" {
                        option_error(
                            super::Opt::Inputs,
                            "the inputs are given when the workspace is loaded",
                        )
                    } else {
                        option_error(
                            super::Opt::Request,
                            format!("`{k}` is not an option of `{question}`; options: {expected}"),
                        )
                    }
                })
                .collect();
            return Err(Asked::Refused(Refusal {
                input_errors: Vec::new(),
                option_errors: errors,
            }));
        }
        fn read<T: serde::de::DeserializeOwned>(options: &str, expected: &str) -> Result<T, Asked> {
            serde_json::from_str(options).map_err(|e| RequestError::of(&e, expected).into())
        }
        // Inputs that could not be read, or no host at all: nothing is computed (the CLI).
        if let Some(r) = self.refusal(question, &[]) {
            return Err(Asked::Refused(r));
        }
        let (json, option_errors, input_errors) = match question {
            "hosts" => {
                let a = self.hosts(&read(options, &expected)?);
                (to_json(&a), a.option_errors, a.errors)
            }
            "vms" => {
                let a = self.vms(&read(options, &expected)?);
                (to_json(&a), a.option_errors, a.errors)
            }
            "cluster" => {
                let a = self.cluster(&read(options, &expected)?);
                (to_json(&a), a.option_errors, a.errors)
            }
            "check" => {
                let a = self.check(&read(options, &expected)?);
                (to_json(&a), a.option_errors, a.errors)
            }
            "maintenance" => {
                let a = self.maintenance(&read(options, &expected)?);
                (to_json(&a), a.option_errors, a.errors)
            }
            _ => {
                let a = self.plan(&read(options, &expected)?);
                (to_json(&a), a.option_errors, a.errors)
            }
        };
        if !input_errors.is_empty() || !option_errors.is_empty() {
            return Err(Asked::Refused(Refusal {
                input_errors,
                option_errors,
            }));
        }
        Ok(json)
    }
}

fn to_json(answer: &impl Serialize) -> String {
    serde_json::to_string(answer).unwrap_or_else(|e| {
        RequestError::new(format!("could not serialise the answer: {e}"), "").to_json()
    })
}

/// The load warnings first, then the answer's, each once (the CLI's order).
fn merged(load: &[String], answer: Vec<String>) -> Vec<String> {
    let mut seen = rustc_hash::FxHashSet::default();
    load.iter()
        .cloned()
        .chain(answer)
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

fn expected_options(question: &str) -> String {
    let own = own_options(question);
    let common = COMMON_OPTIONS.iter().filter(|o| !own.contains(o));
    own.iter()
        .chain(common)
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

enum Asked {
    Request(RequestError),
    Refused(Refusal),
}

impl From<RequestError> for Asked {
    fn from(e: RequestError) -> Asked {
        Asked::Request(e)
    }
}

/// Options that could not be read as JSON of the question's request.
struct RequestError {
    message: String,
    line: usize,
    column: usize,
    expected: String,
}

impl RequestError {
    fn new(message: impl Into<String>, expected: &str) -> RequestError {
        RequestError {
            message: message.into(),
            line: 0,
            column: 0,
            expected: expected.to_string(),
        }
    }

    fn of(e: &serde_json::Error, expected: &str) -> RequestError {
        RequestError {
            message: format!("invalid options: {e}"),
            line: e.line(),
            column: e.column(),
            expected: expected.to_string(),
        }
    }

    fn to_json(&self) -> String {
        serde_json::json!({ "request_error": {
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "expected": self.expected,
        }})
        .to_string()
    }
}

/// Why `question` over `ws` is not answered (see [`Workspace::refusal`]).
pub fn refusal(
    ws: &session::Workspace,
    question: &str,
    option_errors: &[OptionError],
) -> Option<Refusal> {
    if !ws.errors.is_empty() {
        return Some(Refusal {
            input_errors: ws.errors.clone(),
            option_errors: Vec::new(),
        });
    }
    let mut option_errors = option_errors.to_vec();
    if question == "vms" && ws.vms.is_empty() {
        option_errors.insert(
            0,
            option_error(super::Opt::Inputs, no_vms_message(ws.hosts.len())),
        );
    } else if question != "vms" && ws.hosts.is_empty() {
        option_errors.insert(
            0,
            option_error(super::Opt::Inputs, no_hosts_message(ws.vms.len())),
        );
    }
    (!option_errors.is_empty()).then(|| Refusal {
        input_errors: Vec::new(),
        option_errors,
    })
}

/// What the CLI says when the inputs hold no host.
pub fn no_hosts_message(vms: usize) -> String {
    if vms > 0 {
        format!("no host found in the inputs (they hold {vms} VM dump(s): try `evcalc vm`)")
    } else {
        "no host found in the inputs (expected `vim-cmd hostsvc/hostconfig` output or a govc HostSystem)".to_string()
    }
}

/// What the CLI says when the inputs hold no VM (`evcalc vm`).
pub fn no_vms_message(hosts: usize) -> String {
    if hosts == 0 {
        "no VM found in the inputs (expected `vim-cmd vmsvc/get.runtime` output, a govc VirtualMachine or .vmx lines)"
            .to_string()
    } else {
        format!("no VM found in the inputs (they hold {hosts} host dump(s): try `evcalc host`)")
    }
}

/// The warnings of loading as the CLI prints them: each input's (`SOURCE: text`), a
/// SupportedEVCMode export used instead of the built-in modes (unless `modes_given`: `--modes`),
/// `featMask.evc` lines attached to no host.
pub fn load_warnings(ws: &session::Workspace, modes_given: bool) -> Vec<String> {
    let mut warnings = Vec::new();
    for input in &ws.inputs {
        for w in &input.warnings {
            warnings.push(format!("{}: {w}", input.source));
        }
        if input.format == Some(Format::SupportedEvcModeJson) && !modes_given {
            warnings.push(format!(
                "{}: using this SupportedEVCMode export instead of the built-in EVC modes",
                input.source
            ));
        }
    }
    for (source, _) in &ws.loose_evc_masks {
        warnings.push(format!(
            "{source}: featMask.evc.* lines not attached to any host (start the file name with the host name, \
             e.g. esxi01-config.txt); they are ignored"
        ));
    }
    warnings
}

/// Bytes of a file → text as the CLI reads it: UTF-8 (with or without BOM), UTF-16 with BOM
/// (Windows PowerShell's `>` redirection), else UTF-8 with invalid bytes replaced and a warning
/// (`NAME: not valid UTF-8; invalid bytes were replaced`).
pub fn decode_text(name: &str, bytes: Vec<u8>, warnings: &mut Vec<String>) -> String {
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if bytes.starts_with(&[0xff, 0xfe]) {
        return utf16(false);
    }
    if bytes.starts_with(&[0xfe, 0xff]) {
        return utf16(true);
    }
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!(
                "{name}: not valid UTF-8; invalid bytes were replaced"
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

/// Why a file found in a directory is not an evcalc input, if it is not (the CLI skips such
/// files with one summary warning, [`skipped_warning`]; files named one by one stay strict).
pub fn not_an_input(name: &str, text: &str) -> Option<&'static str> {
    if name.ends_with(":Zone.Identifier") {
        return Some("a Windows download marker");
    }
    let head = &text.as_bytes()[..text.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    // UTF-16 without a byte-order mark has a NUL in every other byte: the core explains that.
    if nuls > 0 && nuls * 4 < head.len() {
        return Some("binary");
    }
    if text.trim().is_empty() {
        return Some("empty");
    }
    if nuls == 0 && crate::parse::detect(text).is_none() {
        return Some("not a format evcalc reads");
    }
    None
}

/// The CLI's warning for the directory members skipped (`FILE (why)` each).
pub fn skipped_warning(skipped: &[String]) -> String {
    let shown: Vec<&str> = skipped.iter().take(5).map(String::as_str).collect();
    format!(
        "skipped {} file{} of the given directories that {} no evcalc input: {}{}",
        skipped.len(),
        if skipped.len() == 1 { "" } else { "s" },
        if skipped.len() == 1 { "is" } else { "are" },
        shown.join(", "),
        if skipped.len() > 5 {
            format!(", … ({} more)", skipped.len() - 5)
        } else {
            String::new()
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Verdict;

    const EXAMPLE: [(&str, &str); 8] = [
        (
            "examples/mdclear-cluster/esxi01-etc-vmware-config.txt",
            include_str!("../../../examples/mdclear-cluster/esxi01-etc-vmware-config.txt"),
        ),
        (
            "examples/mdclear-cluster/esxi01.txt",
            include_str!("../../../examples/mdclear-cluster/esxi01.txt"),
        ),
        (
            "examples/mdclear-cluster/esxi02.txt",
            include_str!("../../../examples/mdclear-cluster/esxi02.txt"),
        ),
        (
            "examples/mdclear-cluster/esxi03.txt",
            include_str!("../../../examples/mdclear-cluster/esxi03.txt"),
        ),
        (
            "examples/mdclear-cluster/esxi04.txt",
            include_str!("../../../examples/mdclear-cluster/esxi04.txt"),
        ),
        (
            "examples/mdclear-cluster/grep-MDCLEAR.txt",
            include_str!("../../../examples/mdclear-cluster/grep-MDCLEAR.txt"),
        ),
        (
            "examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt",
            include_str!("../../../examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt"),
        ),
        (
            "examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt",
            include_str!("../../../examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt"),
        ),
    ];

    fn inputs() -> Vec<OwnedSource> {
        EXAMPLE
            .iter()
            .map(|(name, text)| OwnedSource {
                name: name.to_string(),
                text: text.to_string(),
            })
            .collect()
    }

    fn with_inputs(mut request: Request) -> Request {
        request.inputs = inputs();
        request
    }

    fn json(v: &impl Serialize) -> serde_json::Value {
        serde_json::to_value(v).unwrap()
    }

    /// The loaded workspace answers every question as the one-shot functions (which parse the
    /// inputs again each time) do, in any order, on the bundled example.
    #[test]
    fn answers_equal_the_one_shot_answers() {
        let mut ws = Workspace::load(inputs());
        assert!(ws.errors().is_empty(), "{:?}", ws.errors());
        let haswell = Request {
            evc: Some("intel-haswell".to_string()),
            ..Default::default()
        };
        let exposes = Request {
            evc: Some("intel-haswell".to_string()),
            evc_exposes: Some("MDCLEAR".to_string()),
            ..Default::default()
        };
        // Twice each, the second after another question changed the hosts' exposure evidence.
        for _ in 0..2 {
            for options in [&haswell, &exposes, &Request::default()] {
                let a = ws.cluster(options);
                assert_eq!(
                    json(&a),
                    json(&super::super::cluster(&with_inputs(options.clone())))
                );
            }
        }
        let cluster = ws.cluster(&haswell);
        assert!(
            cluster.hosts.len() == 4 && cluster.outcome == Verdict::Blocked,
            "{:?}",
            cluster.outcome
        );

        let check = CheckRequest {
            request: haswell.clone(),
            to: "esxi02".to_string(),
            from: Some("esxi01".to_string()),
            ..Default::default()
        };
        let mut one_shot = super::super::check::answer(&CheckRequest {
            request: with_inputs(haswell.clone()),
            ..check.clone()
        });
        let a = ws.check(&check);
        // The one-shot answer has no load warnings merged (the CLI adds them): add them.
        one_shot.warnings = merged(ws.warnings(), one_shot.warnings);
        assert_eq!(json(&a), json(&one_shot));
        assert_eq!(a.outcome, Verdict::Blocked);
        let blocker_keys: Vec<&str> = a
            .check
            .as_ref()
            .unwrap()
            .blockers
            .iter()
            .map(|&i| a.blockers[i as usize].key.as_str())
            .collect();
        assert_eq!(blocker_keys, ["cpuid.MDCLEAR"]);

        let maintenance = MaintenanceRequest {
            request: haswell.clone(),
            host: "esxi01".to_string(),
            vms: Vec::new(),
        };
        let mut one_shot = super::super::maintenance::answer(&MaintenanceRequest {
            request: with_inputs(haswell.clone()),
            ..maintenance.clone()
        });
        one_shot.warnings = merged(ws.warnings(), one_shot.warnings);
        let a = ws.maintenance(&maintenance);
        assert_eq!(json(&a), json(&one_shot));
        assert_eq!(a.outcome, Verdict::Blocked);

        let plan = PlanOptions {
            request: haswell.clone(),
            to_evc: Some("intel-broadwell".to_string()),
            remove: vec!["esxi04".to_string()],
            ..Default::default()
        };
        let one_shot = super::super::plan::answer(&PlanRequest {
            request: with_inputs(haswell.clone()),
            to_evc: plan.to_evc.clone(),
            remove: plan.remove.clone(),
            ..Default::default()
        });
        let a = ws.plan(&plan);
        assert_eq!(json(&a), json(&one_shot));
        assert_eq!(a.remove.len(), 1);

        let hosts = ws.hosts(&HostOptions::default());
        let one_shot = super::super::host::answer(&HostRequest {
            request: with_inputs(Request::default()),
            set: Vec::new(),
        });
        assert_eq!(json(&hosts), json(&one_shot));
        assert_eq!(hosts.hosts.len(), 4);

        // After all that, the cluster answer is still the one-shot one.
        assert_eq!(
            json(&ws.cluster(&haswell)),
            json(&super::super::cluster(&with_inputs(haswell.clone())))
        );
    }

    /// Renames and removals apply to a copy: the workspace keeps its hosts.
    #[test]
    fn renames_and_removals_leave_the_workspace_as_loaded() {
        let mut ws = Workspace::load(inputs());
        let request = Request {
            evc: Some("intel-haswell".to_string()),
            remove: vec!["esxi04".to_string()],
            rename: [("esxi01".to_string(), "new01".to_string())].into(),
            ..Default::default()
        };
        let a = ws.cluster(&request);
        assert_eq!(
            json(&a),
            json(&super::super::cluster(&with_inputs(request)))
        );
        let names: Vec<&str> = a.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["new01", "esxi02", "esxi03"]);
        let names: Vec<&str> = ws.session().hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["esxi01", "esxi02", "esxi03", "esxi04"]);
    }

    #[test]
    fn ask_json_answers_refuses_and_reports_bad_options() {
        let mut ws = Workspace::load(inputs());
        let v = |s: String| serde_json::from_str::<serde_json::Value>(&s).unwrap();
        let a = v(ws.ask_json("cluster", r#"{"evc":"intel-haswell"}"#));
        assert_eq!(a["schema"], 2);
        assert_eq!(a["outcome"], "blocked");
        let a = v(ws.ask_json("maintenance", r#"{"evc":"intel-haswell","host":"esxi01"}"#));
        assert_eq!(a["question"], "maintenance");
        // A host that is not there: refused with the option and the CLI's message.
        let a = v(ws.ask_json("check", r#"{"from":"esxi01","to":"esxi09"}"#));
        assert_eq!(a["refused"]["option_errors"][0]["option"], "to");
        assert!(
            a["refused"]["option_errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("esxi09"),
            "{a}"
        );
        // Not JSON, a wrong type, an unknown option, `inputs`, an unknown question.
        let a = v(ws.ask_json("cluster", "{"));
        assert!(
            a["request_error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("invalid options")
        );
        let a = v(ws.ask_json("cluster", r#"{"evc":3}"#));
        assert_eq!(a["request_error"]["line"], 1);
        let a = v(ws.ask_json("cluster", r#"{"evcc":"x","inputs":[]}"#));
        let options: Vec<&str> = a["refused"]["option_errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["option"].as_str().unwrap())
            .collect();
        assert_eq!(options, ["request", "inputs"]);
        assert!(
            a["refused"]["option_errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("`evcc`")
        );
        let a = v(ws.ask_json("matrix", "{}"));
        assert!(
            a["request_error"]["message"]
                .as_str()
                .unwrap()
                .contains("questions: hosts")
        );
    }

    #[test]
    fn unreadable_inputs_and_no_hosts_are_refused() {
        let mut ws = Workspace::load(vec![OwnedSource {
            name: "junk.txt".to_string(),
            text: "this is not a dump {".to_string(),
        }]);
        let e = &ws.errors()[0];
        assert_eq!((e.source.as_str(), e.line), ("junk.txt", 1));
        let a: serde_json::Value = serde_json::from_str(&ws.ask_json("cluster", "")).unwrap();
        assert_eq!(a["refused"]["input_errors"][0]["source"], "junk.txt");
        let mut ws = Workspace::load(vec![OwnedSource {
            name: EXAMPLE[6].0.to_string(),
            text: EXAMPLE[6].1.to_string(),
        }]);
        let a: serde_json::Value = serde_json::from_str(&ws.ask_json("cluster", "")).unwrap();
        assert_eq!(a["refused"]["option_errors"][0]["option"], "inputs");
        assert_eq!(
            a["refused"]["option_errors"][0]["message"],
            no_hosts_message(1)
        );
    }

    /// The option names `ask_json` accepts are the request types' fields (their `Debug` lists
    /// them): a field added to a request without adding it here fails this test.
    #[test]
    fn option_names_are_the_request_fields() {
        fn fields(debug: &str) -> Vec<String> {
            debug
                .lines()
                .filter_map(|l| {
                    let l = l.strip_prefix("    ")?;
                    let (name, _) = l.split_once(": ")?;
                    (!name.starts_with(' ')
                        && name.bytes().all(|b| b == b'_' || b.is_ascii_lowercase()))
                    .then(|| name.to_string())
                })
                .filter(|f| f != "request" && f != "inputs")
                .collect()
        }
        let mut common = fields(&format!("{:#?}", Request::default()));
        common.sort();
        let mut known = COMMON_OPTIONS.map(String::from).to_vec();
        known.sort();
        assert_eq!(common, known);
        for (question, debug) in [
            ("check", format!("{:#?}", CheckRequest::default())),
            (
                "maintenance",
                format!("{:#?}", MaintenanceRequest::default()),
            ),
            ("plan", format!("{:#?}", PlanOptions::default())),
            ("hosts", format!("{:#?}", HostOptions::default())),
        ] {
            let mut own = fields(&debug);
            own.sort();
            let mut known: Vec<String> = own_options(question)
                .iter()
                .map(|s| s.to_string())
                .collect();
            known.sort();
            assert_eq!(own, known, "{question}");
        }
    }

    #[test]
    fn decode_text_reads_utf16_with_bom_and_flags_invalid_utf8() {
        let mut warnings = Vec::new();
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("cpuid.SSE3".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text("a.txt", utf16, &mut warnings), "cpuid.SSE3");
        assert!(warnings.is_empty());
        assert_eq!(
            decode_text("b.txt", vec![b'x', 0xff], &mut warnings),
            "x\u{fffd}"
        );
        assert_eq!(
            warnings,
            ["b.txt: not valid UTF-8; invalid bytes were replaced"]
        );
    }
}
