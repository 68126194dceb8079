//! Round trips and invariances (proptest):
//!
//! * parse → render → parse gives the same records (keys, values, names) for VMODL text,
//!   `featMask` lines and govc JSON, from random catalogue keys (and unknown ones) and values;
//! * verdicts do not depend on the order of the features in a dump, nor on the order of the hosts;
//! * keys are case-insensitive everywhere: re-casing every key of a dump at random changes
//!   neither the catalogue resolution nor any verdict.

use std::collections::BTreeMap;

use evcalc::catalogue::catalogue;
use evcalc::check;
use evcalc::input::{Document, Entry, HostInput, MaskInput, Pos, VmInput};
use evcalc::model::Key;
use evcalc::render;
use evcalc::session::{self, Source, Workspace};
use evcalc::value::{Mask, MaskOp, ReqOp, ReqType, Requirement};
use evcalc_tests::read;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

// ------------------------------------------------------------------------------------------
// Generators

fn catalogue_keys() -> Vec<String> {
    catalogue().iter().map(|(_, d)| d.key.clone()).collect()
}

/// A catalogue key (mostly) or a key the catalogue does not know.
fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(catalogue_keys()),
        1 => "(cpuid|vpmc|hv|misc)\\.[a-zA-Z][a-zA-Z0-9_]{0,12}",
    ]
}

fn arb_number() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0..=1u64, 2 => 0..0x100u64, 1 => any::<u64>()]
}

fn arb_mask() -> impl Strategy<Value = Mask> {
    (
        prop_oneof![Just(MaskOp::Val), Just(MaskOp::Max), Just(MaskOp::Min)],
        arb_number(),
    )
        .prop_map(|(op, value)| Mask { op, value })
}

fn arb_requirement() -> impl Strategy<Value = Requirement> {
    (
        prop_oneof![
            Just(ReqType::Bool),
            Just(ReqType::Num),
            Just(ReqType::Untyped)
        ],
        prop_oneof![Just(ReqOp::Min), Just(ReqOp::Match)],
        arb_number(),
    )
        .prop_map(|(ty, op, value)| Requirement { ty, op, value })
}

fn arb_entries<T: std::fmt::Debug>(
    value: impl Strategy<Value = T>,
    max: usize,
) -> impl Strategy<Value = Vec<Entry<T>>> {
    proptest::collection::vec((arb_key(), value), 0..max).prop_map(|list| {
        list.into_iter()
            .map(|(key, value)| Entry {
                key,
                value,
                pos: Pos::default(),
            })
            .collect()
    })
}

/// Names and labels: no blanks at either end (the JSON reader trims), quotes, backslashes and
/// non-ASCII letters included.
fn arb_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9ü\"\\\\'_.-]([A-Za-z0-9ü \"\\\\'_.-]{0,20}[A-Za-z0-9ü\"_.-])?"
}

fn arb_host() -> impl Strategy<Value = HostInput> {
    (
        proptest::option::of(arb_text()),
        proptest::option::of(arb_text()),
        proptest::option::of(arb_text()),
        arb_entries(arb_number(), 40),
        arb_entries(arb_number(), 8),
        proptest::option::of("(intel|amd)-[a-z0-9]{3,10}"),
        proptest::option::of("(intel|amd)-[a-z0-9]{3,10}"),
        proptest::bool::ANY,
    )
        .prop_map(
            |(
                name,
                product,
                cpu_model,
                capabilities,
                masked_capabilities,
                reported_max_evc,
                reported_current_evc,
                summary_seen,
            )| HostInput {
                name,
                product,
                cpu_model,
                capabilities,
                masked_capabilities,
                reported_max_evc,
                // A reported current mode was collected, so the summary was seen.
                summary_seen: summary_seen || reported_current_evc.is_some(),
                reported_current_evc,
                ..HostInput::default()
            },
        )
}

fn arb_vm() -> impl Strategy<Value = VmInput> {
    (
        proptest::option::of(arb_text()),
        proptest::option::of(prop_oneof![
            "host-[0-9]{1,5}",
            "ha-host",
            "esxi[0-9]{2}\\.example\\.org",
            arb_text()
        ]),
        proptest::option::of(prop_oneof![
            Just("poweredOn".to_string()),
            Just("poweredOff".to_string())
        ]),
        arb_entries(arb_requirement(), 40),
        arb_entries(arb_requirement(), 6),
        arb_entries(arb_mask(), 10),
        proptest::option::of("(intel|amd)-[a-z0-9]{3,10}"),
    )
        .prop_map(
            |(
                name,
                host,
                power_state,
                requirements,
                offline_requirements,
                masks,
                reported_min_evc,
            )| VmInput {
                name,
                host,
                power_state,
                requirements,
                offline_requirements,
                masks,
                reported_min_evc,
                pos: Pos::default(),
                ..VmInput::default()
            },
        )
}

fn arb_masks() -> impl Strategy<Value = MaskInput> {
    (
        arb_entries(arb_mask(), 30),
        arb_entries(arb_mask(), 30),
        proptest::option::of(arb_text()),
    )
        .prop_filter(
            "a featMask file has at least one featMask line",
            |(evc, vm, _)| !evc.is_empty() || !vm.is_empty(),
        )
        .prop_map(|(evc_masks, vm_masks, name)| MaskInput {
            evc_masks,
            vm_masks,
            name,
            ..MaskInput::default()
        })
}

// ------------------------------------------------------------------------------------------
// Comparing records without positions

fn unpos<T: Clone>(entries: &[Entry<T>]) -> Vec<Entry<T>> {
    entries
        .iter()
        .map(|e| Entry {
            pos: Pos::default(),
            ..e.clone()
        })
        .collect()
}

fn strip(doc: &Document) -> Document {
    match doc {
        Document::Host(h) => Document::Host(HostInput {
            capabilities: unpos(&h.capabilities),
            masked_capabilities: unpos(&h.masked_capabilities),
            evc_masks: unpos(&h.evc_masks),
            pos: Pos::default(),
            ..h.clone()
        }),
        Document::Vm(v) => Document::Vm(VmInput {
            requirements: unpos(&v.requirements),
            offline_requirements: unpos(&v.offline_requirements),
            masks: unpos(&v.masks),
            pos: Pos::default(),
            ..v.clone()
        }),
        Document::Masks(m) => Document::Masks(MaskInput {
            evc_masks: unpos(&m.evc_masks),
            vm_masks: unpos(&m.vm_masks),
            ..m.clone()
        }),
        Document::EvcModes(list) => Document::EvcModes(list.clone()),
        Document::EvcState(s) => Document::EvcState(s.clone()),
        Document::Fleet(f) => Document::Fleet(f.clone()),
        other => other.clone(),
    }
}

/// Parses `text` (with format detection) into exactly one document, positions cleared.
fn reparse(text: &str) -> Result<Document, TestCaseError> {
    let parsed = evcalc::parse::parse(text)
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- rendered:\n{text}")))?;
    match parsed.documents.as_slice() {
        [doc] => Ok(strip(doc)),
        docs => Err(TestCaseError::fail(format!(
            "expected one document, got {}\n--- rendered:\n{text}",
            docs.len()
        ))),
    }
}

// ------------------------------------------------------------------------------------------
// Verdicts

/// Everything a verdict depends on, by host name, without key spellings or positions: each
/// host's resolved capabilities and highest mode, the max common mode, every matrix cell, and
/// every VM against every host.
fn verdicts(ws: &Workspace) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    let modes = &ws.modes;
    let chosen = session::choose_evc(None, &ws.hosts, modes).expect("no argument");
    for h in &ws.hosts {
        let report = check::host_report(h, modes);
        let unknown: BTreeMap<&String, u64> =
            h.caps.unknown.iter().map(|(k, (_, v))| (k, *v)).collect();
        out.insert(
            format!("host {}", h.name),
            format!(
                "max={:?} present={:?} numbers={:?} unknown={unknown:?}",
                report.max_evc_mode, h.caps.present, h.caps.numbers
            ),
        );
    }
    out.insert(
        "evc".to_string(),
        format!("{:?} ({})", chosen.setting.key(), chosen.why),
    );
    out.insert(
        "max common".to_string(),
        format!(
            "{:?}",
            check::max_common_mode(&ws.hosts, modes).map(|m| &m.key)
        ),
    );
    let missing = |m: &[evcalc::report::Missing]| {
        let mut keys: Vec<String> = m
            .iter()
            .map(|m| format!("{}={}", m.canonical_key.to_ascii_lowercase(), m.required))
            .collect();
        keys.sort();
        keys
    };
    let answer = evcalc_tests::cluster_of(&mut ws.clone(), &evcalc_tests::evc_key(chosen.setting));
    for (i, from) in ws.hosts.iter().enumerate() {
        for (j, to) in ws.hosts.iter().enumerate() {
            if let Some(cell) = answer.host_cell(i, j) {
                let mut keys: Vec<String> = cell
                    .blockers
                    .iter()
                    .map(|&b| &answer.blockers[b as usize])
                    .map(|b| format!("{}={}", b.key.to_ascii_lowercase(), b.required))
                    .collect();
                keys.sort();
                out.insert(
                    format!("cell {} -> {}", from.name, to.name),
                    format!(
                        "{:?} {:?} {}",
                        cell.verdict, keys, cell.destination_not_admitted
                    ),
                );
            }
        }
    }
    for vm in &ws.vms {
        for h in &ws.hosts {
            let r = evcalc_tests::check_vm(vm, h, chosen.setting);
            out.insert(
                format!("vm {} -> {}", vm.name, h.name),
                format!("{:?} {:?}", r.verdict, missing(&r.missing)),
            );
        }
    }
    out
}

fn load(files: &[(String, String)]) -> Workspace {
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    session::load(&sources)
}

fn only_host(text: &str) -> HostInput {
    match evcalc::parse::parse(text)
        .expect("fixture")
        .documents
        .remove(0)
    {
        Document::Host(h) => h,
        other => panic!("{other:?}"),
    }
}

fn only_vm(text: &str) -> VmInput {
    match evcalc::parse::parse(text)
        .expect("fixture")
        .documents
        .remove(0)
    {
        Document::Vm(v) => v,
        other => panic!("{other:?}"),
    }
}

/// The bundled example's four hosts and two VMs, parsed once.
fn example() -> (Vec<HostInput>, Vec<VmInput>) {
    let hosts = evcalc_tests::MDCLEAR_HOSTS
        .iter()
        .map(|f| only_host(&read(f)))
        .collect();
    let vms = [
        "examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt",
        "examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt",
    ]
    .iter()
    .map(|f| only_vm(&read(f)))
    .collect();
    (hosts, vms)
}

/// Rendered inputs under the file names the example uses (VMs find their host by file name).
fn files(hosts: &[HostInput], vms: &[VmInput]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| (format!("esxi0{}.txt", i + 1), render::host_vmodl(h)))
        .collect();
    out.extend(vms.iter().enumerate().map(|(i, v)| {
        (
            format!("vm{i}-on-esxi0{}.runtime.txt", i + 1),
            render::vm_vmodl(v),
        )
    }));
    out
}

/// Re-cases a key at random (one bit of `pattern` per character).
fn recase(key: &str, pattern: u64) -> String {
    key.chars()
        .enumerate()
        .map(|(i, c)| {
            if (pattern >> (i % 64)) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn recase_all<T: Clone>(entries: &mut [Entry<T>], seed: u64) {
    for (i, e) in entries.iter_mut().enumerate() {
        e.key = recase(&e.key, seed.rotate_left(i as u32 * 7) ^ i as u64);
    }
}

/// Random changes to the example hosts and VMs so that the verdicts vary: some capability values
/// flipped, some requirements dropped.
fn perturbed() -> impl Strategy<Value = (Vec<HostInput>, Vec<VmInput>)> {
    (
        proptest::collection::vec((0..4usize, 0..600usize), 0..12),
        proptest::collection::vec((0..2usize, 0..60usize), 0..6),
    )
        .prop_map(|(flips, drops)| {
            let (mut hosts, mut vms) = example();
            for (h, i) in flips {
                let caps = &mut hosts[h].capabilities;
                let n = caps.len();
                let e = &mut caps[i % n];
                e.value = u64::from(e.value == 0);
            }
            for (v, i) in drops {
                let reqs = &mut vms[v].requirements;
                if !reqs.is_empty() {
                    let n = reqs.len();
                    reqs.remove(i % n);
                }
            }
            (hosts, vms)
        })
}

// ------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn host_vmodl_round_trip(host in arb_host()) {
        prop_assert_eq!(reparse(&render::host_vmodl(&host))?, Document::Host(host));
    }

    #[test]
    fn host_json_round_trip(host in arb_host()) {
        // Missing is unknown: JSON without any featureCapability is a host whose features are
        // unknown (a fragment), never one that lacks every feature.
        let mut expected = host.clone();
        expected.fragment |= expected.capabilities.is_empty();
        prop_assert_eq!(reparse(&render::host_json(&host))?, Document::Host(expected));
    }

    #[test]
    fn vm_vmodl_round_trip(vm in arb_vm()) {
        prop_assert_eq!(reparse(&render::vm_vmodl(&vm))?, Document::Vm(vm));
    }

    #[test]
    fn vm_json_round_trip(vm in arb_vm()) {
        prop_assert_eq!(reparse(&render::vm_json(&vm))?, Document::Vm(vm));
    }

    #[test]
    fn featmask_lines_round_trip(masks in arb_masks()) {
        prop_assert_eq!(reparse(&render::masks_lines(&masks))?, Document::Masks(masks));
    }

    /// parse → render → parse → render: the second rendering is the first (a fixed point).
    #[test]
    fn rendering_is_a_fixed_point(host in arb_host(), vm in arb_vm()) {
        for text in [render::host_vmodl(&host), render::host_json(&host)] {
            let Document::Host(back) = reparse(&text)? else { unreachable!() };
            prop_assert_eq!(render::host_vmodl(&back), render::host_vmodl(&host));
        }
        let Document::Vm(back) = reparse(&render::vm_vmodl(&vm))? else { unreachable!() };
        prop_assert_eq!(render::vm_json(&back), render::vm_json(&vm));
    }
}

proptest! {
    // Each case loads and checks a four-host cluster with two VMs (about 2,000 entries).
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Shuffling the entries of every host dump and VM dump changes no verdict.
    #[test]
    fn verdicts_do_not_depend_on_feature_order((hosts, vms) in perturbed(), seed in any::<u64>()) {
        let before = verdicts(&load(&files(&hosts, &vms)));
        let mut rng = seed;
        let mut next = move || { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; rng };
        let (mut hosts, mut vms) = (hosts, vms);
        for h in &mut hosts {
            for i in (1..h.capabilities.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                h.capabilities.swap(i, j);
            }
        }
        for v in &mut vms {
            for i in (1..v.requirements.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                v.requirements.swap(i, j);
            }
        }
        prop_assert_eq!(verdicts(&load(&files(&hosts, &vms))), before);
    }

    /// Loading the same files in another order changes no verdict.
    #[test]
    fn verdicts_do_not_depend_on_host_order((hosts, vms) in perturbed(), rotate in 1..4usize, reverse in any::<bool>()) {
        let all = files(&hosts, &vms);
        let before = verdicts(&load(&all));
        let mut other = all.clone();
        other[..4].rotate_left(rotate);
        if reverse {
            other.reverse();
        }
        prop_assert_eq!(verdicts(&load(&other)), before);
    }

    /// Re-casing every key at random (`cpuid.MDCLEAR` → `CPUid.mdClEaR`) in hosts and VMs
    /// resolves to the same catalogue entries and changes no verdict.
    #[test]
    fn keys_are_case_insensitive_everywhere((hosts, vms) in perturbed(), seed in any::<u64>()) {
        let before = verdicts(&load(&files(&hosts, &vms)));
        let (mut hosts2, mut vms2) = (hosts.clone(), vms.clone());
        for (i, h) in hosts2.iter_mut().enumerate() {
            recase_all(&mut h.capabilities, seed ^ i as u64);
            recase_all(&mut h.masked_capabilities, seed ^ 0x55 ^ i as u64);
        }
        for (i, v) in vms2.iter_mut().enumerate() {
            recase_all(&mut v.requirements, seed ^ 0xaa ^ i as u64);
        }
        for (a, b) in hosts.iter().zip(&hosts2).flat_map(|(a, b)| a.capabilities.iter().zip(&b.capabilities)) {
            prop_assert_eq!(Key::resolve(&a.key), Key::resolve(&b.key), "{} vs {}", a.key, b.key);
            prop_assert_eq!(catalogue().lookup(&a.key), catalogue().lookup(&b.key));
        }
        prop_assert_eq!(verdicts(&load(&files(&hosts2, &vms2))), before);
    }

    /// The same for the other formats: a govc JSON host and `featMask` lines with re-cased keys
    /// resolve to the same features as the originals.
    #[test]
    fn keys_are_case_insensitive_in_json_and_featmask((hosts, _) in perturbed(), seed in any::<u64>()) {
        let mut recased = hosts[0].clone();
        recase_all(&mut recased.capabilities, seed);
        let a = load(&[("a.json".to_string(), render::host_json(&hosts[0]))]);
        let b = load(&[("a.json".to_string(), render::host_json(&recased))]);
        prop_assert_eq!(verdicts(&a), verdicts(&b));
        let masks = MaskInput {
            evc_masks: hosts[0].capabilities.iter().map(|e| Entry { key: e.key.clone(), value: Mask { op: MaskOp::Val, value: e.value }, pos: Pos::default() }).collect(),
            ..MaskInput::default()
        };
        let mut masks2 = masks.clone();
        recase_all(&mut masks2.evc_masks, seed);
        let m1 = load(&[("config".to_string(), render::masks_lines(&masks))]);
        let m2 = load(&[("config".to_string(), render::masks_lines(&masks2))]);
        prop_assert_eq!(&m1.loose_evc_masks[0].1, &m2.loose_evc_masks[0].1);
    }
}

#[test]
fn the_example_renders_back_to_itself() {
    // The real grammar of the bundled example survives parse → render → parse unchanged.
    let (hosts, vms) = example();
    for h in &hosts {
        assert_eq!(
            reparse(&render::host_vmodl(h)).unwrap(),
            strip(&Document::Host(h.clone()))
        );
        assert_eq!(
            reparse(&render::host_json(h)).unwrap(),
            strip(&Document::Host(h.clone()))
        );
    }
    for v in &vms {
        assert_eq!(
            reparse(&render::vm_vmodl(v)).unwrap(),
            strip(&Document::Vm(v.clone()))
        );
        assert_eq!(
            reparse(&render::vm_json(v)).unwrap(),
            strip(&Document::Vm(v.clone()))
        );
    }
    // And the rendered example gives the incident's verdicts: VMs from esxi01 are blocked by MDCLEAR.
    let ws = load(&files(&hosts, &vms));
    let v = verdicts(&ws);
    let app01 = &ws.vms[0].name;
    assert!(
        v[&format!("vm {app01} -> esxi02")].starts_with("Blocked [\"cpuid.mdclear=Bool:Min:1\"]"),
        "{v:#?}"
    );
}
