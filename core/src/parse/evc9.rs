//! vSphere 9 Automation API EVC JSON: `GET /api/vcenter/cluster/{cluster}/evc-mode` (\[C\]
//! "Vcenter Cluster EvcMode Info", vSphere API 9.0.0.0) and the VM's "Vcenter Vm EvcMode Info",
//! both `{"evc_mode": {"key": "…", "masks": [{"key", "name", "value"}]}}` (`evc_mode` missing or
//! null: no EVC mode set), and a bare `{"key", "masks"}` ("Vcenter EvcMode EvcMode", e.g. a custom
//! EVC mode). A mask's `value` is "opaque … masking operation is contained in the value" (\[C\]
//! "Vcenter EvcMode FeatureMask"); read with the `HostFeatureMask` grammar (`Val:1`) \[I\].
//!
//! The cluster and VM shapes are the same, so the file cannot say which it is: it is read as the
//! cluster's EVC setting (its mode and the features its masks let through, like an `evcState`
//! export: evidence for patch-era exposure), and a warning says how to give a VM's per-VM mode.

use crate::input::{Document, EvcStateInput, ParseError, Pos, Warning};
use serde_json::Value;

/// Whether the text is vSphere 9 EVC JSON.
pub fn looks_like(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('{') {
        return false;
    }
    let mut end = t.len().min(4096);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let lower = t[..end].to_ascii_lowercase();
    lower.contains("\"evc_mode\"")
        || (lower.contains("\"masks\"")
            && lower.contains("\"key\"")
            && !lower.contains("\"featuremask\""))
}

fn mask_on(value: &str) -> Option<bool> {
    let v = crate::value::Mask::parse(value).ok()?;
    Some(matches!(v.op, crate::value::MaskOp::Val | crate::value::MaskOp::Min) && v.value >= 1)
}

/// Parses vSphere 9 EVC JSON into an `evcState`-like document.
pub fn parse(text: &str) -> Result<(Vec<Document>, Vec<Warning>), ParseError> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| super::govc_json::json_error_named(&e, text, false, "vSphere 9 EVC JSON"))?;
    let Value::Object(top) = &v else {
        return Err(ParseError::new(
            1,
            1,
            "expected a JSON object with `evc_mode`",
        ));
    };
    let mode = match top.get("evc_mode") {
        Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m),
        Some(_) => {
            return Err(ParseError::new(
                1,
                1,
                "`evc_mode` must be an object `{\"key\": …, \"masks\": […]}` or null",
            ));
        }
        None if top.contains_key("masks") => Some(top),
        None => {
            return Err(ParseError::new(
                1,
                1,
                "expected `evc_mode` (vSphere 9 `GET /api/vcenter/cluster/{cluster}/evc-mode`) or an EVC mode \
                 `{\"key\", \"masks\"}`",
            ));
        }
    };
    let mut warnings = vec![Warning {
        pos: Pos { line: 1, col: 1 },
        message: "vSphere 9 evc_mode JSON: read as the cluster's EVC setting (the VM shape is the same; for a VM's \
                  per-VM EVC mode, give it as the per-VM EVC mode)"
            .to_string(),
    }];
    let Some(mode) = mode else {
        warnings.push(Warning {
            pos: Pos { line: 1, col: 1 },
            message: "`evc_mode` is null: no EVC mode is set".to_string(),
        });
        return Ok((
            vec![Document::EvcState(EvcStateInput {
                mode: None,
                exposed: Vec::new(),
                from: "vSphere 9 evc_mode (none set)".to_string(),
            })],
            warnings,
        ));
    };
    let key = mode
        .get("key")
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|k| !k.trim().is_empty());
    let Some(Value::Array(masks)) = mode.get("masks") else {
        return Err(ParseError::new(
            1,
            1,
            "the EVC mode has no `masks` list: nothing to read",
        ));
    };
    let mut exposed = Vec::new();
    for (i, m) in masks.iter().enumerate() {
        let Value::Object(o) = m else { continue };
        let k = o
            .get("key")
            .or_else(|| o.get("name"))
            .and_then(Value::as_str);
        let val = o.get("value").and_then(Value::as_str);
        match (k, val.and_then(mask_on)) {
            (Some(k), Some(true)) => exposed.push(k.to_string()),
            (_, Some(false)) | (None, Some(true)) => {}
            (k, None) => warnings.push(Warning {
                pos: Pos { line: 1, col: 1 },
                message: format!(
                    "mask {} ({}): value {:?} is not a `Val:n` mask; ignored",
                    i + 1,
                    k.unwrap_or("no key"),
                    val.unwrap_or("")
                ),
            }),
        }
    }
    Ok((
        vec![Document::EvcState(EvcStateInput {
            mode: key,
            exposed,
            from: "vSphere 9 evc_mode masks".to_string(),
        })],
        warnings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `props::parsers_never_panic_on_mutated_fixtures`: a multi-byte character across
    /// byte 4096 (the detection window) panicked.
    #[test]
    fn detection_window_ends_on_a_character_boundary() {
        let text = format!("{{\"a\": \"{}ຄ\"}}", "x".repeat(4094 - 7));
        assert!(!text.is_char_boundary(4096));
        assert!(!looks_like(&text));
    }

    #[test]
    fn cluster_shape_and_null() {
        let t = r#"{"evc_mode":{"key":"intel-haswell","masks":[{"key":"cpuid.MDCLEAR","name":"cpuid.MDCLEAR","value":"Val:1"},{"key":"cpuid.IBRS","name":"cpuid.IBRS","value":"Val:0"}]}}"#;
        assert!(looks_like(t));
        let (d, _) = parse(t).unwrap();
        let Document::EvcState(s) = &d[0] else {
            panic!()
        };
        assert_eq!(s.mode.as_deref(), Some("intel-haswell"));
        assert_eq!(s.exposed, vec!["cpuid.MDCLEAR".to_string()]);
        let (d, _) = parse(r#"{"evc_mode": null}"#).unwrap();
        assert!(matches!(&d[0], Document::EvcState(s) if s.mode.is_none()));
        assert!(parse(r#"{"evc_mode": 3}"#).is_err());
    }
}
