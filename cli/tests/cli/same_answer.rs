//! The CLI and the page give the same answer on the same inputs (issue 11's acceptance): for the
//! bundled examples and the real govc data, under several EVC settings, `evcalc cluster FILES
//! --json` and the page's engine (`evcalc_wasm::analyze`, the function the page's worker calls,
//! run natively here; the worker passes its JSON through unchanged) are compared value by value.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

#[allow(unused_imports)]
use crate::common::*;

/// Files of `paths` (directories expanded as the CLI expands them, sorted).
fn files(paths: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        let full = root().join(p);
        if full.is_dir() {
            let mut names: Vec<String> = std::fs::read_dir(&full)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .filter(|p| {
                    // As the CLI expands a directory: no hidden files, no READMEs.
                    let name = p
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .to_ascii_lowercase();
                    !name.starts_with('.') && !name.starts_with("readme")
                })
                .map(|f| format!("{p}/{}", f.file_name().unwrap().to_string_lossy()))
                .collect();
            names.sort();
            out.extend(names);
        } else {
            out.push(p.to_string());
        }
    }
    out
}

fn cli(paths: &[&str], options: &[&str]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_evcalc"))
        .arg("cluster")
        .args(paths)
        .args(options)
        .arg("--json")
        .current_dir(root())
        .output()
        .expect("run evcalc");
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "cluster {paths:?} {options:?}: {e}\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn page(paths: &[&str], request: Value) -> Value {
    let inputs: Vec<Value> = files(paths)
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(root().join(f)).unwrap();
            serde_json::json!({ "name": f, "text": text })
        })
        .collect();
    let mut request = request;
    request["inputs"] = Value::Array(inputs);
    serde_json::from_str(&evcalc_wasm::analyze(&request.to_string())).unwrap()
}

/// The first path where two JSON values differ.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (p, q) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if let Some(d) = first_difference(p, q, &format!("{at}.{k}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{at}: CLI {a} / page {b}")),
    }
}

pub(crate) fn same(paths: &[&str], options: &[&str], request: Value) {
    let (c, p) = (cli(paths, options), page(paths, request));
    assert_eq!(c["schema"], 2);
    assert!(c["hosts"].as_array().is_some_and(|h| !h.is_empty()));
    if let Some(d) = first_difference(&c, &p, "answer") {
        panic!("cluster {paths:?} {options:?}: the CLI and the page differ at {d}");
    }
}

const EXAMPLE: &str = "examples/mdclear-cluster";
const STALE: &str = "examples/mdclear-stale-masks";
const GOVC: &str = "tests/data/real/govc/object.save-vmc-sddc";

#[test]
fn example_under_every_evc_setting() {
    assert!(Path::new(&root().join(EXAMPLE)).is_dir());
    same(&[EXAMPLE], &[], serde_json::json!({}));
    same(
        &[EXAMPLE],
        &["--evc", "none"],
        serde_json::json!({ "evc": "none" }),
    );
    same(
        &[EXAMPLE],
        &["--evc", "intel-westmere"],
        serde_json::json!({ "evc": "intel-westmere" }),
    );
    same(
        &[EXAMPLE],
        &["--vm-evc", "intel-westmere"],
        serde_json::json!({ "per_vm_evc": "intel-westmere" }),
    );
    same(
        &[EXAMPLE],
        &["--vm-hw", "13"],
        serde_json::json!({ "vm_hw": "13" }),
    );
    same(
        &[EXAMPLE],
        &["--only", "cpuid.MDCLEAR"],
        serde_json::json!({ "only": ["cpuid.MDCLEAR"] }),
    );
}

#[test]
fn stale_masks_example() {
    same(&[STALE], &[], serde_json::json!({}));
}

#[test]
fn real_govc_data() {
    same(&[GOVC], &[], serde_json::json!({}));
    same(
        &[GOVC],
        &["--evc", "none"],
        serde_json::json!({ "evc": "none" }),
    );
}
