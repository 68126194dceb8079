//! Input plumbing of the `evcalc` binary (issue 10, items 4–6): bounded reads of files and
//! streams, `-` for standard input, directories that skip what is not an input, JSON for every
//! exit-2 path, `--exit-codes nagios`, EVC mode names, messages that name the offending character.
//! No timing assertions: `scripts/bounded-memory.sh` measures time and memory.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[allow(unused_imports)]
use crate::common::*;

fn evcalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evcalc"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run evcalc")
}

/// A fresh directory under the target directory (no temp-file crate needed).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("inputs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn a_sparse_file_above_the_cap_is_refused_before_reading() {
    let dir = scratch("sparse");
    let big = dir.join("huge.txt");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(1 << 30))
        .expect("sparse file");
    let o = evcalc(&["host", p(&big)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("huge.txt: the file is 1024 MB; evcalc reads at most 64 MB"),
        "{}",
        stderr(&o)
    );
    let o = evcalc(&["host", "--json", p(&big)]);
    assert_eq!(code(&o), 2);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("64 MB"),
        "{v}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg(unix)]
fn an_endless_fifo_is_refused_after_the_cap() {
    let dir = scratch("fifo");
    let fifo = dir.join("endless");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    // A writer that never stops: it ends with EPIPE once evcalc closes the FIFO.
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&writer_path) {
            let chunk = vec![b'y'; 1 << 16];
            while f.write_all(&chunk).is_ok() {}
        }
    });
    let o = evcalc(&["host", p(&fifo)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("more than 64 MB from this stream"),
        "{}",
        stderr(&o)
    );
    writer.join().expect("writer thread");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dash_is_standard_input() {
    let text =
        std::fs::read(root().join("examples/mdclear-cluster/grep-MDCLEAR.txt")).expect("example");
    let mut child = Command::new(env!("CARGO_BIN_EXE_evcalc"))
        .args(["host", "--json", "-"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn evcalc");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&text)
        .expect("write stdin");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let hosts: Vec<&str> = v["inputs"][0]["hosts"]
        .as_array()
        .expect("hosts")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(hosts, ["esxi01", "esxi02", "esxi03", "esxi04"], "{v}");
}

#[test]
fn directories_skip_what_is_not_an_input_with_one_warning() {
    let dir = scratch("dir");
    for h in ["esxi01", "esxi02"] {
        std::fs::copy(
            root().join(format!("examples/mdclear-cluster/{h}.txt")),
            dir.join(format!("{h}.txt")),
        )
        .expect("copy");
    }
    std::fs::write(dir.join("INDEX.tsv"), "file\thost\nesxi01.txt\tesxi01\n").expect("write");
    std::fs::write(
        dir.join("NOTES.txt"),
        "collected on Monday after the reboot\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("esxi01.txt:Zone.Identifier"),
        "[ZoneTransfer]\r\nZoneId=3\r\n",
    )
    .expect("write");
    std::fs::write(dir.join("photo.jpg"), b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01").expect("write");
    let o = evcalc(&["cluster", p(&dir), "--evc", "haswell"]);
    assert_eq!(code(&o), 1, "esxi01 → esxi02 is blocked: {}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("skipped").count(), 1, "{err}");
    assert!(err.contains("skipped 4 files"), "{err}");
    for name in ["INDEX.tsv", "NOTES.txt", "Zone.Identifier", "photo.jpg"] {
        assert!(err.contains(name), "{name}: {err}");
    }
    // Named on the command line, the same file stays an error.
    let o = evcalc(&["host", p(&dir.join("NOTES.txt"))]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_print_json_under_json() {
    let o = evcalc(&[
        "cluster",
        "--json",
        "--no-such-option",
        "examples/mdclear-cluster",
    ]);
    assert_eq!(code(&o), 2);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--no-such-option"),
        "{v}"
    );
    let o = evcalc(&[
        "check",
        "--json",
        "examples/mdclear-cluster",
        "--from",
        "esxi01",
    ]);
    assert_eq!(code(&o), 2);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert!(v["errors"].as_array().is_some_and(|a| !a.is_empty()), "{v}");
    let o = evcalc(&[
        "cluster",
        "--json",
        "examples/mdclear-cluster",
        "--evc",
        "greyhound",
    ]);
    assert_eq!(code(&o), 2);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let message = v["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("did you mean `amd-greyhound-no3dnow` or `amd-greyhound`"),
        "{message}"
    );
}

#[test]
fn nagios_exit_codes() {
    let hosts = [
        "examples/mdclear-cluster/esxi01.txt",
        "examples/mdclear-cluster/esxi02.txt",
    ];
    let o = evcalc(&["cluster", hosts[0], hosts[1], "--evc", "intel-haswell"]);
    assert_eq!(code(&o), 1, "blocked: {}", stderr(&o));
    let o = evcalc(&[
        "--exit-codes",
        "nagios",
        "cluster",
        hosts[0],
        hosts[1],
        "--evc",
        "haswell",
    ]);
    assert_eq!(code(&o), 2, "blocked is CRITICAL: {}", stderr(&o));
    let o = evcalc(&["cluster", "--exit-codes=nagios", "no-such-file.txt"]);
    assert_eq!(code(&o), 3, "bad input is UNKNOWN");
    let o = evcalc(&["cluster", "--exit-codes", "nagios", "--no-such-option"]);
    assert_eq!(code(&o), 3, "usage errors are UNKNOWN");
    let help = stdout_of(&evcalc(&["--help"]));
    assert!(
        help.contains("--exit-codes") && help.contains("nagios"),
        "{help}"
    );
}

fn stdout_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn messages_name_the_offending_character() {
    let dir = scratch("chars");
    let smart = dir.join("smart.txt");
    std::fs::write(
        &smart,
        "(vim.host.ConfigInfo) {\n   featureCapability = (vim.host.FeatureCapability) [\n      (vim.host.FeatureCapability) {\n         key = \"cpuid.SSE3\",\n         value = \u{201c}1\",\n      }\n   ]\n}\n",
    )
    .expect("write");
    let o = evcalc(&["host", p(&smart)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("smart.txt:5:18: error: U+201C LEFT DOUBLE QUOTATION MARK"),
        "{}",
        stderr(&o)
    );
    let nbsp = dir.join("esxi01-config.txt");
    std::fs::write(&nbsp, "featMask.evc.cpuid.SSE3\u{a0}= \"Val:1\"\n").expect("write");
    let o = evcalc(&["host", p(&nbsp), "examples/mdclear-cluster/esxi01.txt"]);
    assert!(
        stderr(&o).contains("U+00A0 NO-BREAK SPACE at line 1, column 24"),
        "{}",
        stderr(&o)
    );
    let binary = dir.join("dump.bin");
    std::fs::write(&binary, b"(vim.host.ConfigInfo) {\n\0\0\x01\x02binary\n").expect("write");
    let o = evcalc(&["host", p(&binary)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("dump.bin:2:1: error: binary data: a NUL byte"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 11: a 64-host cluster tells its story in under 60 lines of at most 100 columns, and the
/// warnings of a fleet are capped (the rest counted). 56 copies of the example's esxi01 (MDCLEAR
/// offered) and 8 of esxi02 (not offered), under EVC Haswell.
#[test]
fn a_64_host_cluster_fits_the_screen() {
    let dir = scratch("h64");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/mdclear-cluster");
    for i in 0..64 {
        let from = if i < 56 { "esxi01.txt" } else { "esxi02.txt" };
        std::fs::copy(root.join(from), dir.join(format!("esx{i:02}.txt"))).expect("copy");
    }
    let o = evcalc(&["cluster", p(&dir), "--evc", "haswell"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout_of(&o);
    assert!(
        out.lines().count() < 60,
        "{} lines:\n{out}",
        out.lines().count()
    );
    assert!(
        out.lines().all(|l| l.chars().count() <= 100),
        "lines over 100 columns:\n{out}"
    );
    assert!(
        out.contains("8 hosts do not offer cpuid.MDCLEAR"),
        "the story's finding:\n{out}"
    );
    assert!(out.contains("missing on 8 of 64 hosts: class B"), "{out}");
    // 63 renamed-host warnings: 25 shown, the rest counted.
    let err = stderr(&o);
    assert!(err.lines().count() <= 26, "{err}");
    assert!(
        err.contains("more warnings (--json lists every one)"),
        "{err}"
    );
}

/// Issue 11: 94 real CPUID dumps of 2005–2024 (74 classes, Intel and AMD, no common EVC mode) —
/// the human report stays readable: moves and the matrix name classes by letter, the story
/// counts what it does not list, every line fits 100 columns.
#[test]
fn many_classes_stay_readable() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/cpuid");
    let dirs: Vec<PathBuf> = ["instlatx64", "libcpuid", "libvirt"]
        .iter()
        .map(|d| data.join(d))
        .collect();
    let mut args = vec!["cluster"];
    args.extend(dirs.iter().map(|d| p(d)));
    let o = evcalc(&args);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout_of(&o);
    let too_wide: Vec<&str> = out.lines().filter(|l| l.chars().count() > 100).collect();
    assert!(too_wide.is_empty(), "lines over 100 columns: {too_wide:#?}");
    assert!(out.lines().count() < 800, "{} lines", out.lines().count());
    assert!(out.contains("classes of identical CPU features"), "{out}");
    assert!(
        out.contains("more features that block vMotion differ between the hosts"),
        "the story counts the drift it does not list:\n{out}"
    );
    assert!(out.contains("cannot move to classes "), "{out}");
}

/// `check --vm DIR` with several VM dumps is refused (exit 2, both named), not cut to the first.
#[test]
fn check_vm_directory_with_several_vms_is_refused() {
    let dir = scratch("vms2");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/mdclear-cluster");
    for f in [
        "vm-app01-on-esxi01.runtime.txt",
        "vm-db02-on-esxi02.runtime.txt",
    ] {
        std::fs::copy(root.join(f), dir.join(f)).expect("copy");
    }
    let hosts = root.join("esxi01.txt");
    let dest = root.join("esxi02.txt");
    let o = evcalc(&[
        "check",
        p(&hosts),
        p(&dest),
        "--to",
        "esxi02",
        "--vm",
        p(&dir),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("holds 2 VM dumps"), "{err}");
    assert!(
        err.contains("vm-app01-on-esxi01") && err.contains("vm-db02-on-esxi02"),
        "{err}"
    );
}
