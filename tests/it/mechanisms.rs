//! Fidelity II: the cluster's patch-era exposure decided from each host's own evidence, the two
//! mechanisms of the MDCLEAR incident told apart, admission of unpatched hosts, and every
//! evidence source deciding on its own (evc-domain.md §5.2; KBs 52085/55111/68024; Dell KB 524619).

use evcalc::check::EvcSetting;
use evcalc::exposure::{self, ClusterExposure, ExposureSource, Mechanism, Tri};
use evcalc::report::Verdict;
use evcalc::session::{self, Source};
use evcalc_tests::{
    MDCLEAR_HOSTS, cell_blockers, cluster_of, maintenance_plan, matrix_verdicts, read,
};

const STALE_HOSTS: [&str; 4] = [
    "examples/mdclear-stale-masks/esxi01.txt",
    "examples/mdclear-stale-masks/esxi02.txt",
    "examples/mdclear-stale-masks/esxi03.txt",
    "examples/mdclear-stale-masks/esxi04.txt",
];

fn load_texts(texts: &[(String, String)]) -> session::Workspace {
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    let ws = session::load(&sources);
    assert!(ws.errors.is_empty(), "{:#?}", ws.errors);
    ws
}

fn files(paths: &[&str]) -> Vec<(String, String)> {
    paths.iter().map(|p| (p.to_string(), read(p))).collect()
}

/// A hostconfig dump without its `maskedFeatureCapability` list.
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

/// Sets the n-th (0 = raw, 1 = masked) `cpuid.MDCLEAR` value of a hostconfig dump.
fn set_mdclear(text: &str, block: usize, value: &str) -> String {
    let mut out = String::new();
    let mut seen = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    let mut pending = 0;
    for line in lines.by_ref() {
        if line.contains("key = \"cpuid.MDCLEAR\"") {
            pending = 3;
            seen += 1;
        }
        if pending > 0 && line.trim_start().starts_with("value = ") {
            pending = 0;
            if seen - 1 == block {
                out.push_str(&format!("         value = \"{value}\"\n"));
                continue;
            }
        }
        if pending > 0 {
            pending -= 1;
        }
        out.push_str(line);
    }
    out
}

fn haswell(ws: &session::Workspace) -> EvcSetting<'_> {
    EvcSetting::Mode(ws.modes.get("intel-haswell").unwrap())
}

const B: Verdict = Verdict::Blocked;
const C: Verdict = Verdict::Compatible;
const U: Verdict = Verdict::Unknown;

#[test]
fn mechanism_a_microcode_the_incident() {
    let ws = load_texts(&files(&MDCLEAR_HOSTS));
    let evc = haswell(&ws);
    assert_eq!(
        matrix_verdicts(&ws, evc),
        [[C, B, B, B], [C, C, C, C], [C, C, C, C], [C, C, C, C]]
    );
    let f = exposure::findings(&ws.hosts, evc);
    let md = f
        .iter()
        .find(|f| f.feature == "cpuid.MDCLEAR")
        .expect("MDCLEAR finding");
    assert_eq!(md.baseline, Tri::Yes);
    assert_eq!(md.baseline_hosts, ["esxi01"]);
    assert_eq!(md.non_compliant, ["esxi02", "esxi03", "esxi04"]);
    for h in &md.hosts[1..] {
        assert_eq!(h.mechanism, Some(Mechanism::Microcode), "{}", h.host);
        assert_eq!((h.raw, h.masked), (Some(0), Some(0)));
    }
    let plan = maintenance_plan(&ws, "esxi01", evc);
    assert_eq!(plan.outcome, Verdict::Blocked);
    // The hosts run 6.7 build 15160138, which has the MDS patch: firmware and a cold power
    // cycle first (issue 20 item 10; `the_running_build_decides_the_mds_remedy`).
    assert_eq!(
        plan.remedies[0].rule.as_deref(),
        Some("mds-patched-build"),
        "{:#?}",
        plan.remedies
    );
    assert!(
        plan.remedies
            .iter()
            .all(|r| r.rule.as_deref() != Some("evc-masks"))
    );
}

#[test]
fn mechanism_b_stale_masks() {
    let ws = load_texts(&files(&STALE_HOSTS));
    let evc = haswell(&ws);
    assert_eq!(
        matrix_verdicts(&ws, evc),
        [[C, B, B, B], [C, C, C, C], [C, C, C, C], [C, C, C, C]]
    );
    let a = cluster_of(&mut ws.clone(), "intel-haswell");
    let blockers = cell_blockers(&a, 0, 1);
    assert_eq!(blockers[0].key, "cpuid.MDCLEAR");
    assert_eq!(blockers[0].raw_available, Some(1));
    assert!(
        blockers[0]
            .why
            .as_deref()
            .unwrap_or_default()
            .contains("EVC masks hide it"),
        "{:?}",
        blockers[0]
    );
    let f = exposure::findings(&ws.hosts, evc);
    let md = f.iter().find(|f| f.feature == "cpuid.MDCLEAR").unwrap();
    for h in &md.hosts[1..] {
        assert_eq!(h.mechanism, Some(Mechanism::EvcMasks), "{}", h.host);
        assert_eq!((h.raw, h.masked), (Some(1), Some(0)));
        assert_eq!(h.exposed, Tri::No);
    }
    let plan = maintenance_plan(&ws, "esxi01", evc);
    let first = &plan.remedies[0];
    assert_eq!(
        first.rule.as_deref(),
        Some("evc-masks"),
        "{:#?}",
        plan.remedies
    );
    assert!(
        first
            .action
            .contains("disable EVC and enable it again at the same mode (intel-haswell)"),
        "{}",
        first.action
    );
    assert!(
        !first.action.to_lowercase().contains("reboot each"),
        "{}",
        first.action
    );
    assert!(
        plan.remedies
            .iter()
            .all(|r| r.rule.as_deref() != Some("mds")),
        "no microcode advice: {:#?}",
        plan.remedies
    );
}

#[test]
fn hidden_nothing_blocks_and_an_unpatched_host_can_join() {
    // esxi01's masks hide MDCLEAR (masked 0, raw 1): the cluster has not been upgraded.
    let mut texts = files(&MDCLEAR_HOSTS);
    texts[0].1 = set_mdclear(&texts[0].1, 1, "0");
    let ws = load_texts(&texts);
    let evc = haswell(&ws);
    assert_eq!(matrix_verdicts(&ws, evc), [[C; 4]; 4]);
    let f = exposure::findings(&ws.hosts, evc);
    let md = f.iter().find(|f| f.feature == "cpuid.MDCLEAR").unwrap();
    assert_eq!(md.baseline, Tri::No, "{md:#?}");
    assert!(md.non_compliant.is_empty());
    let joining = ws.hosts[1].clone();
    let add = evcalc::plan::add_host(&ws.hosts[..1], &joining, evc, &[], &ws.modes);
    assert_eq!(add.can_join, Some(true), "{}", add.summary);
}

#[test]
fn an_unpatched_host_cannot_join_once_the_baseline_exposes_mdclear() {
    let ws = load_texts(&files(&MDCLEAR_HOSTS));
    let evc = haswell(&ws);
    let mut newcomer = ws.hosts[1].clone();
    newcomer.name = "esxi05".to_string();
    let add = evcalc::plan::add_host(&ws.hosts[..1], &newcomer, evc, &[], &ws.modes);
    assert_eq!(add.can_join, Some(false), "{}", add.summary);
    assert!(add.summary.contains("cpuid.MDCLEAR"), "{}", add.summary);
    assert!(
        add.summary.contains("EVCAdmissionFailedCPUFeaturesForMode"),
        "{}",
        add.summary
    );
}

#[test]
fn single_block_fragments_name_both_mechanisms_and_the_commands() {
    // The field report's own check: one block per host (raw or masked, the paste does not say).
    let texts: Vec<(String, String)> = [("esxi01", "1"), ("esxi02", "0"), ("esxi03", "0"), ("esxi04", "0")]
        .iter()
        .map(|(h, v)| (format!("{h}.txt"), format!("         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"{v}\"\n")))
        .collect();
    let ws = load_texts(&texts);
    assert_eq!(ws.hosts.len(), 4);
    let evc = haswell(&ws);
    let m = matrix_verdicts(&ws, evc);
    assert_eq!(
        m[0],
        [C, U, U, U],
        "esxi01's exposure is not shown: unknown, never compatible"
    );
    assert!(m.iter().flatten().all(|v| *v != Verdict::Blocked));
    let f = exposure::findings(&ws.hosts, evc);
    let md = f.iter().find(|f| f.feature == "cpuid.MDCLEAR").unwrap();
    assert_eq!(md.hosts[0].exposed, Tri::Unknown);
    let plan = maintenance_plan(&ws, "esxi01", evc);
    assert_eq!(plan.outcome, Verdict::Unknown, "{}", plan.verdict);
    assert!(!plan.verdict.contains("cannot"), "{}", plan.verdict);
    let what = plan
        .remedies
        .iter()
        .find(|r| r.rule.as_deref() == Some("patch-undetermined"))
        .unwrap_or_else(|| panic!("what to run: {:#?}", plan));
    for command in [
        "grep -i -A 2 mdclear",
        "featMask.evc",
        "vsish -e cat /hardware/cpu/cpuList/0",
    ] {
        assert!(what.action.contains(command), "{command}: {}", what.action);
    }
    // `--only`-style question after the fix: every host shows 1 and the masks are shown to expose it.
}

/// Full dumps without masked lists: only the named evidence decides esxi01's exposure.
fn unmasked() -> Vec<(String, String)> {
    files(&MDCLEAR_HOSTS)
        .into_iter()
        .map(|(n, t)| (n, without_masked(&t)))
        .collect()
}

#[test]
fn without_evidence_moves_from_esxi01_are_unknown() {
    let ws = load_texts(&unmasked());
    let evc = haswell(&ws);
    // Every host has IBRS/IBPB/STIBP/SSBD/FCMD raw, none shows whether its masks expose them:
    // nothing is proven, nothing is blocked.
    let m = matrix_verdicts(&ws, evc);
    assert_eq!(m[0], [C, U, U, U]);
    assert_eq!(m[1], [U, C, U, U]);
}

#[test]
fn evidence_masked_list_alone() {
    let ws = load_texts(&files(&MDCLEAR_HOSTS));
    let e = exposure::effective(&ws.hosts[0], haswell(&ws));
    let md = e
        .exposure
        .iter()
        .find(|x| x.source == ExposureSource::MaskedList)
        .expect("decided by the masked list");
    assert_eq!(md.exposed, Some(true));
}

#[test]
fn evidence_featmask_lines_alone() {
    let mut texts = unmasked();
    texts.push((
        "esxi01-etc-vmware-config.txt".to_string(),
        read("examples/mdclear-cluster/esxi01-etc-vmware-config.txt"),
    ));
    let ws = load_texts(&texts);
    let evc = haswell(&ws);
    assert!(
        !ws.hosts[0].evc_masks.is_empty(),
        "the config attaches to esxi01"
    );
    assert_eq!(matrix_verdicts(&ws, evc)[0], [C, B, B, B]);
    let e = exposure::effective(&ws.hosts[0], evc);
    assert!(
        e.exposure
            .iter()
            .any(|x| x.source == ExposureSource::FeatMaskLines && x.exposed == Some(true))
    );
}

#[test]
fn evidence_vm_requirement_alone() {
    let mut texts = unmasked();
    texts.push((
        "vm-app01-on-esxi01.runtime.txt".to_string(),
        read("examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt"),
    ));
    let mut ws = load_texts(&texts);
    exposure::resolve_cluster(&mut ws.hosts, &ws.vms, &ClusterExposure::default());
    let evc = haswell(&ws);
    assert_eq!(matrix_verdicts(&ws, evc)[0], [C, B, B, B]);
    let e = exposure::effective(&ws.hosts[0], evc);
    assert!(
        e.exposure
            .iter()
            .any(|x| x.source == ExposureSource::VmRequirement && x.exposed == Some(true))
    );
}

#[test]
fn evidence_evc_exposes_option_alone() {
    for (option, row) in [("MDCLEAR", [C, B, B, B]), ("none", [C, C, C, C])] {
        let mut ws = load_texts(&unmasked());
        let request = evcalc::app::Request {
            evc: Some("intel-haswell".to_string()),
            evc_exposes: Some(option.to_string()),
            ..Default::default()
        };
        let a = evcalc::app::cluster_in(&mut ws, &request, Vec::new());
        assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
        let first: Vec<Verdict> = (0..4)
            .map(|j| a.host_cell(0, j).map_or(C, |c| c.verdict))
            .collect();
        assert_eq!(first, row, "--evc-exposes {option}");
    }
    assert!(exposure::parse_exposes("AVX2").is_err());
}

#[test]
fn every_member_having_it_is_probable_never_compatible() {
    // All four hosts have MDCLEAR raw = 1, no masked list, no other evidence.
    let texts: Vec<(String, String)> = unmasked()
        .into_iter()
        .map(|(n, t)| (n, set_mdclear(&t, 0, "1")))
        .collect();
    let ws = load_texts(&texts);
    let evc = haswell(&ws);
    let f = exposure::findings(&ws.hosts, evc);
    let md = f.iter().find(|f| f.feature == "cpuid.MDCLEAR").unwrap();
    assert!(md.probable);
    assert_eq!(md.baseline, Tri::Unknown);
    // Moves stay unknown where the destination could lack it... here every host may offer it,
    // so no move is proven: the destinations' own exposure is unknown too.
    for row in matrix_verdicts(&ws, evc) {
        assert!(
            row.iter().filter(|v| **v == Verdict::Compatible).count() == 1,
            "{row:?}: only the diagonal is proven"
        );
    }
}

#[test]
fn the_headline_names_the_fix_the_evidence_supports() {
    let request = |paths: &[&str]| session::Request {
        inputs: paths
            .iter()
            .map(|p| session::OwnedSource {
                name: p.to_string(),
                text: read(p),
            })
            .collect(),
        evc: Some("intel-haswell".to_string()),
        ..Default::default()
    };
    let a = evcalc::app::cluster(&request(&MDCLEAR_HOSTS));
    let h = a.headline.expect("a headline");
    assert_eq!(h.verdict, Verdict::Blocked);
    assert!(
        h.text.starts_with("esxi01 cannot be fully evacuated") && h.text.contains("cpuid.MDCLEAR"),
        "{}",
        h.text
    );
    assert!(
        h.next[0].contains("BIOS/firmware")
            && h.next[0].contains("cold power cycle")
            && h.next[0].contains("`vsish"),
        "{:?}",
        h.next
    );
    let b = evcalc::app::cluster(&request(&STALE_HOSTS));
    let h = b.headline.expect("a headline");
    assert!(
        h.next[0].contains("disable EVC and enable it again"),
        "{:?}",
        h.next
    );
    // --only MDCLEAR after the fix: every host shows 1 raw and masked → every VM can move.
    let fixed: Vec<(String, String)> = files(&MDCLEAR_HOSTS)
        .into_iter()
        .map(|(n, t)| (n, set_mdclear(&set_mdclear(&t, 0, "1"), 1, "1")))
        .collect();
    let r = session::Request {
        inputs: fixed
            .into_iter()
            .map(|(name, text)| session::OwnedSource { name, text })
            .collect(),
        evc: Some("intel-haswell".to_string()),
        only: vec!["MDCLEAR".to_string()],
        ..Default::default()
    };
    let c = evcalc::app::cluster(&r);
    assert_eq!(c.outcome, Verdict::Compatible);
    assert_eq!(c.headline.unwrap().verdict, Verdict::Compatible);
}

/// Every transcript shape of `tests/data/transcripts/` (two blocks per host: raw then masked):
/// four hosts and the incident's verdict; with the second block cut (the field report's single
/// block per host): four hosts and `unknown` from esxi01, never one host, never compatible.
#[test]
fn transcripts_give_four_hosts_and_the_incidents_verdict() {
    for path in evcalc_tests::files_in("tests/data/transcripts") {
        let text = read(&path);
        let ws = load_texts(&[(path.clone(), text.clone())]);
        assert_eq!(
            ws.hosts.len(),
            4,
            "{path}: {:?}",
            ws.hosts.iter().map(|h| &h.name).collect::<Vec<_>>()
        );
        let evc = haswell(&ws);
        let m = matrix_verdicts(&ws, evc);
        assert_eq!(m[0], [C, B, B, B], "{path}");
        if path.contains("interleaved") {
            continue; // the line-by-line cut below assumes one host's lines together
        }
        // One block per host: drop every block after grep's `--` separator.
        let mut single = String::new();
        // grep -A 2 prints 4 lines per block (key, featureName, value, `},`): skip the block after `--`.
        let mut skip = 0;
        for line in text.split_inclusive('\n') {
            let body = line.trim_end();
            let bare = body
                .rsplit_once(": ")
                .map_or(body, |(_, b)| b)
                .trim_start_matches(['|', ' ']);
            if bare == "--" {
                skip = 4;
                continue;
            }
            if skip > 0 {
                skip -= 1;
                continue;
            }
            single.push_str(line);
        }
        let ws = load_texts(&[(path.clone(), single)]);
        assert_eq!(ws.hosts.len(), 4, "{path} (one block per host)");
        let m = matrix_verdicts(&ws, haswell(&ws));
        assert!(
            m[0][1..].iter().all(|v| *v == U),
            "{path} (one block per host): {:?}",
            m[0]
        );
    }
}

/// The cluster's `evcState` export, in govc's and PowerCLI's spellings (written by us in the
/// API's field names; no real export is public), decides exposure on its own.
#[test]
fn evidence_evc_state_alone_in_both_spellings() {
    let govc = r#"[{"name":"evcState","val":{"currentEVCModeKey":"intel-haswell","featureMask":[{"key":"cpuid.SSE3","featureName":"cpuid.SSE3","value":"Val:1"},{"key":"cpuid.MDCLEAR","featureName":"cpuid.MDCLEAR","value":"Val:1"}]}}]"#;
    let pcli = r#"{"CurrentEVCModeKey":"intel-haswell","FeatureMask":[{"Key":"cpuid.MDCLEAR","FeatureName":"cpuid.MDCLEAR","Value":"Val:1"},{"Key":"cpuid.IBRS","FeatureName":"cpuid.IBRS","Value":"Val:1"},{"Key":"cpuid.IBPB","FeatureName":"cpuid.IBPB","Value":"Val:1"},{"Key":"cpuid.STIBP","FeatureName":"cpuid.STIBP","Value":"Val:1"},{"Key":"cpuid.SSBD","FeatureName":"cpuid.SSBD","Value":"Val:1"},{"Key":"cpuid.FCMD","FeatureName":"cpuid.FCMD","Value":"Val:1"}]}"#;
    for (name, text) in [
        ("evcstate-govc.json", govc),
        ("evcstate-powercli.json", pcli),
    ] {
        let mut texts = unmasked();
        texts.push((name.to_string(), text.to_string()));
        let mut ws = load_texts(&texts);
        assert!(ws.evc_state.is_some(), "{name}");
        let vms = ws.vms.clone();
        exposure::resolve_cluster(
            &mut ws.hosts,
            &vms,
            &ClusterExposure {
                evc_state: ws.evc_state.clone(),
                ..Default::default()
            },
        );
        let evc = haswell(&ws);
        assert_eq!(matrix_verdicts(&ws, evc)[0], [C, B, B, B], "{name}");
        let e = exposure::effective(&ws.hosts[0], evc);
        assert!(
            e.exposure
                .iter()
                .any(|x| x.source == ExposureSource::EvcState && x.exposed == Some(true)),
            "{name}"
        );
    }
}

/// `effective_decision` (what every check reads) decides exactly as `effective` (what reports
/// show), on every host of both incident examples, under EVC and without, with and without
/// cluster evidence: only the evidence texts are left out.
#[test]
fn decision_view_equals_the_reported_view() {
    let modes = evcalc::evc::builtin_modes();
    let haswell = EvcSetting::Mode(modes.get("intel-haswell").expect("mode"));
    for paths in [&MDCLEAR_HOSTS[..], &STALE_HOSTS[..]] {
        let mut ws = load_texts(&files(paths));
        for pass in 0..2 {
            if pass == 1 {
                let vms = ws.vms.clone();
                exposure::resolve_cluster(
                    &mut ws.hosts,
                    &vms,
                    &ClusterExposure {
                        evc_exposes: exposure::parse_exposes("MDCLEAR").ok(),
                        evc_state: None,
                    },
                );
            }
            for host in &ws.hosts {
                for evc in [haswell, EvcSetting::Disabled] {
                    let full = exposure::effective(host, evc);
                    let brief = exposure::effective_decision(host, evc);
                    assert_eq!(full.present, brief.present, "{}", host.name);
                    assert_eq!(full.unknown, brief.unknown, "{}", host.name);
                    assert_eq!(full.basis, brief.basis, "{}", host.name);
                    let verdicts = |e: &exposure::Effective| {
                        e.exposure
                            .iter()
                            .map(|x| (x.feature, x.exposed, x.source))
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(verdicts(&full), verdicts(&brief), "{}", host.name);
                    assert!(full.exposure.iter().all(|x| !x.detail.is_empty()));
                    assert!(brief.exposure.iter().all(|x| x.detail.is_empty()));
                }
            }
        }
    }
}

/// Issue 20 item 10: a host whose running build already contains the MDS patch (VMSA-2019-0008,
/// `core/data/mds-patched-builds.tsv`) and still reports raw MDCLEAR 0 has booted that build:
/// the remedy leads with BIOS/firmware microcode and a cold power cycle. Where the build is older
/// than the patch or not shown, today's remedy (activate the microcode, reboot) stays. Inputs: the
/// example's four dumps (ESXi 6.7 build 15160138 = 6.7 P01, as the field report's hosts ran),
/// with esxi02–04's product line changed.
#[test]
fn the_running_build_decides_the_mds_remedy() {
    let cases = [
        // (product on esxi02–04, rule, typed fact (build, first patched build))
        (
            "VMware ESXi 6.7.0 build-15160138",
            "mds-patched-build",
            Some((Some(15_160_138), Some(13_644_319))),
        ),
        (
            "VMware ESXi 6.7.0 build-14320388",
            "mds-patched-build",
            Some((Some(14_320_388), Some(13_644_319))),
        ),
        ("VMware ESXi 6.7.0 build-13006603", "mds", None),
        ("VMware ESXi 6.7.0", "mds", None),
        (
            "VMware ESXi 7.0.3 build-21686933",
            "mds-patched-build",
            Some((Some(21_686_933), None)),
        ),
    ];
    for (product, rule, fact) in cases {
        let texts: Vec<(String, String)> = files(&MDCLEAR_HOSTS)
            .into_iter()
            .map(|(n, t)| {
                if n.ends_with("esxi01.txt") {
                    (n, t)
                } else {
                    let t = t.replace("VMware ESXi 6.7.0 build-15160138", product);
                    (n, t)
                }
            })
            .collect();
        let ws = load_texts(&texts);
        let evc = haswell(&ws);
        let plan = maintenance_plan(&ws, "esxi01", evc);
        assert_eq!(plan.outcome, Verdict::Blocked, "{product}");
        let first = &plan.remedies[0];
        assert_eq!(
            first.rule.as_deref(),
            Some(rule),
            "{product}: {:#?}",
            plan.remedies
        );
        assert_eq!(first.hosts, ["esxi02", "esxi03", "esxi04"], "{product}");
        let vm = evcalc::check::power_on(&ws.hosts[0], evc, None);
        let r = evcalc_tests::check_vm(&vm, &ws.hosts[1], evc);
        let m = &r.missing[0];
        assert_eq!(m.canonical_key, "cpuid.MDCLEAR");
        assert_eq!(
            m.patched_build
                .as_ref()
                .map(|p| (p.build, p.first_patched_build)),
            fact,
            "{product}"
        );
        let why = m.why.as_deref().unwrap_or_default();
        if let Some(p) = &m.patched_build {
            assert_eq!(p.advisory, "VMSA-2019-0008");
            assert!(why.contains("already contains the patch"), "{why}");
            assert!(why.contains("VMSA-2019-0008"), "{why}");
        } else {
            assert_eq!(why, "esxi02's CPU does not offer it (featureCapability 0)");
        }
    }
}
