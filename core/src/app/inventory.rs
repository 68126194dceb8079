//! The mode-level question: what RVTools' vHost and vInfo tabs can decide about EVC
//! (contract v2: [`InventoryAnswer`], `"question": "inventory"`).
//!
//! RVTools carries EVC at mode level only: each host's `Current EVC` and `Max EVC`, each powered-on
//! VM's `min Required EVC Mode Key`. From these the answer computes, per cluster: hosts grouped by
//! (server vendor, Max EVC, ESX build, BIOS version), drift of Max EVC, the cluster's EVC state as
//! the hosts show it, the highest common mode (computed from the hosts' modes and the mode
//! catalogue's order — `EvcMode::is_at_most` —, never read from a field), the VMs whose mode
//! exceeds what a host or the cluster's mode offers, and which hosts to collect per-feature data
//! from next. With a target (`into` another cluster of the inventory, or `to_evc` a mode) the VMs'
//! moves are pre-screened by name.
//!
//! A mode-level answer never says `compatible`: patch-era features such as `cpuid.MDCLEAR` are in
//! no mode's admission set, so a cluster that looks uniform here can still block moves. The best
//! verdict is [`ModeVerdict::NoModeLevelBlocker`] (exit 3).

use super::host::input_warnings;
use super::{OptionError, Question, Request, SCHEMA, option_error};
use crate::evc::{EvcMode, ModeCatalogue};
use crate::parse::rvtools::{InventoryHost, InventoryVm};
use crate::session::{self, InputError, InputSummary};
use serde::Serialize;

pub use crate::session::ModeLevelInputs;

/// The mode-level question.
#[derive(Debug, Clone, Default)]
pub struct InventoryRequest {
    /// The common request: its inputs (RVTools vInfo/vHost tabs) and the shared options.
    pub request: Request,
    /// Only this cluster (and, with `into`/`to_evc`, the VMs to move come from it).
    pub cluster: Option<String>,
    /// Pre-screen moves into this cluster of the inventory.
    pub into: Option<String>,
    /// Pre-screen the VMs against this EVC mode (a target cluster's mode, or raising/lowering).
    pub to_evc: Option<String>,
}

/// The level of the data an answer stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum DataLevel {
    /// EVC modes only (RVTools): no per-feature truth.
    Mode,
}

/// A mode-level verdict. There is no "compatible": mode-level data cannot prove one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ModeVerdict {
    /// Proven at mode level: the target's EVC mode hides a feature the VM requires (its minimum
    /// mode is above the target mode), or the CPU vendor differs.
    Blocked,
    /// The VM's minimum mode is above a target host's Max EVC (EVC not active there): likely
    /// blocked, but the host may still have the VM's features; per-feature data decides.
    MayBeBlocked,
    /// Nothing at mode level blocks; patch-era features (MDCLEAR, …) are not seen at this level.
    NoModeLevelBlocker,
    /// No `min Required EVC Mode Key` (powered off, template) or an unknown mode key.
    NotScreened,
}

/// One vHost row as the answer shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModeHost {
    /// The host's name (vHost `Host`).
    pub name: String,
    /// The input the row comes from.
    pub source: String,
    /// 1-based line of the row in that input.
    pub line: u32,
    /// vHost `CPU Model`; `None`: blank or no such column.
    pub cpu_model: Option<String>,
    /// vHost `Vendor` (the server's maker); `None`: blank or no such column.
    pub server_vendor: Option<String>,
    /// vHost `Model`; `None`: blank or no such column.
    pub server_model: Option<String>,
    /// vHost `ESX Version` as written; `None`: blank or no such column.
    pub esx_version: Option<String>,
    /// `build-NNN` of `esx_version`, else the version as written.
    pub esx_build: Option<String>,
    /// vHost `BIOS Version`; `None`: blank or no such column.
    pub bios_version: Option<String>,
    /// vHost `BIOS Date` as written; `None`: blank or no such column.
    pub bios_date: Option<String>,
    /// As vCenter reported it (input data, not a verdict).
    pub current_evc: Option<String>,
    /// As vCenter reported it (input data, not a verdict).
    pub max_evc: Option<String>,
}

/// Hosts that are identical at mode level: same server vendor, Max EVC, ESX build and BIOS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct HostGroup {
    /// The group's server vendor (vHost `Vendor`).
    pub server_vendor: Option<String>,
    /// The group's `Max EVC`.
    pub max_evc: Option<String>,
    /// The group's ESX build (as in [`ModeHost::esx_build`]).
    pub esx_build: Option<String>,
    /// The group's `BIOS Version`.
    pub bios_version: Option<String>,
    /// The group's host names, in input order.
    pub hosts: Vec<String>,
}

/// The hosts reporting one Max EVC mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModeCount {
    /// The `Max EVC` mode key as its first host writes it (compared case-insensitively);
    /// `None`: hosts with a blank `Max EVC`.
    pub mode: Option<String>,
    /// The names of the hosts reporting it.
    pub hosts: Vec<String>,
}

/// The cluster's EVC state as its hosts' `Current EVC` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct EvcAtModeLevel {
    /// `true`: every host shows the same mode; `false`: every host shows none; `null`: the hosts
    /// disagree or the tab has no `Current EVC` column.
    pub active: Option<bool>,
    /// The mode every host shows when `active` is `true`; else `None`.
    pub mode: Option<String>,
    /// How the state was read, in words.
    pub why: String,
}

/// A VM whose move is blocked or in doubt at mode level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct VmFinding {
    /// The VM's name (vInfo `VM`).
    pub vm: String,
    /// The input the vInfo row comes from.
    pub source: String,
    /// 1-based line of the row in that input.
    pub line: u32,
    /// vInfo `Cluster` as written; `None`: blank or no such column.
    pub cluster: Option<String>,
    /// vInfo `Host` (where the VM is); `None`: blank or no such column.
    pub host: Option<String>,
    /// vInfo `min Required EVC Mode Key`; `None`: blank (powered off, a template) or no such
    /// column.
    pub min_required_evc: Option<String>,
    /// The VM's mode-level verdict.
    pub verdict: ModeVerdict,
    /// What it was compared with: a mode key, or host names.
    pub against: Vec<String>,
    /// The reason for the verdict, in words.
    pub why: String,
}

/// One cluster at mode level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModeCluster {
    /// The cluster's name; `(no cluster)` for standalone hosts.
    pub name: String,
    /// The first `Datacenter` its hosts' vHost rows name; `None`: none does.
    pub datacenter: Option<String>,
    /// Its hosts' vHost rows, in input order.
    pub hosts: Vec<ModeHost>,
    /// Its hosts grouped by server vendor, Max EVC, ESX build and BIOS version.
    pub groups: Vec<HostGroup>,
    /// Distinct Max EVC modes with their hosts (more than one: drift).
    pub max_evc_modes: Vec<ModeCount>,
    /// `true`: its hosts report more than one Max EVC (a blank one counts as one).
    pub drift: bool,
    /// The cluster's EVC state as its hosts' `Current EVC` shows it.
    pub evc: EvcAtModeLevel,
    /// Computed from the hosts' Max EVC and the mode catalogue's order.
    pub highest_common_mode: Option<String>,
    /// How `highest_common_mode` was computed, or why it was not.
    pub highest_common_why: String,
    /// Its VMs: vInfo rows whose `Cluster` (else whose host's cluster) is this one.
    pub vms: u32,
    /// Of those, the VMs whose `Powerstate` is `poweredOn`.
    pub vms_powered_on: u32,
    /// Powered-on VMs without a `min Required EVC Mode Key`.
    pub vms_without_mode: u32,
    /// VMs blocked or in doubt inside their own cluster.
    pub findings: Vec<VmFinding>,
}

/// Moves pre-screened against a target cluster or mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct PreScreen {
    /// The cluster the VMs come from (`null`: every cluster but the target).
    pub from: Option<String>,
    /// The target: a cluster name or an EVC mode key.
    pub target: String,
    /// The target's EVC mode (`to_evc`, or the target cluster's Current EVC); `null`: EVC not
    /// active there, each host's Max EVC decides.
    pub target_mode: Option<String>,
    /// The worst verdict of the moves, `not-screened` not counted (`not-screened` only when
    /// no VM was screened).
    pub verdict: ModeVerdict,
    /// How many moves are `blocked`.
    pub blocked: u32,
    /// How many moves are `may-be-blocked`.
    pub may_be_blocked: u32,
    /// How many moves are `no-mode-level-blocker`.
    pub no_mode_level_blocker: u32,
    /// How many moves are `not-screened`.
    pub not_screened: u32,
    /// Every screened VM (blocked and in doubt first).
    pub moves: Vec<VmFinding>,
}

/// A host to collect per-feature data from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct CollectHost {
    /// The cluster the host belongs to.
    pub cluster: String,
    /// The host to collect from: the first host of its group.
    pub host: String,
    /// The hosts it stands for (its group).
    pub stands_for: Vec<String>,
    /// The command to run on it: `vim-cmd hostsvc/hostconfig > HOST.txt`.
    pub command: String,
}

/// The mode-level answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct InventoryAnswer {
    /// Always 2.
    pub schema: u32,
    /// `inventory`.
    pub question: Question,
    /// Always `mode`.
    pub level: DataLevel,
    /// What each input contributed.
    pub inputs: Vec<InputSummary>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Problems with the request's options (an unknown cluster or EVC mode, both `into` and
    /// `to_evc`, no RVTools tab among the inputs).
    pub option_errors: Vec<OptionError>,
    /// What a person should know: the inputs' warnings, then the answer's own.
    pub warnings: Vec<String>,
    /// `built-in` or the SupportedEVCMode export used (the mode catalogue and its order).
    pub modes_source: String,
    /// The worst mode-level verdict (of the pre-screen when there is one, else of the clusters).
    pub verdict: ModeVerdict,
    /// The answer in a few sentences (per cluster, or of the pre-screen) and the hosts to collect
    /// next.
    pub headline: String,
    /// Why mode-level data cannot say "compatible".
    pub limits: String,
    /// The clusters in order of appearance (vHost rows first, then vInfo rows); with `cluster`,
    /// only it and the `into` cluster.
    pub clusters: Vec<ModeCluster>,
    /// The moves pre-screened against `into` or `to_evc`; `None`: no target (or the `into`
    /// cluster was not found).
    pub prescreen: Option<PreScreen>,
    /// One host per group of each cluster shown, to collect per-feature data from.
    pub collect_next: Vec<CollectHost>,
}

impl InventoryAnswer {
    /// The exit code: 1 blocked, 3 otherwise (mode level never proves compatibility).
    pub fn exit_code(&self) -> u8 {
        match self.verdict {
            ModeVerdict::Blocked => 1,
            _ => 3,
        }
    }
}

const LIMITS: &str = "mode level only (RVTools): EVC modes, not CPU features. Patch-era features such as \
cpuid.MDCLEAR, IBRS/IBPB/STIBP and SSBD are in no mode's admission set and microcode is not in RVTools, so a \
cluster that looks uniform here can still block moves; the best this data can say is \"no mode-level blocker\".";

/// How two modes compare in the catalogue's order.
enum Order {
    AtMost,
    Above,
    OtherVendor,
    Unknown(String),
}

fn order(a: &str, b: &str, modes: &ModeCatalogue) -> Order {
    let (Some(ma), Some(mb)) = (modes.get(a), modes.get(b)) else {
        let unknown: Vec<&str> = [a, b]
            .into_iter()
            .filter(|k| modes.get(k).is_none())
            .collect();
        return Order::Unknown(format!(
            "{} not in the mode catalogue ({})",
            unknown.join(" and "),
            modes.source
        ));
    };
    if ma.vendor != mb.vendor {
        return Order::OtherVendor;
    }
    if ma.is_at_most(mb) {
        Order::AtMost
    } else if mb.is_at_most(ma) {
        Order::Above
    } else {
        Order::Unknown(format!(
            "{a} and {b} are not ordered (different tracks of the vendor's modes)"
        ))
    }
}

fn esx_build(version: Option<&str>) -> Option<String> {
    let v = version?;
    match v.find("build-") {
        Some(i) => Some(
            v[i..]
                .split(|c: char| c.is_whitespace() || c == ',')
                .next()
                .unwrap_or(&v[i..])
                .to_string(),
        ),
        None => Some(v.to_string()),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The highest mode every host's Max EVC admits, computed from the catalogue's order.
fn highest_common(hosts: &[&InventoryHost], modes: &ModeCatalogue) -> (Option<String>, String) {
    if hosts.is_empty() {
        return (None, "no host".to_string());
    }
    let blank: Vec<&str> = hosts
        .iter()
        .filter(|h| h.max_evc.is_none())
        .map(|h| h.name.as_str())
        .collect();
    if !blank.is_empty() {
        return (
            None,
            format!(
                "{} report no Max EVC (EVC unsupported, disconnected, or the column is blank): not computed",
                blank.join(", ")
            ),
        );
    }
    let mut maxes: Vec<&EvcMode> = Vec::new();
    for h in hosts {
        let key = h.max_evc.as_deref().unwrap_or_default();
        match modes.get(key) {
            Some(m) => maxes.push(m),
            None => {
                return (
                    None,
                    format!(
                        "{}'s Max EVC `{key}` is not in the mode catalogue ({}): not computed",
                        h.name, modes.source
                    ),
                );
            }
        }
    }
    let vendor = maxes[0].vendor;
    if maxes.iter().any(|m| m.vendor != vendor) {
        return (
            None,
            "Intel and AMD hosts: no EVC mode spans both vendors".to_string(),
        );
    }
    let candidates: Vec<&EvcMode> = modes
        .of_vendor(vendor)
        .into_iter()
        .filter(|c| maxes.iter().all(|m| c.is_at_most(m)))
        .collect();
    match ModeCatalogue::highest(&candidates) {
        Some(m) => (
            Some(m.key.clone()),
            format!(
                "the highest {vendor} mode at or below every host's Max EVC ({} hosts; the catalogue's order, {})",
                hosts.len(),
                modes.source
            ),
        ),
        None => (
            None,
            "no mode lies below every host's Max EVC (different tracks)".to_string(),
        ),
    }
}

fn evc_state(hosts: &[&InventoryHost], has_column: bool) -> EvcAtModeLevel {
    if !has_column {
        return EvcAtModeLevel {
            active: None,
            mode: None,
            why: "the vHost tab has no Current EVC column".to_string(),
        };
    }
    let mut values: Vec<Option<&str>> = hosts.iter().map(|h| h.current_evc.as_deref()).collect();
    values.sort();
    values.dedup_by(|a, b| match (a, b) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => true,
        _ => false,
    });
    match values.as_slice() {
        [None] => EvcAtModeLevel {
            active: Some(false),
            mode: None,
            why: "every host's Current EVC is blank: EVC is not active in this cluster (vSphere API: unset when the \
                  host is not in a cluster where EVC is active)"
                .to_string(),
        },
        [Some(m)] => EvcAtModeLevel {
            active: Some(true),
            mode: Some(m.to_string()),
            why: format!("every host's Current EVC is {m}"),
        },
        _ => EvcAtModeLevel {
            active: None,
            mode: None,
            why: format!(
                "the hosts' Current EVC disagree ({}): a change in progress, or hosts outside the cluster's EVC",
                values
                    .iter()
                    .map(|v| v.unwrap_or("blank"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    }
}

/// Screens one VM against a mode (EVC active there) or against hosts' Max EVC (not active).
fn screen(
    vm: &InventoryVm,
    source: &str,
    target_mode: Option<&str>,
    hosts: &[&InventoryHost],
    modes: &ModeCatalogue,
    context: &str,
) -> VmFinding {
    let finding = |verdict: ModeVerdict, against: Vec<String>, why: String| VmFinding {
        vm: vm.name.clone(),
        source: source.to_string(),
        line: vm.line,
        cluster: vm.cluster.clone(),
        host: vm.host.clone(),
        min_required_evc: vm.min_required_evc.clone(),
        verdict,
        against,
        why,
    };
    let Some(min) = vm.min_required_evc.as_deref() else {
        let why = if vm.template {
            "a template"
        } else if vm
            .power_state
            .as_deref()
            .is_some_and(|p| !p.eq_ignore_ascii_case("poweredOn"))
        {
            "not powered on: no min Required EVC Mode Key (vCenter sets it for powered-on VMs)"
        } else {
            "no min Required EVC Mode Key"
        };
        return finding(ModeVerdict::NotScreened, Vec::new(), why.to_string());
    };
    if let Some(target) = target_mode {
        return match order(min, target, modes) {
            Order::AtMost => finding(
                ModeVerdict::NoModeLevelBlocker,
                vec![target.to_string()],
                format!("its minimum mode {min} is at or below {target}{context}"),
            ),
            Order::Above => finding(
                ModeVerdict::Blocked,
                vec![target.to_string()],
                format!(
                    "its minimum mode {min} is above {target}{context}: the mode hides a feature the VM was powered \
                     on with; power-cycle it under {target} (it then sees less), or keep it where it runs"
                ),
            ),
            Order::OtherVendor => finding(
                ModeVerdict::Blocked,
                vec![target.to_string()],
                format!(
                    "{min} and {target} are of different CPU vendors: no live migration between them"
                ),
            ),
            Order::Unknown(why) => finding(ModeVerdict::NotScreened, vec![target.to_string()], why),
        };
    }
    // EVC not active at the target: each host's Max EVC.
    let mut below = Vec::new();
    let mut fine = Vec::new();
    let mut other_vendor = Vec::new();
    let mut unknown = Vec::new();
    for h in hosts {
        let Some(max) = h.max_evc.as_deref() else {
            unknown.push(h.name.clone());
            continue;
        };
        match order(min, max, modes) {
            Order::AtMost => fine.push(h.name.clone()),
            Order::Above => below.push(h.name.clone()),
            Order::OtherVendor => other_vendor.push(h.name.clone()),
            Order::Unknown(_) => unknown.push(h.name.clone()),
        }
    }
    if hosts.is_empty() {
        return finding(
            ModeVerdict::NotScreened,
            Vec::new(),
            "no host to compare with".to_string(),
        );
    }
    if !other_vendor.is_empty() && fine.is_empty() && below.is_empty() {
        return finding(
            ModeVerdict::Blocked,
            other_vendor,
            format!("its minimum mode {min} is of the other CPU vendor than every host{context}"),
        );
    }
    if !below.is_empty() || !other_vendor.is_empty() {
        let mut against = below.clone();
        against.extend(other_vendor.iter().cloned());
        return finding(
            ModeVerdict::MayBeBlocked,
            against,
            format!(
                "its minimum mode {min} is above the Max EVC of {}{context}: likely blocked there (EVC is not \
                 active, so the hosts' own features decide: collect their hostconfig and the VM's runtime){}",
                below
                    .iter()
                    .chain(&other_vendor)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                if fine.is_empty() {
                    String::new()
                } else {
                    format!("; no mode-level blocker to {}", fine.join(", "))
                }
            ),
        );
    }
    if !unknown.is_empty() {
        return finding(
            ModeVerdict::NotScreened,
            unknown.clone(),
            format!("{} show no comparable Max EVC", unknown.join(", ")),
        );
    }
    finding(
        ModeVerdict::NoModeLevelBlocker,
        fine,
        format!("its minimum mode {min} is at or below every host's Max EVC{context}"),
    )
}

/// Answers the mode-level question for a request.
pub fn answer(request: &InventoryRequest) -> InventoryAnswer {
    let mut option_errors = Vec::new();
    let ws = super::load(&request.request, &mut option_errors);
    let warnings = input_warnings(&ws.inputs);
    answer_in(ws, request, option_errors, warnings)
}

/// [`answer`] for inputs already loaded (the CLI reads files and xlsx workbooks itself).
pub fn answer_in(
    ws: session::Workspace,
    request: &InventoryRequest,
    mut option_errors: Vec<OptionError>,
    mut warnings: Vec<String>,
) -> InventoryAnswer {
    let modes = &ws.modes;
    let tabs = &ws.mode_level.tabs;
    let host_rows: Vec<(&str, &InventoryHost)> = tabs
        .iter()
        .flat_map(|(s, t)| t.hosts.iter().map(move |h| (s.as_str(), h)))
        .collect();
    let vm_rows: Vec<(&str, &InventoryVm)> = tabs
        .iter()
        .flat_map(|(s, t)| t.vms.iter().map(move |v| (s.as_str(), v)))
        .collect();
    let current_column = tabs
        .iter()
        .filter(|(_, t)| t.tab == crate::parse::rvtools::Tab::VHost)
        .all(|(_, t)| !t.missing.contains(&"Current EVC"));
    if tabs.is_empty() {
        option_errors.push(option_error(
            super::Opt::Request,
            "no RVTools vInfo or vHost tab among the inputs (CSV per tab, or an .xlsx workbook on the command line)",
        ));
    } else if host_rows.is_empty() {
        warnings.push(
            "no vHost tab: the clusters' hosts, modes and EVC state are unknown; VMs are screened only against \
             a target EVC mode"
                .to_string(),
        );
    }
    // Cluster names in order of appearance (hosts first, then VMs' clusters).
    const NO_CLUSTER: &str = "(no cluster)";
    let cluster_of_host = |name: &str| -> Option<&str> {
        host_rows
            .iter()
            .find(|(_, h)| h.name.eq_ignore_ascii_case(name))
            .and_then(|(_, h)| h.cluster.as_deref())
    };
    let vm_cluster = |v: &InventoryVm| -> String {
        v.cluster
            .clone()
            .or_else(|| {
                v.host
                    .as_deref()
                    .and_then(cluster_of_host)
                    .map(str::to_string)
            })
            .unwrap_or_else(|| NO_CLUSTER.to_string())
    };
    let mut names: Vec<String> = Vec::new();
    for (_, h) in &host_rows {
        let c = h.cluster.clone().unwrap_or_else(|| NO_CLUSTER.to_string());
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&c)) {
            names.push(c);
        }
    }
    for (_, v) in &vm_rows {
        let c = vm_cluster(v);
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&c)) {
            names.push(c);
        }
    }
    let find_cluster =
        |spec: &str, option: super::Opt, errs: &mut Vec<OptionError>| -> Option<String> {
            let hit = names.iter().find(|n| n.eq_ignore_ascii_case(spec.trim()));
            if hit.is_none() {
                errs.push(option_error(
                    option,
                    format!(
                        "no cluster named {spec} in the RVTools data; clusters: {}",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                ));
            }
            hit.cloned()
        };
    let selected = request
        .cluster
        .as_deref()
        .and_then(|c| find_cluster(c, super::Opt::Cluster, &mut option_errors));
    let into = request
        .into
        .as_deref()
        .and_then(|c| find_cluster(c, super::Opt::Into, &mut option_errors));
    if request.into.is_some() && request.to_evc.is_some() {
        option_errors.push(option_error(
            super::Opt::ToEvc,
            "give either a cluster to move into (its EVC state from the data) or a target EVC mode, not both",
        ));
    }
    if let Some(m) = &request.to_evc
        && modes.get(m).is_none()
    {
        option_errors.push(option_error(
            super::Opt::ToEvc,
            format!("{m} is not an EVC mode of {}", modes.source),
        ));
    }

    let mut clusters = Vec::new();
    let mut collect_next = Vec::new();
    for name in &names {
        if selected.as_ref().is_some_and(|s| s != name) && into.as_ref() != Some(name) {
            continue;
        }
        let hosts: Vec<(&str, &InventoryHost)> = host_rows
            .iter()
            .filter(|(_, h)| {
                h.cluster
                    .as_deref()
                    .unwrap_or(NO_CLUSTER)
                    .eq_ignore_ascii_case(name)
            })
            .copied()
            .collect();
        let host_refs: Vec<&InventoryHost> = hosts.iter().map(|(_, h)| *h).collect();
        let mode_hosts: Vec<ModeHost> = hosts
            .iter()
            .map(|(s, h)| ModeHost {
                name: h.name.clone(),
                source: s.to_string(),
                line: h.line,
                cpu_model: h.cpu_model.clone(),
                server_vendor: h.server_vendor.clone(),
                server_model: h.server_model.clone(),
                esx_version: h.esx_version.clone(),
                esx_build: esx_build(h.esx_version.as_deref()),
                bios_version: h.bios_version.clone(),
                bios_date: h.bios_date.clone(),
                current_evc: h.current_evc.clone(),
                max_evc: h.max_evc.clone(),
            })
            .collect();
        let mut groups: Vec<HostGroup> = Vec::new();
        for h in &mode_hosts {
            let key = (&h.server_vendor, &h.max_evc, &h.esx_build, &h.bios_version);
            match groups
                .iter_mut()
                .find(|g| (&g.server_vendor, &g.max_evc, &g.esx_build, &g.bios_version) == key)
            {
                Some(g) => g.hosts.push(h.name.clone()),
                None => groups.push(HostGroup {
                    server_vendor: h.server_vendor.clone(),
                    max_evc: h.max_evc.clone(),
                    esx_build: h.esx_build.clone(),
                    bios_version: h.bios_version.clone(),
                    hosts: vec![h.name.clone()],
                }),
            }
        }
        let mut max_evc_modes: Vec<ModeCount> = Vec::new();
        for h in &mode_hosts {
            match max_evc_modes.iter_mut().find(|m| {
                m.mode.as_deref().map(str::to_ascii_lowercase)
                    == h.max_evc.as_deref().map(str::to_ascii_lowercase)
            }) {
                Some(m) => m.hosts.push(h.name.clone()),
                None => max_evc_modes.push(ModeCount {
                    mode: h.max_evc.clone(),
                    hosts: vec![h.name.clone()],
                }),
            }
        }
        let drift = max_evc_modes.len() > 1;
        let evc = evc_state(&host_refs, current_column && !hosts.is_empty());
        let (highest_common_mode, highest_common_why) = highest_common(&host_refs, modes);
        let vms: Vec<(&str, &InventoryVm)> = vm_rows
            .iter()
            .filter(|(_, v)| vm_cluster(v).eq_ignore_ascii_case(name))
            .copied()
            .collect();
        let powered_on = vms
            .iter()
            .filter(|(_, v)| {
                v.power_state
                    .as_deref()
                    .is_some_and(|p| p.eq_ignore_ascii_case("poweredOn"))
            })
            .count();
        let without_mode = vms
            .iter()
            .filter(|(_, v)| {
                v.power_state
                    .as_deref()
                    .is_some_and(|p| p.eq_ignore_ascii_case("poweredOn"))
                    && v.min_required_evc.is_none()
            })
            .count();
        let mut findings = Vec::new();
        for (s, v) in &vms {
            if v.min_required_evc.is_none() {
                continue;
            }
            let f = match (evc.active, evc.mode.as_deref()) {
                (Some(true), Some(m)) => {
                    screen(v, s, Some(m), &[], modes, " (the cluster's EVC mode)")
                }
                _ => {
                    // EVC off: the other hosts of the cluster, by Max EVC.
                    let others: Vec<&InventoryHost> = host_refs
                        .iter()
                        .copied()
                        .filter(|h| {
                            v.host
                                .as_deref()
                                .is_none_or(|vh| !vh.eq_ignore_ascii_case(&h.name))
                        })
                        .collect();
                    if others.is_empty() {
                        continue;
                    }
                    screen(v, s, None, &others, modes, " in its cluster")
                }
            };
            if matches!(f.verdict, ModeVerdict::Blocked | ModeVerdict::MayBeBlocked) {
                findings.push(f);
            }
        }
        for g in &groups {
            if let Some(first) = g.hosts.first() {
                collect_next.push(CollectHost {
                    cluster: name.clone(),
                    host: first.clone(),
                    stands_for: g.hosts.clone(),
                    command: format!("vim-cmd hostsvc/hostconfig > {first}.txt"),
                });
            }
        }
        clusters.push(ModeCluster {
            name: name.clone(),
            datacenter: hosts.iter().find_map(|(_, h)| h.datacenter.clone()),
            hosts: mode_hosts,
            groups,
            max_evc_modes,
            drift,
            evc,
            highest_common_mode,
            highest_common_why,
            vms: u32::try_from(vms.len()).unwrap_or(u32::MAX),
            vms_powered_on: u32::try_from(powered_on).unwrap_or(u32::MAX),
            vms_without_mode: u32::try_from(without_mode).unwrap_or(u32::MAX),
            findings,
        });
    }

    // Pre-screen.
    let prescreen = if (request.into.is_some() && into.is_some()) || request.to_evc.is_some() {
        let (target, target_mode, target_hosts): (String, Option<String>, Vec<&InventoryHost>) =
            match (&into, &request.to_evc) {
                (Some(c), _) => {
                    let th: Vec<&InventoryHost> = host_rows
                        .iter()
                        .filter(|(_, h)| {
                            h.cluster
                                .as_deref()
                                .unwrap_or(NO_CLUSTER)
                                .eq_ignore_ascii_case(c)
                        })
                        .map(|(_, h)| *h)
                        .collect();
                    let state = evc_state(&th, current_column && !th.is_empty());
                    let mode = if state.active == Some(true) {
                        state.mode
                    } else {
                        None
                    };
                    if state.active.is_none() {
                        warnings.push(format!(
                            "{c} (the cluster to move into): its EVC state is not clear ({}); its hosts' Max EVC are used",
                            state.why
                        ));
                    }
                    (c.clone(), mode, th)
                }
                (None, Some(m)) => (m.clone(), Some(m.clone()), Vec::new()),
                (None, None) => (String::new(), None, Vec::new()),
            };
        let mut moves: Vec<VmFinding> = vm_rows
            .iter()
            .filter(|(_, v)| {
                let c = vm_cluster(v);
                match (&selected, &into) {
                    (Some(s), _) => c.eq_ignore_ascii_case(s),
                    (None, Some(i)) => !c.eq_ignore_ascii_case(i),
                    (None, None) => true,
                }
            })
            .map(|(s, v)| {
                let ctx = match &target_mode {
                    Some(_) if into.is_some() => format!(" ({target}'s EVC mode)"),
                    Some(_) => String::new(),
                    None => format!(" (hosts of {target})"),
                };
                screen(v, s, target_mode.as_deref(), &target_hosts, modes, &ctx)
            })
            .collect();
        moves.sort_by_key(|m| m.verdict);
        let count = |v: ModeVerdict| {
            u32::try_from(moves.iter().filter(|m| m.verdict == v).count()).unwrap_or(u32::MAX)
        };
        let verdict = moves
            .iter()
            .map(|m| m.verdict)
            .filter(|v| *v != ModeVerdict::NotScreened)
            .min()
            .unwrap_or(ModeVerdict::NotScreened);
        Some(PreScreen {
            from: selected.clone(),
            target,
            target_mode,
            verdict,
            blocked: count(ModeVerdict::Blocked),
            may_be_blocked: count(ModeVerdict::MayBeBlocked),
            no_mode_level_blocker: count(ModeVerdict::NoModeLevelBlocker),
            not_screened: count(ModeVerdict::NotScreened),
            moves,
        })
    } else {
        None
    };

    let verdict = match &prescreen {
        Some(p) => match p.verdict {
            ModeVerdict::NotScreened => ModeVerdict::NoModeLevelBlocker,
            v => v,
        },
        None => clusters
            .iter()
            .flat_map(|c| c.findings.iter().map(|f| f.verdict))
            .min()
            .unwrap_or(ModeVerdict::NoModeLevelBlocker),
    };
    let headline = headline(&clusters, prescreen.as_ref(), verdict, &collect_next);
    InventoryAnswer {
        schema: SCHEMA,
        question: Question::Inventory,
        level: DataLevel::Mode,
        inputs: ws.inputs.clone(),
        errors: ws.errors.clone(),
        option_errors,
        warnings,
        modes_source: modes.source.clone(),
        verdict,
        headline,
        limits: LIMITS.to_string(),
        clusters,
        prescreen,
        collect_next,
    }
}

fn headline(
    clusters: &[ModeCluster],
    prescreen: Option<&PreScreen>,
    verdict: ModeVerdict,
    collect: &[CollectHost],
) -> String {
    let next = if collect.is_empty() {
        String::new()
    } else {
        let hosts: Vec<&str> = collect.iter().take(6).map(|c| c.host.as_str()).collect();
        format!(
            " Next: collect `vim-cmd hostsvc/hostconfig` from {}{} (one per group of hosts identical at mode level).",
            hosts.join(", "),
            if collect.len() > 6 {
                format!(" and {} more", collect.len() - 6)
            } else {
                String::new()
            }
        )
    };
    if let Some(p) = prescreen {
        let what = match verdict {
            ModeVerdict::Blocked => {
                format!("{} blocked at mode level", plural(p.blocked as usize, "VM"))
            }
            ModeVerdict::MayBeBlocked => format!(
                "{} may be blocked (Max EVC below their minimum mode)",
                plural(p.may_be_blocked as usize, "VM")
            ),
            _ => "no mode-level blocker".to_string(),
        };
        return format!(
            "Mode level only (RVTools): moves to {}: {what}; {} screened without a mode-level blocker, {} not \
             screened. Patch-era features such as MDCLEAR are invisible at this level.{next}",
            p.target, p.no_mode_level_blocker, p.not_screened
        );
    }
    let mut parts = Vec::new();
    for c in clusters.iter().take(4) {
        let drift = if c.drift {
            format!(
                ", Max EVC drift ({})",
                c.max_evc_modes
                    .iter()
                    .map(|m| format!(
                        "{} ×{}",
                        m.mode.as_deref().unwrap_or("blank"),
                        m.hosts.len()
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        };
        parts.push(format!(
            "{}: {} in {}{drift}, highest common mode {}",
            c.name,
            plural(c.hosts.len(), "host"),
            plural(c.groups.len(), "group"),
            c.highest_common_mode.as_deref().unwrap_or("not computed")
        ));
    }
    if clusters.len() > 4 {
        parts.push(format!("{} more clusters", clusters.len() - 4));
    }
    let what = match verdict {
        ModeVerdict::Blocked => {
            "a VM runs above its cluster's EVC mode (blocked inside the cluster)"
        }
        ModeVerdict::MayBeBlocked => {
            "VMs whose minimum mode is above other hosts' Max EVC may be blocked"
        }
        _ => "no mode-level blocker",
    };
    format!(
        "Mode level only (RVTools): {}; {what}. Patch-era features such as MDCLEAR are invisible at this level.{next}",
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::OwnedSource;

    fn src(name: &str, text: &str) -> OwnedSource {
        OwnedSource {
            name: name.to_string(),
            text: text.to_string(),
        }
    }

    const VHOST: &str = "Host,Cluster,Current EVC,Max EVC,ESX Version,Vendor,BIOS Version\n\
        a1,A,,intel-haswell,VMware ESXi 7.0.3 build-1,Dell Inc.,2.1\n\
        a2,A,,intel-broadwell,VMware ESXi 7.0.3 build-1,Dell Inc.,2.1\n\
        b1,B,intel-sandybridge,intel-skylake,VMware ESXi 8.0.2 build-2,HPE,U30\n";
    const VINFO: &str = "VM,Powerstate,Cluster,Host,min Required EVC Mode Key\n\
        app1,poweredOn,A,a2,intel-broadwell\n\
        app2,poweredOn,A,a1,intel-haswell\n\
        off1,poweredOff,A,a1,\n";

    fn ask(into: Option<&str>, to_evc: Option<&str>) -> InventoryAnswer {
        answer(&InventoryRequest {
            request: Request {
                inputs: vec![src("vHost.csv", VHOST), src("vInfo.csv", VINFO)],
                ..Default::default()
            },
            cluster: None,
            into: into.map(str::to_string),
            to_evc: to_evc.map(str::to_string),
        })
    }

    #[test]
    fn highest_common_mode_is_computed_and_drift_found() {
        let a = ask(None, None);
        assert!(a.errors.is_empty(), "{:?}", a.errors);
        let ca = &a.clusters[0];
        assert_eq!(ca.name, "A");
        assert!(ca.drift);
        assert_eq!(ca.highest_common_mode.as_deref(), Some("intel-haswell"));
        assert_eq!(ca.evc.active, Some(false));
        // app1 (broadwell, on a2) may not move to a1 (Max EVC haswell); EVC is off.
        assert_eq!(ca.findings.len(), 1);
        assert_eq!(ca.findings[0].vm, "app1");
        assert_eq!(ca.findings[0].verdict, ModeVerdict::MayBeBlocked);
        assert_ne!(a.exit_code(), 0);
        let cb = &a.clusters[1];
        assert_eq!(cb.evc.mode.as_deref(), Some("intel-sandybridge"));
        assert_eq!(cb.highest_common_mode.as_deref(), Some("intel-skylake"));
    }

    #[test]
    fn into_an_evc_cluster_blocks_vms_above_its_mode() {
        let a = ask(Some("B"), None);
        let p = a.prescreen.as_ref().expect("prescreen");
        assert_eq!(p.target_mode.as_deref(), Some("intel-sandybridge"));
        assert_eq!(p.blocked, 2, "{:?}", p.moves);
        assert_eq!(p.not_screened, 1);
        assert_eq!(a.verdict, ModeVerdict::Blocked);
        assert_eq!(a.exit_code(), 1);
    }

    #[test]
    fn no_blocker_is_never_compatible() {
        let a = ask(None, Some("intel-skylake"));
        let p = a.prescreen.as_ref().unwrap();
        assert_eq!(p.blocked, 0);
        assert_eq!(a.verdict, ModeVerdict::NoModeLevelBlocker);
        assert_eq!(a.exit_code(), 3);
        assert!(a.headline.contains("MDCLEAR"));
    }
}
