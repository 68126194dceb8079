//! Validation of the CPUID decoder and the built-in EVC baselines against real CPUID dumps
//! (`tests/data/cpuid/`, provenance in `tests/data/cpuid/INDEX.tsv`).
//!
//! One row per dump: the EVC mode VMware's processor tables give the CPU's generation
//! (`generation`, per KB 1003212 as summarised in the research notes §7; `-` = no EVC mode),
//! the mode evcalc must compute from the dump as it is (`expect`), and — where the two differ —
//! the reason, which is always something in the dump (SKU, BIOS setting, a VM, a dump format
//! that leaves a leaf out). Where the reason is missing data or a feature switched off, `fill`
//! lists `--set`-style overrides that restore it, and the row then checks that the CPU lands on
//! its generation's mode.
//!
//! Where the dump does not record a feature, or the host lacks only features whose admission role
//! is unproven, evcalc answers with a range: the highest mode it can certainly join (`expect`) and
//! the highest it may join (`possible`); such a row is a `range` row when the generation is the
//! top of the range and the summary names the features it depends on.
//!
//! A baseline that gives a wrong answer must be reported, never hidden by changing a row.

use evcalc::check;
use evcalc::evc::builtin_modes;
use evcalc::input::{Document, Format};
use evcalc::model::Host;
use evcalc::parse::{self, cpuid_dump::APPROXIMATION_WARNING};
use evcalc::plan::{apply_overrides_to_host, parse_override};
use evcalc_tests::{files_in, read};

struct Row {
    file: &'static str,
    generation: &'static str,
    expect: &'static str,
    /// The top of the range (`max_evc_mode_possible`); `expect` when nothing is uncertain.
    possible: &'static str,
    /// Keys the range's condition must name.
    named: &'static [&'static str],
    fill: &'static [&'static str],
    reason: &'static str,
}

impl Row {
    /// The highest mode the host may join differs from the certain one.
    const fn upto(self, possible: &'static str) -> Row {
        Row { possible, ..self }
    }
}

const fn ok(file: &'static str, generation: &'static str) -> Row {
    Row {
        file,
        generation,
        expect: generation,
        possible: generation,
        named: &[],
        fill: &[],
        reason: "",
    }
}

/// The dump lands on a range whose top is its generation; the condition names `named`.
const fn range(
    file: &'static str,
    generation: &'static str,
    expect: &'static str,
    named: &'static [&'static str],
    fill: &'static [&'static str],
    reason: &'static str,
) -> Row {
    Row {
        file,
        generation,
        expect,
        possible: generation,
        named,
        fill,
        reason,
    }
}

const fn differs(
    file: &'static str,
    generation: &'static str,
    expect: &'static str,
    fill: &'static [&'static str],
    reason: &'static str,
) -> Row {
    Row {
        file,
        generation,
        expect,
        possible: expect,
        named: &[],
        fill,
        reason,
    }
}

const IN_VM: &str = "dump taken inside a VM (CPUID.1:ECX[31] hypervisor): MONITOR/MWAIT (and DS) hidden by the \
                     hypervisor; every mode's mask exposes MWAIT and DS [D], but no real VM requires them, so \
                     whether vCenter refuses a host without them is unproven: uncertain, not \"no EVC mode\"";
const CLIENT_RYZEN_PCID: &str = "client Ryzen part: CPUID.1:ECX[17] PCID = 0 in the dump (EPYC Milan/Genoa/Turin \
                                 set it); amd-zen3 requires PCID [R]";
const HEDT_PKU: &str = "Core X (HEDT) part: CPUID.(7,0):ECX[3] PKU = 0 and no PKRU state in CPUID.(0xD,0) \
                        (Xeon Skylake-SP/Cascade Lake-SP dumps set both); intel-skylake requires PKU [R]";

/// One row per dump in `tests/data/cpuid/{instlatx64,libcpuid,libvirt}`.
const ROWS: &[Row] = &[
    // ---- Intel, InstLatX64 ----
    ok("instlatx64/GenuineIntel00006F4_Woodcrest_CPUID.txt", "intel-merom"),
    ok("instlatx64/GenuineIntel00006F6_Merom_CPUID.txt", "intel-merom"),
    ok("instlatx64/GenuineIntel00006F7_Clovertown_CPUID.txt", "intel-merom"),
    ok("instlatx64/GenuineIntel0010676_Harpertown_CPUID.txt", "intel-penryn"),
    differs(
        "instlatx64/GenuineIntel001067A_Penryn_CPUID.txt",
        "intel-penryn",
        "intel-merom",
        &["SSE41=1"],
        "Pentium Dual-Core T4200: SSE4.1 fused off on this Pentium-branded Penryn (CPUID.1:ECX[19] = 0)",
    ),
    ok("instlatx64/GenuineIntel00106A2_Nehalem-EP_CPUID.txt", "intel-nehalem"),
    ok("instlatx64/GenuineIntel00106A4_Bloomfield_CPUID.txt", "intel-nehalem"),
    ok("instlatx64/GenuineIntel00106D1_Dunnington_CPUID.txt", "intel-penryn"),
    ok("instlatx64/GenuineIntel0020652_Clarkdale_CPUID.txt", "intel-westmere"),
    ok("instlatx64/GenuineIntel00206A7_SandyBridge_CPUID.txt", "intel-sandybridge"),
    ok("instlatx64/GenuineIntel00206C1_Gulftown_CPUID.txt", "intel-westmere"),
    ok("instlatx64/GenuineIntel00206C2_Gulftown_01_CPUID.txt", "intel-westmere"),
    ok("instlatx64/GenuineIntel00206D5_SandyBridgeEP_CPUID.txt", "intel-sandybridge"),
    ok("instlatx64/GenuineIntel00206D7_SandyBridgeE_00_CPUID.txt", "intel-sandybridge"),
    ok("instlatx64/GenuineIntel00206E5_Beckton_CPUID.txt", "intel-nehalem"),
    range("instlatx64/GenuineIntel00206E6_Beckton_CPUID.txt", "intel-nehalem", "-", &["cpuid.DS", "cpuid.MWAIT"], &["MWAIT=1", "DS=1"], IN_VM),
    ok("instlatx64/GenuineIntel00206F2_Eagleton_CPUID.txt", "intel-westmere"),
    // no CPUID.(0xD,1) in the dump: XSAVEOPT inferred from AVX (Intel family 6)
    ok("instlatx64/GenuineIntel00306A9_IvyBridgeWS_CPUID.txt", "intel-ivybridge"),
    // no CPUID.(0xD,1) in the dump: XSAVEOPT inferred from AVX (Intel family 6)
    ok("instlatx64/GenuineIntel00306C3_HaswellXeon_CPUID.txt", "intel-haswell"),
    // no CPUID.(0xD,1) in the dump: XSAVEOPT inferred from AVX (Intel family 6)
    ok("instlatx64/GenuineIntel00306E3_IvyBridgeEP_CPUID.txt", "intel-ivybridge"),
    // no CPUID.(0xD,1) in the dump: XSAVEOPT inferred from AVX (Intel family 6)
    ok("instlatx64/GenuineIntel00306E4_IvyBridgeEP_CPUID.txt", "intel-ivybridge"),
    ok("instlatx64/GenuineIntel00306F2_HaswellEP2_CPUID.txt", "intel-haswell"),
    differs(
        "instlatx64/GenuineIntel00306F2_HaswellEP_CPUID.txt",
        "intel-haswell",
        "intel-nehalem",
        &["AES=1"],
        "AES-NI disabled (CPUID.1:ECX[25] = 0; a BIOS setting, VMware's admission error names it); the HaswellEP2 \
         dump of the same signature has it",
    ),
    ok("instlatx64/GenuineIntel0040671_BroadwellH_CPUID.txt", "intel-broadwell"),
    ok("instlatx64/GenuineIntel00406F1_BroadwellE_CPUID.txt", "intel-broadwell"),
    ok("instlatx64/GenuineIntel0050654_SkylakeXeon_20_CPUID.txt", "intel-skylake"),
    ok("instlatx64/GenuineIntel0050654_SkylakeXeon_CPUID.txt", "intel-skylake"),
    ok("instlatx64/GenuineIntel0050656_CascadeLakeSP_CPUID.txt", "intel-cascadelake"),
    ok("instlatx64/GenuineIntel0050657_CascadeLakeXeon2_CPUID.txt", "intel-cascadelake"),
    ok("instlatx64/GenuineIntel0050657_CascadeLakeXeon_CPUID.txt", "intel-cascadelake"),
    ok("instlatx64/GenuineIntel0050662_BroadwellDE_CPUID.txt", "intel-broadwell"),
    // client Skylake / Coffee Lake: the §7 table puts them at intel-broadwell (no AVX-512)
    ok("instlatx64/GenuineIntel00506E3_Skylake_02_CPUID.txt", "intel-broadwell"),
    ok("instlatx64/GenuineIntel00906EA_Coffeelake_CPUID.txt", "intel-broadwell"),
    ok("instlatx64/GenuineIntel00606A6_ICX_04_CPUID.txt", "intel-icelake"),
    differs(
        "instlatx64/GenuineIntel00606C1_ICX_01v_CPUID.txt",
        "intel-icelake",
        "-",
        &["MWAIT=1", "PKU=1", "XCR0_MASTER_PKRU=1", "WBNOINVD=1"],
        "dump taken inside a VM (CPUID.1:ECX[31] hypervisor): the hypervisor hides MONITOR/MWAIT (every mode exposes \
         MWAIT [D]), PKU with its PKRU state (intel-skylake requires them [R]) and WBNOINVD \
         (CPUID.80000008h:EBX[9]; the bare-metal Ice Lake-SP dump ICX_04 has it). MWAIT's admission role is \
         unproven, so the answer is a range up to intel-broadwell (PKU is required for intel-skylake)",
    )
    .upto("intel-broadwell"),
    ok("instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt", "intel-sapphirerapids"),
    ok("instlatx64/GenuineIntel00806F8_SapphireRapids_06_CPUID.txt", "intel-sapphirerapids"),
    ok("instlatx64/GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt", "intel-sapphirerapids"),
    ok("instlatx64/GenuineIntel00C06F2_EmeraldRapids_03_CPUID.txt", "intel-sapphirerapids"),
    // ---- Intel, libvirt cputestdata ----
    ok("libvirt/x86_64-cpuid-Xeon-E5-2650-v4.xml", "intel-broadwell"),
    ok("libvirt/x86_64-cpuid-Cooperlake.xml", "intel-cascadelake"),
    ok("libvirt/x86_64-cpuid-Ice-Lake-Server.xml", "intel-icelake"),
    ok("libvirt/x86_64-cpuid-Xeon-6788P.xml", "intel-graniterapids"),
    // ---- Intel, libcpuid ----
    ok("libcpuid/intel-xeon-cpu-x3210.test", "intel-merom"),
    ok("libcpuid/intel-xeon-cpu-e5462-dual.test", "intel-penryn"),
    ok("libcpuid/intel-xeon-cpu-e7450-quad.test", "intel-penryn"),
    ok("libcpuid/intel-core-i7-cpu-920.test", "intel-nehalem"),
    ok("libcpuid/intel-xeon-cpu-x5667.test", "intel-westmere"),
    ok("libcpuid/intel-core-i7-3930k-cpu.test", "intel-sandybridge"),
    // no CPUID.(0xD,1) in the dump: XSAVEOPT inferred from AVX (Intel family 6)
    ok("libcpuid/intel-core-i7-4930k-cpu.test", "intel-ivybridge"),
    ok("libcpuid/intel-core-i7-5820k-cpu.test", "intel-haswell"),
    ok("libcpuid/intel-core-i7-6700k-cpu.test", "intel-broadwell"),
    differs(
        "libcpuid/intel-core-i9-7980xe-cpu.test",
        "intel-skylake",
        "intel-broadwell",
        &["PKU=1", "XCR0_MASTER_PKRU=1"],
        HEDT_PKU,
    ),
    differs(
        "libcpuid/intel-core-i9-10980xe-cpu.test",
        "intel-cascadelake",
        "intel-broadwell",
        &["PKU=1", "XCR0_MASTER_PKRU=1"],
        HEDT_PKU,
    ),
    // ---- AMD, InstLatX64 ----
    differs(
        "instlatx64/AuthenticAMD0000F5A_K8_Sledgehammer_CPUID.txt",
        "-",
        "-",
        &[],
        "Opteron 248 is K8 revision C (model 5): EVC starts at revision E; no SSE3, LAHF64 in 64-bit mode or FFXSR here",
    ),
    ok("instlatx64/AuthenticAMD0020FB1_K8_Manchester_CPUID.txt", "amd-rev-e"),
    ok("instlatx64/AuthenticAMD0040F33_K8_Windsor_CPUID.txt", "amd-rev-f"),
    ok("instlatx64/AuthenticAMD0100F21_K10_Barcelona_CPUID.txt", "amd-greyhound"),
    ok("instlatx64/AuthenticAMD0100F2A_K10_Barcelona_CPUID.txt", "amd-greyhound"),
    ok("instlatx64/AuthenticAMD0100F42_K10_Shanghai_CPUID.txt", "amd-greyhound"),
    ok("instlatx64/AuthenticAMD0100F80_K10_Istanbul_CPUID.txt", "amd-greyhound"),
    ok("instlatx64/AuthenticAMD0100F81_K10_Lisbon_CPUID.txt", "amd-greyhound"),
    ok("instlatx64/AuthenticAMD0100F91_K10_MagnyCours_CPUID.txt", "amd-greyhound"),
    ok("instlatx64/AuthenticAMD0600F01_K15_Bulldozer_CPUID.txt", "amd-bulldozer"),
    ok("instlatx64/AuthenticAMD0600F12_Interlagos_CPUID.txt", "amd-bulldozer"),
    ok("instlatx64/AuthenticAMD0600F20_K15_Vishera_CPUID.txt", "amd-piledriver"),
    differs(
        "instlatx64/AuthenticAMD0610F01_K15_Piledriver_CPUID.txt",
        "amd-piledriver",
        "amd-bulldozer",
        &["BMI1=1"],
        "A10-4600M (Trinity mobile APU): CPUID.(7,0) is all zeros in the dump, so BMI1 is not enumerated \
         (the Piledriver FX-8350 and Opteron 63xx dumps have CPUID.(7,0):EBX[3])",
    ),
    ok("instlatx64/AuthenticAMD0630F01_K15_Berlin_00_CPUID.txt", "amd-steamroller"),
    ok("instlatx64/AuthenticAMD0800F11_K17_Zen2_CPUID.txt", "amd-zen"),
    ok("instlatx64/AuthenticAMD0800F12_K17_Zen_CPUID.txt", "amd-zen"),
    ok("instlatx64/AuthenticAMD0800F82_K17_ZenP2_CPUID.txt", "amd-zen"),
    ok("instlatx64/AuthenticAMD0830F10_K17_Rome_CPUID.txt", "amd-zen2"),
    ok("instlatx64/AuthenticAMD0870F10_K17_Matisse_11_CPUID.txt", "amd-zen2"),
    ok("instlatx64/AuthenticAMD0A00F11_K19_Milan_02_CPUID.txt", "amd-zen3"),
    ok("instlatx64/AuthenticAMD0A10F11_K19_Genoa_01_CPUID.txt", "amd-zen4"),
    ok("instlatx64/AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt", "amd-zen4"),
    differs("instlatx64/AuthenticAMD0A20F12_K19_Vermeer_00_CPUID.txt", "amd-zen3", "amd-zen2", &["PCID=1"], CLIENT_RYZEN_PCID),
    ok("instlatx64/AuthenticAMD0B00F21_K20_Turin_01_CPUID.txt", "amd-zen5"),
    ok("instlatx64/AuthenticAMD0B10F10_K20_TurinD_03_CPUID.txt", "amd-zen5"),
    // ---- AMD, libvirt cputestdata ----
    ok("libvirt/x86_64-cpuid-EPYC-7601-32-Core-ibpb.xml", "amd-zen"),
    // ---- AMD and Hygon, libcpuid ----
    differs(
        "libcpuid/amd-opteron-processor-248.test",
        "-",
        "-",
        &[],
        "Opteron 248 is K8 revision C (model 5): EVC starts at revision E",
    ),
    ok("libcpuid/dual-core-amd-opteron-processor-2210-he-quad.test", "amd-rev-f"),
    ok("libcpuid/quad-core-amd-opteron-processor-2378-dual.test", "amd-greyhound"),
    ok("libcpuid/amd-opteron-processor-4176-he-dual.test", "amd-greyhound"),
    ok("libcpuid/amd-opteron-processor-6168.test", "amd-greyhound"),
    ok("libcpuid/amd-opteron-processor-6274-dual.test", "amd-bulldozer"),
    ok("libcpuid/amd-opteron-processor-6344-dual.test", "amd-piledriver"),
    ok("libcpuid/amd-opteron-processor-6380.test", "amd-piledriver"),
    ok("libcpuid/amd-ryzen-threadripper-1950x-16-core-processor.test", "amd-zen"),
    ok("libcpuid/amd-ryzen-threadripper-pro-3955wx-16-cores.test", "amd-zen2"),
    differs("libcpuid/amd-ryzen-9-5950x-16-core-processor.test", "amd-zen3", "amd-zen2", &["PCID=1"], CLIENT_RYZEN_PCID),
    differs("libcpuid/amd-ryzen-9-7900x-12-core-processor.test", "amd-zen4", "amd-zen2", &["PCID=1"], CLIENT_RYZEN_PCID),
    differs("libcpuid/amd-ryzen-9-9950x-16-core-processor.test", "amd-zen5", "amd-zen2", &["PCID=1"], CLIENT_RYZEN_PCID),
    differs(
        "libcpuid/hygon-c86-7185-32-core-processor.test",
        "-",
        "-",
        &[],
        "Hygon Dhyana (HygonGenuine, a Zen 1 licensee): not an EVC vendor; no vendor key, no mode",
    ),
];

struct Outcome {
    got: Option<String>,
    possible: Option<String>,
    summary: String,
    blockers: String,
}

fn evaluate(text: &str, file: &str, fill: &[&str]) -> Result<Outcome, String> {
    let parsed = parse::parse(text).map_err(|e| format!("{file}: {e}"))?;
    if parsed.format != Format::CpuidDump {
        return Err(format!("{file}: detected as {:?}", parsed.format));
    }
    if parsed.warnings.first().map(|w| w.message.as_str()) != Some(APPROXIMATION_WARNING) {
        return Err(format!("{file}: the approximation warning is missing"));
    }
    let [Document::Host(input)] = parsed.documents.as_slice() else {
        return Err(format!("{file}: expected one host document"));
    };
    let mut host = Host::from_input(input, file, file);
    if !fill.is_empty() {
        let overrides: Vec<_> = fill
            .iter()
            .map(|f| parse_override(f))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        apply_overrides_to_host(&mut host, &overrides);
    }
    let report = check::host_report(&host, builtin_modes());
    let blockers = report
        .next_mode_blockers
        .iter()
        .map(|b| {
            let keys: Vec<&str> = b
                .missing
                .iter()
                .map(|f| f.key.trim_start_matches("cpuid."))
                .collect();
            let unproven: Vec<String> = b
                .unproven
                .iter()
                .map(|f| format!("{}?", f.key.trim_start_matches("cpuid.")))
                .collect();
            format!("{}: {} {}", b.mode, keys.join(" "), unproven.join(" "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Ok(Outcome {
        got: report.max_evc_mode,
        possible: report.max_evc_mode_possible,
        summary: report.max_evc_summary,
        blockers,
    })
}

fn mode_or_dash(m: &Option<String>) -> &str {
    m.as_deref().unwrap_or("-")
}

#[test]
fn every_dump_lands_on_its_generation_or_a_stated_reason() {
    let mut table = Vec::new();
    let mut failures = Vec::new();
    let (mut ranges, mut differ) = (0, 0);
    for row in ROWS {
        assert!(
            row.expect == row.generation || !row.reason.is_empty(),
            "{}: a row whose expected mode differs from its generation must say why",
            row.file
        );
        let text = read(&format!("tests/data/cpuid/{}", row.file));
        let raw = match evaluate(&text, row.file, &[]) {
            Ok(o) => o,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let got = mode_or_dash(&raw.got).to_string();
        let possible = mode_or_dash(&raw.possible).to_string();
        let shown = if possible == got {
            got.clone()
        } else {
            format!("{got} … {possible}")
        };
        let mut line = format!(
            "{:<62} {:<21} {:<40} {}",
            row.file, row.generation, shown, raw.blockers
        );
        if got != row.expect || possible != row.possible {
            failures.push(format!(
                "{}: expected {} … {} (generation {}), got {shown} ({}) — next-mode blockers: {}",
                row.file, row.expect, row.possible, row.generation, raw.summary, raw.blockers
            ));
        }
        for key in row.named {
            if !raw.summary.contains(key) {
                failures.push(format!(
                    "{}: the summary `{}` does not name {key}",
                    row.file, raw.summary
                ));
            }
        }
        if row.possible == row.generation && row.expect != row.generation {
            ranges += 1;
        } else if row.expect != row.generation {
            differ += 1;
        }
        if !row.fill.is_empty() {
            match evaluate(&text, row.file, row.fill) {
                Ok(filled) => {
                    let g = mode_or_dash(&filled.got).to_string();
                    line.push_str(&format!("  | with {}: {g}", row.fill.join(" ")));
                    if g != row.generation {
                        failures.push(format!(
                            "{}: with {} expected the generation's {}, got {g} — blockers: {}",
                            row.file,
                            row.fill.join(" "),
                            row.generation,
                            filled.blockers
                        ));
                    }
                }
                Err(e) => failures.push(e),
            }
        }
        table.push(line);
    }
    println!(
        "{:<62} {:<21} {:<40} next-mode blockers (? = admission role unproven)",
        "dump", "generation (§7)", "evcalc"
    );
    for line in &table {
        println!("{line}");
    }
    println!(
        "{} dumps: {} exact, {ranges} on a range whose top is the generation, {differ} differ (reason stated)",
        ROWS.len(),
        ROWS.len() - ranges - differ
    );
    assert!(
        failures.is_empty(),
        "{} mismatch(es):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The one inference the decoder makes for unrecorded leaves holds on every dump that records
/// the leaf: Intel family 6 with AVX and XSAVE ⇒ XSAVEOPT (CPUID.(0xD,1):EAX[0]).
#[test]
fn xsaveopt_inference_holds_where_recorded() {
    let mut checked = 0;
    for dir in [
        "tests/data/cpuid/instlatx64",
        "tests/data/cpuid/libcpuid",
        "tests/data/cpuid/libvirt",
    ] {
        for path in files_in(dir) {
            let (leaves, _) = parse::cpuid_dump::parse_leaves(&read(&path)).unwrap();
            let l1 = leaves.read(1, 0);
            let intel6 = leaves.vendor_string().as_deref() == Some("GenuineIntel")
                && (l1[0] >> 8) & 0xf == 6;
            if intel6
                && l1[2] >> 28 & 1 == 1
                && l1[2] >> 26 & 1 == 1
                && leaves.recorded(0xd, 1).is_some()
            {
                assert_eq!(
                    leaves.read(0xd, 1)[0] & 1,
                    1,
                    "{path}: AVX without XSAVEOPT"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "{checked}");
}

#[test]
fn every_copied_dump_has_a_row() {
    for dir in [
        "tests/data/cpuid/instlatx64",
        "tests/data/cpuid/libcpuid",
        "tests/data/cpuid/libvirt",
    ] {
        for path in files_in(dir) {
            let file = path.trim_start_matches("tests/data/cpuid/");
            assert!(
                ROWS.iter().any(|r| r.file == file),
                "{file} has no validation row"
            );
        }
    }
    let index = read("tests/data/cpuid/INDEX.tsv");
    for row in ROWS {
        assert!(
            index
                .lines()
                .any(|l| l.starts_with(&format!("{}\t", row.file))),
            "{} is not in INDEX.tsv",
            row.file
        );
    }
}

#[test]
fn identity_and_brand_string_come_from_the_dump() {
    let text = read("tests/data/cpuid/libvirt/x86_64-cpuid-Xeon-6788P.xml");
    let parsed = parse::parse(&text).unwrap();
    let Document::Host(h) = &parsed.documents[0] else {
        panic!("not a host")
    };
    let value = |k: &str| h.capabilities.iter().find(|e| e.key == k).map(|e| e.value);
    assert_eq!(h.cpu_model.as_deref(), Some("Intel(R) Xeon(R) 6788P"));
    assert_eq!(value("cpuid.FAMILY"), Some(6));
    assert_eq!(value("cpuid.MODEL"), Some(0xad));
    assert_eq!(value("cpuid.STEPPING"), Some(1));
    assert_eq!(value("cpuid.NUMLEVELS"), Some(0x24));
    assert_eq!(value("cpuid.AMX_FP16"), Some(1));
    assert_eq!(value("cpuid.MDCLEAR"), Some(1));
    assert_eq!(h.name, None);
    assert_eq!(h.product, None);
    // AMD IBPB from CPUID.80000008h:EBX[12] under VMware's own field LEAF88_IBPB, never Intel's key
    let text = read("tests/data/cpuid/libvirt/x86_64-cpuid-EPYC-7601-32-Core-ibpb.xml");
    let parsed = parse::parse(&text).unwrap();
    let Document::Host(h) = &parsed.documents[0] else {
        panic!("not a host")
    };
    let value = |k: &str| h.capabilities.iter().find(|e| e.key == k).map(|e| e.value);
    assert_eq!(value("cpuid.LEAF88_IBPB"), Some(1));
    assert_eq!(value("cpuid.IBPB"), Some(0));
    assert_eq!(value("cpuid.AMD"), Some(1));
    assert_eq!(value("cpuid.FAMILY"), Some(0x17));
}

/// The same (virtual) CPU read two ways: `cpuid -1 -r` and `/proc/cpuinfo` of the development
/// machine. Every feature `/proc/cpuinfo` can show must agree with the raw dump, apart from
/// what a kernel adds or hides on its own (listed).
#[test]
fn cpuinfo_agrees_with_the_raw_dump_of_the_same_machine() {
    let raw = parse::parse(&read("tests/data/cpuid/local/dev-machine.cpuid-1-r.txt")).unwrap();
    let info = parse::parse(&read("tests/data/cpuid/local/dev-machine.proc-cpuinfo.txt")).unwrap();
    assert_eq!(raw.format, Format::CpuidDump);
    assert_eq!(info.format, Format::ProcCpuinfo);
    let (Document::Host(a), Document::Host(b)) = (&raw.documents[0], &info.documents[0]) else {
        panic!("not hosts")
    };
    let mut differ = Vec::new();
    for e in &b.capabilities {
        if e.key == "cpuid.NUMLEVELS" {
            continue;
        }
        let other = a
            .capabilities
            .iter()
            .find(|x| x.key == e.key)
            .map(|x| x.value);
        if other != Some(e.value) {
            differ.push(format!("{} cpuinfo={} cpuid={:?}", e.key, e.value, other));
        }
    }
    println!("cpuinfo vs cpuid -r differences: {differ:?}");
    // What the kernel (Linux 6.18 guest on Zen 5) shows differently from CPUID: it clears RDSEED
    // on Zen 5 (AMD's RDSEED erratum), prints no flag for Automatic IBRS or user shadow stacks
    // on this guest, and never prints `amd_ssbd` (only the vendor-neutral `ssbd`). Anything
    // else is a mapping error.
    let kernel_side = [
        "cpuid.RDSEED ",
        "cpuid.AUTOMATIC_IBRS ",
        "cpuid.CET_SS ",
        "cpuid.LEAF88_SSBD_SPEC_CTRL ",
    ];
    let unexpected: Vec<&String> = differ
        .iter()
        .filter(|d| !kernel_side.iter().any(|k| d.starts_with(k)))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    let modes = builtin_modes();
    let ha = Host::from_input(a, "raw", "raw");
    let hb = Host::from_input(b, "cpuinfo", "cpuinfo");
    assert!(
        raw.warnings
            .iter()
            .any(|w| w.message.contains("inside a virtual machine"))
    );
    assert!(
        info.warnings
            .iter()
            .any(|w| w.message.contains("virtual machine"))
    );
    println!(
        "dev machine: cpuid -r → {:?}, /proc/cpuinfo → {:?}",
        check::host_max_mode(&ha, modes).map(|m| &m.key),
        check::host_max_mode(&hb, modes).map(|m| &m.key)
    );
}
