//! evcalc collector bundles (`collectors/`, format in `docs/bundle.md`, JSON Schema
//! `docs/schema/bundle.v1.schema.json`): one JSON object for a whole vCenter or one cluster.
//!
//! The bundle keeps vSphere's own property paths as member names (`config.featureCapability`,
//! `runtime.featureRequirement`, `summary.currentEVCModeKey`), so its `hostSystems`,
//! `virtualMachines` and `supportedEVCMode` are read by the govc/govmomi JSON reader
//! ([`super::govc_json`], positions included); this module reads the envelope around them —
//! the version, the clusters with their EVC state, each host's parent, and the `missing`
//! records (properties the collector could not read, with the reason) — into one
//! [`Document::Fleet`].

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::ParseResult;
use crate::input::{
    ClusterInput, Document, FleetHostInput, FleetInput, MissingInput, ParseError, Pos, Warning,
};

/// The bundle format versions this evcalc reads.
pub const VERSION: u32 = 1;

/// Whether the text is a bundle: a JSON object with an `evcalcBundle` member.
pub(crate) fn looks_like(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{') && t.contains("\"evcalcBundle\"")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    evcalc_bundle: u32,
    #[serde(default)]
    collector: Option<Collector>,
    #[serde(default)]
    collected_at: Option<String>,
    #[serde(default)]
    vcenter: Option<VCenter>,
    #[serde(default)]
    clusters: Vec<ClusterRec>,
    #[serde(default)]
    host_systems: Vec<HostRec>,
    #[serde(default)]
    virtual_machines: Vec<IgnoredAny>,
    #[serde(default, rename = "supportedEVCMode")]
    supported_evc_mode: Option<Vec<IgnoredAny>>,
    #[serde(default)]
    missing: Vec<MissingRec>,
}

#[derive(Deserialize)]
struct Collector {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VCenter {
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    full_name: Option<String>,
}

#[derive(Deserialize)]
struct ClusterRec {
    moref: String,
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    /// Absent: not read; `null`: read, unset.
    #[serde(
        default,
        rename = "summary.currentEVCModeKey",
        deserialize_with = "present"
    )]
    current_evc: Option<Option<String>>,
    #[serde(default, rename = "evcState")]
    evc_state: Option<Value>,
}

#[derive(Deserialize)]
struct HostRec {
    moref: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default, rename = "runtime.connectionState")]
    connection_state: Option<String>,
}

#[derive(Deserialize)]
struct MissingRec {
    object: String,
    property: String,
    reason: String,
}

/// A member that is present (`null` included): `Some(value)`; absent members get `default`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(|v| Some(v.filter(|s| !s.trim().is_empty())))
}

/// 1-based line and column of the first occurrence of `needle` at or after `from`, else `None`.
fn find_pos(text: &str, needle: &str, from: usize) -> Option<Pos> {
    let at = from + text.get(from..)?.find(needle)?;
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some(Pos {
        line: u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX),
        col: u32::try_from(before[line_start..].chars().count() + 1).unwrap_or(u32::MAX),
    })
}

/// Parses a bundle: its hosts, VMs and EVC modes as their own documents (through the govc
/// JSON reader), then one [`Document::Fleet`].
pub fn parse(text: &str) -> ParseResult {
    let bom = text.starts_with('\u{feff}');
    let body = text.trim_start_matches('\u{feff}');
    let env: Envelope = serde_json::from_str(body)
        .map_err(|e| super::govc_json::json_error_named(&e, body, bom, "evcalc bundle"))?;
    if env.evcalc_bundle != VERSION {
        let pos = find_pos(text, "\"evcalcBundle\"", 0).unwrap_or(Pos { line: 1, col: 1 });
        return Err(ParseError::new(
            pos.line,
            pos.col,
            format!(
                "evcalc bundle version {} (`evcalcBundle`): this evcalc reads version {VERSION}; use the evcalc \
                 release that matches the collector, or re-run this release's collector (collectors/)",
                env.evcalc_bundle
            ),
        ));
    }
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    let modes = env.supported_evc_mode.as_ref().map_or(0, Vec::len);
    if !env.host_systems.is_empty() || !env.virtual_machines.is_empty() || modes > 0 {
        let (docs, mut w) = super::govc_json::parse(text)?;
        documents.extend(docs);
        warnings.append(&mut w);
    }
    // Every host names its compute resource; a parent the bundle does not list is an error
    // (a bundle cut or edited by hand), with the host's line.
    let mut clusters = Vec::with_capacity(env.clusters.len());
    for c in env.clusters {
        let pos = find_pos(text, &format!("\"{}\"", c.moref), 0).unwrap_or_default();
        let evc_state = match &c.evc_state {
            None | Some(Value::Null) => None,
            Some(v) => match super::evcstate::from_value(v) {
                Some(state) => Some(state),
                None => {
                    return Err(ParseError::new(
                        pos.line,
                        pos.col,
                        format!(
                            "cluster {} ({}): evcState without currentEVCModeKey, featureMask or featureCapability \
                             entries (expected ClusterEVCManager.evcState as the vSphere API returns it)",
                            c.name, c.moref
                        ),
                    ));
                }
            },
        };
        clusters.push(ClusterInput {
            standalone: c
                .kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("ComputeResource")),
            moref: c.moref,
            name: c.name,
            current_evc: c.current_evc,
            evc_state,
            pos,
        });
    }
    for c in &clusters {
        if clusters
            .iter()
            .filter(|o| o.name.eq_ignore_ascii_case(&c.name))
            .count()
            > 1
        {
            warnings.push(Warning {
                pos: c.pos,
                message: format!(
                    "two compute resources are named {} (in different datacenters?): select the cluster by its MoRef \
                     ({})",
                    c.name, c.moref
                ),
            });
        }
    }
    let hosts: Vec<FleetHostInput> = env
        .host_systems
        .into_iter()
        .map(|h| FleetHostInput {
            moref: h.moref,
            name: h.name,
            parent: h.parent,
            connection_state: h.connection_state,
        })
        .collect();
    for h in &hosts {
        if let Some(p) = &h.parent
            && !clusters.iter().any(|c| &c.moref == p)
        {
            let pos = find_pos(text, &format!("\"{}\"", h.moref), 0).unwrap_or_default();
            return Err(ParseError::new(
                pos.line,
                pos.col,
                format!(
                    "host {} names parent {p}, which is not among the bundle's clusters (expected every host's \
                     compute resource in `clusters`)",
                    h.moref
                ),
            ));
        }
    }
    let missing: Vec<MissingInput> = env
        .missing
        .into_iter()
        .map(|m| MissingInput {
            object: m.object,
            property: m.property,
            reason: m.reason,
        })
        .collect();
    documents.push(Document::Fleet(FleetInput {
        version: env.evcalc_bundle,
        vcenter: env
            .vcenter
            .and_then(|v| v.full_name.or(v.host))
            .filter(|s| !s.trim().is_empty()),
        collector: env.collector.map(|c| match (c.name, c.version) {
            (Some(n), Some(v)) => format!("{n} {v}"),
            (Some(n), None) => n,
            (None, Some(v)) => v,
            (None, None) => String::new(),
        }),
        collected_at: env.collected_at,
        clusters,
        hosts,
        missing,
        supported_modes: modes,
    }));
    Ok((documents, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
  "evcalcBundle": 1,
  "collector": {"name": "test", "version": "1"},
  "clusters": [
    {"moref": "domain-c1", "name": "A", "type": "ClusterComputeResource", "summary.currentEVCModeKey": null},
    {"moref": "domain-c2", "name": "B", "type": "ClusterComputeResource"}
  ],
  "hostSystems": [
    {"moref": "host-1", "name": "esx1", "parent": "domain-c1",
     "config.featureCapability": [{"key": "cpuid.SSE3", "featureName": "cpuid.SSE3", "value": "1"}]}
  ],
  "virtualMachines": [],
  "missing": [{"object": "domain-c2", "property": "summary.currentEVCModeKey", "reason": "NoPermission"}]
}"#;

    #[test]
    fn reads_envelope_and_hosts() {
        let (docs, _) = parse(SMALL).unwrap();
        let host = docs.iter().find_map(|d| match d {
            Document::Host(h) => Some(h),
            _ => None,
        });
        assert_eq!(host.unwrap().capabilities.len(), 1);
        let Some(Document::Fleet(f)) = docs.last() else {
            panic!("no fleet document")
        };
        assert_eq!(f.clusters.len(), 2);
        // null = read and unset; absent = not read.
        assert_eq!(f.clusters[0].current_evc, Some(None));
        assert_eq!(f.clusters[1].current_evc, None);
        assert_eq!(f.hosts[0].parent.as_deref(), Some("domain-c1"));
        assert_eq!(f.missing[0].reason, "NoPermission");
        assert_eq!(f.collector.as_deref(), Some("test 1"));
    }

    #[test]
    fn refuses_other_versions_and_unknown_parents() {
        let e = parse(&SMALL.replace("\"evcalcBundle\": 1", "\"evcalcBundle\": 2")).unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 3));
        assert!(e.message.contains("version 2"), "{}", e.message);
        let e = parse(&SMALL.replace("\"parent\": \"domain-c1\"", "\"parent\": \"domain-c9\""))
            .unwrap_err();
        assert!(e.message.contains("domain-c9"), "{}", e.message);
        assert_eq!(e.pos.line, 9, "the host's line");
        let e = parse("{\"evcalcBundle\": 1, \"clusters\": [{\"name\": \"A\"}]}").unwrap_err();
        assert!(e.message.contains("moref"), "{}", e.message);
        assert_eq!(e.pos.line, 1);
    }
}
