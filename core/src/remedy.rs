//! Remedy knowledge (`core/data/remedies.txt`): what makes a missing feature appear on a host.

use crate::catalogue::{FeatureId, Kind, catalogue};
use std::sync::OnceLock;

/// How disruptive a host-side fix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Disruption {
    /// Power-cycle hosts (rolling, through maintenance mode): no VM downtime.
    HostPowerCycle,
    /// Reboot hosts (rolling, through maintenance mode) after a BIOS/firmware or ESXi update.
    HostReboot,
    /// Change a BIOS setting (host reboot, rolling).
    HostBios,
    /// Disable and re-enable the cluster's EVC mode: no reboot, no VM downtime.
    ClusterReconfigure,
    /// Nothing can be done on the host.
    None,
}

impl Disruption {
    /// How the fix affects running VMs, in words (reports and the page use this one text).
    pub fn describe(self) -> &'static str {
        match self {
            Disruption::HostPowerCycle => "rolling host power cycle (VMs stay up)",
            Disruption::HostReboot => "rolling host reboot through maintenance mode (VMs stay up)",
            Disruption::HostBios => "rolling host reboot with a BIOS change (VMs stay up)",
            Disruption::ClusterReconfigure => {
                "cluster EVC reconfiguration: no host reboot, no VM downtime (power on no VMs meanwhile)"
            }
            Disruption::None => {
                "VM power cycles (lowering EVC affects VMs at their next power cycle)"
            }
        }
    }
}

/// One remedy rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    /// Upper-case key names without `cpuid.`; empty = the default rule.
    pub keys: Vec<String>,
    pub cause: String,
    pub action: String,
    pub verify: String,
    pub reference: String,
    pub tag: String,
    pub disruption: Disruption,
}

/// The built-in rules.
pub fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        parse_rules(include_str!("../data/remedies.txt")).unwrap_or_else(|e| {
            panic!("built-in remedies.txt is invalid (a unit test guards this): {e}")
        })
    })
}

/// A rule by its section name (`evc-masks`, `patch-undetermined`, `mds`, …).
pub fn rule_named(name: &str) -> Option<&'static Rule> {
    rules().iter().find(|r| r.name == name)
}

/// The rule for a feature: its own group, or the default for generational features.
/// `None` for identity/vendor keys and unknown features.
pub fn rule_for(id: FeatureId) -> Option<&'static Rule> {
    // Resolved once per catalogue feature: every unmet requirement of every check asks.
    static BY_FEATURE: OnceLock<Vec<Option<&'static Rule>>> = OnceLock::new();
    BY_FEATURE
        .get_or_init(|| catalogue().iter().map(|(id, _)| resolve_rule(id)).collect())
        .get(id.0 as usize)
        .copied()
        .flatten()
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
        let md = rule_for(cat.id("cpuid.mdclear")).unwrap();
        assert_eq!(md.name, "mds");
        assert!(md.reference.contains("68024"));
        assert_eq!(
            rule_for(cat.id("cpuid.AVX512F")).unwrap().name,
            "generation"
        );
        assert_eq!(rule_for(cat.id("cpuid.hle")).unwrap().name, "tsx");
        assert!(rule_for(cat.id("cpuid.FAMILY")).is_none());
    }
}
