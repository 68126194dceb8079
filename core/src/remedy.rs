//! Remedy knowledge (`core/data/remedies.txt`): what makes a missing feature appear on a host.
//! The rules are compiled in as Rust data (`generated/remedies.rs`, rendered from the text by the
//! unit test `generated_data_is_fresh`, see `core/data/README.md`).

use crate::catalogue::{FeatureId, Kind, catalogue};
use std::sync::{LazyLock, OnceLock};

// The rules as static data; rendered by `tests::generated_data_is_fresh`, not formatted.
#[rustfmt::skip]
#[path = "generated/remedies.rs"]
mod generated_remedies;

pub use crate::report::Disruption;

/// One remedy rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The rule's section name in `remedies.txt` (`mds`, `evc-masks`, `generation`, …).
    pub name: String,
    /// Upper-case key names without `cpuid.`; empty = the default rule.
    pub keys: Vec<String>,
    /// Why a host can lack the feature. `{hosts}`, `{features}`, `{feature}` (a grep pattern) and
    /// `{mode}` are placeholders, filled by [`host_remedy`].
    pub cause: String,
    /// What to do; placeholders as in `cause`.
    pub action: String,
    /// How to check the fix worked (a command); placeholders as in `cause`.
    pub verify: String,
    /// The sources behind the rule (KBs, documents).
    pub reference: String,
    /// Evidence tag(s), e.g. "\[C\] KB 1003212".
    pub tag: String,
    /// What applying the fix disrupts.
    pub disruption: Disruption,
}

/// A rule as compiled-in data (`generated/remedies.rs`); [`Rule`] owns its text.
struct RuleData {
    name: &'static str,
    keys: &'static [&'static str],
    cause: &'static str,
    action: &'static str,
    verify: &'static str,
    reference: &'static str,
    tag: &'static str,
    disruption: Disruption,
}

impl RuleData {
    fn to_rule(&self) -> Rule {
        Rule {
            name: self.name.to_string(),
            keys: self.keys.iter().map(|k| k.to_string()).collect(),
            cause: self.cause.to_string(),
            action: self.action.to_string(),
            verify: self.verify.to_string(),
            reference: self.reference.to_string(),
            tag: self.tag.to_string(),
            disruption: self.disruption,
        }
    }
}

/// The built-in rules (built once from the compiled-in `generated/remedies.rs`).
pub fn rules() -> &'static [Rule] {
    static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
        generated_remedies::RULES
            .iter()
            .map(RuleData::to_rule)
            .collect()
    });
    &RULES
}

/// A host-side remedy from a rule: its texts filled in for these features and hosts, once, for
/// every command (`check`, `maintenance`, `cluster`, `plan` and the page render the result; none
/// fills the rule's placeholders itself).
pub fn host_remedy(
    rule: &Rule,
    features: Vec<String>,
    hosts: Vec<String>,
    mode_key: &str,
) -> crate::report::Remedy {
    use crate::report::{Remedy, RemedyScope};
    let host_text = crate::names::host_list(&hosts);
    let feature_text = features.join(", ");
    let names: Vec<String> = features
        .iter()
        .map(|f| f.trim_start_matches("cpuid.").to_ascii_lowercase())
        .collect();
    let grep_key = if names.len() == 1 {
        names[0].clone()
    } else {
        format!("-E '{}'", names.join("|"))
    };
    let fill = |t: &str| {
        t.replace("{hosts}", &host_text)
            .replace("{features}", &feature_text)
            .replace("{feature}", &grep_key)
            .replace("{mode}", mode_key)
    };
    Remedy {
        rank: 0,
        scope: match rule.disruption {
            Disruption::None if rule.name == "patch-undetermined" => RemedyScope::Hosts,
            Disruption::None if rule.name == "per-vm-mask" || rule.name == "mode-hides" => {
                RemedyScope::Vms
            }
            Disruption::None => RemedyScope::Cluster,
            Disruption::ClusterReconfigure => RemedyScope::Cluster,
            Disruption::VmDowntime => RemedyScope::Vms,
            _ => RemedyScope::Hosts,
        },
        disruption: if rule.name == "patch-undetermined" {
            "none: the commands only read".to_string()
        } else {
            rule.disruption.describe().to_string()
        },
        action: fill(&rule.action),
        why: fill(&rule.cause),
        verify: Some(fill(&rule.verify)),
        reference: Some(rule.reference.clone()),
        evidence: rule.tag.clone(),
        features,
        hosts,
        vms: Vec::new(),
        rule: Some(rule.name.clone()),
    }
}

/// A rule by its section name (`evc-masks`, `patch-undetermined`, `mds`, …).
pub fn rule_named(name: &str) -> Option<&'static Rule> {
    rules().iter().find(|r| r.name == name)
}

/// The rule for a feature: its own group, or the default for generational features.
/// `None` for identity/vendor keys and unknown features.
/// The rule of a vendor mismatch (`[vendor]` in `remedies.txt`).
pub(crate) const VENDOR_RULE: &str = "vendor";

/// Whether a move's blockers (their rules) show a vendor mismatch.
pub(crate) fn vendor_mismatch<'r>(mut rules: impl Iterator<Item = &'r str>) -> bool {
    rules.any(|r| r == VENDOR_RULE)
}

/// Whether `rule` can help a move: on a vendor mismatch only the vendor rule can (a cold
/// migration; no EVC mode, microcode or BIOS setting spans AMD and Intel). One rule for the
/// check's remedies and the plans' (\[C\] vSphere docs, CPU compatibility for vMotion: "the
/// processors must come from the same vendor class").
pub(crate) fn can_help(rule: &str, vendor_mismatch: bool) -> bool {
    rule == VENDOR_RULE || !vendor_mismatch
}

pub(crate) fn rule_for(id: FeatureId) -> Option<&'static Rule> {
    // Resolved once per catalogue feature: every unmet requirement of every check asks.
    static BY_FEATURE: OnceLock<Vec<Option<&'static Rule>>> = OnceLock::new();
    BY_FEATURE
        .get_or_init(|| catalogue().iter().map(|(id, _)| resolve_rule(id)).collect())
        .get(id.0 as usize)
        .copied()
        .flatten()
}

/// The rule for a feature a destination lacks, chosen from *why* it lacks it (the typed
/// [`Absence`](crate::report::Absence)), not from the feature alone (issue 19: `check` named the
/// microcode fix for a host whose CPU has the feature and whose EVC masks hide it).
///
/// * per-VM mask requirement → `per-vm-mask` (lower the VM's per-VM mode; the cluster's mode
///   does not matter);
/// * raw 1 hidden by the host's masks or the cluster's mode: a patch-era feature → `evc-masks`
///   (mechanism B: re-apply EVC); another feature → `mode-hides` (the VM saw it outside the mode);
/// * raw not shown, patch-era → `patch-undetermined` (the commands that tell A from B);
/// * raw 0 → the feature's own rule (microcode, BIOS switch); the generation rule, or without
///   EVC `generation-no-evc` (no cluster mode to lower);
/// * raw 0 of MDCLEAR on a host whose running build already has the MDS patch
///   (`patched_build`) → `mds-patched-build` (BIOS/firmware microcode and a cold power cycle
///   first, not another reboot).
pub(crate) fn rule_for_absence(
    id: FeatureId,
    absence: Option<crate::report::Absence>,
    evc_disabled: bool,
    patched_build: bool,
) -> Option<&'static Rule> {
    use crate::report::Absence;
    let patch = crate::exposure::patch_era().contains(id);
    let own = rule_for(id)?;
    match absence {
        Some(Absence::PerVmMask) => rule_named("per-vm-mask"),
        Some(Absence::MasksHide | Absence::ModeHides) if patch => rule_named("evc-masks"),
        Some(Absence::MasksHide | Absence::ModeHides) => rule_named("mode-hides"),
        Some(Absence::RawNotShown) if patch => rule_named("patch-undetermined"),
        Some(Absence::NotOnCpu | Absence::NotListed) if patched_build && own.name == "mds" => {
            rule_named("mds-patched-build")
        }
        _ if own.keys.is_empty() && evc_disabled => rule_named("generation-no-evc"),
        _ => Some(own),
    }
}

fn resolve_rule(id: FeatureId) -> Option<&'static Rule> {
    let def = catalogue().def(id);
    let name = def
        .key
        .strip_prefix("cpuid.")
        .unwrap_or(&def.key)
        .to_ascii_uppercase();
    let rules = rules();
    rules
        .iter()
        .find(|r| r.keys.contains(&name))
        .or_else(|| match def.kind {
            Kind::Feature | Kind::Mitigation | Kind::Virtualization => {
                rules.iter().find(|r| r.keys.is_empty())
            }
            Kind::Vendor | Kind::Identity => None,
        })
}

/// Parses `remedies.txt` (see its header): the front end of the generated `generated/remedies.rs`
/// (see `tests::generated_data_is_fresh`).
impl crate::report::RemedyRule {
    /// Every remedy rule of `data/remedies.txt`, as answers list them (`remedy_rules`).
    pub fn all() -> Vec<crate::report::RemedyRule> {
        rules()
            .iter()
            .map(|r| crate::report::RemedyRule {
                name: r.name.clone(),
                cause: r.cause.clone(),
                action: r.action.clone(),
                verify: r.verify.clone(),
                reference: r.reference.clone(),
                evidence: r.tag.clone(),
                disruption: r.disruption,
                disruption_text: r.disruption.describe(),
            })
            .collect()
    }
}

#[cfg(test)]
fn parse_rules(text: &str) -> Result<Vec<Rule>, String> {
    let mut rules: Vec<Rule> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            rules.push(Rule {
                name: name.to_string(),
                keys: Vec::new(),
                cause: String::new(),
                action: String::new(),
                verify: String::new(),
                reference: String::new(),
                tag: String::new(),
                disruption: Disruption::None,
            });
            continue;
        }
        let rule = rules
            .last_mut()
            .ok_or_else(|| format!("line {}: field before a [section]", index + 1))?;
        let (field, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected field = value", index + 1))?;
        let value = value.trim().to_string();
        match field.trim() {
            "keys" => {
                rule.keys = if value == "*" {
                    Vec::new()
                } else {
                    value
                        .split_whitespace()
                        .map(|k| k.to_ascii_uppercase())
                        .collect()
                }
            }
            "cause" => rule.cause = value,
            "action" => rule.action = value,
            "verify" => rule.verify = value,
            "reference" => rule.reference = value,
            "tag" => rule.tag = value,
            "disruption" => {
                rule.disruption = match value.as_str() {
                    "host-power-cycle" => Disruption::HostPowerCycle,
                    "host-bios" => Disruption::HostBios,
                    "host-reboot" => Disruption::HostReboot,
                    "cluster-reconfigure" => Disruption::ClusterReconfigure,
                    "vm-downtime" => Disruption::VmDowntime,
                    "none" => Disruption::None,
                    other => return Err(format!("line {}: unknown disruption {other}", index + 1)),
                }
            }
            other => return Err(format!("line {}: unknown field {other}", index + 1)),
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{assert_fresh, fid, generated_header};

    /// Renders `generated/remedies.rs` from parsed rules.
    fn render_rules(rules: &[Rule]) -> String {
        use std::fmt::Write;
        let mut out = generated_header(
            "core/data/remedies.txt",
            "The built-in remedy rules, in file order.",
        );
        out.push_str("use super::{Disruption, RuleData};\n\n");
        out.push_str("pub(super) static RULES: &[RuleData] = &[\n");
        for r in rules {
            let keys: Vec<String> = r.keys.iter().map(|k| format!("{k:?}")).collect();
            writeln!(
                out,
                "    RuleData {{\n        name: {:?},\n        keys: &[{}],\n        cause: {:?},\n        \
                 action: {:?},\n        verify: {:?},\n        reference: {:?},\n        tag: {:?},\n        \
                 disruption: Disruption::{:?},\n    }},",
                r.name,
                keys.join(", "),
                r.cause,
                r.action,
                r.verify,
                r.reference,
                r.tag,
                r.disruption
            )
            .unwrap();
        }
        out.push_str("];\n");
        out
    }

    /// `generated/remedies.rs` is `remedies.txt` rendered as Rust, and the rules built from it
    /// equal the parsed ones. `EVCALC_REGEN=1` rewrites the file.
    #[test]
    fn generated_data_is_fresh() {
        let parsed = parse_rules(include_str!("../data/remedies.txt")).unwrap();
        assert_fresh(
            "src/generated/remedies.rs",
            &render_rules(&parsed),
            include_str!("generated/remedies.rs"),
        );
        assert!(
            rules() == parsed.as_slice(),
            "the built-in rules differ from remedies.txt"
        );
    }

    #[test]
    fn rules_parse_and_name_known_keys() {
        let rules = parse_rules(include_str!("../data/remedies.txt")).unwrap();
        assert!(
            rules.iter().filter(|r| r.keys.is_empty()).count() == 1,
            "exactly one default rule"
        );
        let cat = catalogue();
        for rule in &rules {
            for key in rule.keys.iter().filter(|k| *k != "-") {
                assert!(
                    cat.lookup(&format!("cpuid.{key}")).is_some(),
                    "{key} in [{}] is not in the catalogue",
                    rule.name
                );
            }
            assert!(
                !rule.action.is_empty() && !rule.reference.is_empty() && !rule.tag.is_empty(),
                "{}",
                rule.name
            );
        }
        let md = rule_for(fid::MDCLEAR).unwrap();
        assert_eq!(md.name, "mds");
        assert!(md.reference.contains("68024"));
        assert_eq!(rule_for(fid::AVX512F).unwrap().name, "generation");
        assert_eq!(rule_for(fid::HLE).unwrap().name, "tsx");
        assert!(rule_for(fid::FAMILY).is_none());
    }
}
