//! `evcalc maintenance`: can a host be evacuated, and what fixes it.

use super::{Common, Evc, Output, json, missing_text, outln, resolve_evc};
use crate::inputs::{self, Fail};
use crate::table::{Cell, Paint, Table, WIDTH, field, wrap};
use crate::{Ctx, MaintenanceArgs};
use evcalc::check;
use evcalc::model::Vm;
use evcalc::report::{MaintenanceReport, Remedy};
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
    super::attach_evidence(&mut loaded, &args.evc)?;
    let ws = &loaded.ws;
    if ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(ws.vms.len())));
    }
    let source = &ws.hosts[loaded.host_index(&args.host, "--host")?];
    let evc = resolve_evc(&args.evc, &ws.hosts, &ws.modes)?;
    let mut warnings = loaded.warnings.clone();
    let mut vms: Vec<Vm> = Vec::new();
    for spec in &args.vms {
        for vm in loaded.vms_for(spec)? {
            if vms
                .iter()
                .any(|v| v.name == vm.name && v.source == vm.source)
            {
                continue;
            }
            if let Some(h) = vm
                .host
                .as_deref()
                .filter(|h| !h.eq_ignore_ascii_case(&source.name))
                && ws.hosts.iter().any(|x| x.name.eq_ignore_ascii_case(h))
            {
                warnings.push(format!(
                    "{}: its dump says it runs on {h}, not {}; planned as if it ran on {}",
                    vm.name, source.name, source.name
                ));
            }
            if vm.requirements.all.is_empty() {
                warnings.push(format!(
                    "{}: no featureRequirement entries: it can move to any host",
                    vm.name
                ));
            }
            warnings.extend(vm.warnings.iter().map(|w| format!("{}: {w}", vm.name)));
            vms.push(vm.clone());
        }
    }
    for h in &ws.hosts {
        warnings.extend(loaded.host_warnings(h));
    }
    // Without --vm: the VMs loaded for the host (runtime dumps naming it), else "any VM".
    if args.vms.is_empty() {
        vms = ws
            .vms
            .iter()
            .filter(|v| {
                v.host
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(&source.name))
            })
            .filter(|v| !v.requirements.all.is_empty() || !v.mask_required.is_empty())
            .cloned()
            .collect();
        if !vms.is_empty() {
            warnings.push(format!(
                "planned with the {} VM dump{} loaded for {} (give --vm to choose others)",
                vms.len(),
                if vms.len() == 1 { "" } else { "s" },
                source.name
            ));
        }
    }
    let mut report = check::maintenance_at(
        &ws.hosts,
        &source.name,
        &vms,
        evc.setting,
        evc.per_vm,
        evc.vhw,
        &ws.modes,
    )
    .map_err(Fail::Usage)?;
    if !evc.only.is_empty() {
        check::limit_maintenance(&mut report, &evc.only);
    }
    for plan in &report.vms {
        for d in plan
            .destinations
            .iter()
            .filter(|d| d.verdict == evcalc::report::Verdict::Unknown)
        {
            warnings.push(format!(
                "{}: not counted as a destination for {}: not verifiable from the data ({} open point{})",
                d.to,
                plan.vm,
                d.unknown.len(),
                if d.unknown.len() == 1 { "" } else { "s" }
            ));
        }
    }
    let warnings = super::dedup(warnings);
    let stdout = if ctx.json {
        json(&MaintenanceJson {
            report: &report,
            evc: evc.choice(),
            common: Common {
                inputs: &ws.inputs,
                warnings: &warnings,
            },
        })
    } else {
        render(&report, &evc, ctx)
    };
    Ok(Output {
        stdout,
        code: super::exit_code(report.outcome),
        warnings,
    })
}

#[derive(serde::Serialize)]
struct MaintenanceJson<'a> {
    #[serde(flatten)]
    report: &'a MaintenanceReport,
    evc: evcalc::session::EvcChoice,
    #[serde(flatten)]
    common: Common<'a>,
}

fn render(r: &MaintenanceReport, evc: &Evc<'_>, ctx: &Ctx) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    let paint = if r.evacuable { Paint::Good } else { Paint::Bad };
    outln!(buf, "{}", st.paint(paint, &wrap(&r.verdict, WIDTH, 0)));
    buf.push_str(&field(2, "EVC mode", LW, &evc.describe()));
    if let Some(p) = evc.per_vm {
        buf.push_str(&field(
            2,
            "per-VM EVC",
            LW,
            &format!("{} ({})", p.key, p.label),
        ));
    }
    for plan in &r.vms {
        outln!(buf);
        let from = if plan.requirements_from == "input" {
            "requirements read from its dump".to_string()
        } else {
            format!("requirements {}", plan.requirements_from)
        };
        outln!(buf, "{}  ({from})", st.paint(Paint::Bold, &plan.vm));
        let mut t = Table::new(2).header(&["destination", "", "blocking features"]);
        for d in &plan.destinations {
            if d.verdict == evcalc::report::Verdict::Unknown {
                let note = if d.unknown_on_destination.is_empty() {
                    "unconfirmed: partial data (a fragment); nothing shown blocks the move"
                        .to_string()
                } else {
                    format!(
                        "unconfirmed: {}'s dump is a fragment; {} requirement{} not checked there",
                        d.to,
                        d.unknown_on_destination.len(),
                        if d.unknown_on_destination.len() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    )
                };
                t.row(vec![
                    Cell::new(d.to.clone()),
                    Cell::painted("ok?", Paint::Warn),
                    Cell::new(note),
                ]);
                continue;
            }
            if d.compatible {
                t.row(vec![
                    Cell::new(d.to.clone()),
                    Cell::painted("ok", Paint::Good),
                    Cell::new(""),
                ]);
                continue;
            }
            let mut reasons: Vec<String> =
                d.missing.iter().map(|m| missing_text(m, &d.to)).collect();
            if d.admission
                .as_ref()
                .is_some_and(|a| a.admitted == Some(false))
            {
                reasons.push(super::check::admission_text(d.admission.as_ref(), &d.to));
            }
            for (i, reason) in reasons.into_iter().enumerate() {
                let (name, verdict) = if i == 0 {
                    (Cell::new(d.to.clone()), Cell::painted("NO", Paint::Bad))
                } else {
                    (Cell::new(""), Cell::new(""))
                };
                t.row(vec![name, verdict, Cell::new(reason)]);
            }
        }
        if t.is_empty() {
            outln!(buf, "  no other host to move to");
        } else {
            buf.push_str(&t.render(st));
        }
    }
    if !r.remedies.is_empty() {
        outln!(buf);
        outln!(
            buf,
            "{}",
            st.paint(Paint::Bold, "Remedies, least disruptive first")
        );
        for rem in &r.remedies {
            render_remedy(&mut buf, rem, ctx);
        }
    }
    buf
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
