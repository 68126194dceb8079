//! `evcalc cluster`: host table, EVC choice, drift, the N×N matrix and its blockers.

use super::{Common, Evc, Output, json, mode_text, outln, resolve_evc, short_cpu, short_product};
use crate::inputs::{self, Fail};
use crate::table::{Cell, Paint, Table, WIDTH, field, width};
use crate::{ClusterArgs, Ctx};
use evcalc::check::{self, host_list};
use evcalc::evc::ModeCatalogue;
use evcalc::report::{ClusterReport, CrossCheck, Drift, MatrixCell, Missing};

const LW: usize = 12;

pub fn run(args: &ClusterArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let files = inputs::expand(&args.files)?;
    let mut loaded = inputs::load(files, ctx.modes.as_deref())?;
    super::attach_evidence(&mut loaded, &args.evc)?;
    let ws = &loaded.ws;
    if ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(ws.vms.len())));
    }
    let evc = resolve_evc(&args.evc, &ws.hosts, &ws.modes)?;
    let mut report =
        check::cluster_report_at(&ws.hosts, evc.setting, evc.per_vm, evc.vhw, &ws.modes);
    if !evc.only.is_empty() {
        check::limit_cluster(&mut report, &evc.only);
    }
    let mut warnings = loaded.warnings.clone();
    for h in &report.hosts {
        warnings.extend(h.warnings.iter().map(|w| format!("{}: {w}", h.name)));
    }
    let warnings = super::dedup(warnings);
    let stdout = if ctx.json {
        json(&ClusterJson {
            report: &report,
            evc: evc.choice(),
            common: Common {
                inputs: &ws.inputs,
                warnings: &warnings,
            },
        })
    } else {
        let files: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
        render(&report, &evc, &ws.modes, &files, ws.vms.len(), ctx)
    };
    Ok(Output {
        stdout,
        code: super::exit_code(report.outcome),
        warnings,
    })
}

#[derive(serde::Serialize)]
struct ClusterJson<'a> {
    #[serde(flatten)]
    report: &'a ClusterReport,
    evc: evcalc::session::EvcChoice,
    #[serde(flatten)]
    common: Common<'a>,
}

fn render(
    r: &ClusterReport,
    evc: &Evc<'_>,
    modes: &ModeCatalogue,
    files: &[String],
    vms: usize,
    ctx: &Ctx,
) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    outln!(
        buf,
        "{}",
        st.paint(
            Paint::Bold,
            &format!(
                "Cluster of {} host{}",
                r.hosts.len(),
                if r.hosts.len() == 1 { "" } else { "s" }
            )
        )
    );
    buf.push_str(&field(2, "EVC mode", LW, &evc.describe()));
    let common = r
        .max_common_evc_mode
        .as_deref()
        .map(|m| mode_text(m, modes))
        .unwrap_or_else(|| "none".to_string());
    buf.push_str(&field(2, "max common", LW, &common));
    if let Some(p) = &r.per_vm_evc_mode {
        buf.push_str(&field(2, "per-VM EVC", LW, &mode_text(p, modes)));
    }
    buf.push_str(&field(2, "EVC modes", LW, &r.modes_source));
    if vms > 0 {
        buf.push_str(&field(
            2,
            "VM dumps",
            LW,
            &format!("{vms} loaded, not used here: the matrix is for any VM powered on on each host (see `evcalc maintenance --vm`)"),
        ));
    }

    // Hosts.
    outln!(buf);
    outln!(buf, "{}", st.paint(Paint::Bold, "Hosts"));
    let joins = r.evc_mode.as_ref().map(|m| format!("joins {m}"));
    let show_reported = r.hosts.iter().any(|h| h.reported_max_evc_mode.is_some());
    let show_esxi = r.hosts.iter().any(|h| h.product.is_some());
    let show_cpu = r.hosts.iter().any(|h| h.cpu_model.is_some());
    let mut header = vec!["host", "max EVC"];
    if show_reported {
        header.push("reported max");
    }
    if let Some(j) = &joins {
        header.push(j);
    }
    if show_esxi {
        header.push("ESXi");
    }
    if show_cpu {
        header.push("CPU");
    }
    let mut t = Table::new(2).header(&header);
    for h in &r.hosts {
        let reported = match (&h.reported_max_evc_mode, h.max_evc_cross_check) {
            (Some(k), CrossCheck::Differs) => Cell::painted(format!("{k} (differs)"), Paint::Warn),
            (Some(k), _) => Cell::new(k.clone()),
            (None, _) => Cell::new("-"),
        };
        let max = if h.fragment {
            "fragment".to_string()
        } else {
            h.max_evc_mode.clone().unwrap_or_else(|| "none".to_string())
        };
        let mut row = vec![Cell::new(h.name.clone()), Cell::new(max)];
        if show_reported {
            row.push(reported);
        }
        if joins.is_some() {
            let adm = r.admissions.iter().find(|a| a.host == h.name);
            row.push(match adm.and_then(|a| a.admitted) {
                Some(true) => Cell::painted("yes", Paint::Good),
                Some(false) => Cell::painted("NO", Paint::Bad),
                None => Cell::new("?"),
            });
        }
        if show_esxi {
            row.push(Cell::new(
                h.product
                    .as_deref()
                    .map(short_product)
                    .unwrap_or_else(|| "-".to_string()),
            ));
        }
        if show_cpu {
            row.push(Cell::new(
                h.cpu_model
                    .as_deref()
                    .map(short_cpu)
                    .unwrap_or_else(|| "-".to_string()),
            ));
        }
        t.row(row);
    }
    buf.push_str(&t.render(st));
    for a in r.admissions.iter().filter(|a| a.admitted == Some(false)) {
        outln!(buf, "  {}", super::check::admission_text(Some(a), &a.host));
    }

    // Drift.
    outln!(buf);
    outln!(
        buf,
        "{}",
        st.paint(Paint::Bold, "Drift: features on which the hosts disagree")
    );
    if r.drift.is_empty() {
        outln!(buf, "  none: every host reports the same values");
    } else {
        let mut t = Table::new(2);
        for d in &r.drift {
            t.row(vec![
                Cell::new(d.key.clone()),
                Cell::new(d.label.clone()),
                Cell::new(drift_summary(d)),
                drift_effect(d),
            ]);
        }
        buf.push_str(&t.render(st));
    }

    // Matrix.
    outln!(buf);
    if let Some(note) = &r.matrix_omitted {
        outln!(buf, "{}", st.paint(Paint::Bold, "vMotion matrix"));
        buf.push_str(&crate::table::wrap(note, WIDTH, 2));
        buf.push('\n');
        return buf;
    }
    outln!(
        buf,
        "{}",
        st.paint(
            Paint::Bold,
            "vMotion matrix: can a VM powered on on ROW move to COLUMN?"
        )
    );
    let names: Vec<&str> = r.matrix.iter().map(|row| row.from.as_str()).collect();
    let name_w = names.iter().map(|n| width(n)).max().unwrap_or(0);
    let numbered =
        2 + name_w.max(18) + names.iter().map(|n| width(n).max(3) + 2).sum::<usize>() > WIDTH;
    let col_label = |i: usize| {
        if numbered {
            (i + 1).to_string()
        } else {
            names[i].to_string()
        }
    };
    let mut header: Vec<String> = vec!["VM powered on on".to_string()];
    if numbered {
        header[0] = "# VM powered on on".to_string();
    }
    header.extend((0..names.len()).map(col_label));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(2).header(&header_refs);
    for (i, row) in r.matrix.iter().enumerate() {
        let label = if numbered {
            format!("{} {}", i + 1, row.from)
        } else {
            row.from.clone()
        };
        let mut cells = vec![Cell::new(label)];
        for c in &row.cells {
            cells.push(if c.to == row.from {
                Cell::painted("-", Paint::Dim)
            } else if c.verdict == evcalc::report::Verdict::Unknown {
                Cell::painted("ok?", Paint::Warn)
            } else if c.compatible {
                Cell::painted("ok", Paint::Good)
            } else {
                Cell::painted("NO", Paint::Bad)
            });
        }
        t.row(cells);
    }
    buf.push_str(&t.render(st));
    outln!(buf, "  ok = vMotion possible, NO = blocked, - = same host");
    if r.matrix.iter().any(|row| {
        row.cells
            .iter()
            .any(|c| c.verdict == evcalc::report::Verdict::Unknown)
    }) {
        outln!(
            buf,
            "  ok? = no blocker among the keys a fragment shows (the others are not known)"
        );
    }

    // Blocked moves in plain words; unproven ones said apart, never as "cannot".
    let mut lines: Vec<String> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    for row in &r.matrix {
        let unknown: Vec<String> = row
            .cells
            .iter()
            .filter(|c| c.verdict == evcalc::report::Verdict::Unknown)
            .map(|c| c.to.clone())
            .collect();
        if !unknown.is_empty() {
            let mut why: Vec<String> = Vec::new();
            for c in row
                .cells
                .iter()
                .filter(|c| c.verdict == evcalc::report::Verdict::Unknown)
            {
                for u in c.unknown.iter().take(2) {
                    let text = format!("{}: {}", u.key, u.why);
                    if !why.contains(&text) && why.len() < 2 {
                        why.push(text);
                    }
                }
            }
            open.push(format!(
                "From {} to {}: no blocker visible in the data; not verifiable ({}) — load full dumps to confirm",
                row.from,
                host_list(&unknown),
                if why.is_empty() { "partial data".to_string() } else { why.join("; ") }
            ));
        }
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for c in row
            .cells
            .iter()
            .filter(|c| c.verdict == evcalc::report::Verdict::Blocked)
        {
            let why = cell_reason(c, r.evc_mode.as_deref());
            match groups.iter_mut().find(|(w, _)| *w == why) {
                Some((_, dests)) => dests.push(c.to.clone()),
                None => groups.push((why, vec![c.to.clone()])),
            }
        }
        for (why, dests) in groups {
            lines.push(format!(
                "A VM powered on on {} cannot move to {}: {}",
                row.from,
                host_list(&dests),
                why.replace("{they}", if dests.len() == 1 { "it" } else { "they" })
                    .replace("{lack}", if dests.len() == 1 { "lacks" } else { "lack" })
            ));
        }
    }
    outln!(buf);
    if !open.is_empty() {
        outln!(
            buf,
            "{}",
            st.paint(Paint::Bold, "Not verifiable from the data")
        );
        for l in &open {
            buf.push_str(&field(2, "-", 1, l));
        }
        outln!(buf);
    }
    if lines.is_empty() && open.is_empty() {
        outln!(
            buf,
            "{}",
            st.paint(Paint::Good, "Every VM can move to every host.")
        );
    } else if lines.is_empty() {
        outln!(buf, "No move is proven blocked.");
    } else {
        outln!(buf, "{}", st.paint(Paint::Bold, "Blocked moves"));
        for l in lines {
            buf.push_str(&field(2, "-", 1, &l));
        }
        let sources: Vec<&str> = r
            .matrix
            .iter()
            .filter(|row| {
                row.cells
                    .iter()
                    .any(|c| c.verdict == evcalc::report::Verdict::Blocked)
            })
            .map(|row| row.from.as_str())
            .collect();
        outln!(buf);
        let files = if files.is_empty() {
            "FILE...".to_string()
        } else {
            files.join(" ")
        };
        for s in sources {
            outln!(buf, "Remedies: evcalc maintenance {files} --host {s}");
        }
    }
    buf
}

fn drift_summary(d: &Drift) -> String {
    if d.summary == "values differ" {
        let values: Vec<String> = d
            .values
            .iter()
            .map(|v| {
                if v.value > 9 {
                    format!("{}={:#x}", v.host, v.value)
                } else {
                    format!("{}={}", v.host, v.value)
                }
            })
            .collect();
        format!("values differ: {}", values.join(", "))
    } else {
        d.summary.clone()
    }
}

fn drift_effect(d: &Drift) -> Cell {
    if d.blocks_vmotion {
        Cell::painted("blocks vMotion", Paint::Bad)
    } else if d.kind.is_none() {
        Cell::painted("not judged", Paint::Dim)
    } else {
        Cell::painted("harmless here", Paint::Dim)
    }
}

/// Why a matrix cell is blocked, with `{they}`/`{lack}` placeholders for the destinations.
fn cell_reason(c: &MatrixCell, mode: Option<&str>) -> String {
    let mut parts = Vec::new();
    if !c.missing.is_empty() {
        let (absent, other): (Vec<&Missing>, Vec<&Missing>) = c
            .missing
            .iter()
            .partition(|m| m.available == 0 && m.required.ends_with("Min:1"));
        if !absent.is_empty() {
            parts.push(format!(
                "{{they}} {{lack}} {}",
                absent
                    .iter()
                    .map(|m| super::missing_feature(m))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for m in other {
            parts.push(format!(
                "{} needs {}, {{they}} {} {}",
                super::missing_feature(m),
                m.required,
                "{have}",
                m.available
            ));
        }
    }
    if c.destination_not_admitted {
        parts.push(format!(
            "{{they}} cannot join the EVC mode {}",
            mode.unwrap_or("?")
        ));
    }
    parts.join("; ").replace("{have}", "offer")
}
