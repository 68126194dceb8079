//! vHW from what can exist (issue 20, item 2). "Any VM powered on on A" is answered per band of
//! virtual hardware versions (`check::power_on_bands`); a band exists on A only if an ESXi
//! release that runs it can run on A's CPU. \[C\] ESXi 8.0 U2 and later refuse CPUs without XSAVE
//! even with `allowLegacyCPU=true` (W. Lam 2023-10; `core/data/esxi-cpu-floors.tsv`,
//! docs/sources-issue20.md §2.1), so a CPU known to lack XSAVE has no vmx-21/22 band.
//!
//! Measured over every real Intel CPUID dump in `tests/data/cpuid` (each → the real ESXi 8.0.1
//! host-14, `--evc none`, through `app::check::answer`): before this rule 54 of 54 were blocked,
//! 35 of them only by the vmx-21/22 band; after it 36 are blocked, and every blocked band is one
//! the source's CPU can run.

use evcalc::app::check::{CheckRequest, answer};
use evcalc::esxi::VhwOnCpu;
use evcalc::evc::Vendor;
use evcalc::report::Verdict;
use evcalc::session::{self, OwnedSource, Source};
use evcalc::vhw::vhw_on_cpu;
use evcalc_tests::{files_in, read};

const HOST14_DIR: &str = "tests/data/real/govc/object.save-vmc-sddc";
const HOST14: &str = "10.2.32.4";

/// Every real CPUID dump (the INDEX's folders).
fn dumps() -> Vec<String> {
    ["instlatx64", "libcpuid", "libvirt", "local"]
        .iter()
        .flat_map(|d| files_in(&format!("tests/data/cpuid/{d}")))
        .collect()
}

/// The hosts a dump holds (a file may hold several CPUs).
fn hosts_of(file: &str) -> Vec<evcalc::model::Host> {
    let text = read(file);
    let ws = session::load(&[Source {
        name: file,
        text: &text,
    }]);
    ws.hosts
}

struct Row {
    host: String,
    xsave: Option<bool>,
    verdict: Verdict,
    /// (lo, hi, verdict) per band.
    bands: Vec<(u8, u8, Verdict)>,
    /// The CPU's answer for each blocked band's lowest version.
    blocked_on_cpu: Vec<(u8, VhwOnCpu)>,
}

fn rows() -> Vec<Row> {
    let host14: Vec<OwnedSource> = files_in(HOST14_DIR)
        .into_iter()
        .map(|f| OwnedSource {
            text: read(&f),
            name: f,
        })
        .collect();
    let xsave = evcalc::catalogue::fid::XSAVE;
    let mut out = Vec::new();
    for file in dumps() {
        for host in hosts_of(&file) {
            if host.vendor != Some(Vendor::Intel) {
                continue;
            }
            let mut inputs = host14.clone();
            inputs.push(OwnedSource {
                name: file.clone(),
                text: read(&file),
            });
            let a = answer(&CheckRequest {
                request: session::Request {
                    inputs,
                    evc: Some("none".to_string()),
                    ..Default::default()
                },
                to: HOST14.to_string(),
                from: Some(host.name.clone()),
                vm: None,
                to_evc: None,
            });
            assert!(a.option_errors.is_empty(), "{file}: {:?}", a.option_errors);
            let m = a.check.unwrap_or_else(|| panic!("{file}: no check"));
            let bands: Vec<(u8, u8, Verdict)> = if m.bands.is_empty() {
                let (lo, hi) = m.vhw_band.unwrap_or((4, m.vhw.unwrap_or(22)));
                vec![(lo, hi, m.verdict)]
            } else {
                m.bands
                    .iter()
                    .map(|b| (b.vhw_from, b.vhw_to, b.verdict))
                    .collect()
            };
            let blocked_on_cpu = bands
                .iter()
                .filter(|b| b.2 == Verdict::Blocked)
                .map(|b| (b.0, vhw_on_cpu(&host, b.0)))
                .collect();
            out.push(Row {
                xsave: (!host.unrecorded.contains(xsave) && !host.is_fragment())
                    .then(|| host.caps.present.contains(xsave)),
                host: host.name.clone(),
                verdict: m.verdict,
                bands,
                blocked_on_cpu,
            });
        }
    }
    out
}

#[test]
fn no_intel_dump_is_blocked_by_a_band_its_cpu_cannot_run() {
    let rows = rows();
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    let no_xsave: Vec<&Row> = rows.iter().filter(|r| r.xsave == Some(false)).collect();
    let only_above_20 = rows
        .iter()
        .filter(|r| {
            r.verdict == Verdict::Blocked
                && r.bands.iter().all(|b| b.2 != Verdict::Blocked || b.0 > 20)
        })
        .count();
    println!(
        "{} Intel dumps → {HOST14}: {} blocked ({only_above_20} only above vmx-20), {} unknown, {} compatible; {} lack XSAVE",
        rows.len(),
        count(Verdict::Blocked),
        count(Verdict::Unknown),
        count(Verdict::Compatible),
        no_xsave.len()
    );
    assert!(rows.len() >= 54, "{}", rows.len());
    // Every blocked band is one the CPU can run (a hard floor met: not `Impossible`).
    for r in &rows {
        for (lo, on_cpu) in &r.blocked_on_cpu {
            assert!(
                on_cpu.possible(),
                "{}: blocked in the vmx-{lo} band, which its CPU cannot run: {on_cpu:?}",
                r.host
            );
        }
    }
    // A CPU known to lack XSAVE has no band above vmx-20, and none of them is blocked
    // (host-14 runs every vHW up to 20 and offers every feature these CPUs have).
    assert!(no_xsave.len() >= 18, "{}", no_xsave.len());
    for r in &no_xsave {
        assert!(
            r.bands.iter().all(|b| b.1 <= 20),
            "{}: {:?}",
            r.host,
            r.bands
        );
        assert_ne!(r.verdict, Verdict::Blocked, "{}: {:?}", r.host, r.bands);
    }
    // The CPUs with XSAVE keep their vmx-21+ band: a vmx-21 VM can exist there (ESXi 8.0 U2+),
    // and host-14 (ESXi 8.0 U1) cannot run it.
    for r in rows.iter().filter(|r| r.xsave == Some(true)) {
        assert!(
            r.bands.iter().any(|b| b.1 == 22 && b.2 == Verdict::Blocked),
            "{}: {:?}",
            r.host,
            r.bands
        );
    }
    assert_eq!(count(Verdict::Blocked), 36);
    assert_eq!(only_above_20, 17);
}

/// Workstation-only versions (\[C\] KB 312100 via govmomi: vmx-12, vmx-16) never form a band of
/// their own: the Ice Lake dump's features first exposed at vHW 16 start at vmx-17 on ESXi.
#[test]
fn no_band_of_workstation_versions_alone() {
    for r in rows() {
        for b in &r.bands {
            assert!(
                !(b.0 == b.1 && [6, 12, 16].contains(&b.0)),
                "{}: {:?}",
                r.host,
                r.bands
            );
        }
    }
}

/// Westmere (family 6 model 0x2C, Xeon X5667): ESXi 7.0 discontinued it (KB 82794, a support
/// statement `allowLegacyCPU=true` bypasses): its vmx-17 to vmx-20 band is kept and named
/// unlikely, not impossible; it lacks XSAVE, so nothing above vmx-20.
#[test]
fn westmere_bands_from_7_0_are_unlikely_not_dropped() {
    let file = "tests/data/cpuid/libcpuid/intel-xeon-cpu-x5667.test";
    let hosts = hosts_of(file);
    let host = &hosts[0];
    assert!(matches!(vhw_on_cpu(host, 17), VhwOnCpu::Unlikely { .. }));
    assert!(matches!(vhw_on_cpu(host, 15), VhwOnCpu::Runs));
    assert!(matches!(vhw_on_cpu(host, 21), VhwOnCpu::Impossible { .. }));
    let vms =
        evcalc::check::power_on_bands(host, evcalc::check::EvcSetting::Disabled, None, None, &[20]);
    let last = vms.last().unwrap();
    assert_eq!(
        last.vhw_band,
        Some((17, 20)),
        "{:?}",
        vms.iter().map(|v| &v.name).collect::<Vec<_>>()
    );
    assert!(
        last.name.contains("unlikely, not impossible"),
        "{}",
        last.name
    );
    assert!(last.name.contains("Intel Westmere"), "{}", last.name);
    let on_cpu = last.band_on_cpu.as_ref().unwrap();
    assert!(!on_cpu.certain() && !on_cpu.may_not_exist());
}

/// A host whose XSAVE is not shown (a `grep` fragment without the key) keeps its vmx-21+ band,
/// marked as existing only if the host runs ESXi 8.0 U2 or later.
#[test]
fn unshown_xsave_keeps_the_band_as_possible_only() {
    let text = "[root@esxi01:~] vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear\n\
                key = \"cpuid.MDCLEAR\",\n\
                featureName = \"cpuid.MDCLEAR\",\n\
                value = \"1\"\n";
    let ws = session::load(&[Source {
        name: "grep.txt",
        text,
    }]);
    let host = &ws.hosts[0];
    assert!(host.is_fragment());
    assert!(matches!(vhw_on_cpu(host, 21), VhwOnCpu::Unshown { .. }));
    assert!(vhw_on_cpu(host, 21).may_not_exist());
    let vms =
        evcalc::check::power_on_bands(host, evcalc::check::EvcSetting::Disabled, None, None, &[20]);
    let top = vms.last().unwrap();
    assert_eq!(top.vhw_band.map(|b| b.1), Some(22));
    assert!(
        top.name
            .contains("only if esxi01 runs ESXi 8.0 U2 or later"),
        "{}",
        top.name
    );
    assert!(top.name.contains("cpuid.XSAVE"), "{}", top.name);
}
