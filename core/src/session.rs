//! Front-end entry point: load several input texts (files, pastes) into hosts and VMs, with
//! every error and warning attributed to its source. Used by the CLI and the web page alike.

use crate::check::{EvcSetting, max_common_mode};
use crate::evc::{EvcMode, ModeCatalogue, builtin_modes};
use crate::input::{Document, Format};
use crate::model::{Host, Key, Vm};
use crate::value::Mask;
use serde::Serialize;

/// Inputs larger than this are refused with a clear error instead of exhausting memory.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// One input text and the name to report it under (file name, "paste 1", …).
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The name to report the input under.
    pub name: &'a str,
    /// The input's text.
    pub text: &'a str,
}

/// What one input contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct InputSummary {
    /// The input's name (file name, "paste 1", …).
    pub source: String,
    /// The format detected; `None` when the input could not be read or was skipped as a
    /// duplicate.
    pub format: Option<Format>,
    /// The hosts it contributed, by their (unique) names.
    pub hosts: Vec<String>,
    /// The VMs it contributed, by name.
    pub vms: Vec<String>,
    /// Remarks about it (parser warnings with their line, a dump loaded twice, a host name
    /// already taken). Each serialises as one string, `line N: …` where it has a line.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Vec<String>"),
        ts(type = "Array<string>")
    )]
    pub warnings: Vec<InputWarning>,
}

/// A remark about one input: the line it applies to (when the parser gave one) and the text.
/// Front ends group and place remarks by these parts, never by reading the text back; it
/// serialises as one string (`line N: text`), as the contract has always had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputWarning {
    /// The 1-based line the remark applies to, if it applies to one.
    pub line: Option<u32>,
    /// The remark itself.
    pub text: String,
}

impl From<String> for InputWarning {
    fn from(text: String) -> InputWarning {
        InputWarning { line: None, text }
    }
}

impl std::fmt::Display for InputWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

impl Serialize for InputWarning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An input that could not be read: which one, where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct InputError {
    /// The input's name.
    pub source: String,
    /// 1-based line of the problem (1 for problems with the input as a whole).
    pub line: u32,
    /// 1-based column of the problem.
    pub col: u32,
    /// What is wrong (for a parse error, what was expected).
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.source, self.line, self.col, self.message
        )
    }
}

/// Everything loaded from a set of inputs.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The hosts loaded, in input order (names made unique).
    pub hosts: Vec<Host>,
    /// What the parser read for each host, parallel to `hosts` as `load` returns them (raw and
    /// masked `featureCapability` as listed, fragment flags): the evidence behind each `Host`.
    pub host_inputs: Vec<crate::input::HostInput>,
    /// The VMs loaded, in input order.
    pub vms: Vec<Vm>,
    /// `featMask.evc.*` sets that could not be attached to a host by name.
    pub loose_evc_masks: Vec<(String, Vec<(Key, Mask)>)>,
    /// The cluster's `evcState` export, when one is among the inputs: the patch-era features its
    /// baseline exposes, and where that came from.
    pub evc_state: Option<(crate::catalogue::FeatureSet, String)>,
    /// The EVC mode catalogue: built-in, or the SupportedEVCMode export found among the inputs.
    pub modes: ModeCatalogue,
    /// Mode-level inputs (RVTools tabs) and vCenter error texts, with their source: answered by
    /// `app::inventory` and `app::vmotion_error`.
    pub mode_level: ModeLevelInputs,
    /// What each input contributed, in input order.
    pub inputs: Vec<InputSummary>,
    /// The inputs that could not be read.
    pub errors: Vec<InputError>,
    /// A collector bundle's inventory (clusters, membership, what was not collected), when one
    /// is among the inputs; `crate::app::fleet::select` narrows the workspace to one cluster.
    pub fleet: Option<Fleet>,
}

/// [`crate::names::find_by_name`] over loaded hosts (their names, their inputs' stems).
pub fn find_host(spec: &str, hosts: &[crate::model::Host]) -> Result<usize, Option<Vec<String>>> {
    let names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
    crate::names::find_by_name(spec, &names, |i| stem(&hosts[i].source))
}

/// The stem of a file name: `dir/esxi01.txt` → `esxi01`; also drops the inner kind suffixes
/// of our fixture names: `vm-app01.runtime.txt` → `vm-app01`, `vm-20.evc.json` → `vm-20`.
pub fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut stem = match base.rfind('.') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    };
    for inner in [".runtime", ".evc", ".vmx", ".hostconfig"] {
        if stem.len() > inner.len() && stem.to_ascii_lowercase().ends_with(inner) {
            stem = &stem[..stem.len() - inner.len()];
        }
    }
    stem
}

/// Loads every source. Never fails as a whole: bad inputs become [`InputError`]s.
pub fn load(sources: &[Source<'_>]) -> Workspace {
    let mut ws = Workspace {
        hosts: Vec::new(),
        host_inputs: Vec::new(),
        vms: Vec::new(),
        loose_evc_masks: Vec::new(),
        evc_state: None,
        modes: builtin_modes().clone(),
        mode_level: Default::default(),
        inputs: Vec::new(),
        errors: Vec::new(),
        fleet: None,
    };
    // (input, its featMask.evc lines, its featureCompat.evc.completeMasks value)
    type PendingMasks = Vec<(String, Vec<(Key, Mask)>, Option<bool>)>;
    let mut pending_masks: PendingMasks = Vec::new();
    let mut taken = TakenNames::default();
    // Host names as the inputs gave them, before de-duplication (parallel to `ws.hosts`).
    let mut original_names: Vec<String> = Vec::new();
    let mut unnamed = 0usize;
    // Whole dumps by their text (trimmed): the same dump loaded twice is one host, not two (issue
    // 20, item 12). Two hosts with byte-identical dumps (raw CPUID of identical CPUs) get the same
    // answers anyway; the warning says how to keep them apart.
    let mut seen_texts: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for source in sources {
        let mut summary = InputSummary {
            source: source.name.to_string(),
            format: None,
            hosts: Vec::new(),
            vms: Vec::new(),
            warnings: Vec::new(),
        };
        if source.text.len() > MAX_INPUT_BYTES {
            ws.errors.push(InputError {
                source: source.name.to_string(),
                line: 1,
                col: 1,
                message: format!(
                    "input is {} MB; evcalc reads at most {} MB per input (split the file, or paste only the hosts you need)",
                    source.text.len() / (1024 * 1024),
                    MAX_INPUT_BYTES / (1024 * 1024)
                ),
            });
            ws.inputs.push(summary);
            continue;
        }
        if source.text.trim().is_empty() {
            ws.errors.push(InputError {
                source: source.name.to_string(),
                line: 1,
                col: 1,
                message: "empty input".to_string(),
            });
            ws.inputs.push(summary);
            continue;
        }
        let parsed = match crate::parse::parse(source.text) {
            Ok(p) => p,
            Err(e) => {
                ws.errors.push(InputError {
                    source: source.name.to_string(),
                    line: e.pos.line,
                    col: e.pos.col,
                    message: e.message,
                });
                ws.inputs.push(summary);
                continue;
            }
        };
        // Merged only for raw CPUID dumps and /proc/cpuinfo, whose text names no host (the file
        // name does, so a copy would silently be a second host). Two files of identical `grep`
        // output are two hosts whose output happens to agree; a hostconfig or govc dump names
        // its host, so a second copy gets the duplicate-name warning of `TakenNames::unique`
        // (and `cli/tests/cli/inputs.rs` builds a 64-host fleet from copies of one hostconfig).
        let whole = matches!(parsed.format, Format::CpuidDump | Format::ProcCpuinfo)
            && parsed
                .documents
                .iter()
                .any(|d| matches!(d, Document::Host(_)));
        if whole {
            if let Some(first) = seen_texts.get(source.text.trim()) {
                summary.warnings.push(InputWarning::from(format!(
                    "identical to {first}: the same dump loaded twice is read once (merged, not a second host); if \
                     these are two hosts, name them apart (for a raw dump, a `== host` header line above it)"
                )));
                ws.inputs.push(summary);
                continue;
            }
            seen_texts.insert(source.text.trim(), source.name);
        }
        summary.format = Some(parsed.format);
        summary
            .warnings
            .extend(parsed.warnings.iter().map(|w| InputWarning {
                line: Some(w.pos.line),
                text: w.message.clone(),
            }));
        let host_docs = parsed
            .documents
            .iter()
            .filter(|d| matches!(d, Document::Host(_)))
            .count();
        let vm_docs = parsed
            .documents
            .iter()
            .filter(|d| matches!(d, Document::Vm(_)))
            .count();
        let mut vm_n = 0;
        for doc in &parsed.documents {
            match doc {
                Document::Host(h) => {
                    // Several unnamed hosts in one input (a transcript without host names,
                    // concatenated dumps): "host 1…n" in the order of the whole workspace.
                    let fallback = if host_docs > 1 {
                        unnamed += 1;
                        format!("host {unnamed}")
                    } else {
                        stem(source.name).to_string()
                    };
                    // Missing is unknown: a host without any featureCapability entry (a paste
                    // cut before it, `hostsvc/hostsummary` alone, govc without it) can block
                    // nothing and prove nothing — never "lacks cpuid.Intel, SSE3, LM, …".
                    let mut h = std::borrow::Cow::Borrowed(h);
                    if h.capabilities.is_empty() && !h.fragment {
                        h.to_mut().fragment = true;
                        if parsed.format == Format::VmodlText {
                            summary.warnings.push(InputWarning {
                                line: Some(h.pos.line),
                                text: format!(
                                    "{} has no featureCapability (was the paste cut short, or is it \
                                     `hostsvc/hostsummary` only?): its features are unknown; paste the \
                                     whole `vim-cmd hostsvc/hostconfig` output",
                                    h.name.as_deref().unwrap_or("the host")
                                ),
                            });
                        }
                    }
                    let h = h.as_ref();
                    let mut host = Host::from_input(h, &fallback, source.name);
                    if matches!(parsed.format, Format::CpuidDump | Format::ProcCpuinfo) {
                        // The approximation warning belongs to the host, not only to the input
                        // (once: a transcript of several dumps repeats it per dump).
                        for w in &parsed.warnings {
                            if !host.warnings.contains(&w.message) {
                                host.warnings.push(w.message.clone());
                            }
                        }
                    }
                    original_names.push(host.name.clone());
                    host.name = taken.unique(&host.name, source.name, &mut summary.warnings);
                    summary.hosts.push(host.name.clone());
                    ws.hosts.push(host);
                    ws.host_inputs.push(h.clone());
                }
                Document::Vm(v) => {
                    vm_n += 1;
                    let fallback = if vm_docs > 1 {
                        format!("{} #{vm_n}", stem(source.name))
                    } else {
                        stem(source.name).to_string()
                    };
                    let vm = Vm::from_input(v, &fallback, source.name);
                    summary.vms.push(vm.name.clone());
                    ws.vms.push(vm);
                }
                Document::Masks(m) => {
                    if !m.vm_masks.is_empty() {
                        let name = m
                            .name
                            .clone()
                            .unwrap_or_else(|| stem(source.name).to_string());
                        let masks: Vec<(Key, crate::value::Mask)> = m
                            .vm_masks
                            .iter()
                            .map(|e| (Key::resolve(&e.key), e.value))
                            .collect();
                        let vm = Vm {
                            name: name.clone(),
                            source: source.name.to_string(),
                            mask_required: crate::model::mask_required(&masks),
                            masks,
                            vhw: m.vhw,
                            vhw_from: if m.vhw.is_some() { crate::model::Provenance::Read } else { crate::model::Provenance::Assumed },
                            guest_id: m.guest_id.clone(),
                            from_input: true,
                            warnings: vec![
                                "per-VM EVC masks only (a .vmx): no runtime requirements; the VM requires every feature its masks set to Val:1".to_string(),
                            ],
                            ..Vm::default()
                        };
                        summary.vms.push(name);
                        ws.vms.push(vm);
                    }
                    if !m.evc_masks.is_empty() {
                        pending_masks.push((
                            source.name.to_string(),
                            m.evc_masks
                                .iter()
                                .map(|e| (Key::resolve(&e.key), e.value))
                                .collect(),
                            m.evc_complete,
                        ));
                    }
                }
                Document::EvcState(state) => {
                    let cat = crate::catalogue::catalogue();
                    let set: crate::catalogue::FeatureSet = state
                        .exposed
                        .iter()
                        .filter_map(|k| cat.lookup(k))
                        .filter(|id| crate::exposure::patch_era().contains(*id))
                        .collect();
                    let what = format!(
                        "{}, {} of {}",
                        source.name,
                        state.from,
                        state.mode.as_deref().unwrap_or("the cluster")
                    );
                    summary.warnings.push(InputWarning::from(format!(
                        "the cluster's evcState ({what}): its baseline exposes {}; used for hosts without evidence of their own",
                        if set.is_empty() {
                            "no patch-era feature".to_string()
                        } else {
                            set.iter().map(|id| cat.def(id).key.clone()).collect::<Vec<_>>().join(", ")
                        }
                    )));
                    ws.evc_state = Some((set, what));
                }
                Document::Fleet(f) => loaded_fleet(&mut ws, f, source.name, &mut summary),
                Document::Inventory(_) | Document::VmotionError(_) => {
                    take_mode_level(&mut ws.mode_level, source.name, doc, &mut summary);
                }
                Document::EvcModes(list) => match ModeCatalogue::from_export(list, source.name) {
                    Ok(modes) => ws.modes = modes,
                    Err(e) => ws.errors.push(InputError {
                        source: source.name.to_string(),
                        line: 1,
                        col: 1,
                        message: e.to_string(),
                    }),
                },
            }
        }
        ws.inputs.push(summary);
    }
    fold_fragments(&mut ws, &original_names, &taken.renamed);
    // `vim-cmd vmsvc/get.runtime` names the host `ha-host`: take the host from the file name
    // (`vm-app01-on-esxi01.runtime.txt`) when exactly one loaded host name appears in it.
    // (Host names and the answer per file are computed once: scans of every host per VM made
    // N VMs × N hosts in one input quadratic — hardening probes: 20,000 of each took 5.7 s.)
    let host_names: std::collections::HashSet<String> = ws
        .hosts
        .iter()
        .map(|h| h.name.to_ascii_lowercase())
        .collect();
    // govc data names a VM's host by its managed-object id (`runtime.host` = `host-14`).
    let host_by_moref: std::collections::HashMap<&str, &str> = ws
        .hosts
        .iter()
        .filter_map(|h| Some((h.moref.as_deref()?, h.name.as_str())))
        .collect();
    for vm in &mut ws.vms {
        if let Some(name) = vm.host.as_deref().and_then(|m| host_by_moref.get(m))
            && !host_names.contains(&vm.host.as_deref().unwrap_or_default().to_ascii_lowercase())
        {
            vm.host = Some(name.to_string());
        }
    }
    let mut host_of_file: std::collections::HashMap<String, Option<String>> =
        std::collections::HashMap::new();
    for vm in &mut ws.vms {
        let local = vm
            .host
            .as_deref()
            .is_none_or(|h| h.is_empty() || h.eq_ignore_ascii_case("ha-host"));
        let known = vm
            .host
            .as_deref()
            .is_some_and(|h| host_names.contains(&h.to_ascii_lowercase()));
        if local && !known {
            let file = stem(&vm.source).to_ascii_lowercase();
            let host = host_of_file.entry(file).or_insert_with_key(|file| {
                let matches: Vec<&Host> = ws
                    .hosts
                    .iter()
                    .filter(|h| file.contains(&h.name.to_ascii_lowercase()))
                    .collect();
                match matches.as_slice() {
                    [one] => Some(one.name.clone()),
                    _ => None,
                }
            });
            if let Some(host) = host {
                vm.host = Some(host.clone());
            }
        }
    }
    // Attach `/etc/vmware/config` masks to the host whose name starts their file name.
    for (source, masks, complete) in pending_masks {
        let file = stem(&source).to_ascii_lowercase();
        let mut candidates: Vec<&mut Host> = ws
            .hosts
            .iter_mut()
            .filter(|h| file.starts_with(&h.name.to_ascii_lowercase()))
            .collect();
        if candidates.len() == 1 {
            candidates[0].evc_masks.extend(masks);
            // A complete set from any input settles it; else the first statement read.
            let h = &mut candidates[0];
            h.evc_masks_complete = match (h.evc_masks_complete, complete) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), _) | (_, Some(false)) => Some(false),
                _ => None,
            };
        } else {
            ws.loose_evc_masks.push((source, masks));
        }
    }
    ws
}

/// Host names given so far (lower-cased) and, per name, the next ` (n)` suffix to try. Linear
/// scans over the loaded hosts made N hosts of the same name cost O(N³) (hardening probes:
/// 2,000 took 4.4 s; a 64 MB input would never finish). Names are only ever added, so the
/// suffixes below `next` stay taken and the answer is the same: the smallest free `name (n)`.
#[derive(Default)]
struct TakenNames {
    names: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, u64>,
    /// Every renaming, typed: (input, the name given, the warning's index in that input's
    /// warnings). `fold_fragments` withdraws a warning by this record, never by its text.
    renamed: Vec<(String, String, usize)>,
}

impl TakenNames {
    fn unique(&mut self, name: &str, source: &str, warnings: &mut Vec<InputWarning>) -> String {
        let lower = name.to_ascii_lowercase();
        if self.names.insert(lower.clone()) {
            return name.to_string();
        }
        let n = self.next.entry(lower).or_insert(2);
        loop {
            let candidate = format!("{name} ({n})");
            *n += 1;
            if self.names.insert(candidate.to_ascii_lowercase()) {
                warnings.push(InputWarning::from(format!(
                    "a host named {name} was already loaded; this one is called {candidate}"
                )));
                self.renamed
                    .push((source.to_string(), candidate.clone(), warnings.len() - 1));
                return candidate;
            }
        }
    }
}

/// A fragment (e.g. `grep -A 2 MDCLEAR` output) of a host whose full dump is also loaded is
/// not a second host: it is checked against the full dump (a disagreement is a warning — the
/// two were taken at different times, e.g. before and after a power cycle) and dropped.
fn fold_fragments(
    ws: &mut Workspace,
    original_names: &[String],
    renamed: &[(String, String, usize)],
) {
    // Renaming warnings to withdraw: (input, warning index), applied at the end (only appends
    // happen before, so the indices stay valid).
    let mut withdraw: Vec<(String, usize)> = Vec::new();
    let by_name: std::collections::HashMap<(&str, &str), usize> = renamed
        .iter()
        .map(|(s, n, i)| ((s.as_str(), n.as_str()), *i))
        .collect();
    let rename_warning = |source: &str, name: &str| {
        by_name
            .get(&(source, name))
            .map(|&i| (source.to_string(), i))
    };
    // The first full dump per lower-cased name, and the dropped fragments per input: a scan of
    // every host (and of the input's host list) per fragment made big `grep` pastes quadratic
    // (hardening probes: 20,000 fragments took 0.3 s, with 20,000 full dumps 1.6 s).
    let mut full_index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    // Keyed by the name the input gave: when a fragment was loaded first, the full dump of the
    // same host was renamed `esxi02 (2)` and gets its name back below.
    for (i, h) in ws.hosts.iter().enumerate() {
        if !h.is_fragment() {
            let original = original_names.get(i).unwrap_or(&h.name);
            full_index.entry(original.to_ascii_lowercase()).or_insert(i);
        }
    }
    let full_by_name = |name: &str| full_index.get(&name.to_ascii_lowercase()).copied();
    let mut dropped: std::collections::HashMap<String, std::collections::HashSet<String>> =
        std::collections::HashMap::new();
    let mut drop = vec![false; ws.hosts.len()];
    // Per input, in order: (name the fragment gave, name it was loaded under).
    let mut folded: std::collections::HashMap<String, Vec<(String, String)>> =
        std::collections::HashMap::new();
    #[allow(clippy::needless_range_loop)] // `index` addresses three parallel vectors
    for index in 0..ws.hosts.len() {
        if !ws.hosts[index].is_fragment() {
            continue;
        }
        let original = original_names
            .get(index)
            .cloned()
            .unwrap_or_else(|| ws.hosts[index].name.clone());
        let Some(full) = full_by_name(&original) else {
            continue;
        };
        let fragment = ws.hosts[index].clone();
        let known = fragment.known_only.clone().unwrap_or_default();
        let mut notes = Vec::new();
        // Two inputs that disagree about a feature of one host (issue 20 item 11: a new `grep`
        // after a fix, MDCLEAR 1, beside an old full dump, 0): neither input carries a boot
        // time or build that proves it newer, so the feature is unknown on that host — never a
        // silent choice that a confident verdict then rests on.
        let mut conflicting = crate::catalogue::FeatureSet::default();
        for id in known.features.iter() {
            let key = Key::Known(id);
            let (a, b) = (fragment.caps.value(&key), ws.hosts[full].caps.value(&key));
            let masked = match (&fragment.masked, &ws.hosts[full].masked) {
                (Some(f), Some(h))
                    if fragment
                        .masked_known_only
                        .as_ref()
                        .is_none_or(|k| k.knows(&key)) =>
                {
                    Some((f.value(&key), h.value(&key)))
                }
                _ => None,
            };
            if a != b || masked.is_some_and(|(x, y)| x != y) {
                conflicting.insert(id);
                let shown = |raw: u64, m: Option<u64>| match m {
                    Some(m) if m != raw => format!("{raw} (masked {m})"),
                    _ => raw.to_string(),
                };
                notes.push(format!(
                    "{} says {} = {}, the full dump ({}) says {}: the inputs disagree and neither shows it is newer, \
                     so {} is unknown on this host — load one capture of the host, or the newer one alone",
                    fragment.source,
                    key.name(),
                    shown(a, masked.map(|m| m.0)),
                    ws.hosts[full].source,
                    shown(b, masked.map(|m| m.1)),
                    key.name()
                ));
            }
        }
        if !conflicting.is_empty() {
            let host = &mut ws.hosts[full];
            host.caps.present = host.caps.present.difference(conflicting);
            for id in conflicting.iter() {
                host.caps.numbers.remove(&id);
            }
            if let Some(m) = host.masked.as_mut() {
                m.present = m.present.difference(conflicting);
                for id in conflicting.iter() {
                    m.numbers.remove(&id);
                }
            }
            host.unrecorded = host.unrecorded.union(conflicting);
        }
        ws.hosts[full].warnings.extend(notes);
        if ws.hosts[full].name != original && ws.hosts[index].name.eq_ignore_ascii_case(&original) {
            // The fragment held the name; the full dump takes it back.
            let renamed = std::mem::replace(&mut ws.hosts[full].name, original.clone());
            let full_source = ws.hosts[full].source.clone();
            if let Some(summary) = ws.inputs.iter_mut().find(|i| i.source == full_source) {
                for h in &mut summary.hosts {
                    if *h == renamed {
                        h.clone_from(&original);
                    }
                }
                withdraw.extend(rename_warning(&full_source, &renamed));
            }
        }
        if dropped
            .entry(fragment.source.clone())
            .or_default()
            .insert(fragment.name.clone())
        {
            folded
                .entry(fragment.source.clone())
                .or_default()
                .push((original.clone(), fragment.name.clone()));
        }
        drop[index] = true;
    }
    for (source, names) in &dropped {
        if let Some(summary) = ws.inputs.iter_mut().find(|i| i.source == *source) {
            summary.hosts.retain(|h| !names.contains(h));
            let list = folded.remove(source).unwrap_or_default();
            // The fragment is no host of its own: its renaming (`esxi01 (2)`) is no news.
            withdraw.extend(
                list.iter()
                    .filter_map(|(_, loaded)| rename_warning(source, loaded)),
            );
            let originals: Vec<&str> = list.iter().map(|(o, _)| o.as_str()).collect();
            summary.warnings.push(InputWarning::from(match originals.as_slice() {
                [one] => format!(
                    "the fragment of {one} was checked against the full dump of {one} and not counted as another host"
                ),
                many => format!(
                    "the fragments of {} were checked against their full dumps and not counted as other hosts",
                    many.join(", ")
                ),
            }));
        }
    }
    // Withdraw the renaming warnings, highest index first per input.
    withdraw.sort_unstable_by(|a, b| b.cmp(a));
    withdraw.dedup();
    for (source, i) in withdraw {
        if let Some(summary) = ws.inputs.iter_mut().find(|s| s.source == source)
            && i < summary.warnings.len()
        {
            summary.warnings.remove(i);
        }
    }
    let mut index = 0;
    ws.hosts.retain(|_| {
        index += 1;
        !drop[index - 1]
    });
    let mut index = 0;
    ws.host_inputs.retain(|_| {
        index += 1;
        !drop.get(index - 1).copied().unwrap_or(false)
    });
}

/// How the cluster EVC setting was chosen.
#[derive(Debug, Clone, Copy)]
pub struct ChosenEvc<'a> {
    /// The EVC setting: a mode, or disabled.
    pub setting: EvcSetting<'a>,
    /// Why: "given", "reported by the hosts", "highest common mode", "no common mode".
    pub why: &'static str,
    /// Neither given nor in the data: the highest common mode (or EVC disabled) is an
    /// assumption, and no answer under it is proven (issue 20: an assumed mode was stated as
    /// fact). Answers under an assumed setting are at best `unknown`.
    pub assumed: bool,
}

/// Resolves `--evc`: a mode key, `none`/`disabled`, or (when absent) the mode the hosts report
/// as current, else the highest mode every host supports.
pub fn choose_evc<'m>(
    arg: Option<&str>,
    hosts: &[Host],
    modes: &'m ModeCatalogue,
) -> Result<ChosenEvc<'m>, crate::modename::ModeNameError> {
    match arg.map(str::trim) {
        Some(a)
            if a.eq_ignore_ascii_case("none")
                || a.eq_ignore_ascii_case("disabled")
                || a.eq_ignore_ascii_case("off") =>
        {
            Ok(ChosenEvc {
                setting: EvcSetting::Disabled,
                why: "given",
                assumed: false,
            })
        }
        // Key, short name (`haswell`) or vSphere label, with "did you mean" (`modename.rs`).
        Some(a) => choose_mode(a, modes).map(|m| ChosenEvc {
            setting: EvcSetting::Mode(m),
            why: "given",
            assumed: false,
        }),
        None => {
            // The cluster's EVC state from the hosts' own data (issue 20 item 1): every host
            // that shows a state must agree, and none may contradict it.
            use crate::model::EvcStateShown;
            let mut shown_modes: Vec<&str> = Vec::new();
            let (mut not_active, mut masks, mut unknown) = (0usize, 0usize, 0usize);
            for h in hosts {
                match &h.evc_state {
                    EvcStateShown::Mode(m) => {
                        if !shown_modes.contains(&m.as_str()) {
                            shown_modes.push(m);
                        }
                    }
                    EvcStateShown::NotActive => not_active += 1,
                    EvcStateShown::MasksActive => masks += 1,
                    EvcStateShown::Unknown => unknown += 1,
                }
            }
            if let ([mode], 0) = (shown_modes.as_slice(), not_active)
                && let Some(m) = modes.get(mode)
            {
                let all = unknown == 0 && masks == 0;
                return Ok(ChosenEvc {
                    setting: EvcSetting::Mode(m),
                    why: if all {
                        "reported by the hosts"
                    } else {
                        "reported by some hosts' data (currentEVCModeKey); the others do not show it"
                    },
                    assumed: !all,
                });
            }
            if shown_modes.is_empty() && masks == 0 && not_active > 0 {
                return Ok(ChosenEvc {
                    setting: EvcSetting::Disabled,
                    why: if unknown == 0 {
                        "not active: vCenter data of every host has currentEVCModeKey unset"
                    } else {
                        "not active on the hosts whose vCenter data shows it (currentEVCModeKey unset); the others do not show it"
                    },
                    assumed: unknown > 0,
                });
            }
            let disagree = shown_modes.len() > 1
                || (!shown_modes.is_empty() && not_active > 0)
                || (not_active > 0 && masks > 0);
            Ok(match max_common_mode(hosts, modes) {
                Some(m) => ChosenEvc {
                    setting: EvcSetting::Mode(m),
                    why: if disagree {
                        "highest common mode; the hosts' data disagree about the EVC state"
                    } else {
                        "highest common mode"
                    },
                    assumed: true,
                },
                None => ChosenEvc {
                    setting: EvcSetting::Disabled,
                    why: if disagree {
                        "no common mode; the hosts' data disagree about the EVC state"
                    } else {
                        "no common mode"
                    },
                    assumed: true,
                },
            })
        }
    }
}

/// Resolves an EVC mode name: key (`intel-haswell`), short name (`haswell`) or vSphere label,
/// with "did you mean" on failure (see `crate::modename::resolve_mode`).
pub fn choose_mode<'m>(
    arg: &str,
    modes: &'m ModeCatalogue,
) -> Result<&'m EvcMode, crate::modename::ModeNameError> {
    crate::modename::resolve_mode(arg, modes)
}

/// A whole-page / whole-command request: inputs plus options.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(default)]
pub struct Request {
    /// The input texts and their names.
    pub inputs: Vec<OwnedSource>,
    /// Cluster EVC mode key, `none`, or absent (= chosen as in [`choose_evc`]).
    pub evc: Option<String>,
    /// Per-VM EVC mode key for the synthetic "any VM" of each host.
    pub per_vm_evc: Option<String>,
    /// Host renames applied after loading: old name → new name.
    pub rename: std::collections::BTreeMap<String, String>,
    /// Hosts to leave out.
    pub remove: Vec<String>,
    /// Hosts to plan maintenance for; empty = every host.
    pub maintenance: Vec<String>,
    /// Plan no maintenance at all (large clusters: the matrix alone).
    pub skip_maintenance: bool,
    /// Virtual hardware version of "any VM" (`19`, `vmx-19`); absent = per band.
    pub vm_hw: Option<String>,
    /// `--evc-exposes`: patch-era features every host's masks expose (`MDCLEAR,IBRS`, `none`).
    pub evc_exposes: Option<String>,
    /// Limit verdicts to these features (`--only`).
    pub only: Vec<String>,
    /// The cluster of a collector bundle to answer for (name or MoRef; `crate::app::fleet::select`).
    pub cluster: Option<String>,
}

/// One input text and its name, owned (what a request carries).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct OwnedSource {
    /// The name to report the input under (file name, "paste 1", …).
    pub name: String,
    /// The input's text.
    pub text: String,
}

/// The EVC setting used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct EvcChoice {
    /// `null` = EVC disabled.
    pub mode: Option<String>,
    /// Why that setting: "given", "reported by the hosts", "highest common mode", …
    pub why: String,
    /// The setting is an assumption (neither given nor in the data): answers are conditional on
    /// it ("if the cluster runs intel-haswell: …") and never `compatible`.
    pub assumed: bool,
}

/// An EVC mode in a selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ModeOption {
    /// The mode's key (`intel-haswell`).
    pub key: String,
    /// The mode's vSphere label.
    pub label: String,
    /// The mode's CPU vendor.
    pub vendor: crate::evc::Vendor,
}

/// A bundle's inventory as loaded, and which cluster the workspace holds.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// The bundle's inventory as parsed.
    pub input: crate::input::FleetInput,
    /// The input it came from.
    pub source: String,
    /// The cluster the workspace was narrowed to (index into `input.clusters`).
    pub selected: Option<usize>,
}

impl Fleet {
    /// The clusters (and standalone hosts' compute resources) that hold at least one host.
    pub fn populated(&self) -> Vec<&crate::input::ClusterInput> {
        self.input
            .clusters
            .iter()
            .filter(|c| {
                self.input
                    .hosts
                    .iter()
                    .any(|h| h.parent.as_deref() == Some(&c.moref))
            })
            .collect()
    }

    /// The compute resource of the host with this MoRef.
    pub(crate) fn parent_of(&self, moref: &str) -> Option<&str> {
        self.input
            .hosts
            .iter()
            .find(|h| h.moref == moref)
            .and_then(|h| h.parent.as_deref())
    }

    pub(crate) fn names(&self) -> String {
        let names: Vec<String> = self.populated().iter().map(|c| c.name.clone()).collect();
        crate::names::host_list(&names)
    }
}

/// Called by [`load`] for a bundle's [`crate::input::Document::Fleet`]: keeps the
/// inventory and says where the EVC modes come from.
pub(crate) fn loaded_fleet(
    ws: &mut Workspace,
    input: &crate::input::FleetInput,
    source: &str,
    summary: &mut InputSummary,
) {
    if let Some(first) = &ws.fleet {
        ws.errors.push(InputError {
            source: source.to_string(),
            line: 1,
            col: 1,
            message: format!(
                "a second collector bundle ({} is loaded already): give one bundle at a time",
                first.source
            ),
        });
        return;
    }
    if input.supported_modes > 0 {
        summary.warnings.push(InputWarning::from(format!(
            "the bundle's supportedEVCMode ({} modes, read from {}) replaces evcalc's built-in EVC baselines",
            input.supported_modes,
            input.vcenter.as_deref().unwrap_or("the vCenter")
        )));
    } else {
        let why = input
            .missing
            .iter()
            .find(|m| {
                m.property
                    .eq_ignore_ascii_case("capability.supportedEVCMode")
            })
            .map(|m| format!(" — not collected: {} —", m.reason))
            .unwrap_or_default();
        summary.warnings.push(InputWarning::from(format!(
            "the bundle has no supportedEVCMode{why} so evcalc's built-in EVC baselines are used"
        )));
    }
    ws.fleet = Some(Fleet {
        input: input.clone(),
        source: source.to_string(),
        selected: None,
    });
}

/// Mode-level inputs found while loading (`session::Workspace::mode_level`).
#[derive(Debug, Clone, Default)]
pub struct ModeLevelInputs {
    /// RVTools tabs with their source name.
    pub tabs: Vec<(String, crate::parse::rvtools::Inventory)>,
    /// vCenter error texts with their source name (`app::vmotion_error`).
    pub errors: Vec<(String, crate::parse::vmotion_error::VmotionError)>,
}

impl ModeLevelInputs {
    /// Whether no RVTools tab and no error text were found.
    pub fn is_empty(&self) -> bool {
        self.tabs.is_empty() && self.errors.is_empty()
    }
}

/// Keeps a mode-level document of `source` (called by [`load`]).
pub(crate) fn take_mode_level(
    ml: &mut ModeLevelInputs,
    source: &str,
    doc: &Document,
    _summary: &mut InputSummary,
) {
    match doc {
        Document::Inventory(inv) => {
            ml.tabs.push((source.to_string(), inv.clone()));
        }
        Document::VmotionError(e) => {
            ml.errors.push((source.to_string(), e.clone()));
        }
        _ => {}
    }
}
