//! JSON inputs: govc / govmomi JSON and PowerCLI exports of EVC modes.
//!
//! Accepted shapes (property names compared case-insensitively, so govmomi's `Runtime.FeatureRequirement`
//! and newer govc's `runtime.featureRequirement` are the same thing):
//!
//! * flat dotted keys, as in the project's extracts (`"config.featureCapability": […]`, `"name"`);
//! * govmomi `mo.HostSystem` / `mo.VirtualMachine` objects (`Self`, `Name`, `Config`, `Summary`, `Runtime`);
//! * `govc host.info -json` (`{"HostSystems": […]}`), `govc vm.info -json` (`{"VirtualMachines": […]}`);
//! * `govc object.collect -json` (`[{"Obj": {…}, "PropSet": [{"Name": …, "Val": …}]}]`), including the
//!   vSphere JSON API boxing `{"_typeName": "ArrayOf…", "_value": […]}` and old govc's
//!   `{"HostFeatureCapability": […]}` array wrappers;
//! * PowerCLI `(Get-View ServiceInstance).Capability.SupportedEVCMode | ConvertTo-Json`: objects with
//!   `Key`, `Label`, `Vendor`, `VendorTier`, `Track`, `FeatureCapability`, `FeatureMask`,
//!   `FeatureRequirement` → one [`Document::EvcModes`];
//! * a bare array of any of these, and several JSON values one after another.
//!
//! `serde_json::Value` carries no positions, so a light second pass over the (already validated)
//! text records where each object and each `"key"` member starts; entries get the position of
//! their `key` value.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::ParseResult;
use super::govc_xml::duplicate_warnings;
use crate::input::{Document, Entry, EvcModeInput, HostInput, ParseError, Pos, VmInput, Warning};
use crate::value::{Mask, Requirement, ValueError, parse_number};

/// Parses govc/govmomi JSON or a PowerCLI `SupportedEVCMode` export.
pub fn parse(text: &str) -> ParseResult {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let body = &text[bom..];
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    loop {
        match stream.next() {
            Some(Ok(v)) => values.push(v),
            Some(Err(e)) => return Err(json_error(&e, body, bom > 0)),
            None => break,
        }
    }
    if values.is_empty() {
        return Err(ParseError::new(
            1,
            1,
            "expected JSON (govc/govmomi output or a PowerCLI EVC mode export), found no JSON value",
        ));
    }
    let mut ctx = Ctx {
        lines: LineTable::new(text),
        bom,
        positions: scan_positions(body),
        docs: Vec::new(),
        warnings: Vec::new(),
        evc_modes: None,
        skipped: Vec::new(),
    };
    for (i, v) in values.iter().enumerate() {
        ctx.walk(v, &i.to_string(), false)?;
    }
    if let Some((slot, modes)) = ctx.evc_modes.take() {
        ctx.docs
            .insert(slot.min(ctx.docs.len()), Document::EvcModes(modes));
    }
    if ctx.docs.is_empty() {
        if let Some((pos, what)) = ctx.skipped.first() {
            return Err(ParseError {
                pos: *pos,
                message: expected_object(what),
            });
        }
        return Err(ParseError::new(1, 1, expected_object("no object at all")));
    }
    Ok((ctx.docs, ctx.warnings))
}

/// Whether `text` looks like JSON, as opposed to text that merely starts with `[` or `{` such as a
/// shell prompt (`[root@esxi01:~] vim-cmd vmsvc/get.runtime 3`): the first character must be `{`
/// followed by `"` or `}`, or `[` followed by the start of a JSON value.
pub(crate) fn looks_like(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let mut chars = t.chars();
    let first = chars.next();
    let next = chars.as_str().trim_start().chars().next();
    match (first, next) {
        (Some('{'), Some('"' | '}')) => true,
        (Some('['), Some(c)) => matches!(c, '{' | '[' | '"' | ']' | '-') || c.is_ascii_digit(),
        _ => false,
    }
}

/// Whether `text` looks like a PowerCLI / JSON API export of `SupportedEVCMode` (EVC mode objects
/// with `Key`, `VendorTier` and feature lists), as opposed to host or VM JSON.
pub(crate) fn looks_like_supported_evc_modes(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with('[') || t.starts_with('{'))
        && contains_ignore_case(t, "\"vendorTier\"")
        && (contains_ignore_case(t, "\"featureMask\"")
            || contains_ignore_case(t, "\"featureRequirement\""))
        && !contains_ignore_case(t, "\"runtime")
        && !contains_ignore_case(t, "\"config.featureCapability\"")
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(n.len())
        .any(|w| w.eq_ignore_ascii_case(n))
}

fn expected_object(found: &str) -> String {
    format!("expected a HostSystem, VirtualMachine or EVC mode object ({found})")
}

/// A serde_json error as a [`ParseError`] at evcalc's 1-based line and character column,
/// prefixed with the format's name (`invalid JSON`, `evcState JSON`). Every JSON parser of
/// evcalc goes through here.
pub(crate) fn json_error(e: &serde_json::Error, body: &str, bom: bool) -> ParseError {
    json_error_named(e, body, bom, "invalid JSON")
}

/// [`json_error`] with the format's name given.
pub(crate) fn json_error_named(
    e: &serde_json::Error,
    body: &str,
    bom: bool,
    format: &str,
) -> ParseError {
    let full = e.to_string();
    // serde_json appends " at line L column C"; the position goes into `pos`.
    let message = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    let (line, col) = json_position(body, e.line(), e.column());
    let mut col = col;
    if bom && line == 1 {
        col = col.saturating_add(1);
    }
    let hint = if e.is_eof() {
        " (the file looks truncated)"
    } else {
        ""
    };
    ParseError::new(line, col, format!("{format}: {message}{hint}"))
}

/// serde_json's (1-based line, byte column) as evcalc's 1-based (line, character column).
/// serde_json reports column 0 when the offending character is the line break itself (it has
/// already counted the new line): that is the end of the previous line (found by fuzzing: a
/// string cut by a newline gave `80:0`). Line 0 (an error before any input) is 1:1.
fn json_position(body: &str, line: usize, byte_col: usize) -> (u32, u32) {
    if line == 0 {
        return (1, 1);
    }
    if byte_col == 0 {
        if line == 1 {
            return (1, 1);
        }
        let previous = body.split('\n').nth(line - 2).unwrap_or("");
        let previous = previous.strip_suffix('\r').unwrap_or(previous);
        let col = previous.chars().count() + 1;
        return (
            u32::try_from(line - 1).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        );
    }
    // serde_json's column counts bytes; evcalc's columns count characters (found by fuzzing:
    // non-ASCII text before the error put the column past the end of the line).
    let col = char_column(body, line, byte_col).max(1);
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// The 1-based character column of the 1-based byte column `byte_col` of line `line` of `text`.
fn char_column(text: &str, line: usize, byte_col: usize) -> usize {
    let Some(line_text) = text.split('\n').nth(line.saturating_sub(1)) else {
        return byte_col;
    };
    let mut end = byte_col.saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end -= 1;
    }
    line_text[..end].chars().count() + 1
}

// ---------------------------------------------------------------------------------------------
// Positions

/// Separator of the segments of a value's path (document index, member names, array indices).
const SEP: char = '\u{1f}';

/// Line starts of a text, for offset → line/column.
struct LineTable<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineTable<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineTable { text, starts }
    }

    fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self.text.as_bytes()[start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            + 1;
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col).unwrap_or(u32::MAX),
        }
    }
}

/// Byte offsets (in the BOM-less body) of every object that is a top-level value or an array
/// element, and of the value of every member named `key` (any case), by path.
fn scan_positions(body: &str) -> HashMap<String, usize> {
    let mut scan = Scan {
        text: body,
        b: body.as_bytes(),
        i: 0,
        path: String::new(),
        map: HashMap::new(),
    };
    let mut doc = 0usize;
    loop {
        scan.ws();
        if scan.i >= scan.b.len() {
            break;
        }
        let before = scan.i;
        scan.path.clear();
        scan.path.push_str(&doc.to_string());
        scan.value(true, 0);
        if scan.i == before {
            break; // not JSON after all: give up on positions, never loop
        }
        doc += 1;
    }
    scan.map
}

struct Scan<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    path: String,
    map: HashMap<String, usize>,
}

impl Scan<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    /// Reads a string starting at `"`; returns its decoded content.
    fn string(&mut self) -> Cow<'_, str> {
        let start = self.i;
        self.i += 1;
        let mut escaped = false;
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            match c {
                b'\\' => {
                    escaped = true;
                    self.i += 1;
                }
                b'"' => break,
                _ => {}
            }
        }
        let raw = self.text.get(start..self.i.min(self.b.len())).unwrap_or("");
        if escaped {
            Cow::Owned(serde_json::from_str::<String>(raw).unwrap_or_default())
        } else {
            Cow::Borrowed(raw.get(1..raw.len().saturating_sub(1)).unwrap_or(""))
        }
    }

    fn value(&mut self, record: bool, depth: usize) {
        if depth > 1000 {
            return;
        }
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => {
                if record {
                    self.map.insert(self.path.clone(), self.i);
                }
                self.i += 1;
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => self.i += 1,
                        Some(b'"') => {
                            let key = self.string().into_owned();
                            self.ws();
                            if self.b.get(self.i) == Some(&b':') {
                                self.i += 1;
                            }
                            self.ws();
                            let len = self.path.len();
                            self.path.push(SEP);
                            self.path.push_str(&key);
                            if key.eq_ignore_ascii_case("key") {
                                self.map.insert(self.path.clone(), self.i);
                            }
                            let before = self.i;
                            self.value(false, depth + 1);
                            self.path.truncate(len);
                            if self.i == before {
                                return;
                            }
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut index = 0usize;
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => self.i += 1,
                        None => return,
                        Some(_) => {
                            let len = self.path.len();
                            self.path.push(SEP);
                            self.path.push_str(&index.to_string());
                            let before = self.i;
                            self.value(true, depth + 1);
                            self.path.truncate(len);
                            if self.i == before {
                                return;
                            }
                            index += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while let Some(&c) = self.b.get(self.i) {
                    if matches!(c, b',' | b']' | b'}' | b':') || c.is_ascii_whitespace() {
                        break;
                    }
                    self.i += 1;
                }
            }
            None => {}
        }
    }
}

fn child_path(path: &str, seg: &str) -> String {
    let mut p = String::with_capacity(path.len() + 1 + seg.len());
    p.push_str(path);
    p.push(SEP);
    p.push_str(seg);
    p
}

// ---------------------------------------------------------------------------------------------
// Navigation

/// A member of an object (or a property of a PropSet), with the path of its value.
#[derive(Clone)]
struct Member<'v> {
    name: &'v str,
    value: &'v Value,
    path: String,
}

/// Case-insensitive member lookup.
fn get<'v>(obj: &'v Map<String, Value>, name: &str) -> Option<(&'v str, &'v Value)> {
    obj.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(k, v)| (k.as_str(), v))
}

fn members<'v>(obj: &'v Map<String, Value>, path: &str) -> Vec<Member<'v>> {
    obj.iter()
        .map(|(k, v)| Member {
            name: k,
            value: v,
            path: child_path(path, k),
        })
        .collect()
}

/// Unwraps vSphere JSON API boxing `{"_typeName": …, "_value": …}`.
fn unbox(value: &Value, path: String) -> (&Value, String) {
    if let Value::Object(o) = value
        && o.len() <= 2
        && let Some((k, inner)) = get(o, "_value")
        && (o.len() == 1 || get(o, "_typeName").is_some())
    {
        return unbox(inner, child_path(&path, k));
    }
    (value, path)
}

/// Finds the value at `path` (segments, e.g. `["config", "featureCapability"]`) below `members`,
/// where each member name may itself be a dotted path (`"config.featureCapability"`).
fn find<'v>(ms: &[Member<'v>], path: &[&str]) -> Option<(&'v Value, String)> {
    for m in ms {
        let mut rest = path;
        let mut matched = true;
        for seg in m.name.split('.') {
            match rest.split_first() {
                Some((first, tail)) if first.eq_ignore_ascii_case(seg) => rest = tail,
                _ => {
                    matched = false;
                    break;
                }
            }
        }
        if !matched {
            continue;
        }
        let (value, vpath) = unbox(m.value, m.path.clone());
        if rest.is_empty() {
            return Some((value, vpath));
        }
        if let Value::Object(o) = value
            && let Some(found) = find(&members(o, &vpath), rest)
        {
            return Some(found);
        }
    }
    None
}

/// A string (or a MoRef's `value`) at `path`; empty strings count as absent.
fn find_str(members: &[Member<'_>], path: &[&str]) -> Option<String> {
    let (v, _) = find(members, path)?;
    as_string(v)
}

fn as_string(v: &Value) -> Option<String> {
    let (v, _) = unbox(v, String::new());
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        // A ManagedObjectReference: {"Type": "HostSystem", "Value": "host-14"}.
        Value::Object(o) => return get(o, "value").and_then(|(_, v)| as_string(v)),
        _ => return None,
    };
    Some(s).filter(|s| !s.is_empty())
}

/// The items of a list value: an array, a boxed array, old govc's `{"HostFeatureCapability": […]}`
/// wrapper, or null (empty).
fn list_items(value: &Value, path: String) -> Option<Vec<(&Value, String)>> {
    let (value, path) = unbox(value, path);
    match value {
        Value::Null => Some(Vec::new()),
        Value::Array(a) => Some(
            a.iter()
                .enumerate()
                .map(|(i, v)| (v, child_path(&path, &i.to_string())))
                .collect(),
        ),
        Value::Object(o) => {
            let mut arrays = o
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("_typeName"));
            match (arrays.next(), arrays.next()) {
                (Some((k, inner @ Value::Array(_))), None) => {
                    list_items(inner, child_path(&path, k))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Classification and extraction

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Host,
    Vm,
    EvcMode,
}

/// Member names that hold a collection of objects.
const CONTAINERS: [&str; 6] = [
    "HostSystems",
    "VirtualMachines",
    "objects",
    "returnval",
    "supportedEVCMode",
    "evcModes",
];

struct Ctx<'a> {
    lines: LineTable<'a>,
    bom: usize,
    positions: HashMap<String, usize>,
    docs: Vec<Document>,
    warnings: Vec<Warning>,
    /// EVC modes found so far and where their document goes among `docs`.
    evc_modes: Option<(usize, Vec<EvcModeInput>)>,
    /// Objects that were neither host, VM nor EVC mode: position and description.
    skipped: Vec<(Pos, String)>,
}

impl Ctx<'_> {
    fn pos_of(&self, path: &str) -> Pos {
        match self.positions.get(path) {
            Some(&offset) => self.lines.pos(offset + self.bom),
            None => Pos::default(),
        }
    }

    /// Position of the object at `path`, or of the nearest enclosing recorded object.
    fn object_pos(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if self.positions.contains_key(p) {
                return self.pos_of(p);
            }
            match p.rfind(SEP) {
                Some(i) => p = &p[..i],
                None => return Pos { line: 1, col: 1 },
            }
        }
    }

    fn walk(&mut self, value: &Value, path: &str, in_collection: bool) -> Result<(), ParseError> {
        let (value, path) = unbox(value, path.to_string());
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.walk(item, &child_path(&path, &i.to_string()), true)?;
                }
                Ok(())
            }
            Value::Object(obj) => {
                // {"HostSystems": […]}, {"value": […], "Count": n} (PowerShell), …
                let containers: Vec<(&String, &Value)> = obj
                    .iter()
                    .filter(|(k, v)| {
                        v.is_array() && CONTAINERS.iter().any(|c| k.eq_ignore_ascii_case(c))
                    })
                    .collect();
                let ps_wrapper = obj.len() <= 2
                    && get(obj, "value").is_some_and(|(_, v)| v.is_array())
                    && (obj.len() == 1 || get(obj, "count").is_some());
                if ps_wrapper && let Some((k, v)) = get(obj, "value") {
                    return self.walk(v, &child_path(&path, k), true);
                }
                if !containers.is_empty() && classify(obj, &path).is_err() {
                    for (k, v) in containers {
                        self.walk(v, &child_path(&path, k), true)?;
                    }
                    return Ok(());
                }
                self.object(obj, &path, in_collection)
            }
            other => {
                let what = match other {
                    Value::Null => "found null",
                    Value::Bool(_) => "found a boolean",
                    Value::Number(_) => "found a number",
                    _ => "found a string",
                };
                self.reject(self.object_pos(&path), what.to_string(), in_collection)
            }
        }
    }

    fn reject(&mut self, pos: Pos, what: String, in_collection: bool) -> Result<(), ParseError> {
        if in_collection {
            self.warnings.push(Warning {
                pos,
                message: format!("skipped: {}", expected_object(&what)),
            });
            self.skipped.push((pos, what));
            Ok(())
        } else {
            Err(ParseError {
                pos,
                message: expected_object(&what),
            })
        }
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        in_collection: bool,
    ) -> Result<(), ParseError> {
        let pos = self.object_pos(path);
        match classify(obj, path) {
            Ok((Kind::Host, ms)) => self.host(&ms, pos),
            Ok((Kind::Vm, ms)) => self.vm(&ms, pos),
            Ok((Kind::EvcMode, ms)) => self.evc_mode(&ms),
            Err(what) => self.reject(pos, what, in_collection),
        }
    }

    fn host(&mut self, ms: &[Member<'_>], pos: Pos) -> Result<(), ParseError> {
        let name = find_str(ms, &["config", "network", "dnsConfig", "hostName"])
            .or_else(|| find_str(ms, &["name"]))
            .or_else(|| find_str(ms, &["summary", "config", "name"]));
        let label = format!("HostSystem {}", name.as_deref().unwrap_or("(unnamed)"));
        let capabilities = self.entries(ms, &["config", "featureCapability"], number)?;
        let masked_capabilities =
            self.entries(ms, &["config", "maskedFeatureCapability"], number)?;
        // Missing is unknown: without featureCapability the host can block nothing and prove
        // nothing. `hardware.cpuFeature` (govc host.info -json) carries the raw CPUID bits of
        // a few leaves: the features of those leaves are known, every other one stays unknown.
        let mut capabilities = capabilities;
        let mut fragment = false;
        let mut hypervisor = false;
        if capabilities.is_empty() {
            fragment = true;
            match cpu_feature_capabilities(ms, pos) {
                Some(Ok(bits)) => {
                    capabilities = bits.known;
                    hypervisor = bits.hypervisor;
                    self.warnings.push(Warning {
                        pos,
                        message: format!(
                            "{label}: no config.featureCapability; the features of CPUID leaves 0, 1, 0x80000000, \
                             0x80000001 and 0x80000008 were read from the raw CPUID bits ({}) — not ESXi's \
                             featureCapability — and every other feature (all mitigations such as MDCLEAR, AVX2, BMI, \
                             XSAVEOPT, AVX-512, …) is unknown: add config.featureCapability (`govc object.collect -json \
                             HOST config.featureCapability`) or paste `vim-cmd hostsvc/hostconfig`",
                            bits.notes.join("; ")
                        ),
                    });
                }
                Some(Err(message)) => {
                    self.warnings.push(Warning {
                        pos,
                        message: format!(
                            "{label}: no config.featureCapability, and hardware.cpuFeature could not be read ({message}): \
                             the host's features are unknown"
                        ),
                    });
                }
                None => {
                    self.warnings.push(Warning {
                        pos,
                        message: format!(
                            "{label}: no config.featureCapability in the input; the host's capabilities are unknown \
                             (it can block nothing and prove nothing): add config.featureCapability (`govc object.collect \
                             -json HOST config.featureCapability`) or paste `vim-cmd hostsvc/hostconfig`"
                        ),
                    });
                }
            }
        }
        duplicate_warnings(
            &capabilities,
            "config.featureCapability",
            &label,
            &mut self.warnings,
        );
        duplicate_warnings(
            &masked_capabilities,
            "config.maskedFeatureCapability",
            &label,
            &mut self.warnings,
        );
        // A nested ESXi (an ESXi VM): "ESXi virtual machines are not supported in EVC clusters"
        // [C] vSphere 6.5 docs (EVC requirements); its CPUID is what the outer hypervisor
        // exposes. Known from the hypervisor bit of its raw CPUID, or its platform's vendor/model
        // (`VMware, Inc.` / `VMware Virtual Platform`, VirtualBox, KVM/QEMU, Hyper-V's
        // `Virtual Machine`) [I]: the platform names are those hypervisors' SMBIOS strings.
        let vendor = find_str(ms, &["hardware", "systemInfo", "vendor"]).unwrap_or_default();
        let model = find_str(ms, &["hardware", "systemInfo", "model"]).unwrap_or_default();
        if hypervisor || virtual_platform(&vendor, &model) {
            let what = if hypervisor && vendor.is_empty() {
                "its CPUID has the hypervisor bit (CPUID.1:ECX[31]) set".to_string()
            } else {
                format!(
                    "its platform is `{} {}`{}",
                    vendor.trim(),
                    model.trim(),
                    if hypervisor {
                        " and its CPUID has the hypervisor bit set"
                    } else {
                        ""
                    }
                )
            };
            self.warnings.push(Warning {
                pos,
                message: format!(
                    "{label} is a nested ESXi (a virtual machine: {what}): ESXi VMs are not supported in EVC clusters \
                     (vSphere docs), and its CPU features are what the outer hypervisor exposes, not a physical CPU"
                ),
            });
        }
        let cpu_model = find_str(ms, &["summary", "hardware", "cpuModel"]).or_else(|| {
            let (v, p) = find(ms, &["hardware", "cpuPkg"])?;
            let items = list_items(v, p)?;
            items.iter().find_map(|(item, _)| match item {
                Value::Object(o) => get(o, "description").and_then(|(_, d)| as_string(d)),
                _ => None,
            })
        });
        let moref = find_str(ms, &["moref"]).or_else(|| find_str(ms, &["self", "value"]));
        self.docs.push(Document::Host(HostInput {
            moref,
            name,
            product: find_str(ms, &["config", "product", "fullName"])
                .or_else(|| find_str(ms, &["summary", "config", "product", "fullName"])),
            cpu_model,
            capabilities,
            masked_capabilities,
            evc_masks: Vec::new(),
            reported_max_evc: find_str(ms, &["summary", "maxEVCModeKey"]),
            reported_current_evc: find_str(ms, &["summary", "currentEVCModeKey"]),
            // The whole summary, or its currentEVCModeKey property (null when unset), was
            // collected: an unset key is data.
            summary_seen: find(ms, &["summary", "currentEVCModeKey"]).is_some()
                || matches!(find(ms, &["summary"]), Some((Value::Object(_), _))),
            pos,
            fragment,
            unrecorded: Vec::new(),
            not_listed: Vec::new(),
        }));
        Ok(())
    }

    fn vm(&mut self, ms: &[Member<'_>], pos: Pos) -> Result<(), ParseError> {
        let name = find_str(ms, &["name"])
            .or_else(|| find_str(ms, &["config", "name"]))
            .or_else(|| find_str(ms, &["summary", "config", "name"]));
        let label = format!("VirtualMachine {}", name.as_deref().unwrap_or("(unnamed)"));
        // `runtime` wins; `summary.runtime` (a copy) only when the input has no runtime at all.
        let has_runtime = find(ms, &["runtime"]).is_some()
            || ms.iter().any(|m| {
                m.name.len() > 8
                    && m.name
                        .get(..8)
                        .is_some_and(|p| p.eq_ignore_ascii_case("runtime."))
            });
        let list_path = |field: &'static str| -> Vec<&'static str> {
            if has_runtime {
                vec!["runtime", field]
            } else {
                vec!["summary", "runtime", field]
            }
        };
        let requirements = self.entries(ms, &list_path("featureRequirement"), requirement)?;
        let offline_requirements =
            self.entries(ms, &list_path("offlineFeatureRequirement"), requirement)?;
        let masks = self.entries(ms, &list_path("featureMask"), mask)?;
        let scalar = |field: &str| {
            find_str(ms, &["runtime", field])
                .or_else(|| find_str(ms, &["summary", "runtime", field]))
        };
        let power_state = scalar("powerState");
        if requirements.is_empty() {
            let state = power_state.as_deref().unwrap_or("power state unknown");
            self.warnings.push(Warning {
                pos,
                message: format!("{label}: no runtime.featureRequirement in the input ({state})"),
            });
        }
        duplicate_warnings(
            &requirements,
            "runtime.featureRequirement",
            &label,
            &mut self.warnings,
        );
        duplicate_warnings(
            &offline_requirements,
            "runtime.offlineFeatureRequirement",
            &label,
            &mut self.warnings,
        );
        duplicate_warnings(&masks, "runtime.featureMask", &label, &mut self.warnings);
        self.docs.push(Document::Vm(VmInput {
            name,
            host: scalar("host"),
            power_state,
            requirements,
            offline_requirements,
            masks,
            reported_min_evc: scalar("minRequiredEVCModeKey"),
            vhw: find_str(ms, &["config", "version"])
                .as_deref()
                .and_then(crate::value::parse_vhw),
            guest_id: find_str(ms, &["config", "guestId"]),
            pos,
        }));
        Ok(())
    }

    fn evc_mode(&mut self, ms: &[Member<'_>]) -> Result<(), ParseError> {
        let key = find_str(ms, &["key"]).unwrap_or_default();
        let label = format!("EVC mode {key}");
        let feature_capability = self.entries(ms, &["featureCapability"], number)?;
        let feature_mask = self.entries(ms, &["featureMask"], mask)?;
        let feature_requirement = self.entries(ms, &["featureRequirement"], requirement)?;
        duplicate_warnings(
            &feature_capability,
            "featureCapability",
            &label,
            &mut self.warnings,
        );
        duplicate_warnings(&feature_mask, "featureMask", &label, &mut self.warnings);
        duplicate_warnings(
            &feature_requirement,
            "featureRequirement",
            &label,
            &mut self.warnings,
        );
        let vendor_tier = find(ms, &["vendorTier"]).and_then(|(v, _)| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        let track = match find(ms, &["track"]) {
            Some((v, p)) => list_items(v, p)
                .map(|items| items.iter().filter_map(|(v, _)| as_string(v)).collect())
                .or_else(|| as_string(v).map(|s| vec![s]))
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let mode = EvcModeInput {
            key,
            label: find_str(ms, &["label"]),
            vendor: find_str(ms, &["vendor"]),
            vendor_tier,
            track,
            feature_capability,
            feature_mask,
            feature_requirement,
        };
        let slot = self.docs.len();
        self.evc_modes
            .get_or_insert_with(|| (slot, Vec::new()))
            .1
            .push(mode);
        Ok(())
    }

    /// Reads the `{key, featureName, value}` list at `path`.
    fn entries<T>(
        &self,
        ms: &[Member<'_>],
        path: &[&str],
        parse: fn(&Value) -> Result<T, ValueError>,
    ) -> Result<Vec<Entry<T>>, ParseError> {
        let Some((value, vpath)) = find(ms, path) else {
            return Ok(Vec::new());
        };
        let property = path.join(".");
        let Some(items) = list_items(value, vpath.clone()) else {
            return Err(ParseError {
                pos: self.object_pos(&vpath),
                message: format!(
                    "expected a list of {{key, featureName, value}} objects for {property}"
                ),
            });
        };
        let mut out = Vec::with_capacity(items.len());
        for (item, ipath) in items {
            let Value::Object(o) = item else {
                return Err(ParseError {
                    pos: self.object_pos(&ipath),
                    message: format!("expected a {{key, featureName, value}} object in {property}"),
                });
            };
            let key_member = get(o, "key")
                .filter(|(_, v)| as_string(v).is_some())
                .or_else(|| get(o, "featureName"));
            let Some((key_name, key)) = key_member.and_then(|(k, v)| as_string(v).map(|s| (k, s)))
            else {
                return Err(ParseError {
                    pos: self.object_pos(&ipath),
                    message: format!("expected a `key` in this {property} entry"),
                });
            };
            let pos = match self.positions.get(&child_path(&ipath, key_name)) {
                Some(&offset) => self.lines.pos(offset + self.bom),
                None => self.object_pos(&ipath),
            };
            let Some((_, raw)) = get(o, "value") else {
                return Err(ParseError {
                    pos,
                    message: format!("expected a `value` for `{key}` in {property}"),
                });
            };
            match parse(raw) {
                Ok(value) => out.push(Entry { key, value, pos }),
                Err(e) => {
                    return Err(ParseError {
                        pos,
                        message: format!("`{key}` in {property}: {e}"),
                    });
                }
            }
        }
        Ok(out)
    }
}

fn value_text(v: &Value) -> Result<Cow<'_, str>, ValueError> {
    match v {
        Value::String(s) => Ok(Cow::Borrowed(s)),
        Value::Number(n) => Ok(Cow::Owned(n.to_string())),
        Value::Null => Err(ValueError::Empty),
        other => Err(ValueError::NotANumber(other.to_string())),
    }
}

fn number(v: &Value) -> Result<u64, ValueError> {
    parse_number(&value_text(v)?)
}

fn requirement(v: &Value) -> Result<Requirement, ValueError> {
    Requirement::parse(&value_text(v)?)
}

fn mask(v: &Value) -> Result<Mask, ValueError> {
    Mask::parse(&value_text(v)?)
}

/// Decides what an object is and returns the members to read from (a PropSet's properties for
/// `object.collect` output). `Err` describes what was found instead.
fn classify<'v>(
    obj: &'v Map<String, Value>,
    path: &str,
) -> Result<(Kind, Vec<Member<'v>>), String> {
    // object.collect: {"Obj": {…}, "PropSet": [{"Name": …, "Val": …}]}
    if let (Some((_, objref)), Some((ps_name, propset))) = (get(obj, "obj"), get(obj, "propSet")) {
        let ty = match objref {
            Value::Object(o) => get(o, "type").and_then(|(_, v)| as_string(v)),
            _ => None,
        };
        let moref = as_string(objref);
        let mut ms = Vec::new();
        let ps_path = child_path(path, ps_name);
        for (item, ipath) in list_items(propset, ps_path).unwrap_or_default() {
            if let Value::Object(p) = item
                && let (Some((_, Value::String(name))), Some((val_name, val))) =
                    (get(p, "name"), get(p, "val"))
            {
                ms.push(Member {
                    name: name.as_str(),
                    value: val,
                    path: child_path(&ipath, val_name),
                });
            }
        }
        return match ty.as_deref() {
            Some("HostSystem") => Ok((Kind::Host, ms)),
            Some("VirtualMachine") => Ok((Kind::Vm, ms)),
            Some(other) => Err(format!("found {other} {}", moref.unwrap_or_default())),
            None => by_content(&ms)
                .ok_or_else(|| "found an ObjectContent without a type".to_string())
                .map(|k| (k, ms)),
        };
    }
    let ms = members(obj, path);
    // govmomi mo.*: "Self": {"Type": "HostSystem", "Value": "host-14"}
    if let Some((_, Value::Object(me))) = get(obj, "self")
        && let Some(ty) = get(me, "type").and_then(|(_, v)| as_string(v))
    {
        return match ty.as_str() {
            "HostSystem" => Ok((Kind::Host, ms)),
            "VirtualMachine" => Ok((Kind::Vm, ms)),
            other => Err(format!(
                "found {other} {}",
                get(me, "value")
                    .and_then(|(_, v)| as_string(v))
                    .unwrap_or_default()
            )),
        };
    }
    if let Some(kind) = by_content(&ms) {
        return Ok((kind, ms));
    }
    // Our extracts: "moref": "host-14" / "vm-20".
    if let Some(moref) = find_str(&ms, &["moref"]) {
        if moref.starts_with("host-") || moref == "ha-host" {
            return Ok((Kind::Host, ms));
        }
        if moref.starts_with("vm-") {
            return Ok((Kind::Vm, ms));
        }
    }
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).take(6).collect();
    if obj.len() > 6 {
        keys.push("…");
    }
    Err(if keys.is_empty() {
        "found an empty object".to_string()
    } else {
        format!("found an object with members {}", keys.join(", "))
    })
}

/// Host, VM or EVC mode by the properties present.
fn by_content(ms: &[Member<'_>]) -> Option<Kind> {
    let has = |p: &[&str]| find(ms, p).is_some();
    let evc_like = has(&["key"])
        && (has(&["vendorTier"])
            || has(&["featureMask"])
            || has(&["featureRequirement"])
            || has(&["track"]))
        && !has(&["runtime"])
        && !has(&["config"]);
    if evc_like {
        return Some(Kind::EvcMode);
    }
    let host = [
        &["config", "featureCapability"][..],
        &["config", "maskedFeatureCapability"],
        &["summary", "maxEVCModeKey"],
        &["summary", "hardware", "cpuModel"],
        &["hardware", "cpuPkg"],
    ];
    if host.iter().any(|p| has(p)) {
        return Some(Kind::Host);
    }
    let vm = [
        &["runtime", "featureRequirement"][..],
        &["runtime", "offlineFeatureRequirement"],
        &["runtime", "featureMask"],
        &["runtime", "minRequiredEVCModeKey"],
        &["runtime", "powerState"],
        &["summary", "runtime", "featureRequirement"],
    ];
    if vm.iter().any(|p| has(p)) {
        return Some(Kind::Vm);
    }
    None
}

/// CPUID leaves whose bits `hardware.cpuFeature` carries (what ESXi records there).
const CPU_FEATURE_LEAVES: [u32; 5] = [0, 1, 0x8000_0000, 0x8000_0001, 0x8000_0008];

/// Whether a host's `hardware.systemInfo` vendor/model names a virtual platform (SMBIOS strings
/// of VMware, VirtualBox, QEMU/KVM, Hyper-V, Xen, Parallels) \[I\].
pub(crate) fn virtual_platform(vendor: &str, model: &str) -> bool {
    let v = vendor.to_ascii_lowercase();
    let m = model.to_ascii_lowercase();
    m.starts_with("vmware")
        || m == "virtualbox"
        || v.contains("innotek")
        || v == "qemu"
        || m.starts_with("kvm")
        || m.starts_with("standard pc (")
        || (v.contains("microsoft") && m == "virtual machine")
        || v == "xen"
        || m.starts_with("hvm domu")
        || m.starts_with("parallels")
}

/// `vim.host.CpuIdInfo` records: (level, EAX/EBX/ECX/EDX bit strings).
type CpuIdRecords = Vec<(i64, [String; 4])>;

/// One `cpuFeature` list (`vim.host.CpuIdInfo` records) as (level, registers) bit strings.
fn cpu_id_records(value: &Value, path: String) -> CpuIdRecords {
    let Some(items) = list_items(value, path) else {
        return Vec::new();
    };
    let mut texts: CpuIdRecords = Vec::new();
    for (item, ipath) in items {
        let (Value::Object(o), ipath) = unbox(item, ipath) else {
            continue;
        };
        let ms = members(o, &ipath);
        let level = find(&ms, &["level"]).and_then(|(v, _)| match unbox(v, String::new()).0 {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        let Some(level) = level else { continue };
        let reg = |name: &str| find_str(&ms, &[name]).unwrap_or_default();
        texts.push((level, [reg("eax"), reg("ebx"), reg("ecx"), reg("edx")]));
    }
    texts
}

/// Decodes one `cpuFeature` list into the keys of the leaves it carries, and whether the
/// hypervisor bit (CPUID.1:ECX\[31\]) is set.
fn decode_cpu_feature(
    texts: &[(i64, [String; 4])],
    pos: Pos,
) -> Result<(Vec<Entry<u64>>, bool), String> {
    let records: Vec<(i64, [&str; 4])> = texts
        .iter()
        .map(|(l, r)| {
            (
                *l,
                [r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str()],
            )
        })
        .collect();
    let leaves = super::cpuid_dump::leaves_from_cpu_feature(&records)?;
    let hypervisor = leaves.recorded(1, 0).is_some_and(|r| r[2] >> 31 & 1 == 1);
    let (host, _) = super::cpuid_dump::decode(&leaves)?;
    let cat = crate::catalogue::catalogue();
    let entries = host
        .capabilities
        .into_iter()
        .filter(|e| {
            let Some(id) = cat.lookup(&e.key) else {
                return false;
            };
            let def = cat.def(id);
            match def.cpuid {
                Some(bit) => CPU_FEATURE_LEAVES.contains(&bit.leaf) && bit.subleaf == 0,
                // Vendor and identity keys come from leaves 0, 1 and 0x80000000.
                None => {
                    def.kind != crate::catalogue::Kind::Feature
                        && def.kind != crate::catalogue::Kind::Mitigation
                }
            }
        })
        .map(|e| Entry { pos, ..e })
        .collect();
    Ok((entries, hypervisor))
}

/// What the raw CPUID bits of a govc host prove.
struct CpuFeatureBits {
    /// Keys of the leaves `cpuFeature` carries (only those: a fragment).
    known: Vec<Entry<u64>>,
    /// Notes for the host's warning: where the bits come from, keys left unknown.
    notes: Vec<String>,
    /// CPUID.1:ECX\[31\] (hypervisor present) in the bits read.
    hypervisor: bool,
}

/// The capabilities the raw CPUID bits prove: only features of the leaves `cpuFeature` carries.
/// `None` when the input has no cpuFeature.
///
/// Raw is raw (issue 20, item 6): the host-wide `hardware.cpuFeature` is "the intersection of
/// the feature sets supported by the individual CPU packages" (\[C\] vSphere API,
/// `HostHardwareInfo.cpuFeature`), and on the real nested ESXi 6.7 host
/// (`tests/data/real/govc/volanja-blog_…json`) it has LM cleared where `cpuPkg[0].cpuFeature`
/// sets it \[D\]. So the packages' own `cpuPkg[].cpuFeature` are read: a key on which every
/// package agrees gets that value, a key the packages disagree on stays unknown (not listed).
/// Only without any package's bits is the host-wide list read, with a note saying what it is.
fn cpu_feature_capabilities(ms: &[Member<'_>], pos: Pos) -> Option<Result<CpuFeatureBits, String>> {
    let mut packages: Vec<(String, CpuIdRecords)> = Vec::new();
    if let Some((pkgs, p)) = find(ms, &["hardware", "cpuPkg"])
        && let Some(items) = list_items(pkgs, p)
    {
        for (item, ipath) in items {
            if let (Value::Object(o), ipath) = unbox(item, ipath)
                && let Some((v, fpath)) = find(&members(o, &ipath), &["cpuFeature"])
            {
                let texts = cpu_id_records(v, fpath.clone());
                if !texts.is_empty() {
                    packages.push((fpath, texts));
                }
            }
        }
    }
    if packages.is_empty() {
        let (value, path) = find(ms, &["hardware", "cpuFeature"])?;
        let texts = cpu_id_records(value, path);
        if texts.is_empty() {
            return None;
        }
        return Some(decode_cpu_feature(&texts, pos).map(|(known, hypervisor)| CpuFeatureBits {
            known,
            notes: vec![
                "read from the host-wide hardware.cpuFeature (no hardware.cpuPkg[].cpuFeature in the input), which the \
                 vSphere API defines as the intersection of the CPU packages' features: a feature it lacks may still \
                 be on the CPU (add hardware.cpuPkg)"
                    .to_string(),
            ],
            hypervisor,
        }));
    }
    let mut decoded: Vec<Vec<Entry<u64>>> = Vec::new();
    let mut hypervisor = false;
    for (_, texts) in &packages {
        match decode_cpu_feature(texts, pos) {
            Ok((known, h)) => {
                hypervisor |= h;
                decoded.push(known);
            }
            Err(e) => return Some(Err(e)),
        }
    }
    let first = decoded.remove(0);
    let mut differ: Vec<String> = Vec::new();
    let known: Vec<Entry<u64>> = first
        .into_iter()
        .filter(|e| {
            let same = decoded.iter().all(|other| {
                other
                    .iter()
                    .find(|o| o.key == e.key)
                    .is_some_and(|o| o.value == e.value)
            });
            if !same {
                differ.push(e.key.clone());
            }
            same
        })
        .collect();
    let mut notes = vec![format!(
        "read from hardware.cpuPkg[].cpuFeature ({} package{}), not the host-wide hardware.cpuFeature (the vSphere API's \
         intersection over packages)",
        packages.len(),
        if packages.len() == 1 { "" } else { "s" }
    )];
    if !differ.is_empty() {
        notes.push(format!(
            "the CPU packages disagree on {}: unknown",
            differ.join(", ")
        ));
    }
    Some(Ok(CpuFeatureBits {
        known,
        notes,
        hypervisor,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{MaskOp, ReqOp, ReqType};

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../tests/data/", $name))
        };
    }

    const HOST_JSON: &str =
        fixture!("real/govc/object.save-vmc-sddc/0082-HostSystem-host-14.evc.json");
    const HOST_XML: &str = fixture!("real/govc/object.save-vmc-sddc/0082-HostSystem-host-14.xml");
    const MO_VM: &str =
        fixture!("real/govc/nri-vsphere-testdata-vm-test-snap.mo.VirtualMachine.json");
    const HOST_INFO: &str = fixture!(
        "real/govc/volanja-blog_govc-host.info-json_esxi67u3-on-virtualbox_cpu-subset.json"
    );
    const EVC_MODES: &str = fixture!("synthetic/supported-evc-modes.powercli.json");

    /// (file, .evc.json, .xml, VM name, number of featureRequirement, NSX Edge)
    const VMS: [(&str, &str, &str, &str, usize, bool); 7] = [
        (
            "0089",
            fixture!("real/govc/object.save-vmc-sddc/0089-VirtualMachine-vm-1003.evc.json"),
            fixture!("real/govc/object.save-vmc-sddc/0089-VirtualMachine-vm-1003.xml"),
            "test-snap",
            43,
            false,
        ),
        (
            "0090",
            fixture!("real/govc/object.save-vmc-sddc/0090-VirtualMachine-vm-20.evc.json"),
            fixture!("real/govc/object.save-vmc-sddc/0090-VirtualMachine-vm-20.xml"),
            "vcenter",
            34,
            false,
        ),
        (
            "0091",
            fixture!("real/govc/object.save-vmc-sddc/0091-VirtualMachine-vm-21.evc.json"),
            fixture!("real/govc/object.save-vmc-sddc/0091-VirtualMachine-vm-21.xml"),
            "NSX-Manager-1",
            43,
            false,
        ),
        (
            "0092",
            fixture!("real/govc/object.save-vmc-sddc/0092-VirtualMachine-vm-43.evc.json"),
            fixture!("real/govc/object.save-vmc-sddc/0092-VirtualMachine-vm-43.xml"),
            "NSX-Edge-1",
            43,
            true,
        ),
        (
            "0093",
            fixture!("real/govc/object.save-vmc-sddc/0093-VirtualMachine-vm-22.evc.json"),
            fixture!("real/govc/object.save-vmc-sddc/0093-VirtualMachine-vm-22.xml"),
            "NSX-Manager-0",
            43,
            false,
        ),
        (
            "0094",
            fixture!("real/govc/object.save-vmc-sddc/0094-VirtualMachine-vm-44.evc.json"),
            fixture!("real/govc/object.save-vmc-sddc/0094-VirtualMachine-vm-44.xml"),
            "NSX-Edge-0",
            43,
            true,
        ),
        (
            "0095",
            fixture!("real/govc/object.save-vmc-sddc/0095-VirtualMachine-vm-23.evc.json"),
            fixture!("real/govc/object.save-vmc-sddc/0095-VirtualMachine-vm-23.xml"),
            "NSX-Manager-2",
            43,
            false,
        ),
    ];

    fn one(text: &str) -> (Document, Vec<Warning>) {
        let (mut docs, warnings) = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(docs.len(), 1, "{docs:?}");
        (docs.remove(0), warnings)
    }

    fn host(text: &str) -> HostInput {
        match one(text).0 {
            Document::Host(h) => h,
            other => panic!("expected a host, got {other:?}"),
        }
    }

    fn vm(text: &str) -> VmInput {
        match one(text).0 {
            Document::Vm(v) => v,
            other => panic!("expected a VM, got {other:?}"),
        }
    }

    fn kv<T: Clone>(entries: &[Entry<T>]) -> Vec<(String, T)> {
        entries
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect()
    }

    #[test]
    fn host_extract() {
        let (doc, warnings) = one(HOST_JSON);
        assert!(warnings.is_empty(), "{warnings:?}");
        let Document::Host(h) = doc else { panic!() };
        assert_eq!(h.name.as_deref(), Some("10.2.32.4"));
        assert_eq!(
            h.product.as_deref(),
            Some("VMware ESXi 8.0.1 build-22513723")
        );
        assert_eq!(
            h.cpu_model.as_deref(),
            Some("Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz")
        );
        assert_eq!(h.reported_max_evc.as_deref(), Some("intel-broadwell"));
        assert_eq!(h.reported_current_evc, None);
        assert_eq!(h.capabilities.len(), 83);
        assert_eq!(h.masked_capabilities.len(), 83);
        let mdclear = h
            .capabilities
            .iter()
            .find(|e| e.key == "cpuid.mdclear")
            .unwrap();
        assert_eq!(mdclear.value, 1);
        // `      "key": "cpuid.3dnprefetch",` on line 10: the position is the key's value.
        assert_eq!(h.capabilities[0].pos, Pos { line: 10, col: 14 });
        assert_eq!(h.pos, Pos { line: 1, col: 1 });
    }

    #[test]
    fn xml_and_extract_agree() {
        let x = match &super::super::govc_xml::parse(HOST_XML).unwrap().0[0] {
            Document::Host(h) => h.clone(),
            other => panic!("{other:?}"),
        };
        let j = host(HOST_JSON);
        assert_eq!(kv(&x.capabilities), kv(&j.capabilities));
        assert_eq!(kv(&x.masked_capabilities), kv(&j.masked_capabilities));
        assert_eq!(
            (&x.product, &x.cpu_model, &x.reported_max_evc),
            (&j.product, &j.cpu_model, &j.reported_max_evc)
        );
        for (file, json, xml, name, n_req, edge) in VMS {
            let j = vm(json);
            let x = match &super::super::govc_xml::parse(xml).unwrap().0[0] {
                Document::Vm(v) => v.clone(),
                other => panic!("{other:?}"),
            };
            assert_eq!(j.name.as_deref(), Some(name), "{file}");
            assert_eq!(j.requirements.len(), n_req, "{file}");
            assert_eq!(kv(&x.requirements), kv(&j.requirements), "{file}");
            assert_eq!(
                kv(&x.offline_requirements),
                kv(&j.offline_requirements),
                "{file}"
            );
            assert_eq!(kv(&x.masks), kv(&j.masks), "{file}");
            assert_eq!(
                (&x.name, &x.power_state, &x.reported_min_evc),
                (&j.name, &j.power_state, &j.reported_min_evc),
                "{file}"
            );
            assert_eq!(
                j.reported_min_evc.as_deref(),
                Some("intel-broadwell"),
                "{file}"
            );
            assert_eq!(j.offline_requirements[0].key, "cpuid.lm");
            let pdpe = j
                .requirements
                .iter()
                .find(|e| e.key == "cpuid.pdpe1gb")
                .map(|e| e.value);
            if edge {
                assert_eq!(
                    pdpe,
                    Some(Requirement {
                        ty: ReqType::Bool,
                        op: ReqOp::Match,
                        value: 1
                    }),
                    "{file}"
                );
                assert_eq!(
                    kv(&j.masks),
                    vec![(
                        "cpuid.PDPE1GB".to_string(),
                        Mask {
                            op: MaskOp::Val,
                            value: 1
                        }
                    )]
                );
                assert_eq!(j.offline_requirements[1].value.to_string(), "Num:Match:1");
            } else {
                assert!(j.masks.is_empty(), "{file}");
                assert!(
                    j.requirements
                        .iter()
                        .all(|e| e.value == Requirement::BOOL_MIN_1),
                    "{file}"
                );
            }
            assert!(j.requirements.iter().all(|e| e.pos.line > 1), "{file}");
        }
    }

    #[test]
    fn govmomi_mo_virtual_machine() {
        let (doc, warnings) = one(MO_VM);
        assert!(warnings.is_empty(), "{warnings:?}");
        let Document::Vm(v) = doc else { panic!() };
        assert_eq!(v.name.as_deref(), Some("test-snap"));
        assert_eq!(v.host.as_deref(), Some("host-14"));
        assert_eq!(v.power_state.as_deref(), Some("poweredOn"));
        assert_eq!(v.reported_min_evc.as_deref(), Some("intel-broadwell"));
        assert_eq!(v.requirements.len(), 43);
        assert!(
            v.requirements
                .iter()
                .any(|e| e.key == "cpuid.mdclear" && e.value == Requirement::BOOL_MIN_1)
        );
        assert_eq!(v.offline_requirements.len(), 1);
        assert_eq!(
            v.offline_requirements[0].value,
            Requirement {
                ty: ReqType::Num,
                op: ReqOp::Min,
                value: 1
            }
        );
        assert!(v.masks.is_empty());
        assert!(
            v.requirements
                .iter()
                .all(|e| e.pos.line > 1 && e.pos.col > 1)
        );
        // Same object as 0089-VirtualMachine-vm-1003: same requirements.
        assert_eq!(kv(&v.requirements), kv(&vm(VMS[0].1).requirements));
    }

    #[test]
    fn cpu_packages_that_disagree_leave_the_leaf_unknown() {
        // The real nested host with a second package whose leaf 0x80000001 lacks LM (EDX[29]).
        let mut v: serde_json::Value = serde_json::from_str(HOST_INFO).unwrap();
        let host = &mut v["HostSystems"][0]["Hardware"];
        let mut pkg = host["CpuPkg"][0].clone();
        for f in pkg["CpuFeature"].as_array_mut().unwrap() {
            if f["Level"] == -2147483647 {
                let edx = f["Edx"].as_str().unwrap().to_string();
                let mut b: Vec<char> = edx.chars().collect();
                assert_eq!(b[2], '1', "{edx}");
                b[2] = '0';
                f["Edx"] = serde_json::Value::String(b.into_iter().collect());
            }
        }
        host["CpuPkg"].as_array_mut().unwrap().push(pkg);
        let (doc, warnings) = one(&v.to_string());
        let Document::Host(h) = doc else { panic!() };
        let value = |key: &str| {
            h.capabilities
                .iter()
                .find(|e| e.key == key)
                .map(|e| e.value)
        };
        assert_eq!(value("cpuid.LM"), None, "packages disagree: unknown");
        assert_eq!(value("cpuid.NX"), Some(1));
        assert!(
            warnings[0].message.contains("2 packages")
                && warnings[0].message.contains("disagree on cpuid.LM"),
            "{warnings:?}"
        );
        // Without any package's bits, the host-wide list is read and said to be an intersection.
        let host = &mut v["HostSystems"][0]["Hardware"];
        host.as_object_mut().unwrap().remove("CpuPkg");
        let (doc, warnings) = one(&v.to_string());
        let Document::Host(h) = doc else { panic!() };
        let lm = h
            .capabilities
            .iter()
            .find(|e| e.key == "cpuid.LM")
            .map(|e| e.value);
        assert_eq!(lm, Some(0));
        assert!(warnings[0].message.contains("intersection"), "{warnings:?}");
    }

    #[test]
    fn govc_host_info_without_feature_capability() {
        let (doc, warnings) = one(HOST_INFO);
        let Document::Host(h) = doc else { panic!() };
        assert_eq!(h.name.as_deref(), Some("localhost.localdomain"));
        assert_eq!(
            h.product.as_deref(),
            Some("VMware ESXi 6.7.0 build-14320388")
        );
        assert_eq!(
            h.cpu_model.as_deref(),
            Some("Intel(R) Core(TM) i5-8259U CPU @ 2.30GHz")
        );
        assert_eq!(h.reported_max_evc, None);
        // Missing is unknown: the raw CPUID bits of leaves 0, 1, 0x8000000x are read, every
        // other feature stays unknown (a fragment listing only those keys).
        assert!(h.fragment);
        let value = |key: &str| {
            h.capabilities
                .iter()
                .find(|e| e.key == key)
                .map(|e| e.value)
        };
        assert_eq!(value("cpuid.Intel"), Some(1));
        assert_eq!(value("cpuid.SSE3"), Some(1));
        // The host-wide hardware.cpuFeature of this nested ESXi clears LM (its package's has it):
        // raw bits come from cpuPkg[].cpuFeature (issue 20, item 6).
        assert_eq!(value("cpuid.LM"), Some(1));
        assert_eq!(value("cpuid.NX"), Some(1));
        assert_eq!(value("cpuid.AVX2"), None);
        assert_eq!(value("cpuid.MDCLEAR"), None);
        assert_eq!(value("cpuid.XSAVEOPT"), None);
        assert_eq!(h.pos, Pos { line: 3, col: 5 });
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].message.contains("no config.featureCapability")
                && warnings[0].message.contains("raw CPUID bits")
                && warnings[0]
                    .message
                    .contains("hardware.cpuPkg[].cpuFeature (1 package)"),
            "{warnings:?}"
        );
        // VirtualBox platform and the hypervisor bit: a nested ESXi, named as such
        assert!(
            warnings[1].message.contains("nested ESXi")
                && warnings[1]
                    .message
                    .contains("ESXi VMs are not supported in EVC clusters")
                && warnings[1].message.contains("VirtualBox"),
            "{warnings:?}"
        );
    }

    #[test]
    fn powercli_supported_evc_modes() {
        assert!(looks_like_supported_evc_modes(EVC_MODES));
        assert!(!looks_like_supported_evc_modes(HOST_JSON));
        assert!(!looks_like_supported_evc_modes(MO_VM));
        let (doc, warnings) = one(EVC_MODES);
        assert!(warnings.is_empty(), "{warnings:?}");
        let Document::EvcModes(modes) = doc else {
            panic!()
        };
        assert_eq!(modes.len(), 2);
        let merom = &modes[0];
        assert_eq!(merom.key, "intel-merom");
        assert_eq!(merom.label.as_deref(), Some("Intel® \"Merom\" Generation"));
        assert_eq!(merom.vendor.as_deref(), Some("intel"));
        assert_eq!(merom.vendor_tier, Some(0));
        assert_eq!(merom.track, vec!["intel".to_string()]);
        assert_eq!(merom.feature_mask.len(), 15);
        let model = merom
            .feature_mask
            .iter()
            .find(|e| e.key == "cpuid.MODEL")
            .unwrap();
        assert_eq!(
            model.value,
            Mask {
                op: MaskOp::Val,
                value: 0xf
            }
        );
        assert_eq!(merom.feature_requirement.len(), 10);
        assert!(
            merom
                .feature_requirement
                .iter()
                .all(|e| e.value == Requirement::BOOL_MIN_1)
        );
        assert_eq!(
            merom
                .feature_capability
                .iter()
                .find(|e| e.key == "cpuid.NUM_EXT_LEVELS")
                .unwrap()
                .value,
            0x8000_0008
        );
        let penryn = &modes[1];
        assert_eq!(penryn.key, "intel-penryn");
        assert_eq!(penryn.vendor_tier, Some(1));
        assert!(
            penryn
                .feature_requirement
                .iter()
                .any(|e| e.key == "cpuid.SSE41")
        );
        assert!(
            !merom
                .feature_requirement
                .iter()
                .any(|e| e.key == "cpuid.SSE41")
        );
        assert_eq!(merom.feature_mask[0].pos, Pos { line: 113, col: 24 });
        // A single mode (ConvertTo-Json of one object) and the JSON API boxing work too.
        let single = r#"{"Key": "intel-x", "VendorTier": 3, "FeatureMask": [{"Key": "cpuid.AES", "Value": "Val:1"}]}"#;
        let Document::EvcModes(m) = one(single).0 else {
            panic!()
        };
        assert_eq!(m[0].feature_mask[0].pos, Pos { line: 1, col: 61 });
        let boxed = r#"{"_typeName": "ArrayOfEVCMode", "_value": [{"_typeName": "EVCMode", "key": "amd-zen", "vendor": "amd",
            "vendorTier": 10, "track": ["amd"], "featureRequirement": [{"_typeName": "VirtualMachineFeatureRequirement",
            "key": "cpuid.AMD", "featureName": "cpuid.AMD", "value": "Bool:Min:1"}]}]}"#;
        let Document::EvcModes(m) = one(boxed).0 else {
            panic!()
        };
        assert_eq!(m[0].key, "amd-zen");
        assert_eq!(m[0].feature_requirement[0].pos, Pos { line: 3, col: 20 });
        // PowerShell 5 wrapper.
        let wrapped = format!("{{\"value\": {EVC_MODES}, \"Count\": 2}}");
        let Document::EvcModes(m) = one(&wrapped).0 else {
            panic!()
        };
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn object_collect_both_spellings() {
        let old = r#"[{"Obj": {"Type": "HostSystem", "Value": "host-14"}, "PropSet": [
            {"Name": "config.featureCapability", "Val": {"HostFeatureCapability": [
                {"Key": "cpuid.SSE3", "FeatureName": "cpuid.SSE3", "Value": "1"},
                {"Key": "cpuid.FAMILY", "FeatureName": "cpuid.FAMILY", "Value": "0x19"}]}},
            {"Name": "name", "Val": "esx1"},
            {"Name": "summary.maxEVCModeKey", "Val": "amd-zen3"}], "MissingSet": null},
          {"Obj": {"Type": "Datastore", "Value": "datastore-1"}, "PropSet": [{"Name": "name", "Val": "ds"}]},
          {"Obj": {"Type": "VirtualMachine", "Value": "vm-7"}, "PropSet": [
            {"Name": "runtime", "Val": {"Host": {"Type": "HostSystem", "Value": "host-14"}, "PowerState": "poweredOn",
              "FeatureRequirement": [{"Key": "cpuid.SSE3", "FeatureName": "cpuid.SSE3", "Value": "Bool:Min:1"}]}},
            {"Name": "name", "Val": "web"}]}]"#;
        let new = r#"[{"obj": {"type": "HostSystem", "value": "host-14"}, "propSet": [
            {"name": "config.featureCapability", "val": {"_typeName": "ArrayOfHostFeatureCapability", "_value": [
                {"_typeName": "HostFeatureCapability", "key": "cpuid.SSE3", "featureName": "cpuid.SSE3", "value": "1"},
                {"_typeName": "HostFeatureCapability", "key": "cpuid.FAMILY", "featureName": "cpuid.FAMILY", "value": "0x19"}]}},
            {"name": "name", "val": {"_typeName": "string", "_value": "esx1"}},
            {"name": "summary.maxEVCModeKey", "val": "amd-zen3"}]},
          {"obj": {"type": "Datastore", "value": "datastore-1"}, "propSet": [{"name": "name", "val": "ds"}]},
          {"obj": {"type": "VirtualMachine", "value": "vm-7"}, "propSet": [
            {"name": "runtime.featureRequirement", "val": {"_typeName": "ArrayOfVirtualMachineFeatureRequirement", "_value": [
                {"key": "cpuid.SSE3", "featureName": "cpuid.SSE3", "value": "Bool:Min:1"}]}},
            {"name": "runtime.host", "val": {"_typeName": "ManagedObjectReference", "type": "HostSystem", "value": "host-14"}},
            {"name": "runtime.powerState", "val": "poweredOn"},
            {"name": "name", "val": "web"}]}]"#;
        for text in [old, new] {
            let (docs, warnings) = parse(text).unwrap();
            assert_eq!(docs.len(), 2, "{docs:?}");
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert!(
                warnings[0].message.contains("Datastore datastore-1"),
                "{warnings:?}"
            );
            assert_eq!(warnings[0].pos, Pos { line: 7, col: 11 });
            let Document::Host(h) = &docs[0] else {
                panic!()
            };
            assert_eq!(h.name.as_deref(), Some("esx1"));
            assert_eq!(h.reported_max_evc.as_deref(), Some("amd-zen3"));
            assert_eq!(h.capabilities.len(), 2);
            assert_eq!(h.capabilities[1].value, 0x19);
            assert_eq!(h.capabilities[0].pos.line, 3);
            assert_eq!(h.pos, Pos { line: 1, col: 2 });
            let Document::Vm(v) = &docs[1] else { panic!() };
            assert_eq!(v.name.as_deref(), Some("web"));
            assert_eq!(v.host.as_deref(), Some("host-14"));
            assert_eq!(v.power_state.as_deref(), Some("poweredOn"));
            assert_eq!(v.requirements.len(), 1);
        }
    }

    #[test]
    fn newer_govc_lower_camel_case() {
        let host_info = r#"{"hostSystems": [{"self": {"type": "HostSystem", "value": "host-1"}, "name": "h1",
            "summary": {"maxEVCModeKey": "intel-icelake", "config": {"product": {"fullName": "VMware ESXi 8.0.3"}},
                        "hardware": {"cpuModel": "Xeon"}},
            "config": {"featureCapability": [{"key": "cpuid.mdclear", "featureName": "cpuid.mdclear", "value": "1"}],
                       "network": {"dnsConfig": {"hostName": "esx-1"}}}}]}"#;
        let h = host(host_info);
        assert_eq!(h.name.as_deref(), Some("esx-1"));
        assert_eq!(h.product.as_deref(), Some("VMware ESXi 8.0.3"));
        assert_eq!(h.cpu_model.as_deref(), Some("Xeon"));
        assert_eq!(h.capabilities[0].key, "cpuid.mdclear");
        let vm_info = r#"{"virtualMachines": [{"self": {"type": "VirtualMachine", "value": "vm-1"}, "name": "v1",
            "runtime": {"host": {"type": "HostSystem", "value": "host-1"},
                        "featureRequirement": [{"key": "cpuid.mdclear", "featureName": "cpuid.mdclear", "value": "Bool:Min:1"}],
                        "featureMask": [{"key": "cpuid.MDCLEAR", "featureName": "cpuid.MDCLEAR", "value": "Val:1"}]},
            "summary": {"runtime": {"featureRequirement": [{"key": "cpuid.x", "value": "Bool:Min:1"}]}}}]}"#;
        let v = vm(vm_info);
        assert_eq!(v.host.as_deref(), Some("host-1"));
        assert_eq!(
            kv(&v.requirements),
            vec![("cpuid.mdclear".to_string(), Requirement::BOOL_MIN_1)]
        );
        assert_eq!(v.masks[0].key, "cpuid.MDCLEAR");
        // Only summary.runtime: used.
        let v = vm(
            r#"{"Summary": {"Runtime": {"FeatureRequirement": [{"Key": "cpuid.x", "Value": "Bool:Min:1"}]}}}"#,
        );
        assert_eq!(v.requirements[0].key, "cpuid.x");
    }

    #[test]
    fn several_values_one_after_another() {
        let text = format!("{HOST_JSON}\n{}", VMS[3].1);
        let (docs, _) = parse(&text).unwrap();
        assert!(
            matches!(docs.as_slice(), [Document::Host(_), Document::Vm(_)]),
            "{docs:?}"
        );
        let Document::Vm(v) = &docs[1] else { panic!() };
        let lines = HOST_JSON.lines().count() as u32;
        assert!(
            v.requirements[0].pos.line > lines,
            "{:?}",
            v.requirements[0].pos
        );
    }

    #[test]
    fn errors() {
        // Syntax error: serde_json's position.
        let err =
            parse("{\n  \"name\": \"x\",\n  \"runtime\": {\"powerState\" \"on\"}\n}").unwrap_err();
        assert_eq!((err.pos.line, err.pos.col), (3, 28), "{err}");
        assert!(
            err.message.starts_with("invalid JSON: expected `:`"),
            "{err}"
        );
        // Neither host, VM nor EVC mode.
        let err = parse("{\n  \"foo\": 1\n}").unwrap_err();
        assert!(err.message.starts_with("expected a HostSystem, VirtualMachine or EVC mode object (found an object with members foo"), "{err}");
        assert_eq!(err.pos, Pos { line: 1, col: 1 });
        let err =
            parse(r#"{"Self": {"Type": "Datastore", "Value": "ds-1"}, "Name": "x"}"#).unwrap_err();
        assert!(err.message.contains("(found Datastore ds-1)"), "{err}");
        let err = parse("[1, 2]").unwrap_err();
        assert!(err.message.contains("found a number"), "{err}");
        let err = parse("  ").unwrap_err();
        assert_eq!(err.pos, Pos { line: 1, col: 1 });
        // A bad value names the key and points at it.
        let err = parse("{\"name\": \"h\",\n \"config.featureCapability\": [{\"key\": \"cpuid.AES\", \"value\": \"yes\"}]}").unwrap_err();
        assert!(
            err.message
                .contains("`cpuid.AES` in config.featureCapability"),
            "{err}"
        );
        assert_eq!(err.pos, Pos { line: 2, col: 39 });
        let err =
            parse(r#"{"runtime.featureRequirement": [{"value": "Bool:Min:1"}]}"#).unwrap_err();
        assert!(err.message.contains("expected a `key`"), "{err}");
        let err = parse(r#"{"runtime.featureRequirement": "cpuid.x"}"#).unwrap_err();
        assert!(err.message.contains("expected a list"), "{err}");
        let err =
            parse(r#"{"runtime.featureRequirement": [{"key": "cpuid.x", "value": "Val:1"}]}"#)
                .unwrap_err();
        assert!(err.message.contains("not a feature requirement"), "{err}");
    }

    #[test]
    fn truncated_json_is_an_error_not_a_panic() {
        for text in [HOST_JSON, MO_VM, EVC_MODES, HOST_INFO, VMS[3].1] {
            for cut in [
                1,
                2,
                10,
                100,
                text.len() / 3,
                text.len() / 2,
                text.len() - 3,
                text.len() - 2,
            ] {
                let Some(prefix) = text.get(..cut) else {
                    continue;
                };
                let err = parse(prefix).expect_err("truncated JSON must fail");
                assert!(err.pos.line >= 1 && err.pos.col >= 1, "{err}");
            }
        }
        let err = parse(&HOST_JSON[..HOST_JSON.len() / 2]).unwrap_err();
        assert!(err.message.contains("truncated"), "{err}");
    }

    #[test]
    fn looks_like_json() {
        for text in [
            HOST_JSON,
            MO_VM,
            HOST_INFO,
            EVC_MODES,
            "[]",
            "{}",
            "\u{feff} [\n {",
            "[1]",
        ] {
            assert!(looks_like(text), "{text:.40}");
        }
        for text in [
            "[root@esxi01:~] vim-cmd vmsvc/get.runtime 3",
            "{ featureCapability",
            "(vim.host.ConfigInfo) {",
            "",
            "[",
        ] {
            assert!(!looks_like(text), "{text:.40}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "",
            "{",
            "[",
            "\u{feff}{}",
            "null",
            "\"x\"",
            "{}",
            "[]",
            "[[]]",
            "[{}]",
            "{\"HostSystems\": []}",
            "{\"HostSystems\": [1]}",
            "{\"value\": []}",
            "{\"_value\": null}",
            "{\"_typeName\": \"x\", \"_value\": {}}",
            "{\"obj\": 1, \"propSet\": 2}",
            "{\"obj\": {}, \"propSet\": [{\"name\": 1}]}",
            "{\"Key\": 1, \"FeatureMask\": {\"a\": 1, \"b\": 2}}",
            "{\"Key\": \"k\", \"Track\": \"t\", \"VendorTier\": \"x\"}",
            "{\"config.featureCapability\": [{\"key\": \"\\u0041\\\"b\", \"value\": 18446744073709551615}]}",
            "{\"config.featureCapability\": [{\"key\": \"a\", \"value\": -1}]}",
            "{\"a\":1}{\"b\":2}",
            "[{\"Self\": {\"Type\": \"X\"}}]",
        ] {
            let _ = parse(text);
        }
        let h = host(
            "{\"config.featureCapability\": [{\"key\": \"\\u0041\\\"b\", \"value\": 18446744073709551615}]}",
        );
        assert_eq!(h.capabilities[0].key, "A\"b");
        assert_eq!(h.capabilities[0].value, u64::MAX);
        assert_eq!(h.capabilities[0].pos, Pos { line: 1, col: 39 });
        let (docs, _) =
            parse("\u{feff}{\"name\": \"x\", \"summary.maxEVCModeKey\": \"\"}").unwrap();
        assert_eq!(docs.len(), 1);
    }
}
