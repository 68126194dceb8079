//! Reading the CPU evcalc runs on (`evcalc host --local`): the only place that executes CPUID.
//!
//! The registers are read with raw-cpuid's native reader into the same (leaf, sub-leaf) map a
//! CPUID dump gives ([`evcalc::parse::cpuid_dump::Leaves`]) and decoded by the same decoder, so
//! `--local` and a `cpuid -r` dump of this machine give the same host.

use evcalc::input::HostInput;
use evcalc::parse::cpuid_dump::{self, Leaves};

/// The host evcalc runs on, read with CPUID, and its warnings: the CPUID approximation note first, then
/// what the decoder noticed (e.g. "taken inside a virtual machine").
pub fn read_local_host_with_warnings() -> Result<(HostInput, Vec<String>), String> {
    let leaves = read_leaves()?;
    let (mut host, warnings) = cpuid_dump::decode(&leaves)?;
    host.name = Some("local".to_string());
    Ok((host, warnings))
}

#[cfg(any(
    all(target_arch = "x86", not(target_env = "sgx"), target_feature = "sse"),
    all(target_arch = "x86_64", not(target_env = "sgx"))
))]
fn read_leaves() -> Result<Leaves, String> {
    Ok(collect(raw_cpuid::native_cpuid::cpuid_count))
}

#[cfg(not(any(
    all(target_arch = "x86", not(target_env = "sgx"), target_feature = "sse"),
    all(target_arch = "x86_64", not(target_env = "sgx"))
)))]
fn read_leaves() -> Result<Leaves, String> {
    Err(format!(
        "reading the local CPU needs an x86 or x86_64 machine (this one is {}); give a CPUID dump of the host instead",
        std::env::consts::ARCH
    ))
}

/// Highest basic / extended leaf read, whatever the CPU claims (guards against garbage).
const MAX_BASIC: u32 = 0x40;
const MAX_EXTENDED: u32 = 0x8000_0040;

/// Reads every leaf the CPU implements through `cpuid(leaf, subleaf)`, with the sub-leaves that
/// matter: leaf 7 up to CPUID.(7,0):EAX, leaf 0xD for all 64 state components, the enumerating
/// leaves (4, 0xB, 0x1F, 0x8000001D) until their terminator, a few for the rest.
#[cfg_attr(
    not(any(
        all(target_arch = "x86", not(target_env = "sgx"), target_feature = "sse"),
        all(target_arch = "x86_64", not(target_env = "sgx"))
    )),
    allow(dead_code)
)]
fn collect(cpuid: impl Fn(u32, u32) -> raw_cpuid::CpuIdResult) -> Leaves {
    let mut leaves = Leaves::new();
    let mut read = |leaf: u32, sub: u32| {
        let r = cpuid(leaf, sub);
        let regs = [r.eax, r.ebx, r.ecx, r.edx];
        leaves.insert(leaf, sub, regs);
        regs
    };
    let max_basic = read(0, 0)[0].min(MAX_BASIC);
    for leaf in 1..=max_basic {
        let first = read(leaf, 0);
        match leaf {
            7 => (1..=first[0].min(8)).for_each(|s| {
                read(7, s);
            }),
            0xd => (1..64).for_each(|s| {
                read(0xd, s);
            }),
            4 | 0xb | 0x1f => {
                let mut regs = first;
                let mut s = 0;
                // leaf 4 ends at cache type 0; leaves 0xB/0x1F at level type 0
                while s < 16
                    && if leaf == 4 {
                        regs[0] & 0x1f != 0
                    } else {
                        regs[2] & 0xff00 != 0
                    }
                {
                    s += 1;
                    regs = read(leaf, s);
                }
            }
            _ => (1..4).for_each(|s| {
                read(leaf, s);
            }),
        }
    }
    let max_ext = read(0x8000_0000, 0)[0];
    if (0x8000_0000..=0x8000_ffff).contains(&max_ext) {
        for leaf in 0x8000_0001..=max_ext.min(MAX_EXTENDED) {
            let mut regs = read(leaf, 0);
            if leaf == 0x8000_001d {
                let mut s = 0;
                while s < 16 && regs[0] & 0x1f != 0 {
                    s += 1;
                    regs = read(leaf, s);
                }
            }
        }
    }
    leaves
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_and_decodes_a_simulated_cpu() {
        // A Skylake-SP-like CPU: max leaf 0xd, leaf 7 with one sub-leaf, AVX-512F, MD_CLEAR.
        let fake = |leaf: u32, sub: u32| {
            let (eax, ebx, ecx, edx) = match (leaf, sub) {
                (0, 0) => (0xd, 0x756e_6547, 0x6c65_746e, 0x4965_6e69),
                (1, 0) => (0x0005_0654, 0, 1 << 28, 0),
                (4, 0) => (0x121, 0, 0, 0),
                (4, 1) => (0x122, 0, 0, 0),
                (7, 0) => (0, 1 << 16, 0, 1 << 10),
                (0xd, 0) => (0xe7, 0, 0, 0),
                (0xd, 1) => (0xf, 0, 0, 0),
                (0x8000_0000, 0) => (0x8000_0001, 0, 0, 0),
                (0x8000_0001, 0) => (0, 0, 1, 1 << 29),
                _ => (0, 0, 0, 0),
            };
            raw_cpuid::CpuIdResult { eax, ebx, ecx, edx }
        };
        let leaves = collect(fake);
        assert!(leaves.recorded(4, 2).is_some() && leaves.recorded(4, 3).is_none());
        let (host, warnings) = cpuid_dump::decode(&leaves).unwrap();
        let value = |k: &str| {
            host.capabilities
                .iter()
                .find(|e| e.key == k)
                .map(|e| e.value)
        };
        assert_eq!(value("cpuid.AVX512F"), Some(1));
        assert_eq!(value("cpuid.MDCLEAR"), Some(1));
        assert_eq!(value("cpuid.XCR0_MASTER_HI16_ZMM"), Some(1));
        assert_eq!(value("cpuid.LM"), Some(1));
        assert_eq!(warnings[0], cpuid_dump::APPROXIMATION_WARNING);
    }

    #[test]
    fn reads_this_machine() {
        match read_local_host_with_warnings() {
            Ok((host, warnings)) => {
                assert_eq!(host.name.as_deref(), Some("local"));
                assert!(host.capabilities.iter().any(|e| e.key == "cpuid.FAMILY"));
                assert_eq!(warnings[0], cpuid_dump::APPROXIMATION_WARNING);
            }
            Err(e) => assert!(e.contains("x86"), "{e}"),
        }
    }
}
