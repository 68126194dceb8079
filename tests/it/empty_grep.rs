//! Issue 20 item 9: what an empty `grep` means. On a release known to list only the features a
//! host has (the one real ESXi 8.0 U1 host, host-14, lists 83 keys, every value 1), a
//! `vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear` that printed nothing, with the host's
//! version from the same transcript, means the host does not offer MDCLEAR; the answer says it
//! rests on that empty grep and that release's listing style. Anywhere else the feature stays
//! unknown. The VM is the real test-snap (vmx-14, 43 requirements incl. `cpuid.mdclear`) of
//! host-14; the version line is host-14's real `product.fullName`.

use evcalc::check::{self, EvcSetting};
use evcalc::report::{Absence, Verdict};
use evcalc::session::{self, Source};
use evcalc_tests::{check_vm, read};

const VM: &str = "tests/data/real/govc/object.save-vmc-sddc/0089-VirtualMachine-vm-1003.xml";
const REAL_VERSION: &str = "VMware ESXi 8.0.1 build-22513723";

fn transcript(version: Option<&str>, grep: &str) -> String {
    let mut t = String::new();
    if let Some(v) = version {
        t.push_str(&format!("[root@esx-1:~] vmware -v\n{v}\n"));
    }
    t.push_str(&format!(
        "[root@esx-1:~] vim-cmd hostsvc/hostconfig | {grep}\n[root@esx-1:~] \n"
    ));
    t
}

/// The move test-snap → esx-1 under no EVC (host-14's cluster has EVC off).
fn answer(text: &str) -> (evcalc_tests::Checked, Vec<String>) {
    let vm_text = read(VM);
    let sources = [
        Source {
            name: "vm-1003.xml",
            text: &vm_text,
        },
        Source {
            name: "grep.txt",
            text,
        },
    ];
    let ws = session::load(&sources);
    assert!(ws.errors.is_empty(), "{:#?}", ws.errors);
    let host = ws.hosts.iter().find(|h| h.name == "esx-1").expect("esx-1");
    let vm = ws
        .vms
        .iter()
        .find(|v| v.name == "test-snap")
        .expect("test-snap");
    let r = check_vm(vm, host, EvcSetting::Disabled);
    let warnings = ws
        .inputs
        .iter()
        .flat_map(|i| i.warnings.iter().map(|w| w.to_string()))
        .collect();
    (r, warnings)
}

#[test]
fn an_empty_grep_on_esxi_8_0_1_means_not_offered() {
    let (r, warnings) = answer(&transcript(Some(REAL_VERSION), "grep -i -A 2 mdclear"));
    assert_eq!(r.verdict, Verdict::Blocked, "{r:#?}");
    let keys: Vec<&str> = r.missing.iter().map(|m| m.canonical_key.as_str()).collect();
    assert_eq!(keys, ["cpuid.MDCLEAR"]);
    let m = &r.missing[0];
    assert_eq!(m.absence, Some(Absence::NotListed));
    assert_eq!((m.available, m.raw_available), (0, Some(0)));
    let why = m.why.as_deref().unwrap_or_default();
    assert!(why.contains("printed nothing"), "{why}");
    assert!(why.contains("rests on that empty grep"), "{why}");
    // 8.0.1 contains the MDS patch: the remedy leads with firmware and a cold power cycle.
    assert_eq!(m.remedy, Some("mds-patched-build"));
    assert!(m.patched_build.is_some());
    // Every other requirement is unknown there (a fragment knows only what it shows).
    assert!(!r.unknown_on_destination.is_empty());
    assert!(
        warnings.iter().any(
            |w| w.contains("printed nothing on esx-1, which runs ESXi 8.0 U1")
                && w.contains("listing style")
        ),
        "{warnings:#?}"
    );
}

#[test]
fn anywhere_else_an_empty_grep_leaves_the_feature_unknown() {
    let cases = [
        // no version in the transcript
        (None, "grep -i -A 2 mdclear"),
        // ESXi 6.x lists absent features as "0": silence is not absence
        (
            Some("VMware ESXi 6.7.0 build-15160138"),
            "grep -i -A 2 mdclear",
        ),
        // ESXi 7.x: listing style unobserved
        (
            Some("VMware ESXi 7.0.3 build-21686933"),
            "grep -i -A 2 mdclear",
        ),
        // other 8.0 updates: only 8.0 U1 was observed
        (
            Some("VMware ESXi 8.0.3 build-24022510"),
            "grep -i -A 2 mdclear",
        ),
        // a case-sensitive grep prints nothing on lower-case keys whatever the host has
        (Some(REAL_VERSION), "grep -A 2 MDCLEAR"),
    ];
    for (version, grep) in cases {
        let (r, _) = answer(&transcript(version, grep));
        assert_eq!(r.verdict, Verdict::Unknown, "{version:?} {grep}: {r:#?}");
        assert!(r.missing.is_empty(), "{version:?} {grep}");
    }
}

/// The real host-14 (8.0.1, lists only present features) offers MDCLEAR: the real VM moves
/// there; the empty-grep host beside it is what blocks.
#[test]
fn the_real_host_lists_the_feature_the_empty_grep_host_lacks() {
    let host_text = read("tests/data/real/govc/object.save-vmc-sddc/0082-HostSystem-host-14.xml");
    let vm_text = read(VM);
    let grep = transcript(Some(REAL_VERSION), "grep -i -A 2 mdclear");
    let sources = [
        Source {
            name: "host-14.xml",
            text: &host_text,
        },
        Source {
            name: "vm-1003.xml",
            text: &vm_text,
        },
        Source {
            name: "grep.txt",
            text: &grep,
        },
    ];
    let ws = session::load(&sources);
    let h14 = &ws.hosts[0];
    assert_eq!(
        h14.release.map(|r| (r.major, r.minor, r.update)),
        Some((8, 0, 1))
    );
    assert!(h14.caps.present.iter().count() > 50);
    assert!(
        check::power_on(h14, EvcSetting::Disabled, None)
            .requirements
            .all
            .len()
            > 30
    );
    let vm = ws.vms.iter().find(|v| v.name == "test-snap").unwrap();
    assert_eq!(
        check_vm(vm, h14, EvcSetting::Disabled).verdict,
        Verdict::Compatible
    );
    let esx1 = ws.hosts.iter().find(|h| h.name == "esx-1").unwrap();
    assert_eq!(
        check_vm(vm, esx1, EvcSetting::Disabled).verdict,
        Verdict::Blocked
    );
}
