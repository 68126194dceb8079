//! `evcalc plan`: what-if questions over a cluster — add a host, remove one, change the EVC mode
//! — or can its VMs move live into another cluster (`--into`), from
//! [`evcalc::app::plan::answer_in`] (`--json` prints the answer: contract v2). What can be asked
//! together, the overrides, the EVC choice and which VMs count are the core's rules; this module
//! reads the files, builds the request and renders.

use super::{Output, feature, json, outln};
use crate::inputs::{self, Fail};
use crate::table::{WIDTH, field, wrap};
use crate::{Ctx, PlanArgs};
use evcalc::app::plan::{PlanAnswer, PlanInputs, PlanRequest};
use evcalc::check::host_list;
use evcalc::evc::ModeCatalogue;
use evcalc::plan::{AddHostReport, ChangeModeReport, MoveIntoReport, RemoveHostReport, WayKind};
use evcalc::report::Verdict;
use evcalc::session::EvcChoice;
use std::path::PathBuf;

const LW: usize = 14;

pub fn run(args: &PlanArgs, ctx: &Ctx) -> Result<Output, Fail> {
    // The cluster as it is, the hosts to add, the other cluster.
    let mut cluster = inputs::load(inputs::expand(&args.files)?, ctx.modes.as_deref())?;
    // `--into CLUSTER`: another cluster of the same bundle (not a file of that name).
    let into_cluster = super::fleet::into_cluster(&cluster, &args.into)?;
    super::fleet::narrow(&mut cluster, args.cluster.as_deref(), None)?;
    if cluster.ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(
            cluster.ws.vms.len(),
        )));
    }
    let add = if args.add.is_empty() {
        None
    } else {
        let paths: Vec<PathBuf> = args.add.iter().map(PathBuf::from).collect();
        Some(inputs::load(inputs::expand(&paths)?, ctx.modes.as_deref())?)
    };
    let into = if let Some(loaded) = into_cluster {
        Some(loaded)
    } else if args.into.is_empty() {
        None
    } else {
        Some(inputs::load(
            inputs::expand(&args.into)?,
            ctx.modes.as_deref(),
        )?)
    };
    let request = PlanRequest {
        request: evcalc::app::Request {
            evc: args.evc.clone(),
            vm_hw: args.vm_hw.map(|v| v.to_string()),
            evc_exposes: args.evc_exposes.clone(),
            cluster: args.cluster.clone(),
            ..Default::default()
        },
        set: args.set.clone(),
        remove: args.remove.clone(),
        to_evc: args.to_evc.clone(),
        ..Default::default()
    };
    let modes = cluster.ws.modes.clone();
    let mut warnings = cluster.warnings;
    let mut inputs = cluster.ws.inputs.clone();
    for other in [&add, &into].into_iter().flatten() {
        inputs.extend(other.ws.inputs.iter().cloned());
    }
    for other in [&add, &into].into_iter().flatten() {
        warnings.extend(other.warnings.iter().cloned());
    }
    let answer = evcalc::app::plan::answer_in(
        PlanInputs {
            cluster: cluster.ws,
            add: add.map(|l| l.ws),
            into: into.map(|l| l.ws),
        },
        &request,
        Vec::new(),
        warnings,
    );
    if let Some(fail) = super::cluster::option_failure(&answer.option_errors) {
        return Err(fail);
    }
    let stdout = if ctx.json {
        json(&answer)
    } else {
        render_answer(&answer, &modes)
    };
    Ok(Output {
        stdout,
        code: super::exit_code(answer.outcome),
        warnings: answer.warnings,
        inputs,
        ..Output::default()
    })
}

fn render_answer(a: &PlanAnswer, modes: &ModeCatalogue) -> String {
    match &a.into {
        Some(report) => {
            let new_evc = a
                .to_evc
                .as_ref()
                .map(|e| describe(e, modes))
                .unwrap_or_default();
            render_into(report, &describe(&a.evc, modes), &new_evc)
        }
        None => render(
            &describe(&a.evc, modes),
            &a.add,
            &a.remove,
            a.change_evc.as_ref(),
            a.vms.is_empty(),
        ),
    }
}

/// "intel-haswell (Intel® "Haswell" Generation), given" / "disabled (given)".
fn describe(evc: &EvcChoice, modes: &ModeCatalogue) -> String {
    match evc.mode.as_deref() {
        Some(key) => match modes.get(key) {
            Some(m) => format!("{} ({}), {}", m.key, m.label, evc.why),
            None => format!("{key}, {}", evc.why),
        },
        None => format!("disabled ({})", evc.why),
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Compatible => "can move live",
        Verdict::Blocked => "BLOCKED",
        Verdict::Unknown => "unknown (not proven)",
    }
}

fn way_label(k: WayKind) -> &'static str {
    match k {
        WayKind::ColdMigration => "cold migration",
        WayKind::PerVmEvc => "per-VM EVC",
        WayKind::LowerOldMode => "lower old mode",
    }
}

fn render_into(r: &MoveIntoReport, old_evc: &str, new_evc: &str) -> String {
    let mut buf = String::new();
    outln!(buf, "Move into another cluster");
    buf.push_str(&wrap(&r.summary, WIDTH - 2, 2));
    buf.push('\n');
    buf.push_str(&field(2, "old cluster", LW, &host_list(&r.old_hosts)));
    buf.push_str(&field(2, "its EVC", LW, old_evc));
    buf.push_str(&field(2, "new cluster", LW, &host_list(&r.new_hosts)));
    buf.push_str(&field(2, "its EVC", LW, new_evc));
    if r.computed_vms {
        buf.push_str(&field(
            2,
            "VMs",
            LW,
            "none given: \"any VM powered on on HOST\" per old host and vHW band",
        ));
    }
    buf.push_str(&field(2, "verdict", LW, verdict_word(r.verdict)));
    for n in &r.notes {
        buf.push_str(&field(2, "note", LW, n));
    }
    for v in &r.vms {
        outln!(buf);
        outln!(buf, "{}", v.vm);
        buf.push_str(&field(2, "verdict", LW, verdict_word(v.verdict)));
        if !v.accepted_by.is_empty() {
            buf.push_str(&field(2, "accepted by", LW, &host_list(&v.accepted_by)));
        }
        for (host, why) in &v.unknown_on {
            buf.push_str(&field(
                2,
                "not proven",
                LW,
                &format!("{host}: {}", why.join("; ")),
            ));
        }
        for b in &v.blocked_on {
            let mut why: Vec<String> = b
                .missing
                .iter()
                .map(|m| format!("{} ({})", m.canonical_key, m.label))
                .collect();
            if let Some(x) = &b.vhw_blocker {
                why.push(x.clone());
            }
            if let Some(x) = &b.not_admitted {
                why.push(x.clone());
            }
            buf.push_str(&field(
                2,
                "blocked on",
                LW,
                &format!("{}: {}", host_list(&b.hosts), why.join(", ")),
            ));
        }
        for (i, w) in v.ways.iter().enumerate() {
            let head = match w.possible {
                Some(false) => format!(
                    "{} — not possible: {}",
                    way_label(w.kind),
                    w.refused.as_deref().unwrap_or("")
                ),
                None => format!("{} (not proven): {}", way_label(w.kind), w.action),
                Some(true) => format!("{}: {}", way_label(w.kind), w.action),
            };
            buf.push_str(&field(2, &format!("way {}", i + 1), LW, &head));
            buf.push_str(&field(2, "", LW, &format!("cost: {}", w.cost)));
            if let Some(d) = &w.security_downgrade {
                buf.push_str(&field(2, "", LW, &format!("security: {d}")));
            }
        }
    }
    buf
}

/// `intel-haswell → intel-broadwell` (`none` for no mode).
fn transition(before: &Option<String>, after: &Option<String>) -> String {
    format!(
        "{} → {}",
        before.as_deref().unwrap_or("none"),
        after.as_deref().unwrap_or("none")
    )
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "unknown (partial data)",
    }
}

fn render(
    evc: &str,
    added: &[AddHostReport],
    removed: &[RemoveHostReport],
    change: Option<&ChangeModeReport>,
    synthetic_vms: bool,
) -> String {
    let mut buf = String::new();
    outln!(buf, "What-if over the cluster");
    buf.push_str(&field(2, "EVC mode now", LW, evc));
    if synthetic_vms {
        buf.push_str(&field(
            2,
            "running VMs",
            LW,
            "none given: one \"any VM powered on on HOST\" per host",
        ));
    }
    for a in added {
        outln!(buf);
        outln!(buf, "Add {}", a.host);
        buf.push_str(&wrap(&a.summary, WIDTH - 2, 2));
        buf.push('\n');
        buf.push_str(&field(2, "can join", LW, yes_no(a.can_join)));
        if let Some(adm) = &a.admission
            && !adm.missing.is_empty()
        {
            let missing: Vec<String> = adm.missing.iter().map(feature).collect();
            buf.push_str(&field(2, "lacks", LW, &missing.join(", ")));
        }
        buf.push_str(&field(
            2,
            "its max mode",
            LW,
            a.host_max_mode.as_deref().unwrap_or("none"),
        ));
        buf.push_str(&field(
            2,
            "common mode",
            LW,
            &transition(&a.max_common_before, &a.max_common_after),
        ));
        for m in &a.blocked_moves {
            let missing: Vec<String> = m
                .missing
                .iter()
                .map(|x| format!("{} ({})", x.key, x.label))
                .collect();
            buf.push_str(&field(
                2,
                "blocked",
                LW,
                &format!("{} → {}: {}", m.vm, m.to, missing.join(", ")),
            ));
        }
    }
    for r in removed {
        outln!(buf);
        outln!(buf, "Remove {}", r.host);
        buf.push_str(&wrap(&r.summary, WIDTH - 2, 2));
        buf.push('\n');
        buf.push_str(&field(
            2,
            "common mode",
            LW,
            &transition(&r.max_common_before, &r.max_common_after),
        ));
        if !r.gained_features.is_empty() {
            let f: Vec<String> = r.gained_features.iter().map(|f| f.key.clone()).collect();
            buf.push_str(&field(2, "gained", LW, &f.join(", ")));
        }
        if !r.limiting_hosts.is_empty() {
            buf.push_str(&field(2, "limited by", LW, &host_list(&r.limiting_hosts)));
        }
    }
    if let Some(c) = change {
        outln!(buf);
        outln!(
            buf,
            "Change EVC {} → {}",
            c.from.as_deref().unwrap_or("disabled"),
            c.to.as_deref().unwrap_or("disabled")
        );
        buf.push_str(&wrap(&c.summary, WIDTH - 2, 2));
        buf.push('\n');
        buf.push_str(&field(
            2,
            "allowed now",
            LW,
            if c.allowed { "yes" } else { "NO" },
        ));
        for h in &c.hosts_not_admitted {
            let missing: Vec<String> = h.missing.iter().map(|f| f.key.clone()).collect();
            buf.push_str(&field(
                2,
                "cannot join",
                LW,
                &format!("{} (lacks {})", h.host, missing.join(", ")),
            ));
        }
        for v in &c.vms_blocking {
            let f: Vec<String> = v.features.iter().map(|f| f.key.clone()).collect();
            buf.push_str(&field(
                2,
                "blocks",
                LW,
                &format!("{}: uses {}", v.vm, f.join(", ")),
            ));
        }
        for v in &c.vms_needing_power_cycle {
            let f: Vec<String> = v.features.iter().map(|f| f.key.clone()).collect();
            buf.push_str(&field(
                2,
                "power cycle",
                LW,
                &format!("{} to see {}", v.vm, f.join(", ")),
            ));
        }
        for n in &c.notes {
            buf.push_str(&field(2, "note", LW, n));
        }
    }
    buf
}
