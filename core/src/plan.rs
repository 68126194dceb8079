//! Planning: what-if questions over a set of hosts, as plain functions returning serializable
//! reports ([`crate::app::plan`] answers the `plan` question with them: the CLI's `evcalc plan`
//! renders that answer as text or prints it as JSON).
//!
//! * [`add_host`] — can a new host join the cluster's current EVC mode (and if not, which
//!   features it lacks), what becomes the highest common mode, and which running VMs could not
//!   move to it.
//! * [`remove_host`] — the highest common mode without one host, and what it gains.
//! * [`change_mode`] — raise, lower, enable or disable cluster EVC: which hosts cannot be
//!   admitted, which running VMs need a power cycle to see raised features, and which block
//!   lowering because they use features the lower mode hides (vCenter refuses to lower while
//!   such VMs run).
//! * [`parse_override`], [`apply_overrides`], [`apply_overrides_to_host`] — `--set cpuid.MDCLEAR=1`
//!   adjustments, e.g. for a CPUID-derived host whose microcode differs from the dump's.
//!
//! "The highest EVC mode a CPU supports and what blocks the next one" is
//! [`crate::check::host_report`] (`max_evc_mode`, `next_mode_blockers`).
//!
//! Running VMs are the given [`Vm`]s (their requirements, their host by name) or, when none are
//! given, one synthetic "any VM powered on on H" per host under the current setting
//! ([`crate::check::power_on`]).
//!
//! ```
//! use evcalc::{check::EvcSetting, evc::builtin_modes, model::Host, parse, plan};
//! use evcalc::input::Document;
//!
//! fn host(name: &str, text: &str) -> Host {
//!     let parsed = parse::parse(text).unwrap();
//!     let Document::Host(h) = &parsed.documents[0] else { unreachable!() };
//!     Host::from_input(h, name, name)
//! }
//! // Two CPUID dumps (InstLatX64 lines, trimmed to what matters here).
//! let haswell = host("hsw", "CPUID 00000000: 0000000D-756E6547-6C65746E-49656E69\n\
//!     CPUID 00000001: 000306F2-00200800-7FFEFBFF-BFEBFBFF\n\
//!     CPUID 00000007: 00000000-000037AB-00000000-00000000 [SL 00]\n\
//!     CPUID 0000000D: 00000007-00000340-00000340-00000000 [SL 00]\n\
//!     CPUID 0000000D: 00000001-00000000-00000000-00000000 [SL 01]\n\
//!     CPUID 80000000: 80000008-00000000-00000000-00000000\n\
//!     CPUID 80000001: 00000000-00000000-00000021-2C100800\n");
//! let westmere = host("wsm", "CPUID 00000000: 0000000B-756E6547-6C65746E-49656E69\n\
//!     CPUID 00000001: 000206C2-00200800-029EE3FF-BFEBFBFF\n\
//!     CPUID 80000000: 80000008-00000000-00000000-00000000\n\
//!     CPUID 80000001: 00000000-00000000-00000001-2C100800\n");
//! let modes = builtin_modes();
//! let current = EvcSetting::Mode(modes.get("intel-haswell").unwrap());
//! let report = plan::add_host(&[haswell.clone()], &westmere, current, &[], modes);
//! assert_eq!(report.can_join, Some(false));
//! assert_eq!(report.max_common_after.as_deref(), Some("intel-westmere"));
//! assert!(report.admission.unwrap().missing.iter().any(|f| f.key == "cpuid.AVX"));
//! ```

use serde::Serialize;

use crate::catalogue::{FeatureSet, Kind, catalogue, fid};
use crate::check::{
    EvcSetting, Prepared, admission, check_outcome, feature_ref, host_max_mode, max_common_mode,
    power_on,
};
use crate::evc::{EvcMode, ModeCatalogue};
use crate::input::{Entry, HostInput};
use crate::model::{Host, Key, Vm, masks_expose};
use crate::report::{Admission, FeatureRef, Missing, Verdict};

// ---------------------------------------------------------------------------------------------
// Overrides

/// One `--set KEY=VALUE` adjustment of a host's capabilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Override {
    /// As written, with `cpuid.` added when the key had no prefix (`MDCLEAR` → `cpuid.MDCLEAR`).
    pub key: String,
    /// The value to set (decimal or `0x` hex).
    pub value: u64,
}

/// Why a `--set KEY=VALUE` override cannot be read ([`parse_override`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    /// No `=` in the text (the text as written).
    #[error("expected KEY=VALUE such as cpuid.MDCLEAR=1, found `{0}`")]
    NoEquals(String),
    /// The key before `=` is empty or holds whitespace (the key as written).
    #[error("expected a feature key such as cpuid.MDCLEAR before `=`, found `{0}`")]
    BadKey(String),
    /// The value is not a number.
    #[error("`{text}`: the value must be a number (0, 1, 0x19): {reason}")]
    BadValue {
        /// The override as written.
        text: String,
        /// Why the value is not a number.
        reason: String,
    },
}

/// Parses `cpuid.MDCLEAR=1`, `MDCLEAR=0`, `cpuid.FAMILY=0x19`.
pub fn parse_override(text: &str) -> Result<Override, OverrideError> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| OverrideError::NoEquals(text.to_string()))?;
    let key = key.trim();
    if key.is_empty() || key.contains(char::is_whitespace) {
        return Err(OverrideError::BadKey(key.to_string()));
    }
    let value = crate::value::parse_number(value.trim()).map_err(|e| OverrideError::BadValue {
        text: text.to_string(),
        reason: e.to_string(),
    })?;
    let key = if key.contains('.') {
        key.to_string()
    } else {
        format!("cpuid.{key}")
    };
    Ok(Override { key, value })
}

/// Applies overrides to a parsed host record: every entry of the same key (case-insensitive)
/// is replaced by the override. Returns one note per override (`cpuid.MDCLEAR: 0 → 1`), which
/// the caller should show with the host.
pub fn apply_overrides(host: &mut HostInput, overrides: &[Override]) -> Vec<String> {
    let mut notes = Vec::new();
    for o in overrides {
        let key = Key::resolve(&o.key);
        let before: Vec<u64> = host
            .capabilities
            .iter()
            .filter(|e| Key::resolve(&e.key) == key)
            .map(|e| e.value)
            .collect();
        host.capabilities.retain(|e| Key::resolve(&e.key) != key);
        let pos = host.pos;
        host.capabilities.push(Entry {
            key: key_spelling(&key, &o.key),
            value: o.value,
            pos,
        });
        notes.push(override_note(
            &key,
            &o.key,
            before.first().copied(),
            o.value,
        ));
    }
    notes
}

/// Applies overrides to a loaded host (after [`crate::session::load`]); the notes are also added
/// to the host's warnings. The vendor follows `cpuid.Intel`/`cpuid.AMD` overrides.
pub fn apply_overrides_to_host(host: &mut Host, overrides: &[Override]) -> Vec<String> {
    let cat = catalogue();
    let mut notes = Vec::new();
    for o in overrides {
        let key = Key::resolve(&o.key);
        let before = host.knows(&key).then(|| host.caps.value(&key));
        match &key {
            Key::Known(id) => {
                if o.value != 0 {
                    host.caps.present.insert(*id);
                } else {
                    host.caps.present.remove(*id);
                }
                if o.value > 1 || cat.def(*id).kind == Kind::Identity {
                    host.caps.numbers.insert(*id, o.value);
                } else {
                    host.caps.numbers.remove(id);
                }
                if let Some(known) = host.known_only.as_mut() {
                    known.features.insert(*id);
                }
            }
            Key::Unknown(lower) => {
                host.caps
                    .unknown
                    .insert(lower.clone(), (o.key.clone(), o.value));
                if let Some(known) = host.known_only.as_mut()
                    && !known.unknown.contains(lower)
                {
                    known.unknown.push(lower.clone());
                }
            }
        }
        notes.push(override_note(&key, &o.key, before, o.value));
    }
    let present = host.caps.present;
    if present.contains(fid::INTEL) {
        host.vendor = Some(crate::evc::Vendor::Intel);
    } else if present.contains(fid::AMD) {
        host.vendor = Some(crate::evc::Vendor::Amd);
    }
    host.warnings.extend(notes.iter().cloned());
    notes
}

fn key_spelling(key: &Key, written: &str) -> String {
    match key {
        Key::Known(id) => catalogue().def(*id).key.clone(),
        Key::Unknown(_) => written.trim().to_string(),
    }
}

fn override_note(key: &Key, written: &str, before: Option<u64>, after: u64) -> String {
    let name = key_spelling(key, written);
    let unknown = if matches!(key, Key::Unknown(_)) {
        " (not in evcalc's feature catalogue: kept as written)"
    } else {
        ""
    };
    match before {
        Some(b) => format!("override {name}: {b} → {after}{unknown}"),
        None => format!("override {name}: (absent) → {after}{unknown}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Reports

/// A VM (given or synthetic) that could not move to a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct BlockedMove {
    /// The VM, or "any VM powered on on …".
    pub vm: String,
    /// The host the VM runs on, when known.
    pub from: Option<String>,
    /// The host it cannot move to.
    pub to: String,
    /// The requirements that host does not meet.
    pub missing: Vec<Missing>,
}

/// Answer to "what if this host joins the cluster?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct AddHostReport {
    /// The new host's name.
    pub host: String,
    /// The cluster's current EVC mode (`null` = EVC disabled).
    pub evc_mode: Option<String>,
    /// Admission of the new host to the current mode (`null` when EVC is disabled).
    pub admission: Option<Admission>,
    /// Whether the host can join the current mode (`null` when its data is a fragment).
    pub can_join: Option<bool>,
    /// The highest mode the new host supports on its own.
    pub host_max_mode: Option<String>,
    /// The highest EVC mode every (non-fragment) host of the cluster can join now.
    pub max_common_before: Option<String>,
    /// The same with the new host.
    pub max_common_after: Option<String>,
    /// Whether the new host lowers the highest common mode.
    pub lowers_max_common: bool,
    /// Hosts whose own ceiling equals the new highest common mode (the cluster's bottleneck).
    pub limiting_hosts: Vec<String>,
    /// Running VMs that could not vMotion to the new host, and what blocks them.
    pub blocked_moves: Vec<BlockedMove>,
    /// One or two sentences.
    pub summary: String,
    /// What a person should know (powered-on VMs that block adding the host, fragments, …).
    pub warnings: Vec<String>,
}

/// Answer to "what if this host leaves the cluster?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct RemoveHostReport {
    /// The removed host's name.
    pub host: String,
    /// The cluster's EVC mode (`null` = EVC disabled).
    pub evc_mode: Option<String>,
    /// The hosts left in the cluster.
    pub remaining_hosts: Vec<String>,
    /// The highest EVC mode every (non-fragment) host of the cluster can join now.
    pub max_common_before: Option<String>,
    /// The same without the removed host.
    pub max_common_after: Option<String>,
    /// Whether the highest common mode rises without the host.
    pub raises_max_common: bool,
    /// Features the new highest common mode exposes that the old one did not.
    pub gained_features: Vec<FeatureRef>,
    /// Hosts whose own ceiling equals the new highest common mode (the cluster's bottleneck).
    pub limiting_hosts: Vec<String>,
    /// The given VMs that run on the removed host (they must move first).
    pub vms_on_host: Vec<String>,
    /// The answer in words.
    pub summary: String,
}

/// Kind of EVC change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// The target mode's baseline contains the current one.
    Raise,
    /// The target mode's baseline is contained in the current one.
    Lower,
    /// The same mode (or EVC stays disabled).
    Same,
    /// EVC disabled → a mode.
    Enable,
    /// A mode → EVC disabled.
    Disable,
    /// Neither contains the other (AMD track A ↔ B, other vendor): both raising and lowering rules apply.
    Incomparable,
}

/// A VM and the features a change affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct VmFeatures {
    /// The VM, or "any VM powered on on …".
    pub vm: String,
    /// The host the VM runs on, when known.
    pub host: Option<String>,
    /// `input` or how its features were computed.
    pub requirements_from: String,
    /// The features concerned: those it would see after a power cycle (`vms_needing_power_cycle`),
    /// or those it uses that the target mode hides (`vms_blocking`).
    pub features: Vec<FeatureRef>,
}

/// Answer to "what if the cluster's EVC mode changes?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct ChangeModeReport {
    /// The current EVC mode (`null` = EVC disabled).
    pub from: Option<String>,
    /// The target EVC mode (`null` = EVC disabled).
    pub to: Option<String>,
    /// How the target relates to the current mode.
    pub direction: Direction,
    /// Whether vCenter would accept the change now: every host admitted and no running VM blocking.
    pub allowed: bool,
    /// Hosts that cannot be admitted to the target mode, with the missing features.
    pub hosts_not_admitted: Vec<Admission>,
    /// Running VMs that keep their old features until a full power cycle (a guest reboot is not
    /// enough), with the features they would then see.
    pub vms_needing_power_cycle: Vec<VmFeatures>,
    /// Running VMs using features the target mode hides: vCenter refuses the change until they
    /// are powered off (or moved out of the cluster).
    pub vms_blocking: Vec<VmFeatures>,
    /// Features the target mode exposes that the current one does not (all host features when
    /// disabling EVC is not listed: that depends on each host).
    pub features_added: Vec<FeatureRef>,
    /// Features the current mode exposes that the target does not.
    pub features_removed: Vec<FeatureRef>,
    /// The highest mode every (non-fragment) host can join, for comparison.
    pub max_common_mode: Option<String>,
    /// The answer in words.
    pub summary: String,
    /// What a person should know (fragments, VMs whose host is not loaded, …).
    pub notes: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Questions

fn key_of(m: Option<&EvcMode>) -> Option<String> {
    m.map(|m| m.key.clone())
}

fn limiting(hosts: &[Host], common: Option<&EvcMode>, modes: &ModeCatalogue) -> Vec<String> {
    let Some(common) = common else {
        return Vec::new();
    };
    hosts
        .iter()
        .filter(|h| host_max_mode(h, modes).is_some_and(|m| m.key == common.key))
        .map(|h| h.name.clone())
        .collect()
}

fn is_running(vm: &Vm) -> bool {
    !vm.power_state
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("poweredOff"))
}

/// The running VMs a question is about: the given ones, or one synthetic VM per host.
fn running_vms(hosts: &[Host], vms: &[Vm], evc: EvcSetting<'_>) -> Vec<Vm> {
    if vms.is_empty() {
        hosts
            .iter()
            .filter(|h| !h.is_fragment())
            .map(|h| power_on(h, evc, None))
            .collect()
    } else {
        vms.iter().filter(|v| is_running(v)).cloned().collect()
    }
}

fn host_of<'h>(vm: &Vm, hosts: &'h [Host]) -> Option<&'h Host> {
    let name = vm.host.as_deref()?;
    hosts.iter().find(|h| h.name.eq_ignore_ascii_case(name))
}

fn requirements_from(vm: &Vm) -> String {
    if vm.from_input {
        "input".to_string()
    } else {
        match &vm.host {
            Some(h) => format!("computed: powered on on {h}"),
            None => "computed".to_string(),
        }
    }
}

fn refs(set: FeatureSet) -> Vec<FeatureRef> {
    set.iter().map(feature_ref).collect()
}

/// Can `new_host` join a cluster of `hosts` running under `evc`, and what changes if it does?
/// `vms` are the running VMs of the existing hosts (empty: one synthetic VM per host).
pub fn add_host(
    hosts: &[Host],
    new_host: &Host,
    evc: EvcSetting<'_>,
    vms: &[Vm],
    modes: &ModeCatalogue,
) -> AddHostReport {
    let before = max_common_mode(hosts, modes);
    let mut all: Vec<Host> = hosts.to_vec();
    all.push(new_host.clone());
    let after = max_common_mode(&all, modes);
    // One admission rule (the class table uses it too): the mode's fixed set and the
    // patch-era features the baseline exposes.
    let findings = crate::exposure::findings(hosts, evc);
    let adm = evc
        .mode()
        .map(|m| crate::check::admission_in_cluster(new_host, m, &findings));
    let mut can_join = match &adm {
        Some(a) => a.admitted,
        None if new_host.is_fragment() => None,
        None => Some(true),
    };
    // Patch-era features the cluster's baseline exposes (proven by a member's evidence): vCenter
    // writes the current masks into the new host, which must have them ([C] KB 52085/68024:
    // "Unpatched ESXi hosts will no longer be admitted into the EVC cluster").
    let cat = crate::catalogue::catalogue();
    let mut patch_missing: Vec<String> = Vec::new();
    let mut patch_open: Vec<String> = Vec::new();
    let new_unknown = crate::exposure::raw_unknown(new_host);
    for f in &findings {
        let Some(id) = cat.lookup(&f.feature) else {
            continue;
        };
        let has = new_host.caps.present.contains(id);
        let known = !new_unknown.contains(id);
        match (f.baseline, has, known) {
            (crate::exposure::Tri::Yes, false, true) => patch_missing.push(f.feature.clone()),
            (crate::exposure::Tri::Yes, false, false)
            | (crate::exposure::Tri::Unknown, false, _) => patch_open.push(f.feature.clone()),
            _ => {}
        }
    }
    if !patch_missing.is_empty() && can_join != Some(false) {
        can_join = Some(false);
    } else if !patch_open.is_empty() && can_join == Some(true) {
        can_join = None;
    }
    let lowers = match (before, after) {
        (Some(b), Some(a)) => a.key != b.key && a.is_at_most(b),
        (Some(_), None) => true,
        _ => false,
    };
    let mut blocked = Vec::new();
    let prepared = Prepared::of(new_host, evc);
    for vm in running_vms(hosts, vms, evc) {
        let r = check_outcome(&vm, &prepared);
        if r.has_missing() {
            blocked.push(BlockedMove {
                vm: vm.name.clone(),
                from: vm.host.clone(),
                to: new_host.name.clone(),
                missing: r.missing_entries().cloned().collect(),
            });
        }
    }
    let mut warnings = new_host.warnings.clone();
    if let Some(mode) = evc.mode() {
        // EVCAdmissionFailedVmActive: a host exposing features beyond the baseline cannot be
        // added while it has powered-on or suspended VMs.
        let own = new_host
            .masked
            .as_ref()
            .map_or(new_host.caps.present, |m| m.present);
        let beyond = own
            .intersection(crate::exposure::requirable_at(crate::check::MAX_VHW))
            .difference(mode.exposed);
        if !beyond.is_empty() && !new_host.is_fragment() {
            let known: Vec<&str> = vms
                .iter()
                .filter(|v| {
                    v.host
                        .as_deref()
                        .is_some_and(|h| h.eq_ignore_ascii_case(&new_host.name))
                })
                .filter(|v| v.power_state.as_deref().is_none_or(|p| p != "poweredOff"))
                .map(|v| v.name.as_str())
                .collect();
            warnings.push(format!(
                "{} exposes {} beyond {}: it can be added only with no powered-on or suspended VMs \
                 (EVCAdmissionFailedVmActive: \"Powered-on or suspended virtual machines on the host may be using CPU features \
                 hidden by that mode\"); power them off first (suspending is not enough). VMs evcalc knows there: {}; others on it block too",
                new_host.name,
                beyond.iter().take(8).map(|id| cat.def(id).key.as_str()).collect::<Vec<_>>().join(", "),
                mode.key,
                if known.is_empty() { "none loaded".to_string() } else { known.join(", ") }
            ));
        }
    }
    if new_host.is_fragment() {
        warnings.push(format!(
            "{} is a fragment: its EVC admission cannot be judged",
            new_host.name
        ));
    }
    let mode_text = evc.mode().map(|m| m.key.as_str()).unwrap_or("EVC disabled");
    let mut summary = match (&adm, can_join) {
        (_, Some(false))
            if !patch_missing.is_empty()
                && adm
                    .as_ref()
                    .is_none_or(|a| a.missing.len() == a.baseline_exposes.len()) =>
        {
            format!(
                "{} cannot join {}: the cluster's baseline exposes {} (shown by {}), which {} lacks — EVCAdmissionFailedCPUFeaturesForMode: \
             \"The host's CPU hardware should support the cluster's current Enhanced vMotion Compatibility mode, but some of the necessary \
             CPU features are missing from the host.\" Patch its ESXi and microcode first",
                new_host.name,
                mode_text,
                patch_missing.join(", "),
                findings
                    .iter()
                    .filter(|f| patch_missing.contains(&f.feature))
                    .flat_map(|f| f.baseline_hosts.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(", "),
                new_host.name
            )
        }
        (_, None) if !patch_open.is_empty() => format!(
            "{}: admission to {} not provable: whether the cluster's baseline exposes {} is not shown, and {} lacks {}",
            new_host.name,
            mode_text,
            patch_open.join(", "),
            new_host.name,
            if patch_open.len() == 1 { "it" } else { "them" }
        ),
        (Some(a), Some(false)) if a.vendor_mismatch => {
            format!(
                "{} cannot join {}: its CPU vendor differs from the mode's",
                new_host.name, mode_text
            )
        }
        (Some(a), Some(false)) => format!(
            "{} cannot join {}: it lacks {}",
            new_host.name,
            mode_text,
            a.missing
                .iter()
                .map(|f| f.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Some(_), Some(true)) => format!("{} can join {}", new_host.name, mode_text),
        (None, _) => format!(
            "{} can join (EVC disabled: no admission check)",
            new_host.name
        ),
        (_, None) => format!(
            "{}: admission to {} unknown (fragmentary data)",
            new_host.name, mode_text
        ),
    };
    summary.push_str(&format!(
        "; highest common mode {} → {}",
        before.map(|m| m.key.as_str()).unwrap_or("none"),
        after.map(|m| m.key.as_str()).unwrap_or("none")
    ));
    if !blocked.is_empty() {
        let mut keys: Vec<&str> = blocked
            .iter()
            .flat_map(|b| b.missing.iter().map(|m| m.canonical_key.as_str()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        summary.push_str(&format!(
            "; {} running VM(s) could not move to it (it lacks {})",
            blocked.len(),
            keys.join(", ")
        ));
    }
    AddHostReport {
        host: new_host.name.clone(),
        evc_mode: evc.key(),
        admission: adm,
        can_join,
        host_max_mode: key_of(host_max_mode(new_host, modes)),
        max_common_before: key_of(before),
        max_common_after: key_of(after),
        lowers_max_common: lowers,
        limiting_hosts: limiting(&all, after, modes),
        blocked_moves: blocked,
        summary,
        warnings,
    }
}

/// What the cluster's highest common mode becomes without `host_name`. `vms` (optional) are
/// listed when they run on that host.
pub fn remove_host(
    hosts: &[Host],
    host_name: &str,
    evc: EvcSetting<'_>,
    vms: &[Vm],
    modes: &ModeCatalogue,
) -> Result<RemoveHostReport, crate::check::NoSuchHost> {
    let Some(index) = hosts
        .iter()
        .position(|h| h.name.eq_ignore_ascii_case(host_name.trim()))
    else {
        return Err(crate::check::NoSuchHost {
            name: host_name.trim().to_string(),
            hosts: hosts.iter().map(|h| h.name.clone()).collect(),
        });
    };
    let removed = &hosts[index];
    let rest: Vec<Host> = hosts
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, h)| h.clone())
        .collect();
    let before = max_common_mode(hosts, modes);
    let after = max_common_mode(&rest, modes);
    let raises = match (before, after) {
        (Some(b), Some(a)) => a.key != b.key && b.is_at_most(a),
        (None, Some(_)) => true,
        _ => false,
    };
    let gained = match (before, after) {
        (Some(b), Some(a)) => refs(a.exposed.difference(b.exposed)),
        (None, Some(a)) => refs(a.exposed),
        _ => Vec::new(),
    };
    let vms_on_host: Vec<String> = vms
        .iter()
        .filter(|v| host_of(v, hosts).is_some_and(|h| std::ptr::eq(h, removed)))
        .map(|v| v.name.clone())
        .collect();
    let b = before.map(|m| m.key.as_str()).unwrap_or("none");
    let a = after.map(|m| m.key.as_str()).unwrap_or("none");
    let mut summary = if rest.is_empty() {
        format!("{} is the only host: no hosts remain", removed.name)
    } else if raises {
        format!(
            "without {} the highest common mode rises {b} → {a}",
            removed.name
        )
    } else if before.map(|m| &m.key) == after.map(|m| &m.key) {
        format!("without {} the highest common mode stays {a}", removed.name)
    } else {
        format!(
            "without {} the highest common mode changes {b} → {a}",
            removed.name
        )
    };
    if let Some(mode) = evc.mode()
        && raises
    {
        summary.push_str(&format!(
            " (the cluster stays at {} until you raise it)",
            mode.key
        ));
    }
    Ok(RemoveHostReport {
        host: removed.name.clone(),
        evc_mode: evc.key(),
        remaining_hosts: rest.iter().map(|h| h.name.clone()).collect(),
        max_common_before: key_of(before),
        max_common_after: key_of(after),
        raises_max_common: raises,
        gained_features: gained,
        limiting_hosts: limiting(&rest, after, modes),
        vms_on_host,
        summary,
    })
}

/// What happens when the cluster's EVC setting changes from `from` to `to`: host admission,
/// VMs needing a power cycle to see raised features, VMs blocking a lowering. `vms` are the
/// running VMs (powered-off ones are ignored); empty → one synthetic VM per host powered on
/// under `from`.
pub fn change_mode(
    hosts: &[Host],
    vms: &[Vm],
    from: EvcSetting<'_>,
    to: EvcSetting<'_>,
    modes: &ModeCatalogue,
) -> ChangeModeReport {
    let cat = catalogue();
    let direction = match (from.mode(), to.mode()) {
        (None, None) => Direction::Same,
        (None, Some(_)) => Direction::Enable,
        (Some(_), None) => Direction::Disable,
        (Some(f), Some(t)) if f.key == t.key => Direction::Same,
        (Some(f), Some(t)) if t.is_at_most(f) => Direction::Lower,
        (Some(f), Some(t)) if f.is_at_most(t) => Direction::Raise,
        _ => Direction::Incomparable,
    };
    let hosts_not_admitted: Vec<Admission> = match to.mode() {
        Some(m) => hosts
            .iter()
            .map(|h| admission(h, m))
            .filter(|a| a.admitted == Some(false))
            .collect(),
        None => Vec::new(),
    };
    let mut notes = Vec::new();
    for h in hosts.iter().filter(|h| h.is_fragment()) {
        notes.push(format!(
            "{} is a fragment: its admission cannot be judged",
            h.name
        ));
    }
    let requirable = cat.requirable();
    let identity: FeatureSet = cat
        .iter()
        .filter(|(_, d)| d.kind == Kind::Identity)
        .map(|(id, _)| id)
        .collect();
    let common_present = hosts
        .iter()
        .filter(|h| !h.is_fragment())
        .map(|h| h.caps.present)
        .reduce(FeatureSet::intersection)
        .unwrap_or_default();
    let mut needing = Vec::new();
    let mut blocking = Vec::new();
    for vm in running_vms(hosts, vms, from) {
        let uses = vm.requirements.required_features().difference(identity);
        let host = host_of(&vm, hosts);
        let mut could_see = match host {
            Some(h) => h.caps.present,
            None => {
                if vm.host.is_some() || !hosts.is_empty() {
                    notes.push(format!(
                        "{}: its host is not among the loaded hosts; features every host has are assumed",
                        vm.name
                    ));
                }
                common_present
            }
        };
        if let Some(m) = to.mode() {
            could_see = could_see.intersection(m.exposed);
        }
        if !vm.masks.is_empty() {
            could_see = could_see.intersection(masks_expose(&vm.masks));
        }
        let gained = could_see.intersection(requirable).difference(uses);
        if !gained.is_empty() {
            needing.push(VmFeatures {
                vm: vm.name.clone(),
                host: vm.host.clone(),
                requirements_from: requirements_from(&vm),
                features: refs(gained),
            });
        }
        if let Some(m) = to.mode() {
            let hidden = uses.intersection(requirable).difference(m.exposed);
            if !hidden.is_empty() {
                blocking.push(VmFeatures {
                    vm: vm.name.clone(),
                    host: vm.host.clone(),
                    requirements_from: requirements_from(&vm),
                    features: refs(hidden),
                });
            }
        }
    }
    let (added, removed) = match (from.mode(), to.mode()) {
        (Some(f), Some(t)) => (
            refs(t.exposed.difference(f.exposed)),
            refs(f.exposed.difference(t.exposed)),
        ),
        (None, Some(t)) => (
            Vec::new(),
            refs(
                common_present
                    .intersection(requirable)
                    .difference(t.exposed),
            ),
        ),
        (Some(f), None) => (
            refs(
                common_present
                    .intersection(requirable)
                    .difference(f.exposed),
            ),
            Vec::new(),
        ),
        (None, None) => (Vec::new(), Vec::new()),
    };
    if direction == Direction::Disable {
        notes.push(
            "with EVC disabled each VM sees all features of the host it powers on on".to_string(),
        );
    }
    let allowed = hosts_not_admitted.is_empty() && blocking.is_empty();
    let f = from
        .mode()
        .map(|m| m.key.as_str())
        .unwrap_or("EVC disabled");
    let t = to.mode().map(|m| m.key.as_str()).unwrap_or("EVC disabled");
    let mut parts = Vec::new();
    if !hosts_not_admitted.is_empty() {
        parts.push(format!(
            "{} host(s) cannot be admitted ({})",
            hosts_not_admitted.len(),
            hosts_not_admitted
                .iter()
                .map(|a| a.host.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !blocking.is_empty() {
        parts.push(format!(
            "{} running VM(s) use features {t} hides and must be powered off first",
            blocking.len()
        ));
    }
    let mut summary = if allowed {
        format!("{f} → {t} ({}): possible now", direction_word(direction))
    } else {
        format!(
            "{f} → {t} ({}): not possible now: {}",
            direction_word(direction),
            parts.join("; ")
        )
    };
    if !needing.is_empty() {
        summary.push_str(&format!(
            "; {} running VM(s) see the added features only after a full power cycle",
            needing.len()
        ));
    }
    ChangeModeReport {
        from: from.key(),
        to: to.key(),
        direction,
        allowed,
        hosts_not_admitted,
        vms_needing_power_cycle: needing,
        vms_blocking: blocking,
        features_added: added,
        features_removed: removed,
        max_common_mode: key_of(max_common_mode(hosts, modes)),
        summary,
        notes,
    }
}

fn direction_word(d: Direction) -> &'static str {
    match d {
        Direction::Raise => "raise",
        Direction::Lower => "lower",
        Direction::Same => "no change",
        Direction::Enable => "enable EVC",
        Direction::Disable => "disable EVC",
        Direction::Incomparable => "switch to an incomparable mode",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evc::builtin_modes;
    use crate::input::Pos;

    fn host(name: &str, keys: &[&str]) -> Host {
        let input = HostInput {
            capabilities: keys
                .iter()
                .map(|k| Entry {
                    key: format!("cpuid.{k}"),
                    value: 1,
                    pos: Pos::default(),
                })
                .collect(),
            ..HostInput::default()
        };
        Host::from_input(&input, name, name)
    }

    fn mode_keys(key: &str) -> Vec<String> {
        let m = builtin_modes().get(key).unwrap();
        // A host of the mode has its admission set and the baseline features whose admission role is unproven.
        m.required
            .union(m.admission_unproven)
            .iter()
            .map(|id| catalogue().def(id).key["cpuid.".len()..].to_string())
            .collect()
    }

    fn host_at(name: &str, mode: &str, extra: &[&str]) -> Host {
        let mut keys = mode_keys(mode);
        keys.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        host(name, &refs)
    }

    #[test]
    fn overrides() {
        assert_eq!(
            parse_override("MDCLEAR=1").unwrap(),
            Override {
                key: "cpuid.MDCLEAR".into(),
                value: 1
            }
        );
        assert_eq!(parse_override("cpuid.FAMILY=0x19").unwrap().value, 0x19);
        assert!(parse_override("cpuid.MDCLEAR").is_err());
        assert!(parse_override("cpuid.MDCLEAR=yes").is_err());
        let mut input = HostInput {
            capabilities: vec![Entry {
                key: "cpuid.mdclear".into(),
                value: 0,
                pos: Pos::default(),
            }],
            ..HostInput::default()
        };
        let notes = apply_overrides(
            &mut input,
            &[
                parse_override("cpuid.MDCLEAR=1").unwrap(),
                parse_override("vpmc.x=3").unwrap(),
            ],
        );
        assert_eq!(notes[0], "override cpuid.MDCLEAR: 0 → 1");
        assert!(notes[1].contains("not in evcalc's feature catalogue"));
        assert_eq!(input.capabilities.len(), 2);
        let mut h = host("a", &["Intel", "SSE3"]);
        let notes = apply_overrides_to_host(
            &mut h,
            &[
                parse_override("MDCLEAR=1").unwrap(),
                parse_override("SSE3=0").unwrap(),
            ],
        );
        assert_eq!(
            notes,
            [
                "override cpuid.MDCLEAR: 0 → 1",
                "override cpuid.SSE3: 1 → 0"
            ]
        );
        assert!(h.caps.present.contains(fid::MDCLEAR));
        assert!(!h.caps.present.contains(fid::SSE3));
        assert_eq!(h.warnings.len(), 2);
    }

    #[test]
    fn add_remove_and_change() {
        let modes = builtin_modes();
        let a = host_at("a", "intel-broadwell", &["MDCLEAR"]);
        let b = host_at("b", "intel-broadwell", &[]);
        let old = host_at("old", "intel-haswell", &[]);
        let hsw = modes.get("intel-haswell").unwrap();
        let bdw = modes.get("intel-broadwell").unwrap();
        let hosts = vec![a.clone(), b.clone()];

        let r = add_host(&hosts, &old, EvcSetting::Mode(bdw), &[], modes);
        assert_eq!(r.can_join, Some(false));
        assert!(r.lowers_max_common);
        assert_eq!(r.max_common_after.as_deref(), Some("intel-haswell"));
        assert_eq!(r.limiting_hosts, ["old"]);
        let missing: Vec<&str> = r
            .admission
            .as_ref()
            .unwrap()
            .missing
            .iter()
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(
            missing,
            [
                "cpuid.3DNPREFETCH",
                "cpuid.ADX",
                "cpuid.RDSEED",
                "cpuid.SMAP"
            ]
        );
        assert_eq!(r.blocked_moves.len(), 2, "{:?}", r.blocked_moves);
        assert!(
            serde_json::to_string(&r)
                .unwrap()
                .contains("\"can_join\":false")
        );

        let mut three = hosts.clone();
        three.push(old.clone());
        let r = remove_host(&three, "OLD", EvcSetting::Mode(hsw), &[], modes).unwrap();
        assert!(r.raises_max_common);
        assert_eq!(r.max_common_after.as_deref(), Some("intel-broadwell"));
        assert!(r.gained_features.iter().any(|f| f.key == "cpuid.SMAP"));
        assert!(remove_host(&three, "nope", EvcSetting::Mode(hsw), &[], modes).is_err());

        // Raise haswell → broadwell: VMs keep Haswell features until power-cycled.
        let r = change_mode(
            &hosts,
            &[],
            EvcSetting::Mode(hsw),
            EvcSetting::Mode(bdw),
            modes,
        );
        assert_eq!(r.direction, Direction::Raise);
        assert!(r.allowed);
        assert_eq!(r.vms_needing_power_cycle.len(), 2);
        assert!(
            r.vms_needing_power_cycle[0]
                .features
                .iter()
                .any(|f| f.key == "cpuid.ADX")
        );
        // Lower broadwell → haswell with VMs powered on under broadwell: blocked.
        let r = change_mode(
            &hosts,
            &[],
            EvcSetting::Mode(bdw),
            EvcSetting::Mode(hsw),
            modes,
        );
        assert_eq!(r.direction, Direction::Lower);
        assert!(!r.allowed);
        assert_eq!(r.vms_blocking.len(), 2);
        // Raise to a mode a host cannot join.
        let skl = modes.get("intel-skylake").unwrap();
        let r = change_mode(
            &hosts,
            &[],
            EvcSetting::Mode(bdw),
            EvcSetting::Mode(skl),
            modes,
        );
        assert_eq!(r.hosts_not_admitted.len(), 2);
        assert!(!r.allowed);
        // Powered-off VMs do not block.
        let mut vm = power_on(&a, EvcSetting::Mode(bdw), None);
        vm.power_state = Some("poweredOff".into());
        let r = change_mode(
            &hosts,
            &[vm],
            EvcSetting::Mode(bdw),
            EvcSetting::Mode(hsw),
            modes,
        );
        assert!(r.allowed, "{}", r.summary);
        // Enabling EVC under VMs that saw everything: they block.
        let r = change_mode(
            &hosts,
            &[],
            EvcSetting::Disabled,
            EvcSetting::Mode(hsw),
            modes,
        );
        assert_eq!(r.direction, Direction::Enable);
        assert!(!r.allowed);
        let amd = modes.get("amd-zen").unwrap();
        let r = change_mode(
            &hosts,
            &[],
            EvcSetting::Mode(hsw),
            EvcSetting::Mode(amd),
            modes,
        );
        assert_eq!(r.direction, Direction::Incomparable);
        assert!(r.hosts_not_admitted.iter().all(|a| a.vendor_mismatch));
    }
}

// ---------------------------------------------------------------------------------------------
// Moves between clusters

/// How a VM that cannot move live gets into the new cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum WayKind {
    /// Power off, migrate, power on in the new cluster.
    ColdMigration,
    /// Set a per-VM EVC mode (VM powered off), power on in the old cluster, then move live.
    PerVmEvc,
    /// Lower (or enable) the old cluster's EVC mode, then move live.
    LowerOldMode,
}

/// One way through for a VM that cannot move live, with its cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct WayThrough {
    /// Which way.
    pub kind: WayKind,
    /// Whether this way is open for the VM: `Some(false)` refused (see `refused`), `None` when
    /// evcalc cannot prove the live move that follows it.
    pub possible: Option<bool>,
    /// The EVC mode it uses (per-VM mode or the old cluster's lowered mode).
    pub mode: Option<String>,
    /// What to do, in words.
    pub action: String,
    /// What it costs: power-offs, downtime, lasting effects.
    pub cost: String,
    /// Why it is not possible, when it is not.
    pub refused: Option<String>,
    /// Set when it hides mitigations from the guest: a security downgrade, in words.
    pub security_downgrade: Option<String>,
    /// Patch-era mitigations the guest loses (`cpuid.MDCLEAR`, …).
    pub mitigations_lost: Vec<String>,
    /// New hosts that would accept the VM afterwards (per-VM EVC, lowered mode).
    pub accepted_by: Vec<String>,
}

/// New hosts that block a VM for the same reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct DestinationBlock {
    /// New hosts with exactly these blockers.
    pub hosts: Vec<String>,
    /// Unmet requirements (the first host's values; the keys are the same for every host listed).
    pub missing: Vec<Missing>,
    /// The VM's virtual hardware is above these hosts' maximum.
    pub vhw_blocker: Option<String>,
    /// The hosts cannot join the new cluster's EVC mode at all.
    pub not_admitted: Option<String>,
}

/// One VM (or "any VM powered on on X", one per vHW band) of the old cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct MoveIntoVm {
    /// The VM, or "any VM powered on on …".
    pub vm: String,
    /// Its host in the old cluster, when known.
    pub from: Option<String>,
    /// `input` or how its requirements were computed.
    pub requirements_from: String,
    /// Its virtual hardware version, when known.
    pub vhw: Option<u8>,
    /// The band of virtual hardware versions it stands for (computed VMs).
    pub vhw_band: Option<(u8, u8)>,
    /// Compatible when some new host is proven to accept it live, blocked when every new host
    /// blocks it, else unknown.
    pub verdict: Verdict,
    /// New hosts that accept it live.
    pub accepted_by: Vec<String>,
    /// New hosts where nothing shown blocks it but the data leaves requirements unchecked.
    pub unknown_on: Vec<(String, Vec<String>)>,
    /// New hosts that block it, grouped by identical blockers.
    pub blocked_on: Vec<DestinationBlock>,
    /// Every blocking feature key over all new hosts, deduplicated.
    pub blocking_features: Vec<String>,
    /// For a VM that cannot move live (blocked or unknown): the ways through, cheapest first.
    pub ways: Vec<WayThrough>,
    /// One sentence.
    pub summary: String,
}

/// Answer to "can the VMs of this cluster move live into that one?" (cross-cluster or
/// cross-vCenter vMotion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct MoveIntoReport {
    /// The old cluster's EVC mode (`null` = disabled).
    pub from_evc: Option<String>,
    /// The new cluster's EVC mode (`null` = disabled).
    pub to_evc: Option<String>,
    /// The old cluster's hosts.
    pub old_hosts: Vec<String>,
    /// The new cluster's hosts.
    pub new_hosts: Vec<String>,
    /// Whether the VMs are computed ("any VM powered on on X") rather than given.
    pub computed_vms: bool,
    /// One entry per VM (or per band of "any VM").
    pub vms: Vec<MoveIntoVm>,
    /// Worst proven over the VMs: blocked if any is blocked, else unknown if any is unknown.
    pub verdict: Verdict,
    /// One sentence.
    pub summary: String,
    /// What a person should know about the move.
    pub notes: Vec<String>,
}

const PER_VM_EVC_MIN_VHW: u8 = 14;

fn patch_key_name(key: &str) -> String {
    match key
        .trim_start_matches("cpuid.")
        .to_ascii_uppercase()
        .as_str()
    {
        "MDCLEAR" => "MD_CLEAR (the MDS mitigation)".to_string(),
        k @ ("IBRS" | "IBPB" | "STIBP") => format!("{k} (a Spectre v2 mitigation)"),
        "SSBD" => "SSBD (the Speculative Store Bypass mitigation)".to_string(),
        "FCMD" => "FLUSH_CMD (the L1TF mitigation)".to_string(),
        other => other.to_string(),
    }
}

fn vendor_of(host: &Host, evc: EvcSetting<'_>) -> Option<crate::evc::Vendor> {
    evc.mode().map(|m| m.vendor).or(host.vendor)
}

/// The outcome of one VM against every new host.
struct Outcome<'h> {
    verdict: Verdict,
    accepted: Vec<String>,
    unknown: Vec<(String, Vec<String>)>,
    /// The blocked checks, each with its destination's admission.
    blocked: Vec<(crate::check::Outcome<'h>, Option<Admission>)>,
}

fn try_hosts<'h>(vm: &Vm, new_hosts: &'h [Host], new_evc: EvcSetting<'_>) -> Outcome<'h> {
    let mut out = Outcome {
        verdict: Verdict::Blocked,
        accepted: Vec::new(),
        unknown: Vec::new(),
        blocked: Vec::new(),
    };
    for h in new_hosts {
        let p = Prepared::of(h, new_evc);
        let r = check_outcome(vm, &p);
        match r.verdict {
            Verdict::Compatible => out.accepted.push(h.name.clone()),
            Verdict::Unknown => out.unknown.push((
                h.name.clone(),
                r.unknown
                    .iter()
                    .map(|u| format!("{}: {}", u.key, u.why))
                    .collect(),
            )),
            Verdict::Blocked => out.blocked.push((r, p.admission().cloned())),
        }
    }
    out.verdict = if !out.accepted.is_empty() {
        Verdict::Compatible
    } else if !out.unknown.is_empty() || new_hosts.is_empty() {
        Verdict::Unknown
    } else {
        Verdict::Blocked
    };
    out
}

fn group_blocks(
    blocked: &[(crate::check::Outcome<'_>, Option<Admission>)],
) -> Vec<DestinationBlock> {
    let mut groups: Vec<(Vec<String>, DestinationBlock)> = Vec::new();
    for (r, admission) in blocked {
        let not_admitted = admission
            .as_ref()
            .filter(|a| a.admitted == Some(false))
            .map(|a| {
                if a.vendor_mismatch {
                    format!("cannot join {}: CPU vendor differs", a.mode)
                } else {
                    format!(
                        "cannot join {}: lacks {}",
                        a.mode,
                        a.missing
                            .iter()
                            .map(|f| f.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            });
        let mut sig: Vec<String> = r.missing_keys().map(str::to_string).collect();
        sig.push(format!("vhw:{}", r.vhw_blocker.is_some()));
        sig.push(format!("adm:{}", not_admitted.as_deref().unwrap_or("")));
        if let Some((_, g)) = groups.iter_mut().find(|(s, _)| *s == sig) {
            g.hosts.push(r.to.to_string());
            continue;
        }
        groups.push((
            sig,
            DestinationBlock {
                hosts: vec![r.to.to_string()],
                missing: r.missing_entries().cloned().collect(),
                vhw_blocker: r.vhw_blocker.as_deref().map(str::to_string),
                not_admitted,
            },
        ));
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// The given VMs of the old cluster, or "any VM powered on on X" per old host and vHW band.
fn old_cluster_vms(
    old_hosts: &[Host],
    old_evc: EvcSetting<'_>,
    new_hosts: &[Host],
    vms: &[Vm],
    vhw: Option<u8>,
    notes: &mut Vec<String>,
) -> Vec<Vm> {
    if !vms.is_empty() {
        return vms.iter().filter(|v| is_running(v)).cloned().collect();
    }
    let mut breaks: Vec<u8> = new_hosts.iter().filter_map(|h| h.max_vhw).collect();
    breaks.sort_unstable();
    breaks.dedup();
    let mut out = Vec::new();
    for h in old_hosts {
        if h.is_fragment() {
            notes.push(format!(
                "{} is a fragment: what VMs powered on there see cannot be computed",
                h.name
            ));
            continue;
        }
        out.extend(crate::check::power_on_bands(h, old_evc, None, vhw, &breaks));
    }
    out
}

/// The VM as it would be after a power cycle in the old cluster under `cluster` and `per_vm`.
fn recomputed(
    vm: &Vm,
    old_hosts: &[Host],
    cluster: EvcSetting<'_>,
    per_vm: Option<&EvcMode>,
    min_vhw: u8,
) -> Option<Vm> {
    let host = host_of(vm, old_hosts).or_else(|| old_hosts.iter().find(|h| !h.is_fragment()))?;
    let vhw = vm
        .vhw
        .unwrap_or(host.max_vhw.unwrap_or(crate::check::MAX_VHW));
    let mut v = crate::check::power_on_at(host, cluster, per_vm, Some(vhw.max(min_vhw)));
    v.name = vm.name.clone();
    v.vhw_from = vm.vhw_from;
    v.vhw_band = vm.vhw_band;
    Some(v)
}

/// Patch-era features `before` requires or may require that `after` does not.
fn lost_mitigations(before: &Vm, after: &Vm) -> Vec<String> {
    let patch = crate::exposure::patch_era();
    let had = before
        .requirements
        .required_features()
        .union(before.maybe)
        .intersection(patch);
    let keeps = after
        .requirements
        .required_features()
        .union(after.maybe)
        .intersection(patch);
    had.difference(keeps)
        .iter()
        .map(|id| catalogue().def(id).key.clone())
        .collect()
}

/// The highest mode (same vendor, at most `ceiling`, and at most the new cluster's mode when
/// `new_cap`) whose exposed set excludes `blockers` and after which some new host accepts the
/// VM. Returns the mode, the recomputed VM and the outcome.
#[allow(clippy::too_many_arguments)]
fn find_mode<'m, 'h>(
    vm: &Vm,
    old_hosts: &[Host],
    new_hosts: &'h [Host],
    new_evc: EvcSetting<'_>,
    vendor: Option<crate::evc::Vendor>,
    ceiling: Option<&EvcMode>,
    blockers: FeatureSet,
    modes: &'m ModeCatalogue,
    per_vm: bool,
    old_evc: EvcSetting<'_>,
) -> Option<(&'m EvcMode, Vm, Outcome<'h>)> {
    let mut candidates: Vec<&EvcMode> = modes
        .modes
        .iter()
        .filter(|m| vendor.is_none_or(|v| m.vendor == v))
        .filter(|m| ceiling.is_none_or(|c| m.is_at_most(c)))
        .filter(|m| !per_vm || new_evc.mode().is_none_or(|n| m.is_at_most(n)))
        .filter(|m| m.exposed.intersection(blockers).is_empty())
        .collect();
    candidates.sort_by_key(|m| std::cmp::Reverse((m.tier, m.exposed.len())));
    let mut fallback = None;
    for m in candidates {
        let v = if per_vm {
            recomputed(vm, old_hosts, old_evc, Some(m), PER_VM_EVC_MIN_VHW)?
        } else {
            recomputed(vm, old_hosts, EvcSetting::Mode(m), None, 0)?
        };
        let o = try_hosts(&v, new_hosts, new_evc);
        match o.verdict {
            Verdict::Compatible => return Some((m, v, o)),
            Verdict::Unknown if fallback.is_none() => fallback = Some((m, v, o)),
            _ => {}
        }
    }
    fallback
}

#[allow(clippy::too_many_arguments)]
fn ways_through(
    vm: &Vm,
    outcome: &Outcome,
    blockers: FeatureSet,
    old_hosts: &[Host],
    old_evc: EvcSetting<'_>,
    new_hosts: &[Host],
    new_evc: EvcSetting<'_>,
    modes: &ModeCatalogue,
) -> Vec<WayThrough> {
    let old_host = host_of(vm, old_hosts).or_else(|| old_hosts.first());
    let vendor = old_host.and_then(|h| vendor_of(h, old_evc));
    let mut ways = Vec::new();

    // (a) Cold migration.
    let same_vendor: Vec<&Host> = new_hosts
        .iter()
        .filter(|h| match (vendor, vendor_of(h, new_evc)) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        })
        .collect();
    let fits: Vec<&Host> = same_vendor
        .iter()
        .copied()
        .filter(|h| match (vm.vhw, h.max_vhw) {
            (Some(v), Some(max)) => v <= max,
            _ => true,
        })
        .collect();
    let cold_refused = if same_vendor.is_empty() {
        Some("every new host has the other CPU vendor: evcalc does not plan a move across Intel and AMD (the guest OS would boot on a different CPU family; reinstall or rebuild instead)".to_string())
    } else if fits.is_empty() {
        let v = vm.vhw.unwrap_or(0);
        Some(format!(
            "the VM's vmx-{v} needs {} or later and no new host runs it: upgrade the new hosts' ESXi first",
            crate::esxi::first_release_for(v)
        ))
    } else {
        None
    };
    let vhw_unknown_note = if vm.vhw.is_none() || fits.iter().any(|h| h.max_vhw.is_none()) {
        " (the VM's virtual hardware must not exceed the new hosts' maximum; not fully shown)"
    } else {
        ""
    };
    ways.push(WayThrough {
        kind: WayKind::ColdMigration,
        possible: Some(cold_refused.is_none()),
        mode: None,
        action: format!(
            "power {} off, migrate it to {}, power it on there{vhw_unknown_note}",
            vm.name,
            crate::names::host_list(&fits.iter().map(|h| h.name.clone()).collect::<Vec<_>>())
        ),
        cost: "one power-off for the length of the migration (storage included if it moves too); it then sees the new cluster's features, no security downgrade".to_string(),
        refused: cold_refused,
        security_downgrade: None,
        mitigations_lost: Vec::new(),
        accepted_by: fits.iter().map(|h| h.name.clone()).collect(),
    });

    // (b) Per-VM EVC.
    let old_max = old_hosts.iter().filter_map(|h| h.max_vhw).min();
    let new_max = new_hosts.iter().filter_map(|h| h.max_vhw).max();
    let per_vm_refused = if vendor.is_none() {
        Some("the old hosts' CPU vendor is not shown".to_string())
    } else if old_max.is_some_and(|m| m < PER_VM_EVC_MIN_VHW)
        || new_max.is_some_and(|m| m < PER_VM_EVC_MIN_VHW)
    {
        Some("per-VM EVC needs vSphere 6.7 or later (vmx-14) on both clusters' hosts".to_string())
    } else {
        None
    };
    let per_vm = match per_vm_refused {
        Some(r) => Err(r),
        None => find_mode(
            vm,
            old_hosts,
            new_hosts,
            new_evc,
            vendor,
            old_evc.mode(),
            blockers,
            modes,
            true,
            old_evc,
        )
        .ok_or_else(|| {
            "no EVC mode at or below the old cluster's hides every blocking feature and lets a new host accept the VM".to_string()
        }),
    };
    ways.push(match per_vm {
        Ok((m, after, o)) => {
            let lost = lost_mitigations(vm, &after);
            let upgrade = if vm.vhw.is_none_or(|v| v < PER_VM_EVC_MIN_VHW) {
                format!(
                    " (and upgrade its virtual hardware to vmx-{PER_VM_EVC_MIN_VHW} or later if it is older)"
                )
            } else {
                String::new()
            };
            WayThrough {
                kind: WayKind::PerVmEvc,
                possible: Some(true).filter(|_| o.verdict == Verdict::Compatible),
                mode: Some(m.key.clone()),
                action: format!(
                    "power {} off, set its per-VM EVC mode to {}{upgrade}, power it on in the old cluster, then vMotion it live to {}",
                    vm.name,
                    m.key,
                    crate::names::host_list(&if o.accepted.is_empty() {
                        o.unknown.iter().map(|u| u.0.clone()).collect::<Vec<_>>()
                    } else {
                        o.accepted.clone()
                    })
                ),
                cost: format!(
                    "one power-off to set it (vSphere 6.7+, vmx-14+); the guest sees only {}'s features until the per-VM mode is removed (another power-off); later moves between both clusters stay live",
                    m.key
                ),
                refused: None,
                security_downgrade: (!lost.is_empty()).then(|| {
                    format!(
                        "a security downgrade: the guest loses {}",
                        lost.iter()
                            .map(|k| patch_key_name(k))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
                mitigations_lost: lost,
                accepted_by: o.accepted,
            }
        }
        Err(r) => WayThrough {
            kind: WayKind::PerVmEvc,
            possible: Some(false),
            mode: None,
            action: format!("set a per-VM EVC mode on {}", vm.name),
            cost: "one power-off to set it (vSphere 6.7+, vmx-14+)".to_string(),
            refused: Some(r),
            security_downgrade: None,
            mitigations_lost: Vec::new(),
            accepted_by: Vec::new(),
        },
    });

    // (c) Lowering the old cluster's mode.
    let lowered = find_mode(
        vm,
        old_hosts,
        new_hosts,
        new_evc,
        vendor,
        old_evc.mode(),
        blockers,
        modes,
        false,
        old_evc,
    )
    .filter(|(m, _, _)| old_evc.mode().is_none_or(|o| o.key != m.key));
    let from = old_evc
        .mode()
        .map(|m| m.key.clone())
        .unwrap_or_else(|| "EVC disabled".to_string());
    ways.push(match lowered {
        Some((m, after, o)) => {
            let lost = lost_mitigations(vm, &after);
            WayThrough {
                kind: WayKind::LowerOldMode,
                possible: Some(true).filter(|_| o.verdict == Verdict::Compatible),
                mode: Some(m.key.clone()),
                action: format!(
                    "change the old cluster's EVC mode {from} → {}, power {} on again there, then vMotion it live",
                    m.key, vm.name
                ),
                cost: format!(
                    "vCenter refuses the change while any VM runs above {} (ActiveVMsBlockingEVC): every such VM of the old cluster, this one included, must be powered off first — never cheaper than cold migration for them; it also hides {}'s newer features from every VM of the old cluster",
                    m.key, from
                ),
                refused: None,
                security_downgrade: (!lost.is_empty()).then(|| {
                    format!(
                        "a security downgrade: the guest loses {}",
                        lost.iter()
                            .map(|k| patch_key_name(k))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
                mitigations_lost: lost,
                accepted_by: o.accepted,
            }
        }
        None => WayThrough {
            kind: WayKind::LowerOldMode,
            possible: Some(false),
            mode: None,
            action: "lower the old cluster's EVC mode".to_string(),
            cost: "needs every VM above the new mode powered off first (ActiveVMsBlockingEVC): never cheaper than cold migration for them".to_string(),
            refused: Some(format!(
                "no EVC mode below {from} hides every blocking feature and lets a new host accept the VM"
            )),
            security_downgrade: None,
            mitigations_lost: Vec::new(),
            accepted_by: Vec::new(),
        },
    });
    let _ = outcome;
    // Open ways first, in the order above (cheapest first).
    ways.sort_by_key(|w| match w.possible {
        Some(true) => 0,
        None => 1,
        Some(false) => 2,
    });
    ways
}

/// Can the VMs of the old cluster (`old_hosts` under `old_evc`) move live into the new cluster
/// (`new_hosts` under `new_evc`)?
///
/// `vms` are the old cluster's VMs (their requirements are checked; powered-off ones are
/// skipped); when empty, one "any VM powered on on X" per old host and per band of virtual
/// hardware versions (the new hosts' maxima are band breaks; `vhw` picks one version). Each is
/// checked feature by feature against every new host's EVC-effective capabilities and vHW
/// maximum ([`crate::check::check_outcome`] under `new_evc`) — never by mode rank: patch-era drift, custom modes,
/// features newer CPUs dropped (MPX, TSX) and Intel↔AMD break rank reasoning (evc-domain.md
/// §5.3). For each VM that cannot move live, the ways through, cheapest first: cold migration,
/// per-VM EVC, lowering the old cluster's mode.
///
/// Patch-era exposure comes from each host's evidence: call
/// [`crate::exposure::resolve_cluster`] on each cluster's hosts first.
pub fn move_into(
    old_hosts: &[Host],
    old_evc: EvcSetting<'_>,
    new_hosts: &[Host],
    new_evc: EvcSetting<'_>,
    vms: &[Vm],
    vhw: Option<u8>,
    modes: &ModeCatalogue,
) -> MoveIntoReport {
    let cat = catalogue();
    let mut notes = Vec::new();
    let computed_vms = vms.is_empty();
    let list = old_cluster_vms(old_hosts, old_evc, new_hosts, vms, vhw, &mut notes);
    if let Some(m) = new_evc.mode() {
        for h in new_hosts {
            let a = admission(h, m);
            if a.admitted == Some(false) {
                notes.push(format!(
                    "{} cannot join the new cluster's mode {}: it accepts no VM",
                    h.name, m.key
                ));
            }
        }
    }
    let mut out_vms = Vec::new();
    for vm in &list {
        let o = try_hosts(vm, new_hosts, new_evc);
        let blocked_on = group_blocks(&o.blocked);
        let mut blocking_features: Vec<String> = Vec::new();
        for (r, _) in &o.blocked {
            for m in r.missing_entries() {
                if !blocking_features.contains(&m.canonical_key) {
                    blocking_features.push(m.canonical_key.clone());
                }
            }
        }
        let blockers: FeatureSet = blocking_features
            .iter()
            .filter_map(|k| cat.lookup(k))
            .collect();
        let ways = if o.verdict == Verdict::Compatible {
            Vec::new()
        } else {
            ways_through(
                vm, &o, blockers, old_hosts, old_evc, new_hosts, new_evc, modes,
            )
        };
        let summary = match o.verdict {
            Verdict::Compatible => format!(
                "{} can move live to {}",
                vm.name,
                crate::names::host_list(&o.accepted)
            ),
            Verdict::Blocked if blocking_features.is_empty() => format!(
                "{} cannot move live: no new host accepts it (EVC admission or virtual hardware)",
                vm.name
            ),
            Verdict::Blocked => format!(
                "{} cannot move live into the new cluster: it requires {}",
                vm.name,
                blocking_features.join(", ")
            ),
            Verdict::Unknown => format!(
                "{} may move live to {}, but the data leaves requirements unchecked",
                vm.name,
                crate::names::host_list(&o.unknown.iter().map(|u| u.0.clone()).collect::<Vec<_>>())
            ),
        };
        out_vms.push(MoveIntoVm {
            vm: vm.name.clone(),
            from: vm.host.clone(),
            requirements_from: requirements_from(vm),
            vhw: vm.vhw,
            vhw_band: vm.vhw_band,
            verdict: o.verdict,
            accepted_by: o.accepted,
            unknown_on: o.unknown,
            blocked_on,
            blocking_features,
            ways,
            summary,
        });
    }
    if list.is_empty() {
        notes.push("no running VM and no complete old host: nothing to move".to_string());
    }
    // Nothing computed proves nothing: with no VM and no complete old host, the move is unknown
    // (never "every VM group can move live" over an empty list).
    let verdict = if out_vms.is_empty() {
        Verdict::Unknown
    } else {
        crate::check::worst(out_vms.iter().map(|v| v.verdict))
    };
    let blocked = out_vms
        .iter()
        .filter(|v| v.verdict == Verdict::Blocked)
        .count();
    let unknown = out_vms
        .iter()
        .filter(|v| v.verdict == Verdict::Unknown)
        .count();
    let what = if computed_vms { "VM group" } else { "VM" };
    let f = old_evc
        .mode()
        .map(|m| m.key.as_str())
        .unwrap_or("EVC disabled");
    let t = new_evc
        .mode()
        .map(|m| m.key.as_str())
        .unwrap_or("EVC disabled");
    let summary = match verdict {
        _ if out_vms.is_empty() => format!(
            "nothing of the old cluster ({f}) could be checked against the new one ({t}): no running VM and no \
             complete host dump (paste `vim-cmd hostsvc/hostconfig` of an old host, or its VMs' \
             `vim-cmd vmsvc/get.runtime`)"
        ),
        Verdict::Compatible => {
            format!("every {what} of the old cluster ({f}) can move live into the new one ({t})")
        }
        Verdict::Blocked => format!(
            "{blocked} of {} {what}s of the old cluster ({f}) cannot move live into the new one ({t}); cold migration or per-VM EVC gets them through",
            out_vms.len()
        ),
        Verdict::Unknown => format!(
            "nothing shown blocks the move {f} → {t}, but {unknown} of {} {what}s are not proven: the data leaves requirements unchecked",
            out_vms.len()
        ),
    };
    MoveIntoReport {
        from_evc: old_evc.key(),
        to_evc: new_evc.key(),
        old_hosts: old_hosts.iter().map(|h| h.name.clone()).collect(),
        new_hosts: new_hosts.iter().map(|h| h.name.clone()).collect(),
        computed_vms,
        vms: out_vms,
        verdict,
        summary,
        notes,
    }
}

#[cfg(test)]
mod move_into_tests {
    use super::*;
    use crate::evc::builtin_modes;
    use crate::input::{Entry, Pos};

    fn host_at(name: &str, mode: &str) -> Host {
        let m = builtin_modes().get(mode).unwrap();
        // A host of the mode: its admission set and the features whose admission role is unproven.
        let input = HostInput {
            capabilities: m
                .required
                .union(m.admission_unproven)
                .iter()
                .map(|id| Entry {
                    key: catalogue().def(id).key.clone(),
                    value: 1,
                    pos: Pos::default(),
                })
                .collect(),
            ..HostInput::default()
        };
        Host::from_input(&input, name, name)
    }

    #[test]
    fn move_into_checks_features_not_ranks() {
        let modes = builtin_modes();
        let bdw = EvcSetting::Mode(modes.get("intel-broadwell").unwrap());
        let hsw = EvcSetting::Mode(modes.get("intel-haswell").unwrap());
        let old = [host_at("old01", "intel-broadwell")];
        // Broadwell hardware in a Haswell cluster.
        let new = [host_at("new01", "intel-broadwell")];
        let r = move_into(&old, bdw, &new, hsw, &[], None, modes);
        assert_eq!(r.verdict, Verdict::Blocked, "{}", r.summary);
        let vm = r.vms.last().unwrap(); // the newest vHW band sees ADX (vmx-11+)
        assert!(vm.blocking_features.iter().any(|k| k == "cpuid.ADX"));
        assert_eq!(vm.ways[0].kind, WayKind::ColdMigration);
        assert_eq!(vm.ways[0].possible, Some(true));
        let per_vm = vm
            .ways
            .iter()
            .find(|w| w.kind == WayKind::PerVmEvc)
            .unwrap();
        assert_eq!(per_vm.mode.as_deref(), Some("intel-haswell"));
        assert_eq!(per_vm.accepted_by, ["new01"]);
        let lower = vm
            .ways
            .iter()
            .find(|w| w.kind == WayKind::LowerOldMode)
            .unwrap();
        assert!(lower.cost.contains("ActiveVMsBlockingEVC"));
        // The other way round: nothing blocks.
        let r = move_into(&new, hsw, &old, bdw, &[], None, modes);
        assert_eq!(r.verdict, Verdict::Compatible, "{}", r.summary);
        assert!(r.vms.iter().all(|v| v.ways.is_empty()));
        // Intel → AMD: no way through but a rebuild.
        let zen = EvcSetting::Mode(modes.get("amd-zen").unwrap());
        let amd = [host_at("amd01", "amd-zen")];
        let r = move_into(&old, bdw, &amd, zen, &[], None, modes);
        assert_eq!(r.verdict, Verdict::Blocked);
        let cold = &r.vms[0]
            .ways
            .iter()
            .find(|w| w.kind == WayKind::ColdMigration)
            .unwrap();
        assert_eq!(cold.possible, Some(false));
    }
}
