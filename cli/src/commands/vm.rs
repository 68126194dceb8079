//! `evcalc vm`: per-VM requirements and the lowest EVC mode that admits them, rendered from
//! [`evcalc::app::vm::answer_in`]'s `VmAnswer` (`--json` prints it: contract v2).

use super::{Output, cross_check_text, json, mode_text, outln};
use crate::inputs::{self, Fail};
use crate::table::{Cell, Paint, Table, field};
use crate::{Ctx, VmArgs};
use evcalc::app::{self, vm::VmRequest};
use evcalc::evc::ModeCatalogue;
use evcalc::report::{CrossCheck, VmReport};

const LW: usize = 14;

pub fn run(args: &VmArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let files = inputs::expand(&args.files)?;
    let loaded = inputs::load(files, ctx.modes.as_deref())?;
    let modes = loaded.ws.modes.clone();
    let inputs = loaded.ws.inputs.clone();
    let hosts = loaded.ws.hosts.len();
    let answer = app::vm::answer_in(
        loaded.ws,
        &VmRequest::default(),
        Vec::new(),
        loaded.warnings,
    );
    if let Some(fail) = super::cluster::option_failure(&answer.option_errors) {
        return Err(fail);
    }
    if answer.vms.is_empty() {
        return Err(Fail::Usage(if hosts == 0 {
            "no VM found in the inputs (expected `vim-cmd vmsvc/get.runtime` output, a govc VirtualMachine or .vmx lines)"
                .to_string()
        } else {
            format!("no VM found in the inputs (they hold {hosts} host dump(s): try `evcalc host`)")
        }));
    }
    let stdout = if ctx.json {
        json(&answer)
    } else {
        let mut buf = String::new();
        for (i, r) in answer.vms.iter().enumerate() {
            if i > 0 {
                buf.push('\n');
            }
            render(&mut buf, r, &modes, ctx);
        }
        buf
    };
    Ok(Output {
        stdout,
        code: 0,
        warnings: answer.warnings,
        inputs,
        ..Output::default()
    })
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
