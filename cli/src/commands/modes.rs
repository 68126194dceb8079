//! `evcalc modes`: the EVC mode catalogue.

use super::{Output, json, outln};
use crate::inputs::{self, Fail};
use crate::table::{Cell, Paint, Table, field};
use crate::{Ctx, ModesArgs};
use evcalc::evc::builtin_modes;
use evcalc::report::{FeatureEvidence, ModeReport};

pub fn run(args: &ModesArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let mut warnings = Vec::new();
    let modes = match &ctx.modes {
        Some(path) => inputs::load_modes(path, &mut warnings)?,
        None => builtin_modes().clone(),
    };
    let answer = evcalc::app::modes::answer(&modes, args.mode.as_deref(), warnings.clone());
    if let Some(e) = answer.option_errors.first() {
        return Err(Fail::Usage(e.message.clone()));
    }
    let reports = &answer.modes;
    let st = &ctx.style;
    let stdout = if ctx.json {
        json(&answer)
    } else if args.mode.is_none() {
        let mut buf = String::new();
        outln!(buf, "EVC modes ({}, {} modes)", modes.source, reports.len());
        let mut t = Table::new(2).header(&["key", "vendor", "exposes", "requires", "?", "label"]);
        for r in reports {
            t.row(vec![
                Cell::new(r.key.clone()),
                Cell::new(r.vendor.to_string()),
                Cell::new(r.exposes.len().to_string()),
                Cell::new(r.required.len().to_string()),
                Cell::new(if r.admission_unproven.is_empty() {
                    String::new()
                } else {
                    r.admission_unproven.len().to_string()
                }),
                Cell::new(r.label.clone()),
            ]);
        }
        buf.push_str(&t.render(st));
        outln!(buf);
        outln!(
            buf,
            "exposes = features the mode lets VMs see (where the host has them); requires = features a host"
        );
        outln!(
            buf,
            "must have to join (admission is not the mask); ? = exposed features whose admission role is"
        );
        outln!(
            buf,
            "unproven (a host lacking only these is uncertain). `evcalc modes MODE` shows the evidence."
        );
        buf
    } else {
        let mut buf = String::new();
        for r in reports {
            render(&mut buf, r, ctx);
        }
        buf
    };
    Ok(Output {
        stdout,
        code: 0,
        warnings,
        ..Output::default()
    })
}

fn render(buf: &mut String, r: &ModeReport, ctx: &Ctx) {
    let st = &ctx.style;
    outln!(buf, "{}  {}", st.paint(Paint::Bold, &r.key), r.label);
    buf.push_str(&field(
        2,
        "vendor",
        10,
        &format!("{} (tier {})", r.vendor, r.tier),
    ));
    if !r.tracks.is_empty() {
        buf.push_str(&field(2, "track", 10, &r.tracks.join(" + ")));
    }
    buf.push_str(&field(2, "source", 10, &r.source));
    let mut notes: Vec<&str> = Vec::new();
    outln!(buf);
    outln!(
        buf,
        "Exposes to VMs, where the host has them ({}; evidence that the mode exposes it):",
        r.exposes.len()
    );
    buf.push_str(&evidence_table(&r.exposes, &mut notes).render(st));
    if !r.pass_through.is_empty() {
        let keys: Vec<&str> = r.pass_through.iter().map(|f| f.key.as_str()).collect();
        buf.push_str(&field(
            2,
            "pass-through",
            12,
            &format!("{} (never required to join)", keys.join(" ")),
        ));
    }
    if !r.patch_era.is_empty() {
        buf.push_str(&field(
            2,
            "patch-era",
            12,
            &format!(
                "{} (exposed per host/cluster state, not part of the fixed baseline)",
                r.patch_era.join(" ")
            ),
        ));
    }
    outln!(buf);
    outln!(
        buf,
        "Requires to join ({}; evidence that a host must have it):",
        r.required.len()
    );
    buf.push_str(&evidence_table(&r.required, &mut notes).render(st));
    if !r.admission_unproven.is_empty() {
        outln!(buf);
        outln!(
            buf,
            "Exposed, admission unproven ({}; a host lacking only these is \"uncertain\" for the mode):",
            r.admission_unproven.len()
        );
        buf.push_str(&evidence_table(&r.admission_unproven, &mut notes).render(st));
    }
    if !r.pins.is_empty() {
        outln!(buf);
        let pins: Vec<String> = r
            .pins
            .iter()
            .map(|p| format!("{} = {:#x}", p.key, p.value))
            .collect();
        buf.push_str(&field(0, "Pinned identity values:", 0, &pins.join(", ")));
    }
    if !notes.is_empty() {
        outln!(buf);
        outln!(buf, "Notes:");
        for (i, n) in notes.iter().enumerate() {
            buf.push_str(&field(2, &format!("{}.", i + 1), 3, n));
        }
    }
    outln!(buf);
    outln!(
        buf,
        "Evidence: [C] confirmed by a cited source, [D] seen in real data, [I] inferred, [R] recalled,"
    );
    outln!(
        buf,
        "[export] from a SupportedEVCMode export. A real export (--modes FILE) settles [I]/[R]."
    );
}

fn evidence_table<'a>(list: &'a [FeatureEvidence], notes: &mut Vec<&'a str>) -> Table {
    let mut t = Table::new(2).header(&["", "key", "since", "note", "label"]);
    for f in list {
        let note = if f.note.is_empty() {
            String::new()
        } else {
            let i = match notes.iter().position(|n| *n == f.note) {
                Some(i) => i,
                None => {
                    notes.push(&f.note);
                    notes.len() - 1
                }
            };
            format!("{}", i + 1)
        };
        t.row(vec![
            Cell::new(format!("{}", f.evidence)),
            Cell::new(f.key.clone()),
            Cell::new(f.introduced_by.clone()),
            Cell::new(note),
            Cell::new(f.label.clone()),
        ]);
    }
    t
}
