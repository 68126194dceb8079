//! `evcalc maintenance`: can a host be evacuated, and what fixes it — from
//! [`evcalc::app::maintenance::answer_in`] (`--json` prints the answer: contract v2). Which VMs
//! the plan covers is the core's rule; this module resolves the arguments and renders.

use super::{Output, json, outln};
use crate::inputs::{self, Fail};
use crate::table::{Cell, Paint, Table, WIDTH, field, wrap};
use crate::{Ctx, MaintenanceArgs};
use evcalc::app::maintenance::{MaintenanceAnswer, MaintenanceRequest};
use evcalc::app::{self, Blocker, Destination};
use evcalc::evc::ModeCatalogue;
use evcalc::report::{Remedy, Verdict};
use std::path::{Path, PathBuf};

const LW: usize = 12;

pub fn run(args: &MaintenanceArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let mut paths: Vec<PathBuf> = args.files.clone();
    for spec in &args.vms {
        if Path::new(spec).exists() {
            paths.push(PathBuf::from(spec));
        }
    }
    if paths.is_empty() {
        return Err(Fail::Usage(
            "no input files: give the cluster's host dumps as FILE arguments".to_string(),
        ));
    }
    let files = inputs::expand(&paths)?;
    let mut loaded = inputs::load(files, ctx.modes.as_deref())?;
    super::fleet::narrow(&mut loaded, args.evc.cluster.as_deref(), Some(&args.host))?;
    if loaded.ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(
            loaded.ws.vms.len(),
        )));
    }
    let host = loaded.ws.hosts[loaded.host_index(&args.host, "--host")?]
        .name
        .clone();
    let request = MaintenanceRequest {
        request: super::cluster::request(&args.evc),
        host,
        vms: args.vms.iter().flat_map(|s| loaded.vm_specs(s)).collect(),
    };
    let modes = loaded.ws.modes.clone();
    let inputs = loaded.ws.inputs.clone();
    let mut answer = app::maintenance::answer_in(&mut loaded.ws, &request, Vec::new());
    // The inputs are done with: free them before the answer is rendered (peak memory).
    super::release(&mut loaded.ws);
    if let Some(fail) = super::cluster::option_failure(&answer.option_errors) {
        return Err(fail);
    }
    let mut warnings = loaded.warnings;
    warnings.append(&mut answer.warnings);
    answer.warnings = super::dedup(warnings);
    let stdout = if ctx.json {
        json(&answer)
    } else {
        render(&answer, &modes, ctx)
    };
    Ok(Output {
        stdout,
        code: super::exit_code(answer.outcome),
        warnings: answer.warnings,
        inputs,
        ..Output::default()
    })
}

/// `cpuid.MDCLEAR (Microarchitectural Data clear): needs Bool:Min:1, has 0` (the destination
/// is named in its own column), or for a virtual hardware version the destination's ESXi does
/// not run, why.
pub fn blocker_text(b: &Blocker) -> String {
    if b.vhw_too_new.is_some()
        && let Some(why) = &b.why
    {
        return why.clone();
    }
    let base = format!(
        "{} ({}): needs {}, has {}",
        b.key, b.label, b.required, b.available
    );
    match (b.raw_available, b.why.as_deref()) {
        (Some(raw), Some(_)) if raw != b.available => {
            format!("{base} (raw {raw}: its EVC masks hide it)")
        }
        _ => base,
    }
}

fn render(a: &MaintenanceAnswer, modes: &ModeCatalogue, ctx: &Ctx) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    let Some(plan) = &a.plan else {
        return buf;
    };
    let paint = match plan.outcome {
        Verdict::Compatible => Paint::Good,
        Verdict::Blocked => Paint::Bad,
        Verdict::Unknown => Paint::Warn,
    };
    outln!(buf, "{}", st.paint(paint, &wrap(&plan.verdict, WIDTH, 0)));
    buf.push_str(&field(2, "EVC mode", LW, &super::evc_text(&a.evc, modes)));
    if let Some(p) = &a.per_vm_evc_mode {
        buf.push_str(&field(2, "per-VM EVC", LW, &super::mode_text(p, modes)));
    }
    for vms in &plan.vms {
        outln!(buf);
        let from = if vms.real_vm {
            "requirements read from its dump".to_string()
        } else {
            format!("requirements {}", vms.requirements_from)
        };
        outln!(buf, "{}  ({from})", st.paint(Paint::Bold, &vms.vm));
        let mut t = Table::new(2).header(&["destination", "", "blocking features"]);
        for d in &vms.destinations {
            destination_rows(&mut t, a, d);
        }
        if t.is_empty() {
            outln!(buf, "  no other host to move to");
        } else {
            buf.push_str(&t.render(st));
        }
    }
    if !plan.remedies.is_empty() {
        outln!(buf);
        outln!(
            buf,
            "{}",
            st.paint(Paint::Bold, "Remedies, least disruptive first")
        );
        for rem in &plan.remedies {
            render_remedy(&mut buf, rem, ctx);
        }
    }
    buf
}

fn destination_rows(t: &mut Table, a: &MaintenanceAnswer, d: &Destination) {
    let to = a.destination_name(d);
    match d.verdict {
        Verdict::Unknown => {
            let note = match d.unknowns.len() {
                0 => "unconfirmed: partial data (a fragment); nothing shown blocks the move"
                    .to_string(),
                n => {
                    let first = a
                        .unknowns
                        .get(d.unknowns[0] as usize)
                        .map(|u| u.why.clone())
                        .unwrap_or_default();
                    if n == 1 {
                        format!("unconfirmed: {first}")
                    } else {
                        format!("unconfirmed: {first}; and {} more open points", n - 1)
                    }
                }
            };
            t.row(vec![
                Cell::new(to),
                Cell::painted("ok?", Paint::Warn),
                Cell::new(note),
            ]);
        }
        Verdict::Compatible => t.row(vec![
            Cell::new(to),
            Cell::painted("ok", Paint::Good),
            Cell::new(""),
        ]),
        Verdict::Blocked => {
            let mut reasons: Vec<String> = d
                .blockers
                .iter()
                .filter_map(|&b| a.blockers.get(b as usize))
                .map(blocker_text)
                .collect();
            if d.destination_not_admitted {
                let admission = a
                    .classes
                    .get(d.class as usize)
                    .and_then(|c| c.admission.as_ref());
                reasons.push(super::check::admission_text(admission, &to));
            }
            if reasons.is_empty() {
                reasons.push("blocked".to_string());
            }
            for (i, reason) in reasons.into_iter().enumerate() {
                let (name, verdict) = if i == 0 {
                    (Cell::new(to.clone()), Cell::painted("NO", Paint::Bad))
                } else {
                    (Cell::new(""), Cell::new(""))
                };
                t.row(vec![name, verdict, Cell::new(reason)]);
            }
        }
    }
}

fn render_remedy(buf: &mut String, rem: &Remedy, ctx: &Ctx) {
    let st = &ctx.style;
    let number = format!("{:>3}. ", rem.rank);
    let indent = number.len();
    outln!(
        buf,
        "{number}{}",
        st.paint(Paint::Bold, &wrap(&rem.action, WIDTH - indent, indent))
    );
    buf.push_str(&field(indent, "why", 10, &rem.why));
    buf.push_str(&field(indent, "disruption", 10, &rem.disruption));
    if let Some(v) = &rem.verify {
        buf.push_str(&field(indent, "verify", 10, v));
    }
    if let Some(r) = &rem.reference {
        buf.push_str(&field(indent, "reference", 10, r));
    }
    buf.push_str(&field(indent, "evidence", 10, &rem.evidence));
}
