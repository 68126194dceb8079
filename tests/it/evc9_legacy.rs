//! vSphere 9 `evc_mode` JSON and legacy `cpuid.N.reg` mask lines (issue 22), on the synthetic
//! samples of `tests/data/synthetic/evc9/` and `tests/data/synthetic/legacy-masks/` (shapes from
//! the vSphere Automation API 9.0 reference and KB 52345; values ours).

use evcalc::input::Format;
use evcalc::session::{self, Source};
use evcalc_tests::read;

fn load(file: &str) -> session::Workspace {
    let text = read(file);
    session::load(&[Source {
        name: file,
        text: &text,
    }])
}

#[test]
fn cluster_evc_mode_json_is_the_clusters_evc_state() {
    let f = "tests/data/synthetic/evc9/cluster-evc-mode.haswell.json";
    assert_eq!(evcalc::parse::detect(&read(f)), Some(Format::Evc9Json));
    let ws = load(f);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    let (set, what) = ws.evc_state.as_ref().expect("evc state");
    let cat = evcalc::catalogue::catalogue();
    // Only the patch-era features with Val:1 count as exposure evidence.
    assert!(set.contains(cat.id("cpuid.MDCLEAR")) && set.contains(cat.id("cpuid.IBRS")));
    assert!(!set.contains(cat.id("cpuid.AVX2")));
    assert!(what.contains("intel-haswell"), "{what}");
    let ws = load("tests/data/synthetic/evc9/vm-evc-mode.unset.json");
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
}

#[test]
fn kb_52345_config_lines_are_decoded_per_feature() {
    let f = "tests/data/synthetic/legacy-masks/etc-vmware-config.kb52345.txt";
    assert_eq!(
        evcalc::parse::detect(&read(f)),
        Some(Format::LegacyCpuidMasks)
    );
    let ws = load(f);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    let w = ws.inputs[0]
        .warnings
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    for k in ["cpuid.IBRS", "cpuid.IBPB", "cpuid.STIBP"] {
        assert!(w.contains(k), "{k}: {w}");
    }
    // Host-wide guest masks are not EVC masks: no host, no loose featMask.evc set.
    assert!(ws.loose_evc_masks.is_empty());
}

#[test]
fn old_vmx_masks_become_the_vms_per_vm_masks() {
    let ws = load("tests/data/synthetic/legacy-masks/old-vm-vhw8.vmx.txt");
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    let vm = &ws.vms[0];
    assert_eq!(vm.name, "legacy01");
    assert_eq!(vm.vhw, Some(8));
    let keys: Vec<String> = vm
        .masks
        .iter()
        .map(|(k, m)| format!("{}={:?}:{}", k.name(), m.op, m.value))
        .collect();
    // ECX bit 28 `0` (AVX hidden); 0x80000001 EDX bit 20 `R` (NX: hidden, equal on both hosts).
    assert!(
        keys.iter().any(|k| k.starts_with("cpuid.AVX=Val:0")),
        "{keys:?}"
    );
    assert!(
        keys.iter().any(|k| k.starts_with("cpuid.NX=Val:0")),
        "{keys:?}"
    );
}
