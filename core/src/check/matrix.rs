//! The cluster matrix: the power-on bands of a row and the cell of each destination.

use super::*;

/// The power-on bands a matrix row checks: the VMs powered on on `from`, per band of virtual
/// hardware versions that the destinations' ESXi releases split (`hosts`), or of `vhw` alone.
pub(crate) fn row_vms(
    from: &Host,
    hosts: &[Host],
    evc: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    vhw: Option<u8>,
) -> Vec<Vm> {
    let mut breaks: Vec<u8> = hosts.iter().filter_map(|h| h.max_vhw).collect();
    breaks.sort_unstable();
    breaks.dedup();
    power_on_bands(from, evc, per_vm, vhw, &breaks)
}

/// One matrix cell: can the VMs of a row (see [`row_vms`]) move to the prepared destination?
/// Also the per-band checks it was folded from ([`check_outcome`], one per VM): the class
/// matrix prepares each column once. The destination may be a host identical to the row host
/// (two members of one host class): then the cell is computed, not assumed.
pub(crate) fn matrix_cell_outcomes<'h>(
    vms: &[Vm],
    to: &Prepared<'h>,
) -> (MatrixCell, Vec<Outcome<'h>>) {
    let checks: Vec<Outcome<'h>> = vms.iter().map(|vm| check_outcome(vm, to)).collect();
    (cell_of(to.host(), &checks), checks)
}

/// Folds the per-band checks of one (from, to) pair into a matrix cell.
pub(super) fn cell_of(to: &Host, checks: &[Outcome<'_>]) -> MatrixCell {
    let verdict = worst(checks.iter().map(|c| c.verdict));
    let mut missing: Vec<Missing> = Vec::new();
    let mut unknown: Vec<UnknownItem> = Vec::new();
    let mut not_admitted = false;
    for c in checks {
        for m in c.missing_entries() {
            if !missing.iter().any(|x| x.canonical_key == m.canonical_key) {
                missing.push(m.clone());
            }
        }
        for u in &c.unknown {
            if !unknown.iter().any(|x| x.key == u.key) {
                unknown.push(u.clone());
            }
        }
        if let Some(v) = c.vhw_blocker.as_deref()
            && !unknown.iter().any(|x| x.why == *v)
            && !missing.iter().any(|m| m.vhw_too_new.is_some())
        {
            missing.push(vhw_missing(
                v,
                c.vhw.unwrap_or(0),
                c.destination_max_vhw.unwrap_or(0),
            ));
        }
        not_admitted |= c.not_admitted;
    }
    let differ = checks.len() > 1
        && checks
            .iter()
            .any(|c| c.verdict != checks[0].verdict || c.missing.len() != checks[0].missing.len());
    let bands = if differ {
        checks
            .iter()
            .map(|c| BandCell {
                vhw_from: c.vhw_band.map_or(MIN_VHW, |b| b.0),
                vhw_to: c.vhw_band.map_or(MAX_VHW, |b| b.1),
                verdict: c.verdict,
                missing: c
                    .missing_keys()
                    .map(str::to_string)
                    .chain(
                        c.vhw_blocker
                            .as_deref()
                            .iter()
                            .map(|_| format!("vmx-{}", c.vhw.unwrap_or(0))),
                    )
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    MatrixCell {
        to: to.name.clone(),
        compatible: verdict == Verdict::Compatible,
        verdict,
        missing,
        destination_not_admitted: not_admitted,
        unknown,
        bands,
    }
}

/// A virtual hardware blocker as a missing entry (for lists of blocking features).
pub(crate) fn vhw_missing(text: &str, vhw: u8, destination_max: u8) -> Missing {
    Missing {
        key: format!("vmx-{vhw}"),
        canonical_key: format!("vmx-{vhw}"),
        label: "virtual hardware version".to_string(),
        kind: None,
        cpuid: None,
        required: format!("ESXi that runs vmx-{vhw}"),
        available: u64::from(destination_max),
        raw_available: None,
        absence: None,
        why: Some(text.to_string()),
        vhw_too_new: Some(crate::report::VhwTooNew {
            vm_hw: vhw,
            destination_max,
            needs_release: crate::esxi::first_release_for(vhw).to_string(),
        }),
        remedy: crate::remedy::rule_named("vhw").map(|r| r.name.as_str()),
        patched_build: None,
    }
}

/// The worst verdict: blocked, else unknown, else compatible (an empty list is compatible).
pub fn worst(verdicts: impl Iterator<Item = Verdict>) -> Verdict {
    verdicts.fold(Verdict::Compatible, |acc, v| match (acc, v) {
        (Verdict::Blocked, _) | (_, Verdict::Blocked) => Verdict::Blocked,
        (Verdict::Unknown, _) | (_, Verdict::Unknown) => Verdict::Unknown,
        _ => Verdict::Compatible,
    })
}

/// Above this many host classes the cluster answer leaves the matrix out (it grows with the
/// square of the classes) and says so in `matrix_omitted`; check pairs of hosts instead.
pub const MAX_MATRIX_HOSTS: usize = 2_000;
