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
}
