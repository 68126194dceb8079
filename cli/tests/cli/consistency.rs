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
    // The example hosts run ESXi 6.7 P01 (build 15160138), which has the MDS patch: raw 0 there
    // means the host booted it already, so the rule is `mds-patched-build` (issue 20 item 10).
    for (dir, rule, absence) in [
        ("mdclear-cluster", "mds-patched-build", "not-on-cpu"),
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

// =============================================================================================
// The consistency suite (issue 19 item 7): over every scenario's inputs and the real data, for
// each (source, destination, vHW, EVC setting) the verdict and its causes are the same in
// `check`, the cluster matrix (classes and `--matrix hosts`), `maintenance` and `plan --into`;
// admission is the same in the class table and `plan --add`; the human text never contradicts the
// JSON facts; remedies never contradict the facts; the page's answer equals the CLI's.

use std::collections::{BTreeMap, BTreeSet};

/// One set of hosts under one EVC setting.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Case {
    /// Where it comes from (a scenario or the real data).
    origin: String,
    inputs: Vec<String>,
    evc: Option<String>,
    vm_evc: Option<String>,
}

impl Case {
    fn new(origin: &str, inputs: &[&str], evc: Option<&str>, vm_evc: Option<&str>) -> Case {
        Case {
            origin: origin.to_string(),
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            evc: evc.map(str::to_string),
            vm_evc: vm_evc.map(str::to_string),
        }
    }

    /// `evcalc SUB INPUTS… REST… [--evc E] [--vm-evc V]`.
    fn args(&self, sub: &str, rest: &[&str]) -> Vec<String> {
        let mut a = vec![sub.to_string()];
        a.extend(self.inputs.iter().cloned());
        a.extend(rest.iter().map(|s| s.to_string()));
        if let Some(e) = &self.evc {
            a.extend(["--evc".to_string(), e.clone()]);
        }
        if let Some(v) = &self.vm_evc {
            a.extend(["--vm-evc".to_string(), v.clone()]);
        }
        a
    }
}

fn run_args(args: &[String]) -> Output {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    evcalc(&a)
}

fn json_args(args: &[String]) -> Value {
    let mut a = args.to_vec();
    a.push("--json".into());
    let o = run_args(&a);
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("panicked"),
        "{}",
        show(&o)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("evcalc {}: {e}\n{}", a.join(" "), show(&o)))
}

fn human_args(args: &[String]) -> String {
    let mut a = args.to_vec();
    a.extend(["--color".into(), "never".into()]);
    String::from_utf8_lossy(&run_args(&a).stdout).into_owned()
}

/// Options that take one value (everything else starting with `--` is a flag), and the two that
/// take several.
const ONE_VALUE: &[&str] = &[
    "--evc",
    "--vm-evc",
    "--vm-hw",
    "--evc-exposes",
    "--only",
    "--cluster",
    "--to-evc",
    "--from",
    "--to",
    "--host",
    "--add",
    "--set",
    "--remove",
    "--matrix",
    "--color",
    "--exit-codes",
    "--modes",
];
const MANY_VALUES: &[&str] = &["--vm", "--into"];

/// The case a scenario's command line asks about, if it reads one cluster of hosts.
fn case_of(s: &crate::scenarios::Scenario) -> Option<Case> {
    let sub = s.args.first()?.as_str();
    if !["check", "cluster", "maintenance", "plan"].contains(&sub) {
        return None;
    }
    let (mut inputs, mut evc, mut vm_evc) = (Vec::new(), None, None);
    let mut i = 1;
    while i < s.args.len() {
        let a = s.args[i].as_str();
        if ONE_VALUE.contains(&a) {
            let v = s.args.get(i + 1).cloned();
            match a {
                "--evc" => evc = v,
                "--vm-evc" => vm_evc = v,
                // A bundle's cluster, a restriction or an override: not one plain cluster.
                "--cluster" | "--only" | "--set" | "--evc-exposes" | "--modes" => return None,
                _ => {}
            }
            i += 2;
        } else if MANY_VALUES.contains(&a) {
            i += 1;
            while i < s.args.len() && !s.args[i].starts_with("--") {
                i += 1;
            }
        } else if a.starts_with("--") {
            i += 1;
        } else {
            inputs.push(a.to_string());
            i += 1;
        }
    }
    Some(Case {
        origin: format!("scenario {}", s.name),
        inputs,
        evc,
        vm_evc,
    })
}

const X: &str = "examples/mdclear-cluster";
const I: &str = "tests/data/cpuid/instlatx64";

/// Every case: each scenario's, and the real data under several EVC settings (deduplicated).
fn cases() -> Vec<Case> {
    let ex: Vec<String> = (1..=4).map(|i| format!("{X}/esxi0{i}.txt")).collect();
    let ex: Vec<&str> = ex.iter().map(String::as_str).collect();
    let cpuid = |names: &[&str]| -> Vec<String> {
        names.iter().map(|n| format!("{I}/{n}_CPUID.txt")).collect()
    };
    let wsm_snb = cpuid(&[
        "GenuineIntel00206C1_Gulftown",
        "GenuineIntel00206C2_Gulftown_01",
        "GenuineIntel00206D5_SandyBridgeEP",
        "GenuineIntel00206D7_SandyBridgeE_00",
    ]);
    let amd15 = cpuid(&[
        "AuthenticAMD0600F01_K15_Bulldozer",
        "AuthenticAMD0610F01_K15_Piledriver",
    ]);
    let zen = cpuid(&[
        "AuthenticAMD0800F12_K17_Zen",
        "AuthenticAMD0800F11_K17_Zen2",
        "AuthenticAMD0830F10_K17_Rome",
    ]);
    let hsw_bdw_skl = cpuid(&[
        "GenuineIntel00306F2_HaswellEP",
        "GenuineIntel00406F1_BroadwellE",
        "GenuineIntel0050654_SkylakeXeon",
    ]);
    let mut out = vec![
        Case::new("example", &ex, Some("intel-haswell"), None),
        Case::new("example", &ex, Some("none"), None),
        Case::new("example", &ex, Some("intel-westmere"), None),
        Case::new(
            "example",
            &ex,
            Some("intel-haswell"),
            Some("intel-westmere"),
        ),
        Case::new("example", &ex, None, None),
        Case::new("stale masks", &["examples/mdclear-stale-masks"], None, None),
        Case::new(
            "stale masks",
            &["examples/mdclear-stale-masks"],
            Some("intel-haswell"),
            None,
        ),
        Case::new(
            "real govc",
            &["tests/data/real/govc/object.save-vmc-sddc"],
            None,
            None,
        ),
        Case::new(
            "instlatx64 Westmere/Sandy Bridge",
            &strs(&wsm_snb),
            Some("intel-westmere"),
            None,
        ),
        Case::new(
            "instlatx64 Westmere/Sandy Bridge",
            &strs(&wsm_snb),
            Some("none"),
            None,
        ),
        Case::new(
            "instlatx64 AMD K15",
            &strs(&amd15),
            Some("amd-bulldozer"),
            None,
        ),
        Case::new(
            "instlatx64 AMD K15, per-VM amd-greyhound",
            &strs(&amd15),
            Some("amd-bulldozer"),
            Some("amd-greyhound"),
        ),
        Case::new("instlatx64 AMD Zen", &strs(&zen), Some("amd-zen"), None),
        Case::new("instlatx64 AMD Zen", &strs(&zen), Some("none"), None),
        Case::new(
            "instlatx64 Haswell/Broadwell/Skylake",
            &strs(&hsw_bdw_skl),
            Some("intel-haswell"),
            None,
        ),
        Case::new(
            "instlatx64 Haswell/Broadwell/Skylake",
            &strs(&hsw_bdw_skl),
            Some("none"),
            None,
        ),
    ];
    out.extend(crate::scenarios::all().iter().filter_map(case_of));
    // One case per (inputs, setting), the first origin kept.
    let mut seen = BTreeSet::new();
    out.retain(|c| seen.insert((c.inputs.clone(), c.evc.clone(), c.vm_evc.clone())));
    out
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A verdict and its causes (`key|absence|remedy`; a vHW block is `vhw-too-new|remedy`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    verdict: String,
    causes: BTreeSet<String>,
}

fn cause(b: &Value) -> String {
    if !b["vhw_too_new"].is_null() || b["vhw_too_new"].is_object() {
        return format!("vhw-too-new|{}", b["remedy"]);
    }
    format!("{}|{}|{}", b["key"], b["absence"], b["remedy"])
}

fn outcome(verdict: &Value, blockers: &Value, table: &Value) -> Outcome {
    Outcome {
        verdict: verdict.as_str().unwrap_or("?").to_string(),
        causes: blockers
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| cause(&table[i.as_u64().unwrap() as usize]))
            .collect(),
    }
}

/// One move's answer: the same for every vHW, or per vHW version.
#[derive(Debug, Clone)]
enum Move {
    Uniform(Outcome),
    PerVhw(BTreeMap<u64, Outcome>),
}

/// A move from `bands` (`vhw_from`/`vhw_to` or `vhw_band`), or uniform when there are none.
fn bands_move(uniform: Outcome, bands: &[(u64, u64, Outcome)]) -> Move {
    if bands.is_empty() {
        return Move::Uniform(uniform);
    }
    let mut m = BTreeMap::new();
    for (lo, hi, o) in bands {
        for v in *lo..=*hi {
            m.insert(v, o.clone());
        }
    }
    Move::PerVhw(m)
}

/// The first difference between two answers for one move, if any.
fn differ(a: &Move, b: &Move) -> Option<String> {
    match (a, b) {
        (Move::Uniform(x), Move::Uniform(y)) => (x != y).then(|| format!("{x:?} / {y:?}")),
        (Move::Uniform(x), Move::PerVhw(m)) | (Move::PerVhw(m), Move::Uniform(x)) => m
            .iter()
            .find(|(_, o)| *o != x)
            .map(|(v, o)| format!("vmx-{v}: {x:?} / {o:?}")),
        (Move::PerVhw(m), Move::PerVhw(n)) => m
            .iter()
            .filter_map(|(v, o)| n.get(v).map(|p| (v, o, p)))
            .find(|(_, o, p)| o != p)
            .map(|(v, o, p)| format!("vmx-{v}: {o:?} / {p:?}")),
    }
}

/// The cluster answer of a case, with host names and classes.
struct Cluster {
    answer: Value,
    names: Vec<String>,
    class: Vec<usize>,
}

fn cluster(case: &Case) -> Option<Cluster> {
    let answer = json_args(&case.args("cluster", &[]));
    let hosts = answer["hosts"].as_array()?.clone();
    if hosts.len() < 2 || !answer["errors"].as_array().is_some_and(|e| e.is_empty()) {
        return None;
    }
    Some(Cluster {
        names: hosts
            .iter()
            .map(|h| h["name"].as_str().unwrap().to_string())
            .collect(),
        class: hosts
            .iter()
            .map(|h| h["class"].as_u64().unwrap() as usize)
            .collect(),
        answer,
    })
}

fn band_list(bands: &Value, table: &Value, lo: &str, hi: &str) -> Vec<(u64, u64, Outcome)> {
    bands
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            (
                b[lo].as_u64().unwrap(),
                b[hi].as_u64().unwrap(),
                outcome(&b["verdict"], &b["blockers"], table),
            )
        })
        .collect()
}

fn check_move(c: &Value) -> Move {
    let k = &c["check"];
    bands_move(
        outcome(&k["verdict"], &k["blockers"], &c["blockers"]),
        &band_list(&k["bands"], &c["blockers"], "vhw_from", "vhw_to"),
    )
}

/// The class matrix's cell for a pair of hosts (`None` on the diagonal of a one-host class).
fn matrix_move(k: &Cluster, a: usize, b: usize) -> Option<Move> {
    let cell = &k.answer["matrix"][k.class[a]][k.class[b]];
    if cell.is_null() {
        return None;
    }
    let t = &k.answer["blockers"];
    Some(bands_move(
        outcome(&cell["verdict"], &cell["blockers"], t),
        &band_list(&cell["bands"], t, "vhw_from", "vhw_to"),
    ))
}

/// The computed ("any VM powered on on a") groups of a maintenance answer, towards host `b`.
fn maintenance_move(m: &Value, b: &str) -> Option<Move> {
    let bi = m["hosts"].as_array()?.iter().position(|h| h["name"] == b)?;
    let bclass = m["hosts"][bi]["class"].clone();
    let mut bands = Vec::new();
    let mut uniform = None;
    for g in m["plan"]["vms"].as_array()? {
        if g["real_vm"] == true {
            continue;
        }
        for d in g["destinations"].as_array()? {
            let here = d["class"] == bclass
                || d["hosts"]
                    .as_array()
                    .is_some_and(|h| h.iter().any(|i| i.as_u64() == Some(bi as u64)));
            if !here {
                continue;
            }
            let o = outcome(&d["verdict"], &d["blockers"], &m["blockers"]);
            match d["vhw_band"].as_array() {
                Some(r) => bands.push((r[0].as_u64()?, r[1].as_u64()?, o)),
                None => uniform = Some(o),
            }
        }
    }
    match (uniform, bands.is_empty()) {
        (Some(o), true) => Some(Move::Uniform(o)),
        (_, false) => Some(bands_move(bands[0].2.clone(), &bands)),
        (None, true) => None,
    }
}

/// The computed groups of `plan --into` (the same hosts) from `a` towards `b`.
fn plan_move(p: &Value, a: &str, b: &str) -> Option<Move> {
    let mut bands = Vec::new();
    for g in p["into"]["vms"].as_array()? {
        if g["from"] != a || !g["requirements_from"].as_str()?.starts_with("computed") {
            continue;
        }
        let r = g["vhw_band"].as_array()?;
        let (lo, hi) = (r[0].as_u64()?, r[1].as_u64()?);
        let has = |v: &Value| v.as_array().is_some_and(|h| h.iter().any(|n| n == b));
        let o = if has(&g["accepted_by"]) {
            Outcome {
                verdict: "compatible".into(),
                causes: BTreeSet::new(),
            }
        } else if g["unknown_on"].as_array()?.iter().any(|u| u[0] == b) {
            Outcome {
                verdict: "unknown".into(),
                causes: BTreeSet::new(),
            }
        } else if let Some(d) = g["blocked_on"]
            .as_array()?
            .iter()
            .find(|d| has(&d["hosts"]))
        {
            let mut causes: BTreeSet<String> = d["missing"].as_array()?.iter().map(cause).collect();
            if !d["vhw_blocker"].is_null() {
                causes.insert("vhw-too-new|\"vhw\"".into());
            }
            Outcome {
                verdict: "blocked".into(),
                causes,
            }
        } else {
            continue;
        };
        bands.push((lo, hi, o));
    }
    (!bands.is_empty()).then(|| bands_move(bands[0].2.clone(), &bands))
}

/// The evc option of a case as the answer settled it (for questions that need it explicit).
fn settled_evc(k: &Cluster) -> String {
    k.answer["evc"]["mode"]
        .as_str()
        .unwrap_or("none")
        .to_string()
}

fn has_real_vms(m: &Value) -> bool {
    m["plan"]["vms"]
        .as_array()
        .is_some_and(|g| g.iter().any(|g| g["real_vm"] == true))
}

fn fragments(k: &Cluster) -> bool {
    k.answer["classes"]
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c["report"]["fragment"] == true))
}

/// At most this many hosts per case (pairs grow as the square).
const MAX_HOSTS: usize = 6;

#[test]
fn every_move_has_one_answer_in_check_cluster_maintenance_and_plan() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in cases() {
        let Some(k) = cluster(&case) else { continue };
        let n = k.names.len();
        if n > MAX_HOSTS {
            continue;
        }
        let evc = settled_evc(&k);
        let mut plan_args = case.args("plan", &[]);
        if case.evc.is_none() {
            plan_args.extend(["--evc".into(), evc.clone()]);
        }
        plan_args.extend(["--to-evc".into(), evc.clone(), "--into".into()]);
        plan_args.extend(case.inputs.iter().cloned());
        let plan = json_args(&plan_args);
        for a in 0..n {
            let m = json_args(&case.args("maintenance", &["--host", &k.names[a]]));
            for b in (0..n).filter(|&b| b != a) {
                let (from, to) = (&k.names[a], &k.names[b]);
                let c = json_args(&case.args("check", &["--from", from, "--to", to]));
                let check = check_move(&c);
                let mut others = vec![("cluster matrix", matrix_move(&k, a, b))];
                others.push(("maintenance", maintenance_move(&m, to)));
                // plan --into answers per VM group and new host; a per-VM EVC what-if is not
                // one of its questions.
                if case.vm_evc.is_none() {
                    others.push(("plan --into", plan_move(&plan, from, to)));
                }
                for (what, other) in others {
                    compared += 1;
                    match other {
                        // Loaded VMs: maintenance and plan answer for them, not for "any VM".
                        None if has_real_vms(&m) => {}
                        // Fragments: plan --into computes no group (see
                        // `plan_into_on_fragments_is_never_compatible`).
                        None if what == "plan --into"
                            && (fragments(&k) || plan["into"]["computed_vms"] == false) => {}
                        None => failures.push(format!(
                            "{case:?}: {from} → {to}: {what} has no answer for the move"
                        )),
                        Some(o) => {
                            if let Some(d) = differ(&check, &o) {
                                failures.push(format!(
                                    "{}: {from} → {to}: check / {what}: {d}",
                                    case.origin
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(compared > 100, "only {compared} comparisons");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn plan_into_on_fragments_is_never_compatible() {
    let g = "examples/mdclear-cluster/grep-MDCLEAR.txt";
    let args = ["plan", g, "--evc", "none", "--to-evc", "none", "--into", g];
    let o = evcalc(&args);
    let mut j = args.to_vec();
    j.push("--json");
    let p = json(&j);
    assert_ne!(p["outcome"], "compatible", "{}", p["into"]);
    assert_ne!(o.status.code(), Some(0), "{}", show(&o));
    // check of one of those moves is blocked (esxi01 shows MDCLEAR 1, esxi02 0).
    let c = json(&[
        "check", g, "--from", "esxi01", "--to", "esxi02", "--evc", "none",
    ]);
    assert_eq!(c["outcome"], "blocked");
}

fn symbol(cell: &Value) -> &'static str {
    match cell["verdict"].as_str() {
        None => "-",
        Some("compatible") => "ok",
        Some("unknown") => "ok?",
        Some("blocked") => "NO",
        Some(_) => "??",
    }
}

#[test]
fn the_host_matrix_text_shows_the_verdicts_of_the_class_matrix() {
    let mut failures = Vec::new();
    for case in cases() {
        let Some(k) = cluster(&case) else { continue };
        let n = k.names.len();
        let text = human_args(&case.args("cluster", &["--matrix", "hosts"]));
        let mut lines = text.lines().skip_while(|l| {
            let l = l.trim_start();
            !(l.starts_with("VM powered on on") || l.starts_with("# VM powered on on"))
        });
        if lines.next().is_none() {
            failures.push(format!("{}: no host matrix in\n{text}", case.origin));
            continue;
        }
        for (a, line) in lines.take(n).enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            let cells = &words[words.len().saturating_sub(n)..];
            for b in 0..n {
                let want = if a == b {
                    "-"
                } else {
                    symbol(&k.answer["matrix"][k.class[a]][k.class[b]])
                };
                if cells.get(b) != Some(&want) {
                    failures.push(format!(
                        "{}: {} → {}: the text says {:?}, the JSON {want}",
                        case.origin,
                        k.names[a],
                        k.names[b],
                        cells.get(b)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A copy of host `name`'s input file under a new name (`NAME-copy`), or `None` when the host
/// does not have a file of its own.
fn renamed_copy(k: &Cluster, i: usize) -> Option<String> {
    let name = &k.names[i];
    let source = k.answer["hosts"][i]["source"].as_str()?;
    let shared = k.answer["hosts"]
        .as_array()?
        .iter()
        .filter(|h| h["source"] == source)
        .count();
    let path = root().join(source);
    if shared != 1 || !path.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("consistency-copies");
    std::fs::create_dir_all(&dir).unwrap();
    // The host name as the file stem (CPUID dumps) and as written in the dump (vim-cmd).
    let copy = dir.join(format!("{name}-copy{ext}"));
    let renamed = text.replace(&format!("\"{name}\""), &format!("\"{name}-copy\""));
    std::fs::write(&copy, renamed).unwrap();
    Some(copy.display().to_string())
}

#[test]
fn admission_is_the_same_in_the_class_table_and_plan_add_for_every_host() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in cases() {
        let Some(k) = cluster(&case) else { continue };
        // Admission does not depend on a per-VM mode (and plan takes none).
        if k.names.len() > MAX_HOSTS || k.answer["evc"]["mode"].is_null() || case.vm_evc.is_some() {
            continue;
        }
        let evc = settled_evc(&k);
        for i in 0..k.names.len() {
            let Some(copy) = renamed_copy(&k, i) else {
                continue;
            };
            let table = &k.answer["classes"][k.class[i]]["admission"];
            let mut args = case.args("plan", &["--add", &copy]);
            if case.evc.is_none() {
                args.extend(["--evc".into(), evc.clone()]);
            }
            let p = json_args(&args);
            let added = &p["add"][0];
            compared += 1;
            if added["can_join"] != table["admitted"] {
                failures.push(format!(
                    "{}: {} under {evc}: the class table says admitted = {}, plan --add of a \
                     copy says can_join = {} ({})",
                    case.origin, k.names[i], table["admitted"], added["can_join"], p
                ));
            }
        }
    }
    assert!(compared > 20, "only {compared} comparisons");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_page_gives_the_cli_answer_for_every_case() {
    for case in cases() {
        if cluster(&case).is_none() {
            continue;
        }
        let paths: Vec<&str> = case.inputs.iter().map(String::as_str).collect();
        let mut options = Vec::new();
        let mut request = serde_json::json!({});
        if let Some(e) = &case.evc {
            options.extend(["--evc", e.as_str()]);
            request["evc"] = Value::String(e.clone());
        }
        if let Some(v) = &case.vm_evc {
            options.extend(["--vm-evc", v.as_str()]);
            request["per_vm_evc"] = Value::String(v.clone());
        }
        crate::same_answer::same(&paths, &options, request);
    }
}

/// The blockers of every move a case's check answers name, with the human text of that check.
fn checks_with_blockers(case: &Case, k: &Cluster) -> Vec<(String, Value, String)> {
    let mut out = Vec::new();
    let n = k.names.len().min(MAX_HOSTS);
    for a in 0..n {
        for b in (0..n).filter(|&b| b != a) {
            if symbol(&k.answer["matrix"][k.class[a]][k.class[b]]) != "NO" {
                continue;
            }
            let rest = ["--from", k.names[a].as_str(), "--to", k.names[b].as_str()];
            let args = case.args("check", &rest);
            let c = json_args(&args);
            let text = human_args(&args);
            out.push((format!("{} → {}", k.names[a], k.names[b]), c, text));
        }
    }
    out
}

#[test]
fn the_human_text_never_contradicts_the_json_facts() {
    let mut failures = Vec::new();
    let mut seen_masks_hide = 0;
    for case in cases() {
        let Some(k) = cluster(&case) else { continue };
        for (pair, c, text) in checks_with_blockers(&case, &k) {
            for b in c["blockers"].as_array().into_iter().flatten() {
                let key = b["key"].as_str().unwrap_or_default();
                let row = text.lines().find(|l| l.trim_start().starts_with(key));
                let masks_hide = b["raw_available"] == 1 && b["available"] == 0;
                if masks_hide {
                    seen_masks_hide += 1;
                    // Raw 1, masked 0: the CPU has it; only the masks hide it.
                    if !row.is_some_and(|r| r.contains("raw 1")) {
                        failures.push(format!(
                            "{}: {pair}: {key} raw 1 / masked 0, the row says {row:?}",
                            case.origin
                        ));
                    }
                    for wrong in ["microcode is\n", "microcode not active", "Activate the MDS"] {
                        if text.contains(wrong) {
                            failures.push(format!(
                                "{}: {pair}: {key} raw 1 / masked 0, the text says {wrong:?}",
                                case.origin
                            ));
                        }
                    }
                }
                if b["absence"] == "not-on-cpu" && text.contains("masks hide") {
                    failures.push(format!(
                        "{}: {pair}: {key} is not on the CPU, the text says its masks hide it",
                        case.origin
                    ));
                }
                if !b["vhw_too_new"].is_null() && !text.contains("Upgrade ESXi") {
                    failures.push(format!(
                        "{}: {pair}: a vHW block without the ESXi upgrade in the text",
                        case.origin
                    ));
                }
            }
        }
    }
    assert!(seen_masks_hide > 0, "no raw 1 / masked 0 case was checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// 64 hosts of both mechanisms: 40 copies of the example's esxi01 (MDCLEAR), 16 of its esxi02
/// (raw 0: microcode) and 8 of the stale-mask example's esxi02 (raw 1, masked 0), renamed.
fn fleet_of_64() -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("consistency-fleet-64");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..64 {
        let from = match i {
            0..40 => "examples/mdclear-cluster/esxi01.txt",
            40..56 => "examples/mdclear-cluster/esxi02.txt",
            _ => "examples/mdclear-stale-masks/esxi02.txt",
        };
        let text = std::fs::read_to_string(root().join(from)).unwrap();
        let old = if from.ends_with("esxi01.txt") {
            "\"esxi01\""
        } else {
            "\"esxi02\""
        };
        let text = text.replace(old, &format!("\"esx{i:02}\""));
        std::fs::write(dir.join(format!("esx{i:02}.txt")), text).unwrap();
    }
    dir.display().to_string()
}

/// The number that starts `text` (after `-  ` in the human story), if any.
fn leading_number(text: &str) -> Option<u64> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The count of hosts just before `marker` in `text`, e.g. `16` in "…: 16 hosts whose CPU …".
fn number_before(text: &str, marker: &str) -> Option<u64> {
    let head = &text[..text.find(marker)?];
    let digits: String = head
        .trim_end()
        .trim_end_matches("hosts")
        .trim_end_matches("host")
        .trim_end()
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

#[test]
fn the_story_counts_the_hosts_the_drift_counts() {
    let fleet = fleet_of_64();
    let mut all = cases();
    all.push(Case::new(
        "64 hosts, both mechanisms",
        &[&fleet],
        Some("intel-haswell"),
        None,
    ));
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in all {
        let a = json_args(&case.args("cluster", &[]));
        for line in a["story"].as_array().into_iter().flatten() {
            let line = line.as_str().unwrap_or_default();
            let Some(n) = leading_number(line) else {
                continue;
            };
            let lacking = [
                " hosts do not offer ",
                " host does not offer ",
                " hosts lack ",
                " host lacks ",
            ];
            let Some(verb) = lacking.iter().find(|v| line.contains(*v)) else {
                continue;
            };
            let after = &line[line.find(verb).unwrap() + verb.len()..];
            let key = after.split_whitespace().next().unwrap_or_default();
            let Some(d) = a["drift"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d["key"] == key)
            else {
                // The drift lists featureCapability differences: no entry means every host's CPU
                // has it, so each one the story counts must be one whose masks hide it.
                let raw0 = number_before(line, " whose CPU does not report it");
                let hidden = number_before(line, " whose CPU has it but");
                if raw0.is_some() || hidden != Some(n) {
                    failures.push(format!(
                        "{}: the story says {n} hosts lack {key} ({line}), the drift lists no \
                         featureCapability difference",
                        case.origin
                    ));
                }
                continue;
            };
            compared += 1;
            let without = d["hosts_without"].as_u64().unwrap_or(0);
            let hidden = d["hosts_hidden"].as_u64().unwrap_or(0);
            if n != without + hidden {
                failures.push(format!(
                    "{}: the story says {n} hosts lack {key}, the drift {without} missing + {hidden} \
                     hidden ({})",
                    case.origin, d["summary"]
                ));
            }
            if let Some(m) = number_before(line, " whose CPU does not report it")
                && m != without
            {
                failures.push(format!(
                    "{}: story {m} vs drift {without} (raw 0)",
                    case.origin
                ));
            }
            if let Some(m) = number_before(line, " whose CPU has it but")
                && m != hidden
            {
                failures.push(format!(
                    "{}: story {m} vs drift {hidden} (masks)",
                    case.origin
                ));
            }
        }
    }
    assert!(compared >= 5, "only {compared} story lines compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The vendors of a case's host classes (`intel`, `amd`).
fn vendors(a: &Value) -> BTreeSet<String> {
    a["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["report"]["vendor"].as_str().map(str::to_string))
        .collect()
}

/// What an answer's remedies say, with the VM groups each names.
fn remedy_texts(remedies: &Value) -> Vec<(String, String, Vec<String>)> {
    remedies
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["rule"].as_str().unwrap_or("").to_string(),
                r["action"].as_str().unwrap_or("").to_string(),
                r["vms"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            )
        })
        .collect()
}

/// Remedy rules that act on the cluster's EVC mode.
const CLUSTER_MODE_RULES: [&str; 2] = ["generation", "mode-hides"];

/// What a remedy must never say given an answer's facts; the failures found.
fn remedy_contradictions(
    origin: &str,
    what: &str,
    a: &Value,
    remedies: &Value,
    strict: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let evc_off = a["evc"]["mode"].is_null();
    let vendors = vendors(a);
    for b in a["blockers"].as_array().into_iter().flatten() {
        // A vHW block is fixed by the destination's ESXi, nothing else.
        if !b["vhw_too_new"].is_null() && b["remedy"] != "vhw" {
            out.push(format!(
                "{origin}: {what}: a vHW block with remedy {}",
                b["remedy"]
            ));
        }
        // A per-VM mask is the VM's own: only changing the VM's mode fixes it.
        if b["absence"] == "per-vm-mask" && b["remedy"] != "per-vm-mask" {
            out.push(format!(
                "{origin}: {what}: {} required by a per-VM mask gets remedy {}",
                b["key"], b["remedy"]
            ));
        }
        if evc_off && CLUSTER_MODE_RULES.iter().any(|r| b["remedy"] == *r) {
            out.push(format!(
                "{origin}: {what}: EVC is off, yet {} gets remedy {}",
                b["key"], b["remedy"]
            ));
        }
    }
    // The VM groups of a maintenance plan and the highest vHW each stands for.
    let mut top_vhw: BTreeMap<String, u64> = BTreeMap::new();
    for g in a["plan"]["vms"].as_array().into_iter().flatten() {
        let hi = g["destinations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["vhw_band"][1].as_u64())
            .max();
        if let (Some(name), Some(hi)) = (g["vm"].as_str(), hi) {
            top_vhw.insert(name.to_string(), hi);
        }
    }
    // The hosts whose ESXi cannot run a VM group's virtual hardware.
    let host_name = |i: &Value| a["hosts"][i.as_u64().unwrap_or(0) as usize]["name"].clone();
    let mut vhw_blocked: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for g in a["plan"]["vms"].as_array().into_iter().flatten() {
        for d in g["destinations"].as_array().into_iter().flatten() {
            let vhw =
                d["blockers"].as_array().into_iter().flatten().any(|i| {
                    !a["blockers"][i.as_u64().unwrap_or(0) as usize]["vhw_too_new"].is_null()
                });
            if !vhw {
                continue;
            }
            let members: Vec<Value> = match d["hosts"].as_array() {
                Some(h) => h.clone(),
                None => a["classes"][d["class"].as_u64().unwrap_or(0) as usize]["hosts"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            };
            vhw_blocked
                .entry(g["vm"].as_str().unwrap_or_default().to_string())
                .or_default()
                .extend(
                    members
                        .iter()
                        .filter_map(|i| host_name(i).as_str().map(str::to_string)),
                );
        }
    }
    for r in remedies.as_array().into_iter().flatten() {
        // Never "power it on on H" where H's ESXi cannot run the VM's virtual hardware.
        let action = r["action"].as_str().unwrap_or_default();
        if r["scope"] != "vms" || !action.starts_with("Power off") {
            continue;
        }
        for vm in r["vms"].as_array().into_iter().flatten() {
            let Some(blocked) = vm.as_str().and_then(|v| vhw_blocked.get(v)) else {
                continue;
            };
            for h in r["hosts"].as_array().into_iter().flatten() {
                if h.as_str().is_some_and(|h| blocked.contains(h)) {
                    out.push(format!(
                        "{origin}: {what}: powers {vm} on on {h}, whose ESXi cannot run its \
                         virtual hardware: {action}"
                    ));
                }
            }
        }
    }
    for (rule, action, vms) in remedy_texts(remedies) {
        let lower = action.to_lowercase();
        if evc_off
            && (lower.contains("lower the cluster evc") || lower.contains("raise the cluster"))
        {
            out.push(format!("{origin}: {what}: EVC is off, yet: {action}"));
        }
        if CLUSTER_MODE_RULES.contains(&rule.as_str()) && evc_off {
            out.push(format!("{origin}: {what}: EVC is off, yet rule {rule}"));
        }
        for (vendor, other) in [("intel", "amd-"), ("amd", "intel-")] {
            if vendors.len() == 1 && vendors.contains(vendor) && lower.contains(other) {
                out.push(format!(
                    "{origin}: {what}: {vendor} hosts only, yet: {action}"
                ));
            }
        }
        // Per-VM EVC needs virtual hardware 14: never for a group that is all below it, unless
        // the action itself restricts it to vmx-14 and later (`strict`: never listed at all).
        if lower.contains("per-vm evc") && (strict || !lower.contains("vmx-14 and later")) {
            for vm in &vms {
                if top_vhw.get(vm).is_some_and(|&hi| hi < 14) {
                    out.push(format!(
                        "{origin}: {what}: per-VM EVC proposed for {vm} (vmx-{} at most)",
                        top_vhw[vm]
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn remedies_never_contradict_the_facts() {
    remedies_checked(false);
}

#[test]
fn per_vm_evc_remedies_never_list_groups_below_vmx_14() {
    remedies_checked(true);
}

fn remedies_checked(strict: bool) {
    let mut failures = Vec::new();
    let mut answers = 0;
    for case in cases() {
        let Some(k) = cluster(&case) else { continue };
        failures.extend(remedy_contradictions(
            &case.origin,
            "cluster",
            &k.answer,
            &Value::Array(
                k.answer["maintenance"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|m| m["remedies"].as_array().cloned().unwrap_or_default())
                    .collect(),
            ),
            strict,
        ));
        for a in 0..k.names.len().min(MAX_HOSTS) {
            let m = json_args(&case.args("maintenance", &["--host", &k.names[a]]));
            answers += 1;
            let what = format!("maintenance --host {}", k.names[a]);
            failures.extend(remedy_contradictions(
                &case.origin,
                &what,
                &m,
                &m["plan"]["remedies"],
                strict,
            ));
        }
        for (pair, c, _) in checks_with_blockers(&case, &k) {
            answers += 1;
            failures.extend(remedy_contradictions(
                &case.origin,
                &format!("check {pair}"),
                &c,
                &c["remedies"],
                strict,
            ));
        }
    }
    // Every scenario's own question (with its --vm, --only, bundle …) as asked.
    for s in crate::scenarios::all() {
        let sub = s.args[0].as_str();
        if !["check", "maintenance", "cluster"].contains(&sub) {
            continue;
        }
        let a = json_args(&s.args);
        answers += 1;
        let remedies = match sub {
            "check" => a["remedies"].clone(),
            "maintenance" => a["plan"]["remedies"].clone(),
            _ => Value::Array(
                a["maintenance"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|m| m["remedies"].as_array().cloned().unwrap_or_default())
                    .collect(),
            ),
        };
        failures.extend(remedy_contradictions(
            &format!("scenario {}", s.name),
            sub,
            &a,
            &remedies,
            strict,
        ));
    }
    assert!(answers > 50, "only {answers} answers");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_vendor_mismatch_is_never_fixed_by_an_evc_mode() {
    let case = Case::new(
        "AMD and Intel",
        &[
            &format!("{I}/AuthenticAMD0830F10_K17_Rome_CPUID.txt"),
            &format!("{I}/GenuineIntel00206D5_SandyBridgeEP_CPUID.txt"),
        ],
        Some("none"),
        None,
    );
    let k = cluster(&case).unwrap();
    assert_eq!(vendors(&k.answer).len(), 2);
    let mut said = Vec::new();
    for m in k.answer["maintenance"].as_array().into_iter().flatten() {
        for (_, action, _) in remedy_texts(&m["remedies"]) {
            said.push(action);
        }
    }
    said.extend(
        k.answer["headline"]["next"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string)),
    );
    let wrong: Vec<&String> = said
        .iter()
        .filter(|a| a.to_lowercase().contains("enable evc"))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
#[ignore = "bug: a real VM whose dump does not give its virtual hardware (vim-cmd vmsvc/get.runtime), powered on on ESXi 6.7, is 'compatible' on an ESXi 6.5 host; its vHW may be 14 or 15, which 6.5 cannot run, so the move is unknown, not proven"]
fn a_real_vm_of_unknown_vhw_is_not_proven_on_an_older_esxi() {
    let m = json(&[
        "maintenance",
        "examples/mdclear-cluster/esxi01.txt",
        "tests/scenarios/vhw-too-new/esxi65.txt",
        "--host",
        "esxi01",
        "--evc",
        "intel-haswell",
        "--vm",
        "examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt",
    ]);
    assert_eq!(m["plan"]["vms"][0]["real_vm"], true);
    assert_ne!(
        m["plan"]["vms"][0]["verdict"], "compatible",
        "{}",
        m["plan"]
    );
}
