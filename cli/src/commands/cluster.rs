//! `evcalc cluster`: the class story, host classes, drift, the vMotion matrix over classes (or
//! every host with `--matrix hosts`), blocked moves and maintenance, from [`evcalc::app::cluster_in`]
//! — the same answer the page gets (`--json` prints it: contract v2).

use super::{json, mode_text, outln, short_cpu, short_product};
use crate::inputs::{self, Fail};
use crate::table::{Cell, Paint, Table, WIDTH, field, width};
use crate::{ClusterArgs, Ctx, MatrixView};
use evcalc::app::{self, ClassCell, ClusterAnswer};
use evcalc::check::{host_list, names_plural};
use evcalc::evc::ModeCatalogue;
use evcalc::report::{CrossCheck, Verdict};

const LW: usize = 12;

/// The options of a request, from the command line (the rules about them are the core's).
pub fn request(args: &crate::EvcArgs) -> app::Request {
    app::Request {
        evc: args.evc.clone(),
        per_vm_evc: args.vm_evc.clone(),
        vm_hw: args.vm_hw.clone(),
        evc_exposes: args.evc_exposes.clone(),
        only: args.only.clone(),
        cluster: args.cluster.clone(),
        ..Default::default()
    }
}

/// Option problems are usage errors on the command line (`--evc: …`).
/// The CLI's name of a request option (`None`: the request as a whole, or its inputs).
pub fn flag(option: app::Opt) -> Option<&'static str> {
    use app::Opt;
    Some(match option {
        Opt::Request | Opt::Inputs => return None,
        Opt::Evc => "--evc",
        Opt::PerVmEvc => "--vm-evc",
        Opt::VmHw => "--vm-hw",
        Opt::EvcExposes => "--evc-exposes",
        Opt::Only => "--only",
        Opt::Rename => "--rename",
        Opt::Remove => "--remove",
        Opt::Maintenance | Opt::Host => "--host",
        Opt::Hosts => "--hosts",
        Opt::Vms | Opt::Vm => "--vm",
        Opt::From => "--from",
        Opt::To => "--to",
        Opt::ToEvc => "--to-evc",
        Opt::Into => "--into",
        Opt::Add => "--add",
        Opt::Set => "--set",
        Opt::Mode => "MODE",
        Opt::Cluster => "--cluster",
    })
}

pub fn option_failure(errors: &[app::OptionError]) -> Option<Fail> {
    (!errors.is_empty()).then(|| {
        Fail::Usage(
            errors
                .iter()
                .map(|e| match flag(e.option) {
                    // The request as a whole, or its inputs: no flag to name.
                    None => e.message.clone(),
                    Some(flag) => format!("{flag}: {}", e.message),
                })
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

pub fn run(args: &ClusterArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let files = inputs::expand(&args.files)?;
    let mut loaded = inputs::load(files, ctx.modes.as_deref())?;
    // Only mode-level or error-text inputs: their own answers (issue 22).
    if loaded.ws.hosts.is_empty() && !loaded.ws.mode_level.tabs.is_empty() {
        return super::inventory::answer_loaded(loaded, None, None, None, ctx);
    }
    if loaded.ws.hosts.is_empty() && !loaded.ws.mode_level.errors.is_empty() {
        return super::explain::answer_loaded(
            loaded,
            None,
            None,
            &request(&args.evc),
            &args.files,
            ctx,
        );
    }
    let request = request(&args.evc);
    // A bundle of several clusters without --cluster: the fleet summary.
    if let Some(out) = super::fleet::summary(&loaded, &request, ctx)? {
        return Ok(out);
    }
    super::fleet::narrow(&mut loaded, request.cluster.as_deref(), None)?;
    if loaded.ws.hosts.is_empty() {
        return Err(Fail::Usage(super::host::no_hosts_message(
            loaded.ws.vms.len(),
        )));
    }
    let modes = loaded.ws.modes.clone();
    let inputs = loaded.ws.inputs.clone();
    let answer = app::cluster_in(&mut loaded.ws, &request, Vec::new());
    // The inputs are done with: free them before the answer is rendered (peak memory).
    super::release(&mut loaded.ws);
    if let Some(fail) = option_failure(&answer.option_errors) {
        return Err(fail);
    }
    // The hosts' own warnings, less those an input remark already says (the same parser
    // message, compared by the remarks' typed text, never by cutting a printed line).
    let said: std::collections::HashSet<&str> = inputs
        .iter()
        .flat_map(|i| i.warnings.iter().map(|w| w.text.as_str()))
        .collect();
    let host_notes: Vec<(String, Vec<String>)> = answer
        .hosts
        .iter()
        .map(|h| {
            let own = h
                .warnings
                .iter()
                .filter(|w| !said.contains(w.as_str()))
                .cloned()
                .collect();
            (h.name.clone(), own)
        })
        .collect();
    let mut warnings = loaded.warnings.clone();
    for (name, own) in &host_notes {
        warnings.extend(own.iter().map(|w| format!("{name}: {w}")));
    }
    let warnings = super::dedup(warnings);
    let stdout = if ctx.json {
        json(&answer)
    } else {
        // The arguments a follow-up `evcalc maintenance` needs: the same inputs and options.
        let mut rerun: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
        for (flag, value) in [
            ("--evc", &args.evc.evc),
            ("--vm-evc", &args.evc.vm_evc),
            ("--vm-hw", &args.evc.vm_hw),
            ("--evc-exposes", &args.evc.evc_exposes),
        ] {
            if let Some(v) = value {
                rerun.push(flag.to_string());
                rerun.push(v.clone());
            }
        }
        render(&answer, &modes, &rerun, args.matrix, ctx)
    };
    Ok(Output {
        stdout,
        code: super::exit_code(answer.outcome),
        warnings,
        inputs,
        host_notes,
    })
}

use super::Output;

/// `s` cut to `n` characters, the last one `…`, when it is longer.
fn clip(s: &str, n: usize) -> String {
    if width(s) <= n {
        s.to_string()
    } else {
        s.chars().take(n.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// Above this many classes, moves name classes by letter (`classes B, D–K`) and the grid gives
/// way to one line per row.
const MANY_CLASSES: usize = 8;

/// Blocked and unverifiable moves listed before the rest is counted.
const MAX_MOVE_LINES: usize = 20;

/// Moves as a bulleted list: the first [`MAX_MOVE_LINES`], then how many more and where
/// (`more`) they are.
fn move_lines(buf: &mut String, lines: &[String], more: &str) {
    for l in lines.iter().take(MAX_MOVE_LINES) {
        buf.push_str(&field(2, "-", 1, l));
    }
    if lines.len() > MAX_MOVE_LINES {
        outln!(
            buf,
            "  … and {} more ({more})",
            lines.len() - MAX_MOVE_LINES
        );
    }
}

/// `classes B, D–K (14 hosts)` / `class B (esxi02–04)`.
fn classes_phrase(a: &ClusterAnswer, from: usize, classes: &[usize]) -> String {
    let hosts: usize = classes.iter().map(|&c| a.classes[c].hosts.len()).sum();
    match classes {
        [c] if *c == from => format!("another host of class {}", class_name(*c)),
        [c] => format!(
            "class {} ({})",
            class_name(*c),
            clip(&a.classes[*c].label, 40)
        ),
        _ => format!("classes {} ({hosts} hosts)", class_letters(classes)),
    }
}

/// Class letters with runs compressed: `B, D–K, M`.
fn class_letters(classes: &[usize]) -> String {
    let mut sorted = classes.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        parts.push(match j - i {
            0 => class_name(sorted[i]),
            1 => format!("{}, {}", class_name(sorted[i]), class_name(sorted[j])),
            _ => format!("{}–{}", class_name(sorted[i]), class_name(sorted[j])),
        });
        i = j + 1;
    }
    parts.join(", ")
}

fn class_name(i: usize) -> String {
    // A, B, …, Z, AA, AB, …
    let mut n = i;
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

fn cell_text(c: Option<&ClassCell>) -> Cell {
    match c {
        None => Cell::painted("-", Paint::Dim),
        Some(c) => match c.verdict {
            Verdict::Unknown => Cell::painted("ok?", Paint::Warn),
            Verdict::Compatible => Cell::painted("ok", Paint::Good),
            Verdict::Blocked => Cell::painted("NO", Paint::Bad),
        },
    }
}

pub(crate) fn render(
    a: &ClusterAnswer,
    modes: &ModeCatalogue,
    files: &[String],
    view: MatrixView,
    ctx: &Ctx,
) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    let n = a.hosts.len();
    let k = a.classes.len();
    outln!(
        buf,
        "{}",
        st.paint(
            Paint::Bold,
            &format!(
                "Cluster of {n} host{} in {k} class{} of identical CPU features",
                if n == 1 { "" } else { "s" },
                if k == 1 { "" } else { "es" }
            )
        )
    );
    buf.push_str(&field(2, "EVC mode", LW, &super::evc_text(&a.evc, modes)));
    let common = a
        .max_common_evc_mode
        .as_deref()
        .map(|m| mode_text(m, modes))
        .unwrap_or_else(|| "none".to_string());
    buf.push_str(&field(2, "max common", LW, &common));
    if let Some(p) = &a.per_vm_evc_mode {
        buf.push_str(&field(2, "per-VM EVC", LW, &mode_text(p, modes)));
    }
    buf.push_str(&field(2, "EVC modes", LW, &a.modes_source));
    if !a.vms.is_empty() {
        buf.push_str(&field(
            2,
            "VM dumps",
            LW,
            &format!(
                "{} loaded: maintenance plans use them for their hosts; the matrix is for any VM powered on on each host",
                a.vms.len()
            ),
        ));
    }
    if let Some(h) = &a.headline {
        outln!(buf);
        let paint = match h.verdict {
            Verdict::Compatible => Paint::Good,
            Verdict::Blocked => Paint::Bad,
            Verdict::Unknown => Paint::Warn,
        };
        let text = crate::table::wrap(&h.text, WIDTH - 2, 2);
        outln!(buf, "{}", st.paint(paint, text.trim_end()));
        for step in &h.next {
            buf.push_str(&field(2, "next", 5, &step.replace('`', "")));
        }
    }

    // The story.
    outln!(buf);
    outln!(buf, "{}", st.paint(Paint::Bold, "Story"));
    for line in &a.story {
        buf.push_str(&field(2, "-", 1, line));
    }

    // Classes.
    outln!(buf);
    outln!(buf, "{}", st.paint(Paint::Bold, "Host classes"));
    let joins = a.evc.mode.as_ref().map(|_| "joins EVC".to_string());
    let show_esxi = a.hosts.iter().any(|h| h.product.is_some());
    let show_cpu = a.hosts.iter().any(|h| h.cpu_model.is_some());
    let mut header = vec!["class", "hosts", "#", "max EVC"];
    if let Some(j) = &joins {
        header.push(j);
    }
    if show_esxi {
        header.push("ESXi");
    }
    if show_cpu {
        header.push("CPU");
    }
    // The hosts label and the CPU name are clipped so the table fits the width: the other
    // columns are short.
    let esxi_w = if show_esxi {
        a.classes
            .iter()
            .map(|c| {
                a.hosts[c.hosts[0] as usize]
                    .product
                    .as_deref()
                    .map_or(1, |p| width(&short_product(p)))
            })
            .max()
            .unwrap_or(0)
            .max(4)
            + 2
    } else {
        0
    };
    let mode_w = a
        .classes
        .iter()
        .map(|c| c.report.max_evc_mode.as_deref().map_or(8, width))
        .max()
        .unwrap_or(8)
        .max(8);
    let fixed = 2
        + class_name(a.classes.len().saturating_sub(1)).len().max(5)
        + 2
        + a.hosts.len().to_string().len().max(1)
        + 2
        + mode_w
        + 2
        + if joins.is_some() { 11 } else { 0 }
        + esxi_w;
    let cpu_w = if show_cpu { 28 } else { 0 };
    let hosts_w = WIDTH
        .saturating_sub(fixed + 2 + if show_cpu { cpu_w + 2 } else { 0 })
        .max(20);
    let mut t = Table::new(2).header(&header);
    for (c, class) in a.classes.iter().enumerate() {
        let first = &a.hosts[class.hosts[0] as usize];
        let max = if class.report.fragment {
            "fragment".to_string()
        } else {
            class
                .report
                .max_evc_mode
                .clone()
                .unwrap_or_else(|| "none".to_string())
        };
        let mut row = vec![
            Cell::new(class_name(c)),
            Cell::new(clip(&class.label, hosts_w)),
            Cell::new(class.hosts.len().to_string()),
            Cell::new(max),
        ];
        if joins.is_some() {
            row.push(match class.admission.as_ref().and_then(|a| a.admitted) {
                Some(true) => Cell::painted("yes", Paint::Good),
                Some(false) => Cell::painted("NO", Paint::Bad),
                None => Cell::new("?"),
            });
        }
        if show_esxi {
            row.push(Cell::new(
                first
                    .product
                    .as_deref()
                    .map(short_product)
                    .unwrap_or_else(|| "-".to_string()),
            ));
        }
        if show_cpu {
            row.push(Cell::new(
                first
                    .cpu_model
                    .as_deref()
                    .map(|c| {
                        // The clock says nothing about CPU features: left out for width.
                        let c = short_cpu(c);
                        let name = match c.split_once(" @ ") {
                            Some((name, _)) => name.to_string(),
                            None => c,
                        };
                        clip(&name, cpu_w)
                    })
                    .unwrap_or_else(|| "-".to_string()),
            ));
        }
        t.row(row);
    }
    buf.push_str(&t.render(st));
    for class in &a.classes {
        if let Some(adm) = class
            .admission
            .as_ref()
            .filter(|x| x.admitted == Some(false))
        {
            let text = format!(
                "  {}",
                super::check::admission_text(Some(adm), &class.label)
            );
            outln!(buf, "{}", crate::table::wrap(&text, WIDTH, 4));
        }
    }
    let differs: Vec<String> = a
        .hosts
        .iter()
        .filter(|h| h.max_evc_cross_check == CrossCheck::Differs)
        .map(|h| {
            format!(
                "{} reports maxEVCModeKey {}, evcalc computes {}",
                h.name,
                h.reported_max_evc_mode.as_deref().unwrap_or("-"),
                a.classes[h.class as usize]
                    .report
                    .max_evc_mode
                    .as_deref()
                    .unwrap_or("none")
            )
        })
        .collect();
    for d in differs.iter().take(5) {
        buf.push_str(&field(2, "differs", 7, d));
    }
    if differs.len() > 5 {
        outln!(
            buf,
            "  … and {} more hosts whose maxEVCModeKey differs (see --json)",
            differs.len() - 5
        );
    }

    // Drift.
    outln!(buf);
    outln!(
        buf,
        "{}",
        st.paint(Paint::Bold, "Drift: features on which the hosts disagree")
    );
    if a.drift.is_empty() {
        if a.classes.len() > 1 {
            outln!(
                buf,
                "  none in featureCapability; the story says how the classes differ"
            );
        } else {
            outln!(buf, "  none: every host reports the same values");
        }
    } else {
        let mut t = Table::new(2);
        let blocking: Vec<&app::DriftEntry> = a.drift.iter().filter(|d| d.blocks_vmotion).collect();
        let harmless = a.drift.len() - blocking.len();
        // Blocking drift first; harmless drift counted when it would crowd the story out.
        let shown: Vec<&app::DriftEntry> = if a.drift.len() > 12 {
            blocking.iter().take(12).copied().collect()
        } else {
            a.drift.iter().collect()
        };
        for d in &shown {
            t.row(vec![
                Cell::new(d.key.clone()),
                Cell::new(clip(&d.label, 40)),
                drift_effect(d),
            ]);
        }
        // Each feature's row, then who has it, by class, wrapped to the width.
        let rendered = t.render(st);
        for (line, d) in rendered.lines().zip(&shown) {
            outln!(buf, "{line}");
            buf.push_str(&crate::table::wrap(&drift_summary(d, a), WIDTH - 6, 6));
            buf.push('\n');
        }
        let hidden = a.drift.len() - shown.len();
        if hidden > 0 {
            outln!(
                buf,
                "  … {hidden} more ({harmless} harmless here in all); --json lists them"
            );
        }
    }

    // Matrix.
    outln!(buf);
    if let Some(note) = &a.matrix_omitted {
        outln!(buf, "{}", st.paint(Paint::Bold, "vMotion matrix"));
        buf.push_str(&crate::table::wrap(note, WIDTH - 2, 2));
        buf.push('\n');
        return buf;
    }
    match view {
        MatrixView::Classes => class_matrix(a, &mut buf, ctx),
        MatrixView::Hosts => host_matrix(a, &mut buf, ctx),
    }

    // Blocked and unproven moves, per class pair, in plain words.
    let mut lines: Vec<String> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let many = a.classes.len() > MANY_CLASSES;
    for (from, row) in a.matrix.iter().enumerate() {
        let from_label = &if many {
            format!(
                "class {} ({})",
                class_name(from),
                clip(&a.classes[from].label, 40)
            )
        } else {
            a.classes[from].label.clone()
        };
        let mut unknown_classes: Vec<usize> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut why_unknown: Vec<String> = Vec::new();
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (to, cell) in row.iter().enumerate() {
            let Some(cell) = cell else { continue };
            let to_label = dest_label(a, from, to);
            match cell.verdict {
                Verdict::Unknown => {
                    unknown.push(to_label);
                    unknown_classes.push(to);
                    for &u in cell.unknowns.iter().take(2) {
                        let u = &a.unknowns[u as usize];
                        let text = format!("{}: {}", u.key, u.why);
                        if !why_unknown.contains(&text) && why_unknown.len() < 2 {
                            why_unknown.push(text);
                        }
                    }
                }
                Verdict::Blocked => {
                    let why = cell_reason(a, cell, if many { 6 } else { usize::MAX });
                    match groups.iter_mut().find(|(w, _)| *w == why) {
                        Some((_, d)) => d.push(to),
                        None => groups.push((why, vec![to])),
                    }
                }
                Verdict::Compatible => {}
            }
        }
        if !unknown.is_empty() {
            open.push(format!(
                "From {from_label} to {}: no blocker visible in the data; not verifiable ({}) — load full dumps to confirm",
                if many {
                    classes_phrase(a, from, &unknown_classes)
                } else {
                    host_list(&unknown)
                },
                if why_unknown.is_empty() { "partial data".to_string() } else { why_unknown.join("; ") }
            ));
        }
        for (why, dests) in groups {
            let labels: Vec<String> = dests.iter().map(|&d| dest_label(a, from, d)).collect();
            let plural = if many {
                dests
                    .iter()
                    .map(|&d| a.classes[d].hosts.len())
                    .sum::<usize>()
                    > 1
            } else {
                names_plural(&labels)
            };
            lines.push(format!(
                "A VM powered on on {from_label} cannot move to {}: {}",
                if many {
                    classes_phrase(a, from, &dests)
                } else {
                    host_list(&labels)
                },
                why.replace("{they}", if plural { "they" } else { "it" })
                    .replace("{their}", if plural { "their" } else { "its" })
                    .replace("{lack}", if plural { "lack" } else { "lacks" })
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
        move_lines(&mut buf, &open, "--json lists every pair");
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
        move_lines(
            &mut buf,
            &lines,
            "--json lists every pair; `evcalc check` explains one move",
        );
    }

    // Maintenance, one line per plan that is not evacuable.
    let not_ok: Vec<&app::MaintenancePlan> = a
        .maintenance
        .iter()
        .filter(|m| m.outcome != Verdict::Compatible)
        .collect();
    if !a.maintenance.is_empty() {
        outln!(buf);
        outln!(buf, "{}", st.paint(Paint::Bold, "Maintenance"));
        if not_ok.is_empty() {
            outln!(
                buf,
                "  every host can enter maintenance mode: every VM has a destination"
            );
        }
        for m in not_ok.iter().take(8) {
            buf.push_str(&field(2, "-", 1, &m.verdict));
        }
        if not_ok.len() > 8 {
            outln!(buf, "  … and {} more plans (see --json)", not_ok.len() - 8);
        }
        for m in not_ok.iter().take(3) {
            let host = &a.hosts[m.hosts[0] as usize].name;
            let mut words: Vec<String> = vec!["evcalc".into(), "maintenance".into()];
            if files.is_empty() {
                words.push("FILE...".into());
            }
            words.extend(files.iter().cloned());
            words.extend(["--host".to_string(), host.clone()]);
            buf.push_str(&super::shell_lines("Remedies: ", &words, WIDTH));
        }
    }
    buf
}

/// The destination class as seen from `from`: its label, or "another of …" on the diagonal.
fn dest_label(a: &ClusterAnswer, from: usize, to: usize) -> String {
    if from == to {
        format!("another of {}", a.classes[to].label)
    } else {
        a.classes[to].label.clone()
    }
}

fn class_matrix(a: &ClusterAnswer, buf: &mut String, ctx: &Ctx) {
    let st = &ctx.style;
    outln!(
        buf,
        "{}",
        st.paint(
            Paint::Bold,
            "vMotion matrix over classes: can a VM powered on on a ROW host move to a COLUMN host?"
        )
    );
    // The grid needs 4 columns per class: above what fits, one line per row instead.
    if 2 + 16 + 4 * a.classes.len() > WIDTH {
        for (i, row) in a.matrix.iter().enumerate() {
            let mut by: [(&str, Vec<usize>); 3] = [("ok", vec![]), ("ok?", vec![]), ("NO", vec![])];
            for (j, c) in row.iter().enumerate() {
                let Some(c) = c else { continue };
                let k = match c.verdict {
                    Verdict::Compatible => 0,
                    Verdict::Unknown => 1,
                    Verdict::Blocked => 2,
                };
                by[k].1.push(j);
            }
            let parts: Vec<String> = by
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(w, v)| format!("{w} {}", class_letters(v)))
                .collect();
            let line = format!(
                "  {:<3} {}  →  {}",
                class_name(i),
                clip(&a.classes[i].label, 30),
                parts.join(" · ")
            );
            buf.push_str(&crate::table::wrap(&line, WIDTH - 8, 8));
            buf.push('\n');
        }
        outln!(
            buf,
            "  each row: where a VM powered on there can move (ok), cannot (NO), may (ok?: not"
        );
        outln!(buf, "  verifiable); --json has the grid");
        return;
    }
    let mut header: Vec<String> = vec!["VM powered on on".to_string()];
    header.extend((0..a.classes.len()).map(class_name));
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(2).header(&refs);
    let label_w = WIDTH.saturating_sub(8 + 4 * a.classes.len()).max(16);
    for (i, row) in a.matrix.iter().enumerate() {
        let label = clip(
            &format!("{} {}", class_name(i), a.classes[i].label),
            label_w,
        );
        let mut cells = vec![Cell::new(label)];
        cells.extend(row.iter().map(|c| cell_text(c.as_ref())));
        t.row(cells);
    }
    buf.push_str(&t.render(st));
    outln!(
        buf,
        "  ok = vMotion possible, NO = blocked, - = no other host in the class; --matrix hosts for every host"
    );
    if a.matrix
        .iter()
        .flatten()
        .flatten()
        .any(|c| c.verdict == Verdict::Unknown)
    {
        outln!(
            buf,
            "  ok? = no blocker among the keys a fragment shows (the others are not known)"
        );
    }
}

fn host_matrix(a: &ClusterAnswer, buf: &mut String, ctx: &Ctx) {
    let st = &ctx.style;
    outln!(
        buf,
        "{}",
        st.paint(
            Paint::Bold,
            "vMotion matrix: can a VM powered on on ROW move to COLUMN?"
        )
    );
    let names: Vec<&str> = a.hosts.iter().map(|h| h.name.as_str()).collect();
    let name_w = names.iter().map(|n| width(n)).max().unwrap_or(0);
    let numbered =
        2 + name_w.max(18) + names.iter().map(|n| width(n).max(3) + 2).sum::<usize>() > WIDTH;
    let mut header: Vec<String> = vec![
        if numbered {
            "# VM powered on on"
        } else {
            "VM powered on on"
        }
        .to_string(),
    ];
    header.extend((0..names.len()).map(|i| {
        if numbered {
            (i + 1).to_string()
        } else {
            names[i].to_string()
        }
    }));
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(2).header(&refs);
    for i in 0..names.len() {
        let label = if numbered {
            format!("{} {}", i + 1, names[i])
        } else {
            names[i].to_string()
        };
        let mut cells = vec![Cell::new(label)];
        cells.extend((0..names.len()).map(|j| cell_text(a.host_cell(i, j))));
        t.row(cells);
    }
    buf.push_str(&t.render(st));
    outln!(buf, "  ok = vMotion possible, NO = blocked, - = same host");
    if a.matrix
        .iter()
        .flatten()
        .flatten()
        .any(|c| c.verdict == Verdict::Unknown)
    {
        outln!(
            buf,
            "  ok? = no blocker among the keys a fragment shows (the others are not known)"
        );
    }
}

fn drift_summary(d: &app::DriftEntry, a: &ClusterAnswer) -> String {
    let class = |c: u32| {
        format!(
            "{} ({})",
            class_name(c as usize),
            a.classes[c as usize].label
        )
    };
    if d.numbers_differ {
        let values: Vec<String> = d
            .values
            .iter()
            .map(|(c, v)| {
                let who = class(*c);
                if *v > 9 {
                    format!("{who}={v:#x}")
                } else {
                    format!("{who}={v}")
                }
            })
            .collect();
        return format!("      values differ: {}", values.join(", "));
    }
    // The smaller side: the classes that lack it, or the few that have it.
    let (n, what, list) = if d.hosts_without <= d.hosts_with && !d.classes_without.is_empty() {
        (d.hosts_without, "missing on", &d.classes_without)
    } else {
        (d.hosts_with, "only", &d.classes_with)
    };
    if list.is_empty() {
        return format!("      {}", d.summary);
    }
    let who = if a.classes.len() > MANY_CLASSES {
        let list: Vec<usize> = list.iter().map(|&c| c as usize).collect();
        format!(
            "class{} {}",
            if list.len() == 1 { "" } else { "es" },
            class_letters(&list)
        )
    } else {
        let named: Vec<String> = list.iter().map(|&c| class(c)).collect();
        format!("class {}", named.join(", class "))
    };
    let hidden = if d.classes_hidden.is_empty() {
        String::new()
    } else {
        let named: Vec<String> = d.classes_hidden.iter().map(|&c| class(c)).collect();
        format!(
            "; EVC masks hide it on {} more (CPU has it): class {}",
            d.hosts_hidden,
            named.join(", class ")
        )
    };
    format!(
        "      {what} {n} of {} hosts: {who}{hidden}",
        d.hosts_with + d.hosts_without
    )
}

fn drift_effect(d: &app::DriftEntry) -> Cell {
    if d.blocks_vmotion {
        Cell::painted("blocks vMotion", Paint::Bad)
    } else if d.feature.is_none() {
        Cell::painted("not judged", Paint::Dim)
    } else {
        Cell::painted("harmless here", Paint::Dim)
    }
}

/// Why a matrix cell is blocked, with `{they}`/`{lack}` placeholders for the destinations.
fn cell_reason(a: &ClusterAnswer, c: &ClassCell, max_features: usize) -> String {
    let mut parts = Vec::new();
    let blockers: Vec<&app::Blocker> = c
        .blockers
        .iter()
        .map(|&b| &a.blockers[b as usize])
        .collect();
    use evcalc::report::Absence;
    // Typed facts decide the words: a CPU that lacks it, masks that hide it, a VM's virtual
    // hardware (never read back from a sentence).
    let (vhw, blockers): (Vec<&app::Blocker>, Vec<&app::Blocker>) =
        blockers.into_iter().partition(|m| m.vhw_too_new.is_some());
    let (hidden, blockers): (Vec<&app::Blocker>, Vec<&app::Blocker>) = blockers
        .into_iter()
        .partition(|m| matches!(m.absence, Some(Absence::MasksHide | Absence::ModeHides)));
    let (absent, other): (Vec<&app::Blocker>, Vec<&app::Blocker>) =
        blockers.iter().partition(|m| {
            m.available == 0
                && matches!(
                    m.absence,
                    Some(
                        Absence::NotOnCpu
                            | Absence::RawNotShown
                            | Absence::PerVmMask
                            | Absence::NotListed
                    )
                )
        });
    for m in &vhw {
        if let Some(why) = &m.why {
            parts.push(why.clone());
        }
    }
    if !hidden.is_empty() {
        parts.push(format!(
            "{{their}} EVC masks hide {} (the CPU has it)",
            hidden
                .iter()
                .take(max_features)
                .map(|m| format!("{} ({})", m.key, m.label))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !absent.is_empty() {
        let more = absent.len().saturating_sub(max_features);
        parts.push(format!(
            "{{they}} {{lack}} {}{}",
            absent
                .iter()
                .take(max_features)
                .map(|m| format!("{} ({})", m.key, m.label))
                .collect::<Vec<_>>()
                .join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if other.len() > max_features {
        parts.push(format!(
            "{} more features with values other than required",
            other.len() - max_features
        ));
    }
    for m in other.iter().take(max_features) {
        parts.push(format!(
            "{} ({}) needs {}, {{they}} offer {}",
            m.key, m.label, m.required, m.available
        ));
    }
    if c.destination_not_admitted {
        parts.push(format!(
            "{{they}} cannot join the EVC mode {}",
            a.evc.mode.as_deref().unwrap_or("?")
        ));
    }
    parts.join("; ")
}
