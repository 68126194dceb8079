//! AMD as VMware models it (issue 20, item 3). AMD enumerates IBPB, IBRS, STIBP and SSBD in
//! CPUID.80000008h:EBX (bits 12, 14, 15, 24); VMware's CPUID table
//! (`core/data/x86cpuid-fields.open-vm-tools.tsv`, open-vm-tools `x86cpuid.h`) keeps them as
//! fields of their own (`LEAF88_IBPB` ANY vHW 9, `LEAF88_IBRS` ANY vHW 20, `LEAF88_STIBP` NO,
//! `LEAF88_SSBD_SPEC_CTRL` YES vHW 20) \[C\]. Over every real AMD CPUID dump in `tests/data/cpuid`
//! (the INDEX's AMD rows), every class pair of the cluster answer (`app::cluster`) is built, and
//! no blocked cell names Intel's `cpuid.IBPB/IBRS/STIBP/SSBD`.

use evcalc::parse::{self, cpuid_dump};
use evcalc::report::Verdict;
use evcalc::{app, input::Document, session};
use evcalc_tests::read;

const INTEL_KEYS: [&str; 4] = ["cpuid.IBPB", "cpuid.IBRS", "cpuid.STIBP", "cpuid.SSBD"];

/// The AMD rows of `tests/data/cpuid/INDEX.tsv` (vendor AuthenticAMD: the CPU column or the file
/// names AMD; Hygon is another vendor).
fn amd_dumps() -> Vec<String> {
    read("tests/data/cpuid/INDEX.tsv")
        .lines()
        .skip(1)
        .filter(|l| l.to_ascii_lowercase().contains("amd"))
        .filter_map(|l| l.split('\t').next())
        .map(|f| format!("tests/data/cpuid/{f}"))
        .collect()
}

#[test]
fn no_amd_class_pair_is_blocked_by_an_intel_key() {
    let files = amd_dumps();
    assert!(files.len() >= 40, "{}", files.len());
    let request = session::Request {
        inputs: files
            .iter()
            .map(|f| session::OwnedSource {
                name: f.clone(),
                text: read(f),
            })
            .collect(),
        ..Default::default()
    };
    let answer = app::cluster(&request);
    assert!(answer.errors.is_empty(), "{:?}", answer.errors);
    assert_eq!(answer.hosts.len(), files.len());
    let (mut cells, mut blocked, mut unknown, mut intel) = (0, 0, 0, Vec::new());
    for (i, row) in answer.matrix.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let Some(cell) = cell else { continue };
            cells += 1;
            match cell.verdict {
                Verdict::Blocked => blocked += 1,
                Verdict::Unknown => unknown += 1,
                _ => {}
            }
            let mut keys = answer.blocker_keys(cell);
            for band in &cell.bands {
                keys.extend(
                    band.blockers
                        .iter()
                        .map(|&b| answer.blockers[b as usize].key.as_str()),
                );
            }
            if keys.iter().any(|k| INTEL_KEYS.contains(k)) {
                intel.push(format!(
                    "{} → {}: {keys:?}",
                    answer.classes[i].label, answer.classes[j].label
                ));
            }
        }
    }
    println!(
        "{} AMD dumps, {} classes, {cells} class pairs: {blocked} blocked, {unknown} unknown; {} name an Intel key",
        files.len(),
        answer.classes.len(),
        intel.len()
    );
    assert!(cells >= 900, "{cells}");
    assert!(intel.is_empty(), "{intel:#?}");
    // The blocked moves are still blocked (by generation features), not turned into `unknown`.
    assert!(blocked * 10 >= cells * 7, "{blocked} of {cells}");
}

/// Every bare-metal AMD dump reads AMD's own bits under `cpuid.LEAF88_*` and has Intel's
/// CPUID.(7,0):EDX bits 26/27/31 clear \[D\] (the rule `cpuid_dump` reads an AMD dump's set
/// Intel bit by: only a hypervisor sets them; the KVM guest `local/dev-machine` does).
#[test]
fn amd_hardware_never_sets_intels_spec_ctrl_bits() {
    let mut with_ibpb = 0;
    for f in amd_dumps() {
        if f.ends_with("proc-cpuinfo.txt") {
            continue;
        }
        let (leaves, _) = cpuid_dump::parse_leaves(&read(&f)).unwrap();
        let edx7 = leaves.read(7, 0)[3];
        let guest = leaves.read(1, 0)[2] >> 31 & 1 == 1;
        let intel_bits = edx7 & (1 << 26 | 1 << 27 | 1 << 31);
        if guest {
            assert!(f.contains("dev-machine"), "{f}");
            assert_ne!(intel_bits, 0, "{f}: the KVM guest sets them");
        } else {
            assert_eq!(intel_bits, 0, "{f}: CPUID.(7,0):EDX = {edx7:#x}");
        }
        let parsed = parse::parse(&read(&f)).unwrap();
        let Document::Host(h) = &parsed.documents[0] else {
            panic!("{f}: not a host")
        };
        let value = |k: &str| h.capabilities.iter().find(|e| e.key == k).map(|e| e.value);
        for k in INTEL_KEYS {
            assert_eq!(value(k), Some(0), "{f}: {k}");
        }
        let ebx88 = leaves.read(0x8000_0008, 0)[1];
        assert_eq!(
            value("cpuid.LEAF88_IBPB"),
            Some(u64::from(ebx88 >> 12 & 1)),
            "{f}"
        );
        assert_eq!(
            value("cpuid.LEAF88_IBRS"),
            Some(u64::from(ebx88 >> 14 & 1)),
            "{f}"
        );
        assert_eq!(
            value("cpuid.LEAF88_SSBD_SPEC_CTRL"),
            Some(u64::from(ebx88 >> 24 & 1)),
            "{f}"
        );
        with_ibpb += usize::from(ebx88 >> 12 & 1 == 1);
    }
    assert!(with_ibpb >= 5, "{with_ibpb}");
}
