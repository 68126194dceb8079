//! Issue 20 item 7: a host's own masked list outranks evcalc's baselines, and EVC baselines pass
//! VT-x through. Real per-VM EVC masks (Westmere from danielewood/misc, Sandy Bridge-EP from
//! Intel's mfd-esxi) set `featMask.vm.cpuid.VMX`, `hv.capable`, `vt.realmode` to `Val:1`; the
//! hosts are the bundled examples (Haswell-EP features from a real dump).

use evcalc::check::EvcSetting;
use evcalc::exposure;
use evcalc::report::Verdict;
use evcalc_tests::{MDCLEAR_HOSTS, check_vm, files_in, load};

const WESTMERE: &str = "tests/data/real/vmx-featMask.vm.westmere.danielewood-misc.txt";
const SANDY: &str = "tests/data/real/vmx-featMask.vm.sandybridge-ep.szmijews-mfd-esxi.txt";

/// Before: "has 0 (raw 1: its EVC masks hide it)" and "enable VT-x in the BIOS" on every host.
/// Now VMX is met where the host has it; only MDCLEAR (Sandy Bridge-EP mask, Val:1) blocks, on
/// the hosts that lack it.
#[test]
fn per_vm_masked_vms_power_on_where_the_host_offers_vt() {
    let stale = files_in("examples/mdclear-stale-masks");
    let stale: Vec<&str> = stale
        .iter()
        .map(String::as_str)
        .filter(|f| f.contains("esxi0") && !f.contains("config") && !f.contains("vm-"))
        .collect();
    for hosts in [MDCLEAR_HOSTS.to_vec(), stale] {
        let mut files = hosts.clone();
        files.extend([WESTMERE, SANDY]);
        let ws = load(&files);
        let evc = EvcSetting::Mode(ws.modes.get("intel-haswell").unwrap());
        let vm = |name: &str| ws.vms.iter().find(|v| v.source.contains(name)).unwrap();
        for dest in &ws.hosts {
            let w = check_vm(vm("westmere"), dest, evc);
            assert_eq!(
                w.verdict,
                Verdict::Compatible,
                "westmere → {}: {:#?}",
                dest.name,
                w.missing
            );
            let s = check_vm(vm("sandybridge"), dest, evc);
            let keys: Vec<&str> = s.missing.iter().map(|m| m.canonical_key.as_str()).collect();
            assert!(!keys.contains(&"cpuid.VMX"), "{}: {keys:?}", dest.name);
            if dest.name == "esxi01" {
                assert_eq!(s.verdict, Verdict::Compatible, "{:#?}", s.missing);
            } else {
                assert_eq!(keys, ["cpuid.MDCLEAR"], "{}", dest.name);
            }
        }
    }
}

/// A masked list that hides something the CPU has (a host-level mask is active) is the host's
/// own evidence: the built-in ceiling of another mode does not override it. A masked list equal
/// to raw with nothing else is no evidence about a hypothetical mode: the ceiling stays.
#[test]
fn an_active_masked_list_outranks_the_baseline_ceiling() {
    let stale = files_in("examples/mdclear-stale-masks");
    let stale: Vec<&str> = stale
        .iter()
        .map(String::as_str)
        .filter(|f| f.ends_with("esxi02.txt"))
        .collect();
    let ws_stale = load(&stale);
    let ws_same = load(&[MDCLEAR_HOSTS[1]]);
    let westmere = ws_same.modes.get("intel-westmere").unwrap();
    let avx = evcalc::catalogue::fid::AVX;
    let stale_h = &ws_stale.hosts[0];
    assert!(stale_h.masked.as_ref().unwrap().present.contains(avx));
    let e = exposure::effective(stale_h, EvcSetting::Mode(westmere));
    assert_eq!(e.basis, exposure::Basis::MaskedList);
    assert!(
        e.present.contains(avx),
        "the host's own masked list shows AVX"
    );
    let same_h = &ws_same.hosts[0];
    let e = exposure::effective(same_h, EvcSetting::Mode(westmere));
    assert!(
        !e.present.contains(avx),
        "masked = raw: the Westmere ceiling applies"
    );
}
