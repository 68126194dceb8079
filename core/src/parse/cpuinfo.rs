//! Linux `/proc/cpuinfo` → a host record.
//!
//! Only the first `processor` block is read: `vendor_id`, `cpu family`, `model`, `stepping`,
//! `model name`, `cpuid level` and `flags`. Linux flag names are mapped to ESXi `cpuid.*` keys
//! by [`FLAG_MAP`] (`pni` → `cpuid.SSE3`, `lahf_lm` → `cpuid.LAHF64`, `md_clear` →
//! `cpuid.MDCLEAR`, …). Keys are emitted for every catalogue feature a flag can show (0 when the
//! flag is absent). Features Linux does not print at all (e.g. AMD's CPUID.80000021h bits, the
//! AMD IBRS hints, AMD's SSBD bit) are left out and named in a warning: they are unrecorded
//! (unknown, not absent), so use a raw CPUID dump, or `--set cpuid.KEY=1`, when they matter.
//!
//! Linux's `ibrs`, `ibpb`, `stibp`, `ssbd` flags are synthetic (kernel-defined, set from Intel's
//! CPUID.(7,0):EDX bits or AMD's CPUID.80000008h:EBX bits or, for AMD `ssbd`, an MSR): only what
//! corresponds to one CPUID bit of the CPU's vendor is mapped ([`SYNTHETIC_MAP`]) — on AMD `ibrs`
//! and `ibpb` to VMware's `cpuid.LEAF88_IBRS`/`cpuid.LEAF88_IBPB`, never to Intel's leaf-7 keys.
//!
//! The `cpuid.XCR0_MASTER_*` keys have no flag; they are derived \[I\]: `xsave`+`sse` →
//! `XCR0_MASTER_SSE`, `avx` → `YMM_H`, `avx512f` → `OPMASK`/`ZMM_H`/`HI16_ZMM`, `pku` → `PKRU`,
//! `mpx` → `BNDREGS`/`BNDCSR`, `amx_tile` → `XTILECFG`/`XTILEDATA` and `XFD` (Linux enables AMX
//! only with XFD).
//!
//! Flags are what the *kernel* reports: a kernel can hide features (`tsx=off`, `noxsave`,
//! `clearcpuid=`), and inside a VM they are what the hypervisor exposes. Every host carries
//! [`super::cpuid_dump::APPROXIMATION_WARNING`].

use std::collections::BTreeSet;

use super::ParseResult;
use super::cpuid_dump::APPROXIMATION_WARNING;
use crate::catalogue::{Kind, catalogue};
use crate::input::{Document, Entry, HostInput, ParseError, Pos, Warning};

/// Linux `/proc/cpuinfo` flag → the ESXi keys it sets (without the `cpuid.` prefix).
pub const FLAG_MAP: &[(&str, &[&str])] = &[
    // CPUID.1:ECX / EDX
    ("pni", &["SSE3"]),
    ("pclmulqdq", &["PCLMULQDQ"]),
    ("monitor", &["MWAIT"]),
    ("vmx", &["VMX"]),
    ("ssse3", &["SSSE3"]),
    ("fma", &["FMA"]),
    ("cx16", &["CMPXCHG16B"]),
    ("pcid", &["PCID"]),
    ("sse4_1", &["SSE41"]),
    ("sse4_2", &["SSE42"]),
    ("movbe", &["MOVBE"]),
    ("popcnt", &["POPCNT"]),
    ("aes", &["AES"]),
    ("xsave", &["XSAVE"]),
    ("avx", &["AVX"]),
    ("f16c", &["F16C"]),
    ("rdrand", &["RDRAND"]),
    ("pn", &["PSN"]),
    ("dts", &["DS"]),
    ("ss", &["SS"]),
    // CPUID.(7,0):EBX
    ("fsgsbase", &["FSGSBASE"]),
    ("bmi1", &["BMI1"]),
    ("hle", &["HLE"]),
    ("avx2", &["AVX2"]),
    ("smep", &["SMEP"]),
    ("bmi2", &["BMI2"]),
    ("erms", &["ENFSTRG"]),
    ("invpcid", &["INVPCID"]),
    ("rtm", &["RTM"]),
    ("mpx", &["MPX"]),
    ("rdt_a", &["PQE"]),
    ("avx512f", &["AVX512F"]),
    ("avx512dq", &["AVX512DQ"]),
    ("rdseed", &["RDSEED"]),
    ("adx", &["ADX"]),
    ("smap", &["SMAP"]),
    ("avx512ifma", &["AVX512IFMA"]),
    ("clflushopt", &["CLFLUSHOPT"]),
    ("clwb", &["CLWB"]),
    ("avx512pf", &["AVX512PF"]),
    ("avx512er", &["AVX512ER"]),
    ("avx512cd", &["AVX512CD"]),
    ("sha_ni", &["SHA"]),
    ("avx512bw", &["AVX512BW"]),
    ("avx512vl", &["AVX512VL"]),
    // CPUID.(7,0):ECX
    ("avx512vbmi", &["AVX512VBMI"]),
    ("umip", &["UMIP"]),
    ("pku", &["PKU"]),
    ("avx512_vbmi2", &["AVX512VBMI2"]),
    ("shstk", &["CET_SS"]),
    ("user_shstk", &["CET_SS"]),
    ("gfni", &["GFNI"]),
    ("vaes", &["VAES"]),
    ("vpclmulqdq", &["VPCLMULQDQ"]),
    ("avx512_vnni", &["AVX512VNNI"]),
    ("avx512_bitalg", &["AVX512BITALG"]),
    ("avx512_vpopcntdq", &["AVX512VPOPCNTDQ"]),
    ("rdpid", &["RDPID"]),
    ("cldemote", &["CLDEMOTE"]),
    ("movdiri", &["MOVDIRI"]),
    ("movdir64b", &["MOVDIR64B"]),
    ("pks", &["PKS"]),
    // CPUID.(7,0):EDX
    ("fsrm", &["FAST_SHORT_REPMOV"]),
    ("avx512_vp2intersect", &["AVX512VP2INTERSECT"]),
    ("md_clear", &["MDCLEAR"]),
    ("serialize", &["SERIALIZE"]),
    ("ibt", &["CET_IBT"]),
    ("amx_bf16", &["AMX_BF16"]),
    ("avx512_fp16", &["AVX512FP16"]),
    ("amx_tile", &["AMX_TILE"]),
    ("amx_int8", &["AMX_INT8"]),
    // Linux's names of the CPUID.(7,0):EDX bits themselves (X86_FEATURE_SPEC_CTRL, INTEL_STIBP,
    // SPEC_CTRL_SSBD): most kernels hide them from /proc/cpuinfo; see SYNTHETIC_MAP for the flags
    // they print instead.
    ("spec_ctrl", &["IBRS", "IBPB"]),
    ("intel_stibp", &["STIBP"]),
    ("flush_l1d", &["FCMD"]),
    ("spec_ctrl_ssbd", &["SSBD"]),
    // CPUID.(7,1):EAX
    ("avx_vnni", &["AVX_VNNI"]),
    ("avx512_bf16", &["AVX512BF16"]),
    ("fzrm", &["FAST_ZERO_MOVSB"]),
    ("fsrs", &["FAST_SHORT_STOSB"]),
    ("fsrc", &["FAST_SHORT_CMPSB_SCASB"]),
    ("amx_fp16", &["AMX_FP16"]),
    // CPUID.(0xD,1):EAX
    ("xsaveopt", &["XSAVEOPT"]),
    ("xsavec", &["XSAVEC"]),
    ("xgetbv1", &["XGETBV_ECX1"]),
    ("xsaves", &["XSAVES"]),
    ("xfd", &["XFD"]),
    // CPUID.(0x10,0)
    ("cat_l3", &["PQE_L3"]),
    // CPUID.80000001h:ECX / EDX
    ("lahf_lm", &["LAHF64"]),
    ("svm", &["SVM"]),
    ("extapic", &["EXTAPICSPC"]),
    ("cr8_legacy", &["CR8AVAIL"]),
    ("abm", &["ABM"]),
    ("sse4a", &["SSE4A"]),
    ("misalignsse", &["MISALIGNED_SSE"]),
    ("3dnowprefetch", &["3DNPREFETCH"]),
    ("xop", &["XOP"]),
    ("fma4", &["FMA4"]),
    ("tbm", &["TBM"]),
    ("nx", &["NX"]),
    ("mmxext", &["MMXEXT"]),
    ("fxsr_opt", &["FFXSR"]),
    ("pdpe1gb", &["PDPE1GB"]),
    ("rdtscp", &["RDTSCP"]),
    ("lm", &["LM"]),
    ("3dnowext", &["3DNOWPLUS"]),
    ("3dnow", &["3DNOW"]),
    // CPUID.80000008h:EBX
    ("clzero", &["CLZERO"]),
    ("wbnoinvd", &["WBNOINVD"]),
    // CPUID.8000000Ah:EDX (SVM)
    ("npt", &["SVM_NPT"]),
    ("nrip_save", &["SVM_NRIP"]),
    ("vmcb_clean", &["SVM_VMCB_CLEAN"]),
    ("flushbyasid", &["SVM_FLUSH_BY_ASID"]),
    ("decodeassists", &["SVM_DECODE_ASSISTS"]),
    // CPUID.80000021h:EAX
    ("auto_ibrs", &["AUTOMATIC_IBRS"]),
];

/// Linux's synthetic mitigation flags `ibrs`, `ibpb`, `stibp`, `ssbd` (X86_FEATURE_IBRS/IBPB/
/// STIBP/SSBD, word 7: kernel-defined, not CPUID bits), mapped per vendor to the CPUID bit the
/// kernel sets them from (`init_speculation_control` in `arch/x86/kernel/cpu/common.c`, and
/// `amd.c`'s LS_CFG SSBD) \[C\] kernel source, \[I\] that the kernel printing the flag knows the bit:
///
/// * Intel: `ibrs` and `ibpb` from CPUID.(7,0):EDX\[26\] (SPEC_CTRL), `stibp` from EDX\[27\],
///   `ssbd` from EDX\[31\] → Intel's keys.
/// * AMD: `ibrs` from CPUID.80000008h:EBX\[14\] → `cpuid.LEAF88_IBRS`, `ibpb` from EBX\[12\] →
///   `cpuid.LEAF88_IBPB` (VMware's own fields, `x86cpuid-fields.open-vm-tools.tsv`; on AMD
///   hardware CPUID.(7,0):EDX\[26\] is 0, a hypervisor may set it in a guest, which the
///   `hypervisor` warning names). `stibp` comes from EBX\[15\], VMware's LEAF88_STIBP, class NO
///   (never exposed, no key); `ssbd` from EBX\[24\], EBX\[25\] (VIRT_SSBD) or the non-CPUID LS_CFG
///   MSR of families 15h–17h: neither maps, and `cpuid.LEAF88_SSBD_SPEC_CTRL` stays unrecorded.
///   Never Intel's leaf-7 keys. The kernel hides `amd_ibpb`, `amd_ibrs`, `amd_stibp`, `amd_ssbd`
///   from /proc/cpuinfo (`""` in cpufeatures.h), so they are not read.
/// * Other vendors (Hygon, VIA, …): not mapped (unrecorded).
pub const SYNTHETIC_MAP: &[(&str, &str, &[&str])] = &[
    ("GenuineIntel", "ibrs", &["IBRS"]),
    ("GenuineIntel", "ibpb", &["IBPB"]),
    ("GenuineIntel", "stibp", &["STIBP"]),
    ("GenuineIntel", "ssbd", &["SSBD"]),
    ("AuthenticAMD", "ibrs", &["LEAF88_IBRS"]),
    ("AuthenticAMD", "ibpb", &["LEAF88_IBPB"]),
];

/// Keys derived from flags rather than named by one \[I\]: (required flags, keys).
const DERIVED: &[(&[&str], &[&str])] = &[
    (&["xsave", "sse"], &["XCR0_MASTER_SSE"]),
    (&["xsave", "avx"], &["XCR0_MASTER_YMM_H"]),
    (
        &["xsave", "mpx"],
        &["XCR0_MASTER_BNDREGS", "XCR0_MASTER_BNDCSR"],
    ),
    (
        &["xsave", "avx512f"],
        &[
            "XCR0_MASTER_OPMASK",
            "XCR0_MASTER_ZMM_H",
            "XCR0_MASTER_HI16_ZMM",
        ],
    ),
    (&["xsave", "pku"], &["XCR0_MASTER_PKRU"]),
    (
        &["xsave", "amx_tile"],
        &["XCR0_MASTER_XTILECFG", "XCR0_MASTER_XTILEDATA", "XFD"],
    ),
];

/// Cheap check for format detection: a `processor : N` line and a `flags` or `vendor_id` line.
pub(crate) fn looks_like(text: &str) -> bool {
    let mut processor = false;
    for line in text.lines().take(200) {
        // The keys that matter start with p, f or v.
        if !matches!(
            line.trim_start().as_bytes().first(),
            Some(b'p' | b'f' | b'v')
        ) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        match key.trim() {
            "processor" if value.trim().parse::<u32>().is_ok() => processor = true,
            "flags" | "vendor_id" if processor => return true,
            _ => {}
        }
    }
    false
}

/// Parses the first `processor` block of `/proc/cpuinfo` into one [`Document::Host`].
pub fn parse(text: &str) -> ParseResult {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cat = catalogue();
    let mut fields: Vec<(&str, &str, Pos)> = Vec::new();
    let mut started = false;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if started {
                break;
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key == "processor" {
            if started {
                break;
            }
            started = true;
        }
        if started {
            let col = line.len() - value.trim_start().len() + 1;
            fields.push((
                key,
                value.trim(),
                Pos {
                    line: index as u32 + 1,
                    col: col as u32,
                },
            ));
        }
    }
    let start = fields
        .first()
        .map(|f| f.2)
        .unwrap_or(Pos { line: 1, col: 1 });
    let get = |k: &str| {
        fields
            .iter()
            .find(|(key, _, _)| *key == k)
            .map(|(_, v, p)| (*v, *p))
    };
    let Some((flags_text, flags_pos)) = get("flags") else {
        let hint = if get("Features").is_some() || get("CPU implementer").is_some() {
            " (this looks like an ARM /proc/cpuinfo: EVC is about x86 CPUs)"
        } else {
            ""
        };
        return Err(ParseError::new(
            start.line,
            start.col,
            format!(
                "expected an x86 /proc/cpuinfo `processor` block with a `flags :` line; found none{hint}"
            ),
        ));
    };
    let flags: BTreeSet<&str> = flags_text.split_whitespace().collect();
    let mut warnings = vec![APPROXIMATION_WARNING.to_string()];
    let mut caps: Vec<Entry<u64>> = Vec::new();
    let mut push = |key: String, value: u64, pos: Pos| caps.push(Entry { key, value, pos });

    let vendor = get("vendor_id").map(|(v, _)| v).unwrap_or_default();
    let vendor_key = match vendor {
        "GenuineIntel" => Some("cpuid.Intel"),
        "AuthenticAMD" => Some("cpuid.AMD"),
        "CentaurHauls" => Some("cpuid.VIA"),
        "CyrixInstead" => Some("cpuid.Cyrix"),
        _ => None,
    };
    if vendor_key.is_none() {
        warnings.push(format!(
            "CPU vendor `{vendor}` is not one ESXi's EVC knows (Intel, AMD): no vendor key is set and no EVC mode can admit it"
        ));
    }
    let vendor_pos = get("vendor_id").map(|(_, p)| p).unwrap_or(start);
    for key in ["cpuid.Intel", "cpuid.AMD", "cpuid.VIA", "cpuid.Cyrix"] {
        push(
            key.to_string(),
            u64::from(vendor_key == Some(key)),
            vendor_pos,
        );
    }
    for (field, key) in [
        ("cpu family", "cpuid.FAMILY"),
        ("model", "cpuid.MODEL"),
        ("stepping", "cpuid.STEPPING"),
        ("cpuid level", "cpuid.NUMLEVELS"),
    ] {
        match get(field) {
            Some((v, p)) => match v.parse::<u64>() {
                Ok(n) => push(key.to_string(), n, p),
                Err(_) => {
                    return Err(ParseError::new(
                        p.line,
                        p.col,
                        format!("expected a decimal number for `{field}`, found `{v}`"),
                    ));
                }
            },
            None if field != "cpuid level" => {
                warnings.push(format!("no `{field}` line: {key} is unknown"))
            }
            None => {}
        }
    }

    // Flags → keys.
    let mut set: BTreeSet<&str> = BTreeSet::new();
    let mut shown: BTreeSet<&str> = BTreeSet::new();
    for (flag, keys) in FLAG_MAP {
        shown.extend(keys.iter());
        if flags.contains(flag) {
            set.extend(keys.iter());
        }
    }
    for (_, flag, keys) in SYNTHETIC_MAP.iter().filter(|(v, _, _)| *v == vendor) {
        shown.extend(keys.iter());
        if flags.contains(flag) {
            set.extend(keys.iter());
        }
    }
    for (needs, keys) in DERIVED {
        shown.extend(keys.iter());
        if needs.iter().all(|f| flags.contains(f)) {
            set.extend(keys.iter());
        }
    }
    // Intel's CPUID.(7,0):EDX speculation-control bits are never set by AMD hardware [D] (the raw
    // CPUID decoder's rule, `cpuid_dump::INTEL_SPEC_CTRL_KEYS`): a flag naming one on AMD comes from
    // a hypervisor; read as 0 and said.
    if vendor == "AuthenticAMD" {
        let intel: Vec<&str> = ["IBRS", "IBPB", "STIBP", "SSBD"]
            .into_iter()
            .filter(|k| set.remove(k))
            .collect();
        if !intel.is_empty() {
            warnings.push(format!(
                "this AMD CPU's flags name Intel's CPUID.(7,0):EDX speculation-control bits (cpuid.{}), which AMD \
                 hardware does not set (a hypervisor emulating Intel's interface does): read as 0",
                intel.join(", cpuid.")
            ));
        }
    }
    let mut unseen: Vec<&str> = Vec::new();
    for (_, def) in cat.iter() {
        if def.cpuid.is_none() || matches!(def.kind, Kind::Vendor | Kind::Identity) {
            continue;
        }
        let short = &def.key["cpuid.".len()..];
        if shown.contains(short) {
            push(def.key.clone(), u64::from(set.contains(short)), flags_pos);
        } else {
            unseen.push(&def.key);
        }
    }
    if !unseen.is_empty() {
        warnings.push(format!(
            "/proc/cpuinfo has no flag for {} (unknown, not absent: unrecorded; a raw CPUID dump or an override cpuid.KEY=1 can \
             supply them)",
            unseen.join(", ")
        ));
    }
    // /proc/cpuinfo prints `bugs`, `bogomips`, … after `flags`: a text that ends inside the
    // `flags` line (no line break after it) may have been cut short, and every flag after the
    // cut would read as absent without a word (hardening: truncated pastes).
    if flags_pos.line as usize == text.lines().count() && !text.ends_with('\n') {
        warnings.push(
            "the text ends inside the `flags` line (nothing follows it; /proc/cpuinfo prints `bugs` and `bogomips` \
             after it): if the paste was cut short, the flags after the cut read as absent"
                .to_string(),
        );
    }
    if flags.contains("hypervisor") {
        warnings.push(
            "this /proc/cpuinfo comes from a virtual machine (`hypervisor` flag): it shows what that hypervisor exposes, \
             not the physical CPU"
                .to_string(),
        );
    }
    let host = HostInput {
        cpu_model: get("model name")
            .map(|(v, _)| v.to_string())
            .filter(|v| !v.is_empty()),
        capabilities: caps,
        pos: start,
        unrecorded: unseen.iter().map(|k| k.to_string()).collect(),
        ..HostInput::default()
    };
    let warnings = warnings
        .into_iter()
        .map(|message| Warning {
            pos: start,
            message,
        })
        .collect();
    Ok((vec![Document::Host(host)], warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROADWELL: &str = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 79\n\
        model name\t: Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz\nstepping\t: 1\ncpuid level\t: 20\n\
        flags\t\t: fpu sse sse2 ht syscall nx pdpe1gb rdtscp lm pni pclmulqdq dts monitor ssse3 fma cx16 pcid sse4_1 \
        sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch ss md_clear flush_l1d spec_ctrl intel_stibp \
        ssbd ibrs ibpb stibp fsgsbase bmi1 hle avx2 smep bmi2 erms invpcid rtm rdseed adx smap xsaveopt\n\n\
        processor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu\n";

    fn value(h: &HostInput, key: &str) -> Option<u64> {
        h.capabilities
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.value)
    }

    #[test]
    fn first_block_flags_map_to_esxi_keys() {
        assert!(looks_like(BROADWELL));
        let (docs, warnings) = parse(BROADWELL).unwrap();
        let Document::Host(h) = &docs[0] else {
            panic!()
        };
        assert_eq!(
            h.cpu_model.as_deref(),
            Some("Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz")
        );
        assert_eq!(value(h, "cpuid.Intel"), Some(1));
        assert_eq!(value(h, "cpuid.MODEL"), Some(79));
        assert_eq!(value(h, "cpuid.NUMLEVELS"), Some(20));
        for k in [
            "SSE3",
            "SSE41",
            "LAHF64",
            "MDCLEAR",
            "FCMD",
            "ENFSTRG",
            "3DNPREFETCH",
            "ABM",
            "PDPE1GB",
            "IBRS",
            "IBPB",
            "DS",
            "MWAIT",
            "XCR0_MASTER_SSE",
            "XCR0_MASTER_YMM_H",
            "XSAVEOPT",
        ] {
            assert_eq!(value(h, &format!("cpuid.{k}")), Some(1), "{k}");
        }
        assert_eq!(value(h, "cpuid.AVX512F"), Some(0));
        assert_eq!(value(h, "cpuid.AMD_FAST_SHORT_CMPSB"), None);
        assert_eq!(warnings[0].message, APPROXIMATION_WARNING);
        assert!(
            warnings
                .iter()
                .any(|w| w.message.contains("cpuid.UPPER_ADDRESS_IGNORE"))
        );
        assert_eq!(value(h, "cpuid.FCMD"), Some(1));
    }

    #[test]
    fn amd_synthetic_flags_never_set_intel_keys() {
        let amd = BROADWELL
            .replace("GenuineIntel", "AuthenticAMD")
            .replace("md_clear flush_l1d spec_ctrl intel_stibp ", "");
        let (docs, warnings) = parse(&amd).unwrap();
        let Document::Host(h) = &docs[0] else {
            panic!()
        };
        assert_eq!(value(h, "cpuid.LEAF88_IBRS"), Some(1));
        assert_eq!(value(h, "cpuid.LEAF88_IBPB"), Some(1));
        // Intel's CPUID.(7,0):EDX keys only from the leaf-7 flags (absent here): 0, never 1
        for k in ["IBRS", "IBPB", "STIBP", "SSBD"] {
            assert_eq!(value(h, &format!("cpuid.{k}")), Some(0), "{k}");
        }
        // `ssbd` on AMD may come from an MSR: AMD's SSBD bit stays unrecorded, with the warning
        assert_eq!(value(h, "cpuid.LEAF88_SSBD_SPEC_CTRL"), None);
        assert!(
            h.unrecorded
                .iter()
                .any(|k| k == "cpuid.LEAF88_SSBD_SPEC_CTRL")
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.message.contains("cpuid.LEAF88_SSBD_SPEC_CTRL"))
        );
        // Intel: the same flags are Intel's keys, AMD's stay unrecorded
        let (docs, _) = parse(BROADWELL).unwrap();
        let Document::Host(h) = &docs[0] else {
            panic!()
        };
        assert_eq!(value(h, "cpuid.STIBP"), Some(1));
        assert_eq!(value(h, "cpuid.SSBD"), Some(1));
        assert_eq!(value(h, "cpuid.LEAF88_IBRS"), None);
    }

    #[test]
    fn flag_map_names_only_catalogue_keys() {
        let cat = catalogue();
        for (flag, keys) in FLAG_MAP
            .iter()
            .copied()
            .chain(DERIVED.iter().map(|(f, k)| (f[1], *k)))
            .chain(SYNTHETIC_MAP.iter().map(|(_, f, k)| (*f, *k)))
        {
            for k in keys {
                assert!(cat.lookup(&format!("cpuid.{k}")).is_some(), "{flag} → {k}");
            }
        }
    }

    #[test]
    fn errors() {
        let e = parse("processor\t: 0\nvendor_id\t: GenuineIntel\n").unwrap_err();
        assert_eq!(e.pos.line, 1);
        let e =
            parse("processor\t: 0\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n").unwrap_err();
        assert!(e.message.contains("ARM"));
        let e = parse("processor\t: 0\ncpu family\t: six\nflags\t: fpu\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 14));
        for (i, _) in BROADWELL.char_indices() {
            let _ = parse(&BROADWELL[..i]);
        }
    }
}
