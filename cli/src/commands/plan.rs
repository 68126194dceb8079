//! `evcalc plan`: what-if questions over a cluster — add a host, remove one, change the EVC mode.

use super::{Common, Output, feature, json, outln, resolve_evc};
use crate::inputs::{self, Fail};
use crate::table::{WIDTH, field, wrap};
use crate::{Ctx, EvcArgs, PlanArgs};
use evcalc::check::{EvcSetting, host_list};
use evcalc::model::Vm;
use evcalc::plan::{
    self, AddHostReport, ChangeModeReport, MoveIntoReport, RemoveHostReport, WayKind,
};
use evcalc::report::Verdict;
use std::path::PathBuf;

const LW: usize = 14;

pub fn run(args: &PlanArgs, ctx: &Ctx) -> Result<Output, Fail> {
    if !args.into.is_empty() {
        return run_into(args, ctx);
    }
    if args.vm_hw.is_some() {
        return Err(Fail::Usage(
            "--vm-hw is used with --into (the VMs moving into another cluster)".to_string(),
        ));
    }
    if args.add.is_empty() && args.remove.is_empty() && args.to_evc.is_none() {
        return Err(Fail::Usage(
            "nothing to plan: ask at least one question with --add FILE, --remove HOST, --to-evc MODE or --into FILE".to_string(),
        ));
    }
    let overrides: Vec<plan::Override> = args
        .set
        .iter()
        .map(|s| plan::parse_override(s).map_err(|e| Fail::Usage(format!("--set: {e}"))))
        .collect::<Result<_, _>>()?;
    // The cluster as it is.
    let files = inputs::expand(&args.files)?;
    let loaded = inputs::load(files, ctx.modes.as_deref())?;
    let ws = &loaded.ws;
    if ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(ws.vms.len())));
    }
    let evc = resolve_evc(
        &EvcArgs {
            evc: args.evc.clone(),
            ..EvcArgs::default()
        },
        &ws.hosts,
        &ws.modes,
    )?;
    let mut warnings = loaded.warnings.clone();
    let exposure = cluster_exposure(args)?;
    let mut hosts = ws.hosts.clone();
    evcalc::exposure::resolve_cluster(&mut hosts, &ws.vms, &exposure);
    let vms: Vec<Vm> = ws
        .vms
        .iter()
        .filter(|v| !v.requirements.all.is_empty())
        .cloned()
        .collect();

    // Candidate hosts, with --set overrides applied.
    let mut added = Vec::new();
    if !args.add.is_empty() {
        let add_files = inputs::expand(&args.add.iter().map(PathBuf::from).collect::<Vec<_>>())?;
        let new = inputs::load(add_files, ctx.modes.as_deref())?;
        warnings.extend(new.warnings.iter().cloned());
        if new.ws.hosts.is_empty() {
            return Err(Fail::Usage("--add: the file holds no host".to_string()));
        }
        for mut host in new.ws.hosts.clone() {
            for note in plan::apply_overrides_to_host(&mut host, &overrides) {
                warnings.push(format!("{}: {note}", host.name));
            }
            added.push(plan::add_host(&hosts, &host, evc.setting, &vms, &ws.modes));
        }
    } else if !overrides.is_empty() {
        return Err(Fail::Usage(
            "--set adjusts the hosts given with --add; there are none".to_string(),
        ));
    }
    let mut removed = Vec::new();
    for name in &args.remove {
        removed.push(
            plan::remove_host(&hosts, name, evc.setting, &vms, &ws.modes).map_err(Fail::Usage)?,
        );
    }
    let change = match &args.to_evc {
        Some(target) => {
            let to = session_choice(target, &ws.modes)?;
            Some(plan::change_mode(&hosts, &vms, evc.setting, to, &ws.modes))
        }
        None => None,
    };
    for h in &ws.hosts {
        warnings.extend(loaded.host_warnings(h));
    }
    let warnings = super::dedup(warnings);
    let bad = added.iter().any(|a| a.can_join == Some(false))
        || change.as_ref().is_some_and(|c| !c.allowed);
    let stdout = if ctx.json {
        json(&PlanJson {
            evc: evc.choice(),
            add: &added,
            remove: &removed,
            change_evc: change.as_ref(),
            common: Common {
                inputs: &ws.inputs,
                warnings: &warnings,
            },
        })
    } else {
        render(
            &evc.describe(),
            &added,
            &removed,
            change.as_ref(),
            vms.is_empty(),
        )
    };
    Ok(Output {
        stdout,
        code: u8::from(bad),
        warnings,
    })
}

/// `--evc-exposes KEY[,KEY…]|none` as cluster-level exposure evidence.
fn cluster_exposure(args: &PlanArgs) -> Result<evcalc::exposure::ClusterExposure, Fail> {
    Ok(evcalc::exposure::ClusterExposure {
        evc_exposes: args
            .evc_exposes
            .as_deref()
            .map(evcalc::exposure::parse_exposes)
            .transpose()
            .map_err(|e| Fail::Usage(e.to_string()))?,
        ..Default::default()
    })
}

/// `evcalc plan OLD... --into NEW...`: can the old cluster's VMs move live into the new one?
fn run_into(args: &PlanArgs, ctx: &Ctx) -> Result<Output, Fail> {
    if !args.add.is_empty() || !args.remove.is_empty() || !args.set.is_empty() {
        return Err(Fail::Usage(
            "--into is a question of its own: ask --add/--remove/--set in another run".to_string(),
        ));
    }
    let exposure = cluster_exposure(args)?;
    let old = inputs::load(inputs::expand(&args.files)?, ctx.modes.as_deref())?;
    let new = inputs::load(inputs::expand(&args.into)?, ctx.modes.as_deref())?;
    if old.ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(old.ws.vms.len())));
    }
    if new.ws.hosts.is_empty() {
        return Err(Fail::Usage(
            "--into: the files hold no host of the new cluster".to_string(),
        ));
    }
    let modes = &old.ws.modes;
    let old_evc = resolve_evc(
        &EvcArgs {
            evc: args.evc.clone(),
            ..EvcArgs::default()
        },
        &old.ws.hosts,
        modes,
    )?;
    let new_evc = evcalc::session::choose_evc(args.to_evc.as_deref(), &new.ws.hosts, modes)
        .map_err(|e| Fail::Usage(format!("--to-evc: {e}")))?;
    let mut old_hosts = old.ws.hosts.clone();
    let mut new_hosts = new.ws.hosts.clone();
    evcalc::exposure::resolve_cluster(&mut old_hosts, &old.ws.vms, &exposure);
    evcalc::exposure::resolve_cluster(&mut new_hosts, &new.ws.vms, &exposure);
    let vms: Vec<Vm> = old
        .ws
        .vms
        .iter()
        .filter(|v| !v.requirements.all.is_empty())
        .cloned()
        .collect();
    let mut warnings = old.warnings.clone();
    warnings.extend(new.warnings.iter().cloned());
    if args.vm_hw.is_some() && !vms.is_empty() {
        warnings.push(
            "--vm-hw is not used: the given VMs' requirements are read from their dumps"
                .to_string(),
        );
    }
    for h in &old.ws.hosts {
        warnings.extend(old.host_warnings(h));
    }
    for h in &new.ws.hosts {
        warnings.extend(new.host_warnings(h));
    }
    let report = plan::move_into(
        &old_hosts,
        old_evc.setting,
        &new_hosts,
        new_evc.setting,
        &vms,
        args.vm_hw,
        modes,
    );
    let warnings = super::dedup(warnings);
    let new_choice = evcalc::session::EvcChoice {
        mode: new_evc.setting.key(),
        why: new_evc.why.to_string(),
    };
    let mut inputs_all = old.ws.inputs.clone();
    inputs_all.extend(new.ws.inputs.iter().cloned());
    let stdout = if ctx.json {
        json(&IntoJson {
            evc: old_evc.choice(),
            to_evc: new_choice,
            into: &report,
            common: Common {
                inputs: &inputs_all,
                warnings: &warnings,
            },
        })
    } else {
        let new_describe = super::Evc {
            setting: new_evc.setting,
            why: new_evc.why,
            per_vm: None,
            vhw: None,
            only: Vec::new(),
        }
        .describe();
        render_into(&report, &old_evc.describe(), &new_describe)
    };
    Ok(Output {
        stdout,
        code: match report.verdict {
            Verdict::Compatible => 0,
            Verdict::Blocked => 1,
            Verdict::Unknown => 3,
        },
        warnings,
    })
}

#[derive(serde::Serialize)]
struct IntoJson<'a> {
    /// The old cluster's EVC setting.
    evc: evcalc::session::EvcChoice,
    /// The new cluster's EVC setting.
    to_evc: evcalc::session::EvcChoice,
    into: &'a MoveIntoReport,
    #[serde(flatten)]
    common: Common<'a>,
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
    buf.push_str(&wrap(&r.summary, WIDTH, 2));
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

fn session_choice<'m>(
    target: &str,
    modes: &'m evcalc::evc::ModeCatalogue,
) -> Result<EvcSetting<'m>, Fail> {
    let t = target.trim();
    if t.eq_ignore_ascii_case("none") || t.eq_ignore_ascii_case("disabled") {
        return Ok(EvcSetting::Disabled);
    }
    evcalc::session::choose_mode(t, modes)
        .map(EvcSetting::Mode)
        .map_err(|e| Fail::Usage(format!("--to-evc: {e}")))
}

#[derive(serde::Serialize)]
struct PlanJson<'a> {
    evc: evcalc::session::EvcChoice,
    add: &'a [AddHostReport],
    remove: &'a [RemoveHostReport],
    change_evc: Option<&'a ChangeModeReport>,
    #[serde(flatten)]
    common: Common<'a>,
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
        buf.push_str(&wrap(&a.summary, WIDTH, 2));
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
        buf.push_str(&wrap(&r.summary, WIDTH, 2));
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
        buf.push_str(&wrap(&c.summary, WIDTH, 2));
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
