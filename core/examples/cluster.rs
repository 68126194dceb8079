//! The cluster question through evcalc's application layer (`evcalc::app`), as a planning tool
//! would ask it: the bundled MDCLEAR example (four Haswell hosts: esxi01 offers MDCLEAR,
//! esxi02–04 do not), under the highest common EVC mode and as a what-if under Westmere.
//!
//! Run with `cargo run -p evcalc --example cluster`. The answer is the same `ClusterAnswer`
//! that `evcalc cluster --json` prints and the web page renders (`docs/json.md`).

use evcalc::app::{self, ClusterAnswer, Request};
use evcalc::report::Verdict;
use evcalc::session::OwnedSource;

const HOSTS: &[(&str, &str)] = &[
    (
        "esxi01.txt",
        include_str!("../../examples/mdclear-cluster/esxi01.txt"),
    ),
    (
        "esxi02.txt",
        include_str!("../../examples/mdclear-cluster/esxi02.txt"),
    ),
    (
        "esxi03.txt",
        include_str!("../../examples/mdclear-cluster/esxi03.txt"),
    ),
    (
        "esxi04.txt",
        include_str!("../../examples/mdclear-cluster/esxi04.txt"),
    ),
];

fn request(evc: Option<&str>) -> Request {
    Request {
        inputs: HOSTS
            .iter()
            .map(|(name, text)| OwnedSource {
                name: name.to_string(),
                text: text.to_string(),
            })
            .collect(),
        evc: evc.map(str::to_string),
        ..Default::default()
    }
}

fn show(title: &str, a: &ClusterAnswer) {
    println!(
        "== {title}: EVC {}",
        a.evc.mode.as_deref().unwrap_or("disabled")
    );
    for line in &a.story {
        println!("  {line}");
    }
    // The class matrix, with its blockers resolved from the interned table.
    for (from, row) in a.matrix.iter().enumerate() {
        for (to, cell) in row.iter().enumerate() {
            let Some(cell) = cell else { continue };
            if cell.verdict != Verdict::Compatible {
                println!(
                    "  {} -> {}: {:?} by {}",
                    a.classes[from].label,
                    a.classes[to].label,
                    cell.verdict,
                    a.blocker_keys(cell).join(", ")
                );
            }
        }
    }
    // The host-level view is derived from the classes.
    let (Some(i), Some(j)) = (a.host_index("esxi01"), a.host_index("esxi03")) else {
        return;
    };
    if let Some(cell) = a.host_cell(i, j) {
        println!("  esxi01 -> esxi03: {:?}", cell.verdict);
    }
    for plan in &a.maintenance {
        println!("  maintenance {}: {:?}", plan.label, plan.outcome);
    }
}

fn main() {
    let answer = app::cluster(&request(None));
    assert!(answer.errors.is_empty() && answer.option_errors.is_empty());
    show("as configured", &answer);
    let what_if = app::cluster(&request(Some("intel-westmere")));
    show("what-if", &what_if);
}
