//! `evcalc host`: per-host summary, rendered from [`evcalc::app::host::answer_in`]'s
//! `HostAnswer` (`--json` prints it: contract v2).

use super::{Output, cross_check_text, feature, json, list_field, mode_text, outln, short_cpu};
use crate::inputs::{self, Fail};
use crate::table::{Paint, field};
use crate::{Ctx, HostArgs};
use evcalc::app::{self, host::HostRequest};
use evcalc::evc::ModeCatalogue;
use evcalc::model::Host;
use evcalc::report::{CrossCheck, HostReport};

const LW: usize = 14;

pub fn run(args: &HostArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let files = inputs::expand(&args.files)?;
    let mut loaded = inputs::load(files, ctx.modes.as_deref())?;
    if args.local {
        let (input, notes) = crate::local::read_local_host_with_warnings()
            .map_err(|e| Fail::Usage(format!("--local: {e}")))?;
        let mut host = Host::from_input(&input, "local", "this machine");
        host.warnings.extend(notes);
        loaded.ws.hosts.push(host);
    }
    let modes = loaded.ws.modes.clone();
    let inputs = loaded.ws.inputs.clone();
    let vms = loaded.ws.vms.len();
    let request = HostRequest {
        set: args.set.clone(),
        ..Default::default()
    };
    let answer = app::host::answer_in(loaded.ws, &request, Vec::new(), loaded.warnings);
    if let Some(fail) = super::cluster::option_failure(&answer.option_errors) {
        return Err(fail);
    }
    if answer.hosts.is_empty() {
        return Err(Fail::Usage(no_hosts_message(vms)));
    }
    let stdout = if ctx.json {
        json(&answer)
    } else {
        let mut buf = String::new();
        for (i, r) in answer.hosts.iter().enumerate() {
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
        host_notes: answer
            .hosts
            .iter()
            .map(|h| (h.name.clone(), h.warnings.clone()))
            .collect(),
        warnings: answer.warnings,
        inputs,
    })
}

pub fn no_hosts_message(vms: usize) -> String {
    if vms > 0 {
        format!("no host found in the inputs (they hold {vms} VM dump(s): try `evcalc vm`)")
    } else {
        "no host found in the inputs (expected `vim-cmd hostsvc/hostconfig` output or a govc HostSystem)".to_string()
    }
}

fn render(buf: &mut String, r: &HostReport, modes: &ModeCatalogue, ctx: &Ctx) {
    let st = &ctx.style;
    outln!(buf, "{}  ({})", st.paint(Paint::Bold, &r.name), r.source);
    let mut cpu = Vec::new();
    let model = r.cpu_model.as_deref().map(short_cpu);
    if let Some(v) = r.vendor
        && !model.as_deref().is_some_and(|m| {
            m.to_ascii_lowercase()
                .starts_with(&v.to_string().to_ascii_lowercase())
        })
    {
        cpu.push(v.to_string());
    }
    if let Some(m) = model {
        cpu.push(m);
    }
    let mut ids = Vec::new();
    if let Some(f) = r.family {
        ids.push(format!("family {f}"));
    }
    if let Some(m) = r.model {
        ids.push(format!("model {m:#x}"));
    }
    if let Some(s) = r.stepping {
        ids.push(format!("stepping {s}"));
    }
    if !ids.is_empty() {
        cpu.push(format!("({})", ids.join(", ")));
    }
    let cpu = if cpu.is_empty() {
        "unknown".to_string()
    } else {
        cpu.join("  ")
    };
    buf.push_str(&field(2, "CPU", LW, &cpu));
    buf.push_str(&field(
        2,
        "ESXi",
        LW,
        r.product.as_deref().unwrap_or("not in the input"),
    ));
    let features = if r.fragment {
        format!(
            "{} present (a fragment: only the listed keys are known)",
            r.feature_count
        )
    } else {
        format!("{} known features present", r.feature_count)
    };
    buf.push_str(&field(2, "features", LW, &features));
    let max = match (&r.max_evc_mode, r.fragment) {
        (_, true) => "cannot be computed from a fragment".to_string(),
        (Some(m), _) => mode_text(m, modes),
        (None, _) if r.max_evc_mode_possible.is_some() => "none for certain".to_string(),
        (None, _) => "none (the host lacks features of the lowest mode)".to_string(),
    };
    buf.push_str(&field(2, "max EVC mode", LW, &st.paint(Paint::Bold, &max)));
    // The top of the range; lower uncertain modes share its condition or a weaker one (JSON lists all).
    if let Some(u) = r
        .uncertain_modes
        .iter()
        .find(|u| Some(&u.mode) == r.max_evc_mode_possible.as_ref())
    {
        buf.push_str(&field(
            2,
            "possible",
            LW,
            &format!("{} {}", u.mode, u.condition),
        ));
    }
    if !r.unrecorded.is_empty() {
        let keys: Vec<&str> = r.unrecorded.iter().map(|f| f.key.as_str()).collect();
        buf.push_str(&field(
            2,
            "unrecorded",
            LW,
            &format!("{} (unknown, not absent)", keys.join(", ")),
        ));
    }
    let reported = match (&r.reported_max_evc_mode, r.max_evc_cross_check) {
        (Some(k), c) => {
            let verdict = cross_check_text(c);
            let paint = if c == CrossCheck::Differs {
                Paint::Warn
            } else {
                Paint::Good
            };
            format!("maxEVCModeKey = {k}: {}", st.paint(paint, verdict))
        }
        (None, _) => "no maxEVCModeKey in the input".to_string(),
    };
    buf.push_str(&field(2, "cross-check", LW, &reported));
    if let Some(c) = &r.reported_current_evc_mode {
        buf.push_str(&field(
            2,
            "current EVC",
            LW,
            &format!("{c} (reported by the input)"),
        ));
    }
    if !r.fragment {
        buf.push_str(&field(
            2,
            "supported",
            LW,
            &if r.supported_evc_modes.is_empty() {
                "none".to_string()
            } else {
                r.supported_evc_modes.join(", ")
            },
        ));
    }
    for b in &r.next_mode_blockers {
        let label = format!("{} needs:", b.mode);
        let mut items: Vec<String> = b.missing.iter().map(feature).collect();
        items.extend(
            b.unproven
                .iter()
                .map(|f| format!("{} (admission role unproven)", feature(f))),
        );
        items.extend(
            b.unrecorded
                .iter()
                .map(|f| format!("{} (not recorded by the input)", feature(f))),
        );
        list_field(buf, 2, "next mode", LW, &[label]);
        list_field(
            buf,
            2,
            "",
            LW,
            &items.iter().map(|i| format!("  {i}")).collect::<Vec<_>>(),
        );
    }
    if r.next_mode_blockers.is_empty() && !r.fragment && r.max_evc_mode.is_some() {
        buf.push_str(&field(
            2,
            "next mode",
            LW,
            "none: this is the highest mode of its vendor",
        ));
    }
    let mitigations: Vec<String> = r.mitigations.iter().map(feature).collect();
    list_field(buf, 2, "mitigations", LW, &mitigations);
    if !r.unknown_keys.is_empty() {
        let keys: Vec<String> = r
            .unknown_keys
            .iter()
            .map(|k| format!("{}={}", k.key, k.value))
            .collect();
        buf.push_str(&field(2, "unknown keys", LW, &keys.join(", ")));
    }
}
