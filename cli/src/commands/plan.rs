//! `evcalc plan`: what-if questions over a cluster — add a host, remove one, change the EVC mode.

use super::{Common, Output, feature, json, outln, resolve_evc};
use crate::inputs::{self, Fail};
use crate::table::{WIDTH, field, wrap};
use crate::{Ctx, EvcArgs, PlanArgs};
use evcalc::check::{EvcSetting, host_list};
use evcalc::model::Vm;
use evcalc::plan::{self, AddHostReport, ChangeModeReport, RemoveHostReport};
use std::path::PathBuf;

const LW: usize = 14;

pub fn run(args: &PlanArgs, ctx: &Ctx) -> Result<Output, Fail> {
    if args.add.is_empty() && args.remove.is_empty() && args.to_evc.is_none() {
        return Err(Fail::Usage(
            "nothing to plan: ask at least one question with --add FILE, --remove HOST or --to-evc MODE".to_string(),
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
            vm_evc: None,
        },
        &ws.hosts,
        &ws.modes,
    )?;
    let mut warnings = loaded.warnings.clone();
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
            added.push(plan::add_host(
                &ws.hosts,
                &host,
                evc.setting,
                &vms,
                &ws.modes,
            ));
        }
    } else if !overrides.is_empty() {
        return Err(Fail::Usage(
            "--set adjusts the hosts given with --add; there are none".to_string(),
        ));
    }
    let mut removed = Vec::new();
    for name in &args.remove {
        removed.push(
            plan::remove_host(&ws.hosts, name, evc.setting, &vms, &ws.modes)
                .map_err(Fail::Usage)?,
        );
    }
    let change = match &args.to_evc {
        Some(target) => {
            let to = session_choice(target, &ws.modes)?;
            Some(plan::change_mode(
                &ws.hosts,
                &vms,
                evc.setting,
                to,
                &ws.modes,
            ))
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
