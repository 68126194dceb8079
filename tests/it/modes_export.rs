//! A SupportedEVCMode export (PowerCLI ConvertTo-Json shape) replaces the built-in modes.

use evcalc::check;
use evcalc_tests::{MDCLEAR_HOSTS, load};

const EXPORT: &str = "tests/data/synthetic/supported-evc-modes.powercli.json";

#[test]
fn an_export_replaces_the_builtin_catalogue() {
    let mut files = MDCLEAR_HOSTS.to_vec();
    files.push(EXPORT);
    let ws = load(&files);
    assert_eq!(ws.modes.source, EXPORT);
    let keys: Vec<&str> = ws.modes.modes.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["intel-merom", "intel-penryn"]);
    // The Haswell hosts have SSE4.1, so the export's highest mode for them is Penryn.
    for h in &ws.hosts {
        assert_eq!(
            check::host_report(h, &ws.modes).max_evc_mode.as_deref(),
            Some("intel-penryn"),
            "{}",
            h.name
        );
    }
    let penryn = ws.modes.get("intel-penryn").unwrap();
    let sse41 = evcalc::catalogue::catalogue().id("cpuid.SSE41");
    assert!(
        penryn.required.contains(sse41)
            && !ws.modes.get("intel-merom").unwrap().exposed.contains(sse41)
    );
    assert_eq!(penryn.evidence[0].tag, evcalc::evc::Tag::Export);
}

#[test]
fn per_vm_masks_are_recognised_as_their_mode() {
    let ws = load(&[
        "tests/data/real/vmx-featMask.vm.westmere.danielewood-misc.txt",
        "tests/data/real/vmx-featMask.vm.sandybridge-ep.szmijews-mfd-esxi.txt",
    ]);
    let modes: Vec<Option<String>> = ws
        .vms
        .iter()
        .map(|v| check::vm_report(v, &ws.modes).per_vm_mask_mode)
        .collect();
    assert_eq!(
        modes,
        [
            Some("intel-westmere".to_string()),
            Some("intel-sandybridge".to_string())
        ]
    );
}
