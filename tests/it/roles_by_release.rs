//! Issue 20 item 4: requirement roles by release. The not-required roles (HLE, RTM, DS, MWAIT,
//! MPX state, PQE) were seen on one ESXi 8.0 U1 host with Linux guests; a VM powered on on a host
//! of another or unknown release may require a feature VMware's table exposes by default (class
//! YES, now or formerly). Real data: every pair of real Intel CPUID dumps (InstLatX64, libcpuid,
//! libvirt; no release in a raw dump) where the source reports TSX (HLE or RTM) and the
//! destination reports neither.

use evcalc::check::{self, EvcSetting};
use evcalc::report::Verdict;
use evcalc::session::{self, Source};
use evcalc_tests::{check_vm, files_in, read};

fn intel_hosts() -> Vec<evcalc::model::Host> {
    let mut out = Vec::new();
    for dir in [
        "tests/data/cpuid/instlatx64",
        "tests/data/cpuid/libcpuid",
        "tests/data/cpuid/libvirt",
    ] {
        for f in files_in(dir) {
            if f.ends_with(".tsv") || f.ends_with(".md") {
                continue;
            }
            let text = read(&f);
            let ws = session::load(&[Source {
                name: &f,
                text: &text,
            }]);
            if let Some(h) = ws.hosts.into_iter().next()
                && h.vendor == Some(evcalc::evc::Vendor::Intel)
            {
                out.push(h);
            }
        }
    }
    out
}

fn tsx(h: &evcalc::model::Host) -> Option<bool> {
    let cat = evcalc::catalogue::catalogue();
    let known = |k: &str| {
        let id = cat.lookup(k).unwrap();
        (!h.unrecorded.contains(id)).then(|| h.caps.present.contains(id))
    };
    match (known("cpuid.HLE")?, known("cpuid.RTM")?) {
        (false, false) => Some(false),
        _ => Some(true),
    }
}

#[test]
fn tsx_on_to_tsx_off_pairs_are_possible_requirements_off_esxi_8_0_1() {
    let hosts = intel_hosts();
    let on: Vec<&evcalc::model::Host> = hosts.iter().filter(|h| tsx(h) == Some(true)).collect();
    let off: Vec<&evcalc::model::Host> = hosts.iter().filter(|h| tsx(h) == Some(false)).collect();
    let release_801 = evcalc::esxi::Release::parse("VMware ESXi 8.0.1 build-22513723");
    let (mut pairs, mut changed, mut compatible_before, mut blocked) = (0, 0, 0, 0);
    for a in &on {
        // The same source as if it ran ESXi 8.0 U1, the release the roles were observed on
        // (its vHW maximum unchanged, so only the roles differ).
        let mut a801 = (*a).clone();
        a801.release = release_801;
        let vm = check::power_on(a, EvcSetting::Disabled, None);
        let vm801 = check::power_on(&a801, EvcSetting::Disabled, None);
        assert!(
            vm.roles_unobserved.contains(evcalc::catalogue::fid::HLE)
                || !a.caps.present.contains(evcalc::catalogue::fid::HLE)
        );
        assert!(vm801.roles_unobserved.is_empty());
        for b in &off {
            if a.name == b.name {
                continue;
            }
            pairs += 1;
            let before = check_vm(&vm801, b, EvcSetting::Disabled).verdict;
            let after = check_vm(&vm, b, EvcSetting::Disabled);
            if before == Verdict::Blocked {
                blocked += 1;
                // A possible requirement never unblocks nor re-blocks: still blocked.
                assert_eq!(after.verdict, Verdict::Blocked, "{} → {}", a.name, b.name);
                continue;
            }
            if before == Verdict::Compatible {
                compatible_before += 1;
                if after.verdict == Verdict::Unknown {
                    changed += 1;
                    assert!(
                        after
                            .unknown
                            .iter()
                            .any(|u| (u.key == "cpuid.HLE" || u.key == "cpuid.RTM")
                                && u.why.contains("only on ESXi 8.0 U1")),
                        "{} → {}: {:#?}",
                        a.name,
                        b.name,
                        after.unknown
                    );
                }
            }
            // Never blocked by a role that was not observed on the source's release.
            assert_ne!(after.verdict, Verdict::Blocked, "{} → {}", a.name, b.name);
        }
    }
    eprintln!(
        "TSX-on sources {}, TSX-off destinations {}, pairs {pairs}: blocked anyway {blocked}, \
         compatible if the source ran ESXi 8.0 U1 {compatible_before}, of which unknown with the \
         release unknown {changed}",
        on.len(),
        off.len()
    );
    assert!(on.len() >= 10 && off.len() >= 10);
    assert!(changed > 0);
    assert_eq!(
        changed, compatible_before,
        "every such pair turns on HLE/RTM"
    );
}
