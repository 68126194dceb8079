//! `evcalc host`: per-host summary.

use super::{
    Common, Output, cross_check_text, feature, json, list_field, mode_text, outln, short_cpu,
};
use crate::inputs::{self, Fail};
use crate::table::{Paint, field};
use crate::{Ctx, HostArgs};
use evcalc::check;
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
    let overrides: Vec<evcalc::plan::Override> = args
        .set
        .iter()
        .map(|s| evcalc::plan::parse_override(s).map_err(|e| Fail::Usage(format!("--set: {e}"))))
        .collect::<Result<_, _>>()?;
    if !overrides.is_empty() {
        for host in &mut loaded.ws.hosts {
            evcalc::plan::apply_overrides_to_host(host, &overrides);
        }
    }
    let ws = &loaded.ws;
    if ws.hosts.is_empty() {
        return Err(Fail::Usage(no_hosts_message(ws.vms.len())));
    }
    let reports: Vec<HostReport> = ws
        .hosts
        .iter()
        .map(|h| check::host_report(h, &ws.modes))
        .collect();
    let mut warnings = loaded.warnings.clone();
    for r in &reports {
        warnings.extend(r.warnings.iter().map(|w| format!("{}: {w}", r.name)));
    }
    let warnings = super::dedup(warnings);
    let stdout = if ctx.json {
        json(&HostsJson {
            hosts: &reports,
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
struct HostsJson<'a> {
    hosts: &'a [HostReport],
    modes_source: &'a str,
    #[serde(flatten)]
    common: Common<'a>,
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
        (None, _) => "none (the host lacks features of the lowest mode)".to_string(),
    };
    buf.push_str(&field(2, "max EVC mode", LW, &st.paint(Paint::Bold, &max)));
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
        let items: Vec<String> = b.missing.iter().map(feature).collect();
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
