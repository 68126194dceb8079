//! The field incident: EVC "Haswell" cluster, esxi01 reinstalled with MDCLEAR = 1, esxi02–04
//! still at 0 until a cold power cycle. See `examples/mdclear-cluster/README.md`.

use evcalc::check::{self, EvcSetting};
use evcalc::report::Verdict;
use evcalc::session::{self, Source};
use evcalc_tests::{
    MDCLEAR_HOSTS, check_answer, check_vm, cluster_of, load, maintenance_of, move_blockers,
    plan_blocker_keys, read,
};

fn haswell(ws: &session::Workspace) -> &evcalc::evc::EvcMode {
    ws.modes.get("intel-haswell").expect("intel-haswell mode")
}

fn host<'a>(ws: &'a session::Workspace, name: &str) -> &'a evcalc::model::Host {
    ws.hosts
        .iter()
        .find(|h| h.name == name)
        .unwrap_or_else(|| panic!("no host {name}"))
}

#[test]
fn hosts_are_named_from_their_dumps_and_all_reach_haswell() {
    let ws = load(&MDCLEAR_HOSTS);
    let names: Vec<&str> = ws.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["esxi01", "esxi02", "esxi03", "esxi04"]);
    for h in &ws.hosts {
        let r = check::host_report(h, &ws.modes);
        assert_eq!(
            r.max_evc_mode.as_deref(),
            Some("intel-haswell"),
            "{}: {:?}",
            h.name,
            r.next_mode_blockers
        );
        assert!(r.product.as_deref().unwrap_or_default().contains("6.7.0"));
        assert!(check::admission(h, haswell(&ws)).admitted == Some(true));
    }
    assert_eq!(
        check::max_common_mode(&ws.hosts, &ws.modes).map(|m| m.key.as_str()),
        Some("intel-haswell")
    );
}

// The moves below are asked through the application boundary (`check_answer`: the workspace's
// `check` request → `CheckAnswer`), as the CLI, Python and npm ask them.

#[test]
fn vms_from_esxi01_are_blocked_by_mdclear_and_only_by_it() {
    for dest in ["esxi02", "esxi03", "esxi04"] {
        let a = check_answer(&MDCLEAR_HOSTS, "esxi01", dest, Some("intel-haswell"), None);
        let m = a.check.as_ref().expect("a move");
        assert_eq!(m.verdict, Verdict::Blocked, "esxi01 → {dest}");
        let blockers = move_blockers(&a);
        let keys: Vec<&str> = blockers.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(keys, ["cpuid.MDCLEAR"], "esxi01 → {dest}");
        assert_eq!(blockers[0].label, "Microarchitectural Data clear");
        assert_eq!(blockers[0].required, "Bool:Min:1");
        assert_eq!(blockers[0].available, 0);
        assert_eq!(
            m.admission.as_ref().and_then(|a| a.admitted),
            Some(true),
            "{dest} is admitted to Haswell"
        );
    }
}

#[test]
fn vms_from_esxi02_to_04_move_freely_also_to_esxi01() {
    for from in ["esxi02", "esxi03", "esxi04"] {
        for to in ["esxi01", "esxi02", "esxi03", "esxi04"] {
            if from == to {
                continue;
            }
            let a = check_answer(&MDCLEAR_HOSTS, from, to, Some("intel-haswell"), None);
            let m = a.check.as_ref().expect("a move");
            assert_eq!(
                m.verdict,
                Verdict::Compatible,
                "{from} → {to}: {:?}",
                move_blockers(&a)
            );
        }
    }
}

#[test]
fn per_vm_evc_westmere_makes_the_esxi01_vm_go_anywhere() {
    for to in ["esxi02", "esxi03", "esxi04"] {
        let a = check_answer(
            &MDCLEAR_HOSTS,
            "esxi01",
            to,
            Some("intel-haswell"),
            Some("intel-westmere"),
        );
        let m = a.check.as_ref().expect("a move");
        assert_eq!(
            m.verdict,
            Verdict::Compatible,
            "esxi01 (per-VM Westmere) → {to}: {:?}",
            move_blockers(&a)
        );
    }
}

#[test]
fn cluster_answer_shows_drift_and_the_matrix() {
    let mut ws = load(&MDCLEAR_HOSTS);
    let a = cluster_of(&mut ws, "intel-haswell");
    assert_eq!(a.max_common_evc_mode.as_deref(), Some("intel-haswell"));
    let blocking: Vec<&evcalc::app::DriftEntry> =
        a.drift.iter().filter(|d| d.blocks_vmotion).collect();
    assert_eq!(blocking.len(), 1, "{blocking:?}");
    assert_eq!(blocking[0].key, "cpuid.MDCLEAR");
    assert_eq!(blocking[0].hosts_with, 1);
    assert_eq!(blocking[0].summary, "only 1 of 4 hosts: esxi01");
    let verdicts: Vec<Vec<bool>> = (0..4)
        .map(|i| {
            (0..4)
                .map(|j| {
                    i == j
                        || a.host_cell(i, j)
                            .is_some_and(|c| c.verdict == Verdict::Compatible)
                })
                .collect()
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            [true, false, false, false],
            [true, true, true, true],
            [true, true, true, true],
            [true, true, true, true]
        ]
    );
}

#[test]
fn maintenance_of_esxi01_is_blocked_and_power_cycling_the_other_hosts_comes_first() {
    let mut ws = load(&MDCLEAR_HOSTS);
    let answer = maintenance_of(&mut ws, "esxi01", "intel-haswell", None);
    let plan = answer.plan.as_ref().expect("a plan");
    assert_eq!(plan.outcome, Verdict::Blocked);
    assert_eq!(
        plan.verdict,
        "esxi01 cannot be fully evacuated: VMs of vmx-9 and later powered on there require cpuid.MDCLEAR, which esxi02–04 do not offer"
    );
    let first = &plan.remedies[0];
    assert_eq!(first.rank, 1);
    assert_eq!(first.hosts, ["esxi02", "esxi03", "esxi04"]);
    // Mechanism A: esxi02–04 report featureCapability MDCLEAR = 0 (the CPU lacks it) while
    // they run ESXi 6.7 build 15160138, which already has the MDS patch (VMSA-2019-0008: 6.7
    // build 13644319 and later): they have booted it, so BIOS/firmware microcode and the cold
    // power cycle come first, not another reboot (issue 20 item 10).
    assert_eq!(first.rule.as_deref(), Some("mds-patched-build"));
    assert!(
        first.action.starts_with(
            "Activate the MDS microcode on esxi02–04 without counting on another reboot"
        ),
        "{}",
        first.action
    );
    assert!(first.action.contains("vsish"), "{}", first.action);
    assert!(first.action.contains("BIOS/firmware"), "{}", first.action);
    assert!(
        first.action.contains("cold power cycle"),
        "{}",
        first.action
    );
    assert!(
        first
            .reference
            .as_deref()
            .unwrap_or_default()
            .contains("VMSA-2019-0008")
    );
    assert!(
        first
            .verify
            .as_deref()
            .unwrap_or_default()
            .contains("grep -i -A 2 mdclear")
    );
    assert!(
        plan.remedies
            .iter()
            .any(|r| r.action.contains("per-VM EVC") && r.action.contains("intel-westmere")),
        "{:#?}",
        plan.remedies
    );
    let answer2 = maintenance_of(&mut ws, "esxi02", "intel-haswell", None);
    let plan2 = answer2.plan.as_ref().expect("a plan");
    assert_eq!(plan2.outcome, Verdict::Compatible);
    assert!(plan2.remedies.is_empty());
}

#[test]
fn the_real_vm_runtime_files_of_the_example_agree() {
    let mut files: Vec<&str> = MDCLEAR_HOSTS.to_vec();
    files.push("examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt");
    files.push("examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt");
    let ws = load(&files);
    let evc = EvcSetting::Mode(haswell(&ws));
    let app01 = ws.vms.iter().find(|v| v.source.contains("app01")).unwrap();
    let db02 = ws.vms.iter().find(|v| v.source.contains("db02")).unwrap();
    assert_eq!(app01.host.as_deref(), Some("esxi01"));
    assert!(!check_vm(app01, host(&ws, "esxi02"), evc).compatible);
    assert!(check_vm(db02, host(&ws, "esxi01"), evc).compatible);
    // The computed minimum mode agrees with the dump's own field.
    for vm in [app01, db02] {
        let r = check::vm_report(vm, &ws.modes);
        assert_eq!(
            r.min_evc_mode.as_deref(),
            Some("intel-haswell"),
            "{}",
            vm.name
        );
        assert_eq!(r.min_evc_cross_check, evcalc::report::CrossCheck::Agrees);
    }
    let mut ws = ws.clone();
    ws.vms.retain(|v| v.source.contains("app01"));
    let answer = maintenance_of(&mut ws, "esxi01", "intel-haswell", None);
    assert!(answer.plan.as_ref().unwrap().vms.iter().all(|p| p.real_vm));
    assert_eq!(answer.outcome, Verdict::Blocked);
}

#[test]
fn the_grep_fragment_alone_shows_the_drift() {
    let text = read("examples/mdclear-cluster/grep-MDCLEAR.txt");
    let ws = session::load(&[Source {
        name: "grep-MDCLEAR.txt",
        text: &text,
    }]);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert_eq!(ws.hosts.len(), 4);
    let mut ws = ws;
    let a = cluster_of(&mut ws, "intel-haswell");
    let md = a
        .drift
        .iter()
        .find(|d| d.key == "cpuid.MDCLEAR")
        .expect("MDCLEAR drift");
    assert_eq!(md.hosts_with, 1);
    assert_eq!(md.classes_with.len(), 1);
    assert_eq!(a.classes[md.classes_with[0] as usize].label, "esxi01");
    // Blocked by what the fragments show; the reverse direction is not blocked by anything
    // shown, but a fragment cannot prove compatibility.
    assert_eq!(a.host_cell(0, 1).unwrap().verdict, Verdict::Blocked);
    assert_eq!(a.host_cell(1, 0).unwrap().verdict, Verdict::Unknown);
}

#[test]
fn a_fragment_of_a_host_with_a_full_dump_is_folded_into_it() {
    let mut files: Vec<&str> = MDCLEAR_HOSTS.to_vec();
    files.push("examples/mdclear-cluster/grep-MDCLEAR.txt");
    let mut ws = load(&files);
    let names: Vec<&str> = ws.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["esxi01", "esxi02", "esxi03", "esxi04"]);
    let answer = maintenance_of(&mut ws, "esxi01", "intel-haswell", None);
    assert_eq!(answer.outcome, Verdict::Blocked);
}

#[test]
fn a_fragment_destination_cannot_make_a_host_evacuable() {
    let mut files: Vec<&str> = MDCLEAR_HOSTS[..1].to_vec();
    files.push("examples/mdclear-cluster/grep-MDCLEAR.txt");
    let text = read("examples/mdclear-cluster/esxi01.txt");
    let fragment = "key = \"cpuid.MDCLEAR\",\nfeatureName = \"cpuid.MDCLEAR\",\nvalue = \"1\"\n";
    let mut ws = session::load(&[
        Source {
            name: "esxi01.txt",
            text: &text,
        },
        Source {
            name: "esxi05.txt",
            text: fragment,
        },
    ]);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert_eq!(ws.hosts.len(), 2);
    let answer = maintenance_of(&mut ws, "esxi01", "intel-haswell", None);
    let plan = answer.plan.as_ref().expect("a plan");
    assert_ne!(plan.outcome, Verdict::Compatible, "{}", plan.verdict);
    assert_eq!(plan.vms[0].destinations[0].verdict, Verdict::Unknown);
    assert_eq!(plan.outcome, Verdict::Unknown);
    assert!(plan.verdict.contains("not verifiable"), "{}", plan.verdict);
    assert!(!plan.verdict.contains("cannot"), "{}", plan.verdict);
}

#[test]
fn etc_vmware_config_masks_attach_to_esxi01() {
    let mut files: Vec<&str> = MDCLEAR_HOSTS.to_vec();
    files.push("examples/mdclear-cluster/esxi01-etc-vmware-config.txt");
    let ws = load(&files);
    let esxi01 = host(&ws, "esxi01");
    assert!(!esxi01.evc_masks.is_empty());
    // Without --evc, the host's own featMask.evc lines decide what its VMs see.
    let vm = check::power_on(esxi01, EvcSetting::Disabled, None);
    let r = check_vm(&vm, host(&ws, "esxi02"), EvcSetting::Disabled);
    assert_eq!(
        r.missing
            .iter()
            .map(|m| m.canonical_key.as_str())
            .collect::<Vec<_>>(),
        ["cpuid.MDCLEAR"]
    );
}

#[test]
fn renames_move_hosts_and_their_vms() {
    let mut files: Vec<&str> = MDCLEAR_HOSTS.to_vec();
    files.push("examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt");
    let inputs = files
        .iter()
        .map(|f| session::OwnedSource {
            name: f.to_string(),
            text: read(f),
        })
        .collect();
    let mut request = session::Request {
        inputs,
        evc: Some("intel-haswell".into()),
        ..Default::default()
    };
    request.rename.insert("esxi01".into(), "host-a".into());
    request.rename.insert("esxi02".into(), "esxi03".into());
    request.maintenance = vec!["host-a".into()];
    let answer = evcalc::app::cluster(&request);
    assert_eq!(
        answer
            .option_errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        ["cannot rename esxi02 to esxi03: a host of that name exists"]
    );
    assert_eq!(answer.vms[0].host.as_deref(), Some("host-a"));
    let plan = &answer.maintenance[0];
    assert_eq!(plan.label, "host-a");
    assert!(plan.vms[0].real_vm, "the real VM follows its renamed host");
    assert_eq!(plan.outcome, Verdict::Blocked);
    request.skip_maintenance = true;
    assert!(evcalc::app::cluster(&request).maintenance.is_empty());
}

#[test]
fn vms_with_identical_requirements_share_one_plan() {
    let mut files: Vec<&str> = MDCLEAR_HOSTS.to_vec();
    files.push("examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt");
    files.push("examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt");
    let ws = load(&files);
    let app01 = ws
        .vms
        .iter()
        .find(|v| v.source.contains("app01"))
        .unwrap()
        .clone();
    let db02 = ws
        .vms
        .iter()
        .find(|v| v.source.contains("db02"))
        .unwrap()
        .clone();
    let mut twins = Vec::new();
    for i in 0..5 {
        let mut v = app01.clone();
        v.name = format!("app{i:02}");
        twins.push(v);
    }
    let mut db02 = db02;
    db02.host = Some("esxi01".to_string());
    twins.push(db02);
    let mut ws = ws;
    ws.vms = twins;
    let answer = maintenance_of(&mut ws, "esxi01", "intel-haswell", None);
    let plan = answer.plan.as_ref().expect("a plan");
    assert_eq!(plan.vms.len(), 2, "two distinct requirement lists");
    assert_eq!(
        plan.vms[0].vms,
        ["app00", "app01", "app02", "app03", "app04"]
    );
    assert_eq!(
        plan.vms[0].vm,
        "app00 and 4 other VMs with the same CPU requirements"
    );
    assert_eq!(plan.vms[0].verdict, Verdict::Blocked);
    assert_eq!(plan.vms[1].verdict, Verdict::Compatible);
    assert_eq!(plan_blocker_keys(&answer, 0, 0), ["cpuid.MDCLEAR"]);
    assert_eq!(
        plan.verdict,
        "esxi01 cannot be fully evacuated: 5 of 6 VMs have no destination: they require cpuid.MDCLEAR, which esxi02–04 do not offer"
    );
    let vm_remedy = plan
        .remedies
        .iter()
        .find(|r| r.action.starts_with("Power off"))
        .unwrap();
    assert_eq!(vm_remedy.vms.len(), 5);
    assert!(
        vm_remedy
            .action
            .starts_with("Power off app00, app01, app02 and 2 more VMs"),
        "{}",
        vm_remedy.action
    );
}

#[test]
fn very_large_clusters_leave_the_quadratic_matrix_out() {
    let ws = load(&MDCLEAR_HOSTS[..2]);
    // More host classes than the matrix takes: each host differs in one capability value.
    let mut big = ws.clone();
    big.hosts = (0..=evcalc::check::MAX_MATRIX_HOSTS)
        .map(|i| {
            let mut h = ws.hosts[i % 2].clone();
            h.name = format!("esx{i:05}");
            // A key evcalc does not know, with a value of its own: kept, and part of the class.
            h.caps.unknown.insert(
                "vpmc.test".to_string(),
                ("vpmc.test".to_string(), i as u64 + 1),
            );
            h
        })
        .collect();
    let request = evcalc::app::Request {
        evc: Some("intel-haswell".to_string()),
        skip_maintenance: true,
        ..Default::default()
    };
    let a = evcalc::app::cluster_in(&mut big, &request, Vec::new());
    assert_eq!(a.max_common_evc_mode.as_deref(), Some("intel-haswell"));
    assert!(a.classes.len() > evcalc::check::MAX_MATRIX_HOSTS);
    assert!(a.matrix.is_empty());
    assert!(
        a.matrix_omitted
            .as_deref()
            .unwrap_or_default()
            .contains("2001 host classes"),
        "{:?}",
        a.matrix_omitted
    );
    let mut small = ws.clone();
    let s = cluster_of(&mut small, "intel-haswell");
    assert_eq!(s.matrix.len(), 2);
    assert_eq!(s.matrix_omitted, None);
}

#[test]
fn a_fragment_loaded_before_the_full_dumps_is_folded_too() {
    let mut files: Vec<&str> = vec!["examples/mdclear-cluster/grep-MDCLEAR.txt"];
    files.extend(MDCLEAR_HOSTS);
    let ws = load(&files);
    let names: Vec<&str> = ws.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["esxi01", "esxi02", "esxi03", "esxi04"]);
    assert!(ws.hosts.iter().all(|h| !h.is_fragment()));
    let hosts_listed: Vec<&String> = ws.inputs.iter().flat_map(|i| &i.hosts).collect();
    assert_eq!(hosts_listed, ["esxi01", "esxi02", "esxi03", "esxi04"]);
}

/// Issue 20 item 11: a new `grep` of esxi02 after its fix (MDCLEAR 1 in both blocks) loaded
/// beside the old full dump (0): neither input shows it is newer, so esxi02's MDCLEAR is
/// unknown — the move from esxi01 is `unknown`, not `blocked` (the old dump silently won) and
/// not `compatible` (the new grep silently won); a warning names both inputs.
#[test]
fn conflicting_inputs_about_one_host_make_the_feature_unknown() {
    let grep_after_fix = "[root@esxi02:~] vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear\n\
         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"1\"\n      },\n\
--\n         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"1\"\n      },\n";
    let texts: Vec<(String, String)> = MDCLEAR_HOSTS
        .iter()
        .map(|f| (f.to_string(), read(f)))
        .chain([("grep-after-fix.txt".to_string(), grep_after_fix.to_string())])
        .collect();
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    let mut ws = session::load(&sources);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert_eq!(ws.hosts.len(), 4, "the grep is folded into esxi02");
    let esxi02 = host(&ws, "esxi02");
    assert!(
        esxi02
            .warnings
            .iter()
            .any(|w| w.contains("grep-after-fix.txt")
                && w.contains("esxi02.txt")
                && w.contains("unknown")),
        "{:?}",
        esxi02.warnings
    );
    let a = cluster_of(&mut ws, "intel-haswell");
    assert_eq!(a.host_cell(0, 1).unwrap().verdict, Verdict::Unknown);
    assert_eq!(a.host_cell(0, 2).unwrap().verdict, Verdict::Blocked);
    assert_ne!(a.outcome, Verdict::Compatible);
}

/// Issue 20 item 13: per-VM EVC is never proposed below a guest's CPU floor. The incident's
/// way out (per-VM EVC Westmere for app01) keeps x86-64-v2 but not v3: fine for an unnamed
/// guest (with a note naming the floors it breaks), never for a RHEL 10 guest (x86-64-v3).
#[test]
fn per_vm_evc_respects_the_guests_cpu_floor() {
    let mut files: Vec<&str> = MDCLEAR_HOSTS.to_vec();
    files.push("examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt");
    let base = load(&files);
    let per_vm = |guest: Option<&str>| {
        let mut ws = base.clone();
        for v in &mut ws.vms {
            v.guest_id = guest.map(str::to_string);
        }
        let a = maintenance_of(&mut ws, "esxi01", "intel-haswell", None);
        a.plan
            .expect("a plan")
            .remedies
            .into_iter()
            .find(|r| r.action.contains("per-VM EVC"))
    };
    let unnamed = per_vm(None).expect("per-VM EVC for a guest evcalc does not know");
    assert!(
        unnamed.disruption.contains("check the guests first")
            && unnamed.disruption.contains("RHEL 10 (x86-64-v3) needs"),
        "{}",
        unnamed.disruption
    );
    if let Some(r) = per_vm(Some("rhel10_64Guest")) {
        let modes = evcalc::evc::builtin_modes();
        let key = modes
            .modes
            .iter()
            .find(|m| r.action.contains(&format!(" {} (", m.key)))
            .expect("the proposed mode");
        assert!(
            evcalc::guest::broken_by(key.exposed)
                .iter()
                .all(|(f, _)| f.guest_id != "rhel10_64Guest"),
            "{}",
            r.action
        );
    }
}
