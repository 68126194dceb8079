//! RVTools at mode level (issue 22): the synthetic fixtures of `tests/data/synthetic/rvtools/`
//! (written by `scripts/gen-rvtools-fixtures.py` from the documented columns) in both header
//! flavours, as CSV per tab and as `.xlsx`, give the same mode-level answer; no RVTools-only
//! answer exits 0.

use evcalc::app::inventory::{self, InventoryAnswer, InventoryRequest, ModeVerdict};
use evcalc::session::OwnedSource;
use evcalc_tests::{read, repo_root};

const DIR: &str = "tests/data/synthetic/rvtools";

fn csv(flavour: &str) -> Vec<OwnedSource> {
    ["RVTools_tabvInfo.csv", "RVTools_tabvHost.csv"]
        .iter()
        .map(|f| {
            let name = format!("{DIR}/{flavour}/{f}");
            OwnedSource {
                text: read(&name),
                name,
            }
        })
        .collect()
}

fn xlsx(file: &str) -> Vec<OwnedSource> {
    let bytes = std::fs::read(repo_root().join(format!("{DIR}/{file}"))).unwrap();
    assert!(evcalc::parse::rvtools::is_zip(&bytes));
    evcalc::parse::rvtools::xlsx_tabs(&bytes)
        .unwrap()
        .into_iter()
        .map(|(sheet, text)| OwnedSource {
            name: format!("{file}:{sheet}"),
            text,
        })
        .collect()
}

fn ask(
    inputs: Vec<OwnedSource>,
    cluster: Option<&str>,
    into: Option<&str>,
    to_evc: Option<&str>,
) -> InventoryAnswer {
    inventory::answer(&InventoryRequest {
        request: evcalc::app::Request {
            inputs,
            ..Default::default()
        },
        cluster: cluster.map(str::to_string),
        into: into.map(str::to_string),
        to_evc: to_evc.map(str::to_string),
    })
}

/// What the answer decides, without sources and lines.
fn essence(a: &InventoryAnswer) -> String {
    let mut s = format!("{:?} {}\n", a.verdict, a.exit_code());
    for c in &a.clusters {
        s += &format!(
            "{} hosts={} groups={} drift={} evc={:?}/{:?} common={:?} vms={} on={}\n",
            c.name,
            c.hosts.len(),
            c.groups.len(),
            c.drift,
            c.evc.active,
            c.evc.mode,
            c.highest_common_mode,
            c.vms,
            c.vms_powered_on
        );
        for f in &c.findings {
            s += &format!("  {} {:?} {:?}\n", f.vm, f.verdict, f.against);
        }
    }
    if let Some(p) = &a.prescreen {
        for m in &p.moves {
            s += &format!("  move {} {:?}\n", m.vm, m.verdict);
        }
    }
    s
}

#[test]
fn four_inputs_one_answer() {
    let sets = [
        ("normal CSV", csv("normal")),
        ("db CSV", csv("db")),
        ("normal xlsx", xlsx("rvtools-normal.xlsx")),
        ("db xlsx", xlsx("rvtools-db.xlsx")),
    ];
    let mut first: Option<(String, String)> = None;
    for (what, inputs) in sets {
        let a = ask(inputs, None, None, None);
        assert!(a.errors.is_empty(), "{what}: {:?}", a.errors);
        assert!(a.option_errors.is_empty(), "{what}: {:?}", a.option_errors);
        let e = essence(&a);
        match &first {
            None => first = Some((what.to_string(), e)),
            Some((w, f)) => assert_eq!(&e, f, "{what} differs from {w}"),
        }
    }
    let (_, e) = first.unwrap();
    // Prod: EVC off, Max EVC drift broadwell ×2 / haswell ×1, common haswell (computed);
    // app01 (broadwell, on esx01) may be blocked towards esx03.
    assert!(
        e.contains(
            "Prod hosts=3 groups=2 drift=true evc=Some(false)/None common=Some(\"intel-haswell\")"
        ),
        "{e}"
    );
    assert!(
        e.contains("app01 MayBeBlocked [\"esx03.lab.local\"]"),
        "{e}"
    );
    // New: EVC intel-haswell on every host, common mode computed from Max EVC intel-icelake.
    assert!(e.contains("New hosts=2 groups=1 drift=false evc=Some(true)/Some(\"intel-haswell\") common=Some(\"intel-icelake\")"), "{e}");
    assert!(e.starts_with("MayBeBlocked 3"), "{e}");
}

#[test]
fn prescreen_into_an_evc_cluster_by_vm_name() {
    let a = ask(csv("normal"), Some("Prod"), Some("New"), None);
    let p = a.prescreen.as_ref().unwrap();
    assert_eq!(p.target_mode.as_deref(), Some("intel-haswell"));
    let v = |name: &str| p.moves.iter().find(|m| m.vm == name).unwrap().verdict;
    assert_eq!(v("app01"), ModeVerdict::Blocked);
    assert_eq!(v("web01"), ModeVerdict::NoModeLevelBlocker);
    assert_eq!(v("db01"), ModeVerdict::NotScreened);
    assert_eq!(a.exit_code(), 1);
}

#[test]
fn no_rvtools_only_answer_exits_0() {
    for (cluster, into, to_evc) in [
        (None, None, None),
        (Some("New"), None, None),
        (None, None, Some("intel-icelake")),
        (Some("Prod"), None, Some("intel-broadwell")),
        (Some("New"), Some("Prod"), None),
    ] {
        for inputs in [csv("normal"), csv("db"), xlsx("rvtools-normal.xlsx")] {
            let a = ask(inputs, cluster, into, to_evc);
            assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
            assert_ne!(a.exit_code(), 0, "{cluster:?} {into:?} {to_evc:?}");
            assert!(a.limits.contains("MDCLEAR"));
        }
    }
    // Raising Prod to broadwell: esx03's Max EVC is haswell, so web01/app01 both fit under
    // broadwell at mode level — still "no mode-level blocker", exit 3, never 0.
    let a = ask(csv("normal"), Some("Prod"), None, Some("intel-broadwell"));
    assert_eq!(a.verdict, ModeVerdict::NoModeLevelBlocker);
    assert_eq!(a.exit_code(), 3);
}

#[test]
fn the_input_fields_are_never_the_verdict() {
    // The common mode of New is computed from Max EVC (icelake), not its Current EVC (haswell);
    // a vHost whose Max EVC is a key the catalogue does not know gives no common mode.
    let text = "Host,Cluster,Current EVC,Max EVC\nh1,C,intel-haswell,intel-future9\nh2,C,intel-haswell,intel-haswell\n";
    let a = ask(
        vec![OwnedSource {
            name: "vHost.csv".into(),
            text: text.into(),
        }],
        None,
        None,
        None,
    );
    let c = &a.clusters[0];
    assert_eq!(c.highest_common_mode, None);
    assert!(
        c.highest_common_why.contains("intel-future9"),
        "{}",
        c.highest_common_why
    );
}

#[test]
fn unknown_cluster_is_an_option_error_with_the_list() {
    let a = ask(csv("normal"), Some("Prdo"), None, None);
    assert_eq!(a.option_errors[0].option, evcalc::app::Opt::Cluster);
    assert!(
        a.option_errors[0].message.contains("Prod, New"),
        "{}",
        a.option_errors[0].message
    );
}
