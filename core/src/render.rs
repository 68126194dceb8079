//! Renders parsed records back into the text formats evcalc reads: VMODL text as `vim-cmd`
//! prints it, `featMask` lines of `/etc/vmware/config` and `.vmx` files, and govc-style JSON
//! (the flat dotted-property objects of the project's extracts, as `govc object.collect -json`
//! names the properties).
//!
//! Parsing what these functions return gives back the same records (keys, values, names) — the
//! round-trip property the integration tests check for every format. Positions are not kept, and
//! a few fields have no place in a format:
//!
//! * host VMODL/JSON: [`HostInput::evc_masks`] (they live in `/etc/vmware/config`, see
//!   [`masks_lines`]) and [`HostInput::fragment`] (a rendered host is always a full dump);
//! * `featMask` lines: only [`MaskInput`] (`featMask.evc.*`, `featMask.vm.*`, `displayName`).
//!
//! Text values are written as the parsers read them back: VMODL strings are `\`-escaped, `.vmx`
//! values are `|XX`-encoded, JSON is JSON. Names that are empty or only blanks are left out (the
//! parsers read a blank name as none).

use std::fmt::Write as _;

use crate::input::{Entry, HostInput, MaskInput, VmInput};

// ------------------------------------------------------------------------------------------
// VMODL text

/// A VMODL string literal: `"…"` with `\\`, `\"`, `\n`, `\r`, `\t` escaped.
fn vmodl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn present(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

/// `name = (type) [ (type) { key, featureName, value }, … ],` at `indent`.
fn vmodl_list<T: std::fmt::Display>(
    out: &mut String,
    indent: &str,
    name: &str,
    ty: &str,
    entries: &[Entry<T>],
) {
    if entries.is_empty() {
        let _ = writeln!(out, "{indent}{name} = ({ty}) [],");
        return;
    }
    let _ = writeln!(out, "{indent}{name} = ({ty}) [");
    for (i, e) in entries.iter().enumerate() {
        let key = vmodl_string(&e.key);
        let comma = if i + 1 < entries.len() { "," } else { "" };
        let _ = writeln!(out, "{indent}   ({ty}) {{");
        let _ = writeln!(out, "{indent}      key = {key},");
        let _ = writeln!(out, "{indent}      featureName = {key},");
        let _ = writeln!(
            out,
            "{indent}      value = {}",
            vmodl_string(&e.value.to_string())
        );
        let _ = writeln!(out, "{indent}   }}{comma}");
    }
    let _ = writeln!(out, "{indent}],");
}

/// The `(vim.host.ConfigInfo) { … }` object of a host at `indent` (without a trailing newline).
fn config_info(out: &mut String, host: &HostInput, indent: &str) {
    let inner = format!("{indent}   ");
    let _ = writeln!(out, "(vim.host.ConfigInfo) {{");
    let _ = writeln!(out, "{inner}host = 'vim.HostSystem:ha-host',");
    if let Some(product) = present(&host.product) {
        let _ = writeln!(out, "{inner}product = (vim.AboutInfo) {{");
        let _ = writeln!(out, "{inner}   fullName = {},", vmodl_string(product));
        let _ = writeln!(out, "{inner}}},");
    }
    if let Some(name) = present(&host.name) {
        let _ = writeln!(out, "{inner}network = (vim.host.NetworkInfo) {{");
        let _ = writeln!(out, "{inner}   dnsConfig = (vim.host.DnsConfig) {{");
        let _ = writeln!(out, "{inner}      hostName = {},", vmodl_string(name));
        let _ = writeln!(out, "{inner}   }},");
        let _ = writeln!(out, "{inner}}},");
    }
    vmodl_list(
        out,
        &inner,
        "featureCapability",
        "vim.host.FeatureCapability",
        &host.capabilities,
    );
    if !host.masked_capabilities.is_empty() {
        vmodl_list(
            out,
            &inner,
            "maskedFeatureCapability",
            "vim.host.FeatureCapability",
            &host.masked_capabilities,
        );
    }
    let _ = write!(out, "{indent}}}");
}

/// A host as `vim-cmd hostsvc/hostconfig` prints it: `(vim.host.ConfigInfo) { … }`.
///
/// When the host also has what only `hostsvc/hostsummary` says (CPU model, reported EVC
/// modes), both objects are wrapped in one `(vim.HostSystem) { config = …, summary = … }`
/// value, which the VMODL parser reads as one host.
pub fn host_vmodl(host: &HostInput) -> String {
    let mut out = String::new();
    let summary = present(&host.cpu_model).is_some()
        || present(&host.reported_max_evc).is_some()
        || present(&host.reported_current_evc).is_some()
        || host.summary_seen;
    if !summary {
        config_info(&mut out, host, "");
        out.push('\n');
        return out;
    }
    out.push_str("(vim.HostSystem) {\n   config = ");
    config_info(&mut out, host, "   ");
    out.push_str(",\n   summary = (vim.host.Summary) {\n");
    if let Some(cpu) = present(&host.cpu_model) {
        let _ = writeln!(
            out,
            "      hardware = (vim.host.Summary.HardwareSummary) {{"
        );
        let _ = writeln!(out, "         cpuModel = {},", vmodl_string(cpu));
        let _ = writeln!(out, "      }},");
    }
    if let Some(mode) = present(&host.reported_max_evc) {
        let _ = writeln!(out, "      maxEVCModeKey = {},", vmodl_string(mode));
    }
    if let Some(mode) = present(&host.reported_current_evc) {
        let _ = writeln!(out, "      currentEVCModeKey = {},", vmodl_string(mode));
    } else if host.summary_seen {
        out.push_str("      currentEVCModeKey = <unset>,\n");
    }
    out.push_str("   },\n}\n");
    out
}

/// A VM as `vim-cmd vmsvc/get.runtime` prints it: `(vim.vm.RuntimeInfo) { … }`. A named VM is
/// wrapped in `(vim.VirtualMachine) { name = …, runtime = … }` (get.runtime itself prints no
/// name; the VMODL parser reads the wrapper's).
pub fn vm_vmodl(vm: &VmInput) -> String {
    let name = present(&vm.name);
    let indent = if name.is_some() { "   " } else { "" };
    let inner = format!("{indent}   ");
    let mut out = String::new();
    if let Some(name) = name {
        let _ = writeln!(out, "(vim.VirtualMachine) {{");
        let _ = writeln!(out, "   name = {},", vmodl_string(name));
        out.push_str("   runtime = ");
    }
    out.push_str("(vim.vm.RuntimeInfo) {\n");
    if let Some(host) = present(&vm.host) {
        // A managed object reference; the parser keeps the id after `vim.HostSystem:`. Ids with
        // a quote or a line break cannot be written as one, so they are written as strings.
        if host.contains(['\'', '\n', '\r']) {
            let _ = writeln!(out, "{inner}host = {},", vmodl_string(host));
        } else {
            let _ = writeln!(out, "{inner}host = 'vim.HostSystem:{host}',");
        }
    }
    if let Some(state) = present(&vm.power_state) {
        let _ = writeln!(out, "{inner}powerState = {},", vmodl_string(state));
    }
    vmodl_list(
        &mut out,
        &inner,
        "featureRequirement",
        "vim.vm.FeatureRequirement",
        &vm.requirements,
    );
    if !vm.offline_requirements.is_empty() {
        vmodl_list(
            &mut out,
            &inner,
            "offlineFeatureRequirement",
            "vim.vm.FeatureRequirement",
            &vm.offline_requirements,
        );
    }
    if !vm.masks.is_empty() {
        vmodl_list(
            &mut out,
            &inner,
            "featureMask",
            "vim.host.FeatureMask",
            &vm.masks,
        );
    }
    if let Some(mode) = present(&vm.reported_min_evc) {
        let _ = writeln!(
            out,
            "{inner}minRequiredEVCModeKey = {},",
            vmodl_string(mode)
        );
    }
    let _ = write!(out, "{indent}}}");
    if name.is_some() {
        out.push_str(",\n}");
    }
    out.push('\n');
    out
}

// ------------------------------------------------------------------------------------------
// featMask lines

/// A `.vmx` string value: `"`, `|`, `#` and control characters as `|XX` (hex byte), as
/// VMware writes them.
fn vmx_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '"' || c == '|' || c == '#' || (c.is_control() && c.is_ascii()) {
            let _ = write!(out, "|{:02X}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// `/etc/vmware/config` / `.vmx` lines: `displayName = "…"` (if named), then
/// `featMask.evc.<key> = "Val:1"` and `featMask.vm.<key> = "…"` lines.
pub fn masks_lines(masks: &MaskInput) -> String {
    let mut out = String::new();
    if let Some(name) = masks.name.as_deref() {
        let _ = writeln!(out, "displayName = \"{}\"", vmx_string(name));
    }
    for e in &masks.evc_masks {
        let _ = writeln!(out, "featMask.evc.{} = \"{}\"", e.key, e.value);
    }
    for e in &masks.vm_masks {
        let _ = writeln!(out, "featMask.vm.{} = \"{}\"", e.key, e.value);
    }
    out
}

// ------------------------------------------------------------------------------------------
// govc-style JSON

fn json_list<T: std::fmt::Display>(entries: &[Entry<T>]) -> serde_json::Value {
    serde_json::Value::Array(
        entries
            .iter()
            .map(|e| serde_json::json!({ "key": e.key, "featureName": e.key, "value": e.value.to_string() }))
            .collect(),
    )
}

fn json_object(members: Vec<(&str, serde_json::Value)>) -> String {
    let map: serde_json::Map<String, serde_json::Value> = members
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let mut text =
        serde_json::to_string_pretty(&serde_json::Value::Object(map)).unwrap_or_default();
    text.push('\n');
    text
}

fn json_str(s: &Option<String>) -> serde_json::Value {
    present(s).map_or(serde_json::Value::Null, |s| {
        serde_json::Value::String(s.to_string())
    })
}

/// A host as a flat govc-style JSON object (`name`, `summary.*`, `config.featureCapability`, …).
pub fn host_json(host: &HostInput) -> String {
    let mut members = vec![
        ("name", json_str(&host.name)),
        ("summary.config.product.fullName", json_str(&host.product)),
        ("summary.hardware.cpuModel", json_str(&host.cpu_model)),
        ("summary.maxEVCModeKey", json_str(&host.reported_max_evc)),
    ];
    // `currentEVCModeKey` collected (null = unset) is data; not collected, it is left out.
    if host.summary_seen || present(&host.reported_current_evc).is_some() {
        members.push((
            "summary.currentEVCModeKey",
            json_str(&host.reported_current_evc),
        ));
    }
    members.push(("config.featureCapability", json_list(&host.capabilities)));
    members.push((
        "config.maskedFeatureCapability",
        json_list(&host.masked_capabilities),
    ));
    json_object(members)
}

/// A VM as a flat govc-style JSON object (`name`, `runtime.*`).
pub fn vm_json(vm: &VmInput) -> String {
    json_object(vec![
        ("name", json_str(&vm.name)),
        ("runtime.host", json_str(&vm.host)),
        ("runtime.powerState", json_str(&vm.power_state)),
        (
            "runtime.minRequiredEVCModeKey",
            json_str(&vm.reported_min_evc),
        ),
        ("runtime.featureRequirement", json_list(&vm.requirements)),
        (
            "runtime.offlineFeatureRequirement",
            json_list(&vm.offline_requirements),
        ),
        ("runtime.featureMask", json_list(&vm.masks)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Document, Pos};
    use crate::value::{Mask, Requirement};

    fn entry<T>(key: &str, value: T) -> Entry<T> {
        Entry {
            key: key.to_string(),
            value,
            pos: Pos::default(),
        }
    }

    fn host() -> HostInput {
        HostInput {
            name: Some("esxi \"01\"\\a".to_string()),
            product: Some("VMware ESXi 6.7.0 build-14320388".to_string()),
            cpu_model: Some("Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz".to_string()),
            capabilities: vec![
                entry("cpuid.Intel", 1),
                entry("cpuid.MDCLEAR", 0),
                entry("cpuid.FAMILY", 6),
            ],
            masked_capabilities: vec![entry("cpuid.MDCLEAR", 0)],
            reported_max_evc: Some("intel-haswell".to_string()),
            ..HostInput::default()
        }
    }

    fn only_host(text: &str) -> HostInput {
        match crate::parse::parse(text).map(|p| p.documents) {
            Ok(mut docs) if docs.len() == 1 => match docs.remove(0) {
                Document::Host(h) => h,
                other => panic!("expected a host, got {other:?}"),
            },
            other => panic!("expected one document from\n{text}\ngot {other:?}"),
        }
    }

    #[test]
    fn host_vmodl_reads_back() {
        let text = host_vmodl(&host());
        assert!(
            text.starts_with("(vim.HostSystem) {\n   config = (vim.host.ConfigInfo) {"),
            "{text}"
        );
        let back = only_host(&text);
        assert_eq!(back.name, host().name);
        assert_eq!(back.cpu_model, host().cpu_model);
        assert_eq!(back.reported_max_evc, host().reported_max_evc);
        assert_eq!(back.capabilities.len(), 3);
        assert_eq!(back.masked_capabilities.len(), 1);
        let plain = HostInput {
            cpu_model: None,
            reported_max_evc: None,
            ..host()
        };
        assert!(host_vmodl(&plain).starts_with("(vim.host.ConfigInfo) {\n"));
        assert_eq!(only_host(&host_vmodl(&plain)).product, plain.product);
    }

    #[test]
    fn host_json_reads_back() {
        let back = only_host(&host_json(&host()));
        assert_eq!(back.name, host().name);
        assert_eq!(back.product, host().product);
        assert_eq!(
            back.capabilities
                .iter()
                .map(|e| e.value)
                .collect::<Vec<_>>(),
            [1, 0, 6]
        );
    }

    #[test]
    fn vm_and_masks() {
        let vm = VmInput {
            name: Some("app01".to_string()),
            host: Some("host-14".to_string()),
            power_state: Some("poweredOn".to_string()),
            requirements: vec![entry("cpuid.SSE3", Requirement::BOOL_MIN_1)],
            masks: vec![entry("cpuid.AES", Mask::parse("Val:0").unwrap())],
            ..VmInput::default()
        };
        let text = vm_vmodl(&vm);
        assert!(text.contains("host = 'vim.HostSystem:host-14',"), "{text}");
        let docs = crate::parse::parse(&text).unwrap().documents;
        let Document::Vm(back) = &docs[0] else {
            panic!("{docs:?}")
        };
        assert_eq!(
            (back.name.as_deref(), back.host.as_deref()),
            (Some("app01"), Some("host-14"))
        );
        let masks = MaskInput {
            evc_masks: vec![entry("cpuid.MDCLEAR", Mask::parse("Val:1").unwrap())],
            vm_masks: vec![],
            name: Some("a \"b\" | c # d".to_string()),
            ..MaskInput::default()
        };
        let text = masks_lines(&masks);
        assert_eq!(
            text,
            "displayName = \"a |22b|22 |7C c |23 d\"\nfeatMask.evc.cpuid.MDCLEAR = \"Val:1\"\n"
        );
        let docs = crate::parse::parse(&text).unwrap().documents;
        let Document::Masks(back) = &docs[0] else {
            panic!("{docs:?}")
        };
        assert_eq!(back.name, masks.name);
        assert_eq!(
            (back.evc_masks[0].key.as_str(), back.evc_masks[0].value),
            ("cpuid.MDCLEAR", masks.evc_masks[0].value)
        );
    }
}
