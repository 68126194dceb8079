//! The `vm` question: each loaded VM's CPU requirements and the lowest EVC mode that admits
//! them, computed from the requirements (contract v2: [`VmAnswer`]).
//!
//! The warnings of the answer are collected per VM (`name: text`). The input's own verdict
//! field (`minRequiredEVCModeKey`) is a cross-check only, never the answer.

use super::host::{collect_warnings, input_warnings};
use super::{OptionError, Question, Request, SCHEMA};
use crate::check;
use crate::report::VmReport;
use crate::session::{self, InputError, InputSummary};
use serde::Serialize;

/// The `vm` question: a request's inputs (the VMs among them are answered).
#[derive(Debug, Clone, Default)]
pub struct VmRequest {
    /// The common request: its inputs and the shared options.
    pub request: Request,
}

/// The answer to "what do these VMs require, and which EVC modes admit them?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct VmAnswer {
    /// Always 2.
    pub schema: u32,
    /// `vm`.
    pub question: Question,
    /// What each input contributed.
    pub inputs: Vec<InputSummary>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Problems with the request's options (`rename`).
    pub option_errors: Vec<OptionError>,
    /// Every warning, once: those of loading first, then each VM's (`name: text`).
    pub warnings: Vec<String>,
    /// `built-in` or the SupportedEVCMode export used.
    pub modes_source: String,
    /// One report per VM, in load order.
    pub vms: Vec<VmReport>,
}

/// Answers the VM question for a request.
pub fn answer(request: &VmRequest) -> VmAnswer {
    let mut option_errors = Vec::new();
    let ws = super::load(&request.request, &mut option_errors);
    let warnings = input_warnings(&ws.inputs);
    answer_in(ws, request, option_errors, warnings)
}

/// [`answer`] for inputs already loaded (the CLI reads files itself); `request.request.inputs`
/// is not read. `option_errors` and `warnings` (those of loading) are kept, first.
pub fn answer_in(
    ws: session::Workspace,
    _request: &VmRequest,
    option_errors: Vec<OptionError>,
    warnings: Vec<String>,
) -> VmAnswer {
    let vms: Vec<VmReport> = ws
        .vms
        .iter()
        .map(|v| check::vm_report(v, &ws.modes))
        .collect();
    let warnings = collect_warnings(
        warnings,
        vms.iter().map(|r| (r.name.as_str(), r.warnings.as_slice())),
    );
    VmAnswer {
        schema: SCHEMA,
        question: Question::Vm,
        inputs: ws.inputs,
        errors: ws.errors,
        option_errors,
        warnings,
        modes_source: ws.modes.source.clone(),
        vms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::CrossCheck;
    use crate::session::OwnedSource;

    #[test]
    fn answers_schema_2_with_the_computed_min_mode() {
        let a = answer(&VmRequest {
            request: Request {
                inputs: vec![OwnedSource {
                    name: "vm-app01-on-esxi01.runtime.txt".to_string(),
                    text: include_str!(
                        "../../../examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt"
                    )
                    .to_string(),
                }],
                ..Default::default()
            },
        });
        assert_eq!((a.schema, a.question), (SCHEMA, Question::Vm));
        assert_eq!(a.vms.len(), 1);
        let vm = &a.vms[0];
        assert_eq!(vm.min_evc_mode.as_deref(), Some("intel-haswell"));
        assert_eq!(vm.min_evc_cross_check, CrossCheck::Agrees);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let a = answer(&VmRequest {
            request: Request {
                inputs: vec![OwnedSource {
                    name: "junk.txt".to_string(),
                    text: "\u{0}\u{1}not an input {{{".to_string(),
                }],
                ..Default::default()
            },
        });
        assert!(a.vms.is_empty());
        assert!(!a.errors.is_empty());
    }
}
