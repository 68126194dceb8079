//! `--exit-codes nagios`: the Nagios/Icinga plugin status line.
//!
//! The first line of stdout is `EVC <STATE> - <worst finding> | <performance data>`, one line of
//! at most [`MAX_LINE`] characters; the command's human output follows as the long output.
//! The finding is built from the answer's typed fields (contract v2: `outcome`, `blockers` with
//! their `absence` / `vhw_too_new`, `unknowns`, `hosts`, `classes`, `matrix`, `plan`, `check`),
//! read from the command's own `--json` answer, never from its sentences. The state follows the
//! exit code, so the line and the code always agree.

use serde::Deserialize;
use std::collections::BTreeSet;

/// The longest status line (characters); the finding is shortened with `…` to fit, the
/// performance data is kept whole.
pub const MAX_LINE: usize = 200;

/// The plugin state word of a Nagios exit code.
pub fn state(code: u8) -> &'static str {
    match code {
        0 => "OK",
        1 => "WARNING",
        2 => "CRITICAL",
        _ => "UNKNOWN",
    }
}

/// One performance-data item, `label=value`.
pub type Perf = (&'static str, usize);

/// `EVC STATE - text | a=1 b=2`: one line, `|` and line breaks removed from the text, shortened
/// to [`MAX_LINE`] characters.
pub fn line(code: u8, text: &str, perf: &[Perf]) -> String {
    let perf: String = perf
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    let head = format!("EVC {} - ", state(code));
    let tail = if perf.is_empty() {
        String::new()
    } else {
        format!(" | {perf}")
    };
    let room = MAX_LINE
        .saturating_sub(head.chars().count() + tail.chars().count())
        .max(40);
    let text = one_line(text);
    let text = if text.chars().count() > room {
        let mut t: String = text.chars().take(room - 1).collect();
        t = t.trim_end().to_string();
        t.push('…');
        t
    } else {
        text
    };
    format!("{head}{text}{tail}")
}

/// Text on one line without `|` (Nagios and Icinga read what follows a `|` as performance data).
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "¦")
}

/// The long output: the human report with every `|` written as `¦` (U+00A6). Nagios reads a `|`
/// anywhere in the long output, and Icinga 2 a `|` on any line followed by `=`, as the start
/// of performance data; the remedies quote shell pipes (`vim-cmd … | grep …`).
pub fn long_output(text: &str) -> String {
    text.replace('|', "¦")
}

/// The status line of a command's failure (exit 2, bad input or usage): `EVC UNKNOWN - <the
/// error>`, and every error as long output.
pub fn failure(first: &str, all: &[String]) -> String {
    let mut out = line(3, first, &[]);
    out.push('\n');
    if all.len() > 1 {
        for e in all {
            out.push_str(&long_output(e));
            out.push('\n');
        }
    }
    out
}

/// The status line when the answer cannot be read (an input read once, such as standard input,
/// or an answer this module does not know): the question and the state, nothing more.
pub fn generic(question: &str, code: u8) -> String {
    let what = match code {
        0 => "no blocker, every move proven",
        2 => "blocked",
        _ => "not everything could be checked",
    };
    line(code, &format!("{question}: {what}"), &[])
}

/// The status line of a command's answer (its `--json` text). `code` is the Nagios exit code.
/// `None` when the JSON is not an answer this module reads.
pub fn status(question: &str, json: &str, code: u8) -> Option<String> {
    let a: Answer = serde_json::from_str(json).ok()?;
    let (text, perf) = match a.question.as_deref().unwrap_or(question) {
        "cluster" => cluster(&a, code),
        "maintenance" => maintenance(&a, code)?,
        "check" => check(&a, code)?,
        other => general(other, &a, code),
    };
    Some(line(code, &text, &perf))
}

// ---------------------------------------------------------------------------------------------
// The parts of contract-v2 answers the line is made from (field names as in `docs/json.md`).

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "kebab-case")]
enum Verdict {
    Compatible,
    Blocked,
    #[default]
    Unknown,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Answer {
    question: Option<String>,
    evc: Option<Evc>,
    hosts: Vec<HostEntry>,
    classes: Vec<ClassEntry>,
    features: Vec<FeatureRef>,
    blockers: Vec<Blocker>,
    unknowns: Vec<UnknownItem>,
    matrix: Vec<Vec<Option<Cell>>>,
    maintenance: Vec<Plan>,
    plan: Option<Plan>,
    /// maintenance: the host to evacuate.
    host: Option<u32>,
    check: Option<Move>,
    from: Option<u32>,
    to: Option<u32>,
    /// `vms` and `modes` differ in shape between answers: only counted.
    vms: serde_json::Value,
    modes: serde_json::Value,
    outcome: Option<Verdict>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Evc {
    mode: Option<String>,
    assumed: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HostEntry {
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ClassEntry {
    label: String,
    hosts: Vec<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FeatureRef {
    kind: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Blocker {
    key: String,
    feature: Option<u32>,
    absence: Option<String>,
    vhw_too_new: Option<VhwTooNew>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VhwTooNew {
    vm_hw: u32,
    needs_release: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UnknownItem {
    key: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Cell {
    verdict: Verdict,
    blockers: Vec<u32>,
    unknowns: Vec<u32>,
    destination_not_admitted: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Plan {
    hosts: Vec<u32>,
    label: String,
    outcome: Verdict,
    vms: Vec<PlanVms>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlanVms {
    vms: Vec<String>,
    real_vm: bool,
    verdict: Verdict,
    destinations: Vec<Destination>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Destination {
    class: u32,
    hosts: Option<Vec<u32>>,
    verdict: Verdict,
    blockers: Vec<u32>,
    unknowns: Vec<u32>,
    destination_not_admitted: bool,
    vhw_band: Option<(u32, u32)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Move {
    vm: String,
    real_vm: bool,
    verdict: Verdict,
    requirements: Vec<serde_json::Value>,
    blockers: Vec<u32>,
    unknowns: Vec<u32>,
    destination_not_admitted: bool,
    evc_mode: Option<String>,
    bands: Vec<Band>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Band {
    vhw_from: u32,
    vhw_to: u32,
    verdict: Verdict,
}

// ---------------------------------------------------------------------------------------------
// Words from typed facts.

impl Answer {
    fn host_name(&self, i: u32) -> Option<&str> {
        self.hosts.get(i as usize).map(|h| h.name.as_str())
    }

    fn class_hosts(&self, c: u32) -> Vec<u32> {
        self.classes
            .get(c as usize)
            .map(|c| c.hosts.clone())
            .unwrap_or_default()
    }

    /// The hosts a plan's destination stands for (indices into `hosts`).
    fn destination_hosts(&self, d: &Destination) -> Vec<u32> {
        d.hosts.clone().unwrap_or_else(|| self.class_hosts(d.class))
    }

    /// `esxi02–04`: the core's compact label of these hosts.
    fn label(&self, hosts: &BTreeSet<u32>) -> String {
        let names: Vec<String> = hosts
            .iter()
            .filter_map(|&h| self.host_name(h).map(str::to_string))
            .collect();
        evcalc::classes::label(&names)
    }

    fn mode(&self) -> String {
        match self.evc.as_ref().and_then(|e| e.mode.clone()) {
            Some(m) => m,
            None => "EVC disabled".to_string(),
        }
    }

    /// `under intel-haswell` / `without EVC`.
    fn under(&self) -> String {
        match self.evc.as_ref().and_then(|e| e.mode.as_deref()) {
            Some(m) => format!("under {m}"),
            None => "without EVC".to_string(),
        }
    }

    fn assumed(&self) -> bool {
        self.evc.as_ref().is_some_and(|e| e.assumed)
    }

    /// Why a blocker blocks, from its typed cause: `cpuid.MDCLEAR missing on esxi02–04
    /// (microcode not active)`. `on` names the destination (empty: not named).
    fn finding(&self, b: &Blocker, on: &str) -> String {
        if let Some(v) = &b.vhw_too_new {
            let to = if on.is_empty() {
                String::new()
            } else {
                format!(" on {on}")
            };
            return format!("vmx-{} needs {}{to}", v.vm_hw, v.needs_release);
        }
        // Patch-era features (IBRS, IBPB, STIBP, SSBD, MDCLEAR, FCMD) are the catalogue's
        // mitigations: their absence is mechanism A (microcode) or B (stale masks).
        let patch_era = b
            .feature
            .and_then(|f| self.features.get(f as usize))
            .and_then(|f| f.kind.as_deref())
            == Some("mitigation");
        let (what, prep, why) = match b.absence.as_deref() {
            Some("not-on-cpu") if patch_era => ("missing", "on", " (microcode not active)"),
            Some("not-on-cpu") => ("not on the CPU", "of", ""),
            Some("masks-hide") if patch_era => {
                ("hidden by the EVC masks", "of", " (stale EVC masks)")
            }
            Some("masks-hide") => ("hidden by the EVC masks", "of", ""),
            Some("mode-hides") => ("hidden by the EVC mode", "on", ""),
            Some("raw-not-shown") => ("not offered", "by", ""),
            Some("per-vm-mask") => ("(per-VM EVC mask) missing", "on", ""),
            _ => ("missing", "on", ""),
        };
        let on = if on.is_empty() {
            String::new()
        } else {
            format!(" {prep} {on}")
        };
        format!("{} {what}{on}{why}", b.key)
    }

    /// `EVC mode assumed (intel-haswell), give --evc`.
    fn assumption(&self) -> String {
        match self.evc.as_ref().and_then(|e| e.mode.as_deref()) {
            Some(m) => format!("EVC mode assumed ({m}), give --evc"),
            None => "EVC assumed disabled, give --evc".to_string(),
        }
    }

    /// Why nothing is proven: the assumed EVC mode, else the first unknown item.
    fn unproven(&self, unknowns: &[u32], on: &str) -> String {
        let assumed = if self.assumed() {
            self.assumption()
        } else {
            String::new()
        };
        let keys: BTreeSet<&str> = unknowns
            .iter()
            .filter_map(|&u| self.unknowns.get(u as usize).map(|u| u.key.as_str()))
            .collect();
        let Some(first) = unknowns
            .first()
            .and_then(|&u| self.unknowns.get(u as usize))
        else {
            if !assumed.is_empty() {
                return assumed;
            }
            return "partial data (fragments)".to_string();
        };
        let more = match keys.len() {
            0 | 1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        let item = if on.is_empty() {
            format!("{} not shown{more}", first.key)
        } else {
            format!("{} not shown for {on}{more}", first.key)
        };
        if assumed.is_empty() {
            item
        } else {
            format!("{assumed}; {item}")
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One cause of blocked moves: how many moves (or destination hosts) it blocks, a blocker that
/// has it, the moves' sources and destinations.
struct Cause {
    weight: usize,
    blocker: u32,
    from: BTreeSet<u32>,
    to: BTreeSet<u32>,
}

/// The blocker behind most moves, with the moves' sources and destinations. Blockers are
/// grouped by feature and cause (the interned table has one entry per destination class).
#[derive(Default)]
struct Tally {
    /// Per (key, absence).
    by: std::collections::BTreeMap<(String, Option<String>), Cause>,
    /// Destinations refused because they cannot join the EVC mode (no feature blocker).
    not_admitted: BTreeSet<u32>,
}

impl Tally {
    fn add(
        &mut self,
        a: &Answer,
        blockers: &[u32],
        weight: usize,
        from: &[u32],
        to: &[u32],
        na: bool,
    ) {
        if blockers.is_empty() && na {
            self.not_admitted.extend(to);
        }
        for &i in blockers {
            let Some(b) = a.blockers.get(i as usize) else {
                continue;
            };
            let e = self
                .by
                .entry((b.key.clone(), b.absence.clone()))
                .or_insert_with(|| Cause {
                    weight: 0,
                    blocker: i,
                    from: BTreeSet::new(),
                    to: BTreeSet::new(),
                });
            e.weight += weight;
            e.from.extend(from);
            e.to.extend(to);
        }
    }

    /// The worst finding (the cause behind most moves), and how many other causes there are.
    fn worst(&self, a: &Answer, with_sources: bool) -> Option<String> {
        let best = self
            .by
            .values()
            .enumerate()
            .max_by(|x, y| x.1.weight.cmp(&y.1.weight).then(y.0.cmp(&x.0)))
            .map(|(_, v)| v);
        let Some(Cause {
            blocker: b,
            from,
            to,
            ..
        }) = best
        else {
            if self.not_admitted.is_empty() {
                return None;
            }
            return Some(format!(
                "{} cannot join {}",
                a.label(&self.not_admitted),
                a.mode()
            ));
        };
        let blocker = a.blockers.get(*b as usize)?;
        let mut text = a.finding(blocker, &a.label(to));
        if with_sources {
            text = format!("from {}: {text}", a.label(from));
        }
        if self.by.len() > 1 {
            text.push_str(&format!(" (+{} more)", self.by.len() - 1));
        }
        Some(text)
    }
}

// ---------------------------------------------------------------------------------------------
// The lines.

fn cluster(a: &Answer, code: u8) -> (String, Vec<Perf>) {
    let (mut moves, mut blocked, mut unknown) = (0usize, 0usize, 0usize);
    let mut tally = Tally::default();
    let mut unknowns: Vec<u32> = Vec::new();
    for (i, row) in a.matrix.iter().enumerate() {
        let from = a.class_hosts(i as u32);
        for (j, cell) in row.iter().enumerate() {
            let Some(cell) = cell else { continue };
            let to = a.class_hosts(j as u32);
            let pairs = if i == j {
                from.len() * from.len().saturating_sub(1)
            } else {
                from.len() * to.len()
            };
            moves += pairs;
            match cell.verdict {
                Verdict::Blocked => {
                    blocked += pairs;
                    tally.add(
                        a,
                        &cell.blockers,
                        pairs,
                        &from,
                        &to,
                        cell.destination_not_admitted,
                    );
                }
                Verdict::Unknown => {
                    unknown += pairs;
                    unknowns.extend(&cell.unknowns);
                }
                Verdict::Compatible => {}
            }
        }
    }
    let not_evacuable: usize = a
        .maintenance
        .iter()
        .filter(|p| p.outcome == Verdict::Blocked)
        .map(|p| p.hosts.len())
        .sum();
    let vms = a.vms.as_array().map_or(0, Vec::len);
    let hosts = a.hosts.len();
    let text = match code {
        2 => {
            let worst = tally
                .worst(a, true)
                .unwrap_or_else(|| "a move is blocked".to_string());
            format!("{blocked} of {moves} moves blocked, {worst}")
        }
        0 if moves == 0 => format!(
            "no move to check: {} {}",
            plural(hosts, "host", "hosts"),
            a.under()
        ),
        0 => format!(
            "all {moves} moves between {} proven {}",
            plural(hosts, "host", "hosts"),
            a.under()
        ),
        _ if a.assumed() || unknown > 0 => format!(
            "{} of {moves} moves not proven: {}",
            if a.assumed() { moves } else { unknown },
            a.unproven(&unknowns, "")
        ),
        _ => format!(
            "not proven: {}",
            if a.hosts.len() < 2 {
                "fewer than 2 hosts".to_string()
            } else {
                a.unproven(&unknowns, "")
            }
        ),
    };
    let perf = vec![
        ("blocked", blocked),
        ("unknown", unknown),
        ("moves", moves),
        ("hosts", hosts),
        ("classes", a.classes.len()),
        ("not_evacuable", not_evacuable),
        ("vms", vms),
    ];
    (text, perf)
}

fn maintenance(a: &Answer, code: u8) -> Option<(String, Vec<Perf>)> {
    let plan = a.plan.as_ref()?;
    let host = a
        .host
        .and_then(|h| a.host_name(h))
        .unwrap_or(&plan.label)
        .to_string();
    let real = plan.vms.iter().any(|g| g.real_vm);
    let mut destinations: BTreeSet<u32> = BTreeSet::new();
    let mut blocked: BTreeSet<u32> = BTreeSet::new();
    let mut unknown: BTreeSet<u32> = BTreeSet::new();
    let mut tally = Tally::default();
    let mut unknowns: Vec<u32> = Vec::new();
    let (mut vms, mut vms_blocked, mut vms_unknown) = (0usize, 0usize, 0usize);
    // The bands of "any VM" whose VMs cannot leave.
    let mut bands: Vec<(u32, u32)> = Vec::new();
    let (mut bottom, mut top) = (u32::MAX, 0);
    for g in &plan.vms {
        let n = g.vms.len().max(1);
        vms += n;
        match g.verdict {
            Verdict::Blocked => vms_blocked += n,
            Verdict::Unknown => vms_unknown += n,
            Verdict::Compatible => {}
        }
        for d in &g.destinations {
            let to = a.destination_hosts(d);
            destinations.extend(&to);
            if let Some((lo, hi)) = d.vhw_band {
                bottom = bottom.min(lo);
                top = top.max(hi);
            }
            match d.verdict {
                Verdict::Blocked => {
                    blocked.extend(&to);
                    if g.verdict == Verdict::Blocked {
                        tally.add(
                            a,
                            &d.blockers,
                            to.len(),
                            &[],
                            &to,
                            d.destination_not_admitted,
                        );
                        if let Some(b) = d.vhw_band {
                            bands.push(b);
                        }
                    }
                }
                Verdict::Unknown => {
                    unknown.extend(&to);
                    unknowns.extend(&d.unknowns);
                }
                Verdict::Compatible => {}
            }
        }
    }
    unknown.retain(|h| !blocked.contains(h));
    let text = match code {
        2 => {
            let who = if real {
                format!("{} cannot leave", plural(vms_blocked, "VM", "VMs"))
            } else {
                match (
                    bands.iter().map(|b| b.0).min(),
                    bands.iter().map(|b| b.1).max(),
                ) {
                    (Some(lo), Some(hi)) if hi >= top && lo > bottom => {
                        format!("VMs of vmx-{lo}+ cannot leave")
                    }
                    (Some(lo), Some(hi)) if lo > bottom || hi < top => {
                        format!("VMs of vmx-{lo}–{hi} cannot leave")
                    }
                    _ => "its VMs cannot leave".to_string(),
                }
            };
            let worst = tally
                .worst(a, false)
                .unwrap_or_else(|| "every destination refuses them".to_string());
            format!("{host}: {who}: {worst}")
        }
        0 => format!(
            "{host} can be evacuated: every VM has a proven destination ({} {})",
            plural(destinations.len(), "host", "hosts"),
            a.under()
        ),
        _ => {
            let on = a.label(&unknown);
            format!(
                "{host}: evacuation not proven: {}",
                a.unproven(&unknowns, &on)
            )
        }
    };
    let mut perf = vec![
        ("blocked", blocked.len()),
        ("unknown", unknown.len()),
        ("destinations", destinations.len()),
        ("hosts", a.hosts.len()),
        ("classes", a.classes.len()),
    ];
    if real {
        perf.extend([
            ("vms", vms),
            ("vms_blocked", vms_blocked),
            ("vms_unknown", vms_unknown),
        ]);
    }
    Some((text, perf))
}

fn check(a: &Answer, code: u8) -> Option<(String, Vec<Perf>)> {
    let m = a.check.as_ref()?;
    let to = a.to.and_then(|t| a.host_name(t)).unwrap_or("?").to_string();
    let from = if m.real_vm {
        m.vm.clone()
    } else {
        a.from
            .and_then(|f| a.host_name(f))
            .unwrap_or(&m.vm)
            .to_string()
    };
    let mode = m.evc_mode.clone().unwrap_or_else(|| a.mode());
    let under = match &m.evc_mode {
        Some(mode) => format!("under {mode}"),
        None => a.under(),
    };
    let blocked_bands: Vec<&Band> = m
        .bands
        .iter()
        .filter(|b| b.verdict == Verdict::Blocked)
        .collect();
    let text = match code {
        2 => {
            let band = match (
                blocked_bands.iter().map(|b| b.vhw_from).min(),
                blocked_bands.iter().map(|b| b.vhw_to).max(),
            ) {
                (Some(lo), Some(hi))
                    if blocked_bands.len() < m.bands.len()
                        && Some(hi) == m.bands.iter().map(|b| b.vhw_to).max() =>
                {
                    format!(" for vmx-{lo}+ VMs")
                }
                (Some(lo), Some(hi)) if blocked_bands.len() < m.bands.len() => {
                    format!(" for vmx-{lo}–{hi} VMs")
                }
                _ => String::new(),
            };
            let worst = match m.blockers.first().and_then(|&b| a.blockers.get(b as usize)) {
                Some(b) => {
                    let mut w = a.finding(b, "");
                    if m.blockers.len() > 1 {
                        w.push_str(&format!(" (+{} more)", m.blockers.len() - 1));
                    }
                    w
                }
                None if m.destination_not_admitted => format!("{to} cannot join {mode}"),
                None => "blocked".to_string(),
            };
            format!("{from} → {to} blocked{band}: {worst}")
        }
        0 => format!(
            "{from} → {to} possible {under} ({} met)",
            plural(m.requirements.len(), "requirement", "requirements")
        ),
        _ => format!("{from} → {to} not proven: {}", a.unproven(&m.unknowns, "")),
    };
    let _ = m.verdict;
    let perf = vec![
        ("blocked", m.blockers.len()),
        ("unknown", m.unknowns.len()),
        ("requirements", m.requirements.len()),
        ("hosts", a.hosts.len()),
    ];
    Some((text, perf))
}

/// `host`, `vm`, `modes`, `plan`: the question, its outcome and what was read.
fn general(question: &str, a: &Answer, code: u8) -> (String, Vec<Perf>) {
    let mut perf: Vec<Perf> = Vec::new();
    let mut read: Vec<String> = Vec::new();
    if !a.hosts.is_empty() {
        perf.push(("hosts", a.hosts.len()));
        read.push(plural(a.hosts.len(), "host", "hosts"));
    }
    if let Some(v) = a.vms.as_array() {
        perf.push(("vms", v.len()));
        if !v.is_empty() {
            read.push(plural(v.len(), "VM", "VMs"));
        }
    }
    if let Some(m) = a.modes.as_array() {
        perf.push(("modes", m.len()));
        read.push(plural(m.len(), "EVC mode", "EVC modes"));
    }
    let outcome = match (a.outcome, code) {
        (Some(Verdict::Blocked), _) | (None, 2) => "blocked",
        (_, 0) => "ok",
        _ => "not everything checked",
    };
    let text = if read.is_empty() {
        format!("{question}: {outcome}")
    } else {
        format!("{question}: {outcome} ({})", read.join(", "))
    };
    (text, perf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_is_one_line_without_pipes_and_short() {
        let l = line(
            2,
            &format!("a | b\nc {}", "x".repeat(400)),
            &[("blocked", 3)],
        );
        assert!(l.starts_with("EVC CRITICAL - a ¦ b c x"), "{l}");
        assert!(l.ends_with("… | blocked=3"), "{l}");
        assert_eq!(l.chars().count(), MAX_LINE);
        assert!(!l.contains('\n'));
        assert_eq!(l.matches('|').count(), 1);
    }

    #[test]
    fn states() {
        assert_eq!(
            [0, 1, 2, 3].map(state),
            ["OK", "WARNING", "CRITICAL", "UNKNOWN"]
        );
    }
}
