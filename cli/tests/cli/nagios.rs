//! `--exit-codes nagios`: the Nagios/Icinga status line (first line of stdout, with performance
//! data) and the human report as long output, for each exit code, on the bundled example
//! (`examples/mdclear-cluster/`: esxi01 reports cpuid.MDCLEAR = 1, esxi02–04 report 0).

use std::io::Write;
use std::process::{Command, Output, Stdio};

#[allow(unused_imports)]
use crate::common::*;

const X: &str = "examples/mdclear-cluster";
const HOSTS: [&str; 4] = [
    "examples/mdclear-cluster/esxi01.txt",
    "examples/mdclear-cluster/esxi02.txt",
    "examples/mdclear-cluster/esxi03.txt",
    "examples/mdclear-cluster/esxi04.txt",
];

/// `evcalc <question> esxi01..04 <rest> --exit-codes nagios`.
fn nagios(question: &str, rest: &[&str]) -> Output {
    let mut args = vec![question];
    args.extend(HOSTS);
    args.extend(rest);
    args.extend(["--exit-codes", "nagios"]);
    evcalc(&args)
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        stdout(o),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The status line, checked for the plugin format: `EVC STATE - text[ | label=value …]`, one
/// line, at most 200 characters, the only `|` of the whole output.
fn status(o: &Output) -> String {
    let out = stdout(o);
    let first = out.lines().next().unwrap_or_default().to_string();
    assert!(first.starts_with("EVC "), "{}", show(o));
    assert!(
        first.chars().count() <= 200,
        "{} chars: {first}",
        first.chars().count()
    );
    assert!(
        out.matches('|').count() <= 1,
        "a `|` in the long output would be read as performance data:\n{out}"
    );
    if let Some((_, perf)) = first.split_once(" | ") {
        for item in perf.split(' ') {
            let (label, value) = item.split_once('=').expect(item);
            assert!(
                !label.is_empty() && label.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{item}"
            );
            assert!(value.parse::<u64>().is_ok(), "{item}");
        }
    }
    assert!(!o.stderr.contains(&b'\x1b') && !o.stdout.contains(&b'\x1b'));
    first
}

/// The long output is the command's human report (with `|` written as `¦`).
fn long_output_is_the_report(o: &Output, question: &str, rest: &[&str]) {
    let mut args = vec![question];
    args.extend(HOSTS);
    args.extend(rest);
    args.extend(["--color", "never"]);
    let plain = stdout(&evcalc(&args));
    let out = stdout(o);
    let (_, long) = out.split_once('\n').expect("a status line and long output");
    assert_eq!(long, plain.replace('|', "¦"));
    assert!(!long.is_empty());
}

#[test]
fn ok_maintenance_of_an_evacuable_host() {
    let rest = ["--host", "esxi02", "--evc", "intel-haswell"];
    let o = nagios("maintenance", &rest);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC OK - esxi02 can be evacuated: every VM has a proven destination (3 hosts under \
         intel-haswell) | blocked=0 unknown=0 destinations=3 hosts=4 classes=2"
    );
    long_output_is_the_report(&o, "maintenance", &rest);
}

#[test]
fn ok_check_and_cluster() {
    let o = nagios(
        "check",
        &[
            "--from",
            "esxi02",
            "--to",
            "esxi03",
            "--evc",
            "intel-haswell",
        ],
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    let line = status(&o);
    assert!(
        line.starts_with("EVC OK - esxi02 → esxi03 possible under intel-haswell ("),
        "{line}"
    );
    assert!(
        line.contains(" | blocked=0 unknown=0 requirements="),
        "{line}"
    );

    let o = evcalc(&[
        "cluster",
        HOSTS[1],
        HOSTS[2],
        "--evc",
        "intel-haswell",
        "--exit-codes",
        "nagios",
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC OK - all 2 moves between 2 hosts proven under intel-haswell | blocked=0 unknown=0 \
         moves=2 hosts=2 classes=1 not_evacuable=0 vms=0"
    );
}

#[test]
fn critical_maintenance_names_the_worst_finding() {
    let rest = ["--host", "esxi01", "--evc", "intel-haswell"];
    let o = nagios("maintenance", &rest);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC CRITICAL - esxi01: VMs of vmx-9+ cannot leave: cpuid.MDCLEAR missing on esxi02–04 \
         (microcode not active) | blocked=3 unknown=0 destinations=3 hosts=4 classes=2"
    );
    // The remedies quote `vim-cmd … | grep …`: in the long output the pipe is `¦`.
    assert!(stdout(&o).contains("vim-cmd hostsvc/hostconfig ¦ grep -i -A 2 mdclear"));
    long_output_is_the_report(&o, "maintenance", &rest);
}

#[test]
fn critical_maintenance_with_real_vms_counts_them() {
    let o = evcalc(&[
        "maintenance",
        X,
        "--host",
        "esxi01",
        "--evc",
        "intel-haswell",
        "--exit-codes",
        "nagios",
    ]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC CRITICAL - esxi01: 1 VM cannot leave: cpuid.MDCLEAR missing on esxi02–04 (microcode \
         not active) | blocked=3 unknown=0 destinations=3 hosts=4 classes=3 vms=1 vms_blocked=1 \
         vms_unknown=0"
    );
}

#[test]
fn critical_cluster_and_check() {
    let o = nagios("cluster", &["--evc", "intel-haswell"]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC CRITICAL - 3 of 12 moves blocked, from esxi01: cpuid.MDCLEAR missing on esxi02–04 \
         (microcode not active) | blocked=3 unknown=0 moves=12 hosts=4 classes=2 \
         not_evacuable=1 vms=0"
    );
    long_output_is_the_report(&o, "cluster", &["--evc", "intel-haswell"]);

    let o = nagios(
        "check",
        &[
            "--from",
            "esxi01",
            "--to",
            "esxi02",
            "--evc",
            "intel-haswell",
        ],
    );
    assert_eq!(code(&o), 2, "{}", show(&o));
    let line = status(&o);
    assert!(
        line.starts_with(
            "EVC CRITICAL - esxi01 → esxi02 blocked for vmx-9+ VMs: cpuid.MDCLEAR missing \
             (microcode not active) | blocked=1 unknown=0 requirements="
        ),
        "{line}"
    );
}

#[test]
fn unknown_when_not_everything_is_proven() {
    // Without --evc the mode is an assumption: nothing is proven (grep exit 3).
    let o = nagios("maintenance", &["--host", "esxi02"]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC UNKNOWN - esxi02: evacuation not proven: EVC mode assumed (intel-haswell), give \
         --evc | blocked=0 unknown=0 destinations=3 hosts=4 classes=2"
    );
    long_output_is_the_report(&o, "maintenance", &["--host", "esxi02"]);

    let o = nagios("check", &["--from", "esxi02", "--to", "esxi03"]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    let line = status(&o);
    assert!(
        line.starts_with(
            "EVC UNKNOWN - esxi02 → esxi03 not proven: EVC mode assumed (intel-haswell), give \
             --evc | blocked=0 unknown=0"
        ),
        "{line}"
    );

    let o = evcalc(&["cluster", HOSTS[1], HOSTS[2], "--exit-codes", "nagios"]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    assert!(
        status(&o).starts_with(
            "EVC UNKNOWN - 2 of 2 moves not proven: EVC mode assumed (intel-haswell), give --evc |"
        ),
        "{}",
        show(&o)
    );

    // grep fragments only: the moves cannot be verified.
    let o = evcalc(&[
        "maintenance",
        "examples/mdclear-cluster/grep-MDCLEAR.txt",
        "--host",
        "esxi02",
        "--evc",
        "intel-haswell",
        "--exit-codes",
        "nagios",
    ]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    let line = status(&o);
    assert!(
        line.starts_with("EVC UNKNOWN - esxi02: evacuation not proven: "),
        "{line}"
    );
    assert!(
        line.contains(" | blocked=0 unknown=3 destinations=3"),
        "{line}"
    );
}

#[test]
fn unknown_on_bad_input_and_usage() {
    // A host that is not loaded (usage, grep exit 2).
    let o = nagios(
        "maintenance",
        &["--host", "esxi09", "--evc", "intel-haswell"],
    );
    assert_eq!(code(&o), 3, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC UNKNOWN - --host esxi09: no host of that name and no such file; loaded hosts: \
         esxi01, esxi02, esxi03, esxi04"
    );
    // A missing file.
    let o = evcalc(&["cluster", "no-such-dir/", "--exit-codes", "nagios"]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC UNKNOWN - cannot read no-such-dir/: no such file or directory"
    );
    // An unreadable input (binary data), with its position.
    let dir = std::env::temp_dir().join(format!("evcalc-nagios-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, b"garbage\0").unwrap();
    let o = evcalc(&[
        "maintenance",
        bad.to_str().unwrap(),
        HOSTS[1],
        "--host",
        "esxi02",
        "--exit-codes",
        "nagios",
    ]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    let line = status(&o);
    assert!(
        line.starts_with(&format!("EVC UNKNOWN - {}:1:8: binary data", bad.display())),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    // A usage error clap finds (before any command runs).
    let o = nagios("maintenance", &["--hots", "esxi01"]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    assert_eq!(
        status(&o),
        "EVC UNKNOWN - unexpected argument '--hots' found"
    );
}

#[test]
fn json_stays_json() {
    // --json with --exit-codes nagios: stdout is the JSON answer (no status line), the exit
    // code is Nagios's.
    let o = nagios(
        "maintenance",
        &["--host", "esxi01", "--evc", "intel-haswell", "--json"],
    );
    assert_eq!(code(&o), 2, "{}", show(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["outcome"], "blocked");
    let o = nagios("maintenance", &["--host", "esxi09", "--json"]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["errors"].is_array());
    let o = nagios("maintenance", &["--hots", "x", "--json"]);
    assert_eq!(code(&o), 3, "{}", show(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["errors"].is_array());
}

#[test]
fn standard_input_is_read_once() {
    // The finding comes from a second (JSON) pass over the inputs; standard input cannot be
    // read twice, so the line names the state only.
    let mut child = Command::new(env!("CARGO_BIN_EXE_evcalc"))
        .args([
            "maintenance",
            "-",
            HOSTS[1],
            HOSTS[2],
            HOSTS[3],
            "--host",
            "esxi01",
            "--evc",
            "intel-haswell",
            "--exit-codes",
            "nagios",
        ])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(root().join(HOSTS[0])).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert_eq!(status(&o), "EVC CRITICAL - maintenance: blocked");
    assert!(stdout(&o).contains("esxi01 cannot be fully evacuated"));
}

#[test]
fn other_commands_get_a_generic_line() {
    let o = nagios("host", &[]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(status(&o), "EVC OK - host: ok (4 hosts) | hosts=4");
    let o = evcalc(&["modes", "--exit-codes", "nagios"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        status(&o).starts_with("EVC OK - modes: ok ("),
        "{}",
        show(&o)
    );
    let o = nagios("plan", &["--evc", "intel-haswell", "--remove", "esxi01"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(status(&o).starts_with("EVC OK - plan: ok"), "{}", show(&o));
}

#[test]
fn grep_codes_print_no_status_line() {
    let o = evcalc(&[
        "maintenance",
        HOSTS[0],
        HOSTS[1],
        "--host",
        "esxi01",
        "--evc",
        "intel-haswell",
    ]);
    assert_eq!(code(&o), 1);
    assert!(!stdout(&o).starts_with("EVC "));
}
