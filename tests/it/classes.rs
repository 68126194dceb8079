//! The class engine (`app::cluster`, contract v2) against the host-level engine
//! (`session::analyze`): on real fixtures and the examples, every host pair's verdict and
//! blocking features, every host's maintenance outcome, the drift, the cluster outcome and the
//! headline's verdict are the same. The class view is a faster way to the same answers.

use evcalc::{app, session};
use evcalc_tests::*;
use std::collections::BTreeSet;

fn request(files: &[String], evc: Option<&str>) -> session::Request {
    request_of(files, evc)
}

/// Compares the two engines on one request; returns the number of classes.
fn same_answers(request: &session::Request) -> usize {
    let v1 = session::analyze(request);
    let v2 = app::cluster(request);
    assert_eq!(v2.schema, 2);
    assert_eq!(v1.errors, v2.errors);
    assert_eq!(v1.evc.mode, v2.evc.mode);
    let n = v1.cluster.hosts.len();
    assert_eq!(n, v2.hosts.len());
    for (i, h) in v1.cluster.hosts.iter().enumerate() {
        assert_eq!(h.name, v2.hosts[i].name);
        let class = &v2.classes[v2.hosts[i].class as usize];
        assert_eq!(h.max_evc_mode, class.report.max_evc_mode, "{}", h.name);
        assert_eq!(h.supported_evc_modes, class.report.supported_evc_modes);
        assert_eq!(h.max_evc_cross_check, v2.hosts[i].max_evc_cross_check);
    }
    for (i, row) in v1.cluster.matrix.iter().enumerate() {
        for (j, cell) in row.cells.iter().enumerate() {
            if i == j {
                assert!(v2.host_cell(i, j).is_none());
                continue;
            }
            let c = v2.host_cell(i, j).expect("a cell for every pair");
            let what = format!("{} → {}", row.from, cell.to);
            assert_eq!(cell.verdict, c.verdict, "{what}");
            assert_eq!(
                cell.destination_not_admitted, c.destination_not_admitted,
                "{what}"
            );
            let keys: BTreeSet<&str> = cell
                .missing
                .iter()
                .map(|m| m.canonical_key.as_str())
                .collect();
            let keys2: BTreeSet<&str> = v2.blocker_keys(c).into_iter().collect();
            assert_eq!(keys, keys2, "{what}");
            let unknown: BTreeSet<&str> = cell.unknown.iter().map(|u| u.key.as_str()).collect();
            let unknown2: BTreeSet<&str> = c
                .unknowns
                .iter()
                .map(|&u| v2.unknowns[u as usize].key.as_str())
                .collect();
            assert_eq!(unknown, unknown2, "{what}");
        }
    }
    // v2 states an assumed EVC mode's answer as conditional (at best unknown).
    assert_eq!(
        app::conditional(v1.cluster.outcome, v2.evc.assumed),
        v2.outcome
    );
    for plan in &v1.maintenance {
        let i = v2.host_index(&plan.host).unwrap();
        let p = v2
            .maintenance
            .iter()
            .find(|p| p.hosts.contains(&(i as u32)))
            .unwrap_or_else(|| panic!("a plan for {}", plan.host));
        assert_eq!(plan.outcome, p.outcome, "maintenance of {}", plan.host);
        assert_eq!(
            plan.remedies.len(),
            p.remedies.len(),
            "remedies of {}",
            plan.host
        );
    }
    let d1: Vec<(&str, bool)> = v1
        .cluster
        .drift
        .iter()
        .map(|d| (d.key.as_str(), d.blocks_vmotion))
        .collect();
    let d2: Vec<(&str, bool)> = v2
        .drift
        .iter()
        .map(|d| (d.key.as_str(), d.blocks_vmotion))
        .collect();
    assert_eq!(d1, d2);
    for d in &v1.cluster.drift {
        let e = v2.drift.iter().find(|e| e.key == d.key).unwrap();
        assert_eq!(d.summary, e.summary, "{}", d.key);
        assert_eq!(d.hosts_with.len() as u32, e.hosts_with);
    }
    assert_eq!(
        v1.headline
            .as_ref()
            .map(|h| app::conditional(h.verdict, v2.evc.assumed)),
        v2.headline.as_ref().map(|h| h.verdict)
    );
    assert_eq!(v1.cluster.max_common_evc_mode, v2.max_common_evc_mode);
    let patch1: Vec<&str> = v1
        .cluster
        .patch_era
        .iter()
        .map(|f| f.feature.as_str())
        .collect();
    let patch2: Vec<&str> = v2.patch_era.iter().map(|f| f.feature.as_str()).collect();
    assert_eq!(patch1, patch2);
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
