//! The class engine (`app::cluster`, contract v2) against the engine's one check applied host
//! by host (no classes: `check::check_outcome` for every host pair and band): on real fixtures
//! and the examples, every host pair's verdict, blocking features, open points and admission,
//! and the drift, are the same. The class view is a faster way to the same answers.

use evcalc::check::{self, Prepared};
use evcalc::exposure::{self, ClusterExposure};
use evcalc::{app, session};
use evcalc_tests::*;
use std::collections::BTreeSet;

fn request(files: &[String], evc: Option<&str>) -> session::Request {
    request_of(files, evc)
}

/// Compares the class answer with the host-by-host checks on one request; returns the number of
/// classes.
fn same_answers(request: &session::Request) -> usize {
    let v2 = app::cluster(request);
    assert_eq!(v2.schema, 2);
    // The host-level view: the request's options resolved once (the application's one rule),
    // each host's exposure evidence resolved, then every pair checked on its own.
    let mut errors = Vec::new();
    let mut ws = app::load(request, &mut errors);
    let modes = ws.modes.clone();
    let r = app::resolve(request, &ws.hosts, &modes, &mut errors);
    let vms = ws.vms.clone();
    exposure::resolve_cluster(
        &mut ws.hosts,
        &vms,
        &ClusterExposure {
            evc_exposes: r.evc_exposes,
            evc_state: ws.evc_state.clone(),
        },
    );
    let evc = r.chosen.setting;
    assert_eq!(ws.errors, v2.errors);
    assert_eq!(evc.key(), v2.evc.mode);
    let n = ws.hosts.len();
    assert_eq!(n, v2.hosts.len());
    for (i, h) in ws.hosts.iter().enumerate() {
        assert_eq!(h.name, v2.hosts[i].name);
        let class = &v2.classes[v2.hosts[i].class as usize];
        let report = check::host_report(h, &ws.modes);
        assert_eq!(report.max_evc_mode, class.report.max_evc_mode, "{}", h.name);
        assert_eq!(report.supported_evc_modes, class.report.supported_evc_modes);
    }
    let mut breaks: Vec<u8> = ws.hosts.iter().filter_map(|h| h.max_vhw).collect();
    breaks.sort_unstable();
    breaks.dedup();
    for i in 0..n {
        let row = check::power_on_bands(&ws.hosts[i], evc, r.per_vm, r.vhw, &breaks);
        for j in 0..n {
            if i == j {
                assert!(v2.host_cell(i, j).is_none());
                continue;
            }
            let prepared = Prepared::of(&ws.hosts[j], evc);
            let outcomes: Vec<check::Outcome<'_>> = row
                .iter()
                .map(|vm| check::check_outcome(vm, &prepared))
                .collect();
            let c = v2.host_cell(i, j).expect("a cell for every pair");
            let what = format!("{} → {}", ws.hosts[i].name, ws.hosts[j].name);
            assert_eq!(
                check::worst(outcomes.iter().map(|o| o.verdict)),
                c.verdict,
                "{what}"
            );
            assert_eq!(
                outcomes.iter().any(|o| o.not_admitted),
                c.destination_not_admitted,
                "{what}"
            );
            let keys: BTreeSet<String> = outcomes
                .iter()
                .flat_map(|o| {
                    o.missing_keys()
                        .map(str::to_string)
                        .chain(o.vhw_entry().map(|e| e.key))
                        .collect::<Vec<_>>()
                })
                .collect();
            let keys2: BTreeSet<String> =
                v2.blocker_keys(c).into_iter().map(str::to_string).collect();
            assert_eq!(keys, keys2, "{what}");
            let unknown: BTreeSet<&str> = outcomes
                .iter()
                .flat_map(|o| o.unknown.iter().map(|u| u.key.as_str()))
                .collect();
            let unknown2: BTreeSet<&str> = c
                .unknowns
                .iter()
                .map(|&u| v2.unknowns[u as usize].key.as_str())
                .collect();
            assert_eq!(unknown, unknown2, "{what}");
        }
    }
    // Drift over classes, counted in hosts, equals drift over the hosts.
    let d1 = check::drift(&ws.hosts, evc);
    let k1: Vec<(&str, bool)> = d1
        .iter()
        .map(|d| (d.key.as_str(), d.blocks_vmotion))
        .collect();
    let k2: Vec<(&str, bool)> = v2
        .drift
        .iter()
        .map(|d| (d.key.as_str(), d.blocks_vmotion))
        .collect();
    assert_eq!(k1, k2);
    for d in &d1 {
        let e = v2.drift.iter().find(|e| e.key == d.key).unwrap();
        assert_eq!(d.summary, e.summary, "{}", d.key);
        assert_eq!(d.hosts_with.len() as u32, e.hosts_with);
    }
    assert_eq!(
        check::max_common_mode(&ws.hosts, &ws.modes).map(|m| m.key.clone()),
        v2.max_common_evc_mode
    );
    v2.classes.len()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_incident_is_two_classes_with_the_same_answers() {
    let files = strings(&MDCLEAR_HOSTS);
    for evc in [
        Some("intel-haswell"),
        None,
        Some("none"),
        Some("intel-westmere"),
    ] {
        assert_eq!(same_answers(&request(&files, evc)), 2, "{evc:?}");
    }
    let v2 = app::cluster(&request(&files, Some("intel-haswell")));
    assert_eq!(v2.classes[1].label, "esxi02–04");
    assert!(
        v2.story
            .iter()
            .any(|l| l.starts_with("3 hosts do not offer cpuid.MDCLEAR")),
        "{:?}",
        v2.story
    );
    let plan = &v2.maintenance[0];
    assert_eq!(plan.hosts, [0]);
    assert!(
        plan.verdict.contains("which esxi02–04 do not offer"),
        "{}",
        plan.verdict
    );
}

#[test]
fn examples_with_vms_fragments_and_stale_masks() {
    let mut files = strings(&MDCLEAR_HOSTS);
    files.push("examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt".into());
    files.push("examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt".into());
    files.push("examples/mdclear-cluster/esxi01-etc-vmware-config.txt".into());
    same_answers(&request(&files, Some("intel-haswell")));
    let stale = files_in("examples/mdclear-stale-masks");
    same_answers(&request(&stale, Some("intel-haswell")));
    let grep = vec!["examples/mdclear-cluster/grep-MDCLEAR.txt".to_string()];
    same_answers(&request(&grep, Some("intel-haswell")));
    let transcripts = files_in("tests/data/transcripts");
    for t in transcripts.iter().filter(|f| f.ends_with(".txt")) {
        same_answers(&request(std::slice::from_ref(t), Some("intel-haswell")));
    }
}

#[test]
fn real_govc_host_and_vms() {
    let files = files_in("tests/data/real/govc/object.save-vmc-sddc");
    for evc in [None, Some("none"), Some("intel-broadwell")] {
        same_answers(&request(&files, evc));
    }
}

#[test]
fn real_cpuid_dumps_of_mixed_generations() {
    let files: Vec<String> = files_in("tests/data/cpuid/instlatx64")
        .into_iter()
        .filter(|f| f.contains("GenuineIntel"))
        .take(24)
        .collect();
    let classes = same_answers(&request(&files, Some("none")));
    assert!(classes > 1);
    same_answers(&request(&files, None));
}

/// One rule of which VMs a plan covers: for every host, `app::maintenance::answer` (the
/// `maintenance` question) and the plan `app::cluster` makes for that host (the page's answer)
/// agree on the outcome, the sentence, the VM groups and each destination's verdict and blocking
/// keys (the two answers intern their tables separately, so keys are compared, not indices).
fn same_plans(request: &session::Request) -> usize {
    let cluster = app::cluster(request);
    let mut compared = 0;
    for (i, host) in cluster.hosts.iter().enumerate() {
        let m = app::maintenance::answer(&app::maintenance::MaintenanceRequest {
            request: request.clone(),
            host: host.name.clone(),
            vms: Vec::new(),
        });
        assert!(m.option_errors.is_empty(), "{:?}", m.option_errors);
        let mp = m.plan.as_ref().expect("a maintenance plan");
        let cp = cluster
            .maintenance
            .iter()
            .find(|p| p.hosts.contains(&(i as u32)))
            .unwrap_or_else(|| panic!("the cluster answer plans {}", host.name));
        assert_eq!(mp.outcome, cp.outcome, "{}", host.name);
        assert_eq!(
            m.outcome,
            app::conditional(cp.outcome, m.evc.assumed),
            "{}",
            host.name
        );
        // "any VM powered on on esxi02" (the host's plan) is "… on esxi02–04" in the class
        // plan: the plan's own label is replaced by HOST.
        let groups = |vms: &[app::PlanVms], blockers: &[app::Blocker], label: &str| {
            vms.iter()
                .map(|g| {
                    let names: Vec<String> = g
                        .vms
                        .iter()
                        .map(|n| n.replace(&format!("on on {label}"), "on on HOST"))
                        .collect();
                    let mut d: Vec<(u32, String, BTreeSet<String>)> = g
                        .destinations
                        .iter()
                        .map(|d| {
                            (
                                d.class,
                                format!("{:?}", d.verdict),
                                d.blockers
                                    .iter()
                                    .map(|&b| blockers[b as usize].key.clone())
                                    .collect(),
                            )
                        })
                        .collect();
                    d.sort();
                    (names, g.verdict, d)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            groups(&mp.vms, &m.blockers, &mp.label),
            groups(&cp.vms, &cluster.blockers, &cp.label),
            "{}",
            host.name
        );
        compared += 1;
    }
    compared
}

#[test]
fn the_maintenance_question_plans_as_the_cluster_answer_does() {
    let mut files = strings(&MDCLEAR_HOSTS);
    assert_eq!(same_plans(&request(&files, Some("intel-haswell"))), 4);
    files.push("examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt".into());
    files.push("examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt".into());
    assert_eq!(same_plans(&request(&files, Some("intel-haswell"))), 4);
    let stale = files_in("examples/mdclear-stale-masks");
    assert!(same_plans(&request(&stale, Some("intel-haswell"))) >= 2);
    let real = files_in("tests/data/real/govc/object.save-vmc-sddc");
    assert!(same_plans(&request(&real, None)) >= 1);
}
