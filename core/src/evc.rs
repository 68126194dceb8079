//! EVC modes: each mode's feature baseline, vendor, track and the evidence behind every feature.
//!
//! The built-in data is `core/data/evc-modes.txt` (mostly \[R\]/\[I\] — see its header), compiled in
//! as Rust data (`generated/modes.rs`, rendered from the text by the unit test
//! `generated_data_is_fresh`, see `core/data/README.md`). A user can replace it with a real
//! `SupportedEVCMode` export ([`ModeCatalogue::from_export`]), parsed at run time.
//!
//! Modes are not one chain: admission is decided per mode (does the host have every required
//! feature?) and [`ModeCatalogue::admitted`] returns the whole set of modes a host supports.
//!
//! **Admission is not the mask.** Each mode keeps apart what it *exposes* (its mask: what VMs
//! may see) and what a host must *have to join* (`required`), each with evidence, as the API's
//! `FeatureEVCMode` keeps `mask` and `requirement` apart. A baseline feature is an admission
//! requirement when VMs that see it require it (the catalogue's [`Role::Required`]) or a source
//! says so (`require` lines); baseline features whose admission role nothing settles
//! (`admission_unproven`: DS, MWAIT, TSX, …) make a host that lacks only them "uncertain" for
//! the mode, never "no EVC mode". Patch-era features (IBRS/IBPB/STIBP, SSBD, MDCLEAR, FCMD) are in
//! no mode's fixed admission set: `patch_era` lists which of them a mode can expose; whether a
//! cluster exposes them depends on its hosts (\[C\] KB 52085/68024, research notes §5.2).

use crate::catalogue::{FeatureId, FeatureSet, Kind, Role, catalogue};
use crate::input::EvcModeInput;
use std::fmt;
use std::sync::LazyLock;

// The built-in modes as static data; rendered by `tests::generated_data_is_fresh`, not formatted.
#[rustfmt::skip]
#[path = "generated/modes.rs"]
mod generated_modes;

/// An explicit admission statement of `evc-modes.txt`: feature, `require` (true) or `unproven`
/// (false), evidence tag, note.
type Explicit<'a> = (FeatureId, bool, Tag, &'a str);

/// A built-in EVC mode as compiled-in data (`generated/modes.rs`): its `evc-modes.txt` section
/// with every `base` resolved. The admission sets are derived when the catalogue is built.
struct EvcModeData {
    key: &'static str,
    label: &'static str,
    vendor: Vendor,
    tier: u32,
    tracks: &'static [&'static str],
    exposed: FeatureSet,
    patch_era: FeatureSet,
    pins: &'static [(FeatureId, u64)],
    /// `(feature, introduced_by, tag, note, pass_through)`, one per exposed feature, in order.
    evidence: &'static [(FeatureId, &'static str, Tag, &'static str, bool)],
    /// The mode's explicit admission statements, inherited ones first (the last one counts).
    explicit: &'static [Explicit<'static>],
}

impl EvcModeData {
    fn build(&self) -> EvcMode {
        let mut mode = EvcMode {
            key: self.key.to_string(),
            label: self.label.to_string(),
            vendor: self.vendor,
            tier: self.tier,
            tracks: self.tracks.iter().map(|t| t.to_string()).collect(),
            required: FeatureSet::EMPTY,
            admission_unproven: FeatureSet::EMPTY,
            exposed: self.exposed,
            patch_era: self.patch_era,
            pins: self.pins.to_vec(),
            evidence: self
                .evidence
                .iter()
                .map(
                    |&(feature, introduced_by, tag, note, pass_through)| Evidence {
                        feature,
                        introduced_by: introduced_by.to_string(),
                        tag,
                        note: note.to_string(),
                        pass_through,
                    },
                )
                .collect(),
            admission_evidence: Vec::new(),
        };
        mode.derive_admission(self.explicit);
        mode
    }
}

/// Evidence level of a fact, as in the research notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub enum Tag {
    /// Confirmed by a cited source.
    C,
    /// Seen in real data.
    D,
    /// Inferred.
    I,
    /// Recalled, unverified.
    R,
    /// Taken from a user-supplied SupportedEVCMode export.
    Export,
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tag::C => "[C]",
            Tag::D => "[D]",
            Tag::I => "[I]",
            Tag::R => "[R]",
            Tag::Export => "[export]",
        })
    }
}

/// Why a feature is in a mode: which mode introduced it, with what evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The feature.
    pub feature: FeatureId,
    /// The mode whose section added it.
    pub introduced_by: String,
    /// The evidence level.
    pub tag: Tag,
    /// The evidence in words (a source, a sample, a reasoning).
    pub note: String,
    /// Exposed where the host has it, never an admission requirement (`expose` lines).
    pub pass_through: bool,
}

/// CPU vendor of a mode or host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// Intel (`GenuineIntel`, `cpuid.Intel`).
    Intel,
    /// AMD (`AuthenticAMD`, `cpuid.AMD`).
    Amd,
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vendor::Intel => "Intel",
            Vendor::Amd => "AMD",
        })
    }
}

/// One EVC mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvcMode {
    /// `intel-haswell`.
    pub key: String,
    /// `Intel® "Haswell" Generation`.
    pub label: String,
    /// The CPU vendor whose hosts the mode is for.
    pub vendor: Vendor,
    /// Position in the vendor's list (vendorTier-like); higher = newer.
    pub tier: u32,
    /// Track names (AMD: `a`, `b`); empty for Intel.
    pub tracks: Vec<String>,
    /// Admission: a host must have every one of these (each backed by `admission_evidence`).
    pub required: FeatureSet,
    /// Baseline features whose admission role is unproven: a host that lacks only these is
    /// "uncertain" for the mode (never "not admitted").
    pub admission_unproven: FeatureSet,
    /// What VMs may see under this mode (capped by the host): the baseline ∪ pass-through
    /// features ∪ `patch_era`. `required` and `admission_unproven` are subsets.
    pub exposed: FeatureSet,
    /// The patch-era features (catalogue `patch_era()`) this mode can expose where the cluster's
    /// hosts have them; never part of `required`. A subset of `exposed`.
    pub patch_era: FeatureSet,
    /// Identity values the mode's mask pins (FAMILY, MODEL, …).
    pub pins: Vec<(FeatureId, u64)>,
    /// Why the mode exposes a feature: one entry per feature of `exposed`.
    pub evidence: Vec<Evidence>,
    /// Why a host must have a feature to join (one entry per feature of `required`), or why
    /// that is unproven (one per feature of `admission_unproven`).
    pub admission_evidence: Vec<Evidence>,
}

impl EvcMode {
    /// Whether this mode's baseline is contained in `other`'s: same vendor, and both the
    /// admission set and the exposed set are subsets. "Lowering" a cluster from `other` to
    /// `self` is then safe for every VM.
    pub fn is_at_most(&self, other: &EvcMode) -> bool {
        self.vendor == other.vendor
            && self.required.is_subset(&other.required)
            && self.exposed.is_subset(&other.exposed)
    }

    /// Why the mode exposes `id`.
    pub fn evidence_for(&self, id: FeatureId) -> Option<&Evidence> {
        self.evidence.iter().find(|e| e.feature == id)
    }

    /// Why a host must have `id` to join (or why that is unproven).
    pub fn admission_evidence_for(&self, id: FeatureId) -> Option<&Evidence> {
        self.admission_evidence.iter().find(|e| e.feature == id)
    }

    /// Derives the admission sets from the exposed baseline and the catalogue's roles, keeping
    /// explicit `require`/`unproven` statements. Called once per mode when it is built.
    fn derive_admission(&mut self, explicit: &[Explicit<'_>]) {
        let cat = catalogue();
        self.required = FeatureSet::EMPTY;
        self.admission_unproven = FeatureSet::EMPTY;
        self.admission_evidence.clear();
        let baseline = self.exposed.difference(self.patch_era);
        for id in baseline.iter() {
            let def = cat.def(id);
            if def.kind == Kind::Identity {
                continue;
            }
            let Some(exposure) = self.evidence_for(id).cloned() else {
                continue;
            };
            if exposure.pass_through {
                continue;
            }
            if let Some((_, required, tag, note)) = explicit.iter().rev().find(|(f, ..)| *f == id) {
                if *required {
                    self.required.insert(id);
                } else {
                    self.admission_unproven.insert(id);
                }
                self.admission_evidence.push(Evidence {
                    feature: id,
                    introduced_by: exposure.introduced_by.clone(),
                    tag: *tag,
                    note: note.to_string(),
                    pass_through: false,
                });
                continue;
            }
            let role_tag = match def.role_evidence.get(..3) {
                Some("[C]") => Tag::C,
                Some("[D]") => Tag::D,
                Some("[I]") => Tag::I,
                _ => Tag::R,
            };
            let (required, tag, note) = match def.role {
                Role::Required => (
                    true,
                    exposure.tag.max(role_tag),
                    format!(
                        "in the baseline ({} {}) and VMs that see it require it ({}): a host without it would break \
                         vMotion within the cluster",
                        exposure.tag, exposure.introduced_by, def.role_evidence
                    ),
                ),
                Role::NotRequired => (
                    false,
                    role_tag,
                    format!(
                        "in the baseline, but VMs that see it do not require it ({}): nothing shows vCenter refuses a host \
                         without it",
                        def.role_evidence
                    ),
                ),
                Role::Unproven => (
                    false,
                    Tag::I,
                    "in the baseline; whether VMs require it (and so whether a host must have it) is unproven".to_string(),
                ),
            };
            if required {
                self.required.insert(id);
            } else {
                self.admission_unproven.insert(id);
            }
            self.admission_evidence.push(Evidence {
                feature: id,
                introduced_by: exposure.introduced_by.clone(),
                tag,
                note,
                pass_through: false,
            });
        }
    }
}

/// A set of EVC modes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeCatalogue {
    /// The modes, in the catalogue's order (`evc-modes.txt`, or the export's).
    pub modes: Vec<EvcMode>,
    /// `built-in` or the export's name.
    pub source: String,
}

/// The built-in mode catalogue (built once from the compiled-in `generated/modes.rs`).
pub fn builtin_modes() -> &'static ModeCatalogue {
    static MODES: LazyLock<ModeCatalogue> = LazyLock::new(|| ModeCatalogue {
        modes: generated_modes::MODES
            .iter()
            .map(EvcModeData::build)
            .collect(),
        source: "built-in".to_string(),
    });
    &MODES
}

/// Why a `SupportedEVCMode` export cannot serve as the mode catalogue
/// ([`ModeCatalogue::from_export`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// A mode whose vendor is neither given as Intel/AMD nor told by its key.
    #[error("EVC mode {mode}: unknown vendor {vendor:?}")]
    UnknownVendor {
        /// The mode's key.
        mode: String,
        /// The vendor as the export gives it (`None`: not given).
        vendor: Option<String>,
    },
    /// The export lists no modes.
    #[error("the SupportedEVCMode export lists no modes")]
    NoModes,
}

/// Modes parsed from `evc-modes.txt` with their explicit admission statements, before
/// admission is derived.
/// The cluster's EVC setting for a computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvcSetting<'a> {
    /// EVC disabled: VMs see all of their host's features.
    Disabled,
    /// EVC enabled in this mode.
    Mode(&'a EvcMode),
}

impl<'a> EvcSetting<'a> {
    /// The mode, `None` when EVC is disabled.
    pub fn mode(self) -> Option<&'a EvcMode> {
        match self {
            EvcSetting::Disabled => None,
            EvcSetting::Mode(m) => Some(m),
        }
    }
    /// The mode's key, `None` when EVC is disabled.
    pub fn key(self) -> Option<String> {
        self.mode().map(|m| m.key.clone())
    }
}

#[cfg(test)]
type ParsedModes = (Vec<EvcMode>, Vec<Vec<(FeatureId, bool, Tag, String)>>);

#[cfg(test)]
impl ModeCatalogue {
    /// Parses the `evc-modes.txt` format (see the file's header): the front end of the
    /// generated `generated/modes.rs` (see `tests::generated_data_is_fresh`).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn from_text(text: &str) -> Result<ModeCatalogue, String> {
        let (mut modes, explicit) = ModeCatalogue::parse_text(text)?;
        // `require`/`unproven` statements name baseline features; ones the mode does not expose
        // (removed by a later mode) are ignored by `derive_admission`.
        for (mode, explicit) in modes.iter_mut().zip(&explicit) {
            let explicit: Vec<Explicit<'_>> = explicit
                .iter()
                .map(|(id, required, tag, note)| (*id, *required, *tag, note.as_str()))
                .collect();
            mode.derive_admission(&explicit);
        }
        Ok(ModeCatalogue {
            modes,
            source: "built-in".to_string(),
        })
    }

    /// The sections of `evc-modes.txt` with `base` resolved, and each one's explicit admission
    /// statements (inherited ones first).
    fn parse_text(text: &str) -> Result<ParsedModes, String> {
        let cat = catalogue();
        let mut modes: Vec<EvcMode> = Vec::new();
        // Per mode: explicit admission statements (feature, required?, tag, note), inherited by `base`.
        let mut explicit: Vec<Vec<(FeatureId, bool, Tag, String)>> = Vec::new();
        let mut tiers = [0u32; 2];
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let err = |m: String| format!("evc-modes line {line_no}: {m}");
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(key) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                modes.push(EvcMode {
                    key: key.to_string(),
                    label: key.to_string(),
                    vendor: Vendor::Intel,
                    tier: 0,
                    tracks: Vec::new(),
                    required: FeatureSet::EMPTY,
                    admission_unproven: FeatureSet::EMPTY,
                    exposed: FeatureSet::EMPTY,
                    patch_era: FeatureSet::EMPTY,
                    pins: Vec::new(),
                    evidence: Vec::new(),
                    admission_evidence: Vec::new(),
                });
                explicit.push(Vec::new());
                continue;
            }
            let (known_modes, current) = match modes.split_last_mut() {
                Some((last, rest)) => (rest, last),
                None => return Err(err("statement before the first [mode] section".into())),
            };
            let (stmt, note) = match line.split_once('#') {
                Some((s, n)) => (s.trim(), n.trim()),
                None => (line, ""),
            };
            if let Some((name, value)) = stmt.split_once('=').filter(|(n, _)| !n.contains('[')) {
                let value = value.trim();
                match name.trim() {
                    "label" => current.label = value.to_string(),
                    "vendor" => {
                        current.vendor = match value {
                            "intel" => Vendor::Intel,
                            "amd" => Vendor::Amd,
                            _ => return Err(err(format!("unknown vendor {value}"))),
                        };
                        let slot = &mut tiers[current.vendor as usize];
                        current.tier = *slot;
                        *slot += 1;
                    }
                    "track" => current.tracks = value.split('+').map(str::to_string).collect(),
                    "base" => {
                        let position = known_modes
                            .iter()
                            .position(|m| m.key == value)
                            .ok_or_else(|| err(format!("base {value} is not defined above")))?;
                        let base = &known_modes[position];
                        current.exposed = base.exposed;
                        current.patch_era = base.patch_era;
                        current.pins = base.pins.clone();
                        current.evidence = base.evidence.clone();
                        let inherited = explicit[position].clone();
                        *explicit.last_mut().expect("pushed with the section") = inherited;
                    }
                    other => return Err(err(format!("unknown setting {other}"))),
                }
                continue;
            }
            let mut words = stmt.split_whitespace();
            let verb = words.next().unwrap_or_default();
            let tag = match words.next() {
                Some("[C]") => Tag::C,
                Some("[D]") => Tag::D,
                Some("[I]") => Tag::I,
                Some("[R]") => Tag::R,
                other => {
                    return Err(err(format!(
                        "expected an evidence tag [C]/[D]/[I]/[R], found {other:?}"
                    )));
                }
            };
            for word in words {
                if verb == "pin" {
                    let (k, v) = word
                        .split_once('=')
                        .ok_or_else(|| err(format!("pin needs KEY=value, got {word}")))?;
                    let id = cat
                        .lookup(&format!("cpuid.{k}"))
                        .ok_or_else(|| err(format!("unknown key {k}")))?;
                    let v = crate::value::parse_number(v).map_err(|e| err(e.to_string()))?;
                    current.pins.retain(|(p, _)| *p != id);
                    current.pins.push((id, v));
                    continue;
                }
                let id = cat
                    .lookup(&format!("cpuid.{word}"))
                    .ok_or_else(|| err(format!("unknown key {word}")))?;
                match verb {
                    "add" | "expose" => {
                        let pass_through = verb == "expose";
                        if !pass_through && cat.def(id).patch_era {
                            return Err(err(format!(
                                "{word} is a patch-era feature: `expose` it, never `add` it"
                            )));
                        }
                        current.exposed.insert(id);
                        if cat.def(id).patch_era {
                            current.patch_era.insert(id);
                        }
                        current.evidence.retain(|e| e.feature != id);
                        current.evidence.push(Evidence {
                            feature: id,
                            introduced_by: current.key.clone(),
                            tag,
                            note: note.to_string(),
                            pass_through,
                        });
                    }
                    "require" | "unproven" => {
                        if cat.def(id).patch_era {
                            return Err(err(format!(
                                "{word} is a patch-era feature: no mode's admission set has it"
                            )));
                        }
                        let list = explicit.last_mut().expect("pushed with the section");
                        list.push((id, verb == "require", tag, note.to_string()));
                    }
                    "remove" => {
                        current.exposed.remove(id);
                        current.patch_era.remove(id);
                        current.evidence.retain(|e| e.feature != id);
                    }
                    other => return Err(err(format!("unknown statement {other}"))),
                }
            }
        }
        Ok((modes, explicit))
    }
}

impl ModeCatalogue {
    /// Builds a catalogue from a `SupportedEVCMode` export. Admission = boolean
    /// `featureRequirement` entries; exposed = non-identity `featureMask` entries with a
    /// non-zero value (falling back to `featureCapability`).
    pub fn from_export(
        inputs: &[EvcModeInput],
        source: &str,
    ) -> Result<ModeCatalogue, ExportError> {
        let cat = catalogue();
        let mut modes = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            let vendor = match input
                .vendor
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("intel") => Vendor::Intel,
                Some("amd") => Vendor::Amd,
                _ if input.key.starts_with("intel") => Vendor::Intel,
                _ if input.key.starts_with("amd") => Vendor::Amd,
                other => {
                    return Err(ExportError::UnknownVendor {
                        mode: input.key.clone(),
                        vendor: other.map(str::to_string),
                    });
                }
            };
            let mut mode = EvcMode {
                key: input.key.clone(),
                label: input.label.clone().unwrap_or_else(|| input.key.clone()),
                vendor,
                tier: input
                    .vendor_tier
                    .map(|t| t.max(0) as u32)
                    .unwrap_or(index as u32),
                tracks: input.track.clone(),
                required: FeatureSet::EMPTY,
                admission_unproven: FeatureSet::EMPTY,
                exposed: FeatureSet::EMPTY,
                patch_era: FeatureSet::EMPTY,
                pins: Vec::new(),
                evidence: Vec::new(),
                admission_evidence: Vec::new(),
            };
            for req in &input.feature_requirement {
                if let Some(id) = cat.lookup(&req.key)
                    && req.value.value > 0
                    && cat.def(id).kind != Kind::Identity
                {
                    mode.required.insert(id);
                    mode.exposed.insert(id);
                }
            }
            let exposing: Vec<(String, u64)> = if input.feature_mask.is_empty() {
                input
                    .feature_capability
                    .iter()
                    .map(|e| (e.key.clone(), e.value))
                    .collect()
            } else {
                input
                    .feature_mask
                    .iter()
                    .map(|e| (e.key.clone(), e.value.value))
                    .collect()
            };
            for (key, value) in exposing {
                if let Some(id) = cat.lookup(&key) {
                    if cat.def(id).kind == Kind::Identity {
                        mode.pins.push((id, value));
                    } else if value > 0 {
                        mode.exposed.insert(id);
                    }
                }
            }
            // A real export's featureRequirement is vCenter's own admission list.
            mode.patch_era = mode.exposed.intersection(cat.patch_era());
            let evidence = |id| Evidence {
                feature: id,
                introduced_by: mode.key.clone(),
                tag: Tag::Export,
                note: source.to_string(),
                pass_through: false,
            };
            mode.evidence = mode.exposed.iter().map(evidence).collect();
            mode.admission_evidence = mode.required.iter().map(evidence).collect();
            modes.push(mode);
        }
        if modes.is_empty() {
            return Err(ExportError::NoModes);
        }
        Ok(ModeCatalogue {
            modes,
            source: source.to_string(),
        })
    }

    /// Finds a mode by key, case-insensitively (`intel-haswell`, `Intel-Haswell`).
    pub fn get(&self, key: &str) -> Option<&EvcMode> {
        let key = key.trim();
        self.modes.iter().find(|m| m.key.eq_ignore_ascii_case(key))
    }

    /// Modes whose admission set the features satisfy, in catalogue order.
    pub fn admitted(&self, present: &FeatureSet) -> Vec<&EvcMode> {
        self.modes
            .iter()
            .filter(|m| m.required.is_subset(present))
            .collect()
    }

    /// The highest (by tier) of `modes`; ties are broken by the larger baseline.
    pub fn highest<'a>(modes: &[&'a EvcMode]) -> Option<&'a EvcMode> {
        modes
            .iter()
            .copied()
            .max_by_key(|m| (m.tier, m.exposed.len()))
    }

    /// Modes of one vendor sorted by tier.
    pub fn of_vendor(&self, vendor: Vendor) -> Vec<&EvcMode> {
        let mut v: Vec<&EvcMode> = self.modes.iter().filter(|m| m.vendor == vendor).collect();
        v.sort_by_key(|m| m.tier);
        v
    }

    /// The next modes above `mode` in its vendor's order (same track where tracks are known).
    pub fn next_above(&self, mode: &EvcMode) -> Vec<&EvcMode> {
        let candidates: Vec<&EvcMode> = self
            .of_vendor(mode.vendor)
            .into_iter()
            .filter(|m| m.tier > mode.tier && mode.is_at_most(m))
            .collect();
        let min_tier = candidates.iter().map(|m| m.tier).min();
        candidates
            .into_iter()
            .filter(|m| Some(m.tier) == min_tier)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{assert_fresh, fid_name, generated_header};

    /// Renders `generated/modes.rs` from parsed `evc-modes.txt` sections.
    fn render_modes((modes, explicit): &ParsedModes) -> String {
        use std::fmt::Write;
        let ids = |set: FeatureSet| set.iter().map(fid_name).collect::<Vec<_>>().join(", ");
        let mut out = generated_header(
            "core/data/evc-modes.txt",
            "The built-in EVC modes, `base` resolved; admission is derived at run time.",
        );
        out.push_str(
            "use super::{EvcModeData, FeatureSet, Tag, Vendor};\nuse crate::catalogue::fid;\n\n",
        );
        out.push_str("pub(super) static MODES: &[EvcModeData] = &[\n");
        for (m, explicit) in modes.iter().zip(explicit) {
            let tracks: Vec<String> = m.tracks.iter().map(|t| format!("{t:?}")).collect();
            let pins: Vec<String> = m
                .pins
                .iter()
                .map(|(id, v)| format!("({}, {v:#x})", fid_name(*id)))
                .collect();
            writeln!(
                out,
                "    EvcModeData {{\n        key: {:?},\n        label: {:?},\n        vendor: Vendor::{:?},\n        \
                 tier: {},\n        tracks: &[{}],\n        exposed: FeatureSet::from_ids(&[{}]),\n        \
                 patch_era: FeatureSet::from_ids(&[{}]),\n        pins: &[{}],\n        evidence: &[",
                m.key,
                m.label,
                m.vendor,
                m.tier,
                tracks.join(", "),
                ids(m.exposed),
                ids(m.patch_era),
                pins.join(", ")
            )
            .unwrap();
            for e in &m.evidence {
                writeln!(
                    out,
                    "            ({}, {:?}, Tag::{:?}, {:?}, {}),",
                    fid_name(e.feature),
                    e.introduced_by,
                    e.tag,
                    e.note,
                    e.pass_through
                )
                .unwrap();
            }
            out.push_str("        ],\n        explicit: &[\n");
            for (id, required, tag, note) in explicit {
                writeln!(
                    out,
                    "            ({}, {required}, Tag::{tag:?}, {note:?}),",
                    fid_name(*id)
                )
                .unwrap();
            }
            out.push_str("        ],\n    },\n");
        }
        out.push_str("];\n");
        out
    }

    /// `generated/modes.rs` is `evc-modes.txt` rendered as Rust, and the modes built from it
    /// equal the ones the text parser builds. `EVCALC_REGEN=1` rewrites the file.
    #[test]
    fn generated_data_is_fresh() {
        let text = include_str!("../data/evc-modes.txt");
        let parsed = ModeCatalogue::parse_text(text).unwrap();
        assert_fresh(
            "src/generated/modes.rs",
            &render_modes(&parsed),
            include_str!("generated/modes.rs"),
        );
        let from_text = ModeCatalogue::from_text(text).unwrap();
        assert!(
            *builtin_modes() == from_text,
            "the built-in modes differ from evc-modes.txt"
        );
    }

    fn set(keys: &[&str]) -> FeatureSet {
        let cat = catalogue();
        keys.iter().map(|k| cat.id(&format!("cpuid.{k}"))).collect()
    }

    #[test]
    fn builtin_has_all_25_vsphere9_modes_in_order() {
        let modes = builtin_modes();
        let keys: Vec<&str> = modes.modes.iter().map(|m| m.key.as_str()).collect();
        // The vSphere 9 key list ([C] terraform-provider-vsphere docs), copied into core/data.
        let doc: serde_json::Value = serde_json::from_str(include_str!(
            "../data/evc-mode-keys.vsphere9.terraform-provider-vsphere.json"
        ))
        .unwrap();
        let expected: Vec<&str> = doc["modes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, expected);
        assert_eq!(keys.len(), 25);
        let cat = catalogue();
        for m in &modes.modes {
            assert_eq!(
                m.evidence.len(),
                m.exposed.len(),
                "{}: one evidence entry per exposed feature",
                m.key
            );
            assert!(m.required.is_subset(&m.exposed));
            assert!(
                m.admission_unproven.is_subset(&m.exposed)
                    && m.required.intersection(m.admission_unproven).is_empty()
            );
            assert_eq!(
                m.admission_evidence.len(),
                m.required.len() + m.admission_unproven.len(),
                "{}",
                m.key
            );
            assert!(m.patch_era.is_subset(&m.exposed) && m.patch_era.is_subset(&cat.patch_era()));
            assert!(
                m.required.intersection(cat.patch_era()).is_empty(),
                "{}: patch-era features are not admission",
                m.key
            );
        }
    }

    #[test]
    fn intel_modes_form_a_chain() {
        let modes = builtin_modes();
        let intel = modes.of_vendor(Vendor::Intel);
        for pair in intel.windows(2) {
            assert!(
                pair[0].is_at_most(pair[1]),
                "{} ≤ {}",
                pair[0].key,
                pair[1].key
            );
            assert_ne!(pair[0].exposed, pair[1].exposed);
        }
    }

    #[test]
    fn amd_has_two_tracks_sharing_greyhound_no3dnow() {
        let m = builtin_modes();
        let g = m.get("amd-greyhound").unwrap();
        let g0 = m.get("amd-greyhound-no3dnow").unwrap();
        let bd = m.get("amd-bulldozer").unwrap();
        let zen = m.get("amd-zen").unwrap();
        let zen5 = m.get("amd-zen5").unwrap();
        assert!(g0.is_at_most(g) && g0.is_at_most(bd) && g0.is_at_most(zen5));
        assert!(
            !g.is_at_most(bd) && !bd.is_at_most(g),
            "3DNow! makes greyhound incomparable with bulldozer"
        );
        assert!(!bd.is_at_most(zen), "Zen lacks XOP/FMA4/TBM");
        assert!(zen.required.contains(catalogue().id("cpuid.AVX2")));
    }

    #[test]
    fn real_masks_cross_check() {
        // The real per-VM masks (tests/data) expose exactly what the built-in modes expose,
        // apart from non-CPUID keys and features the modes pass through conditionally.
        let m = builtin_modes();
        let westmere = m.get("intel-westmere").unwrap();
        let real_westmere = set(&[
            "Intel",
            "CMPXCHG16B",
            "DS",
            "LAHF64",
            "LM",
            "MWAIT",
            "NX",
            "SS",
            "SSE3",
            "SSSE3",
            "SSE41",
            "IBPB",
            "IBRS",
            "STIBP",
            "SSBD",
            "FCMD",
            "POPCNT",
            "RDTSCP",
            "SSE42",
            "AES",
            "PCLMULQDQ",
        ]);
        assert_eq!(westmere.exposed, real_westmere);
        let sandy = m.get("intel-sandybridge").unwrap();
        let real_sandy = real_westmere.union(set(&[
            "AVX",
            "XSAVE",
            "XCR0_MASTER_SSE",
            "XCR0_MASTER_YMM_H",
            "PCID",
            "MDCLEAR",
        ]));
        assert_eq!(sandy.exposed, real_sandy);
        let merom = m.get("intel-merom").unwrap();
        assert_eq!(
            merom.exposed,
            set(&[
                "Intel",
                "SSE3",
                "SSSE3",
                "CMPXCHG16B",
                "LAHF64",
                "LM",
                "NX",
                "DS",
                "SS",
                "MWAIT"
            ])
        );
        let cat = catalogue();
        assert!(merom.pins.contains(&(cat.id("cpuid.MODEL"), 0xf)));
        assert!(sandy.pins.contains(&(cat.id("cpuid.MODEL"), 0x2d)));
    }

    #[test]
    fn mdclear_is_pass_through_not_admission() {
        let m = builtin_modes();
        let h = m.get("intel-haswell").unwrap();
        let md = catalogue().id("cpuid.MDCLEAR");
        assert!(h.exposed.contains(md) && !h.required.contains(md));
        assert!(h.patch_era.contains(md));
        assert!(!m.get("intel-westmere").unwrap().exposed.contains(md));
        assert!(!m.get("intel-westmere").unwrap().patch_era.contains(md));
    }

    #[test]
    fn admission_is_not_the_mask() {
        use crate::catalogue::fid;
        let m = builtin_modes();
        let merom = m.get("intel-merom").unwrap();
        // MWAIT and DS are in the Merom mask but no real VM requires them: admission unproven.
        for id in [fid::MWAIT, fid::DS] {
            assert!(
                merom.exposed.contains(id)
                    && !merom.required.contains(id)
                    && merom.admission_unproven.contains(id)
            );
        }
        let nx = merom.admission_evidence_for(fid::NX).unwrap();
        assert_eq!(nx.tag, Tag::C);
        assert!(merom.required.contains(fid::SSE3));
        let westmere = m.get("intel-westmere").unwrap();
        assert_eq!(
            westmere.admission_evidence_for(fid::AES).unwrap().tag,
            Tag::C
        );
        // Patch-era features are exposable, never admission.
        let sandy = m.get("intel-sandybridge").unwrap();
        for id in [
            fid::IBRS,
            fid::IBPB,
            fid::STIBP,
            fid::SSBD,
            fid::FCMD,
            fid::MDCLEAR,
        ] {
            assert!(
                sandy.patch_era.contains(id)
                    && !sandy.required.contains(id)
                    && !sandy.admission_unproven.contains(id)
            );
        }
        // TSX on Broadwell: passed through, not admission.
        let bdw = m.get("intel-broadwell").unwrap();
        assert!(
            bdw.exposed.contains(fid::HLE)
                && !bdw.required.contains(fid::HLE)
                && !bdw.admission_unproven.contains(fid::HLE)
        );
        // Features without a proven role are admission-unproven (AMX on Sapphire Rapids).
        let spr = m.get("intel-sapphirerapids").unwrap();
        assert!(spr.admission_unproven.contains(fid::AMX_TILE));
        assert!(
            !builtin_modes()
                .modes
                .iter()
                .any(|m| m.required.contains(fid::MWAIT))
        );
    }
}
