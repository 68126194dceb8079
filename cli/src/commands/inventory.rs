//! `evcalc inventory`: RVTools at mode level (`app::inventory`), also what `evcalc cluster`
//! answers when only RVTools files are given.

use super::{Output, json, outln};
use crate::inputs::{self, Fail, Loaded};
use crate::table::{Cell, Paint, Table, field, wrap};
use crate::{Ctx, InventoryArgs};
use evcalc::app::inventory::{self, InventoryAnswer, InventoryRequest, ModeVerdict};

pub fn run(args: &InventoryArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let files = inputs::expand(&args.files)?;
    let loaded = inputs::load(files, ctx.modes.as_deref())?;
    answer_loaded(
        loaded,
        args.cluster.clone(),
        args.into.clone(),
        args.to_evc.clone(),
        ctx,
    )
}

/// The mode-level answer for loaded inputs (`inventory`, and `cluster` with RVTools only).
pub fn answer_loaded(
    loaded: Loaded,
    cluster: Option<String>,
    into: Option<String>,
    to_evc: Option<String>,
    ctx: &Ctx,
) -> Result<Output, Fail> {
    let Loaded { ws, warnings, .. } = loaded;
    let inputs = ws.inputs.clone();
    let request = InventoryRequest {
        cluster,
        into,
        to_evc,
        ..Default::default()
    };
    let answer = inventory::answer_in(ws, &request, Vec::new(), Vec::new());
    if let Some(fail) = super::cluster::option_failure(&answer.option_errors) {
        return Err(fail);
    }
    let mut all = warnings;
    all.extend(answer.warnings.iter().cloned());
    let stdout = if ctx.json {
        json(&answer)
    } else {
        render(&answer, ctx)
    };
    Ok(Output {
        stdout,
        code: answer.exit_code(),
        warnings: super::dedup(all),
        inputs,
        ..Output::default()
    })
}

fn verdict_cell(v: ModeVerdict) -> Cell {
    match v {
        ModeVerdict::Blocked => Cell::painted("blocked", Paint::Bad),
        ModeVerdict::MayBeBlocked => Cell::painted("may be blocked", Paint::Warn),
        ModeVerdict::NoModeLevelBlocker => Cell::painted("no mode-level blocker", Paint::Warn),
        ModeVerdict::NotScreened => Cell::painted("not screened", Paint::Dim),
    }
}

fn or_dash(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "–".to_string())
}

fn render(a: &InventoryAnswer, ctx: &Ctx) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    outln!(
        buf,
        "{}",
        st.paint(Paint::Bold, &wrap(&a.headline, crate::table::WIDTH, 0))
    );
    outln!(buf);
    for c in &a.clusters {
        outln!(
            buf,
            "{}",
            st.paint(
                Paint::Bold,
                &format!(
                    "Cluster {}{} — {} hosts, {} VMs ({} powered on)",
                    c.name,
                    c.datacenter
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default(),
                    c.hosts.len(),
                    c.vms,
                    c.vms_powered_on
                )
            )
        );
        buf.push_str(&field(2, "EVC", 14, &c.evc.why));
        buf.push_str(&field(
            2,
            "common mode",
            14,
            &format!(
                "{} — {}",
                c.highest_common_mode.as_deref().unwrap_or("not computed"),
                c.highest_common_why
            ),
        ));
        if c.drift {
            let modes: Vec<String> = c
                .max_evc_modes
                .iter()
                .map(|m| {
                    format!(
                        "{} ({})",
                        m.mode.as_deref().unwrap_or("blank"),
                        m.hosts.join(", ")
                    )
                })
                .collect();
            buf.push_str(&field(2, "Max EVC drift", 14, &modes.join("; ")));
        }
        if !c.groups.is_empty() {
            let mut t = Table::new(2).header(&["Max EVC", "vendor", "ESX build", "BIOS", "hosts"]);
            for g in &c.groups {
                t.row(vec![
                    or_dash(&g.max_evc).into(),
                    or_dash(&g.server_vendor).into(),
                    or_dash(&g.esx_build).into(),
                    or_dash(&g.bios_version).into(),
                    g.hosts.join(", ").into(),
                ]);
            }
            buf.push_str(&t.render(st));
        }
        if c.vms_without_mode > 0 {
            buf.push_str(&field(
                2,
                "note",
                14,
                &format!(
                    "{} powered-on VMs have no min Required EVC Mode Key (vSphere before 6.5, or RVTools before 4.0)",
                    c.vms_without_mode
                ),
            ));
        }
        if !c.findings.is_empty() {
            outln!(buf, "  VMs in doubt inside the cluster:");
            let mut t = Table::new(4).header(&["VM", "min mode", "verdict", "why"]);
            for f in &c.findings {
                t.row(vec![
                    f.vm.clone().into(),
                    or_dash(&f.min_required_evc).into(),
                    verdict_cell(f.verdict),
                    f.why.clone().into(),
                ]);
            }
            buf.push_str(&t.render(st));
        }
        outln!(buf);
    }
    if let Some(p) = &a.prescreen {
        outln!(
            buf,
            "{}",
            st.paint(
                Paint::Bold,
                &format!(
                    "Pre-screen: VMs{} → {} (target mode: {})",
                    p.from
                        .as_deref()
                        .map(|f| format!(" of {f}"))
                        .unwrap_or_default(),
                    p.target,
                    p.target_mode
                        .as_deref()
                        .unwrap_or("EVC not active: each host's Max EVC")
                )
            )
        );
        buf.push_str(&field(
            2,
            "counts",
            10,
            &format!(
                "{} blocked, {} may be blocked, {} without a mode-level blocker, {} not screened",
                p.blocked, p.may_be_blocked, p.no_mode_level_blocker, p.not_screened
            ),
        ));
        let mut t = Table::new(2).header(&["VM", "cluster", "min mode", "verdict", "why"]);
        for m in p.moves.iter().take(50) {
            t.row(vec![
                m.vm.clone().into(),
                or_dash(&m.cluster).into(),
                or_dash(&m.min_required_evc).into(),
                verdict_cell(m.verdict),
                m.why.clone().into(),
            ]);
        }
        buf.push_str(&t.render(st));
        if p.moves.len() > 50 {
            outln!(
                buf,
                "  … and {} more (--json lists every one)",
                p.moves.len() - 50
            );
        }
        outln!(buf);
    }
    if !a.collect_next.is_empty() {
        outln!(
            buf,
            "{}",
            st.paint(
                Paint::Bold,
                "Collect next (per-feature data, one host per group):"
            )
        );
        for c in a.collect_next.iter().take(30) {
            let also = if c.stands_for.len() > 1 {
                format!("   (for {})", c.stands_for.join(", "))
            } else {
                String::new()
            };
            outln!(buf, "  {}: {}{also}", c.cluster, c.command);
        }
        outln!(buf);
    }
    outln!(
        buf,
        "{}",
        wrap(&format!("Limits: {}", a.limits), crate::table::WIDTH, 0)
    );
    buf
}
