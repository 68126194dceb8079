//! Host classes: hosts whose every engine-relevant input is identical.
//!
//! Real clusters are homogeneous or a few generations, so hosts fall into few *classes*: the
//! same raw capabilities, the same EVC-effective capabilities (masked list, `featMask.evc`
//! lines, exposure evidence), the same ESXi release (maximum virtual hardware version,
//! release-dependent exposure) and the same vendor. Every check the engine makes reads only
//! these fields, so two hosts of one class get the same answer from every check — the matrix,
//! drift and maintenance plans are computed once per class (O(hosts + classes²)) and a
//! host-level view is derived from them ([`HostClasses::class_of`]).
//!
//! The class engine runs the ordinary checks on one *representative* per class, named with the
//! class's label (`esxi02–04`), so every sentence the engine writes about a destination reads
//! right for the whole class ("which esxi02–04 do not offer").

use crate::model::Host;
use crate::names::host_list;

/// A partition of hosts into classes, in order of first appearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostClasses {
    /// Per class: the indices of its member hosts, ascending.
    pub members: Vec<Vec<usize>>,
    /// Per host: its class.
    pub class_of: Vec<usize>,
    /// Per class: a short label naming its hosts (`esxi02–04`, `esx01, esx07 and 54 more`).
    pub labels: Vec<String>,
}

/// The fields of a host that no check reads (names, where it came from, what it said about
/// itself), blanked so that what is left is what the engine decides on.
fn engine_view(host: &Host) -> Host {
    Host {
        name: String::new(),
        name_given: false,
        source: String::new(),
        product: None,
        cpu_model: None,
        reported_max_evc: None,
        reported_current_evc: None,
        evc_state: crate::model::EvcStateShown::Unknown,
        moref: None,
        warnings: Vec::new(),
        ..host.clone()
    }
}

/// What sets two classes apart, in words (for the story when no feature value differs).
pub fn differences(a: &Host, b: &Host) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.vendor != b.vendor {
        out.push("CPU vendor");
    }
    if a.caps != b.caps {
        out.push("raw capabilities (featureCapability)");
    }
    if a.masked != b.masked || a.masked_known_only != b.masked_known_only {
        out.push("EVC masks (maskedFeatureCapability)");
    }
    if a.evc_masks != b.evc_masks {
        out.push("featMask.evc lines");
    }
    if a.known_only != b.known_only || a.unrecorded != b.unrecorded || a.not_listed != b.not_listed
    {
        out.push("what their data shows (fragments, unrecorded CPUID leaves)");
    }
    if a.release != b.release || a.max_vhw != b.max_vhw {
        out.push("ESXi release");
    }
    if a.cluster_evidence != b.cluster_evidence {
        out.push("evidence of what their masks expose");
    }
    out
}

/// The longest label before it is shortened to "first, second and N more".
const MAX_LABEL: usize = 48;

/// A label for a set of host names: the compact host list, or "a, b and N more".
pub fn label(names: &[String]) -> String {
    let full = host_list(names);
    if full.chars().count() <= MAX_LABEL || names.len() <= 2 {
        return full;
    }
    format!("{}, {} and {} more", names[0], names[1], names.len() - 2)
}

impl HostClasses {
    /// Partitions `hosts`. Hosts are compared on every field the engine reads (`engine_view`),
    /// so members of a class are interchangeable in every check.
    pub fn of(hosts: &[Host]) -> HostClasses {
        // Hosts are bucketed by a few cheap fields of their engine view, then compared with
        // the view of each class in the bucket: equal views (every field) make one class.
        type Bucket = (
            crate::catalogue::FeatureSet,
            Option<crate::catalogue::FeatureSet>,
            crate::catalogue::FeatureSet,
            Option<u8>,
            bool,
        );
        let mut index: rustc_hash::FxHashMap<Bucket, Vec<usize>> = Default::default();
        let mut views: Vec<Host> = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut class_of = Vec::with_capacity(hosts.len());
        for (i, host) in hosts.iter().enumerate() {
            let view = engine_view(host);
            let bucket = (
                view.caps.present,
                view.masked.as_ref().map(|m| m.present),
                view.unrecorded,
                view.max_vhw,
                view.known_only.is_some(),
            );
            let candidates = index.entry(bucket).or_default();
            let class = match candidates.iter().copied().find(|&c| views[c] == view) {
                Some(c) => c,
                None => {
                    let c = members.len();
                    members.push(Vec::new());
                    views.push(view);
                    candidates.push(c);
                    c
                }
            };
            members[class].push(i);
            class_of.push(class);
        }
        let labels = members
            .iter()
            .map(|m| label(&m.iter().map(|&i| hosts[i].name.clone()).collect::<Vec<_>>()))
            .collect();
        HostClasses {
            members,
            class_of,
            labels,
        }
    }

    /// The number of classes.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there is no class (no host).
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// One representative per class (its first member), renamed to the class label.
    pub fn representatives(&self, hosts: &[Host]) -> Vec<Host> {
        self.members
            .iter()
            .zip(&self.labels)
            .map(|(m, label)| Host {
                name: label.clone(),
                ..hosts[m[0]].clone()
            })
            .collect()
    }

    /// The names of a class's hosts.
    pub fn names<'h>(&self, class: usize, hosts: &'h [Host]) -> Vec<&'h str> {
        self.members[class]
            .iter()
            .map(|&i| hosts[i].name.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Source, load};

    fn dump(name: &str, mdclear: u8) -> String {
        format!(
            r#"(vim.host.ConfigInfo) {{
   name = "{name}",
   featureCapability = (vim.host.FeatureCapability) [
      (vim.host.FeatureCapability) {{ key = "cpuid.Intel", featureName = "cpuid.Intel", value = "1" }},
      (vim.host.FeatureCapability) {{ key = "cpuid.SSE3", featureName = "cpuid.SSE3", value = "1" }},
      (vim.host.FeatureCapability) {{ key = "cpuid.MDCLEAR", featureName = "cpuid.MDCLEAR", value = "{mdclear}" }}
   ],
}}"#
        )
    }

    #[test]
    fn identical_hosts_share_a_class_names_do_not_matter() {
        let texts = [
            dump("esxi01", 1),
            dump("esxi02", 0),
            dump("esxi03", 0),
            dump("esxi04", 0),
        ];
        let sources: Vec<Source<'_>> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Source {
                name: ["esxi01", "esxi02", "esxi03", "esxi04"][i],
                text: t,
            })
            .collect();
        let ws = load(&sources);
        assert!(ws.errors.is_empty(), "{:?}", ws.errors);
        let classes = HostClasses::of(&ws.hosts);
        assert_eq!(classes.members, vec![vec![0], vec![1, 2, 3]]);
        assert_eq!(classes.class_of, vec![0, 1, 1, 1]);
        assert_eq!(classes.labels, vec!["esxi01", "esxi02–04"]);
        let reps = classes.representatives(&ws.hosts);
        assert_eq!(reps[1].name, "esxi02–04");
        assert_eq!(reps[1].caps, ws.hosts[1].caps);
    }

    #[test]
    fn long_labels_are_shortened() {
        let names: Vec<String> = (0..40).map(|i| format!("host-{}", i * 7)).collect();
        assert_eq!(label(&names), "host-0, host-7 and 38 more");
        let run: Vec<String> = (1..=56).map(|i| format!("esx{i:03}")).collect();
        assert_eq!(label(&run), "esx001–056");
    }
}
