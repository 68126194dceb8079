//! The `host` question: what each loaded host is (CPU, ESXi, features) and the highest EVC mode
//! it can join, computed from its features (contract v2: [`HostAnswer`]).
//!
//! The rules are here once: `--set KEY=VALUE` overrides are parsed (problems are
//! [`OptionError`]s with option `set`) and applied to every host before its report, and the
//! warnings of the answer are collected per host (`name: text`). The input's own verdict field
//! (`maxEVCModeKey`) is a cross-check only, never the answer.

use super::{OptionError, Question, Request, SCHEMA};
use crate::check;
use crate::plan::{self, Override};
use crate::report::HostReport;
use crate::session::{self, InputError, InputSummary};
use serde::Serialize;

/// The `host` question: a request (its inputs, renames and removals) and the overrides.
#[derive(Debug, Clone, Default)]
pub struct HostRequest {
    /// The common request: inputs, renames and removals.
    pub request: Request,
    /// `KEY=VALUE` adjustments of every host's features, as written (`cpuid.MDCLEAR=1`,
    /// `MDCLEAR=0`, `cpuid.FAMILY=0x19`), applied in order.
    pub set: Vec<String>,
}

/// The answer to "what are these hosts, and which EVC modes can they join?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct HostAnswer {
    /// Always 2.
    pub schema: u32,
    /// `host`.
    pub question: Question,
    /// What each input contributed.
    pub inputs: Vec<InputSummary>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Problems with the request's options (`set`: an override that cannot be read; `rename`).
    pub option_errors: Vec<OptionError>,
    /// Every warning, once: those of loading first, then each host's (`name: text`).
    pub warnings: Vec<String>,
    /// `built-in` or the SupportedEVCMode export used.
    pub modes_source: String,
    /// The overrides applied to every host (those that could be read).
    pub overrides: Vec<Override>,
    /// One report per host, in load order.
    pub hosts: Vec<HostReport>,
}

/// Answers the host question for a request.
pub fn answer(request: &HostRequest) -> HostAnswer {
    let mut option_errors = Vec::new();
    let ws = super::load(&request.request, &mut option_errors);
    let warnings = input_warnings(&ws.inputs);
    answer_in(ws, request, option_errors, warnings)
}

/// The inputs' warnings as one list (`source: text`).
pub(crate) fn input_warnings(inputs: &[InputSummary]) -> Vec<String> {
    inputs
        .iter()
        .flat_map(|i| i.warnings.iter().map(move |w| format!("{}: {w}", i.source)))
        .collect()
}

/// Warnings as a person reads them: each input's remarks (`SOURCE: line N: text`), each host's
/// own that no input remark already says (`HOST: text`), then `others` (the answer's, files
/// skipped, …) not already said. A remark shared word for word by three or more inputs or
/// hosts is said once, naming them ("64 inputs or hosts (a, b, c, d, … (60 more)): text").
/// Grouping reads the remarks' typed parts ([`session::InputWarning`]), never their text; the
/// JSON answers keep every remark one by one.
pub fn warning_lines(
    inputs: &[InputSummary],
    hosts: &[(&str, &[String])],
    others: &[String],
) -> Vec<String> {
    // (subject, line, text) in order of appearance; the subject of an input is its file stem.
    let stem = |source: &str| -> String {
        let base = source.rsplit(['/', '\\']).next().unwrap_or(source);
        base.split('.').next().unwrap_or(base).to_string()
    };
    let mut items: Vec<(String, String, String)> = Vec::new(); // (subject shown, subject key, line text)
    let mut bodies: Vec<String> = Vec::new();
    let mut said = rustc_hash::FxHashSet::default();
    for input in inputs {
        for w in &input.warnings {
            said.insert(w.text.clone());
            items.push((input.source.clone(), stem(&input.source), w.to_string()));
            bodies.push(w.text.clone());
        }
    }
    for (name, own) in hosts {
        for w in own.iter() {
            if said.contains(w.as_str()) {
                continue;
            }
            items.push((name.to_string(), stem(name), w.clone()));
            bodies.push(w.clone());
        }
    }
    // Per body: its distinct subjects in order.
    let mut subjects: rustc_hash::FxHashMap<&str, Vec<&str>> = rustc_hash::FxHashMap::default();
    let mut pairs = rustc_hash::FxHashSet::default();
    for ((_, key, _), body) in items.iter().zip(&bodies) {
        if pairs.insert((key.as_str(), body.as_str())) {
            subjects
                .entry(body.as_str())
                .or_default()
                .push(key.as_str());
        }
    }
    let mut out = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for ((shown, _, line_text), body) in items.iter().zip(&bodies) {
        let named = &subjects[body.as_str()];
        let line = if named.len() < 3 {
            format!("{shown}: {line_text}")
        } else {
            let listed: Vec<&str> = named.iter().take(4).copied().collect();
            let more = if named.len() > 4 {
                format!(", … ({} more)", named.len() - 4)
            } else {
                String::new()
            };
            if body == crate::parse::cpuid_dump::APPROXIMATION_WARNING {
                format!(
                    "{} hosts from raw CPUID dumps ({}{more}): approximations of what ESXi reports (ESXi \
                     version, BIOS settings and microcode decide the rest)",
                    named.len(),
                    listed.join(", ")
                )
            } else {
                format!(
                    "{} inputs or hosts ({}{more}): {body}",
                    named.len(),
                    listed.join(", ")
                )
            }
        };
        if seen.insert(line.clone()) {
            out.push(line);
        }
    }
    let already: rustc_hash::FxHashSet<String> = inputs
        .iter()
        .flat_map(|i| i.warnings.iter().map(move |w| format!("{}: {w}", i.source)))
        .chain(
            hosts
                .iter()
                .flat_map(|(n, own)| own.iter().map(move |w| format!("{n}: {w}"))),
        )
        .collect();
    for w in others {
        if !already.contains(w) && seen.insert(w.clone()) {
            out.push(w.clone());
        }
    }
    out
}

/// The warnings of loading, then each item's own (`name: text`), each once, in order.
pub(crate) fn collect_warnings<'a>(
    mut warnings: Vec<String>,
    items: impl Iterator<Item = (&'a str, &'a [String])>,
) -> Vec<String> {
    for (name, own) in items {
        warnings.extend(own.iter().map(|w| format!("{name}: {w}")));
    }
    let mut seen = rustc_hash::FxHashSet::default();
    warnings.retain(|w| seen.insert(w.clone()));
    warnings
}

/// [`answer`] for inputs already loaded (the CLI reads files itself and may add the machine it
/// runs on, `--local`, to `ws.hosts`); `request.request.inputs` is not read. `option_errors`
/// and `warnings` (those of loading) are kept, first.
pub fn answer_in(
    mut ws: session::Workspace,
    request: &HostRequest,
    mut option_errors: Vec<OptionError>,
    warnings: Vec<String>,
) -> HostAnswer {
    let mut overrides = Vec::with_capacity(request.set.len());
    for text in &request.set {
        match plan::parse_override(text) {
            Ok(o) => overrides.push(o),
            Err(e) => option_errors.push(OptionError {
                option: super::Opt::Set,
                message: e.to_string(),
            }),
        }
    }
    if !overrides.is_empty() {
        for host in &mut ws.hosts {
            // The notes are added to the host's warnings.
            plan::apply_overrides_to_host(host, &overrides);
        }
    }
    let hosts: Vec<HostReport> = ws
        .hosts
        .iter()
        .map(|h| check::host_report(h, &ws.modes))
        .collect();
    let warnings = collect_warnings(
        warnings,
        hosts
            .iter()
            .map(|r| (r.name.as_str(), r.warnings.as_slice())),
    );
    HostAnswer {
        schema: SCHEMA,
        question: Question::Host,
        inputs: ws.inputs,
        errors: ws.errors,
        option_errors,
        warnings,
        modes_source: ws.modes.source.clone(),
        overrides,
        hosts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::OwnedSource;

    fn request(set: &[&str]) -> HostRequest {
        HostRequest {
            request: Request {
                inputs: vec![OwnedSource {
                    name: "esxi02.txt".to_string(),
                    text: include_str!("../../../examples/mdclear-cluster/esxi02.txt").to_string(),
                }],
                ..Default::default()
            },
            set: set.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn answers_schema_2_with_one_report_per_host() {
        let a = answer(&request(&[]));
        assert_eq!((a.schema, a.question), (SCHEMA, Question::Host));
        assert_eq!(a.hosts.len(), 1);
        assert_eq!(a.hosts[0].name, "esxi02");
        assert!(a.errors.is_empty() && a.option_errors.is_empty());
        assert!(
            !a.hosts[0]
                .mitigations
                .iter()
                .any(|f| f.key == "cpuid.MDCLEAR")
        );
    }

    #[test]
    fn overrides_are_applied_and_noted_per_host() {
        let a = answer(&request(&["MDCLEAR=1"]));
        assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
        assert_eq!(a.overrides.len(), 1);
        assert_eq!(a.overrides[0].key, "cpuid.MDCLEAR");
        assert!(
            a.hosts[0]
                .mitigations
                .iter()
                .any(|f| f.key == "cpuid.MDCLEAR")
        );
        assert!(
            a.warnings
                .iter()
                .any(|w| w.starts_with("esxi02: ") && w.contains("cpuid.MDCLEAR")),
            "{:?}",
            a.warnings
        );
    }

    #[test]
    fn an_override_that_cannot_be_read_is_an_option_error() {
        let a = answer(&request(&["MDCLEAR", "=1", "MDCLEAR=x", "MDCLEAR=1"]));
        assert_eq!(a.option_errors.len(), 3, "{:?}", a.option_errors);
        assert!(
            a.option_errors
                .iter()
                .all(|e| e.option == crate::app::Opt::Set)
        );
        // The readable one is still applied, and the hosts are still reported.
        assert_eq!(a.overrides.len(), 1);
        assert_eq!(a.hosts.len(), 1);
    }

    #[test]
    fn warnings_are_grouped_by_their_parts_and_never_repeated() {
        let cpuid = crate::parse::cpuid_dump::APPROXIMATION_WARNING;
        let inputs: Vec<InputSummary> = (0..64)
            .map(|i| InputSummary {
                source: format!("dumps/cpu{i}.txt"),
                format: None,
                hosts: vec![format!("cpu{i}")],
                vms: Vec::new(),
                warnings: vec![crate::session::InputWarning {
                    line: Some(1),
                    text: cpuid.to_string(),
                }],
            })
            .collect();
        let own = vec![cpuid.to_string()];
        let other = vec!["something".to_string()];
        let mut hosts: Vec<(String, Vec<String>)> =
            (0..64).map(|i| (format!("cpu{i}"), own.clone())).collect();
        hosts.push(("esxi01".to_string(), other.clone()));
        hosts.push(("esxi01".to_string(), other));
        let notes: Vec<(&str, &[String])> = hosts
            .iter()
            .map(|(n, w)| (n.as_str(), w.as_slice()))
            .collect();
        let flat = vec![
            "dumps/cpu0.txt: line 1: ".to_string() + cpuid,
            "a file was skipped".to_string(),
        ];
        let out = warning_lines(&inputs, &notes, &flat);
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(
            out[0]
                .starts_with("64 hosts from raw CPUID dumps (cpu0, cpu1, cpu2, cpu3, … (60 more))"),
            "{}",
            out[0]
        );
        assert_eq!(out[1], "esxi01: something");
        assert_eq!(out[2], "a file was skipped");
    }
}
