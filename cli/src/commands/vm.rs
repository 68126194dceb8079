//! `evcalc vm`: per-VM requirements and the lowest EVC mode that admits them.

use super::{Common, Output, cross_check_text, json, mode_text, outln};
use crate::inputs::{self, Fail};
use crate::table::{Cell, Paint, Table, field};
use crate::{Ctx, VmArgs};
use evcalc::check;
use evcalc::evc::ModeCatalogue;
use evcalc::report::{CrossCheck, VmReport};

const LW: usize = 14;

pub fn run(args: &VmArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let files = inputs::expand(&args.files)?;
    let loaded = inputs::load(files, ctx.modes.as_deref())?;
    let ws = &loaded.ws;
    if ws.vms.is_empty() {
        return Err(Fail::Usage(if ws.hosts.is_empty() {
            "no VM found in the inputs (expected `vim-cmd vmsvc/get.runtime` output, a govc VirtualMachine or .vmx lines)"
                .to_string()
        } else {
            format!(
                "no VM found in the inputs (they hold {} host dump(s): try `evcalc host`)",
                ws.hosts.len()
            )
        }));
    }
    let reports: Vec<VmReport> = ws
        .vms
        .iter()
        .map(|v| check::vm_report(v, &ws.modes))
        .collect();
    let mut warnings = loaded.warnings.clone();
    for r in &reports {
        warnings.extend(r.warnings.iter().map(|w| format!("{}: {w}", r.name)));
    }
    let warnings = super::dedup(warnings);
    let stdout = if ctx.json {
        json(&VmsJson {
            vms: &reports,
            modes_source: &ws.modes.source,
            common: Common {
                inputs: &ws.inputs,
                warnings: &warnings,
            },
        })
    } else {
        let mut buf = String::new();
        for (i, r) in reports.iter().enumerate() {
            if i > 0 {
                buf.push('\n');
            }
            render(&mut buf, r, &ws.modes, ctx);
        }
        buf
    };
    Ok(Output {
        stdout,
        code: 0,
        warnings,
    })
}

#[derive(serde::Serialize)]
struct VmsJson<'a> {
    vms: &'a [VmReport],
    modes_source: &'a str,
    #[serde(flatten)]
    common: Common<'a>,
}

fn render(buf: &mut String, r: &VmReport, modes: &ModeCatalogue, ctx: &Ctx) {
    let st = &ctx.style;
    outln!(buf, "{}  ({})", st.paint(Paint::Bold, &r.name), r.source);
    if let Some(h) = &r.host {
        buf.push_str(&field(2, "host", LW, h));
    }
    if let Some(p) = &r.power_state {
        buf.push_str(&field(2, "power state", LW, p));
    }
    let min = match &r.min_evc_mode {
        Some(m) => mode_text(m, modes),
        None if r.requirements.is_empty() => "any (no requirements)".to_string(),
        None => "none: no EVC mode exposes all of its requirements".to_string(),
    };
    buf.push_str(&field(2, "min EVC mode", LW, &st.paint(Paint::Bold, &min)));
    if let Some(k) = &r.reported_min_evc_mode {
        let c = r.min_evc_cross_check;
        let paint = if c == CrossCheck::Differs {
            Paint::Warn
        } else {
            Paint::Good
        };
        buf.push_str(&field(
            2,
            "cross-check",
            LW,
            &format!(
                "minRequiredEVCModeKey = {k}: {}",
                st.paint(paint, cross_check_text(c))
            ),
        ));
    }
    if let Some(m) = &r.per_vm_mask_mode {
        let lines = format!(
            "{} featMask line{}",
            r.masks.len(),
            if r.masks.len() == 1 { "" } else { "s" }
        );
        if m == "custom" {
            let keys: Vec<String> = r
                .masks
                .iter()
                .take(4)
                .map(|k| format!("{}={}", k.key, k.mask))
                .collect();
            let more = if r.masks.len() > 4 { ", …" } else { "" };
            let text = format!("{lines} matching no EVC mode: {}{more}", keys.join(", "));
            buf.push_str(&field(2, "VM masks", LW, &text));
        } else {
            buf.push_str(&field(
                2,
                "per-VM EVC",
                LW,
                &format!("{} ({lines})", mode_text(m, modes)),
            ));
        }
    }
    if r.requirements.is_empty() {
        buf.push_str(&field(2, "requirements", LW, "none"));
        return;
    }
    buf.push_str(&field(
        2,
        "requirements",
        LW,
        &r.requirements.len().to_string(),
    ));
    let mut t = Table::new(4).header(&["key", "required", "label"]);
    for q in &r.requirements {
        t.row(vec![
            Cell::new(q.key.clone()),
            Cell::new(q.required.clone()),
            Cell::new(q.label.clone()),
        ]);
    }
    buf.push_str(&t.render(st));
}
