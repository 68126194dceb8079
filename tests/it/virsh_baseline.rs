//! Differential check against libvirt (research notes: peers.md §2.4).
//!
//! For groups of real CPUID dumps (`tests/data/cpuid/`):
//!
//! 1. **Decoding.** Each dump's registers are decoded twice: by evcalc (catalogue bit positions,
//!    `core/data/features.tsv`) and by libvirt's own feature map
//!    (`/usr/share/libvirt/cpu_map/x86_features.xml`, feature name → CPUID leaf/sub-leaf/register
//!    mask). For every feature both model ([`NAMES`], matched by name), the two must agree.
//! 2. **Baseline.** The libvirt-decoded features of the group's CPUs are fed to
//!    `virsh -c test:///default cpu-baseline --features` as `<cpu>` elements (lowest model `486`
//!    plus every feature); the baseline's features are compared with evcalc's common feature set
//!    (the intersection of the hosts' capabilities) on the features both model.
//!
//! Disagreements are printed; each must be listed in [`EXPLAINED`] with its reason, or the test
//! fails. Without `virsh` (Debian `libvirt-clients`) or libvirt's cpu_map the test prints why it
//! is skipped and passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use evcalc::catalogue::FeatureSet;
use evcalc::input::Document;
use evcalc::model::Host;
use evcalc::parse::{self, cpuid_dump};
use evcalc_tests::read;

const CPU_MAP: &str = "/usr/share/libvirt/cpu_map/x86_features.xml";

/// ESXi key (without `cpuid.`) → libvirt feature names; the ESXi feature is present when any of
/// the names is. AMD's CPUID.80000008h:EBX mitigation bits are VMware's own `LEAF88_*` fields,
/// never Intel's CPUID.7 keys (issue 20): libvirt's `ibpb`/`ibrs`/`amd-ssbd` are those bits.
const NAMES: &[(&str, &[&str])] = &[
    ("SSE3", &["pni"]),
    ("PCLMULQDQ", &["pclmuldq"]),
    ("MWAIT", &["monitor"]),
    ("VMX", &["vmx"]),
    ("SSSE3", &["ssse3"]),
    ("FMA", &["fma"]),
    ("CMPXCHG16B", &["cx16"]),
    ("PCID", &["pcid"]),
    ("SSE41", &["sse4.1"]),
    ("SSE42", &["sse4.2"]),
    ("MOVBE", &["movbe"]),
    ("POPCNT", &["popcnt"]),
    ("AES", &["aes"]),
    ("XSAVE", &["xsave"]),
    ("AVX", &["avx"]),
    ("F16C", &["f16c"]),
    ("RDRAND", &["rdrand"]),
    ("PSN", &["pn"]),
    ("DS", &["ds"]),
    ("SS", &["ss"]),
    ("FSGSBASE", &["fsgsbase"]),
    ("BMI1", &["bmi1"]),
    ("HLE", &["hle"]),
    ("AVX2", &["avx2"]),
    ("SMEP", &["smep"]),
    ("BMI2", &["bmi2"]),
    ("ENFSTRG", &["erms"]),
    ("INVPCID", &["invpcid"]),
    ("RTM", &["rtm"]),
    ("MPX", &["mpx"]),
    ("AVX512F", &["avx512f"]),
    ("AVX512DQ", &["avx512dq"]),
    ("RDSEED", &["rdseed"]),
    ("ADX", &["adx"]),
    ("SMAP", &["smap"]),
    ("AVX512IFMA", &["avx512ifma"]),
    ("CLFLUSHOPT", &["clflushopt"]),
    ("CLWB", &["clwb"]),
    ("AVX512PF", &["avx512pf"]),
    ("AVX512ER", &["avx512er"]),
    ("AVX512CD", &["avx512cd"]),
    ("SHA", &["sha-ni"]),
    ("AVX512BW", &["avx512bw"]),
    ("AVX512VL", &["avx512vl"]),
    ("AVX512VBMI", &["avx512vbmi"]),
    ("UMIP", &["umip"]),
    ("PKU", &["pku"]),
    ("AVX512VBMI2", &["avx512vbmi2"]),
    ("GFNI", &["gfni"]),
    ("VAES", &["vaes"]),
    ("VPCLMULQDQ", &["vpclmulqdq"]),
    ("AVX512VNNI", &["avx512vnni"]),
    ("AVX512BITALG", &["avx512bitalg"]),
    ("AVX512VPOPCNTDQ", &["avx512-vpopcntdq"]),
    ("RDPID", &["rdpid"]),
    ("CLDEMOTE", &["cldemote"]),
    ("MOVDIRI", &["movdiri"]),
    ("MOVDIR64B", &["movdir64b"]),
    ("PKS", &["pks"]),
    ("FAST_SHORT_REPMOV", &["fsrm"]),
    ("AVX512VP2INTERSECT", &["avx512-vp2intersect"]),
    ("MDCLEAR", &["md-clear"]),
    ("SERIALIZE", &["serialize"]),
    ("AMX_BF16", &["amx-bf16"]),
    ("AVX512FP16", &["avx512-fp16"]),
    ("AMX_TILE", &["amx-tile"]),
    ("AMX_INT8", &["amx-int8"]),
    ("IBRS", &["spec-ctrl"]),
    ("IBPB", &["spec-ctrl"]),
    ("STIBP", &["stibp"]),
    ("SSBD", &["ssbd"]),
    ("LEAF88_IBPB", &["ibpb"]),
    ("LEAF88_IBRS", &["ibrs"]),
    ("LEAF88_SSBD_SPEC_CTRL", &["amd-ssbd"]),
    ("AVX_VNNI", &["avx-vnni"]),
    ("AVX512BF16", &["avx512-bf16"]),
    ("XSAVEOPT", &["xsaveopt"]),
    ("XSAVEC", &["xsavec"]),
    ("XGETBV_ECX1", &["xgetbv1"]),
    ("XSAVES", &["xsaves"]),
    ("XFD", &["xfd"]),
    ("NX", &["nx"]),
    ("MMXEXT", &["mmxext"]),
    ("FFXSR", &["fxsr_opt"]),
    ("PDPE1GB", &["pdpe1gb"]),
    ("RDTSCP", &["rdtscp"]),
    ("LM", &["lm"]),
    ("3DNOWPLUS", &["3dnowext"]),
    ("3DNOW", &["3dnow"]),
    ("LAHF64", &["lahf_lm"]),
    ("SVM", &["svm"]),
    ("EXTAPICSPC", &["extapic"]),
    ("CR8AVAIL", &["cr8legacy"]),
    ("ABM", &["abm"]),
    ("SSE4A", &["sse4a"]),
    ("MISALIGNED_SSE", &["misalignsse"]),
    ("3DNPREFETCH", &["3dnowprefetch"]),
    ("XOP", &["xop"]),
    ("FMA4", &["fma4"]),
    ("TBM", &["tbm"]),
    ("CLZERO", &["clzero"]),
    ("WBNOINVD", &["wbnoinvd"]),
    ("SVM_NPT", &["npt"]),
    ("SVM_NRIP", &["nrip-save"]),
    ("SVM_VMCB_CLEAN", &["vmcb-clean"]),
    ("SVM_FLUSH_BY_ASID", &["flushbyasid"]),
    ("SVM_DECODE_ASSISTS", &["decodeassists"]),
];

/// Known, explained disagreements: (ESXi key, reason). Empty = none seen.
const EXPLAINED: &[(&str, &str)] = &[(
    "XSAVEOPT",
    "the dump does not record CPUID 0xD sub-leaf 1; evcalc infers XSAVEOPT (every Intel family-6 CPU with AVX has it) \
     and says so in a warning, libvirt reads the unrecorded leaf as 0",
)];

/// Groups of dumps of one vendor (virsh refuses to baseline mixed vendors).
const GROUPS: &[(&str, &[&str])] = &[
    (
        "Intel Xeon servers (libvirt captures)",
        &[
            "libvirt/x86_64-cpuid-Xeon-E5-2650-v4.xml",
            "libvirt/x86_64-cpuid-Cooperlake.xml",
            "libvirt/x86_64-cpuid-Ice-Lake-Server.xml",
            "libvirt/x86_64-cpuid-Xeon-6788P.xml",
        ],
    ),
    (
        "Intel Xeon, Harpertown … Emerald Rapids",
        &[
            "instlatx64/GenuineIntel0010676_Harpertown_CPUID.txt",
            "instlatx64/GenuineIntel00106A2_Nehalem-EP_CPUID.txt",
            "instlatx64/GenuineIntel00206C1_Gulftown_CPUID.txt",
            "instlatx64/GenuineIntel00206D5_SandyBridgeEP_CPUID.txt",
            "instlatx64/GenuineIntel00306F2_HaswellEP2_CPUID.txt",
            "instlatx64/GenuineIntel00406F1_BroadwellE_CPUID.txt",
            "instlatx64/GenuineIntel0050654_SkylakeXeon_CPUID.txt",
            "instlatx64/GenuineIntel0050657_CascadeLakeXeon_CPUID.txt",
            "instlatx64/GenuineIntel00606A6_ICX_04_CPUID.txt",
            "instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt",
            "instlatx64/GenuineIntel00C06F2_EmeraldRapids_03_CPUID.txt",
        ],
    ),
    (
        "Intel Sapphire Rapids + Granite Rapids",
        &[
            "instlatx64/GenuineIntel00806F8_SapphireRapids_06_CPUID.txt",
            "libvirt/x86_64-cpuid-Xeon-6788P.xml",
        ],
    ),
    (
        "Intel Skylake-SP + Cascade Lake-X (no PKU)",
        &[
            "instlatx64/GenuineIntel0050654_SkylakeXeon_20_CPUID.txt",
            "libcpuid/intel-core-i9-10980xe-cpu.test",
        ],
    ),
    (
        "AMD EPYC, Naples … Turin",
        &[
            "libvirt/x86_64-cpuid-EPYC-7601-32-Core-ibpb.xml",
            "instlatx64/AuthenticAMD0830F10_K17_Rome_CPUID.txt",
            "instlatx64/AuthenticAMD0A00F11_K19_Milan_02_CPUID.txt",
            "instlatx64/AuthenticAMD0A10F11_K19_Genoa_01_CPUID.txt",
            "instlatx64/AuthenticAMD0B00F21_K20_Turin_01_CPUID.txt",
        ],
    ),
    (
        "AMD Genoa + Turin",
        &[
            "instlatx64/AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt",
            "instlatx64/AuthenticAMD0B10F10_K20_TurinD_03_CPUID.txt",
        ],
    ),
    (
        "AMD Opteron K8 … Piledriver",
        &[
            "instlatx64/AuthenticAMD0040F33_K8_Windsor_CPUID.txt",
            "instlatx64/AuthenticAMD0100F42_K10_Shanghai_CPUID.txt",
            "instlatx64/AuthenticAMD0600F12_Interlagos_CPUID.txt",
            "libcpuid/amd-opteron-processor-6380.test",
        ],
    ),
];

/// One libvirt feature: (leaf, sub-leaf, register index EAX..EDX, mask).
type LibvirtBit = (u32, u32, usize, u32);

/// Parses libvirt's `x86_features.xml`: `<feature name='…'><cpuid eax_in=… [ecx_in=…] reg='mask'/>`.
fn libvirt_features(xml: &str) -> BTreeMap<String, LibvirtBit> {
    let mut out = BTreeMap::new();
    for block in xml.split("<feature name='").skip(1) {
        let Some((name, body)) = block.split_once('\'') else {
            continue;
        };
        let body = body.split("</feature>").next().unwrap_or_default();
        let Some(cpuid) = body.split("<cpuid").nth(1) else {
            continue;
        };
        let attr = |n: &str| {
            cpuid
                .split_once(&format!("{n}='"))
                .and_then(|(_, rest)| rest.split_once('\''))
                .and_then(|(v, _)| u32::from_str_radix(v.trim_start_matches("0x"), 16).ok())
        };
        let Some(leaf) = attr("eax_in") else { continue };
        let sub = attr("ecx_in").unwrap_or(0);
        let reg = ["eax", "ebx", "ecx", "edx"]
            .iter()
            .enumerate()
            .find_map(|(i, r)| attr(r).map(|m| (i, m)));
        if let Some((reg, mask)) = reg {
            out.insert(name.to_string(), (leaf, sub, reg, mask));
        }
    }
    out
}

struct Dump {
    file: &'static str,
    vendor: &'static str,
    host: Host,
    /// libvirt feature names whose bits are set.
    libvirt: BTreeSet<String>,
}

fn load(file: &'static str, map: &BTreeMap<String, LibvirtBit>) -> Dump {
    let text = read(&format!("tests/data/cpuid/{file}"));
    let (leaves, _) = cpuid_dump::parse_leaves(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let parsed = parse::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let [Document::Host(input)] = parsed.documents.as_slice() else {
        panic!("{file}: not one host")
    };
    let host = Host::from_input(input, file, file);
    let libvirt = map
        .iter()
        .filter(|(_, (leaf, sub, reg, mask))| leaves.read(*leaf, *sub)[*reg] & mask != 0)
        .map(|(n, _)| n.clone())
        .collect();
    let vendor = match leaves.vendor_string().as_deref() {
        Some("GenuineIntel") => "Intel",
        Some("AuthenticAMD") => "AMD",
        other => panic!("{file}: vendor {other:?}"),
    };
    Dump {
        file,
        vendor,
        host,
        libvirt,
    }
}

fn key_id(key: &str) -> evcalc::catalogue::FeatureId {
    evcalc::catalogue::catalogue().id(&format!("cpuid.{key}"))
}

fn virsh_available() -> Result<(), String> {
    match Command::new("virsh").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return Err(format!(
                "`virsh --version` failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Err(e) => {
            return Err(format!(
                "virsh is not installed ({e}); install Debian's libvirt-clients to run it"
            ));
        }
    }
    if !Path::new(CPU_MAP).exists() {
        return Err(format!("{CPU_MAP} is missing (it comes with libvirt0)"));
    }
    Ok(())
}

fn virsh_baseline(dumps: &[&Dump], tag: &str) -> Result<BTreeSet<String>, String> {
    let mut xml = String::new();
    for d in dumps {
        xml.push_str(&format!(
            "<cpu><arch>x86_64</arch><model>486</model><vendor>{}</vendor>",
            d.vendor
        ));
        for f in &d.libvirt {
            xml.push_str(&format!("<feature name='{f}'/>"));
        }
        xml.push_str("</cpu>\n");
    }
    let path = std::env::temp_dir().join(format!("evcalc-virsh-{}-{tag}.xml", std::process::id()));
    std::fs::write(&path, xml).map_err(|e| e.to_string())?;
    let out = Command::new("virsh")
        .args(["-c", "test:///default", "cpu-baseline", "--features"])
        .arg(&path)
        .output()
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&path);
    if !out.status.success() {
        return Err(format!(
            "virsh cpu-baseline failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    Ok(stdout
        .lines()
        .filter(|l| l.contains("policy='require'"))
        .filter_map(|l| l.split("name='").nth(1).and_then(|r| r.split('\'').next()))
        .map(str::to_string)
        .collect())
}

#[test]
fn evcalc_agrees_with_libvirt_on_decoding_and_baselines() {
    if let Err(why) = virsh_available() {
        println!("SKIPPED: libvirt differential check not run: {why}");
        return;
    }
    let map = libvirt_features(&std::fs::read_to_string(CPU_MAP).expect("cpu_map readable"));
    let names: Vec<(&str, Vec<&str>)> = NAMES
        .iter()
        .map(|(k, ns)| {
            (
                *k,
                ns.iter()
                    .copied()
                    .filter(|n| map.contains_key(*n))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, ns)| !ns.is_empty())
        .collect();
    println!(
        "libvirt cpu_map: {} CPUID features; {} ESXi keys compared",
        map.len(),
        names.len()
    );
    let mut disagreements: Vec<(String, String)> = Vec::new();
    let mut dumps: BTreeMap<&str, Dump> = BTreeMap::new();
    for (_, files) in GROUPS {
        for f in *files {
            dumps.entry(f).or_insert_with(|| load(f, &map));
        }
    }
    // 1. Decoding, dump by dump.
    for d in dumps.values() {
        for (key, ns) in &names {
            let evcalc = d.host.caps.present.contains(key_id(key));
            let libvirt = ns.iter().any(|n| d.libvirt.contains(*n));
            if evcalc != libvirt {
                disagreements.push((
                    key.to_string(),
                    format!(
                        "decode {}: cpuid.{key} evcalc={evcalc} libvirt({})={libvirt}",
                        d.file,
                        ns.join("|")
                    ),
                ));
            }
        }
    }
    // 2. Baselines, group by group.
    for (gi, (title, files)) in GROUPS.iter().enumerate() {
        let group: Vec<&Dump> = files.iter().map(|f| &dumps[f]).collect();
        let common: FeatureSet = group
            .iter()
            .map(|d| d.host.caps.present)
            .reduce(FeatureSet::intersection)
            .unwrap_or_default();
        let baseline = match virsh_baseline(&group, &gi.to_string()) {
            Ok(b) => b,
            Err(e) => panic!("{title}: {e}"),
        };
        let mut only_evcalc = Vec::new();
        let mut only_libvirt = Vec::new();
        for (key, ns) in &names {
            let e = common.contains(key_id(key));
            let l = ns.iter().any(|n| baseline.contains(*n));
            match (e, l) {
                (true, false) => only_evcalc.push(*key),
                (false, true) => only_libvirt.push(*key),
                _ => {}
            }
        }
        let shared = names
            .iter()
            .filter(|(k, _)| common.contains(key_id(k)))
            .count();
        println!(
            "{title}: {} CPUs, {shared} common features agree{}{}",
            group.len(),
            if only_evcalc.is_empty() {
                String::new()
            } else {
                format!("; only evcalc: {only_evcalc:?}")
            },
            if only_libvirt.is_empty() {
                String::new()
            } else {
                format!("; only libvirt: {only_libvirt:?}")
            },
        );
        for k in only_evcalc {
            disagreements.push((
                k.to_string(),
                format!("baseline {title}: cpuid.{k} common for evcalc, not in virsh's baseline"),
            ));
        }
        for k in only_libvirt {
            disagreements.push((
                k.to_string(),
                format!("baseline {title}: cpuid.{k} in virsh's baseline, not common for evcalc"),
            ));
        }
    }
    for (key, text) in &disagreements {
        match EXPLAINED.iter().find(|(k, _)| k == key) {
            Some((_, why)) => println!("explained: {text} — {why}"),
            None => println!("UNEXPLAINED: {text}"),
        }
    }
    let unexplained: Vec<&String> = disagreements
        .iter()
        .filter(|(k, _)| !EXPLAINED.iter().any(|(e, _)| e == k))
        .map(|(_, t)| t)
        .collect();
    assert!(
        unexplained.is_empty(),
        "{} unexplained disagreement(s) with libvirt:\n{unexplained:#?}",
        unexplained.len()
    );
}
