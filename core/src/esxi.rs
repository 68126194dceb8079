//! ESXi releases and the virtual hardware versions they run.
//!
//! ESXi release → maximum virtual hardware version (also the default for new VMs unless a
//! Default VM Compatibility is set), \[C\] govmomi `vim25/types/hardware_version.go`
//! (`GetHardwareVersionForESXi`, "From <https://kb.vmware.com/s/article/1003746>", commit
//! 1c017f8e): 8.0.2 → vmx-21, 8.0 → 20, 7.0.2 → 19, 7.0.1 → 18, 7.0.0 → 17, 6.7 U2 → 15,
//! 6.7 → 14, 6.5 → 13, 6.0 → 11, 5.5 → 10, 5.1 → 9, 5.0 → 8, 4.0 → 7, 3 → 4.
//! 9.0 → vmx-22 is \[C\]: govmomi `hardware_version.go` "VMX22 was introduced in ESX 9.0"
//! (commit 434104ba "api: Support vmx-22", 2025-09-09; docs/sources-issue20.md §2.5). The
//! product is "ESX 9.0", not "ESXi" (same source; vinfrastructure.it "VCF and VVF 9.0 introduce
//! the virtual hardware version 22").
//!
//! vmx-6, vmx-12 and vmx-16 are Workstation versions: "introduced in Workstation … and is not
//! supported by ESX/ESXi per <https://knowledge.broadcom.com/external/article/312100>" \[C\]
//! (govmomi `hardware_version.go`, same commit; docs/sources-issue20.md §2.5). No ESXi release
//! runs them ([`first_release`] is `None`), so no "any VM" band consists of them alone.
//!
//! ESXi before 7.0 does not put the update in its version (6.7 U3 reports "6.7.0"); govmomi asks
//! callers to pass 6.7.2 for 6.7 U2. evcalc reads the build number instead: 6.7 U2 is build
//! 13006603 \[C\] (VMware's build list: "ESXi 6.7 U2 | 2019/04/11 | 13006603", ISO
//! "VMware-VMvisor-Installer-6.7.0.update02-13006603.x86_64.iso"; docs/sources-issue20.md §2.6),
//! later 6.7 builds are larger.
//!
//! CPU floors ([`CPU_FLOORS`], the rows of `core/data/esxi-cpu-floors.tsv`): what a host CPU must
//! have for a release to install or boot on it. A hard floor (no boot option bypasses it) makes
//! every virtual hardware version first run by that release or later impossible on a CPU known to
//! lack the feature ([`crate::vhw::vhw_on_cpu`]); a support statement (KB 82794 "Discontinued", which
//! `allowLegacyCPU=true` bypasses) only makes it unlikely.

use crate::evc::Vendor;

/// A parsed `product.fullName` / `product.version` + build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    /// Major version (`8` of 8.0.1).
    pub major: u32,
    /// Minor version (`0` of 8.0.1).
    pub minor: u32,
    /// Update (`1` of 8.0.1; 0 when the text has no third part).
    pub update: u32,
    /// The build number (`build-…`), when the text has it.
    pub build: Option<u64>,
}

/// First 6.7 build of Update 2 (\[C\], see the module docs).
const ESXI_67_U2_BUILD: u64 = 13_006_603;

impl Release {
    /// Reads "VMware ESXi 6.7.0 build-15160138", "ESXi 8.0.1", "8.0.2", "7.0.3 build-…".
    pub fn parse(product: &str) -> Option<Release> {
        let lower = product.to_ascii_lowercase();
        if lower.contains("vcenter") || lower.contains("workstation") || lower.contains("fusion") {
            return None;
        }
        let version = lower
            .split(|c: char| c.is_whitespace() || c == ',')
            .find(|w| {
                w.split('.').count() >= 2
                    && w.split('.')
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            })?;
        let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next()??;
        let update = parts.next().flatten().unwrap_or(0);
        let build = lower.split("build-").nth(1).and_then(|b| {
            let digits: String = b.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().ok()
        });
        Some(Release {
            major,
            minor,
            update,
            build,
        })
    }

    /// The highest virtual hardware version this release runs.
    pub fn max_vhw(self) -> Option<u8> {
        let v = (self.major, self.minor, self.update);
        Some(match v {
            (9.., _, _) => 22,
            (8, _, u) if u >= 2 => 21,
            (8, _, _) => 20,
            (7, _, u) if u >= 2 => 19,
            (7, _, 1) => 18,
            (7, _, _) => 17,
            (6, 7, u) if u >= 2 || self.build.is_some_and(|b| b >= ESXI_67_U2_BUILD) => 15,
            (6, 7, _) => 14,
            (6, 5, _) => 13,
            (6, 0, _) => 11,
            (5, 5, _) => 10,
            (5, 1, _) => 9,
            (5, 0, _) => 8,
            (4, _, _) => 7,
            (3, _, _) => 4,
            _ => return None,
        })
    }

    /// "ESXi 8.0 U2"-style name ("ESX 9.0" from 9.0 on: \[C\] govmomi "VMX22 was introduced in
    /// ESX 9.0", docs/sources-issue20.md §2.5).
    pub fn name(self) -> String {
        release_name((self.major, self.minor, self.update))
    }
}

/// An ESXi release as (major, minor, update).
pub type Version = (u32, u32, u32);

/// "ESXi 8.0 U2", "ESX 9.0".
pub fn release_name((major, minor, update): Version) -> String {
    let product = if major >= 9 { "ESX" } else { "ESXi" };
    match (major, update) {
        (3, _) => format!("{product} {major}"),
        (_, 0) => format!("{product} {major}.{minor}"),
        _ => format!("{product} {major}.{minor} U{update}"),
    }
}

/// The first ESXi release that runs virtual hardware `vhw` (the inverse of
/// [`Release::max_vhw`], same sources); `None` for the Workstation versions 6, 12 and 16, which no
/// ESXi release supports (\[C\] govmomi `hardware_version.go` @ 434104ba: "introduced in
/// Workstation … and is not supported by ESX/ESXi per … 312100"). Versions above vmx-22 are not
/// known yet and are counted as 9.0's.
pub fn first_release(vhw: u8) -> Option<Version> {
    Some(match vhw {
        6 | 12 | 16 => return None,
        0..=4 => (3, 0, 0),
        5..=7 => (4, 0, 0),
        8 => (5, 0, 0),
        9 => (5, 1, 0),
        10 => (5, 5, 0),
        11 => (6, 0, 0),
        13 => (6, 5, 0),
        14 => (6, 7, 0),
        15 => (6, 7, 2),
        17 => (7, 0, 0),
        18 => (7, 0, 1),
        19 => (7, 0, 2),
        20 => (8, 0, 0),
        21 => (8, 0, 2),
        _ => (9, 0, 0),
    })
}

/// The first ESXi release that runs `vhw` (for messages: "vmx-21 needs ESXi 8.0 U2 or later").
/// The Workstation versions 12 and 16 are named as such (\[C\] KB 312100 via govmomi, above);
/// the releases that would accept their number are the next version's.
pub(crate) fn first_release_for(vhw: u8) -> &'static str {
    match vhw {
        0..=4 => "ESXi 3",
        5..=7 => "ESXi 4.0",
        8 => "ESXi 5.0",
        9 => "ESXi 5.1",
        10 => "ESXi 5.5",
        11 => "ESXi 6.0",
        12 => "a Workstation release (vmx-12 is not an ESXi version, Broadcom KB 312100); ESXi 6.5",
        13 => "ESXi 6.5",
        14 => "ESXi 6.7",
        15 => "ESXi 6.7 U2",
        16 => "a Workstation release (vmx-16 is not an ESXi version, Broadcom KB 312100); ESXi 7.0",
        17 => "ESXi 7.0",
        18 => "ESXi 7.0 U1",
        19 => "ESXi 7.0 U2",
        20 => "ESXi 8.0",
        21 => "ESXi 8.0 U2",
        _ => "ESX 9.0",
    }
}

// ---------------------------------------------------------------------------------------------
// Builds that contain the MDS patch (issue 20 item 10).

/// One row of `core/data/mds-patched-builds.tsv`: the first build of a release that contains
/// the MDS patch of VMSA-2019-0008 (hypervisor and bundled-microcode VIBs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MdsPatchedBuild {
    /// ESXi major.minor the row covers; from 7.0 on every later release too.
    pub release: (u32, u32),
    /// The first build with the patch; `None`: every build of the release.
    pub first_build: Option<u64>,
    /// Where the build comes from.
    pub source: &'static str,
    /// Its evidence tag.
    pub tag: &'static str,
}

/// The advisory the rows of [`MDS_PATCHED_BUILDS`] come from.
pub const MDS_ADVISORY: &str = "VMSA-2019-0008";

/// The rows of `core/data/mds-patched-builds.tsv`, in its order (the unit test
/// `mds_builds_match_the_tsv` keeps them equal).
pub const MDS_PATCHED_BUILDS: &[MdsPatchedBuild] = &[
    // [C] VMSA-2019-0008's patch table: esx-base/cpu-microcode 6.0.0-3.116.13635687 (as quoted
    // by Tenable plugins 125146 and 125218).
    MdsPatchedBuild {
        release: (6, 0),
        first_build: Some(13_635_687),
        source: "VMSA-2019-0008: ESXi 6.0 esx-base and cpu-microcode 6.0.0-3.116.13635687",
        tag: "[C]",
    },
    // [C] same table: 6.5.0-2.88.13635690.
    MdsPatchedBuild {
        release: (6, 5),
        first_build: Some(13_635_690),
        source: "VMSA-2019-0008: ESXi 6.5 esx-base and cpu-microcode 6.5.0-2.88.13635690",
        tag: "[C]",
    },
    // [C] same table: 6.7.0-2.55.13644319 (6.7 EP 09, 2019-05-14).
    MdsPatchedBuild {
        release: (6, 7),
        first_build: Some(13_644_319),
        source: "VMSA-2019-0008: ESXi 6.7 esx-base and cpu-microcode 6.7.0-2.55.13644319",
        tag: "[C]",
    },
    // [I] 7.0 GA (2020-04) came after the advisory, which lists fixes for 6.0-6.7 only.
    MdsPatchedBuild {
        release: (7, 0),
        first_build: None,
        source: "ESXi 7.0 and later were released after VMSA-2019-0008 (which lists 6.0, 6.5, 6.7 only)",
        tag: "[I]",
    },
];

/// Whether a host's running ESXi build contains the MDS patch: `Some(row)` when it does (the
/// host has booted that build, so its bundled microcode loader has run), `None` when it does not
/// or the data cannot tell (no build number on 6.x, or a release without a row).
pub fn mds_patch_in_build(release: Release) -> Option<&'static MdsPatchedBuild> {
    let row = MDS_PATCHED_BUILDS.iter().rev().find(|r| {
        if r.first_build.is_none() {
            (release.major, release.minor) >= r.release
        } else {
            (release.major, release.minor) == r.release
        }
    })?;
    match row.first_build {
        None => Some(row),
        Some(first) => release.build.filter(|b| *b >= first).map(|_| row),
    }
}

// ---------------------------------------------------------------------------------------------
// How a release lists feature capabilities (issue 20 item 9).

/// How an ESXi release lists `featureCapability`: whether a feature the host lacks appears
/// with value 0 or not at all. It decides what a `grep` that printed nothing means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingStyle {
    /// Absent features are listed with `"0"` (\[D\] ESXi 6.x: the 6.7 U3 field report's grep
    /// shows `value = "0"`; a 6.0 PowerCLI dump lists `cpuid.3DNOW "0"`).
    AbsentAsZero,
    /// Only the features the host has are listed, all `"1"` (\[D\] the one real ESXi 8.0.1
    /// host, host-14 of a VMware Cloud SDDC, govc `object.save`: 83 raw and 83 masked keys,
    /// every value 1).
    PresentOnly,
}

/// How `release` lists its features, with the evidence; `None` where no data of that release
/// was seen (ESXi 7.x: no real 7.x list is public, searched; other 8.0 updates and 9.0: only
/// 8.0 U1 was observed, and an inference from it would be stated as a fact).
pub fn listing_style(release: Release) -> Option<(ListingStyle, &'static str)> {
    match (release.major, release.minor, release.update) {
        (6, _, _) => Some((
            ListingStyle::AbsentAsZero,
            "[D] ESXi 6.x lists absent features as \"0\" (the 6.7 U3 field report, a 6.0 PowerCLI dump)",
        )),
        (8, 0, 1) => Some((
            ListingStyle::PresentOnly,
            "[D] the one real ESXi 8.0 U1 host (host-14, VMware Cloud) lists only the features it has",
        )),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// CPU floors: which releases, and so which virtual hardware versions, can exist on a CPU.

/// Whether a boot option bypasses a floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloorKind {
    /// No boot option bypasses it: the release cannot run there, so its vHW cannot exist there.
    Hard,
    /// Blocked by the installer by default; `allowLegacyCPU=true` turns the error into a warning
    /// (unsupported): the release, and its vHW, are unlikely there, not impossible.
    Support,
}

/// What a floor asks of the CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloorRule {
    /// Every key must be 1 (raw, the CPU's own value).
    Requires(&'static [&'static str]),
    /// CPUs of a family the release discontinued. `models` empty: the source names the family
    /// but no model list was retrieved, so no CPU is matched to it.
    Discontinued {
        /// The CPUs in words ("Intel Westmere").
        cpu: &'static str,
        /// Their vendor.
        vendor: Vendor,
        /// Their CPUID family (`cpuid.FAMILY`).
        family: u64,
        /// Their CPUID models (`cpuid.MODEL`).
        models: &'static [u64],
    },
}

/// One row of `core/data/esxi-cpu-floors.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuFloor {
    /// First release the rule applies to; it applies to every later release.
    pub release: Version,
    /// What the floor asks of the CPU.
    pub rule: FloorRule,
    /// Whether the floor is hard or a support statement.
    pub kind: FloorKind,
    /// The source, quoted or named.
    pub source: &'static str,
    /// Its evidence tag(s), e.g. "\[C\] family, \[R\] models".
    pub tag: &'static str,
}

/// The rows of `core/data/esxi-cpu-floors.tsv`, in its order (the unit test
/// `floors_match_the_tsv` keeps them equal to the file; quotes in docs/sources-issue20.md §2).
pub const CPU_FLOORS: &[CpuFloor] = &[
    // TSV row 1 [C]: vSphere 6.7 Update Manager docs GUID-EAA2A890: "New ESXi version requires a
    // 64-bit CPU with support for LAHF/SAHF instructions in long mode" (64BIT_LONGMODESTATUS).
    CpuFloor {
        release: (6, 7, 0),
        rule: FloorRule::Requires(&["cpuid.LM", "cpuid.LAHF64"]),
        kind: FloorKind::Hard,
        source: "vSphere 6.7 docs: \"New ESXi version requires a 64-bit CPU with support for LAHF/SAHF instructions in long mode\"",
        tag: "[C]",
    },
    // TSV row 2 [C] family, [R] models: insecurewi.re/?p=600 "ESXi 7.0 ... deprecated support for
    // 1st generation Intel CPUs (Westmere)", bypassed with allowLegacyCPU=true; family 6 models
    // 0x2C, 0x2F as recalled from KB 82794. Used for words only ("unlikely"), never a verdict.
    CpuFloor {
        release: (7, 0, 0),
        rule: FloorRule::Discontinued {
            cpu: "Intel Westmere",
            vendor: Vendor::Intel,
            family: 6,
            models: &[0x2C, 0x2F],
        },
        kind: FloorKind::Support,
        source: "KB 82794 (Broadcom 318697): ESXi 7.0 discontinued Intel Westmere; allowLegacyCPU=true bypasses it",
        tag: "[C] family, [R] models",
    },
    // TSV row 3 [C] mechanism, [R] CPU list: KB 82794 "Discontinued – vSphere installer will
    // prevent the installation of that release for the discontinued CPU". The list is not
    // retrieved: no CPU is matched to this row (docs/sources-issue20.md §2.3 "Do not hard-code
    // these lists").
    CpuFloor {
        release: (8, 0, 0),
        rule: FloorRule::Discontinued {
            cpu: "Intel Sandy Bridge and Ivy Bridge server CPUs, AMD family 15h Opteron",
            vendor: Vendor::Intel,
            family: 6,
            models: &[],
        },
        kind: FloorKind::Support,
        source: "KB 82794 (Broadcom 318697): ESXi 8.0 discontinued CPUs; allowLegacyCPU=true bypasses it",
        tag: "[C] mechanism, [R] CPU list",
    },
    // TSV row 4 [C]: W. Lam 2023-10 "Heads Up: ESXi 8.0 Update 2 requires XSAVE CPU instruction
    // even with allowLegacyCPU=true" ("VMB: 716: Unsupported CPU").
    CpuFloor {
        release: (8, 0, 2),
        rule: FloorRule::Requires(&["cpuid.XSAVE"]),
        kind: FloorKind::Hard,
        source: "W. Lam 2023-10: \"ESXi 8.0 Update 2 requires XSAVE CPU instruction even with allowLegacyCPU=true\"",
        tag: "[C]",
    },
    // TSV row 5 [I]: inherited from 8.0.2 (no 9.0 source found).
    CpuFloor {
        release: (9, 0, 0),
        rule: FloorRule::Requires(&["cpuid.XSAVE"]),
        kind: FloorKind::Hard,
        source: "inherited from ESXi 8.0 U2 (no 9.0 source found)",
        tag: "[I]",
    },
];

/// Whether a VM of a virtual hardware version can exist on a host, judged from its CPU alone
/// (for hosts whose ESXi release is not in their data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VhwOnCpu {
    /// The hard floors of the releases that run it are met (the CPU shows the keys).
    Runs,
    /// The hard floors are met, but every release that runs it discontinued the CPU (a support
    /// statement that `allowLegacyCPU=true` bypasses): unlikely, not impossible.
    Unlikely {
        /// The first release that discontinued the CPU.
        release: Version,
        /// The CPUs discontinued, in words.
        cpu: &'static str,
        /// The floor (row of `esxi-cpu-floors.tsv`).
        floor: &'static CpuFloor,
    },
    /// A hard floor's keys are not shown by the data: it exists only if the CPU has them.
    Unshown {
        /// The first release the floor applies to.
        release: Version,
        /// The floor's keys the data does not show.
        keys: Vec<&'static str>,
        /// The floor (row of `esxi-cpu-floors.tsv`).
        floor: &'static CpuFloor,
    },
    /// A hard floor's key is known to be 0: no release that runs it runs on this CPU.
    Impossible {
        /// The first release the floor applies to.
        release: Version,
        /// The floor's keys the CPU shows as 0.
        keys: Vec<&'static str>,
        /// The floor (row of `esxi-cpu-floors.tsv`).
        floor: &'static CpuFloor,
    },
    /// A Workstation version: no ESXi release runs it.
    NotEsxi,
}

impl VhwOnCpu {
    /// Whether a VM of this version can exist without a condition.
    pub fn certain(&self) -> bool {
        matches!(self, VhwOnCpu::Runs)
    }

    /// Whether nothing shows that a release running it can run on the CPU (a hard floor not
    /// shown): a move only such a band blocks is `unknown`, not `blocked` (issue 20, item 2).
    /// A support statement does not count: `allowLegacyCPU=true` runs the release there.
    pub fn may_not_exist(&self) -> bool {
        matches!(self, VhwOnCpu::Unshown { .. })
    }

    /// Whether it may exist at all.
    pub fn possible(&self) -> bool {
        !matches!(self, VhwOnCpu::Impossible { .. } | VhwOnCpu::NotEsxi)
    }

    /// The condition under which it exists, for a band's name ("if esxi01 runs ESXi 8.0 U2 or
    /// later, which needs cpuid.XSAVE: not shown"); `None` when it exists without one.
    pub fn condition(&self, host: &str) -> Option<String> {
        match self {
            VhwOnCpu::Runs | VhwOnCpu::Impossible { .. } | VhwOnCpu::NotEsxi => None,
            VhwOnCpu::Unshown {
                release,
                keys,
                floor,
            } => Some(format!(
                "only if {host} runs {} or later, which needs {} {}: not shown",
                release_name(*release),
                keys.join(", "),
                floor.tag
            )),
            VhwOnCpu::Unlikely {
                release,
                cpu,
                floor,
            } => Some(format!(
                "unlikely, not impossible: {} and later do not support {cpu} CPUs \
                 (KB 82794 {}; allowLegacyCPU=true installs them unsupported)",
                release_name(*release),
                floor.tag
            )),
        }
    }
}

pub use crate::value::parse_vhw;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::catalogue;

    #[test]
    fn releases_map_to_vhw() {
        let cases = [
            ("VMware ESXi 8.0.1 build-22513723", 20),
            ("VMware ESXi 8.0.2 build-22380479", 21),
            ("VMware ESXi 8.0.3 build-24022510", 21),
            ("VMware ESXi 6.7.0 build-15160138", 15),
            ("VMware ESXi 6.7.0 build-8169922", 14),
            ("VMware ESXi 7.0.3 build-18644231", 19),
            ("VMware ESXi 7.0.1 build-16850804", 18),
            ("VMware ESXi 7.0.0 build-15843807", 17),
            ("VMware ESXi 6.5.0 build-4564106", 13),
            ("VMware ESXi 5.5.0 build-1331820", 10),
            ("VMware ESXi 9.0.0 build-24755229", 22),
        ];
        for (product, vhw) in cases {
            assert_eq!(
                Release::parse(product).and_then(Release::max_vhw),
                Some(vhw),
                "{product}"
            );
        }
        assert_eq!(Release::parse("VMware vCenter Server 8.0.1"), None);
        assert_eq!(Release::parse("no version here"), None);
    }

    #[test]
    fn vhw_spellings() {
        assert_eq!(parse_vhw("vmx-19"), Some(19));
        assert_eq!(parse_vhw("14"), Some(14));
        assert_eq!(parse_vhw("VMX-10"), Some(10));
        assert_eq!(parse_vhw("x"), None);
        assert_eq!(first_release_for(21), "ESXi 8.0 U2");
        assert_eq!(first_release_for(22), "ESX 9.0");
    }

    /// \[C\] govmomi `hardware_version.go` @ 434104ba (docs/sources-issue20.md §2.5): 6, 12 and
    /// 16 are Workstation versions; 22 is ESX 9.0's; every other version's first release runs it.
    #[test]
    fn workstation_versions_and_esx_9() {
        for v in [6, 12, 16] {
            assert_eq!(first_release(v), None, "vmx-{v}");
        }
        assert_eq!(first_release(22), Some((9, 0, 0)));
        assert_eq!(first_release(21), Some((8, 0, 2)));
        assert_eq!(first_release(15), Some((6, 7, 2)));
        for v in (4..=22).filter(|v| ![5, 6, 12, 16].contains(v)) {
            let (major, minor, update) = first_release(v).unwrap();
            let r = Release {
                major,
                minor,
                update,
                build: None,
            };
            assert_eq!(r.max_vhw(), Some(v), "vmx-{v}");
        }
        assert_eq!(
            Release::parse("VMware ESX 9.0.0 build-24755229").map(Release::name),
            Some("ESX 9.0".to_string())
        );
        assert_eq!(release_name((8, 0, 2)), "ESXi 8.0 U2");
    }

    /// [`MDS_PATCHED_BUILDS`] is `core/data/mds-patched-builds.tsv`, row by row.
    #[test]
    fn mds_builds_match_the_tsv() {
        let tsv = include_str!("../data/mds-patched-builds.tsv");
        let rows: Vec<Vec<&str>> = tsv
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(rows.len(), MDS_PATCHED_BUILDS.len());
        for (row, r) in rows.iter().zip(MDS_PATCHED_BUILDS) {
            assert_eq!(
                row[0],
                format!("{}.{}", r.release.0, r.release.1),
                "{row:?}"
            );
            let first = r.first_build.map_or("any".to_string(), |b| b.to_string());
            assert_eq!(row[1], first, "{row:?}");
            assert!(row[2].contains(MDS_ADVISORY), "{row:?}");
            assert_eq!(row[3], r.tag, "{row:?}");
        }
    }

    /// The field report's hosts (6.7 P01 / U3) run patched builds; 6.7 U2 (13006603) does not;
    /// a 6.x host without a build number is unknown; 7.0 and 8.0 are patched.
    #[test]
    fn mds_patch_by_build() {
        let has = |p: &str| Release::parse(p).and_then(mds_patch_in_build).is_some();
        assert!(has("VMware ESXi 6.7.0 build-15160138"));
        assert!(has("VMware ESXi 6.7.0 build-14320388"));
        assert!(has("VMware ESXi 6.7.0 build-13644319"));
        assert!(!has("VMware ESXi 6.7.0 build-13006603"));
        assert!(!has("VMware ESXi 6.7.0"));
        assert!(has("VMware ESXi 6.5.0 build-13932383"));
        assert!(!has("VMware ESXi 6.5.0 build-13004031"));
        assert!(has("VMware ESXi 6.0.0 build-13635687"));
        assert!(!has("VMware ESXi 5.5.0 build-9919047"));
        assert!(has("VMware ESXi 7.0.3 build-21686933"));
        assert!(has("VMware ESXi 8.0.1 build-21495797"));
    }

    /// [`CPU_FLOORS`] is `core/data/esxi-cpu-floors.tsv`, row by row: release, rule keys or CPU,
    /// kind and tag.
    #[test]
    fn floors_match_the_tsv() {
        let tsv = include_str!("../data/esxi-cpu-floors.tsv");
        let rows: Vec<Vec<&str>> = tsv
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(rows.len(), CPU_FLOORS.len());
        for (row, floor) in rows.iter().zip(CPU_FLOORS) {
            let mut v = row[0].split('.').map(|p| p.parse::<u32>().unwrap());
            let release = (v.next().unwrap(), v.next().unwrap(), v.next().unwrap_or(0));
            assert_eq!(release, floor.release, "{row:?}");
            match floor.rule {
                FloorRule::Requires(keys) => {
                    assert_eq!(row[1], format!("requires:{}", keys.join(",")), "{row:?}")
                }
                FloorRule::Discontinued { cpu, .. } => {
                    let first = cpu.split(',').next().unwrap();
                    assert!(row[1].starts_with("discontinued:"), "{row:?}");
                    assert!(row[1].contains(first), "{row:?}");
                }
            }
            let kind = match floor.kind {
                FloorKind::Hard => "hard",
                FloorKind::Support => "support",
            };
            assert_eq!(row[2], kind, "{row:?}");
            assert_eq!(row[4], floor.tag, "{row:?}");
            for key in match floor.rule {
                FloorRule::Requires(keys) => keys,
                _ => &[],
            } {
                assert!(catalogue().lookup(key).is_some(), "{key}");
            }
        }
    }
}
