//! Tests as data (issue 19 item 7): every `tests/scenarios/<name>/cmd` is one evcalc command line,
//! run by the built binary from the repository root; its human output (`--color never`, stderr
//! after a `--- stderr ---` line, the exit code last) and its `--json` output are the insta
//! snapshots `human.snap` and `json.snap` beside it. A snapshot no scenario produces fails
//! (`no_orphaned_snapshots`).
//!
//! Add a scenario: a directory with a `cmd` file (and a README line saying what it shows and,
//! for edited copies of real dumps, where they come from), then
//! `INSTA_UPDATE=always cargo test -p evcalc-cli --test cli scenarios` and review
//! `git diff tests/scenarios/`. `INSTA_GLOB_FILTER='<name>/*'` runs one scenario. `CI=true` fails
//! on any change instead of writing `.snap.new` files.
//!
//! The `cmd` format: `#` starts a comment line; the other lines are the arguments after `evcalc`,
//! split on whitespace, with `'…'` or `"…"` quoting a word that contains spaces. Paths are
//! relative to the repository root (a scenario's own inputs: `tests/scenarios/<name>/FILE`).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

#[allow(unused_imports)]
use crate::common::*;

/// Where the scenarios live, relative to the repository root.
pub const SCENARIOS: &str = "tests/scenarios";

/// The snapshots a scenario directory holds.
const SNAPSHOTS: [&str; 2] = ["human.snap", "json.snap"];

/// One scenario: its directory name and its evcalc arguments.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub args: Vec<String>,
}

/// Splits a `cmd` file into arguments (see the module documentation).
pub fn parse_cmd(text: &str) -> Vec<String> {
    let mut args = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut word = String::new();
        let mut in_word = false;
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '\'' | '"') => {
                    quote = Some(c);
                    in_word = true;
                }
                (None, c) if c.is_whitespace() => {
                    if in_word {
                        args.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                (None, c) => {
                    word.push(c);
                    in_word = true;
                }
            }
        }
        assert!(quote.is_none(), "unterminated quote in `{line}`");
        if in_word {
            args.push(word);
        }
    }
    args
}

/// Every scenario, sorted by name.
pub fn all() -> Vec<Scenario> {
    let dir = root().join(SCENARIOS);
    let mut out: Vec<Scenario> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cmd").is_file())
        .map(|p| Scenario {
            name: p.file_name().unwrap().to_string_lossy().into_owned(),
            args: parse_cmd(&std::fs::read_to_string(p.join("cmd")).unwrap()),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Replaces machine-dependent text (the repository's absolute path) with a placeholder.
fn redact(text: &str) -> String {
    let mut out = text.to_owned();
    for dir in [root().canonicalize().unwrap(), root()] {
        let dir = dir.to_string_lossy().into_owned();
        out = out
            .replace(&format!("{dir}/"), "[ROOT]/")
            .replace(&dir, "[ROOT]");
    }
    out
}

fn redact_value(v: &mut Value) {
    match v {
        Value::String(s) => *s = redact(s),
        Value::Array(a) => a.iter_mut().for_each(redact_value),
        Value::Object(o) => o.values_mut().for_each(redact_value),
        _ => {}
    }
}

fn run(args: &[String], extra: &[&str]) -> Output {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend_from_slice(extra);
    evcalc(&all)
}

/// The human output: stdout, stderr after a marker line when there is any, the exit code last.
pub fn human(args: &[String]) -> (i32, String) {
    let o = run(args, &["--color", "never"]);
    let mut text = redact(&stdout(&o));
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{}", show(&o));
    // The human report fits 100 columns (issue 11); stderr warnings quote paths and may not.
    // Host names longer than 30 columns (a CPUID dump's file stem) widen titles and table
    // columns, which no wrap can split: such reports are exempt.
    let long_names = text.split_whitespace().any(|w| w.chars().count() > 30);
    for line in text.lines().filter(|_| !long_names) {
        assert!(
            line.chars().count() <= 100,
            "`evcalc {}`: a line of {} columns: {line}",
            args.join(" "),
            line.chars().count()
        );
    }
    if !err.is_empty() {
        text.push_str("--- stderr ---\n");
        text.push_str(&redact(&err));
    }
    text.push_str(&format!("--- exit {} ---\n", code(&o)));
    (code(&o), text)
}

/// The `--json` output as a JSON value, with the exit code.
pub fn json_of(args: &[String]) -> (i32, Value) {
    let o = run(args, &["--json"]);
    assert!(!stderr(&o).contains("panicked"), "{}", show(&o));
    let mut v = json(&o);
    redact_value(&mut v);
    (code(&o), v)
}

#[test]
fn scenarios() {
    insta::glob!("../../../tests/scenarios", "*/cmd", |path: &Path| {
        let dir = path.parent().unwrap().to_path_buf();
        let args = parse_cmd(&std::fs::read_to_string(path).unwrap());
        assert!(!args.is_empty(), "{}: an empty cmd", path.display());
        let line = format!("evcalc {}", args.join(" "));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.remove_snapshot_suffix();
        settings.remove_input_file();
        settings.set_description(line.clone());
        settings.set_omit_expression(true);
        settings.bind(|| {
            let (human_code, text) = human(&args);
            insta::assert_snapshot!("human", text);
            let (json_code, value) = json_of(&args);
            insta::assert_json_snapshot!("json", value);
            assert_eq!(human_code, json_code, "exit code of `{line}` with --json");
        });
    });
}

/// Every `.snap` under `tests/scenarios/` is `human.snap` or `json.snap` of a directory with a
/// `cmd`; no pending `.snap.new` is left; no snapshot lives under `cli/tests/` (they moved).
#[test]
fn no_orphaned_snapshots() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut orphans = Vec::new();
    let mut files = Vec::new();
    walk(&root().join(SCENARIOS), &mut files);
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        if !name.contains(".snap") {
            continue;
        }
        let dir = f.parent().unwrap();
        let produced = SNAPSHOTS.contains(&name.as_ref())
            && dir.join("cmd").is_file()
            && dir.parent() == Some(root().join(SCENARIOS).as_path());
        if !produced {
            orphans.push(f.clone());
        }
    }
    let mut cli = Vec::new();
    walk(&root().join("cli/tests"), &mut cli);
    orphans.extend(
        cli.into_iter()
            .filter(|f| f.to_string_lossy().contains(".snap")),
    );
    // Every scenario has both snapshots (insta would otherwise write them on first run).
    for s in all() {
        for snap in SNAPSHOTS {
            let p = root().join(SCENARIOS).join(&s.name).join(snap);
            assert!(
                p.is_file(),
                "{}: missing (run with INSTA_UPDATE=always)",
                p.display()
            );
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots that no scenario produces (delete them, or restore their cmd): {orphans:#?}"
    );
}

#[test]
fn cmd_files_split_like_a_shell() {
    assert_eq!(
        parse_cmd("# c\ncheck a b\n  --from 'x y' --to \"z\"\n"),
        ["check", "a", "b", "--from", "x y", "--to", "z"]
    );
    assert_eq!(parse_cmd("explain ''"), ["explain", ""]);
}
