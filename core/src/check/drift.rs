//! Clusters: the highest common EVC mode and the drift of features between hosts.

use super::*;

/// The highest EVC mode every (non-fragment) host can join.
pub fn max_common_mode<'m>(hosts: &[Host], modes: &'m ModeCatalogue) -> Option<&'m EvcMode> {
    let full: Vec<&Host> = hosts.iter().filter(|h| !h.is_fragment()).collect();
    if full.is_empty() {
        return None;
    }
    let common: Vec<&EvcMode> = modes
        .modes
        .iter()
        .filter(|m| full.iter().all(|h| admission_verdict(h, m) == Some(true)))
        .collect();
    ModeCatalogue::highest(&common)
}

/// The highest EVC mode every (non-fragment) host *may* join: no host certainly fails it, though
/// some are only `uncertain` (unrecorded features, or features whose admission role is unproven).
/// Equal to [`max_common_mode`] when nothing is uncertain; with it, the cluster's highest common
/// mode is a range.
pub fn max_common_mode_possible<'m>(
    hosts: &[Host],
    modes: &'m ModeCatalogue,
) -> Option<&'m EvcMode> {
    let full: Vec<&Host> = hosts.iter().filter(|h| !h.is_fragment()).collect();
    if full.is_empty() {
        return None;
    }
    let common: Vec<&EvcMode> = modes
        .modes
        .iter()
        .filter(|m| full.iter().all(|h| admission_verdict(h, m) != Some(false)))
        .collect();
    ModeCatalogue::highest(&common)
}

/// Features on which hosts disagree.
pub fn drift(hosts: &[Host], evc: EvcSetting<'_>) -> Vec<Drift> {
    let cat = catalogue();
    let mut out = Vec::new();
    let effs: Vec<exposure::Effective> = hosts.iter().map(|h| effective(h, evc)).collect();
    let requirable = exposure::requirable_at(MAX_VHW).union(exposure::unproven());
    for (id, def) in cat.iter() {
        let key = Key::Known(id);
        let knowing: Vec<&Host> = hosts.iter().filter(|h| h.knows(&key)).collect();
        if knowing.len() < 2 {
            continue;
        }
        let values: Vec<u64> = knowing.iter().map(|h| h.caps.value(&key)).collect();
        if values.iter().all(|v| *v == values[0]) {
            continue;
        }
        let with: Vec<String> = knowing
            .iter()
            .filter(|h| h.caps.value(&key) != 0)
            .map(|h| h.name.clone())
            .collect();
        let without: Vec<String> = knowing
            .iter()
            .filter(|h| h.caps.value(&key) == 0)
            .map(|h| h.name.clone())
            .collect();
        // It blocks vMotion when one host is proven to offer it to VMs (EVC-effective) and another
        // is proven not to; a host whose offer is unknown proves nothing either way.
        let offers: Vec<Option<bool>> = effs
            .iter()
            .map(|e| {
                if e.present.contains(id) {
                    Some(true)
                } else if e.unknown.contains(id) {
                    None
                } else {
                    Some(false)
                }
            })
            .collect();
        let exposed = offers.contains(&Some(true)) && offers.contains(&Some(false));
        let hidden: Vec<String> = hosts
            .iter()
            .zip(&offers)
            .filter(|(h, o)| **o == Some(false) && h.knows(&key) && h.caps.value(&key) != 0)
            .map(|(h, _)| h.name.clone())
            .collect();
        let mut summary = drift_summary(&with, &without, knowing.len());
        if !hidden.is_empty() {
            summary.push_str(&format!(
                "; EVC masks hide it on {} more: {}",
                hidden.len(),
                host_list(&hidden)
            ));
        }
        out.push(Drift {
            numbers_differ: with.len() == knowing.len(),
            hosts_hidden: hidden,
            key: def.key.clone(),
            label: def.label.clone(),
            kind: Some(def.kind),
            values: knowing
                .iter()
                .map(|h| HostValue {
                    host: h.name.clone(),
                    value: h.caps.value(&key),
                })
                .collect(),
            summary,
            hosts_with: with,
            hosts_without: without,
            blocks_vmotion: exposed && requirable.contains(id),
        });
    }
    // Unknown keys: kept and shown, never judged.
    let mut unknown_keys: Vec<&String> = hosts.iter().flat_map(|h| h.caps.unknown.keys()).collect();
    unknown_keys.sort();
    unknown_keys.dedup();
    for lower in unknown_keys {
        let key = Key::Unknown(lower.clone());
        let knowing: Vec<&Host> = hosts.iter().filter(|h| h.knows(&key)).collect();
        let values: Vec<u64> = knowing.iter().map(|h| h.caps.value(&key)).collect();
        if knowing.len() < 2 || values.iter().all(|v| *v == values[0]) {
            continue;
        }
        let written = hosts
            .iter()
            .find_map(|h| h.caps.unknown.get(lower))
            .map(|(k, _)| k.clone())
            .unwrap_or(lower.clone());
        let with: Vec<String> = knowing
            .iter()
            .filter(|h| h.caps.value(&key) != 0)
            .map(|h| h.name.clone())
            .collect();
        let without: Vec<String> = knowing
            .iter()
            .filter(|h| h.caps.value(&key) == 0)
            .map(|h| h.name.clone())
            .collect();
        out.push(Drift {
            key: written,
            label: key.label().to_string(),
            kind: None,
            values: knowing
                .iter()
                .map(|h| HostValue {
                    host: h.name.clone(),
                    value: h.caps.value(&key),
                })
                .collect(),
            summary: drift_summary(&with, &without, knowing.len()),
            numbers_differ: with.len() == knowing.len(),
            hosts_with: with,
            hosts_without: without,
            hosts_hidden: Vec::new(),
            blocks_vmotion: false,
        });
    }
    out.sort_by_key(|d| (!d.blocks_vmotion, d.kind.is_none()));
    out
}
