//! `evcalc check`: one VM → one destination host, from [`evcalc::app::check::answer_in`]
//! (`--json` prints the answer: contract v2). Which VM is checked, per band or from its dump,
//! and under which EVC setting, is the core's rule; this module resolves the arguments and
//! renders.

use super::{Output, json, outln};
use crate::inputs::{self, Fail};
use crate::table::{Cell, Paint, Table, field};
use crate::{CheckArgs, Ctx};
use evcalc::app::check::{CheckAnswer, CheckRequest, Move};
use evcalc::evc::ModeCatalogue;
use evcalc::report::{Admission, Verdict};
use std::path::{Path, PathBuf};

const LW: usize = 12;

pub fn run(args: &CheckArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let mut paths: Vec<PathBuf> = args.files.clone();
    for spec in [
        args.from.as_deref(),
        Some(args.to.as_str()),
        args.vm.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        if Path::new(spec).exists() {
            paths.push(PathBuf::from(spec));
        }
    }
    if paths.is_empty() {
        return Err(Fail::Usage(format!(
            "no input files: give host dumps as FILE arguments, or --from/--to as files (no file named {})",
            args.to
        )));
    }
    let files = inputs::expand(&paths)?;
    let mut loaded = inputs::load(files, ctx.modes.as_deref())?;
    let hint = args.from.as_deref().unwrap_or(&args.to);
    super::fleet::narrow(&mut loaded, args.evc.cluster.as_deref(), Some(hint))?;
    if loaded.ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(
            loaded.ws.vms.len(),
        )));
    }
    let name = |i: usize| loaded.ws.hosts[i].name.clone();
    let to = name(loaded.host_index(&args.to, "--to")?);
    let from = args
        .from
        .as_deref()
        .map(|f| loaded.host_index(f, "--from").map(name))
        .transpose()?;
    // `--vm` names one VM: a directory of several VM dumps is refused, not cut to its first.
    let vm = match args.vm.as_deref().map(|s| (s, loaded.vm_specs(s))) {
        None => None,
        Some((spec, specs)) if specs.len() > 1 => {
            return Err(Fail::Usage(format!(
                "--vm {spec} holds {} VM dumps ({}); check names one VM: give one of them",
                specs.len(),
                evcalc::check::host_list(&specs)
            )));
        }
        Some((_, specs)) => specs.into_iter().next(),
    };
    let request = CheckRequest {
        request: super::cluster::request(&args.evc),
        to,
        from,
        vm,
        to_evc: args.to_evc.clone(),
    };
    let modes = loaded.ws.modes.clone();
    let files: Vec<String> = if args.files.is_empty() {
        loaded.files.iter().map(|f| f.display.clone()).collect()
    } else {
        args.files.iter().map(|p| p.display().to_string()).collect()
    };
    let mut warnings = loaded.warnings.clone();
    let inputs = loaded.ws.inputs.clone();
    let mut answer = evcalc::app::check::answer_in(&mut loaded.ws, &request, Vec::new());
    // The inputs are done with: free them before the answer is rendered (peak memory).
    super::release(&mut loaded.ws);
    if let Some(fail) = super::cluster::option_failure(&answer.option_errors) {
        return Err(fail);
    }
    warnings.append(&mut answer.warnings);
    answer.warnings = super::dedup(warnings);
    let stdout = if ctx.json {
        json(&answer)
    } else {
        render(&answer, &modes, &files, args, ctx)
    };
    Ok(Output {
        stdout,
        code: super::exit_code(answer.outcome),
        warnings: answer.warnings,
        inputs,
        ..Output::default()
    })
}

pub(crate) fn render(
    a: &CheckAnswer,
    modes: &ModeCatalogue,
    files: &[String],
    args: &CheckArgs,
    ctx: &Ctx,
) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    let (Some(m), Some(to)) = (&a.check, a.to.and_then(|i| a.hosts.get(i as usize))) else {
        return buf;
    };
    let to = to.name.as_str();
    let from = a
        .from
        .and_then(|i| a.hosts.get(i as usize))
        .map(|h| h.name.as_str());
    outln!(
        buf,
        "{}  →  {}",
        st.paint(Paint::Bold, &m.vm),
        st.paint(Paint::Bold, to)
    );
    let n = m.requirements.len();
    if let Some(source) = m.vm_source.as_deref().filter(|_| m.real_vm) {
        let mut what = format!("{n} requirements read from {source}");
        if let Some(h) = &m.runs_on {
            what.push_str(&format!(" (runs on {h})"));
        }
        buf.push_str(&field(2, "VM", LW, &what));
    } else {
        buf.push_str(&field(
            2,
            "VM",
            LW,
            &format!(
                "{n} requirements, computed from {}'s features",
                from.unwrap_or("?")
            ),
        ));
    }
    buf.push_str(&field(2, "EVC mode", LW, &super::evc_text(&a.evc, modes)));
    if a.to_evc.is_some() {
        buf.push_str(&field(
            2,
            "dest. EVC",
            LW,
            &format!(
                "{} ({to}'s cluster: the VM is checked against it)",
                m.evc_mode.as_deref().unwrap_or("disabled"),
            ),
        ));
    }
    if let Some(p) = &a.per_vm_evc_mode {
        buf.push_str(&field(2, "per-VM EVC", LW, &super::mode_text(p, modes)));
    }
    let features: Vec<&evcalc::app::Blocker> = m
        .blockers
        .iter()
        .filter_map(|&b| a.blockers.get(b as usize))
        .collect();
    let (vhw, unmet): (Vec<&evcalc::app::Blocker>, Vec<&evcalc::app::Blocker>) =
        features.into_iter().partition(|b| b.vhw_too_new.is_some());
    let verdict = match m.verdict {
        Verdict::Compatible => st.paint(Paint::Good, "compatible: vMotion is possible"),
        Verdict::Unknown => st.paint(
            Paint::Warn,
            "unknown: nothing shown blocks the move, but partial data (a fragment) left requirements unchecked",
        ),
        Verdict::Blocked if unmet.is_empty() && !vhw.is_empty() => st.paint(
            Paint::Bad,
            &format!(
                "NOT compatible: {}",
                vhw[0].why.as_deref().unwrap_or("virtual hardware version")
            ),
        ),
        Verdict::Blocked if unmet.is_empty() => st.paint(
            Paint::Bad,
            &format!("NOT compatible: {to} cannot join the EVC mode"),
        ),
        Verdict::Blocked => st.paint(
            Paint::Bad,
            &format!(
                "NOT compatible: {} requirement{} unmet",
                unmet.len(),
                if unmet.len() == 1 { "" } else { "s" }
            ),
        ),
    };
    buf.push_str(&field(2, "result", LW, &verdict));
    buf.push_str(&field(
        2,
        "admission",
        LW,
        &admission_text(m.admission.as_ref(), to),
    ));
    if !unmet.is_empty() {
        outln!(buf);
        let has = format!("{to} has");
        let mut t = Table::new(2).header(&["unmet requirement", "required", &has]);
        for b in &unmet {
            t.row(vec![
                Cell::painted(format!("{} ({})", b.key, b.label), Paint::Bad),
                Cell::new(b.required.clone()),
                Cell::new(evcalc::words::offered_cell(
                    b.available,
                    b.raw_available,
                    b.absence,
                )),
            ]);
        }
        buf.push_str(&t.render(st));
    }
    // What fixes each blocker (the core chose the rule from why the destination lacks it).
    if m.verdict == Verdict::Blocked {
        for r in &a.remedies {
            outln!(buf);
            buf.push_str(&field(2, "fix", LW, &r.action));
            buf.push_str(&field(2, "why", LW, &r.why));
            if let Some(v) = &r.verify {
                buf.push_str(&field(2, "verify", LW, v));
            }
            if let Some(x) = &r.reference {
                buf.push_str(&field(2, "reference", LW, x));
            }
        }
    }
    if !unmet.is_empty()
        && let Some(from) = from.filter(|_| !is_real(m))
    {
        outln!(buf);
        if args.to_evc.is_some() {
            outln!(
                buf,
                "Ways through (cold migration, per-VM EVC): evcalc plan OLD... --evc {} --into NEW... --to-evc {}",
                a.evc.mode.as_deref().unwrap_or("none"),
                m.evc_mode.as_deref().unwrap_or("none")
            );
        } else {
            let mut words: Vec<String> = vec!["evcalc".into(), "maintenance".into()];
            words.extend(files.iter().cloned());
            words.extend(["--host".to_string(), from.to_string()]);
            buf.push_str(&super::shell_lines(
                "Remedies: ",
                &words,
                crate::table::WIDTH,
            ));
        }
    }
    buf
}

/// Whether the move is for a real VM (requirements read from its dump).
fn is_real(m: &Move) -> bool {
    m.real_vm
}

pub fn admission_text(a: Option<&Admission>, host: &str) -> String {
    let Some(a) = a else {
        return "EVC disabled: no mode to join".to_string();
    };
    match a.admitted {
        Some(true) => format!("{host} can join {}", a.mode),
        None => format!("unknown: {host}'s dump is a fragment"),
        Some(false) if a.vendor_mismatch => {
            format!("{host} cannot join {}: CPU vendor differs", a.mode)
        }
        Some(false) => format!(
            "{host} cannot join {}: lacks {}",
            a.mode,
            a.missing
                .iter()
                .map(super::feature)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
