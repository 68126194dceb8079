//! vCenter CPU error texts (issue 22): one sample per form, each with its source (the samples
//! are in `tests/data/synthetic/vmotion-errors/`, written by us in the sourced wording; the KB
//! 1034926 sample is the KB's own example with its host and required bits).

use evcalc::app::vmotion_error::{self, ExplainAnswer, ExplainRequest};
use evcalc::parse::vmotion_error::ErrorForm;
use evcalc::report::Verdict;
use evcalc::session::OwnedSource;
use evcalc_tests::read;

const DIR: &str = "tests/data/synthetic/vmotion-errors";

fn explain(files: &[&str], from: Option<&str>, to: Option<&str>) -> ExplainAnswer {
    vmotion_error::answer(&ExplainRequest {
        request: evcalc::app::Request {
            inputs: files
                .iter()
                .map(|f| OwnedSource {
                    name: f.to_string(),
                    text: read(f),
                })
                .collect(),
            evc: Some("intel-haswell".into()),
            ..Default::default()
        },
        from: from.map(str::to_string),
        to: to.map(str::to_string),
    })
}

fn keys(a: &ExplainAnswer) -> Vec<String> {
    a.features
        .iter()
        .filter(|f| !f.candidate)
        .map(|f| {
            f.feature
                .as_ref()
                .map_or(f.named.clone(), |r| r.key.clone())
        })
        .collect()
}

/// (file, source of the wording, form, the features it names).
const SAMPLES: &[(&str, &str, ErrorForm, &[&str])] = &[
    (
        "kb1034926-cpuid-bits.txt",
        "VMware KB 1034926 / Broadcom 301390 (and KB 1008315)",
        ErrorForm::CpuidBits,
        &["cpuid.AES", "cpuid.PCLMULQDQ"],
    ),
    (
        "kb2109065-feature-labels.txt",
        "VMware KB 2109065 / Broadcom 339945",
        ErrorForm::FeatureLabels,
        &["cpuid.AVX", "cpuid.AVX2"],
    ),
    (
        "vmware-log-feature-absent.txt",
        "msg.featurecompat.requirement.bool.mustBeTrue, quoted by public field reports",
        ErrorForm::VmwareLog,
        &["cpuid.DS"],
    ),
    (
        "reported-vmfeature-keys-mdclear.txt",
        "reported by admins, not confirmed by a public source",
        ErrorForm::VmfeatureKeys,
        &["cpuid.MDCLEAR"],
    ),
];

#[test]
fn every_sourced_form_names_its_features() {
    for (file, source, form, expected) in SAMPLES {
        let a = explain(&[&format!("{DIR}/{file}")], None, None);
        assert!(a.errors.is_empty(), "{file} ({source}): {:?}", a.errors);
        assert_eq!(a.forms, vec![*form], "{file} ({source})");
        assert_eq!(keys(&a), *expected, "{file} ({source})");
        // Alone: vCenter's verdict for that move.
        assert_eq!((a.verdict, a.exit_code()), (Verdict::Blocked, 1), "{file}");
        assert_eq!(a.verdict_from, "vcenter-error");
        assert!(!a.collect_next.is_empty());
    }
    let a = explain(
        &[&format!("{DIR}/reported-vmfeature-keys-mdclear.txt")],
        None,
        None,
    );
    assert!(a.features[0].reported_not_confirmed && a.features[0].patch_era);
}

#[test]
fn register_only_form_lists_candidates() {
    // VMware KB 1003718 / Broadcom 311680.
    let a = explain(
        &[&format!("{DIR}/kb1003718-cpuid-register.txt")],
        None,
        None,
    );
    assert_eq!(a.forms, vec![ErrorForm::CpuidRegister]);
    assert!(keys(&a).is_empty());
    let candidates: Vec<&str> = a
        .features
        .iter()
        .filter(|f| f.candidate)
        .filter_map(|f| f.feature.as_ref().map(|r| r.key.as_str()))
        .collect();
    for k in ["cpuid.NX", "cpuid.LM", "cpuid.RDTSCP", "cpuid.FFXSR"] {
        assert!(candidates.contains(&k), "{k} in {candidates:?}");
    }
    assert_eq!(a.registers[0].level, "0x80000001");
}

#[test]
fn with_dumps_the_check_is_restricted_to_the_errors_features() {
    let mut files = vec![format!("{DIR}/reported-vmfeature-keys-mdclear.txt")];
    files.extend(evcalc_tests::MDCLEAR_HOSTS.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let a = explain(&refs, Some("esxi01"), Some("esxi02"));
    assert!(a.option_errors.is_empty(), "{:?}", a.option_errors);
    assert_eq!(a.only, vec!["cpuid.MDCLEAR".to_string()]);
    let c = a.check.as_ref().expect("one move");
    assert_eq!(c.outcome, Verdict::Blocked);
    assert!(c.blockers.iter().all(|b| b.key == "cpuid.MDCLEAR"));
    assert_eq!(
        (a.verdict, a.verdict_from.as_str()),
        (Verdict::Blocked, "dumps")
    );
    // Features the dumps do not block: the error is not reproduced, exit 3.
    let mut files = vec![format!("{DIR}/kb2109065-feature-labels.txt")];
    files.extend(evcalc_tests::MDCLEAR_HOSTS.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let a = explain(&refs, Some("esxi01"), Some("esxi02"));
    assert_eq!(a.verdict, Verdict::Unknown);
    assert!(a.warnings.iter().any(|w| w.contains("do not reproduce")));
}
