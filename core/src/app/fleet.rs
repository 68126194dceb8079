//! A whole vCenter from a collector bundle (`collectors/`, `docs/bundle.md`): which cluster a
//! question is about, and the fleet summary over every cluster.
//!
//! `session::load` reads a bundle's hosts and VMs like any other input and keeps its inventory
//! in [`Workspace::fleet`]. [`select`] is the one place the `cluster` selector of a request is
//! resolved: it narrows the workspace to one cluster's hosts and VMs, with that cluster's
//! `evcState` and EVC key as evidence, and says what the collector could not read there.
//! [`summary`] answers `evcalc cluster BUNDLE` for a bundle of several clusters: each cluster's
//! story, the clusters at risk, hosts whose features differ from the rest of their cluster, and
//! VMs that cannot leave their host.

use crate::app::{self, OptionError, option_error};
use crate::input::ClusterInput;
use crate::model::EvcStateShown;
use crate::report::Verdict;
use crate::session::{Fleet, Request, Workspace};
use serde::Serialize;

/// Narrows `ws` to one cluster of its bundle: `cluster` by name or MoRef (case-insensitive),
/// else the bundle's only populated cluster, else the cluster of `host_hint` (a host name).
/// Hosts and VMs of other inputs stay. Without a bundle, `cluster` is an error and `None` does
/// nothing. Errors name the option `cluster` and list the candidates.
pub fn select(
    ws: &mut Workspace,
    cluster: Option<&str>,
    host_hint: Option<&str>,
) -> Result<(), OptionError> {
    let cluster = cluster.map(str::trim).filter(|c| !c.is_empty());
    let Some(fleet) = &ws.fleet else {
        return match cluster {
            Some(_) => Err(option_error(
                crate::app::Opt::Cluster,
                "selects a cluster of a collector bundle (collectors/, docs/bundle.md); no bundle among the inputs",
            )),
            None => Ok(()),
        };
    };
    let populated = fleet.populated();
    let index = match cluster {
        Some(name) => {
            let found = fleet.input.clusters.iter().position(|c| {
                c.name.eq_ignore_ascii_case(name) || c.moref.eq_ignore_ascii_case(name)
            });
            match found {
                Some(i) => i,
                None => {
                    return Err(option_error(
                        crate::app::Opt::Cluster,
                        format!("no cluster {name} in the bundle; it has {}", fleet.names()),
                    ));
                }
            }
        }
        None => {
            let by_hint = host_hint.and_then(|hint| {
                let host = ws
                    .hosts
                    .iter()
                    .find(|h| h.source == fleet.source && h.name.eq_ignore_ascii_case(hint))?;
                let parent = fleet.parent_of(host.moref.as_deref()?)?;
                fleet.input.clusters.iter().position(|c| c.moref == parent)
            });
            match (by_hint, populated.as_slice()) {
                (Some(i), _) => i,
                (None, [one]) => fleet
                    .input
                    .clusters
                    .iter()
                    .position(|c| c.moref == one.moref)
                    .unwrap_or_default(),
                (None, []) => return Ok(()),
                (None, _) => {
                    return Err(option_error(
                        crate::app::Opt::Cluster,
                        format!(
                            "the bundle holds {} clusters ({}): choose one",
                            populated.len(),
                            fleet.names()
                        ),
                    ));
                }
            }
        }
    };
    match fleet.selected {
        Some(i) if i == index => return Ok(()),
        Some(i) => {
            return Err(option_error(
                crate::app::Opt::Cluster,
                format!(
                    "the inputs were narrowed to cluster {} already",
                    fleet.input.clusters[i].name
                ),
            ));
        }
        None => {}
    }
    let fleet = fleet.clone();
    narrow(ws, &fleet, index);
    if let Some(f) = &mut ws.fleet {
        f.selected = Some(index);
    }
    Ok(())
}

fn narrow(ws: &mut Workspace, fleet: &Fleet, index: usize) {
    let chosen = &fleet.input.clusters[index];
    let member = |source: &str, moref: Option<&str>| {
        source != fleet.source
            || moref.and_then(|m| fleet.parent_of(m)) == Some(chosen.moref.as_str())
    };
    let keep: Vec<bool> = ws
        .hosts
        .iter()
        .map(|h| member(&h.source, h.moref.as_deref()))
        .collect();
    let mut i = 0;
    ws.hosts.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    let mut i = 0;
    ws.host_inputs.retain(|_| {
        i += 1;
        keep.get(i - 1).copied().unwrap_or(true)
    });
    let kept: std::collections::HashSet<String> = ws
        .hosts
        .iter()
        .map(|h| h.name.to_ascii_lowercase())
        .collect();
    let others = ws.vms.iter().filter(|v| v.source == fleet.source).count();
    ws.vms.retain(|v| {
        v.source != fleet.source
            || v.host
                .as_deref()
                .is_some_and(|h| kept.contains(&h.to_ascii_lowercase()))
    });
    let vms = ws.vms.iter().filter(|v| v.source == fleet.source).count();
    let hosts = ws.hosts.iter().filter(|h| h.source == fleet.source).count();
    let mut notes = vec![format!(
        "cluster {} ({}) selected from the bundle: {hosts} host{}, {vms} VM{} ({} other VM{} and {} other cluster{} \
         of the bundle not in this answer)",
        chosen.name,
        chosen.moref,
        if hosts == 1 { "" } else { "s" },
        if vms == 1 { "" } else { "s" },
        others - vms,
        if others - vms == 1 { "" } else { "s" },
        fleet.populated().len().saturating_sub(1),
        if fleet.populated().len() == 2 {
            ""
        } else {
            "s"
        },
    )];
    // The cluster's evcState: the baseline's patch-era exposure, for hosts without evidence of
    // their own (an evcState file given beside the bundle wins).
    if ws.evc_state.is_none()
        && let Some(state) = &chosen.evc_state
    {
        let cat = crate::catalogue::catalogue();
        let set: crate::catalogue::FeatureSet = state
            .exposed
            .iter()
            .filter_map(|k| cat.lookup(k))
            .filter(|id| crate::exposure::patch_era().contains(*id))
            .collect();
        ws.evc_state = Some((
            set,
            format!(
                "{}, evcState {} of cluster {}",
                fleet.source, state.from, chosen.name
            ),
        ));
        notes.push(format!(
            "cluster {}'s evcState ({}) read: its baseline's patch-era exposure is evidence for hosts without their own",
            chosen.name,
            state.mode.as_deref().unwrap_or("no mode")
        ));
    }
    // The cluster's summary.currentEVCModeKey: evidence for members whose own summary was not
    // read (\[C\] HostListSummary.currentEVCModeKey matches the cluster's mode while EVC is
    // active, and is unset otherwise); a member that disagrees is said.
    if let Some(key) = &chosen.current_evc {
        for h in ws.hosts.iter_mut().filter(|h| h.source == fleet.source) {
            match (&h.evc_state, key) {
                (EvcStateShown::Unknown, Some(k)) => h.evc_state = EvcStateShown::Mode(k.clone()),
                (EvcStateShown::Unknown, None) => h.evc_state = EvcStateShown::NotActive,
                (EvcStateShown::Mode(m), Some(k)) if !m.eq_ignore_ascii_case(k) => {
                    notes.push(format!(
                        "{} reports EVC mode {m}, its cluster {} reports {k}",
                        h.name, chosen.name
                    ))
                }
                (EvcStateShown::Mode(m), None) => notes.push(format!(
                    "{} reports EVC mode {m}, its cluster {} reports EVC disabled",
                    h.name, chosen.name
                )),
                (EvcStateShown::NotActive, Some(k)) => notes.push(format!(
                    "{} reports EVC not active, its cluster {} reports {k}",
                    h.name, chosen.name
                )),
                _ => {}
            }
        }
    }
    // What the collector could not read, for this cluster's objects.
    let host_names: std::collections::HashMap<&str, &str> = ws
        .hosts
        .iter()
        .filter_map(|h| Some((h.moref.as_deref()?, h.name.as_str())))
        .collect();
    for m in &fleet.input.missing {
        let whose = if m.object == chosen.moref {
            Some(format!("cluster {}", chosen.name))
        } else {
            host_names
                .get(m.object.as_str())
                .map(|n| format!("host {n} ({})", m.object))
        };
        if let Some(whose) = whose {
            notes.push(format!(
                "{whose}: {} not collected: {}",
                m.property, m.reason
            ));
        }
    }
    if let Some(summary) = ws.inputs.iter_mut().find(|s| s.source == fleet.source) {
        summary
            .warnings
            .extend(notes.into_iter().map(crate::session::InputWarning::from));
    }
}

/// One cluster in the fleet summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct FleetCluster {
    /// The cluster's name.
    pub name: String,
    /// The cluster's MoRef (`domain-c35`).
    pub moref: String,
    /// How many of the bundle's hosts it holds.
    pub hosts: u32,
    /// VMs of the bundle on its hosts.
    pub vms: u32,
    /// How many host classes its hosts form.
    pub classes: u32,
    /// The EVC setting the answer used, and why.
    pub evc: crate::session::EvcChoice,
    /// Whether its `evcState` was in the bundle.
    pub evc_state_read: bool,
    /// compatible: every move between its hosts and every maintenance plan proven; blocked: a
    /// move or evacuation is blocked; unknown: not everything proven.
    pub outcome: Verdict,
    /// Its headline (the worst finding and the next step).
    pub headline: Option<String>,
    /// The cluster's class story, one line per finding (as `ClusterAnswer.story`).
    pub story: Vec<String>,
    /// Problems with the options for this cluster (e.g. `--evc` unknown).
    pub option_errors: Vec<String>,
}

/// A host whose features differ from the rest of its cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct DifferingHost {
    /// The cluster's name.
    pub cluster: String,
    /// The host's name.
    pub host: String,
    /// Features the rest of its cluster offers and it does not (`cpuid.MDCLEAR`).
    pub lacks: Vec<String>,
    /// Features it offers and the rest of its cluster does not.
    pub extra: Vec<String>,
    /// Of `lacks`: those its CPU has but its EVC masks hide (stale masks, not microcode).
    pub hidden_by_masks: Vec<String>,
}

/// VMs that cannot leave their host: every other host of their cluster is proven blocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct StuckVms {
    /// The cluster's name.
    pub cluster: String,
    /// The host the VMs run on.
    pub host: String,
    /// The VMs, by name.
    pub vms: Vec<String>,
    /// The blocking features (keys) over every destination.
    pub blockers: Vec<String>,
    /// The host is the only one of its cluster: there is no destination to check.
    pub only_host: bool,
}

/// `evcalc cluster BUNDLE` for a bundle of several clusters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct FleetAnswer {
    /// The contract's version (2).
    pub schema: u32,
    /// The input the bundle came from.
    pub source: String,
    /// The vCenter (`vcenter.fullName`, else its host name), when the bundle has it.
    pub vcenter: Option<String>,
    /// The collector that wrote the bundle (name and version), when the bundle has it.
    pub collector: Option<String>,
    /// `collectedAt` as written, when the bundle has it.
    pub collected_at: Option<String>,
    /// Where the EVC mode baselines come from: the bundle's supportedEVCMode or built in.
    pub modes_source: String,
    /// One entry per populated cluster, in the bundle's order.
    pub clusters: Vec<FleetCluster>,
    /// Names of the clusters whose outcome is not `compatible`.
    pub at_risk: Vec<String>,
    /// Hosts whose features differ from the rest of their cluster.
    pub differing_hosts: Vec<DifferingHost>,
    /// VMs that cannot leave their host.
    pub stuck_vms: Vec<StuckVms>,
    /// Every property the collector could not read: `object property: reason`.
    pub missing: Vec<String>,
    /// The worst cluster outcome.
    pub outcome: Verdict,
}

/// The fleet summary: every populated cluster of the bundle answered on its own (the request's
/// options apply to each; `request.cluster` is ignored), then the fleet's findings.
/// `None` without a bundle.
pub fn summary(ws: &Workspace, request: &Request) -> Option<FleetAnswer> {
    let fleet = ws.fleet.as_ref()?;
    let mut answer = FleetAnswer {
        schema: app::SCHEMA,
        source: fleet.source.clone(),
        vcenter: fleet.input.vcenter.clone(),
        collector: fleet.input.collector.clone(),
        collected_at: fleet.input.collected_at.clone(),
        modes_source: ws.modes.source.clone(),
        clusters: Vec::new(),
        at_risk: Vec::new(),
        differing_hosts: Vec::new(),
        stuck_vms: Vec::new(),
        missing: fleet
            .input
            .missing
            .iter()
            .map(|m| format!("{} {}: {}", m.object, m.property, m.reason))
            .collect(),
        outcome: Verdict::Compatible,
    };
    for c in fleet.populated() {
        let mut one = ws.clone();
        if let Some(f) = &mut one.fleet {
            f.selected = None;
        }
        let mut request = request.clone();
        request.cluster = Some(c.moref.clone());
        if let Err(e) = select(&mut one, Some(&c.moref), None) {
            answer.clusters.push(FleetCluster {
                name: c.name.clone(),
                moref: c.moref.clone(),
                hosts: 0,
                vms: 0,
                classes: 0,
                evc: crate::session::EvcChoice {
                    mode: None,
                    why: String::new(),
                    assumed: true,
                },
                evc_state_read: c.evc_state.is_some(),
                outcome: Verdict::Unknown,
                headline: None,
                story: Vec::new(),
                option_errors: vec![e.message],
            });
            continue;
        }
        let vms = one.vms.iter().filter(|v| v.source == fleet.source).count();
        let a = app::cluster_in(&mut one, &request, Vec::new());
        summarize(&mut answer, c, &a, vms);
    }
    answer.outcome = worst(answer.clusters.iter().map(|c| c.outcome));
    answer.at_risk = answer
        .clusters
        .iter()
        .filter(|c| c.outcome != Verdict::Compatible)
        .map(|c| c.name.clone())
        .collect();
    Some(answer)
}

fn worst(verdicts: impl Iterator<Item = Verdict>) -> Verdict {
    verdicts.fold(Verdict::Compatible, |w, v| match (w, v) {
        (Verdict::Blocked, _) | (_, Verdict::Blocked) => Verdict::Blocked,
        (Verdict::Unknown, _) | (_, Verdict::Unknown) => Verdict::Unknown,
        _ => Verdict::Compatible,
    })
}

fn summarize(answer: &mut FleetAnswer, c: &ClusterInput, a: &app::ClusterAnswer, vms: usize) {
    answer.clusters.push(FleetCluster {
        name: c.name.clone(),
        moref: c.moref.clone(),
        hosts: a.hosts.len() as u32,
        vms: vms as u32,
        classes: a.classes.len() as u32,
        evc: a.evc.clone(),
        evc_state_read: c.evc_state.is_some(),
        outcome: a.outcome,
        headline: a.headline.as_ref().map(|h| h.text.clone()),
        story: a.story.clone(),
        option_errors: a.option_errors.iter().map(|e| e.message.clone()).collect(),
    });
    // Hosts that differ: per drift entry the minority side by hosts (a tie names both sides'
    // smaller class set: the side without the feature).
    let mut differing: Vec<DifferingHost> = Vec::new();
    for d in &a.drift {
        let lacking_is_minority = d.hosts_without <= d.hosts_with;
        let minority = if lacking_is_minority {
            &d.classes_without
        } else {
            &d.classes_with
        };
        for &class in minority {
            let Some(entry) = a.classes.get(class as usize) else {
                continue;
            };
            for &h in &entry.hosts {
                let Some(host) = a.hosts.get(h as usize) else {
                    continue;
                };
                let slot = match differing.iter().position(|x| x.host == host.name) {
                    Some(i) => i,
                    None => {
                        differing.push(DifferingHost {
                            cluster: c.name.clone(),
                            host: host.name.clone(),
                            lacks: Vec::new(),
                            extra: Vec::new(),
                            hidden_by_masks: Vec::new(),
                        });
                        differing.len() - 1
                    }
                };
                let x = &mut differing[slot];
                if lacking_is_minority {
                    x.lacks.push(d.key.clone());
                    if d.classes_hidden.contains(&class) {
                        x.hidden_by_masks.push(d.key.clone());
                    }
                } else {
                    x.extra.push(d.key.clone());
                }
            }
        }
    }
    answer.differing_hosts.extend(differing);
    // VMs (real, from the bundle) every destination of which is blocked.
    for plan in &a.maintenance {
        for group in plan
            .vms
            .iter()
            .filter(|g| g.real_vm && g.verdict == Verdict::Blocked)
        {
            let mut blockers: Vec<String> = Vec::new();
            for d in &group.destinations {
                for &b in &d.blockers {
                    if let Some(b) = a.blockers.get(b as usize)
                        && !blockers.contains(&b.key)
                    {
                        blockers.push(b.key.clone());
                    }
                }
            }
            answer.stuck_vms.push(StuckVms {
                cluster: c.name.clone(),
                host: plan.label.clone(),
                vms: group.vms.clone(),
                only_host: group.destinations.is_empty(),
                blockers,
            });
        }
    }
}
