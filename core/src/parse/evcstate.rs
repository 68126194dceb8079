//! A cluster's `ClusterEVCManager.evcState` as JSON: govc `object.collect -json CLUSTER
//! evcState` (camelCase field names, possibly wrapped in `[{"name": "evcState", "val": {…}}]`)
//! and PowerCLI `ConvertTo-Json` (PascalCase). Fields (\[C\] vSphere API `ClusterEVCManagerEVCState`):
//! `currentEVCModeKey`, `guaranteedCPUFeatures`, `featureCapability`, `featureMask`,
//! `featureRequirement`. The masks say what the cluster's baseline lets guests see — evidence for
//! the exposure of patch-era features on every member that has no stronger evidence of its own.
//! No real export is public: the two spellings are the API's field names in each tool's convention.

use crate::input::{Document, EvcStateInput, ParseError, Warning};
use serde_json::Value;

/// Whether the text looks like an `evcState` export.
pub(crate) fn looks_like(text: &str) -> bool {
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    lower.contains("\"currentevcmodekey\"")
        && (lower.contains("\"featuremask\"") || lower.contains("\"featurecapability\""))
        && !is_govc_object(&lower)
}

/// Whether lower-cased JSON is a govc/govmomi managed-object dump (`"Type": "HostSystem"`,
/// `"HostSystems": [`, a VM), which carries `CurrentEVCModeKey` and `FeatureCapability` in its
/// summary and config: such a file is govc JSON, and a broken one is reported as govc JSON
/// (found by fuzzing: a cut host JSON was reported as "evcState JSON").
fn is_govc_object(lower: &str) -> bool {
    [
        "\"hostsystem\"",
        "\"hostsystems\"",
        "\"virtualmachine\"",
        "\"virtualmachines\"",
        "\"config.featurecapability\"",
        "\"runtime.featurerequirement\"",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
}

fn get<'a>(obj: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The object holding `currentEVCModeKey`, searched depth-first (bounded depth).
fn find_state(v: &Value, depth: usize) -> Option<&serde_json::Map<String, Value>> {
    if depth > 16 {
        return None;
    }
    match v {
        Value::Object(o) if get(o, "currentEVCModeKey").is_some() => Some(o),
        Value::Object(o) => o.values().find_map(|x| find_state(x, depth + 1)),
        Value::Array(a) => a.iter().find_map(|x| find_state(x, depth + 1)),
        _ => None,
    }
}

fn number(text: &str) -> Option<u64> {
    let t = text.trim();
    let t = t.rsplit(':').next().unwrap_or(t).trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => t.parse().ok(),
    }
}

fn keys_on(list: Option<&Value>, masks: bool) -> Option<Vec<String>> {
    let Value::Array(items) = list? else {
        return None;
    };
    let mut out = Vec::new();
    for item in items {
        let Value::Object(o) = item else { continue };
        let Some(key) = get(o, "key").and_then(Value::as_str) else {
            continue;
        };
        let value = get(o, "value").and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        });
        let Some(value) = value else { continue };
        let on = if masks {
            let op = value
                .split(':')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            (op == "val" || op == "min") && number(&value).is_some_and(|n| n >= 1)
        } else {
            number(&value).is_some_and(|n| n >= 1)
        };
        if on {
            out.push(key.to_string());
        }
    }
    Some(out)
}

/// Parses an `evcState` export.
pub fn parse(text: &str) -> Result<(Vec<Document>, Vec<Warning>), ParseError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| super::govc_json::json_error_named(&e, text, false, "evcState JSON"))?;
    let state = find_state(&v, 0).ok_or_else(|| {
        ParseError::new(1, 1, "expected an evcState object with currentEVCModeKey")
    })?;
    let state = from_state(state).ok_or_else(|| {
        ParseError::new(
            1,
            1,
            "evcState without featureMask or featureCapability entries: nothing to read",
        )
    })?;
    Ok((vec![Document::EvcState(state)], Vec::new()))
}

/// Reads an `evcState` value already parsed (a collector bundle's cluster, `docs/bundle.md`):
/// `None` when it has no `currentEVCModeKey` object or neither `featureMask` nor
/// `featureCapability` entries.
pub(crate) fn from_value(v: &Value) -> Option<EvcStateInput> {
    from_state(find_state(v, 0)?)
}

fn from_state(state: &serde_json::Map<String, Value>) -> Option<EvcStateInput> {
    let mode = get(state, "currentEVCModeKey")
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty());
    let (exposed, from) = match keys_on(get(state, "featureMask"), true) {
        Some(k) if !k.is_empty() => (k, "featureMask"),
        _ => (
            keys_on(get(state, "featureCapability"), false)?,
            "featureCapability",
        ),
    };
    Some(EvcStateInput {
        mode,
        exposed,
        from: from.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        let govc = r#"[{"name":"evcState","val":{"currentEVCModeKey":"intel-haswell","featureMask":[{"key":"cpuid.MDCLEAR","featureName":"cpuid.MDCLEAR","value":"Val:1"},{"key":"cpuid.SSE3","featureName":"cpuid.SSE3","value":"Val:1"},{"key":"cpuid.IBRS","featureName":"cpuid.IBRS","value":"Val:0"}]}}]"#;
        let pcli = r#"{"CurrentEVCModeKey":"intel-haswell","FeatureMask":[{"Key":"cpuid.MDCLEAR","FeatureName":"cpuid.MDCLEAR","Value":"Val:1"}]}"#;
        for text in [govc, pcli] {
            assert!(looks_like(text));
            let (docs, _) = parse(text).unwrap();
            let Document::EvcState(s) = &docs[0] else {
                panic!()
            };
            assert_eq!(s.mode.as_deref(), Some("intel-haswell"));
            assert!(s.exposed.iter().any(|k| k == "cpuid.MDCLEAR"));
            assert!(!s.exposed.iter().any(|k| k == "cpuid.IBRS"));
        }
        assert!(!looks_like("{\"name\": \"x\"}"));
    }
}
