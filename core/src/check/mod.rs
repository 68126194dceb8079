//! The checks: host summary, VM at power-on, VM → host, cluster matrix, maintenance plan.
//!
//! The rule (\[C\] vSphere API, `VirtualMachineRuntimeInfo.featureRequirement`): a VM's
//! requirements "must have equivalent host capabilities `HostConfigInfo.featureCapability`
//! in order to power on, resume, or migrate to the host". A VM's requirements are frozen at
//! power-on from what it saw: the host's features, capped by the cluster EVC mode and any
//! per-VM EVC mode.
//!
//! Every function returns a plain report value from [`crate::report`], the one JSON schema.
//!
//! One module per responsibility: admission (hosts and their admission to a
//! mode), power-on (what a VM sees), moves (the one check, typed facts), drift (common mode,
//! feature drift), matrix (cells), maintenance (evacuation plans), remedies (remedy planning
//! for plans) and only (`--only`). The imports below are the modules' shared prelude: each
//! submodule starts with `use super::*`.

use crate::catalogue::{FeatureId, FeatureSet, Kind, catalogue, fid};
use crate::evc::{EvcMode, ModeCatalogue};
use crate::exposure::{self, effective_decision as effective};
use crate::model::{Host, Key, Provenance, Requirements, Vm, VmRequirement, masks_expose};
pub use crate::names::{drift_summary, host_list, names_plural};
use crate::report::*;
use crate::value::{ReqOp, Requirement};

pub use crate::evc::EvcSetting;

/// A feature reference for reports.
pub(crate) fn feature_ref(id: FeatureId) -> FeatureRef {
    let def = catalogue().def(id);
    FeatureRef {
        key: def.key.clone(),
        label: def.label.clone(),
        kind: def.kind,
        cpuid: cpuid_text(id),
    }
}

fn refs(set: FeatureSet) -> Vec<FeatureRef> {
    set.iter().map(feature_ref).collect()
}

mod admission;
mod drift;
mod maintenance;
mod matrix;
mod moves;
mod only;
mod power_on;
mod remedies;

pub use admission::*;
pub use drift::*;
pub use maintenance::*;
pub use matrix::*;
pub use moves::*;
pub use only::*;
pub use power_on::*;
use remedies::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Entry, HostInput, Pos, VmInput};
    use crate::value::{ReqType, Requirement};

    fn host_of(keys: &[&str], unrecorded: &[&str]) -> Host {
        let pos = Pos { line: 1, col: 1 };
        let input = HostInput {
            capabilities: keys
                .iter()
                .map(|k| Entry {
                    key: format!("cpuid.{k}"),
                    value: 1,
                    pos,
                })
                .collect(),
            unrecorded: unrecorded.iter().map(|k| format!("cpuid.{k}")).collect(),
            ..HostInput::default()
        };
        Host::from_input(&input, "h", "h")
    }

    fn keys_of(mode: &str) -> Vec<String> {
        let m = crate::evc::builtin_modes().get(mode).unwrap();
        let keys = m.required.union(m.admission_unproven);
        keys.iter()
            .map(|id| catalogue().def(id).key["cpuid.".len()..].to_string())
            .collect()
    }

    /// Admission is not the mask: a host lacking only MWAIT (admission role unproven) is
    /// uncertain, not "no EVC mode"; a host whose input does not record XSAVEOPT lands on a range.
    #[test]
    fn uncertain_admissions_and_ranges() {
        let modes = crate::evc::builtin_modes();
        let nehalem = keys_of("intel-nehalem");
        let without_mwait: Vec<&str> = nehalem
            .iter()
            .map(String::as_str)
            .filter(|k| *k != "MWAIT")
            .collect();
        let h = host_of(&without_mwait, &[]);
        let a = admission(&h, modes.get("intel-merom").unwrap());
        assert_eq!((a.admitted, a.verdict), (None, AdmissionVerdict::Uncertain));
        assert_eq!(
            a.unproven
                .iter()
                .map(|f| f.key.as_str())
                .collect::<Vec<_>>(),
            ["cpuid.MWAIT"]
        );
        assert!(a.missing.is_empty() && a.reason.as_deref().unwrap().contains("cpuid.MWAIT"));
        let r = host_report(&h, modes);
        assert_eq!(
            (
                r.max_evc_mode.as_deref(),
                r.max_evc_mode_possible.as_deref()
            ),
            (None, Some("intel-nehalem"))
        );
        let summary = "no EVC mode for certain; intel-nehalem if a host without cpuid.MWAIT";
        assert!(
            r.max_evc_summary.starts_with(summary),
            "{}",
            r.max_evc_summary
        );
        assert_eq!(max_common_mode(std::slice::from_ref(&h), modes), None);
        let possible = max_common_mode_possible(std::slice::from_ref(&h), modes);
        assert_eq!(possible.map(|m| m.key.as_str()), Some("intel-nehalem"));
        // A certain miss stays a miss.
        let without_sse3: Vec<&str> = nehalem
            .iter()
            .map(String::as_str)
            .filter(|k| *k != "SSE3")
            .collect();
        let a = admission(
            &host_of(&without_sse3, &[]),
            modes.get("intel-merom").unwrap(),
        );
        assert_eq!(
            (a.admitted, a.verdict),
            (Some(false), AdmissionVerdict::NotAdmitted)
        );
        // Unrecorded XSAVEOPT: intel-sandybridge for certain, intel-ivybridge if it is present.
        let ivy = keys_of("intel-ivybridge");
        let h = host_of(
            &ivy.iter()
                .map(String::as_str)
                .filter(|k| *k != "XSAVEOPT")
                .collect::<Vec<_>>(),
            &["XSAVEOPT"],
        );
        let r = host_report(&h, modes);
        assert_eq!(r.max_evc_mode.as_deref(), Some("intel-sandybridge"));
        assert_eq!(r.max_evc_mode_possible.as_deref(), Some("intel-ivybridge"));
        assert_eq!(
            r.max_evc_summary,
            "intel-sandybridge; intel-ivybridge if cpuid.XSAVEOPT, which the input does not record, is present"
        );
        assert_eq!(r.uncertain_modes[0].unrecorded[0].key, "cpuid.XSAVEOPT");
        assert_eq!(
            admission(&h, modes.get("intel-ivybridge").unwrap()).verdict,
            AdmissionVerdict::Uncertain
        );
        // Once present (e.g. --set), nothing is uncertain.
        let h = host_of(
            &ivy.iter().map(String::as_str).collect::<Vec<_>>(),
            &["XSAVEOPT"],
        );
        assert_eq!(host_report(&h, modes).max_evc_summary, "intel-ivybridge");
    }

    /// The performance shortcuts (docs/performance.md) give the same answers as the plain
    /// definitions, over pseudo-random hosts (full and fragments) and VMs (Bool:Min:1, Match,
    /// Min > 1, unknown keys).
    #[test]
    fn fast_paths_agree_with_the_definitions() {
        let cat = catalogue();
        let keys: Vec<String> = cat
            .iter()
            .map(|(_, d)| d.key.clone())
            .chain(["vpmc.fixed".to_string(), "cpuid.FUTURE".to_string()])
            .collect();
        let seed = std::cell::Cell::new(0x9e37_79b9_7f4a_7c15u64);
        let next = || {
            let mut x = seed.get();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            seed.set(x);
            x
        };
        let pos = Pos { line: 1, col: 1 };
        let mut hosts = Vec::new();
        for i in 0..24 {
            let capabilities = keys
                .iter()
                .filter(|_| next() % 4 != 0)
                .map(|k| Entry {
                    key: k.clone(),
                    value: [0, 1, 1, 1, 2, 6][(next() % 6) as usize],
                    pos,
                })
                .collect();
            let input = HostInput {
                name: Some(format!("h{i}")),
                capabilities,
                fragment: i % 5 == 4,
                ..Default::default()
            };
            hosts.push(Host::from_input(&input, "h", "test"));
        }
        let mut vms = Vec::new();
        for i in 0..24 {
            let requirements = keys
                .iter()
                .filter(|_| next() % 3 == 0)
                .map(|k| {
                    let value = match next() % 8 {
                        0 => Requirement {
                            ty: ReqType::Num,
                            op: ReqOp::Match,
                            value: next() % 3,
                        },
                        1 => Requirement {
                            ty: ReqType::Num,
                            op: ReqOp::Min,
                            value: 2 + next() % 5,
                        },
                        2 => Requirement {
                            ty: ReqType::Untyped,
                            op: ReqOp::Min,
                            value: 1,
                        },
                        _ => Requirement::BOOL_MIN_1,
                    };
                    Entry {
                        key: k.clone(),
                        value,
                        pos,
                    }
                })
                .collect();
            vms.push(Vm::from_input(
                &VmInput {
                    name: Some(format!("v{i}")),
                    requirements,
                    ..Default::default()
                },
                "v",
                "test",
            ));
        }
        for h in &hosts {
            vms.push(power_on(h, EvcSetting::Disabled, None));
        }
        let modes = crate::evc::builtin_modes();
        for vm in &vms {
            for h in &hosts {
                let missing = missing_requirements(vm, h, EvcSetting::Disabled);
                assert_eq!(
                    meets_requirements(vm, h, EvcSetting::Disabled),
                    missing.is_empty(),
                    "{} -> {}",
                    vm.name,
                    h.name
                );
                // The plain definition of the unmet list: every requirement in input order.
                let plain: Vec<String> = vm
                    .requirements
                    .all
                    .iter()
                    .filter(|r| !r.requirement.is_met_by(h.caps.value(&r.key)) && h.knows(&r.key))
                    .map(|r| r.written.clone())
                    .collect();
                assert_eq!(
                    missing.iter().map(|m| m.key.clone()).collect::<Vec<_>>(),
                    plain
                );
                for m in &missing {
                    let key = Key::resolve(&m.canonical_key);
                    assert!(
                        vm.requirements
                            .all
                            .iter()
                            .any(|x| x.key == key && x.requirement.to_string() == m.required)
                    );
                    if let Key::Known(id) = key {
                        assert_eq!(m.cpuid, cat.def(id).cpuid.map(|c| c.to_string()));
                    }
                }
                let unjudged = unjudged_on(vm, &Prepared::of(h, EvcSetting::Disabled));
                let unknown: Vec<String> = vm
                    .requirements
                    .all
                    .iter()
                    .filter(|r| !h.knows(&r.key))
                    .map(|r| r.written.clone())
                    .collect();
                assert_eq!(unjudged, unknown);
                for m in &modes.modes {
                    assert_eq!(admission_verdict(h, m), admission(h, m).admitted);
                }
            }
        }
        for (id, def) in cat.iter() {
            assert_eq!(cpuid_text(id), def.cpuid.map(|c| c.to_string()));
        }
        for r in [
            Requirement::BOOL_MIN_1,
            Requirement {
                ty: ReqType::Num,
                op: ReqOp::Min,
                value: 1,
            },
        ] {
            assert_eq!(requirement_text(r), r.to_string());
        }
    }

    #[test]
    fn host_lists_compress_runs() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(host_list(&s(&["esxi02", "esxi03", "esxi04"])), "esxi02–04");
        assert_eq!(host_list(&s(&["esxi02", "esxi03"])), "esxi02, esxi03");
        assert_eq!(
            host_list(&s(&["a", "esxi01", "esxi02", "esxi03", "b9"])),
            "a, esxi01–03, b9"
        );
        assert_eq!(
            host_list(&s(&["10.0.0.1", "10.0.0.2", "10.0.0.3"])),
            "10.0.0.1–3"
        );
        assert_eq!(host_list(&[]), "");
    }
}
