//! Limiting the question to some features (`--only`).

use super::*;

/// Whether `key` is among `only` (case-insensitive, with or without `cpuid.`).
/// Whether `key` is one of the `--only` keys (with or without `cpuid.`, any case).
pub fn named(only: &[String], key: &str) -> bool {
    let k = key.trim_start_matches("cpuid.");
    only.iter()
        .any(|o| o.trim_start_matches("cpuid.").eq_ignore_ascii_case(k))
}

/// The verdict of a move when only the features in `only` are asked about ("did the fix work?"):
/// blocked if one of them is missing, unknown if one of them cannot be judged, else compatible.
pub fn verdict_only(missing: &[Missing], unknown: &[UnknownItem], only: &[String]) -> Verdict {
    verdict_only_keys(
        &mut missing.iter().map(|m| m.canonical_key.as_str()),
        unknown,
        only,
    )
}

/// [`verdict_only`] of the unmet requirements' canonical keys.
pub(crate) fn verdict_only_keys(
    missing: &mut dyn Iterator<Item = &str>,
    unknown: &[UnknownItem],
    only: &[String],
) -> Verdict {
    let mut blocked = false;
    for k in missing {
        blocked |= named(only, k);
    }
    if blocked {
        Verdict::Blocked
    } else if unknown
        .iter()
        .any(|u| u.features.iter().any(|f| named(only, f)) || named(only, &u.key))
    {
        Verdict::Unknown
    } else {
        Verdict::Compatible
    }
}

/// Restricts a maintenance report's verdicts to `only`.
pub(crate) fn limit_maintenance(report: &mut Evacuation<'_>, only: &[String]) {
    for plan in &mut report.vms {
        for d in &mut plan.destinations {
            let v = verdict_only_keys(&mut d.missing_keys(), &d.unknown, only);
            d.verdict = v;
        }
        plan.verdict = if plan
            .destinations
            .iter()
            .any(|d| d.verdict == Verdict::Compatible)
        {
            Verdict::Compatible
        } else if plan
            .destinations
            .iter()
            .any(|d| d.verdict == Verdict::Unknown)
        {
            Verdict::Unknown
        } else {
            Verdict::Blocked
        };
    }
    report.outcome = if report.vms.iter().any(|p| p.verdict == Verdict::Blocked) {
        Verdict::Blocked
    } else if report.vms.iter().all(|p| p.verdict == Verdict::Compatible) {
        Verdict::Compatible
    } else {
        Verdict::Unknown
    };
    let keys = only.join(", ");
    report.verdict = match report.outcome {
        Verdict::Compatible => format!(
            "{}: every VM can move as far as {keys} is concerned",
            report.host
        ),
        Verdict::Blocked => format!(
            "{} cannot be fully evacuated: {keys} blocks some VMs",
            report.host
        ),
        Verdict::Unknown => format!(
            "{}: no {keys} blocker visible, but not verifiable from the data",
            report.host
        ),
    };
}
