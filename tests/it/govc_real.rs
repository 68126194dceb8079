//! The real ESXi 8.0.1 host and its seven VMs (govc object.save of a VMware Cloud SDDC).
//! Verdicts are computed; the inputs' own `maxEVCModeKey` / `minRequiredEVCModeKey` are used
//! only as a cross-check.

use evcalc::check::{self, EvcSetting};
use evcalc::report::CrossCheck;
use evcalc_tests::{check_vm, files_in, load, read};

const HOST_XML: &str = "tests/data/real/govc/object.save-vmc-sddc/0082-HostSystem-host-14.xml";

#[test]
fn real_host_computes_intel_broadwell_without_its_own_verdict() {
    let original = read(HOST_XML);
    // Remove the host's own verdict so it cannot leak into the result.
    let stripped = original.replace("<maxEVCModeKey>intel-broadwell</maxEVCModeKey>", "");
    assert_ne!(
        stripped.len(),
        original.len(),
        "fixture should contain maxEVCModeKey"
    );
    assert!(!stripped.contains("intel-broadwell"));
    let ws = evcalc::session::load(&[evcalc::session::Source {
        name: "host-14.xml",
        text: &stripped,
    }]);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert_eq!(ws.hosts.len(), 1);
    let report = check::host_report(&ws.hosts[0], &ws.modes);
    assert_eq!(report.max_evc_mode.as_deref(), Some("intel-broadwell"));
    assert_eq!(report.reported_max_evc_mode, None);
    assert_eq!(report.vendor, Some(evcalc::evc::Vendor::Intel));
    assert_eq!(
        report.product.as_deref(),
        Some("VMware ESXi 8.0.1 build-22513723")
    );
    // What keeps it from Skylake: AVX-512 among others.
    let next = &report.next_mode_blockers[0];
    assert_eq!(next.mode, "intel-skylake");
    assert!(
        next.missing.iter().any(|f| f.key == "cpuid.AVX512F"),
        "{:?}",
        next.missing
    );
    // Unknown keys are kept, not dropped.
    assert!(
        report
            .unknown_keys
            .iter()
            .any(|k| k.key.starts_with("vpmc.")),
        "{:?}",
        report.unknown_keys
    );
    // Cross-check against the untouched file.
    let ws = load(&[HOST_XML]);
    let report = check::host_report(&ws.hosts[0], &ws.modes);
    assert_eq!(report.max_evc_cross_check, CrossCheck::Agrees);
}

fn vm_files() -> Vec<String> {
    files_in("tests/data/real/govc/object.save-vmc-sddc")
        .into_iter()
        .filter(|f| f.contains("VirtualMachine") && f.ends_with(".xml"))
        .collect()
}

#[test]
fn each_real_vm_needs_intel_broadwell() {
    let files = vm_files();
    assert_eq!(files.len(), 7);
    for file in &files {
        let original = read(file);
        let stripped = original.replace(
            "<minRequiredEVCModeKey>intel-broadwell</minRequiredEVCModeKey>",
            "",
        );
        assert!(!stripped.contains("intel-broadwell"), "{file}");
        let ws = evcalc::session::load(&[evcalc::session::Source {
            name: file,
            text: &stripped,
        }]);
        assert!(ws.errors.is_empty(), "{file}: {:?}", ws.errors);
        assert_eq!(ws.vms.len(), 1, "{file}");
        let report = check::vm_report(&ws.vms[0], &ws.modes);
        assert_eq!(
            report.min_evc_mode.as_deref(),
            Some("intel-broadwell"),
            "{file}"
        );
        // Cross-check with the VM's own field, from the untouched file.
        let ws = load(&[file]);
        let report = check::vm_report(&ws.vms[0], &ws.modes);
        assert_eq!(
            report.reported_min_evc_mode.as_deref(),
            Some("intel-broadwell")
        );
        assert_eq!(report.min_evc_cross_check, CrossCheck::Agrees, "{file}");
    }
}

#[test]
fn real_vms_can_move_to_their_own_host_and_not_to_a_haswell_host() {
    let mut files: Vec<String> = vm_files();
    files.push(HOST_XML.to_string());
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let ws = load(&refs);
    let host = &ws.hosts[0];
    for vm in &ws.vms {
        let result = check_vm(vm, host, EvcSetting::Disabled);
        assert!(
            result.compatible,
            "{} → its own host: {:?}",
            vm.name, result.missing
        );
    }
    // The same host with Broadwell's additions removed stands in for a Haswell host.
    let mut haswellish = host.clone();
    let cat = evcalc::catalogue::catalogue();
    for key in [
        "cpuid.ADX",
        "cpuid.RDSEED",
        "cpuid.SMAP",
        "cpuid.3DNPREFETCH",
    ] {
        haswellish.caps.present.remove(cat.id(key));
    }
    let broadwell_only = [
        "cpuid.3DNPREFETCH",
        "cpuid.ADX",
        "cpuid.RDSEED",
        "cpuid.SMAP",
    ];
    for vm in &ws.vms {
        let result = check_vm(vm, &haswellish, EvcSetting::Disabled);
        assert!(!result.compatible, "{}", vm.name);
        let keys: Vec<&str> = result
            .missing
            .iter()
            .map(|m| m.canonical_key.as_str())
            .collect();
        // Exactly the Broadwell additions the VM requires (the vmx-10 `vcenter` VM only has 3DNPREFETCH).
        let expected: Vec<&str> = broadwell_only
            .iter()
            .copied()
            .filter(|k| vm.requirements.all.iter().any(|r| r.key.name() == *k))
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(keys, expected, "{}", vm.name);
    }
}

#[test]
fn xml_and_json_extracts_agree() {
    for xml in vm_files()
        .iter()
        .chain(std::iter::once(&HOST_XML.to_string()))
    {
        let json = xml.replace(".xml", ".evc.json");
        let a = load(&[xml]);
        let b = load(&[&json]);
        let names = |ws: &evcalc::session::Workspace| {
            (
                ws.hosts
                    .iter()
                    .map(|h| (h.caps.clone(), h.product.clone()))
                    .collect::<Vec<_>>(),
                ws.vms
                    .iter()
                    .map(|v| (v.name.clone(), v.requirements.clone()))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(names(&a), names(&b), "{xml} vs {json}");
    }
}

#[test]
fn real_vms_are_placed_on_their_host_by_moref_and_it_can_be_evacuated_nowhere() {
    let mut files: Vec<String> = vm_files();
    files.push(HOST_XML.to_string());
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let ws = load(&refs);
    // `runtime.host` is `host-14`; the host's object id is `host-14` and its name `esx-0`.
    assert_eq!(ws.hosts[0].name, "esx-0");
    assert!(
        ws.vms.iter().all(|v| v.host.as_deref() == Some("esx-0")),
        "{:?}",
        ws.vms.iter().map(|v| &v.host).collect::<Vec<_>>()
    );
    let request = evcalc::session::Request {
        inputs: files
            .iter()
            .map(|f| evcalc::session::OwnedSource {
                name: f.clone(),
                text: read(f),
            })
            .collect(),
        ..Default::default()
    };
    let answer = evcalc::app::cluster(&request);
    let plan = &answer.maintenance[0];
    assert_eq!(
        plan.vms.iter().map(|p| p.vms.len()).sum::<usize>(),
        7,
        "the seven real VMs are planned"
    );
    assert!(plan.vms.iter().all(|p| p.real_vm));
    assert_eq!(
        plan.verdict,
        "esx-0 is the only host: there is nowhere to move its VMs"
    );
}

/// Fidelity I acceptance: for each real VM, the requirements the engine computes for a VM of that
/// vHW powered on on host-14 with EVC disabled equal the VM's real `featureRequirement`, key for
/// key, except the gaps listed with their evidence in `core/data/vhw-gaps.tsv` (vmx-10: ABM, BMI1).
#[test]
fn engine_requirements_per_vhw_equal_the_real_lists() {
    let mut files: Vec<String> = vm_files()
        .into_iter()
        .filter(|f| f.ends_with(".xml"))
        .collect();
    files.push(HOST_XML.to_string());
    files.sort();
    files.dedup();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let ws = load(&refs);
    let host = &ws.hosts[0];
    assert_eq!(host.max_vhw, Some(20), "ESXi 8.0.1 runs vmx-20 at most");
    let gaps = read("core/data/vhw-gaps.tsv");
    let mut checked = 0;
    for vm in ws.vms.iter().filter(|v| !v.requirements.all.is_empty()) {
        let vhw = vm.vhw.expect("govc config.version");
        let computed = check::power_on_at(host, EvcSetting::Disabled, None, Some(vhw));
        let real: std::collections::BTreeSet<String> = vm
            .requirements
            .all
            .iter()
            .map(|r| r.key.name().to_ascii_lowercase())
            .collect();
        let ours: std::collections::BTreeSet<String> = computed
            .requirements
            .all
            .iter()
            .map(|r| r.key.name().to_ascii_lowercase())
            .collect();
        let missing: Vec<&String> = real.difference(&ours).collect();
        let extra: Vec<&String> = ours.difference(&real).collect();
        assert!(
            missing.is_empty(),
            "{} (vmx-{vhw}): real requires {missing:?}, engine does not",
            vm.name
        );
        for key in &extra {
            assert!(
                gaps.lines().any(|l| l.starts_with(&format!("{vhw}\t"))
                    && l.to_ascii_lowercase().contains(&format!("\t{key}\t"))),
                "{} (vmx-{vhw}): engine requires {key}, the real list does not, and no gap is recorded",
                vm.name
            );
        }
        assert!(
            computed.maybe.is_empty(),
            "{}: a full dump without EVC leaves nothing open: {:?}",
            vm.name,
            computed.maybe
        );
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn broadwell_raw_dump_to_host_14_is_compatible_without_evc() {
    let ws = load(&[
        "tests/data/cpuid/libvirt/x86_64-cpuid-Xeon-E5-2650-v4.xml",
        HOST_XML,
    ]);
    let dest = ws
        .hosts
        .iter()
        .find(|h| h.moref.as_deref() == Some("host-14"))
        .expect("host-14");
    let src = ws
        .hosts
        .iter()
        .find(|h| !std::ptr::eq(*h, dest))
        .expect("the E5-2650 v4 dump");
    let vm = check::power_on(src, EvcSetting::Disabled, None);
    let cat = evcalc::catalogue::catalogue();
    for key in ["cpuid.FP_SEGMENT_ZERO", "cpuid.HLE"] {
        assert!(
            !vm.requirements
                .required_features()
                .contains(cat.lookup(key).unwrap()),
            "{key} is required by no real VM"
        );
    }
    // The dump predates the Spectre microcode; a VM powered on on host-14 requires IBRS/IBPB.
    let vm14 = check::power_on(dest, EvcSetting::Disabled, None);
    for key in ["cpuid.IBRS", "cpuid.IBPB"] {
        assert!(
            vm14.requirements
                .required_features()
                .contains(cat.lookup(key).unwrap()),
            "{key} is required by every real vCenter-8 VM"
        );
        assert!(
            !vm14
                .requirements
                .required_features()
                .contains(cat.lookup("cpuid.HLE").unwrap())
        );
    }
    let r = check_vm(&vm, dest, EvcSetting::Disabled);
    assert!(r.missing.is_empty(), "{:?}", r.missing);
}

#[test]
fn a_per_vm_mwait_mask_blocks_a_host_without_mwait_and_vmx21_needs_esxi_80u2() {
    let ws = load(&[HOST_XML]);
    let host14 = &ws.hosts[0];
    let mut no_mwait = host14.clone();
    no_mwait.name = "no-mwait".to_string();
    no_mwait.caps.present.remove(
        evcalc::catalogue::catalogue()
            .lookup("cpuid.MWAIT")
            .unwrap(),
    );
    if let Some(m) = no_mwait.masked.as_mut() {
        m.present.remove(
            evcalc::catalogue::catalogue()
                .lookup("cpuid.MWAIT")
                .unwrap(),
        );
    }
    let vmx = "displayName = \"vCLS-1\"\nvirtualHW.version = \"14\"\nfeatMask.vm.cpuid.Intel = \"Val:1\"\nfeatMask.vm.cpuid.MWAIT = \"Val:1\"\n";
    let vws = evcalc::session::load(&[evcalc::session::Source {
        name: "vcls.vmx",
        text: vmx,
    }]);
    let vm = &vws.vms[0];
    assert_eq!(vm.vhw, Some(14));
    let r = check_vm(vm, &no_mwait, EvcSetting::Disabled);
    assert_eq!(r.verdict, evcalc::report::Verdict::Blocked);
    assert!(
        r.missing[0]
            .why
            .as_deref()
            .unwrap_or_default()
            .contains("cannot power on or resume"),
        "{:?}",
        r.missing
    );
    assert_eq!(
        check_vm(vm, host14, EvcSetting::Disabled).verdict,
        evcalc::report::Verdict::Compatible
    );
    // vmx-21 onto ESXi 8.0.1 (vmx-20 at most).
    let mut v21 = vm.clone();
    v21.vhw = Some(21);
    v21.mask_required = Default::default();
    let r = check_vm(&v21, host14, EvcSetting::Disabled);
    assert_eq!(r.verdict, evcalc::report::Verdict::Blocked);
    assert!(
        r.vhw_blocker
            .as_deref()
            .unwrap_or_default()
            .contains("ESXi 8.0 U2"),
        "{:?}",
        r.vhw_blocker
    );
}
