//! The subcommands. Each returns an [`Output`] (stdout text, exit code, warnings) or a
//! [`Fail`] (exit 2); `main` does the printing.

pub mod check;
pub mod cluster;
pub mod explain;
pub mod fleet;
pub mod host;
pub mod inventory;
pub mod maintenance;
pub mod modes;
pub mod plan;
pub mod vm;

use crate::Ctx;
use crate::inputs::Fail;
use crate::table::{Paint, Style};
use evcalc::evc::ModeCatalogue;
use evcalc::report::{CrossCheck, FeatureRef};
use evcalc::session::EvcChoice;
use serde::Serialize;

/// What a command produced.
#[derive(Default)]
pub struct Output {
    pub stdout: String,
    /// 0 = compatible / evacuable / done, 1 = not compatible / not evacuable.
    pub code: u8,
    /// Every warning once (also the JSON `warnings` field).
    pub warnings: Vec<String>,
    /// The inputs' typed summaries: their remarks are printed grouped by their parts
    /// ([`evcalc::app::host::warning_lines`]), never by reading `warnings` back.
    pub inputs: Vec<evcalc::session::InputSummary>,
    /// Each host's own remarks, by host name.
    pub host_notes: Vec<(String, Vec<String>)>,
}

impl Output {
    /// The warnings as printed to stderr: grouped where many inputs or hosts share one.
    pub fn warning_lines(&self) -> Vec<String> {
        let notes: Vec<(&str, &[String])> = self
            .host_notes
            .iter()
            .map(|(n, w)| (n.as_str(), w.as_slice()))
            .collect();
        evcalc::app::host::warning_lines(&self.inputs, &notes, &self.warnings)
    }
}

/// Appends a formatted line to a `String`.
macro_rules! outln {
    ($buf:expr) => { $buf.push('\n') };
    ($buf:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($buf, $($arg)*);
    }};
}
pub(crate) use outln;

/// Pretty JSON with a trailing newline. Structs keep their field order (`#[serde(flatten)]`
/// puts a core report's fields at the top level, followed by the CLI's own fields).
pub fn json(value: &impl Serialize) -> String {
    let mut s = serde_json::to_string(value)
        .and_then(|compact| {
            // Indented for people; answers over 1 MiB (fleets) stay compact: indentation would
            // more than double them (pipe through `jq` to read one).
            if compact.len() > JSON_PRETTY_LIMIT {
                Ok(compact)
            } else {
                serde_json::to_string_pretty(value)
            }
        })
        .unwrap_or_else(|e| format!("{{\"errors\": [{{\"message\": \"{e}\"}}]}}"));
    s.push('\n');
    s
}

/// `--json` output is indented up to this size (bytes, compact) and compact above it.
pub const JSON_PRETTY_LIMIT: usize = 1 << 20;

/// Deduplicates warnings, keeping their order.
pub fn dedup(warnings: Vec<String>) -> Vec<String> {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    warnings
        .into_iter()
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// Prints a failure to stderr (and, with `--json`, a `{"errors": […]}` object to stdout).
pub fn report_failure(
    fail: &Fail,
    ctx: &Ctx,
    err_style: &Style,
    question: Option<evcalc::app::Question>,
) {
    let label = err_style.paint(Paint::Bad, "error:");
    match fail {
        Fail::Usage(msg) => crate::eprint_line(&format!("evcalc: {label} {msg}")),
        Fail::Input(errors) => {
            for e in errors {
                crate::eprint_line(&format!(
                    "{}:{}:{}: {label} {}",
                    e.source, e.line, e.col, e.message
                ));
            }
            crate::eprint_line(&format!(
                "evcalc: {} input{} could not be read (shown as file:line:column above); nothing was computed",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ));
        }
    }
    if ctx.json {
        let errors: Vec<evcalc::app::ErrorItem> = match fail {
            Fail::Usage(msg) => vec![evcalc::app::ErrorItem::usage(msg.clone())],
            Fail::Input(errors) => errors.iter().map(evcalc::app::ErrorItem::from).collect(),
        };
        let text = serde_json::to_string_pretty(&evcalc::app::ErrorAnswer::new(question, errors))
            .unwrap_or_default();
        let _ = crate::write_stdout(&format!("{text}\n"));
    }
}

/// The exit code of a verdict: 0 compatible, 1 blocked, 3 unknown (not everything checked).
pub fn exit_code(v: evcalc::report::Verdict) -> u8 {
    match v {
        evcalc::report::Verdict::Compatible => 0,
        evcalc::report::Verdict::Blocked => 1,
        evcalc::report::Verdict::Unknown => 3,
    }
}

/// `cpuid.MDCLEAR (Microarchitectural Data clear)`.
pub fn feature(f: &FeatureRef) -> String {
    format!("{} ({})", f.key, f.label)
}

/// "intel-haswell (Intel® "Haswell" Generation), given" / "disabled (--evc none)".
pub fn evc_text(evc: &EvcChoice, modes: &ModeCatalogue) -> String {
    // The typed `assumed` flag decides, never the wording of `why`.
    let how = if evc.assumed {
        format!(
            "ASSUMED ({}): not in the data, so nothing is proven; give --evc MODE or --evc none",
            evc.why
        )
    } else {
        evc.why.clone()
    };
    match evc.mode.as_deref() {
        Some(m) => format!("{}, {how}", mode_text(m, modes)),
        None => format!("disabled, {how}"),
    }
}

/// A mode key with its label, when the key is in the catalogue.
pub fn mode_text(key: &str, modes: &ModeCatalogue) -> String {
    match modes.get(key) {
        Some(m) if m.label != m.key => format!("{} ({})", m.key, m.label),
        _ => key.to_string(),
    }
}

pub fn cross_check_text(c: CrossCheck) -> &'static str {
    match c {
        CrossCheck::Agrees => "agrees",
        CrossCheck::Differs => "differs",
        CrossCheck::NotReported => "not reported",
    }
}

/// `Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz` → `Intel Xeon E5-2686 v4 @ 2.30GHz`.
pub fn short_cpu(model: &str) -> String {
    model
        .replace("(R)", "")
        .replace("(r)", "")
        .replace("(TM)", "")
        .replace("(tm)", "")
        .split_whitespace()
        .filter(|w| *w != "CPU")
        .collect::<Vec<_>>()
        .join(" ")
}

/// `VMware ESXi 8.0.1 build-22513723` → `8.0.1 build-22513723`.
pub fn short_product(product: &str) -> String {
    product
        .trim()
        .strip_prefix("VMware ESXi ")
        .unwrap_or(product.trim())
        .to_string()
}

/// A wrapped list under a label: one item per line.
pub fn list_field(
    buf: &mut String,
    indent: usize,
    label: &str,
    label_width: usize,
    items: &[String],
) {
    if items.is_empty() {
        buf.push_str(&crate::table::field(indent, label, label_width, "none"));
        return;
    }
    for (i, item) in items.iter().enumerate() {
        buf.push_str(&crate::table::field(
            indent,
            if i == 0 { label } else { "" },
            label_width,
            item,
        ));
    }
}

/// A command as shell lines of at most `width` columns, continued with ` \`.
pub fn shell_lines(lead: &str, words: &[String], width: usize) -> String {
    let indent = " ".repeat(lead.chars().count() + 2);
    let mut out = String::new();
    let mut line = lead.to_string();
    let mut first = true;
    for w in words {
        let len = line.chars().count();
        if !first && len + 1 + w.chars().count() + 2 > width {
            out.push_str(&line);
            out.push_str(" \\\n");
            line = format!("{indent}{w}");
        } else {
            if !first {
                line.push(' ');
            }
            line.push_str(w);
        }
        first = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// Frees what a workspace holds of the inputs (hosts, their parsed inputs, VMs) once the answer
/// is made: the answer is rendered without them, and a 10,000-host fleet's inputs are most of
/// the peak memory.
pub fn release(ws: &mut evcalc::session::Workspace) {
    drop(std::mem::take(&mut ws.hosts));
    drop(std::mem::take(&mut ws.host_inputs));
    drop(std::mem::take(&mut ws.vms));
}
