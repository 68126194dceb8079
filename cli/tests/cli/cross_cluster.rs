//! `evcalc plan OLD... --into NEW...` and `evcalc check --evc OLD --to-evc NEW` between an
//! intel-sandybridge cluster and an intel-westmere cluster built from real CPUID dumps
//! (InstLatX64, `tests/data/cpuid/`), issue 9 item 6.

use serde_json::Value;
use std::process::{Command, Output};

use crate::common::{root, show};

const D: &str = "tests/data/cpuid/instlatx64/";
const SNB_E: &str = "GenuineIntel00206D7_SandyBridgeE_00_CPUID";
const SNB_EP: &str = "GenuineIntel00206D5_SandyBridgeEP_CPUID";
const WSM: &str = "GenuineIntel00206C1_Gulftown_CPUID";
const WSM_PATCHED: &str = "GenuineIntel00206C2_Gulftown_01_CPUID";

fn file(name: &str) -> String {
    format!("{D}{name}.txt")
}

fn evcalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evcalc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run evcalc")
}

/// `plan SNB… --evc intel-sandybridge --into WSM… --to-evc intel-westmere [extra]`.
fn plan(old: &[&str], old_mode: &str, new: &[&str], new_mode: &str, extra: &[&str]) -> Output {
    let old: Vec<String> = old.iter().map(|n| file(n)).collect();
    let new: Vec<String> = new.iter().map(|n| file(n)).collect();
    let mut args: Vec<&str> = vec!["plan"];
    args.extend(old.iter().map(String::as_str));
    args.extend(["--evc", old_mode, "--to-evc", new_mode]);
    args.extend(extra);
    args.push("--into");
    args.extend(new.iter().map(String::as_str));
    evcalc(&args)
}

#[test]
fn plan_into_westmere_blocks_sandybridge_vms_and_names_the_ways_through() {
    let o = plan(
        &[SNB_E, SNB_EP],
        "intel-sandybridge",
        &[WSM, WSM_PATCHED, SNB_EP],
        "intel-westmere",
        &["--evc-exposes", "none"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "cannot move live",
        "cpuid.AVX",
        "cpuid.XSAVE",
        "cpuid.PCID",
        "cold migration",
        "per-VM EVC",
        "intel-westmere",
        "ActiveVMsBlockingEVC",
        "never cheaper than cold migration",
    ] {
        assert!(out.contains(needle), "{needle}\n{}", show(&o));
    }
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    // Sandy Bridge hardware in the Westmere cluster blocks too.
    let blocked_line = out
        .lines()
        .find(|l| l.contains("blocked on"))
        .expect("a blocked-on line");
    assert!(blocked_line.contains("Gulftown") || out.contains(SNB_EP));

    let o = plan(
        &[SNB_E, SNB_EP],
        "intel-sandybridge",
        &[WSM, WSM_PATCHED, SNB_EP],
        "intel-westmere",
        &["--evc-exposes", "none", "--json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["into"]["verdict"], "blocked");
    assert_eq!(v["evc"]["mode"], "intel-sandybridge");
    assert_eq!(v["to_evc"]["mode"], "intel-westmere");
    let vms = v["into"]["vms"].as_array().unwrap();
    assert!(!vms.is_empty());
    // VMs of a vHW below AVX's first version (VMware's table) see none of it and may move; every
    // other band is blocked.
    assert!(vms.iter().any(|vm| vm["verdict"] == "blocked"));
    for vm in vms.iter().filter(|vm| vm["verdict"] != "blocked") {
        assert_eq!(vm["verdict"], "compatible", "{vm}");
    }
    for vm in vms.iter().filter(|vm| vm["verdict"] == "blocked") {
        let blocked: Vec<&str> = vm["blocked_on"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["hosts"].as_array().unwrap())
            .map(|h| h.as_str().unwrap())
            .collect();
        assert!(blocked.contains(&SNB_EP), "{blocked:?}");
        let features: Vec<&str> = vm["blocking_features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        for key in ["cpuid.AVX", "cpuid.XSAVE"] {
            assert!(features.contains(&key), "{features:?}");
        }
        let kinds: Vec<&str> = vm["ways"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["cold-migration", "per-vm-evc", "lower-old-mode"]);
        assert_eq!(vm["ways"][1]["mode"], "intel-westmere");
    }
    // PCID (first vHW above AVX's in VMware's table) blocks the newest band.
    let newest = vms.last().unwrap();
    assert!(
        newest["blocking_features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "cpuid.PCID"),
        "{newest}"
    );
}

#[test]
fn plan_into_sandybridge_lets_westmere_vms_move() {
    let o = plan(
        &[WSM, WSM_PATCHED, SNB_EP],
        "intel-westmere",
        &[SNB_E, SNB_EP],
        "intel-sandybridge",
        &["--evc-exposes", "none"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("can move live"));
    // Without exposure evidence the patched hosts' mitigations leave it unproven: exit 3.
    let o = plan(
        &[WSM, WSM_PATCHED, SNB_EP],
        "intel-westmere",
        &[SNB_E, SNB_EP],
        "intel-sandybridge",
        &[],
    );
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
}

#[test]
fn check_to_evc_judges_the_destination_under_its_own_cluster_mode() {
    let (from, to) = (file(SNB_EP), file(WSM));
    let args = |extra: &[&str]| {
        let mut a = vec![
            "check",
            from.as_str(),
            to.as_str(),
            "--from",
            SNB_EP,
            "--to",
            WSM,
            "--evc",
            "intel-sandybridge",
        ];
        a.extend(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        evcalc(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let o = run(&["--to-evc", "intel-westmere"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("cpuid.AVX") && out.contains("dest. EVC"),
        "{out}"
    );
    assert!(out.contains("evcalc plan"), "{out}");
    let o = run(&["--to-evc", "intel-westmere", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["check"]["evc_mode"], "intel-westmere");
    assert_eq!(v["to_evc"]["mode"], "intel-westmere");
    assert_eq!(v["evc"]["mode"], "intel-sandybridge");
    // Without --to-evc the destination is judged under --evc: Westmere cannot join Sandy Bridge.
    let o = run(&["--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["to_evc"].is_null());
    assert_eq!(v["check"]["evc_mode"], "intel-sandybridge");
    // The reverse: a VM of the Westmere cluster into the Sandy Bridge cluster.
    let o = evcalc(&[
        "check",
        &file(WSM),
        &file(SNB_EP),
        "--from",
        WSM,
        "--to",
        SNB_EP,
        "--evc",
        "intel-westmere",
        "--to-evc",
        "intel-sandybridge",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
}

#[test]
fn into_usage_errors() {
    let o = evcalc(&["plan", &file(SNB_E), "--vm-hw", "14"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let o = evcalc(&[
        "plan",
        &file(SNB_E),
        "--evc-exposes",
        "AVX",
        "--into",
        &file(WSM),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
}
