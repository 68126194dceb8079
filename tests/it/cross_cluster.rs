//! Issue 9 item 6: moves between clusters. An intel-sandybridge cluster and an intel-westmere
//! cluster built from real CPUID dumps (InstLatX64, `tests/data/cpuid/`): VMs powered on under
//! Sandy Bridge are blocked even onto Sandy Bridge hardware in the Westmere cluster (AVX, XSAVE,
//! PCID, … named), VMs of the Westmere cluster can move; the plan names cold migration and
//! per-VM EVC with their costs (evc-domain.md §5.3, last bullet).
//!
//! Raw CPUID dumps carry no masked lists: whether the clusters' masks expose the patch-era
//! features (IBRS, IBPB, SSBD, MDCLEAR, FCMD — the Sandy Bridge-E and Gulftown_01 dumps were
//! taken with patched microcode) is unknown unless evidence is given. `--evc-exposes none`
//! (every host's masks hide them) lets the generational features decide.

use evcalc::check::{self, EvcSetting};
use evcalc::evc::builtin_modes;
use evcalc::exposure::{self, ClusterExposure};
use evcalc::model::Host;
use evcalc::plan::{self, MoveIntoReport, WayKind};
use evcalc::report::Verdict;
use evcalc::session::{self, Source};
use evcalc_tests::read;

const SNB_E: &str = "tests/data/cpuid/instlatx64/GenuineIntel00206D7_SandyBridgeE_00_CPUID.txt";
const SNB_EP: &str = "tests/data/cpuid/instlatx64/GenuineIntel00206D5_SandyBridgeEP_CPUID.txt";
const WSM: &str = "tests/data/cpuid/instlatx64/GenuineIntel00206C1_Gulftown_CPUID.txt";
const WSM_PATCHED: &str = "tests/data/cpuid/instlatx64/GenuineIntel00206C2_Gulftown_01_CPUID.txt";

const SNB_MODE: &str = "intel-sandybridge";
const WSM_MODE: &str = "intel-westmere";

/// Hosts named as given, from real dumps (one host each).
fn hosts(named: &[(&str, &str)]) -> Vec<Host> {
    let texts: Vec<(String, String)> = named
        .iter()
        .map(|(n, p)| (n.to_string(), read(p)))
        .collect();
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    let ws = session::load(&sources);
    assert!(ws.errors.is_empty(), "{:#?}", ws.errors);
    assert_eq!(ws.hosts.len(), named.len());
    let mut hosts = ws.hosts;
    for (h, (n, _)) in hosts.iter_mut().zip(named) {
        h.name = n.to_string();
    }
    hosts
}

/// `--evc-exposes none`: every host's masks hide the patch-era features.
fn hidden(mut hosts: Vec<Host>) -> Vec<Host> {
    exposure::resolve_cluster(
        &mut hosts,
        &[],
        &ClusterExposure {
            evc_exposes: Some(exposure::parse_exposes("none").unwrap()),
            ..ClusterExposure::default()
        },
    );
    hosts
}

/// The Sandy Bridge cluster: Sandy Bridge-E and Sandy Bridge-EP hosts.
fn snb_cluster() -> Vec<Host> {
    hosts(&[("snb01", SNB_E), ("snb02", SNB_EP)])
}

/// The Westmere cluster: two Westmere-EP hosts and a Sandy Bridge-EP host (newer hardware
/// admitted to the older mode).
fn wsm_cluster() -> Vec<Host> {
    hosts(&[
        ("wsm01", WSM_PATCHED),
        ("wsm02", WSM),
        ("wsm03-snb", SNB_EP),
    ])
}

fn into(old: &[Host], old_mode: &str, new: &[Host], new_mode: &str) -> MoveIntoReport {
    let modes = builtin_modes();
    plan::move_into(
        old,
        EvcSetting::Mode(modes.get(old_mode).unwrap()),
        new,
        EvcSetting::Mode(modes.get(new_mode).unwrap()),
        &[],
        None,
        modes,
    )
}

#[test]
fn the_clusters_are_what_they_say() {
    let modes = builtin_modes();
    for h in snb_cluster() {
        assert_eq!(
            check::host_max_mode(&h, modes).map(|m| m.key.as_str()),
            Some(SNB_MODE),
            "{}",
            h.name
        );
    }
    let wsm = wsm_cluster();
    let snb_mode = modes.get(SNB_MODE).unwrap();
    let wsm_mode = modes.get(WSM_MODE).unwrap();
    for h in &wsm {
        assert_eq!(
            check::admission(h, wsm_mode).admitted,
            Some(true),
            "{}",
            h.name
        );
    }
    // Sandy Bridge hardware in the Westmere cluster.
    assert_eq!(check::admission(&wsm[2], snb_mode).admitted, Some(true));
}

#[test]
fn sandybridge_vms_are_blocked_even_onto_sandybridge_hardware_in_the_westmere_cluster() {
    let snb = hidden(snb_cluster());
    let wsm = hidden(wsm_cluster());
    let r = into(&snb, SNB_MODE, &wsm, WSM_MODE);
    assert_eq!(r.verdict, Verdict::Blocked, "{}", r.summary);
    assert_eq!(r.from_evc.as_deref(), Some(SNB_MODE));
    assert_eq!(r.to_evc.as_deref(), Some(WSM_MODE));
    assert!(r.computed_vms);
    assert!(!r.vms.is_empty());
    assert!(r.summary.contains("cannot move live"), "{}", r.summary);
    // VMs of a vHW below AVX's first version in VMware's table never saw it: they may move.
    assert!(r.vms.iter().any(|vm| vm.verdict == Verdict::Blocked));
    for vm in r.vms.iter().filter(|vm| vm.verdict != Verdict::Blocked) {
        assert_eq!(vm.verdict, Verdict::Compatible, "{}", vm.summary);
    }
    let newest = r.vms.last().unwrap();
    assert!(
        newest.blocking_features.iter().any(|k| k == "cpuid.PCID"),
        "{:?}",
        newest.blocking_features
    );
    for vm in r.vms.iter().filter(|vm| vm.verdict == Verdict::Blocked) {
        assert!(vm.accepted_by.is_empty());
        // Every new host blocks it, the Sandy Bridge-EP one included.
        let blocked: Vec<&str> = vm
            .blocked_on
            .iter()
            .flat_map(|b| b.hosts.iter().map(String::as_str))
            .collect();
        assert!(blocked.contains(&"wsm03-snb"), "{blocked:?}");
        assert_eq!(blocked.len(), 3);
        for key in ["cpuid.AVX", "cpuid.XSAVE"] {
            assert!(
                vm.blocking_features.iter().any(|k| k == key),
                "{}: {:?}",
                vm.vm,
                vm.blocking_features
            );
        }
        // Deduplicated.
        let mut dedup = vm.blocking_features.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), vm.blocking_features.len());
        let snb_block = vm
            .blocked_on
            .iter()
            .find(|b| b.hosts.iter().any(|h| h == "wsm03-snb"))
            .unwrap();
        assert!(
            snb_block
                .missing
                .iter()
                .any(|m| m.canonical_key == "cpuid.AVX")
        );
        assert!(snb_block.not_admitted.is_none());

        // The ways through, cheapest first: cold migration, then per-VM EVC, then lowering.
        let kinds: Vec<WayKind> = vm.ways.iter().map(|w| w.kind).collect();
        assert_eq!(
            kinds,
            [
                WayKind::ColdMigration,
                WayKind::PerVmEvc,
                WayKind::LowerOldMode
            ],
            "{}",
            vm.vm
        );
        let cold = &vm.ways[0];
        assert_eq!(cold.possible, Some(true));
        assert!(cold.cost.contains("power-off"), "{}", cold.cost);
        assert!(cold.action.contains("power") && cold.action.contains("migrate"));
        assert_eq!(cold.accepted_by.len(), 3);
        let per_vm = &vm.ways[1];
        assert_eq!(per_vm.possible, Some(true), "{per_vm:?}");
        assert_eq!(per_vm.mode.as_deref(), Some(WSM_MODE));
        assert!(per_vm.cost.contains("power-off") && per_vm.cost.contains("6.7"));
        assert!(per_vm.action.contains("per-VM EVC mode to intel-westmere"));
        assert_eq!(per_vm.accepted_by.len(), 3);
        let lower = &vm.ways[2];
        assert_eq!(lower.mode.as_deref(), Some(WSM_MODE));
        assert!(
            lower.cost.contains("ActiveVMsBlockingEVC"),
            "{}",
            lower.cost
        );
        assert!(lower.cost.contains("never cheaper than cold migration"));
    }
    // Serializable like the other reports.
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"kind\":\"per-vm-evc\""));
    assert!(json.contains("\"verdict\":\"blocked\""));
}

#[test]
fn westmere_vms_can_move_into_the_sandybridge_cluster() {
    let wsm = hidden(wsm_cluster());
    let snb = hidden(snb_cluster());
    let r = into(&wsm, WSM_MODE, &snb, SNB_MODE);
    assert_eq!(r.verdict, Verdict::Compatible, "{}", r.summary);
    for vm in &r.vms {
        assert_eq!(vm.verdict, Verdict::Compatible, "{}", vm.summary);
        assert_eq!(vm.accepted_by, ["snb01", "snb02"]);
        assert!(vm.ways.is_empty());
    }
    assert!(r.summary.starts_with("every VM group"), "{}", r.summary);
}

#[test]
fn without_exposure_evidence_the_westmere_direction_is_unknown_not_compatible() {
    // Gulftown_01 and Sandy Bridge-E report IBRS/IBPB/… raw; nothing shows whether the masks
    // expose them, so a VM from wsm01 may require them and snb02 lacks them.
    let r = into(&wsm_cluster(), WSM_MODE, &snb_cluster(), SNB_MODE);
    assert_eq!(r.verdict, Verdict::Unknown, "{}", r.summary);
    // Mitigations reach guests from vmx-9 (VMware's CPUID field table): older bands are proven.
    let wsm01: Vec<_> = r
        .vms
        .iter()
        .filter(|v| v.from.as_deref() == Some("wsm01"))
        .collect();
    assert!(wsm01.iter().any(|v| v.vhw_band.is_some_and(|b| b.1 < 9)));
    for vm in wsm01 {
        let expected = if vm.vhw.is_some_and(|v| v >= 9) {
            Verdict::Unknown
        } else {
            Verdict::Compatible
        };
        assert_eq!(vm.verdict, expected, "{}", vm.summary);
        if expected == Verdict::Unknown {
            let (_, why) = vm.unknown_on.iter().find(|(h, _)| h == "snb02").unwrap();
            assert!(why.iter().any(|w| w.contains("EVC masks")), "{why:?}");
        }
    }
    // Nothing blocked, so no VM is reported blocked.
    assert!(r.vms.iter().all(|v| v.verdict != Verdict::Blocked));
}

#[test]
fn a_real_vm_is_checked_by_its_requirements() {
    let modes = builtin_modes();
    let snb = hidden(snb_cluster());
    let wsm = hidden(wsm_cluster());
    let snb_mode = EvcSetting::Mode(modes.get(SNB_MODE).unwrap());
    let wsm_mode = EvcSetting::Mode(modes.get(WSM_MODE).unwrap());
    // A VM powered on on snb02 under the Sandy Bridge mode, then one powered off.
    let mut app = check::power_on_at(&snb[1], snb_mode, None, Some(17));
    app.name = "app01".to_string();
    app.from_input = true;
    app.vhw_from = evcalc::model::Provenance::Read;
    let mut off = app.clone();
    off.name = "off01".to_string();
    off.power_state = Some("poweredOff".to_string());
    let r = plan::move_into(&snb, snb_mode, &wsm, wsm_mode, &[app, off], None, modes);
    assert!(!r.computed_vms);
    assert_eq!(r.vms.len(), 1, "powered-off VMs are skipped");
    let vm = &r.vms[0];
    assert_eq!(vm.vm, "app01");
    assert_eq!(vm.from.as_deref(), Some("snb02"));
    assert_eq!(vm.requirements_from, "input");
    assert_eq!(vm.verdict, Verdict::Blocked);
    assert!(vm.blocking_features.iter().any(|k| k == "cpuid.AVX"));
    assert_eq!(vm.ways[0].kind, WayKind::ColdMigration);
}

#[test]
fn cold_migration_is_refused_across_vendors() {
    let modes = builtin_modes();
    let snb = hidden(snb_cluster());
    let amd = hidden(hosts(&[(
        "amd01",
        "tests/data/cpuid/instlatx64/AuthenticAMD0800F12_K17_Zen_CPUID.txt",
    )]));
    let zen = modes.get("amd-zen").unwrap();
    let r = plan::move_into(
        &snb,
        EvcSetting::Mode(modes.get(SNB_MODE).unwrap()),
        &amd,
        EvcSetting::Mode(zen),
        &[],
        None,
        modes,
    );
    assert_eq!(r.verdict, Verdict::Blocked);
    for vm in &r.vms {
        let cold = vm
            .ways
            .iter()
            .find(|w| w.kind == WayKind::ColdMigration)
            .unwrap();
        assert_eq!(cold.possible, Some(false));
        assert!(cold.refused.as_deref().unwrap().contains("vendor"));
    }
}

/// `--evc-exposes KEYS` on one cluster.
fn exposing(mut hosts: Vec<Host>, keys: &str) -> Vec<Host> {
    exposure::resolve_cluster(
        &mut hosts,
        &[],
        &ClusterExposure {
            evc_exposes: Some(exposure::parse_exposes(keys).unwrap()),
            ..ClusterExposure::default()
        },
    );
    hosts
}

#[test]
fn per_vm_evc_that_hides_a_mitigation_is_a_security_downgrade() {
    // Both clusters' masks expose MDCLEAR; the new cluster's Sandy Bridge-EP host lacks it (old
    // microcode), so VMs that booted on the patched Sandy Bridge-E host are blocked by it alone.
    let old = exposing(hosts(&[("snb01", SNB_E)]), "MDCLEAR");
    let new = exposing(hosts(&[("new01", SNB_EP)]), "MDCLEAR");
    let r = into(&old, SNB_MODE, &new, SNB_MODE);
    assert_eq!(r.verdict, Verdict::Blocked, "{}", r.summary);
    let vm = r
        .vms
        .iter()
        .find(|v| v.verdict == Verdict::Blocked)
        .expect("a blocked VM group");
    assert!(vm.blocking_features.iter().any(|k| k == "cpuid.MDCLEAR"));
    assert!(!vm.blocking_features.iter().any(|k| k == "cpuid.AVX"));
    let per_vm = vm
        .ways
        .iter()
        .find(|w| w.kind == WayKind::PerVmEvc)
        .unwrap();
    // The highest mode at or below Sandy Bridge without MDCLEAR: Westmere.
    assert_eq!(per_vm.mode.as_deref(), Some(WSM_MODE), "{per_vm:?}");
    assert_eq!(per_vm.mitigations_lost, ["cpuid.MDCLEAR"]);
    let downgrade = per_vm.security_downgrade.as_deref().unwrap();
    assert!(
        downgrade.contains("security downgrade") && downgrade.contains("MDS"),
        "{downgrade}"
    );
    // Cold migration keeps the mitigation out of the question: no downgrade.
    let cold = &vm.ways[0];
    assert_eq!(cold.kind, WayKind::ColdMigration);
    assert!(cold.security_downgrade.is_none());
}
