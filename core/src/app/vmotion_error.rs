//! The error-text question: what a vCenter vMotion / power-on CPU error says, in plain words, and
//! — with the hosts' dumps — the mechanism and remedy for exactly those features (contract v2:
//! [`ExplainAnswer`], `"question": "vmotion-error"`).
//!
//! Alone, the error is vCenter's own verdict for one move at one time: the answer is `blocked`
//! (exit 1) for that move, names the features, and says what to collect next. With host dumps the
//! verdict is evcalc's own, computed on the dumps with the check restricted to the error's
//! features (the request's `only`, as `--only` does): the cluster answer (or one move with
//! `from`/`to`) then gives the mechanism and remedy for those features. When the dumps find
//! nothing blocked for them, the answer says the dumps do not reproduce the error (other hosts,
//! or a state that changed since) and is `unknown` (exit 3).

use super::check::{CheckAnswer, CheckRequest};
use super::host::input_warnings;
use super::{ClusterAnswer, OptionError, Question, Request, SCHEMA, option_error};
use crate::catalogue::catalogue;
use crate::parse::vmotion_error::ErrorForm;
use crate::report::{FeatureRef, Verdict};
use crate::session::{self, InputError, InputSummary};
use serde::Serialize;

/// The error-text question.
#[derive(Debug, Clone, Default)]
pub struct ExplainRequest {
    /// The error text(s) and, optionally, host and VM dumps.
    pub request: Request,
    /// With dumps: the move's source host (its name).
    pub from: Option<String>,
    /// With dumps: the move's destination host (its name).
    pub to: Option<String>,
}

/// One feature the error names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ErrorFeatureReport {
    /// The catalogue feature, when the name resolves to one.
    pub feature: Option<FeatureRef>,
    /// As the error wrote it.
    pub named: String,
    /// `true`: the VM needs it and the target lacks it; `false`: the VM needs it absent.
    pub must_be_present: bool,
    /// A candidate only: the error named its CPUID register, not the bit.
    pub candidate: bool,
    /// A patch-era mitigation (microcode and hypervisor patch, not CPU generation).
    pub patch_era: bool,
    /// The form of the error it was read from.
    pub form: ErrorForm,
    /// The form is reported by admins but not confirmed by a public source.
    pub reported_not_confirmed: bool,
    /// The input (error text) it comes from.
    pub source: String,
    /// 1-based line in that text where the error names or shows it (for a candidate: its register).
    pub line: u32,
    /// The feature in plain words: what it is and what its absence on the target means.
    pub words: String,
}

/// A CPUID register an error names, with the bits it showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ErrorRegisterReport {
    /// e.g. `0x80000001`.
    pub level: String,
    /// `eax`, `ebx`, `ecx` or `edx`.
    pub register: String,
    /// The `Host bits` shown (groups of 4, bit 31 first); `None`: the error names the register
    /// only.
    pub host_bits: Option<String>,
    /// The `Required` bits shown (`CpuIdInfo` characters, bit 31 first); `None`: the error
    /// names the register only.
    pub required_bits: Option<String>,
    /// The input (error text) it comes from.
    pub source: String,
}

/// The answer to "what does this vMotion error mean, and what fixes it?".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ExplainAnswer {
    /// Always 2.
    pub schema: u32,
    /// `vmotion-error`.
    pub question: Question,
    /// What each input contributed.
    pub inputs: Vec<InputSummary>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Problems with the request's options (no error text among the inputs, `from` without
    /// `to`), with dumps also those of the check or cluster answer.
    pub option_errors: Vec<OptionError>,
    /// What a person should know: the inputs' warnings, then the answer's own.
    pub warnings: Vec<String>,
    /// Alone: `blocked` (vCenter's verdict for that move). With dumps: evcalc's verdict on the
    /// dumps for the error's features, `unknown` when the dumps do not reproduce the error.
    pub verdict: Verdict,
    /// Where the verdict comes from: `vcenter-error` or `dumps`.
    pub verdict_from: String,
    /// The answer in a sentence or two: what blocks, and whose verdict it is.
    pub headline: String,
    /// The error forms found, each once.
    pub forms: Vec<ErrorForm>,
    /// The features the error names (each once per form), or the candidates of a named register.
    pub features: Vec<ErrorFeatureReport>,
    /// The CPUID registers the error names.
    pub registers: Vec<ErrorRegisterReport>,
    /// The catalogue keys the check was restricted to (`only`).
    pub only: Vec<String>,
    /// What to collect next (alone) or to confirm the remedy (with dumps).
    pub collect_next: Vec<String>,
    /// With host dumps and without `from`/`to`: the cluster answer restricted to the features.
    pub cluster: Option<ClusterAnswer>,
    /// With `from` and `to`: that move, restricted to the features.
    pub check: Option<CheckAnswer>,
}

impl ExplainAnswer {
    /// The exit code: 0 compatible, 1 blocked, 3 unknown.
    pub fn exit_code(&self) -> u8 {
        match self.verdict {
            Verdict::Compatible => 0,
            Verdict::Blocked => 1,
            Verdict::Unknown => 3,
        }
    }
}

fn words(f: &crate::parse::vmotion_error::ErrorFeature) -> String {
    let cat = catalogue();
    let Some(id) = f.feature else {
        return format!(
            "`{}` is not in evcalc's feature catalogue: its meaning is unknown here; a host dump shows whether the \
             target has it",
            f.named
        );
    };
    let d = cat.def(id);
    let what = if f.candidate {
        format!(
            "{} ({}) may be the one: the error names only its CPUID register",
            d.key, d.label
        )
    } else if f.must_be_present {
        format!(
            "{} ({}): the VM was powered on where it was visible and keeps needing it; the target does not offer it",
            d.key, d.label
        )
    } else {
        format!(
            "{} ({}): the VM was powered on where it was absent and needs it absent; the target shows it (the \
             legacy CPUID check of old virtual hardware, or a per-VM mask, compares both ways)",
            d.key, d.label
        )
    };
    if d.patch_era {
        format!(
            "{what}. A patch-era mitigation: the target's microcode is not active, or its EVC masks are stale — \
             host dumps (raw and masked values) tell which"
        )
    } else {
        format!(
            "{what}. A CPU-generation feature: the target's CPU, BIOS setting or EVC mode lacks it"
        )
    }
}

/// Answers the error-text question for a request.
pub fn answer(request: &ExplainRequest) -> ExplainAnswer {
    let mut option_errors = Vec::new();
    let mut ws = super::load(&request.request, &mut option_errors);
    let warnings = input_warnings(&ws.inputs);
    answer_in(&mut ws, request, option_errors, warnings)
}

/// [`answer`] for inputs already loaded.
pub fn answer_in(
    ws: &mut session::Workspace,
    request: &ExplainRequest,
    mut option_errors: Vec<OptionError>,
    mut warnings: Vec<String>,
) -> ExplainAnswer {
    let cat = catalogue();
    let mut forms = Vec::new();
    let mut features: Vec<ErrorFeatureReport> = Vec::new();
    let mut registers = Vec::new();
    for (source, e) in &ws.mode_level.errors {
        for f in &e.forms {
            if !forms.contains(f) {
                forms.push(*f);
            }
        }
        for r in &e.registers {
            registers.push(ErrorRegisterReport {
                level: format!("0x{:x}", r.level),
                register: r.register.to_string().to_ascii_lowercase(),
                host_bits: r.host_bits.clone(),
                required_bits: r.required_bits.clone(),
                source: source.clone(),
            });
        }
        for f in &e.features {
            if features
                .iter()
                .any(|x| x.named.eq_ignore_ascii_case(&f.named) && x.form == f.form)
            {
                continue;
            }
            features.push(ErrorFeatureReport {
                feature: f.feature.map(crate::check::feature_ref),
                named: f.named.clone(),
                must_be_present: f.must_be_present,
                candidate: f.candidate,
                patch_era: f.feature.is_some_and(|id| cat.def(id).patch_era),
                form: f.form,
                reported_not_confirmed: f.form == ErrorForm::VmfeatureKeys,
                source: source.clone(),
                line: f.pos.line,
                words: words(f),
            });
        }
    }
    if ws.mode_level.errors.is_empty() {
        option_errors.push(option_error(
            super::Opt::Request,
            "no vCenter CPU error text among the inputs (e.g. \"Host CPU is incompatible with the virtual \
             machine's requirements at CPUID level 0x1 register 'ecx'\")",
        ));
    }
    let mut only: Vec<String> = Vec::new();
    for f in &features {
        if let Some(r) = &f.feature
            && !only.iter().any(|k| k == &r.key)
        {
            only.push(r.key.clone());
        }
    }
    if forms.contains(&ErrorForm::VmfeatureKeys) {
        warnings.push(
            "the untranslated `com.vmware.vim.vmfeature.*` form is reported by admins but not confirmed by a public \
             source: its keys are read as the features vCenter names"
                .to_string(),
        );
    }
    let named: Vec<String> = features
        .iter()
        .filter(|f| !f.candidate)
        .map(|f| {
            f.feature
                .as_ref()
                .map_or_else(|| f.named.clone(), |r| r.key.clone())
        })
        .collect();
    let candidates = features.iter().filter(|f| f.candidate).count();
    let what = if named.is_empty() {
        format!(
            "the error names CPUID register {} only: {candidates} features are candidates",
            registers
                .iter()
                .map(|r| format!("{} {}", r.level, r.register))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!("blocked by {}", named.join(", "))
    };
    let mut collect_next = Vec::new();
    let (verdict, verdict_from, headline, cluster, check) = if ws.hosts.is_empty() {
        collect_next.push(
            "on the source and the target host: `vim-cmd hostsvc/hostconfig > HOST.txt` (raw and EVC-masked \
             featureCapability)"
                .to_string(),
        );
        collect_next.push(
            "for the VM, on its host: `vim-cmd vmsvc/getallvms` then `vim-cmd vmsvc/get.runtime VMID > VM.txt` \
             (its featureRequirement)"
                .to_string(),
        );
        if !only.is_empty() {
            collect_next.push(format!(
                "then: `evcalc explain ERROR.txt HOSTS/ --from SOURCE --to TARGET` (the check restricted to {})",
                only.join(", ")
            ));
        }
        let headline = format!(
            "vCenter refused this move: {what}. This is vCenter's verdict for one move; host dumps give the \
             mechanism and the fix."
        );
        (
            if ws.mode_level.errors.is_empty() {
                Verdict::Unknown
            } else {
                Verdict::Blocked
            },
            "vcenter-error".to_string(),
            headline,
            None,
            None,
        )
    } else {
        let mut req = request.request.clone();
        req.inputs.clear();
        req.only = only.clone();
        if let (Some(from), Some(to)) = (&request.from, &request.to) {
            let c = super::check::answer_in(
                ws,
                &CheckRequest {
                    request: req,
                    to: to.clone(),
                    from: Some(from.clone()),
                    vm: None,
                    to_evc: None,
                },
                std::mem::take(&mut option_errors),
            );
            option_errors = c.option_errors.clone();
            let v = c.outcome;
            let (verdict, headline) = reproduced(v, &what, &format!("{from} → {to}"));
            (verdict, "dumps".to_string(), headline, None, Some(c))
        } else {
            if request.from.is_some() != request.to.is_some() {
                option_errors.push(option_error(
            super::Opt::To,
                    "give both the source and the destination host for one move, or neither for the whole cluster",
                ));
            }
            let c = super::cluster_in(ws, &req, std::mem::take(&mut option_errors));
            option_errors = c.option_errors.clone();
            let (verdict, headline) = reproduced(c.outcome, &what, "the loaded hosts");
            (verdict, "dumps".to_string(), headline, Some(c), None)
        }
    };
    if verdict_from == "dumps" && verdict != Verdict::Blocked {
        warnings.push(
            "the dumps do not reproduce vCenter's error for these features: they may not be the hosts of that move, \
             or were taken at another time (microcode, BIOS or EVC masks changed since)"
                .to_string(),
        );
    }
    ExplainAnswer {
        schema: SCHEMA,
        question: Question::VmotionError,
        inputs: ws.inputs.clone(),
        errors: ws.errors.clone(),
        option_errors,
        warnings,
        verdict,
        verdict_from,
        headline,
        forms,
        features,
        registers,
        only,
        collect_next,
        cluster,
        check,
    }
}

fn reproduced(v: Verdict, what: &str, scope: &str) -> (Verdict, String) {
    match v {
        Verdict::Blocked => (
            Verdict::Blocked,
            format!(
                "vCenter's error ({what}) is reproduced by the dumps for {scope}: see the mechanism and remedy below."
            ),
        ),
        _ => (
            Verdict::Unknown,
            format!(
                "vCenter's error ({what}) is not reproduced by the dumps for {scope}: nothing blocks on these features \
                 there."
            ),
        ),
    }
}
