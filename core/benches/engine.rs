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
    assert!(check::check_vm(real_vm, host14, broadwell).compatible);
    assert!(!check::check_vm(app01, esxi02, haswell).compatible);
    assert!(check::check_vm(app01, esxi01, haswell).compatible);

    let mut g = c.benchmark_group("check_vm");
    g.bench_function(
        "compatible (real vm-1003 -> host-14, intel-broadwell)",
        |b| b.iter(|| check::check_vm(black_box(real_vm), black_box(host14), black_box(broadwell))),
    );
    g.bench_function("compatible, EVC disabled (real vm-1003 -> host-14)", |b| {
        b.iter(|| {
            check::check_vm(
                black_box(real_vm),
                black_box(host14),
                black_box(EvcSetting::Disabled),
            )
        })
    });
    g.bench_function(
        "blocked by MDCLEAR (example app01 -> esxi02, intel-haswell)",
        |b| b.iter(|| check::check_vm(black_box(app01), black_box(esxi02), black_box(haswell))),
    );
    // What the class matrix and the maintenance plans use: the same verdict, blockers and
    // unknowns, without the per-destination copy of the VM's requirement list.
    g.bench_function(
        "check_vm_brief, compatible (real vm-1003 -> host-14, intel-broadwell)",
        |b| {
            b.iter(|| {
                check::check_vm_brief(black_box(real_vm), black_box(host14), black_box(broadwell))
            })
        },
    );
    g.bench_function(
        "check_vm_brief, blocked by MDCLEAR (example app01 -> esxi02, intel-haswell)",
        |b| {
            b.iter(|| {
                check::check_vm_brief(black_box(app01), black_box(esxi02), black_box(haswell))
            })
        },
    );
    // The same checks on prepared destinations (`check::Prepared`: effective capabilities and
    // admission made once per destination, as maintenance plans do): the per-VM cost.
    let host14_prepared = check::Prepared::of(host14, broadwell);
    let esxi02_prepared = check::Prepared::of(esxi02, haswell);
    g.bench_function(
        "check_vm_on prepared, compatible (real vm-1003 -> host-14, intel-broadwell)",
        |b| b.iter(|| check::check_vm_on(black_box(real_vm), &host14_prepared, broadwell)),
    );
    g.bench_function(
        "check_vm_brief_on prepared, compatible (real vm-1003 -> host-14, intel-broadwell)",
        |b| b.iter(|| check::check_vm_brief_on(black_box(real_vm), &host14_prepared, broadwell)),
    );
    g.bench_function(
        "check_vm_brief_on prepared, blocked by MDCLEAR (example app01 -> esxi02, intel-haswell)",
        |b| b.iter(|| check::check_vm_brief_on(black_box(app01), &esxi02_prepared, haswell)),
    );
    // The check of contract v2's plans: the outcome a plan reports of a destination (verdict,
    // blockers, open points, admission, band), the unmet-requirement entries shared between the
    // VMs checked against the prepared destination.
    assert_eq!(
        check::check_outcome(app01, &esxi02_prepared),
        check::Outcome::of_report(check::check_vm_brief(app01, esxi02, haswell), &esxi02.name)
    );
    g.bench_function(
        "check_outcome prepared, compatible (real vm-1003 -> host-14, intel-broadwell)",
        |b| b.iter(|| check::check_outcome(black_box(real_vm), &host14_prepared)),
    );
    g.bench_function(
        "check_outcome prepared, blocked by MDCLEAR (example app01 -> esxi02, intel-haswell)",
        |b| b.iter(|| check::check_outcome(black_box(app01), &esxi02_prepared)),
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

/// Maintenance plan of a 64-host cluster with 10,000 VMs on the host being evacuated.
fn maintenance(c: &mut Criterion) {
    let modes = builtin_modes();
    let vms = fleet::vms(10_000);
    let mut g = c.benchmark_group("maintenance");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (label, hosts) in [
        ("64 hosts, one generation", fleet::sddc_hosts(64)),
        ("64 hosts, mixed generations", fleet::hosts(64)),
    ] {
        let evc = fleet::default_evc(&hosts, modes);
        let source = hosts[0].name.clone();
        let report = check::maintenance(&hosts, &source, &vms, evc, None, modes).expect("plan");
        let checks: usize = report
            .vms
            .iter()
            .map(|p| p.destinations.len() * p.vms.len())
            .sum();
        let blocked_checks: usize = report
            .vms
            .iter()
            .map(|p| p.vms.len() * p.destinations.iter().filter(|d| !d.compatible).count())
            .sum();
        let missing: usize = report
            .vms
            .iter()
            .map(|p| {
                p.vms.len()
                    * p.destinations
                        .iter()
                        .map(|d| d.missing.len())
                        .sum::<usize>()
            })
            .sum();
        eprintln!(
            "maintenance fixture {label}, 10,000 VMs: EVC {:?}, {checks} checks, {blocked_checks} blocked ({missing} unmet requirements listed), \
             {} VMs without a destination, {} remedies",
            evc.key(),
            report.vms.iter().filter(|p| !p.can_move).count(),
            report.remedies.len()
        );
        // The verdict-only plan below must agree with the full report, pair by pair.
        let dests: Vec<&Host> = hosts.iter().filter(|h| h.name != source).collect();
        // Plans are per group of VMs with identical requirements; check each group's first VM.
        let by_name: std::collections::HashMap<&str, &evcalc::model::Vm> =
            vms.iter().map(|v| (v.name.as_str(), v)).collect();
        assert_eq!(
            report.vms.iter().map(|p| p.vms.len()).sum::<usize>(),
            vms.len()
        );
        eprintln!(
            "maintenance fixture {label}: {} groups of VMs with identical requirements",
            report.vms.len()
        );
        for plan in &report.vms {
            let vm = by_name[plan.vms[0].as_str()];
            for (d, host) in plan.destinations.iter().zip(&dests) {
                assert_eq!(d.to, host.name);
                let admitted = evc
                    .mode()
                    .is_none_or(|m| check::admission(host, m).admitted != Some(false));
                assert_eq!(
                    d.compatible,
                    admitted && check::meets_requirements(vm, host, evc)
                );
            }
        }
        drop(report);
        // The full report: 630,000 CheckReports. Dropped outside the timed section.
        g.bench_function(format!("plan, 10,000 VMs/{label}"), |b| {
            b.iter_with_large_drop(|| {
                check::maintenance(
                    black_box(&hosts),
                    &source,
                    black_box(&vms),
                    evc,
                    None,
                    modes,
                )
                .expect("plan")
            })
        });
        // Worst case for the grouping: 10,000 VMs whose requirement lists all differ.
        let distinct = fleet::distinct_vms(10_000);
        g.bench_function(
            format!("plan, 10,000 VMs with distinct requirements/{label}"),
            |b| {
                b.iter_with_large_drop(|| {
                    check::maintenance(
                        black_box(&hosts),
                        &source,
                        black_box(&distinct),
                        evc,
                        None,
                        modes,
                    )
                    .expect("plan")
                })
            },
        );
        // One host's share of a 10,000-VM cluster of 64 hosts: 157 VMs to evacuate.
        let share = &vms[..10_000usize.div_ceil(64)];
        g.bench_function(format!("plan, 157 VMs (one host's share)/{label}"), |b| {
            b.iter_with_large_drop(|| {
                check::maintenance(
                    black_box(&hosts),
                    &source,
                    black_box(share),
                    evc,
                    None,
                    modes,
                )
                .expect("plan")
            })
        });
        // The decisions alone on prepared values: per VM, can it move, and where to.
        g.bench_function(format!("verdicts only, 10,000 VMs/{label}"), |b| {
            b.iter(|| {
                let admitted: Vec<bool> = dests
                    .iter()
                    .map(|d| {
                        evc.mode()
                            .is_none_or(|m| check::admission(d, m).admitted != Some(false))
                    })
                    .collect();
                let mut movable = 0usize;
                let mut destinations = 0usize;
                for vm in black_box(&vms) {
                    let n = dests
                        .iter()
                        .zip(&admitted)
                        .filter(|(d, a)| **a && check::meets_requirements(vm, d, evc))
                        .count();
                    destinations += n;
                    movable += usize::from(n > 0);
                }
                (movable == vms.len(), destinations)
            })
        });
    }
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

/// The N×N matrix of a 1,000-host cluster (1,000,000 cells).
fn matrix(c: &mut Criterion) {
    let modes = builtin_modes();
    let hosts = fleet::hosts(1000);
    let evc = fleet::default_evc(&hosts, modes);
    let m = check::matrix(&hosts, evc, None);
    let blocked: usize = m
        .iter()
        .map(|r| r.cells.iter().filter(|c| !c.compatible).count())
        .sum();
    let missing: usize = m
        .iter()
        .map(|r| r.cells.iter().map(|c| c.missing.len()).sum::<usize>())
        .sum();
    eprintln!(
        "matrix fixture: 1,000 hosts, EVC {:?}, {blocked} of 1,000,000 cells blocked ({missing} unmet requirements listed)",
        evc.key()
    );
    drop(m);
    let mut g = c.benchmark_group("matrix");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("1,000 hosts", |b| {
        b.iter_with_large_drop(|| check::matrix(black_box(&hosts), evc, None))
    });
    g.finish();
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

/// Extra: the whole cluster report (hosts, drift, matrix) for 64 hosts, as `evcalc cluster`.
fn cluster_report(c: &mut Criterion) {
    let modes = builtin_modes();
    let hosts = fleet::hosts(64);
    let evc = fleet::default_evc(&hosts, modes);
    let mut g = c.benchmark_group("cluster_report");
    g.bench_function("64 hosts", |b| {
        b.iter_batched(
            || (),
            |_| check::cluster_report(black_box(&hosts), evc, None, modes),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(
    benches,
    one_check,
    maintenance,
    maintenance_v2,
    matrix,
    max_common_mode,
    cluster_report
);
criterion_main!(benches);
