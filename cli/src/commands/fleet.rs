//! Collector bundles on the command line: `--cluster NAME` (through the core's
//! [`evcalc::app::fleet::select`]), `plan --into CLUSTER`, and the fleet summary that `evcalc cluster
//! BUNDLE` prints for a bundle of several clusters ([`evcalc::app::fleet::summary`]).

use super::{Output, json, outln};
use crate::Ctx;
use crate::inputs::{Fail, Loaded};
use crate::table::{Paint, WIDTH, field, wrap};
use evcalc::app::fleet::FleetAnswer;
use evcalc::report::Verdict;
use std::path::PathBuf;

const LW: usize = 12;

/// Narrows the loaded inputs to one cluster of their bundle (the core decides which, and says
/// so in the bundle's input warnings, which are added to the command's warnings here).
pub fn narrow(loaded: &mut Loaded, cluster: Option<&str>, hint: Option<&str>) -> Result<(), Fail> {
    let before: Vec<usize> = loaded.ws.inputs.iter().map(|i| i.warnings.len()).collect();
    if let Err(e) = evcalc::app::fleet::select(&mut loaded.ws, cluster, hint) {
        return Err(
            super::cluster::option_failure(&[e]).unwrap_or_else(|| Fail::Usage(String::new()))
        );
    }
    for (input, n) in loaded.ws.inputs.iter().zip(before) {
        for w in input.warnings.iter().skip(n) {
            loaded.warnings.push(format!("{}: {w}", input.source));
        }
    }
    Ok(())
}

/// `plan BUNDLE --into CLUSTER`: when the one `--into` value is no file and names a cluster of
/// the loaded bundle, that cluster (a copy of the whole bundle narrowed to it).
pub fn into_cluster(loaded: &Loaded, into: &[PathBuf]) -> Result<Option<Loaded>, Fail> {
    let ([one], Some(fleet)) = (into, &loaded.ws.fleet) else {
        return Ok(None);
    };
    if one.exists() {
        return Ok(None);
    }
    let name = one.to_string_lossy();
    let known = fleet
        .input
        .clusters
        .iter()
        .any(|c| c.name.eq_ignore_ascii_case(&name) || c.moref.eq_ignore_ascii_case(&name));
    if !known {
        return Err(Fail::Usage(format!(
            "--into: {name} is neither a file nor a cluster of the bundle {} (its clusters: {})",
            fleet.source,
            evcalc::check::host_list(
                &fleet
                    .populated()
                    .iter()
                    .map(|c| c.name.clone())
                    .collect::<Vec<_>>()
            )
        )));
    }
    let mut other = Loaded {
        ws: loaded.ws.clone(),
        files: Vec::new(),
        warnings: Vec::new(),
    };
    narrow(&mut other, Some(&name), None)?;
    // Only the hosts of that cluster: its VMs stay where they are.
    other.ws.vms.clear();
    Ok(Some(other))
}

/// The fleet summary, when the inputs hold a bundle of several clusters and no `--cluster` was
/// given; `None` otherwise.
pub fn summary(
    loaded: &Loaded,
    request: &evcalc::app::Request,
    ctx: &Ctx,
) -> Result<Option<Output>, Fail> {
    let several = loaded
        .ws
        .fleet
        .as_ref()
        .is_some_and(|f| f.populated().len() > 1);
    if !several || request.cluster.is_some() {
        return Ok(None);
    }
    let Some(answer) = evcalc::app::fleet::summary(&loaded.ws, request) else {
        return Ok(None);
    };
    let errors: Vec<String> = answer
        .clusters
        .iter()
        .flat_map(|c| {
            c.option_errors
                .iter()
                .map(move |e| format!("{}: {e}", c.name))
        })
        .collect();
    if let Some(first) = errors.first()
        && answer.clusters.iter().all(|c| !c.option_errors.is_empty())
    {
        return Err(Fail::Usage(first.clone()));
    }
    let stdout = if ctx.json {
        json(&answer)
    } else {
        render(&answer, ctx)
    };
    let mut warnings = loaded.warnings.clone();
    warnings.extend(errors);
    Ok(Some(Output {
        stdout,
        code: super::exit_code(answer.outcome),
        warnings,
        inputs: loaded.ws.inputs.clone(),
        ..Output::default()
    }))
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Compatible => "ok",
        Verdict::Blocked => "BLOCKED",
        Verdict::Unknown => "unknown",
    }
}

fn render(a: &FleetAnswer, ctx: &Ctx) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    let at_risk = if a.at_risk.is_empty() {
        "no cluster at risk".to_string()
    } else {
        format!(
            "{} of {} clusters at risk: {}",
            a.at_risk.len(),
            a.clusters.len(),
            a.at_risk.join(", ")
        )
    };
    let paint = match a.outcome {
        Verdict::Compatible => Paint::Good,
        Verdict::Blocked => Paint::Bad,
        Verdict::Unknown => Paint::Warn,
    };
    outln!(buf, "{}", st.paint(paint, &at_risk));
    if let Some(vc) = &a.vcenter {
        buf.push_str(&field(2, "vCenter", LW, vc));
    }
    let collected = match (&a.collector, &a.collected_at) {
        (Some(c), Some(at)) => format!("{c}, {at}"),
        (Some(c), None) => c.clone(),
        (None, Some(at)) => at.clone(),
        (None, None) => "unknown".to_string(),
    };
    buf.push_str(&field(2, "collected by", LW, &collected));
    buf.push_str(&field(2, "EVC modes", LW, &a.modes_source));
    for c in &a.clusters {
        outln!(buf);
        let evc = match (&c.evc.mode, c.evc.assumed) {
            (Some(m), false) => format!("EVC {m} ({})", c.evc.why),
            (Some(m), true) => format!("EVC {m} ASSUMED ({})", c.evc.why),
            (None, false) => format!("EVC disabled ({})", c.evc.why),
            (None, true) => format!("EVC disabled, ASSUMED ({})", c.evc.why),
        };
        let paint = match c.outcome {
            Verdict::Compatible => Paint::Good,
            Verdict::Blocked => Paint::Bad,
            Verdict::Unknown => Paint::Warn,
        };
        outln!(
            buf,
            "{}  {}",
            st.paint(paint, &format!("{} [{}]", c.name, verdict_word(c.outcome))),
            format_args!(
                "{} host{}, {} VM{}, {} class{}",
                c.hosts,
                if c.hosts == 1 { "" } else { "s" },
                c.vms,
                if c.vms == 1 { "" } else { "s" },
                c.classes,
                if c.classes == 1 { "" } else { "es" }
            )
        );
        buf.push_str(&field(2, "EVC", LW, &evc));
        if let Some(h) = &c.headline {
            buf.push_str(&field(2, "headline", LW, h));
        }
        for line in &c.story {
            buf.push_str(&wrap(&format!("  - {line}"), WIDTH, 4));
            buf.push('\n');
        }
        for e in &c.option_errors {
            buf.push_str(&field(2, "error", LW, e));
        }
    }
    if !a.differing_hosts.is_empty() {
        outln!(buf);
        outln!(
            buf,
            "Hosts whose features differ from the rest of their cluster"
        );
        for h in &a.differing_hosts {
            let mut parts = Vec::new();
            let microcode: Vec<&String> = h
                .lacks
                .iter()
                .filter(|k| !h.hidden_by_masks.contains(k))
                .collect();
            if !microcode.is_empty() {
                parts.push(format!(
                    "lacks {} (not in its raw features: microcode, BIOS or CPU)",
                    microcode
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !h.hidden_by_masks.is_empty() {
                parts.push(format!(
                    "hides {} (its CPU has them, its EVC masks hide them)",
                    h.hidden_by_masks.join(", ")
                ));
            }
            if !h.extra.is_empty() {
                parts.push(format!("alone offers {}", h.extra.join(", ")));
            }
            buf.push_str(&wrap(
                &format!("  {} / {}: {}", h.cluster, h.host, parts.join("; ")),
                WIDTH,
                4,
            ));
            buf.push('\n');
        }
    }
    if !a.stuck_vms.is_empty() {
        outln!(buf);
        outln!(
            buf,
            "VMs that cannot leave their host (every other host of the cluster blocked)"
        );
        for s in &a.stuck_vms {
            let why = if s.only_host {
                "the only host of its cluster".to_string()
            } else {
                format!("blocked by {}", s.blockers.join(", "))
            };
            buf.push_str(&wrap(
                &format!("  {} / {}: {} — {why}", s.cluster, s.host, s.vms.join(", ")),
                WIDTH,
                4,
            ));
            buf.push('\n');
        }
    }
    if !a.missing.is_empty() {
        outln!(buf);
        outln!(buf, "Not collected ({}):", a.missing.len());
        for m in a.missing.iter().take(10) {
            buf.push_str(&wrap(&format!("  {m}"), WIDTH, 4));
            buf.push('\n');
        }
        if a.missing.len() > 10 {
            outln!(
                buf,
                "  … and {} more (--json lists every one)",
                a.missing.len() - 10
            );
        }
    }
    outln!(buf);
    outln!(
        buf,
        "One cluster in full: evcalc cluster {} --cluster NAME",
        a.source
    );
    buf
}
