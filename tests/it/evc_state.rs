//! The cluster's EVC state from evidence (issue 20 item 1): vCenter data of a connected host
//! with its summary and `currentEVCModeKey` unset means EVC is not active there ([C] vSphere
//! API, `HostListSummary.currentEVCModeKey`); a mode the data does not show is an assumption,
//! named as one, and no answer under it is `compatible`.

use evcalc::app::{self, check::CheckRequest};
use evcalc::model::EvcStateShown;
use evcalc::report::Verdict;
use evcalc::session;
use evcalc_tests::*;

const HOST14: &str = "tests/data/real/govc/object.save-vmc-sddc";

fn request(files: &[String], evc: Option<&str>) -> session::Request {
    request_of(files, evc)
}

#[test]
fn real_vcenter_host_without_a_current_mode_runs_without_evc() {
    let a = app::cluster(&request(&files_in(HOST14), None));
    let host14 = &a.hosts[a.host_index("10.2.32.4").expect("host-14")];
    assert_eq!(host14.evc_state, EvcStateShown::NotActive);
    assert_eq!(a.evc.mode, None, "{:?}", a.evc);
    assert!(!a.evc.assumed, "{:?}", a.evc);
    assert!(
        a.evc.why.contains("currentEVCModeKey unset"),
        "{}",
        a.evc.why
    );
}

#[test]
fn host14_to_the_haswell_example_is_blocked_without_evc() {
    // Without --evc: host-14's own data says EVC is off (the example's hostconfig dump says
    // nothing). The real VM on host-14 needs ADX, RDSEED, SMAP and 3DNPREFETCH, which the
    // Haswell esxi01 lacks: blocked (it was "compatible, exit 0" under an assumed Haswell mode).
    let mut files = files_in(HOST14);
    files.push("examples/mdclear-cluster/esxi01.txt".to_string());
    let a = app::check::answer(&CheckRequest {
        request: session::Request {
            vm_hw: Some("14".to_string()),
            ..request(&files, None)
        },
        to: "esxi01".to_string(),
        from: Some("10.2.32.4".to_string()),
        ..Default::default()
    });
    assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
    assert_eq!(a.evc.mode, None);
    assert!(a.evc.assumed, "esxi01's data does not show its EVC state");
    assert_eq!(a.outcome, Verdict::Blocked);
    let keys: Vec<&str> = a
        .check
        .as_ref()
        .expect("a move")
        .blockers
        .iter()
        .map(|&b| a.blockers[b as usize].key.as_str())
        .collect();
    for k in [
        "cpuid.ADX",
        "cpuid.RDSEED",
        "cpuid.SMAP",
        "cpuid.3DNPREFETCH",
    ] {
        assert!(
            keys.iter().any(|x| x.eq_ignore_ascii_case(k)),
            "{k} in {keys:?}"
        );
    }
}

#[test]
fn hostconfig_dumps_alone_give_an_assumed_mode_and_never_compatible() {
    let files: Vec<String> = MDCLEAR_HOSTS.iter().map(|s| s.to_string()).collect();
    let a = app::cluster(&request(&files, None));
    assert!(
        a.hosts
            .iter()
            .all(|h| h.evc_state == EvcStateShown::Unknown)
    );
    assert!(a.evc.assumed);
    assert_ne!(a.outcome, Verdict::Compatible);
    assert!(
        a.story[0].contains("not (fully) in the data"),
        "{:?}",
        a.story
    );
    // esxi02 → esxi01 is possible under the assumed mode, but not proven.
    let c = app::check::answer(&CheckRequest {
        request: request(&files, None),
        to: "esxi01".to_string(),
        from: Some("esxi02".to_string()),
        ..Default::default()
    });
    assert_eq!(
        c.check.as_ref().map(|m| m.verdict),
        Some(Verdict::Compatible)
    );
    assert_eq!(c.outcome, Verdict::Unknown);
    // Given, the same move is proven.
    let c = app::check::answer(&CheckRequest {
        request: request(&files, Some("intel-haswell")),
        to: "esxi01".to_string(),
        from: Some("esxi02".to_string()),
        ..Default::default()
    });
    assert!(!c.evc.assumed);
    assert_eq!(c.outcome, Verdict::Compatible);
}

#[test]
fn a_reported_current_mode_is_used_and_a_contradiction_is_said() {
    let json = |name: &str, current: &str| {
        format!(
            r#"{{"moref": "host-{name}", "name": "{name}", "summary.currentEVCModeKey": {current},
            "config.featureCapability": [{{"key": "cpuid.SSE3", "featureName": "cpuid.SSE3", "value": "1"}}]}}"#
        )
    };
    let req = |texts: Vec<String>| session::Request {
        inputs: texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| session::OwnedSource {
                name: format!("h{i}.json"),
                text,
            })
            .collect(),
        ..Default::default()
    };
    let a = app::cluster(&req(vec![
        json("1", "\"intel-merom\""),
        json("2", "\"intel-merom\""),
    ]));
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    assert_eq!(a.evc.mode.as_deref(), Some("intel-merom"));
    assert!(!a.evc.assumed);
    // One host says Merom, the other "not active": they disagree; the choice is an assumption.
    let a = app::cluster(&req(vec![json("1", "\"intel-merom\""), json("2", "null")]));
    assert!(a.evc.assumed, "{:?}", a.evc);
    assert!(a.evc.why.contains("disagree"), "{}", a.evc.why);
}
