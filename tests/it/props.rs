//! Property tests over the engine and the parsers.

use evcalc::catalogue::{FeatureId, FeatureSet, catalogue};
use evcalc::check::{self, EvcSetting};
use evcalc::evc::{EvcMode, builtin_modes};
use evcalc::model::{Capabilities, Host};
use evcalc_tests::{files_in, read};
use proptest::prelude::*;

/// A host whose features are a mode's baseline plus and minus some random features, so that
/// generated hosts land on many different modes.
fn arb_host() -> impl Strategy<Value = Host> {
    let n_modes = builtin_modes().modes.len();
    let n_features = catalogue().len() as u16;
    (
        0..n_modes,
        proptest::collection::vec(0..n_features, 0..12),
        proptest::collection::vec(0..n_features, 0..4),
        "[a-z]{1,6}[0-9]{0,2}",
    )
        .prop_map(|(mode_index, add, remove, name)| {
            let mode = &builtin_modes().modes[mode_index];
            let mut present = mode.exposed;
            for f in add {
                present.insert(FeatureId(f));
            }
            for f in remove {
                present.remove(FeatureId(f));
            }
            host_with(&name, present)
        })
}

fn host_with(name: &str, present: FeatureSet) -> Host {
    Host {
        name: name.to_string(),
        source: "generated".to_string(),
        product: None,
        cpu_model: None,
        vendor: None,
        caps: Capabilities {
            present,
            ..Default::default()
        },
        known_only: None,
        evc_masks: Vec::new(),
        reported_max_evc: None,
        reported_current_evc: None,
        moref: None,
        warnings: Vec::new(),
        ..Host::default()
    }
}

fn arb_mode() -> impl Strategy<Value = Option<&'static EvcMode>> {
    let n = builtin_modes().modes.len();
    prop_oneof![
        Just(None),
        (0..n).prop_map(|i| Some(&builtin_modes().modes[i]))
    ]
}

/// Two modes with `low.is_at_most(high)`.
fn ordered_modes() -> impl Strategy<Value = (&'static EvcMode, &'static EvcMode)> {
    let modes = builtin_modes();
    let pairs: Vec<(usize, usize)> = (0..modes.modes.len())
        .flat_map(|h| (0..modes.modes.len()).map(move |l| (l, h)))
        .filter(|(l, h)| modes.modes[*l].is_at_most(&modes.modes[*h]))
        .collect();
    proptest::sample::select(pairs)
        .prop_map(|(l, h)| (&builtin_modes().modes[l], &builtin_modes().modes[h]))
}

fn setting(mode: Option<&EvcMode>) -> EvcSetting<'_> {
    mode.map(EvcSetting::Mode).unwrap_or(EvcSetting::Disabled)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn a_vm_can_always_move_back_to_its_power_on_host(host in arb_host(), mode in arb_mode(), per_vm in arb_mode()) {
        let evc = setting(mode);
        // A per-VM mode requires its features to power on, and vSphere refuses one above the cluster's.
        prop_assume!(per_vm.is_none_or(|p| check::admission(&host, p).admitted == Some(true) && mode.is_none_or(|m| p.is_at_most(m))));
        let admitted = mode.is_none_or(|m| check::admission(&host, m).admitted == Some(true));
        let vm = check::power_on(&host, evc, per_vm);
        let result = evcalc_tests::check_vm(&vm, &host, evc);
        prop_assert!(result.missing.is_empty(), "{:?}", result.missing);
        prop_assert_eq!(result.compatible, admitted);
    }

    /// A lower virtual hardware version never adds a requirement (nor a "maybe").
    #[test]
    fn a_lower_vhw_never_adds_a_requirement(host in arb_host(), mode in arb_mode(), hi in 4u8..=22, lo in 4u8..=22) {
        prop_assume!(lo <= hi);
        let evc = setting(mode);
        let high = check::power_on_at(&host, evc, None, Some(hi));
        let low = check::power_on_at(&host, evc, None, Some(lo));
        prop_assert!(low.requirements.bool_min.is_subset(&high.requirements.bool_min), "vmx-{} ⊄ vmx-{}", lo, hi);
        prop_assert!(low.maybe.union(low.requirements.bool_min).is_subset(&high.maybe.union(high.requirements.bool_min)));
    }

    /// Adding a key evcalc does not know, on the source only, never turns blocked into compatible
    /// (and never makes an unknown move compatible).
    #[test]
    fn an_unknown_differing_key_never_makes_a_move_compatible(
        a in arb_host(), b in arb_host(), mode in arb_mode(), key in "cpuid\\.[A-Z]{3,10}_NEW", value in 1u64..3
    ) {
        let evc = setting(mode);
        let before = evcalc_tests::check_vm(&check::power_on(&a, evc, None), &b, evc).verdict;
        let mut a2 = a.clone();
        a2.caps.unknown.insert(key.to_ascii_lowercase(), (key.clone(), value));
        let after = evcalc_tests::check_vm(&check::power_on(&a2, evc, None), &b, evc).verdict;
        if before != evcalc::report::Verdict::Compatible {
            prop_assert_ne!(after, evcalc::report::Verdict::Compatible, "{} with {}", a.name, key);
        }
        if mode.is_none() {
            // Without EVC the VM may have seen it and b lacks it: never proven compatible.
            prop_assert_ne!(after, evcalc::report::Verdict::Compatible);
        }
    }

    #[test]
    fn lowering_the_evc_mode_never_breaks_a_compatible_pair(
        a in arb_host(), b in arb_host(), (low, high) in ordered_modes(), per_vm in arb_mode()
    ) {
        prop_assume!(per_vm.is_none_or(|p| p.is_at_most(low)));
        let vm_high = check::power_on(&a, EvcSetting::Mode(high), per_vm);
        let vm_low = check::power_on(&a, EvcSetting::Mode(low), per_vm);
        if evcalc_tests::check_vm(&vm_high, &b, EvcSetting::Mode(high)).compatible {
            let lowered = evcalc_tests::check_vm(&vm_low, &b, EvcSetting::Mode(low));
            prop_assert!(lowered.compatible, "{} → {} under {} but not {}: {:?}", a.name, b.name, high.key, low.key, lowered);
        }
        // Disabling EVC is not "lowering"; but EVC on never exposes more than EVC off.
        let vm_off = check::power_on(&a, EvcSetting::Disabled, per_vm);
        prop_assert!(vm_high.requirements.bool_min.is_subset(&vm_off.requirements.bool_min));
    }

    #[test]
    fn the_highest_common_mode_admits_every_host(hosts in proptest::collection::vec(arb_host(), 1..8)) {
        let modes = builtin_modes();
        if let Some(common) = check::max_common_mode(&hosts, modes) {
            for h in &hosts {
                prop_assert_eq!(check::admission(h, common).admitted, Some(true), "{} not admitted to {}", h.name, common.key);
            }
            // And no strictly higher mode admits them all.
            for m in &modes.modes {
                if m.tier > common.tier && m.vendor == common.vendor {
                    prop_assert!(hosts.iter().any(|h| check::admission(h, m).admitted != Some(true)), "{} also admits all", m.key);
                }
            }
        }
    }

    #[test]
    fn checks_do_not_depend_on_host_order(mut hosts in proptest::collection::vec(arb_host(), 2..6), mode in arb_mode()) {
        for (i, h) in hosts.iter_mut().enumerate() { h.name = format!("h{i}"); }
        let evc = setting(mode);
        let answer = |hosts: &[evcalc::model::Host]| {
            let mut ws = evcalc::session::Workspace {
                hosts: hosts.to_vec(),
                host_inputs: Vec::new(),
                vms: Vec::new(),
                loose_evc_masks: Vec::new(),
                evc_state: None,
                fleet: None,
                mode_level: Default::default(),
                modes: evcalc::evc::builtin_modes().clone(),
                inputs: Vec::new(),
                errors: Vec::new(),
            };
            evcalc_tests::cluster_of(&mut ws, &evcalc_tests::evc_key(evc))
        };
        let forward = answer(&hosts);
        let mut reversed_hosts = hosts.clone();
        reversed_hosts.reverse();
        let backward = answer(&reversed_hosts);
        let n = hosts.len();
        for i in 0..n {
            for j in 0..n {
                let (bi, bj) = (n - 1 - i, n - 1 - j);
                let (a, b) = (forward.host_cell(i, j), backward.host_cell(bi, bj));
                prop_assert_eq!(a.map(|c| c.verdict), b.map(|c| c.verdict));
                if let (Some(a), Some(b)) = (a, b) {
                    let mut ka = forward.blocker_keys(a);
                    let mut kb = backward.blocker_keys(b);
                    ka.sort_unstable();
                    kb.sort_unstable();
                    prop_assert_eq!(ka, kb);
                }
            }
        }
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(text in "\\PC{0,400}") {
        let _ = evcalc::session::load(&[evcalc::session::Source { name: "arbitrary", text: &text }]);
    }

    #[test]
    fn parsers_never_panic_on_vmodl_like_noise(
        parts in proptest::collection::vec(prop_oneof![
            Just("(vim.host.ConfigInfo) {"), Just("(vim.host.FeatureCapability) ["), Just("{"), Just("}"), Just("["), Just("]"),
            Just(","), Just("key = \"cpuid.SSE3\""), Just("value = \"1\""), Just("value = \"Bool:Min:1\""), Just("<unset>"),
            Just("\n"), Just("\""), Just("'vim.HostSystem:ha-host'"), Just("(vim.vm.RuntimeInfo) {"), Just("null"), Just("="),
            Just("<?xml version=\"1.0\"?>"), Just("<obj type=\"HostSystem\">"), Just("</obj>"), Just("featMask.evc.cpuid.MDCLEAR = \"Val:1\""),
        ], 0..60)
    ) {
        let text: String = parts.concat();
        let _ = evcalc::session::load(&[evcalc::session::Source { name: "noise", text: &text }]);
    }

    #[test]
    fn parsers_never_panic_on_mutated_fixtures(index in 0usize..1000, cut in 0usize..10_000, insert in "\\PC{0,8}") {
        let files = small_fixtures();
        let text = &files[index % files.len()].1;
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) { cut -= 1; }
        let mutated = format!("{}{}{}", &text[..cut], insert, &text[cut..]);
        let _ = evcalc::session::load(&[evcalc::session::Source { name: "mutated", text: &mutated }]);
    }
}

/// Every text fixture up to 200 KB.
fn small_fixtures() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in [
        "examples/mdclear-cluster",
        "tests/data/real",
        "tests/data/real/govc",
        "tests/data/real/govc/object.save-vmc-sddc",
        "tests/data/synthetic",
    ] {
        if !evcalc_tests::repo_root().join(dir).is_dir() {
            continue;
        }
        for f in files_in(dir) {
            let text = read(&f);
            if text.len() <= 200_000 {
                out.push((f, text));
            }
        }
    }
    out
}

/// Every prefix of every fixture parses or fails cleanly (never panics). Small files: every
/// character boundary. Larger files: every line boundary of the first 64 KB and 400 evenly
/// spaced cuts (a full byte sweep of a 2.5 MB file would take hours).
#[test]
fn every_prefix_of_every_fixture_is_handled() {
    let mut dirs = vec![
        "examples/mdclear-cluster",
        "tests/data/real",
        "tests/data/real/govc",
        "tests/data/real/govc/object.save-vmc-sddc",
        "tests/data/synthetic",
    ];
    dirs.retain(|d| evcalc_tests::repo_root().join(d).is_dir());
    let mut checked = 0usize;
    for dir in dirs {
        for f in files_in(dir) {
            let text = read(&f);
            let mut cuts: Vec<usize> = Vec::new();
            if text.len() <= 24_000 {
                cuts.extend((0..=text.len()).filter(|i| text.is_char_boundary(*i)));
            } else {
                cuts.extend(
                    text.match_indices('\n')
                        .map(|(i, _)| i)
                        .take_while(|i| *i < 65_536),
                );
                cuts.extend((0..400).map(|k| k * text.len() / 400));
            }
            for mut cut in cuts {
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let prefix = &text[..cut];
                let ws = evcalc::session::load(&[evcalc::session::Source {
                    name: &f,
                    text: prefix,
                }]);
                for e in &ws.errors {
                    assert!(
                        e.line >= 1 && !e.message.is_empty(),
                        "{f} cut at {cut}: {e:?}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "only {checked} prefixes checked");
}
