//! Every command's `--json` — answers and exit-2 failures alike — validates against the JSON
//! Schema generated from its Rust type (`docs/schema/*.v2.schema.json`, kept fresh by
//! `tests/it/contract.rs`): the contract is what the binary prints, not only what the types say.

use serde_json::Value;
use std::process::Command;

#[allow(unused_imports)]
use crate::common::*;

fn schema(name: &str) -> jsonschema::Validator {
    let path = root().join("docs/schema").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let value: Value = serde_json::from_str(&text).expect("a schema is JSON");
    jsonschema::validator_for(&value).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs evcalc with `--json` from the repository root; (exit code, stdout as JSON).
fn run(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_evcalc"))
        .args(args)
        .arg("--json")
        .current_dir(root())
        .output()
        .expect("evcalc runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), value)
}

fn valid(name: &str, args: &[&str]) -> (i32, Value) {
    let (code, value) = run(args);
    let v = schema(name);
    let errors: Vec<String> = v
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{args:?} against {name}: {errors:#?}");
    assert_eq!(value["schema"], 2, "{args:?}");
    (code, value)
}

const EXAMPLE: &str = "examples/mdclear-cluster";
const ESXI01: &str = "examples/mdclear-cluster/esxi01.txt";
const ESXI02: &str = "examples/mdclear-cluster/esxi02.txt";
const GOVC: &str = "tests/data/real/govc/object.save-vmc-sddc";

#[test]
fn every_answer_validates() {
    let (code, _) = valid(
        "cluster-answer.v2.schema.json",
        &["cluster", EXAMPLE, "--evc", "intel-haswell"],
    );
    assert_eq!(code, 1);
    valid("cluster-answer.v2.schema.json", &["cluster", GOVC]);
    valid("host-answer.v2.schema.json", &["host", ESXI01]);
    valid("vm-answer.v2.schema.json", &["vm", GOVC]);
    let (code, a) = valid("modes-answer.v2.schema.json", &["modes"]);
    assert_eq!(code, 0);
    assert!(a["modes"].as_array().unwrap().len() >= 20);
    valid("modes-answer.v2.schema.json", &["modes", "haswell"]);
    let (code, _) = valid(
        "check-answer.v2.schema.json",
        &[
            "check",
            EXAMPLE,
            "--from",
            "esxi01",
            "--to",
            "esxi02",
            "--evc",
            "intel-haswell",
        ],
    );
    assert_eq!(code, 1);
    valid(
        "maintenance-answer.v2.schema.json",
        &[
            "maintenance",
            EXAMPLE,
            "--host",
            "esxi01",
            "--evc",
            "intel-haswell",
        ],
    );
    valid(
        "plan-answer.v2.schema.json",
        &["plan", ESXI02, "--add", ESXI01, "--evc", "intel-haswell"],
    );
    valid(
        "plan-answer.v2.schema.json",
        &[
            "plan",
            EXAMPLE,
            "--to-evc",
            "intel-westmere",
            "--evc",
            "intel-haswell",
        ],
    );
}

#[test]
fn every_failure_validates_and_names_where() {
    // An input that cannot be read: source, line and column.
    let (code, a) = valid(
        "error-answer.v2.schema.json",
        &["cluster", "tests/data/malformed/detect-evcstate-col0.json"],
    );
    assert_eq!(code, 2);
    assert_eq!(a["question"], "cluster");
    let e = &a["errors"][0];
    assert!(
        e["source"]
            .as_str()
            .unwrap()
            .ends_with("detect-evcstate-col0.json")
    );
    assert!(e["line"].as_u64().unwrap() >= 1 && e["col"].as_u64().unwrap() >= 1);
    // A usage error (clap): no file involved.
    let (code, a) = valid(
        "error-answer.v2.schema.json",
        &["cluster", "--no-such-flag"],
    );
    assert_eq!(code, 2);
    assert!(a["errors"][0]["source"].is_null());
    // An option the command refuses: an unknown mode, a typo in --only.
    for args in [
        &["modes", "intel-haswel"][..],
        &["cluster", EXAMPLE, "--evc", "intel-haswel"][..],
        &[
            "cluster",
            EXAMPLE,
            "--evc",
            "intel-haswell",
            "--only",
            "MDCLAER",
        ][..],
        &["check", EXAMPLE, "--from", "esxi01", "--to", "esxi99"][..],
    ] {
        let (code, a) = valid("error-answer.v2.schema.json", args);
        assert_eq!(code, 2, "{args:?}");
        assert!(!a["errors"].as_array().unwrap().is_empty(), "{args:?}");
    }
}
