//! `govc object.save` SOAP XML: one or more `<ObjectContent>` elements, each
//! `<obj type="HostSystem">host-14</obj>` followed by `<propSet><name>…</name><val …>…</val></propSet>`.
//!
//! The reader streams (quick-xml, no tree of the document) and only descends into the few
//! properties evcalc needs; everything else is skipped with `read_to_end`. Properties may be saved
//! whole (`config`, `summary`, `runtime`) or as dotted paths (`config.featureCapability`,
//! `summary.maxEVCModeKey`): both lead to the same place in the path table below.
//!
//! Any element that directly contains `<obj>` or `<propSet>` is taken as an object, so a raw
//! `RetrievePropertiesEx` response (`<returnval><objects>…`) works too.

use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::ParseResult;
use crate::input::{Document, Entry, HostInput, ParseError, Pos, VmInput, Warning};
use crate::value::{Mask, Requirement, parse_number};

/// Parses `govc object.save` XML into host and VM documents.
pub fn parse(text: &str) -> ParseResult {
    Parser::new(text).run()
}

// ---------------------------------------------------------------------------------------------
// Positions

/// Byte offset → 1-based line/column, counting lines incrementally (requests are mostly in
/// increasing order; an earlier offset restarts the count).
pub(crate) struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lines {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    pub(crate) fn pos(&mut self, offset: usize) -> Pos {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
            self.line_start = 0;
        }
        let span = &bytes[self.offset..offset];
        let newlines = span.iter().filter(|&&b| b == b'\n').count();
        if newlines > 0 {
            self.line = self
                .line
                .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
            if let Some(last) = span.iter().rposition(|&b| b == b'\n') {
                self.line_start = self.offset + last + 1;
            }
        }
        self.offset = offset;
        // Count characters, not bytes: skip UTF-8 continuation bytes.
        let col = bytes[self.line_start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        Pos {
            line: self.line,
            col: u32::try_from(col + 1).unwrap_or(u32::MAX),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Path table: where, below an object, the values evcalc reads live.

/// What the object's `<obj type=…>` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ObjType {
    Host,
    Vm,
    /// No `<obj>` (yet): read everything, decide at the end from the content.
    Unknown,
    /// Datastore, Network, …: skipped.
    Other,
}

/// The kind of feature list a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Caps,
    MaskedCaps,
    /// `runtime.featureRequirement`; `true` = under `summary.runtime`.
    Req(bool),
    OfflineReq(bool),
    Mask(bool),
}

impl List {
    fn property(self) -> &'static str {
        match self {
            List::Caps => "config.featureCapability",
            List::MaskedCaps => "config.maskedFeatureCapability",
            List::Req(false) => "runtime.featureRequirement",
            List::Req(true) => "summary.runtime.featureRequirement",
            List::OfflineReq(false) => "runtime.offlineFeatureRequirement",
            List::OfflineReq(true) => "summary.runtime.offlineFeatureRequirement",
            List::Mask(false) => "runtime.featureMask",
            List::Mask(true) => "summary.runtime.featureMask",
        }
    }
}

/// A place in the path table. `Dead` = not interesting, skip the subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Dead,
    Root,
    Name,
    Config,
    ConfigName,
    ConfigVersion,
    ConfigGuestId,
    ConfigNetwork,
    DnsConfig,
    DnsHostName,
    ConfigProduct,
    ProductFullName,
    Summary,
    SummaryHardware,
    CpuModel,
    SummaryConfig,
    SummaryConfigName,
    SummaryConfigProduct,
    SummaryProductFullName,
    MaxEvc,
    CurrentEvc,
    Hardware,
    CpuPkg,
    CpuPkgDescription,
    SystemInfo,
    SystemInfoVendor,
    SystemInfoModel,
    /// `runtime` (`false`) or `summary.runtime` (`true`).
    Runtime(bool),
    RuntimeHost(bool),
    RuntimePowerState(bool),
    RuntimeMinEvc(bool),
    /// One `{key, featureName, value}` record (or, for an `ArrayOf…` value, the array).
    List(List),
    RecKey,
    RecFeatureName,
    RecValue,
}

impl Node {
    /// Nodes whose text content is captured.
    fn is_leaf(self) -> bool {
        matches!(
            self,
            Node::Name
                | Node::ConfigName
                | Node::ConfigVersion
                | Node::ConfigGuestId
                | Node::DnsHostName
                | Node::ProductFullName
                | Node::CpuModel
                | Node::SummaryConfigName
                | Node::SummaryProductFullName
                | Node::MaxEvc
                | Node::CurrentEvc
                | Node::CpuPkgDescription
                | Node::SystemInfoVendor
                | Node::SystemInfoModel
                | Node::RuntimeHost(_)
                | Node::RuntimePowerState(_)
                | Node::RuntimeMinEvc(_)
                | Node::RecKey
                | Node::RecFeatureName
                | Node::RecValue
        )
    }

    /// The child `name` of this node for an object of type `ty`.
    fn child(self, name: &[u8], ty: ObjType) -> Node {
        let host = matches!(ty, ObjType::Host | ObjType::Unknown);
        let vm = matches!(ty, ObjType::Vm | ObjType::Unknown);
        match (self, name) {
            (Node::Root, b"name") => Node::Name,
            (Node::Root, b"config") => Node::Config,
            (Node::Root, b"summary") => Node::Summary,
            (Node::Root, b"hardware") if host => Node::Hardware,
            (Node::Root, b"runtime") if vm => Node::Runtime(false),
            (Node::Config, b"name") if vm => Node::ConfigName,
            (Node::Config, b"version") if vm => Node::ConfigVersion,
            (Node::Config, b"guestId") if vm => Node::ConfigGuestId,
            (Node::Config, b"network") if host => Node::ConfigNetwork,
            (Node::Config, b"product") if host => Node::ConfigProduct,
            (Node::Config, b"featureCapability") if host => Node::List(List::Caps),
            (Node::Config, b"maskedFeatureCapability") if host => Node::List(List::MaskedCaps),
            (Node::ConfigNetwork, b"dnsConfig") => Node::DnsConfig,
            (Node::DnsConfig, b"hostName") => Node::DnsHostName,
            (Node::ConfigProduct, b"fullName") => Node::ProductFullName,
            (Node::Summary, b"hardware") if host => Node::SummaryHardware,
            (Node::Summary, b"config") => Node::SummaryConfig,
            (Node::Summary, b"maxEVCModeKey") if host => Node::MaxEvc,
            (Node::Summary, b"currentEVCModeKey") if host => Node::CurrentEvc,
            (Node::Summary, b"runtime") if vm => Node::Runtime(true),
            (Node::SummaryHardware, b"cpuModel") => Node::CpuModel,
            (Node::SummaryConfig, b"name") if vm => Node::SummaryConfigName,
            (Node::SummaryConfig, b"product") if host => Node::SummaryConfigProduct,
            (Node::SummaryConfigProduct, b"fullName") => Node::SummaryProductFullName,
            (Node::Hardware, b"cpuPkg") => Node::CpuPkg,
            (Node::CpuPkg, b"description") => Node::CpuPkgDescription,
            (Node::Hardware, b"systemInfo") => Node::SystemInfo,
            (Node::SystemInfo, b"vendor") => Node::SystemInfoVendor,
            (Node::SystemInfo, b"model") => Node::SystemInfoModel,
            (Node::Runtime(s), b"host") => Node::RuntimeHost(s),
            (Node::Runtime(s), b"powerState") => Node::RuntimePowerState(s),
            (Node::Runtime(s), b"minRequiredEVCModeKey") => Node::RuntimeMinEvc(s),
            (Node::Runtime(s), b"featureRequirement") => Node::List(List::Req(s)),
            (Node::Runtime(s), b"offlineFeatureRequirement") => Node::List(List::OfflineReq(s)),
            (Node::Runtime(s), b"featureMask") => Node::List(List::Mask(s)),
            (Node::List(_), b"key") => Node::RecKey,
            (Node::List(_), b"featureName") => Node::RecFeatureName,
            (Node::List(_), b"value") => Node::RecValue,
            _ => Node::Dead,
        }
    }

    /// The node of a dotted property name (`config`, `summary.maxEVCModeKey`, …).
    fn of_property(name: &str, ty: ObjType) -> Node {
        let mut node = Node::Root;
        for seg in name.split('.') {
            node = node.child(seg.as_bytes(), ty);
            if node == Node::Dead {
                break;
            }
        }
        node
    }
}

// ---------------------------------------------------------------------------------------------
// Per-object accumulation

#[derive(Default)]
struct RuntimeAcc {
    host: Option<String>,
    power_state: Option<String>,
    min_evc: Option<String>,
    req: Vec<Entry<Requirement>>,
    offline_req: Vec<Entry<Requirement>>,
    mask: Vec<Entry<Mask>>,
    /// Whether a saved property covered the list (so an empty list means "none", not "unknown").
    req_seen: bool,
    offline_req_seen: bool,
    mask_seen: bool,
}

struct ObjAcc {
    /// Index of the object element in the frame stack.
    depth: usize,
    pos: Pos,
    ty: ObjType,
    type_name: Option<String>,
    moref: Option<String>,
    name: Option<String>,
    config_name: Option<String>,
    /// `config.version` (`vmx-19`).
    config_version: Option<String>,
    /// `config.guestId`.
    guest_id: Option<String>,
    summary_config_name: Option<String>,
    dns_host_name: Option<String>,
    product: Option<String>,
    summary_product: Option<String>,
    cpu_model: Option<String>,
    cpu_pkg_description: Option<String>,
    /// `hardware.systemInfo` vendor and model (a nested ESXi names a virtual platform there).
    system_vendor: Option<String>,
    system_model: Option<String>,
    max_evc: Option<String>,
    current_evc: Option<String>,
    summary_seen: bool,
    caps: Vec<Entry<u64>>,
    masked_caps: Vec<Entry<u64>>,
    runtime: RuntimeAcc,
    summary_runtime: RuntimeAcc,
}

impl ObjAcc {
    fn new(depth: usize, pos: Pos) -> Self {
        ObjAcc {
            depth,
            pos,
            ty: ObjType::Unknown,
            type_name: None,
            moref: None,
            name: None,
            config_name: None,
            config_version: None,
            guest_id: None,
            summary_config_name: None,
            dns_host_name: None,
            product: None,
            summary_product: None,
            cpu_model: None,
            cpu_pkg_description: None,
            system_vendor: None,
            system_model: None,
            max_evc: None,
            current_evc: None,
            summary_seen: false,
            caps: Vec::new(),
            masked_caps: Vec::new(),
            runtime: RuntimeAcc::default(),
            summary_runtime: RuntimeAcc::default(),
        }
    }

    fn runtime_mut(&mut self, summary: bool) -> &mut RuntimeAcc {
        if summary {
            &mut self.summary_runtime
        } else {
            &mut self.runtime
        }
    }

    /// Marks the lists a saved property covers (`runtime` covers all three, …).
    fn cover(&mut self, node: Node) {
        match node {
            Node::Root => {
                self.cover(Node::Runtime(false));
                self.cover(Node::Runtime(true));
            }
            Node::Summary => self.cover(Node::Runtime(true)),
            Node::Runtime(s) => {
                let rt = self.runtime_mut(s);
                rt.req_seen = true;
                rt.offline_req_seen = true;
                rt.mask_seen = true;
            }
            Node::List(List::Req(s)) => self.runtime_mut(s).req_seen = true,
            Node::List(List::OfflineReq(s)) => self.runtime_mut(s).offline_req_seen = true,
            Node::List(List::Mask(s)) => self.runtime_mut(s).mask_seen = true,
            _ => {}
        }
    }

    /// Stores the text of a leaf.
    fn set(&mut self, node: Node, text: String) {
        let text = Some(text);
        match node {
            Node::Name => self.name = text,
            Node::ConfigName => self.config_name = text,
            Node::ConfigVersion => self.config_version = text,
            Node::ConfigGuestId => self.guest_id = text,
            Node::SummaryConfigName => self.summary_config_name = text,
            Node::DnsHostName => self.dns_host_name = text,
            Node::ProductFullName => self.product = text,
            Node::SummaryProductFullName => self.summary_product = text,
            Node::CpuModel => self.cpu_model = text,
            Node::CpuPkgDescription if self.cpu_pkg_description.is_none() => {
                self.cpu_pkg_description = text;
            }
            Node::SystemInfoVendor => self.system_vendor = text,
            Node::SystemInfoModel => self.system_model = text,
            Node::MaxEvc => self.max_evc = text,
            Node::CurrentEvc => self.current_evc = text,
            Node::RuntimeHost(s) => self.runtime_mut(s).host = text,
            Node::RuntimePowerState(s) => self.runtime_mut(s).power_state = text,
            Node::RuntimeMinEvc(s) => self.runtime_mut(s).min_evc = text,
            _ => {}
        }
    }

    fn label(&self) -> String {
        let ty = self.type_name.as_deref().unwrap_or("object");
        match (&self.moref, &self.name) {
            (Some(m), Some(n)) => format!("{ty} {m} ({n})"),
            (Some(m), None) => format!("{ty} {m}"),
            (None, Some(n)) => format!("{ty} {n}"),
            (None, None) => ty.to_string(),
        }
    }

    fn finish(self, docs: &mut Vec<Document>, warnings: &mut Vec<Warning>) {
        let ty = match self.ty {
            ObjType::Unknown => {
                let rt_data = |r: &RuntimeAcc| {
                    !r.req.is_empty() || !r.offline_req.is_empty() || r.min_evc.is_some()
                };
                if !self.caps.is_empty() || !self.masked_caps.is_empty() || self.max_evc.is_some() {
                    ObjType::Host
                } else if rt_data(&self.runtime) || rt_data(&self.summary_runtime) {
                    ObjType::Vm
                } else {
                    warnings.push(Warning {
                        pos: self.pos,
                        message: format!(
                            "skipped {}: no <obj type=…> and no host or VM feature data",
                            self.label()
                        ),
                    });
                    return;
                }
            }
            ty => ty,
        };
        match ty {
            ObjType::Host => self.finish_host(docs, warnings),
            ObjType::Vm => self.finish_vm(docs, warnings),
            _ => warnings.push(Warning {
                pos: self.pos,
                message: format!(
                    "skipped {}: only HostSystem and VirtualMachine objects are used",
                    self.label()
                ),
            }),
        }
    }

    fn finish_host(self, docs: &mut Vec<Document>, warnings: &mut Vec<Warning>) {
        let label = self.label();
        if self.caps.is_empty() {
            warnings.push(Warning {
                pos: self.pos,
                message: format!(
                    "{label}: no config.featureCapability in the input; the host's capabilities are unknown"
                ),
            });
        }
        duplicate_warnings(&self.caps, List::Caps, &label, warnings);
        duplicate_warnings(&self.masked_caps, List::MaskedCaps, &label, warnings);
        // A nested ESXi: "ESXi virtual machines are not supported in EVC clusters" [C] vSphere
        // docs; the platform strings are the govc JSON parser's (`virtual_platform`) [I].
        let vendor = self.system_vendor.as_deref().unwrap_or_default();
        let model = self.system_model.as_deref().unwrap_or_default();
        if super::govc_json::virtual_platform(vendor, model) {
            warnings.push(Warning {
                pos: self.pos,
                message: format!(
                    "{label} is a nested ESXi (a virtual machine: its platform is `{} {}`): ESXi VMs are not \
                     supported in EVC clusters (vSphere docs), and its CPU features are what the outer hypervisor \
                     exposes, not a physical CPU",
                    vendor.trim(),
                    model.trim()
                ),
            });
        }
        let moref = self.moref.clone();
        docs.push(Document::Host(HostInput {
            moref,
            name: non_empty(self.dns_host_name).or(non_empty(self.name)),
            product: non_empty(self.product).or(non_empty(self.summary_product)),
            cpu_model: non_empty(self.cpu_model).or(non_empty(self.cpu_pkg_description)),
            capabilities: self.caps,
            masked_capabilities: self.masked_caps,
            evc_masks: Vec::new(),
            reported_max_evc: non_empty(self.max_evc),
            reported_current_evc: non_empty(self.current_evc),
            summary_seen: self.summary_seen,
            pos: self.pos,
            fragment: false,
            unrecorded: Vec::new(),
            not_listed: Vec::new(),
        }));
    }

    fn finish_vm(self, docs: &mut Vec<Document>, warnings: &mut Vec<Warning>) {
        let label = self.label();
        let (rt, srt) = (self.runtime, self.summary_runtime);
        let requirements = if rt.req_seen || srt.req.is_empty() {
            rt.req
        } else {
            srt.req
        };
        let offline_requirements = if rt.offline_req_seen || srt.offline_req.is_empty() {
            rt.offline_req
        } else {
            srt.offline_req
        };
        let masks = if rt.mask_seen || srt.mask.is_empty() {
            rt.mask
        } else {
            srt.mask
        };
        let power_state = non_empty(rt.power_state).or(non_empty(srt.power_state));
        if requirements.is_empty() {
            let state = power_state.as_deref().unwrap_or("power state unknown");
            warnings.push(Warning {
                pos: self.pos,
                message: format!("{label}: no runtime.featureRequirement in the input ({state})"),
            });
        }
        duplicate_warnings(&requirements, List::Req(false), &label, warnings);
        duplicate_warnings(
            &offline_requirements,
            List::OfflineReq(false),
            &label,
            warnings,
        );
        duplicate_warnings(&masks, List::Mask(false), &label, warnings);
        docs.push(Document::Vm(VmInput {
            name: non_empty(self.name)
                .or(non_empty(self.config_name))
                .or(non_empty(self.summary_config_name)),
            host: non_empty(rt.host).or(non_empty(srt.host)),
            power_state,
            requirements,
            offline_requirements,
            masks,
            reported_min_evc: non_empty(rt.min_evc).or(non_empty(srt.min_evc)),
            vhw: self
                .config_version
                .as_deref()
                .and_then(crate::value::parse_vhw),
            guest_id: non_empty(self.guest_id),
            pos: self.pos,
        }));
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Warns about keys listed twice (compared case-insensitively) in one list.
pub(crate) fn duplicate_warnings<T>(
    entries: &[Entry<T>],
    list: impl ListName,
    label: &str,
    warnings: &mut Vec<Warning>,
) {
    let mut seen = HashSet::with_capacity(entries.len());
    for e in entries {
        if !seen.insert(e.key.to_ascii_lowercase()) {
            warnings.push(Warning {
                pos: e.pos,
                message: format!(
                    "{label}: key `{}` is listed more than once in {}",
                    e.key,
                    list.name()
                ),
            });
        }
    }
}

/// Something that names a feature list in messages.
pub(crate) trait ListName {
    fn name(&self) -> &str;
}

impl ListName for List {
    fn name(&self) -> &str {
        self.property()
    }
}

impl ListName for &str {
    fn name(&self) -> &str {
        self
    }
}

// ---------------------------------------------------------------------------------------------
// The streaming parser

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Outside any property value.
    Plain,
    /// `<obj type=…>`
    ObjRef,
    PropSet,
    /// `<name>` of a propSet.
    PropName,
    /// `<val>` of a propSet.
    Val,
    /// An element below `<val>`.
    In,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    kind: Kind,
    node: Node,
    /// For `<val xsi:type="ArrayOf…">`: children are array items.
    array: bool,
    /// Byte offset of the `<`.
    start: usize,
}

/// One feature record being read.
struct Record {
    list: List,
    /// Stack depth of the element that owns the record (its end closes the record).
    owner: usize,
    start: usize,
    key: Option<String>,
    key_start: usize,
    feature_name: Option<String>,
    value: Option<String>,
    value_start: usize,
}

struct Parser<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    lines: Lines<'a>,
    stack: Vec<Frame>,
    obj: Option<ObjAcc>,
    record: Option<Record>,
    prop_name: Option<String>,
    capture: String,
    docs: Vec<Document>,
    warnings: Vec<Warning>,
    objects_seen: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Parser {
            text,
            reader,
            lines: Lines::new(text),
            stack: Vec::with_capacity(32),
            obj: None,
            record: None,
            prop_name: None,
            capture: String::new(),
            docs: Vec::new(),
            warnings: Vec::new(),
            objects_seen: 0,
        }
    }

    fn pos(&mut self, offset: usize) -> Pos {
        self.lines.pos(offset)
    }

    fn error(&mut self, offset: usize, message: impl Into<String>) -> ParseError {
        let pos = self.pos(offset);
        ParseError {
            pos,
            message: message.into(),
        }
    }

    fn xml_error(&mut self, e: quick_xml::Error) -> ParseError {
        let offset = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
        let msg = match self.stack.last() {
            Some(f) => format!(
                "malformed XML inside `<{}>`: {e}",
                self.element_name(f.start)
            ),
            None => format!("malformed XML: {e}"),
        };
        self.error(offset, msg)
    }

    /// The element name at `<` offset `start` (for messages).
    fn element_name(&self, start: usize) -> &'a str {
        let rest = self.text.get(start + 1..).unwrap_or("");
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        &rest[..end]
    }

    fn offset(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    fn run(mut self) -> ParseResult {
        loop {
            let before = self.offset();
            let event = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => return Err(self.xml_error(e)),
            };
            match event {
                Event::Start(e) => {
                    self.start(&e, before, false)?;
                }
                Event::Empty(e) => {
                    if self.start(&e, before, true)? {
                        self.end()?;
                    }
                }
                Event::End(_) => self.end()?,
                Event::Text(t) => {
                    if self.capturing() {
                        let s = t
                            .decode()
                            .map_err(|e| self.error(before, format!("bad text: {e}")))?;
                        self.capture.push_str(&s);
                    } else if self.stack.is_empty() && !t.iter().all(u8::is_ascii_whitespace) {
                        return Err(self.error(
                            before,
                            "expected govc object.save XML (`<ObjectContent>` elements), found text outside any element",
                        ));
                    }
                }
                Event::CData(t) => {
                    if self.capturing() {
                        let s = t
                            .decode()
                            .map_err(|e| self.error(before, format!("bad CDATA: {e}")))?;
                        self.capture.push_str(&s);
                    }
                }
                Event::GeneralRef(r) => {
                    if self.capturing() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => self.capture.push(c),
                            // `AsRef<[u8]>` named: other crates' impls (the xlsx feature's) make
                            // a bare `as_ref()` ambiguous.
                            Ok(None) => match AsRef::<[u8]>::as_ref(&*r) {
                                b"amp" => self.capture.push('&'),
                                b"lt" => self.capture.push('<'),
                                b"gt" => self.capture.push('>'),
                                b"quot" => self.capture.push('"'),
                                b"apos" => self.capture.push('\''),
                                other => {
                                    let name = String::from_utf8_lossy(other).into_owned();
                                    return Err(
                                        self.error(before, format!("unknown entity `&{name};`"))
                                    );
                                }
                            },
                            Err(e) => {
                                return Err(
                                    self.error(before, format!("bad character reference: {e}"))
                                );
                            }
                        }
                    }
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        if let Some(f) = self.stack.last().copied() {
            let name = self.element_name(f.start);
            let opened = self.pos(f.start);
            let end = self.text.len();
            return Err(self.error(
                end,
                format!(
                    "unexpected end of input: expected `</{name}>` (opened at line {}, column {}); the file looks truncated",
                    opened.line, opened.col
                ),
            ));
        }
        if self.objects_seen == 0 {
            let first = self.text.find('<').unwrap_or(0);
            return Err(self.error(
                first,
                "expected govc object.save XML: `<ObjectContent>` elements with `<obj type=\"…\">` and `<propSet>`",
            ));
        }
        Ok((self.docs, self.warnings))
    }

    fn capturing(&self) -> bool {
        match self.stack.last() {
            Some(f) => match f.kind {
                Kind::ObjRef | Kind::PropName => true,
                Kind::Val | Kind::In => f.node.is_leaf(),
                Kind::Plain | Kind::PropSet => false,
            },
            None => false,
        }
    }

    /// Handles a start tag. Returns whether a frame was pushed (false = subtree skipped).
    fn start(
        &mut self,
        e: &BytesStart<'_>,
        before: usize,
        empty: bool,
    ) -> Result<bool, ParseError> {
        let local = e.local_name();
        let local = local.as_ref();
        let depth = self.stack.len();
        let parent = self.stack.last().copied();
        let frame = match parent {
            Some(p) if matches!(p.kind, Kind::Val | Kind::In) => {
                let ty = self.obj.as_ref().map_or(ObjType::Unknown, |o| o.ty);
                let node = if p.array {
                    p.node
                } else {
                    match (p.node, p.node.child(local, ty)) {
                        // A `<val>` holding bare records without `ArrayOf…` type: items.
                        (Node::List(l), Node::Dead) if p.kind == Kind::Val => Node::List(l),
                        (_, n) => n,
                    }
                };
                if node == Node::Dead {
                    if !empty {
                        self.skip(e)?;
                    }
                    return Ok(false);
                }
                self.enter_in(node, p, depth, before)?;
                Frame {
                    kind: Kind::In,
                    node,
                    array: false,
                    start: before,
                }
            }
            _ => match local {
                b"obj" => {
                    self.ensure_object(depth, before)?;
                    let ty_name = attribute(e, b"type");
                    if let Some(obj) = self.obj.as_mut() {
                        obj.ty = match ty_name.as_deref() {
                            Some("HostSystem") => ObjType::Host,
                            Some("VirtualMachine") => ObjType::Vm,
                            Some(_) => ObjType::Other,
                            None => ObjType::Unknown,
                        };
                        obj.type_name = ty_name;
                    }
                    self.capture.clear();
                    Frame {
                        kind: Kind::ObjRef,
                        node: Node::Dead,
                        array: false,
                        start: before,
                    }
                }
                b"propSet" => {
                    self.ensure_object(depth, before)?;
                    self.prop_name = None;
                    let other = self.obj.as_ref().is_some_and(|o| o.ty == ObjType::Other);
                    if other {
                        if !empty {
                            self.skip(e)?;
                        }
                        return Ok(false);
                    }
                    Frame {
                        kind: Kind::PropSet,
                        node: Node::Dead,
                        array: false,
                        start: before,
                    }
                }
                b"name" if parent.is_some_and(|p| p.kind == Kind::PropSet) => {
                    self.capture.clear();
                    Frame {
                        kind: Kind::PropName,
                        node: Node::Dead,
                        array: false,
                        start: before,
                    }
                }
                b"val" if parent.is_some_and(|p| p.kind == Kind::PropSet) => {
                    let ty = self.obj.as_ref().map_or(ObjType::Unknown, |o| o.ty);
                    let node = match self.prop_name.as_deref() {
                        Some(name) => Node::of_property(name.trim(), ty),
                        None => {
                            let pos = self.pos(before);
                            self.warnings.push(Warning {
                                pos,
                                message: "skipped a <val> that has no <name> before it".to_string(),
                            });
                            Node::Dead
                        }
                    };
                    // The host's summary (whole, or its currentEVCModeKey property) was saved:
                    // an unset currentEVCModeKey is then data, not a gap.
                    if ty == ObjType::Host
                        && matches!(node, Node::Summary | Node::CurrentEvc)
                        && let Some(o) = self.obj.as_mut()
                    {
                        o.summary_seen = true;
                    }
                    if node == Node::Dead {
                        if !empty {
                            self.skip(e)?;
                        }
                        return Ok(false);
                    }
                    if let Some(obj) = self.obj.as_mut() {
                        obj.cover(node);
                    }
                    if node.is_leaf() {
                        self.capture.clear();
                    }
                    // A `<val>` with List node and no `ArrayOf…` type holds either one record
                    // (opened lazily on its first key/value child, see `enter_in`) or bare items.
                    let array = attribute_type_is_array(e);
                    Frame {
                        kind: Kind::Val,
                        node,
                        array,
                        start: before,
                    }
                }
                _ => Frame {
                    kind: Kind::Plain,
                    node: Node::Dead,
                    array: false,
                    start: before,
                },
            },
        };
        self.stack.push(frame);
        Ok(true)
    }

    /// Bookkeeping when entering an element below `<val>` with node `node`.
    fn enter_in(
        &mut self,
        node: Node,
        parent: Frame,
        depth: usize,
        before: usize,
    ) -> Result<(), ParseError> {
        match node {
            Node::List(list) => {
                if self.record.is_some() {
                    return Err(self.error(before, "unexpected nested feature record"));
                }
                self.record = Some(Record {
                    list,
                    owner: depth,
                    start: before,
                    key: None,
                    key_start: before,
                    feature_name: None,
                    value: None,
                    value_start: before,
                });
            }
            Node::RecKey | Node::RecFeatureName | Node::RecValue => {
                if self.record.is_none() {
                    // `<val>` holding a single record: the val element owns it.
                    let Node::List(list) = parent.node else {
                        return Err(self.error(before, "feature record field outside a record"));
                    };
                    self.record = Some(Record {
                        list,
                        owner: depth - 1,
                        start: parent.start,
                        key: None,
                        key_start: before,
                        feature_name: None,
                        value: None,
                        value_start: before,
                    });
                }
                if let Some(r) = self.record.as_mut() {
                    match node {
                        Node::RecKey => r.key_start = before,
                        Node::RecValue => r.value_start = before,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if node.is_leaf() {
            self.capture.clear();
        }
        Ok(())
    }

    /// Makes the element at stack index `depth - 1` the current object, if it is not already.
    fn ensure_object(&mut self, depth: usize, before: usize) -> Result<(), ParseError> {
        let Some(owner) = depth.checked_sub(1) else {
            return Err(self.error(
                before,
                "expected `<ObjectContent>` around `<obj>`/`<propSet>`",
            ));
        };
        match &self.obj {
            Some(o) if o.depth == owner => Ok(()),
            Some(_) => Err(self.error(
                before,
                "unexpected `<obj>`/`<propSet>` outside its `<ObjectContent>`",
            )),
            None => {
                let start = self.stack[owner].start;
                let pos = self.pos(start);
                self.obj = Some(ObjAcc::new(owner, pos));
                self.objects_seen += 1;
                Ok(())
            }
        }
    }

    fn skip(&mut self, e: &BytesStart<'_>) -> Result<(), ParseError> {
        let name = e.name();
        match self.reader.read_to_end(name) {
            Ok(_) => Ok(()),
            Err(quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::MissingEndTag(
                tag,
            ))) => {
                let end = self.text.len();
                Err(self.error(
                    end,
                    format!(
                        "unexpected end of input: expected `</{tag}>`; the file looks truncated"
                    ),
                ))
            }
            Err(e) => Err(self.xml_error(e)),
        }
    }

    fn end(&mut self) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            let at = self.offset();
            return Err(self.error(at, "unexpected closing tag"));
        };
        let depth = self.stack.len();
        match frame.kind {
            Kind::PropName => self.prop_name = Some(std::mem::take(&mut self.capture)),
            Kind::ObjRef => {
                let moref = std::mem::take(&mut self.capture).trim().to_string();
                if let Some(obj) = self.obj.as_mut() {
                    obj.moref = Some(moref).filter(|m| !m.is_empty());
                }
            }
            Kind::Val | Kind::In => {
                if frame.node.is_leaf() {
                    let text = std::mem::take(&mut self.capture);
                    match frame.node {
                        Node::RecKey | Node::RecFeatureName | Node::RecValue => {
                            if let Some(r) = self.record.as_mut() {
                                let slot = match frame.node {
                                    Node::RecKey => &mut r.key,
                                    Node::RecFeatureName => &mut r.feature_name,
                                    _ => &mut r.value,
                                };
                                *slot = Some(text);
                            }
                        }
                        node => {
                            if let Some(obj) = self.obj.as_mut() {
                                obj.set(node, text);
                            }
                        }
                    }
                }
                if self.record.as_ref().is_some_and(|r| r.owner == depth) {
                    self.finish_record()?;
                }
            }
            Kind::Plain | Kind::PropSet => {}
        }
        if self.obj.as_ref().is_some_and(|o| o.depth == depth)
            && let Some(obj) = self.obj.take()
        {
            obj.finish(&mut self.docs, &mut self.warnings);
        }
        Ok(())
    }

    fn finish_record(&mut self) -> Result<(), ParseError> {
        let Some(r) = self.record.take() else {
            return Ok(());
        };
        let key = match r.key.or(r.feature_name) {
            Some(k) if !k.trim().is_empty() => k.trim().to_string(),
            _ => {
                return Err(self.error(
                    r.start,
                    format!("expected a `<key>` in this {} entry", r.list.property()),
                ));
            }
        };
        let Some(value) = r.value else {
            return Err(self.error(
                r.start,
                format!("expected a `<value>` for `{key}` in {}", r.list.property()),
            ));
        };
        let parsed = match r.list {
            List::Caps | List::MaskedCaps => parse_number(&value).map(Parsed::Number),
            List::Req(_) | List::OfflineReq(_) => {
                Requirement::parse(&value).map(Parsed::Requirement)
            }
            List::Mask(_) => Mask::parse(&value).map(Parsed::Mask),
        };
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => {
                return Err(self.error(
                    r.value_start,
                    format!("`{key}` in {}: {e}", r.list.property()),
                ));
            }
        };
        let pos = self.pos(r.key_start);
        let Some(obj) = self.obj.as_mut() else {
            return Ok(());
        };
        match (r.list, parsed) {
            (List::Caps, Parsed::Number(value)) => obj.caps.push(Entry { key, value, pos }),
            (List::MaskedCaps, Parsed::Number(value)) => {
                obj.masked_caps.push(Entry { key, value, pos })
            }
            (List::Req(s), Parsed::Requirement(value)) => {
                obj.runtime_mut(s).req.push(Entry { key, value, pos })
            }
            (List::OfflineReq(s), Parsed::Requirement(value)) => obj
                .runtime_mut(s)
                .offline_req
                .push(Entry { key, value, pos }),
            (List::Mask(s), Parsed::Mask(value)) => {
                obj.runtime_mut(s).mask.push(Entry { key, value, pos })
            }
            _ => {}
        }
        Ok(())
    }
}

/// A parsed feature value.
enum Parsed {
    Number(u64),
    Requirement(Requirement),
    Mask(Mask),
}

/// The unescaped value of attribute `name` (compared on the local name, so `xsi:type` and
/// `XMLSchema-instance:type` both match `type`).
fn attribute(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        if a.key.local_name().as_ref() == name {
            a.unescape_value().ok().map(|v| v.trim().to_string())
        } else {
            None
        }
    })
}

/// Whether `<val xsi:type="ArrayOf…">`.
fn attribute_type_is_array(e: &BytesStart<'_>) -> bool {
    e.attributes()
        .with_checks(false)
        .flatten()
        .any(|a| a.key.local_name().as_ref() == b"type" && a.value.starts_with(b"ArrayOf"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{MaskOp, ReqOp, ReqType};

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!(
                "../../../tests/data/real/govc/object.save-vmc-sddc/",
                $name
            ))
        };
    }

    const HOST: &str = fixture!("0082-HostSystem-host-14.xml");

    /// (file, text, VM name, number of featureRequirement, NSX Edge with pdpe1gb)
    pub(crate) const VMS: [(&str, &str, &str, usize, bool); 7] = [
        (
            "0089-VirtualMachine-vm-1003",
            fixture!("0089-VirtualMachine-vm-1003.xml"),
            "test-snap",
            43,
            false,
        ),
        (
            "0090-VirtualMachine-vm-20",
            fixture!("0090-VirtualMachine-vm-20.xml"),
            "vcenter",
            34,
            false,
        ),
        (
            "0091-VirtualMachine-vm-21",
            fixture!("0091-VirtualMachine-vm-21.xml"),
            "NSX-Manager-1",
            43,
            false,
        ),
        (
            "0092-VirtualMachine-vm-43",
            fixture!("0092-VirtualMachine-vm-43.xml"),
            "NSX-Edge-1",
            43,
            true,
        ),
        (
            "0093-VirtualMachine-vm-22",
            fixture!("0093-VirtualMachine-vm-22.xml"),
            "NSX-Manager-0",
            43,
            false,
        ),
        (
            "0094-VirtualMachine-vm-44",
            fixture!("0094-VirtualMachine-vm-44.xml"),
            "NSX-Edge-0",
            43,
            true,
        ),
        (
            "0095-VirtualMachine-vm-23",
            fixture!("0095-VirtualMachine-vm-23.xml"),
            "NSX-Manager-2",
            43,
            false,
        ),
    ];

    fn host(text: &str) -> HostInput {
        let (docs, _) = parse(text).unwrap();
        match docs.as_slice() {
            [Document::Host(h)] => h.clone(),
            other => panic!("expected one host, got {other:?}"),
        }
    }

    fn vm(text: &str) -> VmInput {
        let (docs, _) = parse(text).unwrap();
        match docs.as_slice() {
            [Document::Vm(v)] => v.clone(),
            other => panic!("expected one VM, got {other:?}"),
        }
    }

    #[test]
    fn a_nested_esxi_is_named() {
        // The real host-14 (Amazon EC2 i3.metal: bare metal) gives no such warning (`real_host`);
        // the same data on a VMware virtual platform is a nested ESXi.
        let nested = HOST
            .replace(
                "<vendor>Amazon EC2</vendor>",
                "<vendor>VMware, Inc.</vendor>",
            )
            .replace(
                "<model>Amazon EC2 i3.metal</model>",
                "<model>VMware Virtual Platform</model>",
            );
        let (_, warnings) = parse(&nested).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].message.contains("nested ESXi")
                && warnings[0]
                    .message
                    .contains("ESXi VMs are not supported in EVC clusters")
                && warnings[0].message.contains("VMware Virtual Platform"),
            "{warnings:?}"
        );
    }

    #[test]
    fn real_host() {
        let (docs, warnings) = parse(HOST).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let Document::Host(h) = &docs[0] else {
            panic!("not a host")
        };
        assert_eq!(docs.len(), 1);
        // config.network.dnsConfig.hostName wins over the vCenter name "10.2.32.4".
        assert_eq!(h.name.as_deref(), Some("esx-0"));
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
        assert_eq!(
            h.capabilities,
            h.masked_capabilities
                .iter()
                .map(|e| Entry {
                    pos: h.capabilities.iter().find(|c| c.key == e.key).unwrap().pos,
                    ..e.clone()
                })
                .collect::<Vec<_>>()
        );
        let get = |k: &str| h.capabilities.iter().find(|e| e.key == k).map(|e| e.value);
        assert_eq!(get("cpuid.mdclear"), Some(1));
        assert_eq!(get("vpmc.genwidth"), Some(48));
        assert_eq!(get("hv.capable"), Some(1));
        assert!(
            h.capabilities
                .iter()
                .any(|e| e.key.starts_with("svga16") && e.key.contains("svga."))
        );
        assert!(
            h.capabilities
                .iter()
                .all(|e| e.pos.line > 0 && e.pos.col > 0)
        );
        // First entry: `        <key>cpuid.3dnprefetch</key>` on line 43119.
        assert_eq!(h.capabilities[0].key, "cpuid.3dnprefetch");
        assert_eq!(
            h.capabilities[0].pos,
            Pos {
                line: 43119,
                col: 9
            }
        );
        assert_eq!(h.pos, Pos { line: 1, col: 1 });
        assert!(!h.fragment);
    }

    #[test]
    fn real_vms() {
        for (file, text, name, n_req, edge) in VMS {
            let (docs, warnings) = parse(text).unwrap();
            assert!(warnings.is_empty(), "{file}: {warnings:?}");
            let [Document::Vm(v)] = docs.as_slice() else {
                panic!("{file}: {docs:?}")
            };
            assert_eq!(v.name.as_deref(), Some(name), "{file}");
            assert_eq!(v.host.as_deref(), Some("host-14"), "{file}");
            assert_eq!(v.power_state.as_deref(), Some("poweredOn"), "{file}");
            assert_eq!(
                v.reported_min_evc.as_deref(),
                Some("intel-broadwell"),
                "{file}"
            );
            assert_eq!(v.requirements.len(), n_req, "{file}");
            let lm = Requirement {
                ty: ReqType::Num,
                op: ReqOp::Min,
                value: 1,
            };
            assert_eq!(v.offline_requirements[0].key, "cpuid.lm", "{file}");
            assert_eq!(v.offline_requirements[0].value, lm, "{file}");
            let pdpe = v.requirements.iter().find(|e| e.key == "cpuid.pdpe1gb");
            if edge {
                let m = Requirement {
                    ty: ReqType::Bool,
                    op: ReqOp::Match,
                    value: 1,
                };
                assert_eq!(pdpe.map(|e| e.value), Some(m), "{file}");
                assert_eq!(v.offline_requirements.len(), 2, "{file}");
                assert_eq!(v.offline_requirements[1].value.to_string(), "Num:Match:1");
                assert_eq!(v.masks.len(), 1, "{file}");
                assert_eq!(v.masks[0].key, "cpuid.PDPE1GB");
                assert_eq!(
                    v.masks[0].value,
                    Mask {
                        op: MaskOp::Val,
                        value: 1
                    }
                );
            } else {
                assert!(v.masks.is_empty(), "{file}");
                assert_eq!(v.offline_requirements.len(), 1, "{file}");
                for e in &v.requirements {
                    assert_eq!(e.value, Requirement::BOOL_MIN_1, "{file} {}", e.key);
                }
            }
            // Requirements come from `runtime`, not again from `summary.runtime`.
            assert!(
                v.requirements.iter().any(|e| e.key == "cpuid.mdclear"),
                "{file}"
            );
        }
    }

    const DOTTED: &str = r#"<?xml version="1.0"?>
<ObjectContent>
  <obj type="HostSystem">host-1</obj>
  <propSet>
    <name>config.featureCapability</name>
    <val xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="ArrayOfHostFeatureCapability">
      <HostFeatureCapability>
        <key>cpuid.SSE3</key>
        <featureName>cpuid.SSE3</featureName>
        <value>1</value>
      </HostFeatureCapability>
      <HostFeatureCapability><key>cpuid.FAMILY</key><featureName>cpuid.FAMILY</featureName><value>0x19</value></HostFeatureCapability>
    </val>
  </propSet>
  <propSet><name>summary.maxEVCModeKey</name><val xsi:type="xsd:string">amd-zen3</val></propSet>
  <propSet><name>summary.currentEVCModeKey</name><val xsi:type="xsd:string"></val></propSet>
  <propSet><name>summary.hardware</name><val xsi:type="HostHardwareSummary"><vendor>x</vendor><cpuModel>AMD EPYC &amp; friends</cpuModel></val></propSet>
  <propSet><name>name</name><val xsi:type="xsd:string">esx1.example.com</val></propSet>
</ObjectContent>
<ObjectContent>
  <obj type="Datastore">datastore-9</obj>
  <propSet><name>name</name><val>ds</val></propSet>
</ObjectContent>
<ObjectContent>
  <obj type="VirtualMachine">vm-7</obj>
  <propSet><name>runtime.featureRequirement</name><val xsi:type="ArrayOfVirtualMachineFeatureRequirement">
    <VirtualMachineFeatureRequirement><key>cpuid.SSE3</key><featureName>cpuid.SSE3</featureName><value>Bool:Min:1</value></VirtualMachineFeatureRequirement>
  </val></propSet>
  <propSet><name>runtime.featureMask</name><val xsi:type="ArrayOfHostFeatureMask"/></propSet>
  <propSet><name>runtime.host</name><val type="HostSystem" xsi:type="ManagedObjectReference">host-1</val></propSet>
  <propSet><name>summary.runtime.powerState</name><val>poweredOff</val></propSet>
  <propSet><name>config.name</name><val>web-01</val></propSet>
</ObjectContent>
"#;

    #[test]
    fn dotted_properties_and_several_objects() {
        let (docs, warnings) = parse(DOTTED).unwrap();
        assert_eq!(docs.len(), 2, "{docs:?}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].message.contains("Datastore datastore-9"),
            "{warnings:?}"
        );
        assert_eq!(warnings[0].pos, Pos { line: 20, col: 1 });
        let Document::Host(h) = &docs[0] else {
            panic!()
        };
        assert_eq!(h.name.as_deref(), Some("esx1.example.com"));
        assert_eq!(h.cpu_model.as_deref(), Some("AMD EPYC & friends"));
        assert_eq!(h.reported_max_evc.as_deref(), Some("amd-zen3"));
        assert_eq!(h.reported_current_evc, None);
        assert_eq!(h.capabilities.len(), 2);
        assert_eq!(h.capabilities[0].key, "cpuid.SSE3");
        assert_eq!(h.capabilities[0].pos, Pos { line: 8, col: 9 });
        assert_eq!(h.capabilities[1].value, 0x19);
        assert_eq!(h.capabilities[1].pos, Pos { line: 12, col: 30 });
        assert_eq!(h.pos, Pos { line: 2, col: 1 });
        let Document::Vm(v) = &docs[1] else { panic!() };
        assert_eq!(v.name.as_deref(), Some("web-01"));
        assert_eq!(v.host.as_deref(), Some("host-1"));
        assert_eq!(v.power_state.as_deref(), Some("poweredOff"));
        assert_eq!(v.requirements.len(), 1);
        assert!(v.masks.is_empty());
    }

    #[test]
    fn vm_from_summary_runtime_only() {
        let text = r#"<ObjectContent><obj type="VirtualMachine">vm-1</obj>
<propSet><name>summary</name><val><runtime><host type="HostSystem">host-2</host>
<featureRequirement><key>cpuid.AES</key><featureName>cpuid.AES</featureName><value>Bool:Min:1</value></featureRequirement>
<minRequiredEVCModeKey>intel-westmere</minRequiredEVCModeKey></runtime>
<config><name>db</name></config></val></propSet></ObjectContent>"#;
        let v = vm(text);
        assert_eq!(v.name.as_deref(), Some("db"));
        assert_eq!(v.host.as_deref(), Some("host-2"));
        assert_eq!(v.requirements.len(), 1);
        assert_eq!(v.requirements[0].pos, Pos { line: 3, col: 21 });
        assert_eq!(v.reported_min_evc.as_deref(), Some("intel-westmere"));
    }

    #[test]
    fn soap_response_wrapping() {
        let text = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects>
<obj type="HostSystem">host-3</obj>
<propSet><name>config.featureCapability</name><val xsi:type="ArrayOfHostFeatureCapability">
<HostFeatureCapability><key>cpuid.mdclear</key><featureName>cpuid.mdclear</featureName><value>0</value></HostFeatureCapability>
</val></propSet></objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>"#;
        let h = host(text);
        assert_eq!(h.capabilities[0].key, "cpuid.mdclear");
        assert_eq!(h.capabilities[0].value, 0);
        assert_eq!(h.pos, Pos { line: 2, col: 60 });
    }

    #[test]
    fn host_without_capabilities_warns() {
        let text = r#"<ObjectContent><obj type="HostSystem">host-9</obj><propSet><name>name</name><val>h9</val></propSet></ObjectContent>"#;
        let (docs, warnings) = parse(text).unwrap();
        assert_eq!(docs.len(), 1);
        assert!(
            warnings[0].message.contains("no config.featureCapability"),
            "{warnings:?}"
        );
    }

    #[test]
    fn bad_value_names_the_key() {
        let text = "<ObjectContent><obj type=\"HostSystem\">host-9</obj>\n<propSet><name>config</name><val>\n<featureCapability><key>cpuid.AES</key><value>yes</value></featureCapability>\n</val></propSet></ObjectContent>";
        let err = parse(text).unwrap_err();
        assert!(err.message.contains("cpuid.AES"), "{err}");
        assert!(err.message.contains("yes"), "{err}");
        assert_eq!(err.pos, Pos { line: 3, col: 40 });
        let text = text.replace("<value>yes</value>", "");
        let err = parse(&text).unwrap_err();
        assert!(
            err.message.contains("expected a `<value>` for `cpuid.AES`"),
            "{err}"
        );
        let req = "<ObjectContent><obj type=\"VirtualMachine\">vm-1</obj><propSet><name>runtime</name><val>\
                   <featureRequirement><key>cpuid.X</key><value>Val:1</value></featureRequirement></val></propSet></ObjectContent>";
        let err = parse(req).unwrap_err();
        assert!(
            err.message
                .contains("`cpuid.X` in runtime.featureRequirement"),
            "{err}"
        );
    }

    #[test]
    fn malformed_xml() {
        let err = parse("<ObjectContent>\n  <obj type=\"HostSystem\">h</obj>\n  <propSet><name>x</val></propSet>\n</ObjectContent>").unwrap_err();
        assert_eq!(err.pos.line, 3, "{err}");
        assert!(err.message.contains("expected `</name>`"), "{err}");
        let err = parse("<a><b></b></a>").unwrap_err();
        assert!(
            err.message.contains("expected govc object.save XML"),
            "{err}"
        );
        assert_eq!(err.pos, Pos { line: 1, col: 1 });
        let err = parse("<ObjectContent><obj type=\"HostSystem\">h</obj><propSet><name>config</name><val><product><fullName>a &bogus; b</fullName></product></val></propSet></ObjectContent>").unwrap_err();
        assert!(err.message.contains("&bogus;"), "{err}");
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let vm_text = VMS[3].1;
        let texts: [&str; 2] = [HOST, vm_text];
        for text in texts {
            // Cut points: inside the first tag, inside a value, inside a skipped subtree, inside a
            // feature record, just before the last closing tag, …
            let mut cuts: Vec<usize> = vec![
                1,
                5,
                20,
                100,
                1000,
                text.len() / 3,
                text.len() / 2,
                text.len() - 20,
                text.len() - 2,
            ];
            if let Some(i) = text
                .find("<featureRequirement>")
                .or(text.find("<featureCapability>"))
            {
                cuts.extend([i + 3, i + 40, i + 60, i + 90]);
            }
            for cut in cuts {
                let Some(prefix) = text.get(..cut) else {
                    continue;
                };
                let err = parse(prefix).expect_err("truncated input must fail");
                assert!(err.pos.line >= 1, "{err}");
            }
        }
        let err = parse(&HOST[..HOST.len() / 2]).unwrap_err();
        assert!(err.message.contains("truncated"), "{err}");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "",
            "<",
            "<<",
            "<obj/>",
            "<ObjectContent><val/></ObjectContent>",
            "<x><obj/><obj/></x>",
            "<ObjectContent><propSet><val>1</val></propSet></ObjectContent>",
            "<ObjectContent><obj type='VirtualMachine'>v</obj><propSet><name>runtime.featureRequirement</name><val><key>a</key><value>Bool:Min:1</value></val></propSet></ObjectContent>",
            "<ObjectContent><obj type='VirtualMachine'>v</obj><propSet><name>runtime</name><val><featureRequirement><featureRequirement/></featureRequirement></val></propSet></ObjectContent>",
            "text",
            "</a>",
            "<a></a>trailing",
            "<?xml version='1.0'?>",
        ] {
            let _ = parse(text);
        }
        // A <val> holding one record without ArrayOf type.
        let (docs, _) = parse("<ObjectContent><obj type='VirtualMachine'>v</obj><propSet><name>runtime.featureRequirement</name><val><key>a</key><value>Bool:Min:1</value></val></propSet></ObjectContent>").unwrap();
        let [Document::Vm(v)] = docs.as_slice() else {
            panic!()
        };
        assert_eq!(v.requirements.len(), 1);
    }
}
