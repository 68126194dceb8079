//! Issue 10's verdict tests on the binary: unknown exits 3 on check, cluster and maintenance;
//! fragments after the fix never exit 1; a host without featureCapability is never compatible;
//! above 2,000 hosts, drift that blocks vMotion exits 1.

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

fn write(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("honest");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn block(value: &str) -> String {
    format!(
        "         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"{value}\"\n      }},\n"
    )
}

/// The field report's own check: one block per host.
fn single_block_transcript() -> String {
    let mut t = String::new();
    for (h, v) in [
        ("esxi01", "1"),
        ("esxi02", "0"),
        ("esxi03", "0"),
        ("esxi04", "0"),
    ] {
        t.push_str(&format!(
            "[root@{h}:~] vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR\n"
        ));
        t.push_str(&block(v));
    }
    t
}

/// Both blocks per host, all "1": after the fix.
fn fixed_transcript() -> String {
    let mut t = String::new();
    for h in ["esxi01", "esxi02", "esxi03", "esxi04"] {
        t.push_str(&format!(
            "[root@{h}:~] vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear\n"
        ));
        t.push_str(&block("1"));
        t.push_str("--\n");
        t.push_str(&block("1"));
    }
    t
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn unknown_exits_3_on_check_cluster_and_maintenance() {
    let f = write("single.txt", &single_block_transcript());
    let o = evcalc(&[
        "check", &f, "--from", "esxi01", "--to", "esxi02", "--evc", "haswell",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let o = evcalc(&["cluster", &f, "--evc", "haswell"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let o = evcalc(&["maintenance", &f, "--host", "esxi01", "--evc", "haswell"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        !out.lines().next().unwrap_or_default().contains("cannot"),
        "{out}"
    );
    assert!(
        out.contains("vsish"),
        "names the commands that decide: {out}"
    );
    // nagios: unknown → 3
    let o = evcalc(&["--exit-codes", "nagios", "cluster", &f, "--evc", "haswell"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
}

#[test]
fn fragments_after_the_fix_never_exit_1() {
    let f = write("fixed.txt", &fixed_transcript());
    for args in [
        vec!["cluster", f.as_str(), "--evc", "haswell"],
        vec![
            "maintenance",
            f.as_str(),
            "--host",
            "esxi01",
            "--evc",
            "haswell",
        ],
    ] {
        let o = evcalc(&args);
        assert_ne!(o.status.code(), Some(1), "{}", show(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            !out.contains("cannot be fully evacuated") && !out.contains("cannot move"),
            "{out}"
        );
        let mut only = args.clone();
        only.extend(["--only", "MDCLEAR"]);
        let o = evcalc(&only);
        assert_eq!(
            o.status.code(),
            Some(0),
            "--only MDCLEAR after the fix: {}",
            show(&o)
        );
    }
}

#[test]
fn a_host_without_featurecapability_is_never_compatible() {
    let full = std::fs::read_to_string(root().join("examples/mdclear-cluster/esxi02.txt")).unwrap();
    let cut = &full[..full.find("   featureCapability = ").expect("the list")];
    let f = write("esxi05.txt", cut);
    let o = evcalc(&[
        "check",
        "examples/mdclear-cluster/esxi01.txt",
        &f,
        "--from",
        "esxi01",
        "--to",
        "esxi02",
        "--evc",
        "haswell",
        "--json",
    ]);
    assert_ne!(o.status.code(), Some(0), "{}", show(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains("\"verdict\": \"compatible\""), "{text}");
    let o = evcalc(&["host", &f]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!all.contains("lacks cpuid.Intel"), "{all}");
}

#[test]
fn above_2000_hosts_blocking_drift_exits_1() {
    let mut t = String::new();
    for i in 0..2001 {
        let v = if i == 0 { "1" } else { "0" };
        t.push_str(&format!(
            "[root@esx{i:04}:~] vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear\n"
        ));
        t.push_str(&block(v));
        t.push_str("--\n");
        t.push_str(&block(v));
    }
    let f = write("fleet.txt", &t);
    let o = evcalc(&["cluster", &f, "--evc", "haswell", "--json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
