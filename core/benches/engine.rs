//! Engine benchmarks (docs/performance.md). Targets on the 2-core dev machine:
//! one check ≤ 50 ns; maintenance plan of 64 hosts × 10,000 VMs ≤ 20 ms; 1,000-host matrix
//! ≤ 100 ms. Inputs are generated from the real fixtures in `fleet` (not committed).
//!
//! `cargo bench -p evcalc --bench engine`

mod fleet;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use evcalc::check::{self, EvcSetting};
use evcalc::evc::builtin_modes;
use evcalc::model::Host;
use std::hint::black_box;
use std::time::Duration;

/// One VM → one host, on prepared values (parsed and resolved once, outside the loop).
fn one_check(c: &mut Criterion) {
    let modes = builtin_modes();
    let hosts = fleet::base_hosts();
    let vms = fleet::base_vms();
    let broadwell = EvcSetting::Mode(modes.get("intel-broadwell").expect("mode"));
    let haswell = EvcSetting::Mode(modes.get("intel-haswell").expect("mode"));
    let host14 = &hosts[0];
    let (esxi01, esxi02) = (&hosts[1], &hosts[2]);
    // A real VM of the SDDC (vm-1003, 43 requirements) → its real host: compatible.
    let real_vm = vms
        .iter()
        .find(|v| v.source.contains("vm-1003"))
        .expect("vm-1003");
    // The example VM app01 (powered on on esxi01, requires MDCLEAR) → esxi02: blocked.
    let app01 = vms
        .iter()
        .find(|v| v.source.contains("app01"))
        .expect("app01");
    let host14_prepared = check::Prepared::of(host14, broadwell);
    let host14_off = check::Prepared::of(host14, EvcSetting::Disabled);
    let esxi02_prepared = check::Prepared::of(esxi02, haswell);
    let esxi01_prepared = check::Prepared::of(esxi01, haswell);
    use evcalc::report::Verdict;
    assert_eq!(
        check::check_outcome(real_vm, &host14_prepared).verdict,
        Verdict::Compatible
    );
    assert_eq!(
        check::check_outcome(app01, &esxi02_prepared).verdict,
        Verdict::Blocked
    );
    assert_eq!(
        check::check_outcome(app01, &esxi01_prepared).verdict,
        Verdict::Compatible
    );

    // The engine's one check (`check::check_outcome`) on prepared destinations
    // (`check::Prepared`: effective capabilities and admission made once per destination, as
    // the matrix and maintenance plans do): the per-VM cost. The unmet-requirement entries are
    // shared between the VMs checked against one prepared destination.
    let mut g = c.benchmark_group("check_vm");
    g.bench_function(
        "check_outcome prepared, compatible (real vm-1003 -> host-14, intel-broadwell)",
        |b| b.iter(|| check::check_outcome(black_box(real_vm), &host14_prepared)),
    );
    g.bench_function(
        "check_outcome prepared, compatible, EVC disabled (real vm-1003 -> host-14)",
        |b| b.iter(|| check::check_outcome(black_box(real_vm), &host14_off)),
    );
    g.bench_function(
        "check_outcome prepared, blocked by MDCLEAR (example app01 -> esxi02, intel-haswell)",
        |b| b.iter(|| check::check_outcome(black_box(app01), &esxi02_prepared)),
    );
    // With the destination prepared inside the loop (a one-off check).
    g.bench_function(
        "prepare + check_outcome, blocked by MDCLEAR (example app01 -> esxi02, intel-haswell)",
        |b| {
            b.iter(|| {
                let p = check::Prepared::of(black_box(esxi02), haswell);
                check::check_outcome(black_box(app01), &p).verdict
            })
        },
    );
    g.bench_function(
        "missing_requirements, compatible (vm-1003 -> host-14)",
        |b| {
            b.iter(|| {
                check::missing_requirements(
                    black_box(real_vm),
                    black_box(host14),
                    EvcSetting::Disabled,
                )
            })
        },
    );
    // The verdict on prepared values: the destination's admission computed once (as a planner
    // does per host), then the requirement check alone.
    let admitted =
        check::admission(host14, broadwell.mode().expect("mode")).admitted != Some(false);
    g.bench_function("verdict on prepared admission (vm-1003 -> host-14)", |b| {
        b.iter(|| {
            black_box(admitted)
                && check::meets_requirements(
                    black_box(real_vm),
                    black_box(host14),
                    EvcSetting::Disabled,
                )
        })
    });
    let admitted02 =
        check::admission(esxi02, haswell.mode().expect("mode")).admitted != Some(false);
    g.bench_function(
        "verdict on prepared admission, blocked (app01 -> esxi02)",
        |b| {
            b.iter(|| {
                black_box(admitted02)
                    && check::meets_requirements(black_box(app01), black_box(esxi02), haswell)
            })
        },
    );
    g.finish();
}

/// The maintenance plan as the application layer answers it (contract v2, what `evcalc
/// cluster --maintenance` and the page compute): one destination per host class, blockers
/// interned. 64 hosts, 10,000 VMs loaded for the host being evacuated. The whole answer is
/// timed (classes, class matrix, drift, the plan, the story).
fn maintenance_v2(c: &mut Criterion) {
    let modes = builtin_modes();
    let mut g = c.benchmark_group("maintenance_v2");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (label, hosts) in [
        ("64 hosts, one generation", fleet::sddc_hosts(64)),
        ("64 hosts, mixed generations", fleet::hosts(64)),
    ] {
        for (kind, mut vms) in [
            ("10,000 VMs", fleet::vms(10_000)),
            (
                "10,000 VMs with distinct requirements",
                fleet::distinct_vms(10_000),
            ),
        ] {
            let source = hosts[0].name.clone();
            for v in &mut vms {
                v.host = Some(source.clone());
            }
            let ws = evcalc::session::Workspace {
                hosts: hosts.clone(),
                host_inputs: Vec::new(),
                vms,
                loose_evc_masks: Vec::new(),
                evc_state: None,
                modes: modes.clone(),
                mode_level: Default::default(),
                inputs: Vec::new(),
                errors: Vec::new(),
                fleet: None,
            };
            let request = evcalc::app::maintenance::MaintenanceRequest {
                request: evcalc::app::Request::default(),
                host: source.clone(),
                vms: Vec::new(),
            };
            let answer = evcalc::app::maintenance::answer_in(&mut ws.clone(), &request, Vec::new());
            let plan = answer.plan.as_ref().expect("the host's plan");
            let checks: usize = plan.vms.iter().map(|p| p.destinations.len()).sum();
            eprintln!(
                "maintenance_v2 {label}, {kind}: {} classes, EVC {:?}, {} VM groups, {checks} checks, {} interned blockers, outcome {:?}",
                answer.classes.len(),
                answer.evc.mode,
                plan.vms.len(),
                answer.blockers.len(),
                answer.outcome
            );
            g.bench_function(format!("plan, {kind}/{label}"), |b| {
                // The workspace is the caller's (loaded once); the answer borrows it.
                let mut ws = ws.clone();
                b.iter(|| {
                    evcalc::app::maintenance::answer_in(&mut ws, black_box(&request), Vec::new())
                })
            });
        }
    }
    g.finish();
}

/// The cluster answer (classes, class matrix, drift, plans) of a 1,000-host cluster, as
/// `evcalc cluster` and the page compute it.
fn matrix(c: &mut Criterion) {
    let modes = builtin_modes();
    let hosts = fleet::hosts(1000);
    let evc = fleet::default_evc(&hosts, modes);
    let request = evcalc::app::Request {
        evc: Some(evc.key().unwrap_or_else(|| "none".to_string())),
        ..Default::default()
    };
    let mut ws = workspace_of(hosts);
    let a = evcalc::app::cluster_in(&mut ws, &request, Vec::new());
    eprintln!(
        "cluster fixture: 1,000 hosts in {} classes, EVC {:?}, outcome {:?}",
        a.classes.len(),
        a.evc.mode,
        a.outcome
    );
    drop(a);
    let mut g = c.benchmark_group("matrix");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("cluster answer, 1,000 hosts", |b| {
        b.iter_with_large_drop(|| evcalc::app::cluster_in(&mut ws, black_box(&request), Vec::new()))
    });
    g.finish();
}

/// A workspace of already resolved hosts.
fn workspace_of(hosts: Vec<Host>) -> evcalc::session::Workspace {
    evcalc::session::Workspace {
        hosts,
        host_inputs: Vec::new(),
        vms: Vec::new(),
        loose_evc_masks: Vec::new(),
        evc_state: None,
        fleet: None,
        mode_level: Default::default(),
        modes: builtin_modes().clone(),
        inputs: Vec::new(),
        errors: Vec::new(),
    }
}

/// The highest EVC mode common to 10,000 hosts.
fn max_common_mode(c: &mut Criterion) {
    let modes = builtin_modes();
    let hosts = fleet::hosts(10_000);
    let common = check::max_common_mode(&hosts, modes).map(|m| m.key.clone());
    eprintln!("max_common_mode fixture: 10,000 hosts, common mode {common:?}");
    let mut g = c.benchmark_group("max_common_mode");
    g.bench_function("10,000 hosts", |b| {
        b.iter(|| check::max_common_mode(black_box(&hosts), modes))
    });
    g.finish();
}

/// Extra: the whole cluster answer for 64 hosts, as `evcalc cluster`.
fn cluster_report(c: &mut Criterion) {
    let modes = builtin_modes();
    let hosts = fleet::hosts(64);
    let evc = fleet::default_evc(&hosts, modes);
    let request = evcalc::app::Request {
        evc: Some(evc.key().unwrap_or_else(|| "none".to_string())),
        ..Default::default()
    };
    let mut ws = workspace_of(hosts);
    let mut g = c.benchmark_group("cluster_report");
    g.bench_function("64 hosts", |b| {
        b.iter_batched(
            || (),
            |_| evcalc::app::cluster_in(&mut ws, black_box(&request), Vec::new()),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(
    benches,
    one_check,
    maintenance_v2,
    matrix,
    max_common_mode,
    cluster_report
);
criterion_main!(benches);
