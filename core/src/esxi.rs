//! ESXi releases and the virtual hardware versions they run.
//!
//! ESXi release → maximum virtual hardware version (also the default for new VMs unless a
//! Default VM Compatibility is set), \[C\] govmomi `vim25/types/hardware_version.go`
//! (`GetHardwareVersionForESXi`, "From <https://kb.vmware.com/s/article/1003746>", commit
//! 1c017f8e): 8.0.2 → vmx-21, 8.0 → 20, 7.0.2 → 19, 7.0.1 → 18, 7.0.0 → 17, 6.7 U2 → 15,
//! 6.7 → 14, 6.5 → 13, 6.0 → 11, 5.5 → 10, 5.1 → 9, 5.0 → 8, 4.0 → 7, 3 → 4.
//! 9.0 → vmx-22 is \[I\] from KB 1003746 as quoted in the domain notes (that govmomi snapshot
//! predates 9.0).
//!
//! ESXi before 7.0 does not put the update in its version (6.7 U3 reports "6.7.0"); govmomi asks
//! callers to pass 6.7.2 for 6.7 U2. evcalc reads the build number instead: 6.7 U2 is build
//! 13006603 \[R\] (VMware's build-number KB 2143832, recalled), later 6.7 builds are larger.

/// A parsed `product.fullName` / `product.version` + build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub major: u32,
    pub minor: u32,
    pub update: u32,
    pub build: Option<u64>,
}

/// First 6.7 build of Update 2 (\[R\], see the module docs).
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

    /// "ESXi 8.0 U2"-style name.
    pub fn name(self) -> String {
        if self.update > 0 {
            format!("ESXi {}.{} U{}", self.major, self.minor, self.update)
        } else {
            format!("ESXi {}.{}", self.major, self.minor)
        }
    }
}

/// The first ESXi release that runs `vhw` (for messages: "vmx-21 needs ESXi 8.0 U2 or later").
pub(crate) fn first_release_for(vhw: u8) -> &'static str {
    match vhw {
        0..=4 => "ESXi 3",
        5..=7 => "ESXi 4.0",
        8 => "ESXi 5.0",
        9 => "ESXi 5.1",
        10 => "ESXi 5.5",
        11 | 12 => "ESXi 6.0",
        13 => "ESXi 6.5",
        14 => "ESXi 6.7",
        15 | 16 => "ESXi 6.7 U2",
        17 => "ESXi 7.0",
        18 => "ESXi 7.0 U1",
        19 => "ESXi 7.0 U2",
        20 => "ESXi 8.0",
        21 => "ESXi 8.0 U2",
        _ => "ESXi 9.0",
    }
}

/// Reads `vmx-19`, `19`, `vmx-019`.
pub fn parse_vhw(text: &str) -> Option<u8> {
    let t = text.trim().to_ascii_lowercase();
    let digits = t
        .strip_prefix("vmx-")
        .or_else(|| t.strip_prefix("vmx"))
        .unwrap_or(&t);
    digits
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|v| (3..=40).contains(v))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
