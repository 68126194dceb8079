//! Issue 22's inputs through the binary: RVTools (CSV tabs, `.xlsx`, both header flavours) at
//! mode level, vCenter error texts, and their exit codes.

use std::process::Output;

#[allow(unused_imports)]
use crate::common::*;

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

const RV: &str = "tests/data/synthetic/rvtools";

#[test]
fn cluster_on_rvtools_only_is_the_mode_level_answer_never_0() {
    for input in [
        format!("{RV}/normal"),
        format!("{RV}/db"),
        format!("{RV}/rvtools-normal.xlsx"),
        format!("{RV}/rvtools-db.xlsx"),
    ] {
        let o = evcalc(&["cluster", &input]);
        assert_eq!(code(&o), 3, "{input}: {}", text(&o));
        let out = text(&o);
        assert!(out.contains("Mode level only (RVTools)"), "{out}");
        assert!(out.contains("highest common mode intel-haswell"), "{out}");
        let j = evcalc(&["cluster", &input, "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
        assert_eq!(v["question"], "inventory");
        assert_eq!(v["level"], "mode");
    }
}

#[test]
fn prescreen_into_blocks_by_vm_name() {
    let o = evcalc(&[
        "inventory",
        &format!("{RV}/rvtools-normal.xlsx"),
        "--cluster",
        "Prod",
        "--into",
        "New",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("app01"));
    let o = evcalc(&["inventory", &format!("{RV}/normal"), "--into", "Nowhere"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("no cluster named Nowhere"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_damaged_workbook_is_exit_2_named_and_skipped_in_a_directory() {
    let dir = std::env::temp_dir().join(format!("evcalc-xlsx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("broken.xlsx");
    std::fs::write(&bad, b"PK\x03\x04 this is not a workbook").unwrap();
    let o = evcalc(&["inventory", bad.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("broken.xlsx"), "{}", text(&o));
    std::fs::copy(
        root().join(format!("{RV}/normal/RVTools_tabvHost.csv")),
        dir.join("vHost.csv"),
    )
    .unwrap();
    let o = evcalc(&["inventory", dir.to_str().unwrap()]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(text(&o).contains("no RVTools workbook"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_alone_is_vcenters_verdict_and_with_dumps_the_fix() {
    let err = "tests/data/synthetic/vmotion-errors/reported-vmfeature-keys-mdclear.txt";
    let o = evcalc(&["explain", err]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("cpuid.MDCLEAR"));
    let o = evcalc(&[
        "explain",
        err,
        "examples/mdclear-cluster/esxi01.txt",
        "examples/mdclear-cluster/esxi02.txt",
        "--from",
        "esxi01",
        "--to",
        "esxi02",
        "--evc",
        "intel-haswell",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("reproduced by the dumps"), "{out}");
    assert!(out.contains("microcode"), "{out}");
    // `cluster` with only an error text explains it.
    let o = evcalc(&["cluster", err]);
    assert_eq!(code(&o), 1, "{}", text(&o));
}
