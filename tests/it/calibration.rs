//! The catalogue's requirement roles and VMware's first-vHW table against the only real
//! requirement lists: seven VMs (vmx-10 … vmx-19) powered on on the real ESXi 8.0.1 host-14
//! (no EVC: its `maskedFeatureCapability` is what they could see).
//!
//! For each VM, "host-14's exposed features ∩ `requirable_at(vHW)`" must equal the VM's real
//! `featureRequirement` keys, apart from the gaps listed in `core/data/vhw-gaps.tsv` (features
//! VMware's table places at or below the VM's vHW that the VM still does not require — the
//! non-public rules are not modelled, only listed).

use evcalc::catalogue::{FeatureSet, Role, catalogue, fid};
use evcalc_tests::{files_in, read};
use serde_json::Value;

const DIR: &str = "tests/data/real/govc/object.save-vmc-sddc";

fn keys(list: &Value) -> FeatureSet {
    let cat = catalogue();
    list.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["value"].as_str() != Some("0"))
        .filter_map(|e| cat.lookup(e["key"].as_str().unwrap()))
        .collect()
}

fn names(set: FeatureSet) -> Vec<String> {
    set.iter()
        .map(|id| catalogue().def(id).key.clone())
        .collect()
}

/// (vHW, key) rows of `core/data/vhw-gaps.tsv`.
fn gaps() -> Vec<(u8, String)> {
    read("core/data/vhw-gaps.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 6, "vhw-gaps.tsv: {l}");
            let first: u8 = cols[2].parse().unwrap();
            let vhw: u8 = cols[0].parse().unwrap();
            let id = catalogue().id(cols[1]);
            assert_eq!(
                catalogue().first_vhw(id),
                Some(first),
                "{}: the table's first vHW",
                cols[1]
            );
            assert!(
                first <= vhw,
                "a gap is a feature the table allows at that vHW"
            );
            assert!(cols[5].starts_with("[D]"));
            (vhw, cols[1].to_string())
        })
        .collect()
}

#[test]
fn real_vm_requirements_are_host_exposure_cut_by_role_and_vhw() {
    let cat = catalogue();
    let host: Value =
        serde_json::from_str(&read(&format!("{DIR}/0082-HostSystem-host-14.evc.json"))).unwrap();
    let exposed = keys(&host["config.maskedFeatureCapability"]);
    assert_eq!(
        exposed,
        keys(&host["config.featureCapability"]),
        "no EVC on host-14"
    );
    let gaps = gaps();
    let mut seen_gaps = Vec::new();
    let vms: Vec<String> = files_in(DIR)
        .into_iter()
        .filter(|f| f.contains("VirtualMachine") && f.ends_with(".evc.json"))
        .collect();
    assert_eq!(vms.len(), 7);
    for file in &vms {
        let vm: Value = serde_json::from_str(&read(file)).unwrap();
        let vhw: u8 = vm["config.version"]
            .as_str()
            .unwrap()
            .trim_start_matches("vmx-")
            .parse()
            .unwrap();
        let real = keys(&vm["runtime.featureRequirement"]);
        let computed = exposed.intersection(cat.requirable_at(vhw));
        assert!(
            real.is_subset(&exposed),
            "{file}: requires what host-14 does not expose"
        );
        assert!(
            real.is_subset(&computed),
            "{file}: real requirements the roles miss: {:?}",
            names(real.difference(computed))
        );
        let over: Vec<String> = names(computed.difference(real));
        let expected: Vec<String> = gaps
            .iter()
            .filter(|(v, _)| *v == vhw)
            .map(|(_, k)| k.clone())
            .collect();
        assert_eq!(
            over, expected,
            "{file} (vmx-{vhw}): computed but not required, beyond vhw-gaps.tsv"
        );
        seen_gaps.extend(expected);
        // What no real VM requires, although host-14 exposes it.
        for id in [fid::HLE, fid::RTM, fid::DS, fid::MWAIT, fid::VMX] {
            assert!(exposed.contains(id) && !real.contains(id));
        }
        for id in [fid::IBRS, fid::IBPB, fid::MDCLEAR] {
            assert!(real.contains(id), "{file}");
        }
        assert!(!real.contains(fid::FP_SEGMENT_ZERO));
    }
    assert!(
        !seen_gaps.is_empty() && gaps.iter().all(|(_, k)| seen_gaps.contains(k)),
        "every listed gap is observed"
    );
    // Every key exposed on host-14 has a decided role ([D]).
    for id in exposed.iter() {
        let def = cat.def(id);
        assert_ne!(def.role, Role::Unproven, "{}", def.key);
        assert!(
            def.role_evidence.starts_with("[D]"),
            "{}: {}",
            def.key,
            def.role_evidence
        );
    }
}
