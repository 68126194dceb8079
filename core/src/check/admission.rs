//! Hosts: the modes a host can join, its report, and its admission to a cluster's EVC mode.

use super::*;

/// The modes a host can certainly join (verdict admitted). `None` for fragments (not enough data).
pub fn host_modes<'m>(host: &Host, modes: &'m ModeCatalogue) -> Option<Vec<&'m EvcMode>> {
    if host.is_fragment() {
        return None;
    }
    let admitted: Vec<&EvcMode> = modes
        .modes
        .iter()
        .filter(|m| admission_verdict(host, m) == Some(true))
        .collect();
    Some(admitted)
}

/// The highest EVC mode a host can certainly join.
pub fn host_max_mode<'m>(host: &Host, modes: &'m ModeCatalogue) -> Option<&'m EvcMode> {
    host_modes(host, modes).and_then(|admitted| ModeCatalogue::highest(&admitted))
}

/// How a host stands for one mode: (certainly missing, unproven-role missing, unrecorded).
pub(super) fn admission_parts(host: &Host, mode: &EvcMode) -> (FeatureSet, FeatureSet, FeatureSet) {
    let present = host.caps.present;
    let unrecorded = host.unrecorded.difference(present);
    let missing = mode.required.difference(present);
    let unproven = mode.admission_unproven.difference(present);
    (
        missing.difference(unrecorded),
        unproven.difference(unrecorded),
        missing.union(unproven).intersection(unrecorded),
    )
}

/// "if cpuid.XSAVEOPT, which the input does not record, is present, and hosts without cpuid.MWAIT
/// (admission role unproven) are admitted".
pub(super) fn condition_text(unrecorded: FeatureSet, unproven: FeatureSet) -> String {
    let keys = |set: FeatureSet| -> String {
        let names: Vec<&str> = set
            .iter()
            .map(|id| catalogue().def(id).key.as_str())
            .collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let mut parts = Vec::new();
    if !unrecorded.is_empty() {
        let (which, is) = if unrecorded.len() == 1 {
            ("which", "is")
        } else {
            ("which", "are")
        };
        parts.push(format!(
            "if {}, {which} the input does not record, {is} present",
            keys(unrecorded)
        ));
    }
    if !unproven.is_empty() {
        parts.push(format!(
            "if a host without {} is admitted (nothing shows vCenter requires {}: admission role unproven)",
            keys(unproven),
            if unproven.len() == 1 { "it" } else { "them" }
        ));
    }
    parts.join(", and ")
}

/// Summarises a host: vendor, CPU, ESXi, supported EVC modes, what blocks the next mode.
pub fn host_report(host: &Host, modes: &ModeCatalogue) -> HostReport {
    let admitted = host_modes(host, modes);
    let max = admitted.as_ref().and_then(|a| ModeCatalogue::highest(a));
    let blockers = |m: &EvcMode| {
        let (missing, unproven, unrecorded) = admission_parts(host, m);
        ModeBlockers {
            mode: m.key.clone(),
            missing: refs(missing),
            unproven: refs(unproven),
            unrecorded: refs(unrecorded),
        }
    };
    let next_blockers = match (max, &admitted) {
        (Some(max), Some(_)) => modes.next_above(max).into_iter().map(blockers).collect(),
        (None, Some(_)) => modes
            .modes
            .iter()
            .filter(|m| host.vendor.is_none_or(|v| v == m.vendor))
            .min_by_key(|m| m.tier)
            .map(blockers)
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    // Modes above the certain maximum that nothing certainly blocks.
    let mut uncertain: Vec<&EvcMode> = if host.is_fragment() {
        Vec::new()
    } else {
        modes
            .modes
            .iter()
            .filter(|m| admission_verdict(host, m).is_none())
            .filter(|m| max.is_none_or(|max| m.vendor == max.vendor && m.tier > max.tier))
            .collect()
    };
    uncertain.sort_by_key(|m| (m.tier, m.exposed.len()));
    let possible = {
        let mut all: Vec<&EvcMode> = max.into_iter().collect();
        all.extend(uncertain.iter().copied());
        ModeCatalogue::highest(&all)
    };
    let uncertain_modes: Vec<UncertainMode> = uncertain
        .iter()
        .map(|m| {
            let (_, unproven, unrecorded) = admission_parts(host, m);
            UncertainMode {
                mode: m.key.clone(),
                unrecorded: refs(unrecorded),
                unproven: refs(unproven),
                condition: condition_text(unrecorded, unproven),
            }
        })
        .collect();
    let max_key = max.map(|m| m.key.clone());
    let summary = {
        let base = match (&max_key, host.is_fragment()) {
            (_, true) => "unknown (fragment)".to_string(),
            (Some(k), _) => k.clone(),
            (None, _) => "no EVC mode for certain".to_string(),
        };
        match possible.filter(|p| Some(&p.key) != max_key.as_ref()) {
            Some(p) => {
                let u = uncertain_modes
                    .iter()
                    .find(|u| u.mode == p.key)
                    .map(|u| u.condition.as_str())
                    .unwrap_or("");
                format!("{base}; {} {u}", p.key)
            }
            None => base,
        }
    };
    // A range that contains the reported mode agrees with it.
    let in_range = host
        .reported_max_evc
        .as_deref()
        .filter(|r| uncertain_modes.iter().any(|u| u.mode == *r));
    let cross_check = cross_check(
        host.reported_max_evc.as_deref(),
        in_range.or(max_key.as_deref()),
    );
    let cat = catalogue();
    let mut warnings = host.warnings.clone();
    if host.is_fragment() {
        warnings.push(
            "partial input (a fragment): only the listed keys are known; EVC modes cannot be computed".to_string(),
        );
    }
    if let CrossCheck::Differs = cross_check {
        warnings.push(format!(
            "the input reports maxEVCModeKey = {}, evcalc computes {}: the built-in EVC baselines are partly [R]/[I]; \
             a SupportedEVCMode export (--modes) settles it",
            host.reported_max_evc.as_deref().unwrap_or("?"),
            max_key.as_deref().unwrap_or("none")
        ));
    }
    HostReport {
        name: host.name.clone(),
        name_given: host.name_given,
        source: host.source.clone(),
        vendor: host.vendor,
        cpu_model: host.cpu_model.clone(),
        product: host.product.clone(),
        fragment: host.is_fragment(),
        feature_count: host.caps.present.len(),
        family: host.caps.numbers.get(&fid::FAMILY).copied(),
        model: host.caps.numbers.get(&fid::MODEL).copied(),
        stepping: host.caps.numbers.get(&fid::STEPPING).copied(),
        max_evc_mode: max_key,
        max_evc_mode_possible: possible.map(|m| m.key.clone()),
        uncertain_modes,
        max_evc_summary: summary,
        unrecorded: refs(host.unrecorded.difference(host.caps.present)),
        supported_evc_modes: admitted
            .map(|a| a.iter().map(|m| m.key.clone()).collect())
            .unwrap_or_default(),
        next_mode_blockers: next_blockers,
        reported_max_evc_mode: host.reported_max_evc.clone(),
        reported_current_evc_mode: host.reported_current_evc.clone(),
        max_evc_cross_check: cross_check,
        mitigations: refs(host.caps.present.intersection(cat.mitigations())),
        unknown_keys: host
            .caps
            .unknown
            .values()
            .map(|(k, v)| UnknownKey {
                key: k.clone(),
                value: *v,
            })
            .collect(),
        warnings,
    }
}

pub(super) fn cross_check(reported: Option<&str>, computed: Option<&str>) -> CrossCheck {
    match reported {
        None => CrossCheck::NotReported,
        Some(r) if Some(r) == computed => CrossCheck::Agrees,
        Some(_) => CrossCheck::Differs,
    }
}

/// The verdict of [`admission`] alone (`admitted`: `Some(true)` admitted, `Some(false)` not,
/// `None` fragment or uncertain), without building the report.
///
/// Performance: `max_common_mode` asks this for every (mode, host) pair — 250,000 pairs for
/// 10,000 hosts — and only needs the verdict; building an [`Admission`] allocates strings and
/// feature lists each time (docs/performance.md).
pub(super) fn admission_verdict(host: &Host, mode: &EvcMode) -> Option<bool> {
    if host.is_fragment() {
        return None;
    }
    let vendor_mismatch = host.vendor.is_some_and(|v| v != mode.vendor);
    let present = host.caps.present;
    let required_missing = mode.required.difference(present);
    if vendor_mismatch || !required_missing.is_subset(&host.unrecorded) {
        return Some(false);
    }
    if required_missing.is_empty() && mode.admission_unproven.is_subset(&present) {
        Some(true)
    } else {
        None
    }
}

/// Whether `host` can be admitted to `mode`: the features it certainly lacks, those whose
/// admission role is unproven, and those its input does not record.
pub fn admission(host: &Host, mode: &EvcMode) -> Admission {
    if host.is_fragment() {
        return Admission {
            host: host.name.clone(),
            mode: mode.key.clone(),
            admitted: None,
            verdict: AdmissionVerdict::Unknown,
            missing: Vec::new(),
            unproven: Vec::new(),
            unrecorded: Vec::new(),
            vendor_mismatch: false,
            baseline_exposes: Vec::new(),
            reason: Some("partial input (a fragment): admission cannot be judged".to_string()),
        };
    }
    let vendor_mismatch = host.vendor.is_some_and(|v| v != mode.vendor);
    let (missing, unproven, unrecorded) = admission_parts(host, mode);
    let admitted = admission_verdict(host, mode);
    let verdict = match admitted {
        Some(true) => AdmissionVerdict::Admitted,
        Some(false) => AdmissionVerdict::NotAdmitted,
        None => AdmissionVerdict::Uncertain,
    };
    let reason = (verdict == AdmissionVerdict::Uncertain)
        .then(|| format!("admitted {}", condition_text(unrecorded, unproven)));
    Admission {
        host: host.name.clone(),
        mode: mode.key.clone(),
        admitted,
        verdict,
        missing: refs(missing),
        unproven: refs(unproven),
        unrecorded: refs(unrecorded),
        vendor_mismatch,
        baseline_exposes: Vec::new(),
        reason,
    }
}

/// Admission of `host` to `mode` in a cluster whose patch-era findings are `findings` (see
/// [`exposure::findings`]): [`admission`], and once a member's evidence shows the baseline
/// exposing a patch-era feature, a host without it is not admitted (\[C\] KB 52085/68024:
/// "Unpatched ESXi hosts will no longer be admitted into the EVC cluster"); where the baseline's
/// exposure is not shown and the host lacks it, admission is uncertain. One rule for the class
/// table and `plan --add` (issue 19: they disagreed).
pub fn admission_in_cluster(
    host: &Host,
    mode: &EvcMode,
    findings: &[exposure::PatchFinding],
) -> Admission {
    let mut a = admission(host, mode);
    if host.is_fragment() {
        return a;
    }
    let cat = catalogue();
    let raw_unknown = exposure::raw_unknown(host);
    let mut exposed_missing = FeatureSet::default();
    let mut open = FeatureSet::default();
    for f in findings {
        let Some(id) = cat.lookup(&f.feature) else {
            continue;
        };
        let has = host.caps.present.contains(id);
        let known = !raw_unknown.contains(id);
        match (f.baseline, has, known) {
            (exposure::Tri::Yes, false, true) => exposed_missing.insert(id),
            (exposure::Tri::Yes, false, false) | (exposure::Tri::Unknown, false, _) => {
                open.insert(id)
            }
            _ => {}
        }
    }
    if !exposed_missing.is_empty() {
        a.admitted = Some(false);
        a.verdict = AdmissionVerdict::NotAdmitted;
        a.missing.extend(refs(exposed_missing));
        a.baseline_exposes = refs(exposed_missing);
        a.reason = None;
    } else if !open.is_empty() && a.admitted == Some(true) {
        a.admitted = None;
        a.verdict = AdmissionVerdict::Uncertain;
        a.unproven.extend(refs(open));
        a.reason = Some(format!(
            "admitted if the cluster's baseline does not expose {} (not shown)",
            open.iter()
                .map(|id| cat.def(id).key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    a
}
