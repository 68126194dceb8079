//! One question, one answer (issue 19): the same move gets the same cause and the same remedy in
//! `check`, `maintenance`, `cluster` and `plan`; admission is one rule in the class table and
//! `plan --add`; a mistyped `--only` key is a usage error, not "compatible".

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

#[allow(unused_imports)]
use crate::common::*;

fn evcalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evcalc"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run evcalc")
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let o = evcalc(&a);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn hosts(dir: &str) -> Vec<String> {
    (1..=4)
        .map(|i| format!("examples/{dir}/esxi0{i}.txt"))
        .collect()
}

/// `evcalc SUBCOMMAND FILES... REST...` as an argument list.
fn command<'a>(sub: &'a str, files: &'a [String], rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![sub];
    args.extend(files.iter().map(String::as_str));
    args.extend_from_slice(rest);
    args
}

/// The remedy rules an answer's remedies name, in order.
fn rules(remedies: &Value) -> Vec<String> {
    remedies
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["rule"].as_str().map(str::to_string))
        .collect()
}

/// Whether an answer's interned blockers hold MDCLEAR with this typed cause and remedy rule.
fn names_mdclear(blockers: &Value, absence: &str, rule: &str) -> bool {
    blockers
        .as_array()
        .into_iter()
        .flatten()
        .any(|b| b["key"] == "cpuid.MDCLEAR" && b["absence"] == absence && b["remedy"] == rule)
}

#[test]
fn check_and_maintenance_name_the_same_cause_and_fix_for_each_mechanism() {
    // Mechanism A (raw 0: microcode) and B (raw 1, masked 0: stale EVC masks).
    for (dir, rule, absence) in [
        ("mdclear-cluster", "mds", "not-on-cpu"),
        ("mdclear-stale-masks", "evc-masks", "masks-hide"),
    ] {
        let files = hosts(dir);
        let args = command(
            "check",
            &files,
            &[
                "--from",
                "esxi01",
                "--to",
                "esxi02",
                "--evc",
                "intel-haswell",
            ],
        );
        let c = json(&args);
        assert_eq!(c["outcome"], "blocked", "{dir}");
        let blocker = &c["blockers"][0];
        assert_eq!(blocker["key"], "cpuid.MDCLEAR", "{dir}");
        assert_eq!(blocker["absence"], absence, "{dir}");
        assert_eq!(blocker["remedy"], rule, "{dir}");
        assert_eq!(rules(&c["remedies"]), vec![rule.to_string()], "{dir}");

        let args = command(
            "maintenance",
            &files,
            &["--host", "esxi01", "--evc", "intel-haswell"],
        );
        let m = json(&args);
        assert_eq!(m["outcome"], "blocked", "{dir}");
        assert_eq!(
            rules(&m["plan"]["remedies"]).first().map(String::as_str),
            Some(rule),
            "{dir}"
        );
        // The same blocker, with the same typed cause, in the maintenance answer.
        assert!(
            names_mdclear(&m["blockers"], absence, rule),
            "{dir}: {}",
            m["blockers"]
        );

        let args = command("cluster", &files, &["--evc", "intel-haswell"]);
        let k = json(&args);
        assert!(
            names_mdclear(&k["blockers"], absence, rule),
            "{dir}: {}",
            k["blockers"]
        );
        // Human text: a host whose CPU has it is never described as having 0 alone.
        let args = command(
            "check",
            &files,
            &[
                "--from",
                "esxi01",
                "--to",
                "esxi02",
                "--evc",
                "intel-haswell",
            ],
        );
        let text = String::from_utf8_lossy(&evcalc(&args).stdout).to_string();
        if absence == "masks-hide" {
            assert!(text.contains("0 (raw 1: its EVC masks hide it)"), "{text}");
            assert!(!text.contains("MDS microcode"), "{text}");
        }
    }
}

#[test]
fn admission_is_one_rule_in_the_class_table_and_plan_add() {
    // A byte copy of esxi02 (renamed) is admitted exactly as the class table says esxi02 is.
    let files = hosts("mdclear-cluster");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("consistency");
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("esxi05.txt");
    let text = std::fs::read_to_string(root().join(&files[1]))
        .unwrap()
        .replace("esxi02", "esxi05");
    std::fs::write(&copy, text).unwrap();
    let copy = copy.display().to_string();

    let args = command("cluster", &files, &["--evc", "intel-haswell"]);
    let k = json(&args);
    let i = k["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .position(|h| h["name"] == "esxi02")
        .unwrap();
    let class = k["hosts"][i]["class"].as_u64().unwrap() as usize;
    let table = k["classes"][class]["admission"]["admitted"].clone();

    let args = command(
        "plan",
        &files,
        &["--add", copy.as_str(), "--evc", "intel-haswell"],
    );
    let p = json(&args);
    let added = &p["add"][0];
    assert_eq!(added["can_join"], table, "plan --add: {added}");
    assert_eq!(
        table,
        Value::Bool(false),
        "the baseline exposes MDCLEAR (esxi01's masks)"
    );
    // Not admitted: the plan is blocked (exit 1).
    assert_eq!(evcalc(&args).status.code(), Some(1));
}

#[test]
fn a_mistyped_only_key_is_a_usage_error_with_a_suggestion() {
    let files = hosts("mdclear-cluster");
    let mut args = command(
        "cluster",
        &files,
        &["--evc", "intel-haswell", "--only", "MDCLAER"],
    );
    let o = evcalc(&args);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--only"), "{err}");
    assert!(err.contains("did you mean MDCLEAR"), "{err}");
    // Spelled right, the same question answers (blocked by MDCLEAR).
    let last = args.len() - 1;
    args[last] = "MDCLEAR";
    assert_eq!(evcalc(&args).status.code(), Some(1));
}
