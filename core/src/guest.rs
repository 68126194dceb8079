//! Guest OS CPU floors (issue 20 item 13): the features a guest needs to boot, so that lowering a
//! VM's per-VM EVC mode (or the cluster's) below them is flagged. The rows of
//! `core/data/guest-os-floors.tsv` (sources and quotes there and in `docs/sources-issue20.md`
//! §6), compiled in; a test keeps the two equal.

use crate::catalogue::{FeatureSet, catalogue};

/// One guest OS floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuestFloor {
    /// `guestId` (`VirtualMachineGuestOsIdentifier`), exact; a trailing `*` matches any suffix.
    pub guest_id: &'static str,
    /// What the guest is, in words.
    pub name: &'static str,
    /// The `cpuid.*` keys the guest needs exposed.
    pub keys: &'static [&'static str],
    /// Evidence tag: `[C]` confirmed (a blocker where the guestId is known), `[I]` inferred (a
    /// warning only).
    pub tag: &'static str,
}

const V2: &[&str] = &[
    "cpuid.CMPXCHG16B",
    "cpuid.LAHF64",
    "cpuid.POPCNT",
    "cpuid.SSE3",
    "cpuid.SSE41",
    "cpuid.SSE42",
    "cpuid.SSSE3",
];
const V3: &[&str] = &[
    "cpuid.CMPXCHG16B",
    "cpuid.LAHF64",
    "cpuid.POPCNT",
    "cpuid.SSE3",
    "cpuid.SSE41",
    "cpuid.SSE42",
    "cpuid.SSSE3",
    "cpuid.AVX",
    "cpuid.AVX2",
    "cpuid.BMI1",
    "cpuid.BMI2",
    "cpuid.F16C",
    "cpuid.FMA",
    "cpuid.ABM",
    "cpuid.MOVBE",
    "cpuid.XSAVE",
];

/// The floors, in the order of the data file.
pub const GUEST_FLOORS: &[GuestFloor] = &[
    GuestFloor {
        guest_id: "windows2022srvNext_64Guest",
        name: "Windows Server 2025",
        keys: &["cpuid.SSE42", "cpuid.POPCNT"],
        tag: "[C]",
    },
    GuestFloor {
        guest_id: "windows11_64Guest",
        name: "Windows 11 24H2 and later",
        keys: &["cpuid.SSE42", "cpuid.POPCNT"],
        tag: "[C]",
    },
    GuestFloor {
        guest_id: "windows12_64Guest",
        name: "Windows after 11",
        keys: &["cpuid.SSE42", "cpuid.POPCNT"],
        tag: "[I]",
    },
    GuestFloor {
        guest_id: "rhel9_64Guest",
        name: "RHEL 9 (x86-64-v2)",
        keys: V2,
        tag: "[C]",
    },
    GuestFloor {
        guest_id: "rhel10_64Guest",
        name: "RHEL 10 (x86-64-v3)",
        keys: V3,
        tag: "[C]",
    },
    GuestFloor {
        guest_id: "centos9_64Guest",
        name: "CentOS Stream 9 (x86-64-v2)",
        keys: V2,
        tag: "[I]",
    },
    GuestFloor {
        guest_id: "oracleLinux9_64Guest",
        name: "Oracle Linux 9 (x86-64-v2)",
        keys: V2,
        tag: "[I]",
    },
    GuestFloor {
        guest_id: "oracleLinux10_64Guest",
        name: "Oracle Linux 10 (x86-64-v3)",
        keys: V3,
        tag: "[I]",
    },
];

impl GuestFloor {
    /// Whether a `guestId` is this floor's.
    pub fn matches(&self, guest_id: &str) -> bool {
        match self.guest_id.strip_suffix('*') {
            Some(prefix) => guest_id.starts_with(prefix),
            None => guest_id == self.guest_id,
        }
    }

    /// The floor's keys that `exposed` lacks.
    pub fn lacking(&self, exposed: FeatureSet) -> Vec<&'static str> {
        let cat = catalogue();
        self.keys
            .iter()
            .copied()
            .filter(|k| cat.lookup(k).is_some_and(|id| !exposed.contains(id)))
            .collect()
    }
}

/// The floors a mode exposing `exposed` breaks: (floor, the keys it lacks).
pub fn broken_by(exposed: FeatureSet) -> Vec<(&'static GuestFloor, Vec<&'static str>)> {
    GUEST_FLOORS
        .iter()
        .filter_map(|f| {
            let lacking = f.lacking(exposed);
            (!lacking.is_empty()).then_some((f, lacking))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_data_file() {
        let text = include_str!("../data/guest-os-floors.tsv");
        let rows: Vec<(String, Vec<String>, String)> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                (
                    cols[0].to_string(),
                    cols[1].split_whitespace().map(str::to_string).collect(),
                    cols[3].split_whitespace().next().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(rows.len(), GUEST_FLOORS.len());
        for (row, floor) in rows.iter().zip(GUEST_FLOORS) {
            assert_eq!(row.0, floor.guest_id);
            assert_eq!(row.1, floor.keys);
            assert_eq!(row.2, floor.tag, "{}", floor.guest_id);
            for k in floor.keys {
                assert!(catalogue().lookup(k).is_some(), "{k}");
            }
        }
    }

    #[test]
    fn merom_breaks_windows_11_and_rhel_9_haswell_does_not() {
        let modes = crate::evc::builtin_modes();
        let merom = modes.get("intel-merom").unwrap();
        let broken: Vec<&str> = broken_by(merom.exposed)
            .iter()
            .map(|(f, _)| f.guest_id)
            .collect();
        assert!(broken.contains(&"windows11_64Guest"), "{broken:?}");
        assert!(broken.contains(&"rhel9_64Guest"), "{broken:?}");
        let haswell = modes.get("intel-haswell").unwrap();
        let broken: Vec<&str> = broken_by(haswell.exposed)
            .iter()
            .map(|(f, _)| f.guest_id)
            .collect();
        assert!(!broken.contains(&"windows11_64Guest"), "{broken:?}");
        assert!(!broken.contains(&"rhel9_64Guest"), "{broken:?}");
        assert!(!broken.contains(&"rhel10_64Guest"), "{broken:?}");
    }
}
