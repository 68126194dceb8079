//! `evcalc check`: one VM → one destination host.

use super::{Common, Evc, Output, json, missing_feature, outln, resolve_evc};
use crate::inputs::{self, Fail, Loaded};
use crate::table::{Cell, Paint, Table, field};
use crate::{CheckArgs, Ctx};
use evcalc::check;
use evcalc::model::Vm;
use evcalc::report::{Admission, CheckReport};
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
    super::attach_evidence(&mut loaded, &args.evc)?;
    let ws = &loaded.ws;
    if ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(ws.vms.len())));
    }
    let to = loaded.host_index(&args.to, "--to")?;
    let from = args
        .from
        .as_deref()
        .map(|f| loaded.host_index(f, "--from"))
        .transpose()?;
    let evc = resolve_evc(&args.evc, &ws.hosts, &ws.modes)?;
    let mut warnings = loaded.warnings.clone();
    let vm: Vm = match (&args.vm, from) {
        (Some(spec), _) => {
            let vms = loaded.vms_for(spec)?;
            let [vm] = vms.as_slice() else {
                return Err(Fail::Usage(format!(
                    "--vm {spec}: {} VMs found ({}); name one",
                    vms.len(),
                    vms.iter()
                        .map(|v| v.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            if from.is_some() {
                warnings.push(format!(
                    "--from is not used: {}'s requirements are read from its dump (fixed when it was powered on)",
                    vm.name
                ));
            }
            if evc.per_vm.is_some() {
                warnings.push(format!(
                    "--vm-evc is not used: {}'s requirements are read from its dump; a per-VM EVC change takes \
                     effect at its next power-on",
                    vm.name
                ));
            }
            if vm.requirements.all.is_empty() {
                warnings.push(format!(
                    "{} has no featureRequirement entries: nothing to check",
                    vm.name
                ));
            }
            warnings.extend(vm.warnings.iter().map(|w| format!("{}: {w}", vm.name)));
            (*vm).clone()
        }
        (None, Some(from)) => {
            // Without --vm-hw: one VM per band of virtual hardware versions; the worst is shown.
            let dest_max: Vec<u8> = ws.hosts[to].max_vhw.into_iter().collect();
            let bands =
                check::power_on_bands(&ws.hosts[from], evc.setting, evc.per_vm, evc.vhw, &dest_max);
            let reports: Vec<(usize, evcalc::report::Verdict)> = bands
                .iter()
                .enumerate()
                .map(|(i, vm)| (i, check::check_vm(vm, &ws.hosts[to], evc.setting).verdict))
                .collect();
            let rank = |v: evcalc::report::Verdict| match v {
                evcalc::report::Verdict::Blocked => 0,
                evcalc::report::Verdict::Unknown => 1,
                evcalc::report::Verdict::Compatible => 2,
            };
            let worst = reports
                .iter()
                .min_by_key(|(i, v)| (rank(*v), usize::MAX - i))
                .map_or(0, |(i, _)| *i);
            for (i, v) in &reports {
                if *i != worst && bands.len() > 1 {
                    let band = bands[*i].vhw_band.map(|(lo, hi)| {
                        check::band_text(lo, hi, ws.hosts[from].max_vhw.unwrap_or(check::MAX_VHW))
                    });
                    warnings.push(
                        format!("VMs of {}: {:?}", band.unwrap_or_default(), v)
                            .to_lowercase()
                            .replacen("vms", "VMs", 1),
                    );
                }
            }
            bands[worst].clone()
        }
        (None, None) => return Err(Fail::Usage("give --from HOST or --vm VM".to_string())),
    };
    let dest = &ws.hosts[to];
    for i in [Some(to), from].into_iter().flatten() {
        warnings.extend(loaded.host_warnings(&ws.hosts[i]));
    }
    // Cross-cluster: the destination is judged under its own cluster's EVC setting.
    let dest_evc = match args.to_evc.as_deref() {
        None => evc.setting,
        Some(t) => {
            evcalc::session::choose_evc(Some(t), std::slice::from_ref(dest), &ws.modes)
                .map_err(|e| Fail::Usage(format!("--to-evc: {e}")))?
                .setting
        }
    };
    let report = check::check_vm(&vm, dest, dest_evc);
    let outcome = if evc.only.is_empty() {
        report.verdict
    } else {
        check::verdict_only(&report.missing, &report.unknown, &evc.only)
    };
    if !report.unknown_on_destination.is_empty() {
        warnings.push(format!(
            "{}'s dump is a fragment: {} requirement(s) not judged ({})",
            dest.name,
            report.unknown_on_destination.len(),
            report.unknown_on_destination.join(", ")
        ));
    }
    let warnings = super::dedup(warnings);
    let from_name = if args.vm.is_some() {
        vm.host.clone()
    } else {
        from.map(|i| ws.hosts[i].name.clone())
    };
    let requirements_from = if vm.from_input {
        format!("input: {}", vm.source)
    } else {
        format!(
            "computed: powered on on {}",
            from_name.as_deref().unwrap_or("?")
        )
    };
    let stdout = if ctx.json {
        json(&CheckJson {
            report: &report,
            from: from_name.as_deref(),
            requirements_from: &requirements_from,
            per_vm_evc_mode: evc.per_vm.map(|m| m.key.as_str()),
            evc: evc.choice(),
            to_evc: args.to_evc.as_ref().map(|_| dest_evc.key()),
            common: Common {
                inputs: &ws.inputs,
                warnings: &warnings,
            },
        })
    } else {
        render(&report, &vm, &evc, &loaded, from_name.as_deref(), args, ctx)
    };
    Ok(Output {
        stdout,
        code: super::exit_code(outcome),
        warnings,
    })
}

#[derive(serde::Serialize)]
struct CheckJson<'a> {
    #[serde(flatten)]
    report: &'a CheckReport,
    from: Option<&'a str>,
    requirements_from: &'a str,
    per_vm_evc_mode: Option<&'a str>,
    evc: evcalc::session::EvcChoice,
    /// With `--to-evc`: the destination cluster's EVC mode (`null` inside = disabled there);
    /// absent when the destination is in the same cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    to_evc: Option<Option<String>>,
    #[serde(flatten)]
    common: Common<'a>,
}

fn render(
    r: &CheckReport,
    vm: &Vm,
    evc: &Evc<'_>,
    loaded: &Loaded,
    from: Option<&str>,
    args: &CheckArgs,
    ctx: &Ctx,
) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    outln!(
        buf,
        "{}  →  {}",
        st.paint(Paint::Bold, &r.vm),
        st.paint(Paint::Bold, &r.to)
    );
    if vm.from_input {
        let mut what = format!(
            "{} requirements read from {}",
            vm.requirements.all.len(),
            vm.source
        );
        if let Some(h) = &vm.host {
            what.push_str(&format!(" (runs on {h})"));
        }
        buf.push_str(&field(2, "VM", LW, &what));
    } else {
        buf.push_str(&field(
            2,
            "VM",
            LW,
            &format!(
                "{} requirements, computed from {}'s features",
                vm.requirements.all.len(),
                from.unwrap_or("?")
            ),
        ));
    }
    buf.push_str(&field(2, "EVC mode", LW, &evc.describe()));
    if args.to_evc.is_some() {
        buf.push_str(&field(
            2,
            "dest. EVC",
            LW,
            &format!(
                "{} ({}'s cluster: the VM is checked against it)",
                r.evc_mode.as_deref().unwrap_or("disabled"),
                r.to
            ),
        ));
    }
    if let Some(p) = evc.per_vm {
        buf.push_str(&field(
            2,
            "per-VM EVC",
            LW,
            &format!("{} ({})", p.key, p.label),
        ));
    }
    let verdict = if r.compatible {
        st.paint(Paint::Good, "compatible: vMotion is possible")
    } else if r.verdict == evcalc::report::Verdict::Unknown {
        st.paint(Paint::Warn, "unknown: nothing shown blocks the move, but partial data (a fragment) left requirements unchecked")
    } else if r.missing.is_empty() {
        st.paint(
            Paint::Bad,
            &format!("NOT compatible: {} cannot join the EVC mode", r.to),
        )
    } else {
        st.paint(
            Paint::Bad,
            &format!(
                "NOT compatible: {} requirement{} unmet",
                r.missing.len(),
                if r.missing.len() == 1 { "" } else { "s" }
            ),
        )
    };
    buf.push_str(&field(2, "result", LW, &verdict));
    buf.push_str(&field(
        2,
        "admission",
        LW,
        &admission_text(r.admission.as_ref(), &r.to),
    ));
    if !r.missing.is_empty() {
        outln!(buf);
        let has = format!("{} has", r.to);
        let mut t = Table::new(2).header(&["unmet requirement", "required", &has]);
        for m in &r.missing {
            t.row(vec![
                Cell::painted(missing_feature(m), Paint::Bad),
                Cell::new(m.required.clone()),
                Cell::new(m.available.to_string()),
            ]);
        }
        buf.push_str(&t.render(st));
        // What makes each missing feature appear on the destination (core/data/remedies.txt).
        let mut seen: Vec<&str> = Vec::new();
        for m in &r.missing {
            let Some(name) = m.remedy else { continue };
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let Some(rule) = evcalc::remedy::rules().iter().find(|x| x.name == name) else {
                continue;
            };
            let keys: Vec<&str> = r
                .missing
                .iter()
                .filter(|x| x.remedy == Some(name))
                .map(|x| x.canonical_key.as_str())
                .collect();
            outln!(buf);
            let action = rule
                .action
                .replace("{hosts}", &r.to)
                .replace("{features}", &keys.join(", "));
            buf.push_str(&field(2, "fix", LW, &action));
            buf.push_str(&field(2, "why", LW, &rule.cause));
            buf.push_str(&field(2, "verify", LW, &rule.verify));
            buf.push_str(&field(2, "reference", LW, &rule.reference));
        }
        if let Some(from) = from.filter(|_| !vm.from_input) {
            outln!(buf);
            let files: Vec<String> = if args.files.is_empty() {
                loaded.files.iter().map(|f| f.display.clone()).collect()
            } else {
                args.files.iter().map(|p| p.display().to_string()).collect()
            };
            if args.to_evc.is_some() {
                outln!(
                    buf,
                    "Ways through (cold migration, per-VM EVC): evcalc plan OLD... --evc {} --into NEW... --to-evc {}",
                    evc.setting.key().unwrap_or_else(|| "none".to_string()),
                    r.evc_mode.as_deref().unwrap_or("none")
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
    }
    buf
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
