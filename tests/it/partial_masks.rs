//! Issue 20 item 5: partial masks are partial. One grep'd `featMask.evc.cpuid.MDCLEAR = "Val:1"`
//! line — exactly what the field report quotes — is known for MDCLEAR and unknown elsewhere; a
//! `featureCompat.evc.completeMasks = "TRUE"` line (esxi01's whole `/etc/vmware/config`) makes the
//! lines the whole set; `"FALSE"` leaves unnamed features at the host's value (API
//! `ApplyEvcModeVM_Task`).

use evcalc::check::{self, EvcSetting};
use evcalc::session::{self, Source};
use evcalc_tests::{MDCLEAR_HOSTS, read};

/// A hostconfig dump without its `maskedFeatureCapability` list (where the masked list is
/// shown, it decides and the lines only corroborate it: item 7).
fn without_masked(text: &str) -> String {
    let start = text
        .find("   maskedFeatureCapability = ")
        .expect("masked list");
    let end = start
        + text[start..]
            .find("\n   ],\n")
            .expect("end of the masked list")
        + "\n   ],\n".len();
    format!("{}{}", &text[..start], &text[end..])
}

fn any_vm_on_esxi01(config_name: &str, config: &str) -> (usize, usize) {
    let texts: Vec<(String, String)> = MDCLEAR_HOSTS
        .iter()
        .map(|p| (p.to_string(), without_masked(&read(p))))
        .chain([(config_name.to_string(), config.to_string())])
        .collect();
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    let ws = session::load(&sources);
    assert!(ws.errors.is_empty(), "{:#?}", ws.errors);
    let h = &ws.hosts[0];
    assert_eq!(h.name, "esxi01");
    assert!(!h.evc_masks.is_empty(), "the lines attach to esxi01");
    assert!(h.masked.is_none());
    let vm = check::power_on(
        h,
        EvcSetting::Mode(ws.modes.get("intel-haswell").unwrap()),
        None,
    );
    (vm.requirements.all.len(), vm.maybe.len())
}

#[test]
fn a_grepped_featmask_line_is_known_for_its_key_only() {
    let full = read("examples/mdclear-cluster/esxi01-etc-vmware-config.txt");
    assert!(full.contains("featureCompat.evc.completeMasks = \"TRUE\""));
    let (full_req, full_maybe) = any_vm_on_esxi01("esxi01-etc-vmware-config.txt", &full);
    let grep = "featMask.evc.cpuid.MDCLEAR = \"Val:1\"\n";
    let (grep_req, grep_maybe) = any_vm_on_esxi01("esxi01-grep.txt", grep);
    // The whole file: the VM requires what the masks expose (39 before and after).
    assert!(full_req >= 39, "{full_req}");
    // The grep: MDCLEAR is known (required); the other features are possible, not dropped.
    assert_eq!(grep_req, 1);
    assert!(
        grep_maybe >= full_req - 1,
        "{grep_maybe} maybe vs {full_req}"
    );
    // completeMasks FALSE: unnamed features keep the host's value, so they are seen.
    let (false_req, _) = any_vm_on_esxi01(
        "esxi01-false.txt",
        "featureCompat.evc.completeMasks = \"FALSE\"\nfeatMask.evc.cpuid.MDCLEAR = \"Val:1\"\n",
    );
    assert!(false_req >= full_req, "{false_req} vs {full_req}");
    eprintln!(
        "any VM on esxi01: whole config {full_req} required/{full_maybe} maybe; one grep'd line \
         {grep_req} required/{grep_maybe} maybe; completeMasks FALSE {false_req} required"
    );
}
