//! Raw CPUID dumps → a host record, by bit position.
//!
//! Accepted syntaxes (auto-detected by `looks_like` / `dump_format`):
//!
//! * **InstLatX64 / AIDA64** text: `CPUID 00000007: 00000000-029C6FBF-00000000-9C000400 [SL 00]`,
//!   and the older variants `CPUID 00000004  <tab>7C004121-…` (no `:`) and repeated leaves without
//!   `[SL nn]` (the n-th repetition of a leaf is sub-leaf n).
//! * **`cpuid -r` / `cpuid -1 -r`** (Todd Allen's `cpuid`): `   0x00000007 0x00: eax=0x… ebx=0x… ecx=0x… edx=0x…`.
//! * **libvirt `cputestdata` XML**: `<cpuid eax_in='0x7' ecx_in='0x0' eax='…' ebx='…' ecx='…' edx='…'/>`
//!   (`<msr>` elements are ignored).
//! * **libcpuid `.test` files**: either of the InstLatX64 text above, or the raw-data lines
//!   `basic_cpuid[7]=…`, `ext_cpuid[1]=…`, `intel_fn4[0]=…`, `intel_fn11[n]=…`, `amd_fn8000001dh[n]=…`
//!   (four hex words). The decoder's expected results after the `-----` line are ignored.
//! * **`vim.host.CpuIdInfo` bit strings** (`vim-cmd hostsvc/hosthardware`, `cpuFeature`):
//!   `level = 1,` then `eax = "0000:0000:…"` … (extended levels as negative numbers, e.g.
//!   `level = -2147483647` for `0x80000001`). ESXi records only a few levels (0, 1, 0x80000000,
//!   0x80000001, 0x80000008), so most leaf-7 features read as absent; the host's warnings say so.
//!   `leaves_from_cpu_feature` decodes the same bit strings for the govc XML/JSON parsers.
//!
//! Only the first logical CPU of a dump is read (the block ends at the next `CPU #n` header,
//! a repeated leaf 0, or libcpuid's `-----` line).
//!
//! The registers land in [`Leaves`], a (leaf, sub-leaf) → registers map that answers like the CPU
//! would: leaves above the dump's maximum basic/extended leaf (CPUID.0:EAX, CPUID.80000000h:EAX),
//! leaf-7 sub-leaves above CPUID.(7,0):EAX, and leaf-0xD sub-leaves of state components the CPU
//! does not list read as zero. [`decode`] then turns them into a [`HostInput`]:
//!
//! * `cpuid.<KEY>` = 0/1 for every catalogue feature that has a CPUID location
//!   (`core/data/features.tsv`), by that location only, on every vendor. AMD's CPUID.80000008h:EBX
//!   mitigation bits are VMware's own fields (\[C\] open-vm-tools `x86cpuid.h`, VMware's CPUID table in
//!   `core/data/x86cpuid-fields.open-vm-tools.tsv`) and read under their keys: bit 12
//!   `cpuid.LEAF88_IBPB` (ANY, vHW 9), 14 `cpuid.LEAF88_IBRS` (ANY, vHW 20), 16
//!   `cpuid.LEAF88_IBRS_ALWAYS`, 18 `cpuid.LEAF88_PREFER_IBRS`, 19 `cpuid.LEAF88_IBRS_SAME_MODE`,
//!   24 `cpuid.LEAF88_SSBD_SPEC_CTRL`, 28 `cpuid.LEAF88_PSFD` (YES, vHW 20), 29 `cpuid.BTC_NO`
//!   (YES, vHW 22); 0 `CLZERO` and 9 `WBNOINVD` likewise. The table's NO-class bits (15
//!   `LEAF88_STIBP`, 17 `LEAF88_STIBP_ALWAYS`, 25 `LEAF88_SSBD_VIRT_SPEC_CTRL`, 26
//!   `LEAF88_SSBD_NOT_NEEDED`) are never exposed to a guest \[C\]: no key, not recorded. Intel's
//!   `cpuid.IBRS`/`IBPB`/`STIBP`/`SSBD` are CPUID.(7,0):EDX\[26\]/\[26\]/\[27\]/\[31\] on AMD too
//!   (0 on AMD hardware; a hypervisor may set them in a guest). AMD IBPB's key is
//!   `cpuid.LEAF88_IBPB`, the table's field name, not `cpuid.IBPB` \[I\]: VMware's 8.0 U1 label
//!   list has no AMD-IBPB key, and its table keeps LEAF88_IBPB apart from Intel's IBRSIBPB field.
//! * the `cpuid.XCR0_MASTER_*` keys are what CPUID.(0xD,0):EAX *advertises*, not what an OS
//!   enabled in XCR0;
//! * the vendor keys (`cpuid.Intel`, `cpuid.AMD`, `cpuid.VIA`, `cpuid.Cyrix`) from the leaf-0
//!   vendor string, `cpuid.FAMILY`/`MODEL`/`STEPPING` (display family/model, decoded with
//!   raw-cpuid), `cpuid.NUMLEVELS` (CPUID.0:EAX) and `cpuid.NUM_EXT_LEVELS` (CPUID.80000000h:EAX);
//! * the brand string (CPUID.80000002h–80000004h) as `cpu_model`. `name` and `product` stay
//!   `None`: the caller names the host (file name), and no ESXi version is known.
//!
//! Every CPUID-derived host carries [`APPROXIMATION_WARNING`].

use std::collections::BTreeMap;

use raw_cpuid::{CpuId, CpuIdResult};

use super::ParseResult;
use crate::catalogue::{Kind, Reg, catalogue};
use crate::input::{Document, Entry, HostInput, ParseError, Pos, Warning};

/// The warning every CPUID-derived host carries.
pub const APPROXIMATION_WARNING: &str = "derived from a raw CPUID dump: an approximation of what ESXi reports \
     (ESXi version, BIOS settings and microcode decide the rest)";

/// The syntax of a raw CPUID dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DumpFormat {
    /// InstLatX64 / AIDA64 `CPUID 00000007: …-…-…-… [SL 00]` text (also inside libcpuid `.test` files).
    InstLatX64,
    /// `cpuid -r` / `cpuid -1 -r` output.
    CpuidTool,
    /// libvirt `cputestdata` XML (`<cpuid eax_in=… ecx_in=… eax=… …/>`).
    LibvirtXml,
    /// libcpuid raw data lines (`basic_cpuid[n]=…`, `ext_cpuid[n]=…`).
    LibcpuidRaw,
    /// `vim.host.CpuIdInfo` bit strings (`level = …`, `eax = "0000:…"`).
    CpuIdInfo,
    /// Read from the running CPU (`evcalc host --local`).
    Native,
}

/// Registers of one CPUID call, in the order EAX, EBX, ECX, EDX.
pub type Regs = [u32; 4];

/// A (leaf, sub-leaf) → registers map: what a dump recorded, answered like the CPU would.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Leaves {
    regs: BTreeMap<(u32, u32), (Regs, Pos)>,
}

impl Leaves {
    /// An empty map.
    pub fn new() -> Leaves {
        Leaves::default()
    }

    /// Records one CPUID result. A later insert of the same (leaf, sub-leaf) replaces it.
    pub fn insert(&mut self, leaf: u32, subleaf: u32, regs: Regs) {
        self.insert_at(leaf, subleaf, regs, Pos::default());
    }

    /// Records one CPUID result read at `pos` of a dump.
    pub fn insert_at(&mut self, leaf: u32, subleaf: u32, regs: Regs, pos: Pos) {
        self.regs.insert((leaf, subleaf), (regs, pos));
    }

    /// What the dump recorded for (leaf, sub-leaf), if anything (ignores the max-leaf rules).
    pub fn recorded(&self, leaf: u32, subleaf: u32) -> Option<Regs> {
        self.regs.get(&(leaf, subleaf)).map(|(r, _)| *r)
    }

    /// Where the dump recorded (leaf, sub-leaf).
    pub fn position(&self, leaf: u32, subleaf: u32) -> Option<Pos> {
        self.regs.get(&(leaf, subleaf)).map(|(_, p)| *p)
    }

    /// The number of (leaf, sub-leaf) pairs recorded.
    pub fn len(&self) -> usize {
        self.regs.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.regs.is_empty()
    }

    /// Every recorded (leaf, sub-leaf) and its registers, in order.
    pub fn iter(&self) -> impl Iterator<Item = ((u32, u32), Regs)> + '_ {
        self.regs.iter().map(|(k, (r, _))| (*k, *r))
    }

    /// CPUID.0:EAX, the highest basic leaf, when the dump has leaf 0.
    pub fn max_basic(&self) -> Option<u32> {
        self.recorded(0, 0).map(|r| r[0])
    }

    /// CPUID.80000000h:EAX, the highest extended leaf, when the dump has it and it is valid.
    pub fn max_extended(&self) -> Option<u32> {
        self.recorded(0x8000_0000, 0)
            .map(|r| r[0])
            .filter(|m| *m >= 0x8000_0000 && *m <= 0x8000_ffff)
    }

    /// Whether the CPU implements (leaf, sub-leaf): within the maximum basic/extended leaf, a
    /// leaf-7 sub-leaf at most CPUID.(7,0):EAX, a leaf-0xD sub-leaf ≥ 2 only for a state component
    /// CPUID.(0xD,0) or CPUID.(0xD,1) lists. Other ranges (hypervisor leaves) count when recorded.
    pub fn implemented(&self, leaf: u32, subleaf: u32) -> bool {
        let in_range = if leaf < 0x4000_0000 {
            self.max_basic().is_some_and(|m| leaf <= m)
        } else if (0x8000_0000..=0x8000_ffff).contains(&leaf) {
            self.max_extended().is_some_and(|m| leaf <= m)
        } else {
            self.regs.contains_key(&(leaf, subleaf))
        };
        if !in_range {
            return false;
        }
        match (leaf, subleaf) {
            (_, 0) => true,
            (7, s) => s <= self.recorded(7, 0).map(|r| r[0]).unwrap_or(0),
            (0xd, 1) => true,
            (0xd, s) if s < 64 => {
                let d0 = self.recorded(0xd, 0).unwrap_or_default();
                let d1 = self.recorded(0xd, 1).unwrap_or_default();
                let xcr0 = u64::from(d0[0]) | (u64::from(d0[3]) << 32);
                let xss = u64::from(d1[2]) | (u64::from(d1[3]) << 32);
                (xcr0 | xss) >> s & 1 == 1
            }
            (0xd, _) => false,
            _ => true,
        }
    }

    /// The registers the CPU returns for (leaf, sub-leaf): zeros where it does not implement
    /// it, or where the dump did not record it (see [`Leaves::missing`]).
    pub fn read(&self, leaf: u32, subleaf: u32) -> Regs {
        if self.implemented(leaf, subleaf) {
            self.recorded(leaf, subleaf).unwrap_or_default()
        } else {
            [0; 4]
        }
    }

    /// Whether the CPU implements (leaf, sub-leaf) but the dump did not record it.
    pub fn missing(&self, leaf: u32, subleaf: u32) -> bool {
        self.implemented(leaf, subleaf) && !self.regs.contains_key(&(leaf, subleaf))
    }

    /// [`Leaves::read`] as raw-cpuid's `CpuIdResult`.
    pub fn cpuid(&self, leaf: u32, subleaf: u32) -> CpuIdResult {
        let [eax, ebx, ecx, edx] = self.read(leaf, subleaf);
        CpuIdResult { eax, ebx, ecx, edx }
    }

    /// The bit at (leaf, sub-leaf, register, bit), as the CPU reports it.
    pub fn bit(&self, leaf: u32, subleaf: u32, reg: Reg, bit: u8) -> bool {
        let r = self.read(leaf, subleaf);
        let word = match reg {
            Reg::Eax => r[0],
            Reg::Ebx => r[1],
            Reg::Ecx => r[2],
            Reg::Edx => r[3],
        };
        word >> bit & 1 == 1
    }

    /// The CPU vendor string of leaf 0 (`GenuineIntel`, `AuthenticAMD`, …).
    pub fn vendor_string(&self) -> Option<String> {
        let r = self.recorded(0, 0)?;
        let bytes: Vec<u8> = [r[1], r[3], r[2]]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect();
        Some(
            String::from_utf8_lossy(&bytes)
                .trim_end_matches('\0')
                .to_string(),
        )
    }
}

/// Intel's speculation-control keys at CPUID.(7,0):EDX\[26\] (IBRS and IBPB), \[27\] and \[31\].
/// AMD hardware does not set these bits \[D\]: 0 in every bare-metal AMD dump in `tests/data/cpuid`
/// (K8 to Turin, `it/amd.rs` checks it); AMD enumerates its own in CPUID.80000008h:EBX
/// (`cpuid.LEAF88_*`). A hypervisor may set them in an AMD guest (KVM does: `local/dev-machine`),
/// emulating Intel's interface; an AMD dump's set bit is therefore read as 0, with a warning.
pub(crate) const INTEL_SPEC_CTRL_KEYS: [&str; 4] =
    ["cpuid.IBRS", "cpuid.IBPB", "cpuid.STIBP", "cpuid.SSBD"];

/// Decodes CPUID registers into a host record and the host's warnings (the first one is always
/// [`APPROXIMATION_WARNING`]). Fails only when leaf 0 is missing (no vendor, no max leaf).
///
/// ```
/// use evcalc::parse::cpuid_dump::{Leaves, decode};
/// let mut leaves = Leaves::new();
/// leaves.insert(0, 0, [0xd, 0x756e_6547, 0x6c65_746e, 0x4965_6e69]); // max leaf 0xd, GenuineIntel
/// leaves.insert(1, 0, [0x0005_0654, 0, 1 << 28, 0]); // Skylake-SP signature, AVX
/// leaves.insert(7, 0, [0, 1 << 5, 0, 1 << 10]); // AVX2, MD_CLEAR
/// let (host, warnings) = decode(&leaves).unwrap();
/// let value = |key: &str| host.capabilities.iter().find(|e| e.key == key).map(|e| e.value);
/// assert_eq!(value("cpuid.Intel"), Some(1));
/// assert_eq!(value("cpuid.AVX2"), Some(1));
/// assert_eq!(value("cpuid.MDCLEAR"), Some(1));
/// assert_eq!(value("cpuid.MODEL"), Some(0x55));
/// assert!(warnings[0].starts_with("derived from a raw CPUID dump"));
/// ```
pub fn decode(leaves: &Leaves) -> Result<(HostInput, Vec<String>), String> {
    let Some(max_basic) = leaves.max_basic() else {
        return Err(
            "the dump has no CPUID leaf 0 (vendor string and highest leaf): nothing can be decoded"
                .to_string(),
        );
    };
    let cat = catalogue();
    let start = leaves.position(0, 0).unwrap_or_default();
    let mut warnings = vec![APPROXIMATION_WARNING.to_string()];
    let mut caps: Vec<Entry<u64>> = Vec::new();
    let push = |caps: &mut Vec<Entry<u64>>, key: &str, value: u64, pos: Pos| {
        caps.push(Entry {
            key: key.to_string(),
            value,
            pos,
        });
    };

    // Vendor.
    let vendor = leaves.vendor_string().unwrap_or_default();
    let vendor_key = match vendor.as_str() {
        "GenuineIntel" => Some("cpuid.Intel"),
        "AuthenticAMD" => Some("cpuid.AMD"),
        "CentaurHauls" | "VIA VIA VIA " => Some("cpuid.VIA"),
        "CyrixInstead" => Some("cpuid.Cyrix"),
        _ => None,
    };
    if vendor_key.is_none() {
        warnings.push(format!(
            "CPU vendor `{}` is not one ESXi's EVC knows (Intel, AMD): no vendor key is set and no EVC mode can admit it",
            vendor.escape_debug()
        ));
    }
    for key in ["cpuid.Intel", "cpuid.AMD", "cpuid.VIA", "cpuid.Cyrix"] {
        push(&mut caps, key, u64::from(vendor_key == Some(key)), start);
    }
    let is_amd = vendor_key == Some("cpuid.AMD");

    // Identity, decoded through raw-cpuid's reader interface.
    let reader = |eax: u32, ecx: u32| leaves.cpuid(eax, ecx);
    let cpuid = CpuId::with_cpuid_reader(reader);
    let leaf1_pos = leaves.position(1, 0).unwrap_or(start);
    match cpuid.get_feature_info() {
        Some(fi) if leaves.recorded(1, 0).is_some() => {
            push(
                &mut caps,
                "cpuid.FAMILY",
                u64::from(fi.family_id()),
                leaf1_pos,
            );
            push(
                &mut caps,
                "cpuid.MODEL",
                u64::from(fi.model_id()),
                leaf1_pos,
            );
            push(
                &mut caps,
                "cpuid.STEPPING",
                u64::from(fi.stepping_id()),
                leaf1_pos,
            );
        }
        _ => warnings.push(
            "the dump has no CPUID leaf 1: family, model, stepping and leaf-1 features are unknown"
                .to_string(),
        ),
    }
    push(&mut caps, "cpuid.NUMLEVELS", u64::from(max_basic), start);
    match leaves.max_extended() {
        Some(m) => push(&mut caps, "cpuid.NUM_EXT_LEVELS", u64::from(m), leaves.position(0x8000_0000, 0).unwrap_or(start)),
        None => warnings.push(
            "the dump has no valid CPUID leaf 0x80000000: extended leaves (LM, NX, LAHF64, RDTSCP, …) read as absent".to_string(),
        ),
    }
    let cpu_model = cpuid
        .get_processor_brand_string()
        .map(|b| b.as_str().trim().to_string())
        .filter(|b| !b.is_empty() && b.chars().any(|c| c.is_ascii_alphanumeric()));

    // Features by bit position. A leaf/sub-leaf the CPU implements but the dump did not record
    // leaves its features unknown (`unrecorded`), not absent — unless every CPU of this kind has
    // the feature (`inferred_present`), which is then set and said.
    let mut missing_by_leaf: BTreeMap<(u32, u32), Vec<&str>> = BTreeMap::new();
    let mut unrecorded = Vec::new();
    let mut inferred = Vec::new();
    let mut intel_on_amd: Vec<&str> = Vec::new();
    for (_, def) in cat.iter() {
        let Some(loc) = def.cpuid else { continue };
        if matches!(def.kind, Kind::Vendor | Kind::Identity) {
            continue;
        }
        // By the catalogue's location only: AMD's 0x80000008 EBX bits have keys of their own
        // (`cpuid.LEAF88_*`, module docs), never Intel's leaf-7 keys.
        let mut value = leaves.bit(loc.leaf, loc.subleaf, loc.reg, loc.bit);
        if is_amd && value && INTEL_SPEC_CTRL_KEYS.contains(&def.key.as_str()) {
            value = false;
            intel_on_amd.push(def.key.as_str());
        }
        let pos = leaves.position(loc.leaf, loc.subleaf).unwrap_or(start);
        if leaves.missing(loc.leaf, loc.subleaf) && !value {
            if let Some(why) = inferred_present(leaves, vendor_key, &def.key) {
                inferred.push(format!("{} = 1 inferred ({why})", def.key));
                push(&mut caps, &def.key, 1, pos);
            } else {
                missing_by_leaf
                    .entry((loc.leaf, loc.subleaf))
                    .or_default()
                    .push(def.key.as_str());
                unrecorded.push(def.key.clone());
            }
            continue;
        }
        push(&mut caps, &def.key, u64::from(value), pos);
    }
    for ((leaf, subleaf), keys) in &missing_by_leaf {
        warnings.push(format!(
            "the dump does not record CPUID leaf {leaf:#x} sub-leaf {subleaf}, which this CPU implements: {} unknown \
             (unrecorded, not absent)",
            keys.join(", ")
        ));
    }
    if !intel_on_amd.is_empty() {
        warnings.push(format!(
            "this AMD CPU's dump sets Intel's CPUID.(7,0):EDX speculation-control bits ({}), which AMD hardware does \
             not set (a hypervisor emulating Intel's interface does): read as 0; AMD's own bits are CPUID.80000008h:EBX \
             (cpuid.LEAF88_IBPB, cpuid.LEAF88_IBRS, cpuid.LEAF88_SSBD_SPEC_CTRL)",
            intel_on_amd.join(", ")
        ));
    }
    for note in inferred {
        warnings.push(format!(
            "the dump does not record the leaf of this feature: {note}"
        ));
    }
    if leaves.bit(1, 0, Reg::Ecx, 31) {
        warnings.push(
            "the dump was taken inside a virtual machine (CPUID.1:ECX[31], hypervisor present): it shows what that \
             hypervisor exposes, not the physical CPU"
                .to_string(),
        );
    }
    let host = HostInput {
        name: None,
        product: None,
        cpu_model,
        capabilities: caps,
        pos: start,
        unrecorded,
        ..HostInput::default()
    };
    Ok((host, warnings))
}

/// Features every CPU of the dump's kind has, used when the dump does not record their leaf.
/// Returns why. Only rules that hold for every CPU of the signature belong here.
///
/// * `cpuid.XSAVEOPT` (CPUID.(0xD,1):EAX[0]) on Intel family 6 with AVX (CPUID.1:ECX[28]):
///   Sandy Bridge introduced AVX and XSAVEOPT together, and every later Intel core with AVX has
///   XSAVEOPT (Intel SDM; every dump in `tests/data/cpuid` that records CPUID.(0xD,1) agrees —
///   `it/cpuid_validation.rs` checks it). Old AIDA64/InstLatX64 text and libcpuid raw dumps
///   skip sub-leaf 1.
fn inferred_present(leaves: &Leaves, vendor_key: Option<&str>, key: &str) -> Option<&'static str> {
    let family = {
        let eax = leaves.read(1, 0)[0];
        let base = (eax >> 8) & 0xf;
        if base == 0xf {
            base + ((eax >> 20) & 0xff)
        } else {
            base
        }
    };
    match key {
        "cpuid.XSAVEOPT"
            if vendor_key == Some("cpuid.Intel")
                && family == 6
                && leaves.bit(1, 0, Reg::Ecx, 28)
                && leaves.bit(1, 0, Reg::Ecx, 26) =>
        {
            Some("every Intel family-6 CPU with AVX, Sandy Bridge on, has XSAVEOPT")
        }
        _ => None,
    }
}

/// Parses a raw CPUID dump into one [`Document::Host`] (warnings: [`APPROXIMATION_WARNING`]
/// first, then what the decoder noticed).
pub fn parse(text: &str) -> ParseResult {
    let (leaves, _format) = parse_leaves(text)?;
    let (host, notes) = decode(&leaves).map_err(|m| {
        let (line, col) = first_content(text);
        ParseError::new(line, col, m)
    })?;
    let pos = host.pos;
    let warnings = notes
        .into_iter()
        .map(|message| Warning { pos, message })
        .collect();
    Ok((vec![Document::Host(host)], warnings))
}

/// Reads the registers of a dump (first logical CPU) without decoding them.
pub fn parse_leaves(text: &str) -> Result<(Leaves, DumpFormat), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = dump_format(text).ok_or_else(|| {
        let (line, col) = first_content(text);
        ParseError::new(
            line,
            col,
            "expected a raw CPUID dump: InstLatX64/AIDA64 `CPUID 00000001: …-…-…-…` lines, `cpuid -r` output \
             (`0x00000001 0x00: eax=0x… ebx=0x… ecx=0x… edx=0x…`), libvirt `<cpuid eax_in=… …/>` XML, libcpuid \
             `basic_cpuid[0]=…` lines, or vim.host.CpuIdInfo `level`/`eax = \"0000:…\"` bit strings",
        )
    })?;
    let leaves = match format {
        DumpFormat::InstLatX64 => parse_instlatx64(text)?,
        DumpFormat::CpuidTool => parse_cpuid_tool(text)?,
        DumpFormat::LibvirtXml => parse_libvirt(text)?,
        DumpFormat::LibcpuidRaw => parse_libcpuid_raw(text)?,
        DumpFormat::CpuIdInfo => parse_cpu_id_info(text)?,
        // `dump_format` never answers `Native`; an empty map gives the "no leaf 0" error below.
        DumpFormat::Native => Leaves::new(),
    };
    if let Some((line, col)) = other_syntax_dump(text, format) {
        return Err(ParseError::new(
            line,
            col,
            "a second CPUID dump in another syntax starts here: these are two dumps pasted together; load each \
             as its own input (or put a `== host` header line above each)",
        ));
    }
    if leaves.recorded(0, 0).is_none() {
        let (line, col) = first_content(text);
        return Err(ParseError::new(
            line,
            col,
            "the CPUID dump has no leaf 0 (vendor string and highest leaf); expected it as the first CPUID line",
        ));
    }
    Ok((leaves, format))
}

/// Where a dump of another syntax starts in a text read as `format` (a leaf-0 line of
/// InstLatX64, `cpuid -r` or libcpuid, or a libvirt `<cpuid eax_in='0x0'` element), if anywhere:
/// concatenated dumps of two syntaxes are never read as one (issue 20, item 12).
fn other_syntax_dump(text: &str, format: DumpFormat) -> Option<(u32, u32)> {
    for (index, line) in text.lines().enumerate() {
        let t = line.trim();
        let found = match t.as_bytes().first() {
            Some(b'C') => {
                format != DumpFormat::InstLatX64
                    && instlatx64_leaf(t).is_some_and(|(leaf, _)| leaf == 0)
            }
            Some(b'0') => {
                format != DumpFormat::CpuidTool
                    && cpuid_tool_line(t).is_some_and(|(leaf, sub, _)| leaf == 0 && sub == 0)
            }
            Some(b'b') => format != DumpFormat::LibcpuidRaw && t.starts_with("basic_cpuid[0]="),
            Some(b'<') => {
                format != DumpFormat::LibvirtXml && t.starts_with("<cpuid") && t.contains("eax_in")
            }
            _ => false,
        };
        if found {
            return Some((index as u32 + 1, col_of(line, t)));
        }
    }
    None
}

/// Cheap check for format detection: does the text hold a CPUID dump in one of the syntaxes?
pub(crate) fn looks_like(text: &str) -> bool {
    dump_format(text).is_some()
}

/// Which dump syntax `text` uses, if any.
pub(crate) fn dump_format(text: &str) -> Option<DumpFormat> {
    if text.contains("<cpuid") && text.contains("eax_in") {
        return Some(DumpFormat::LibvirtXml);
    }
    let mut aida = false;
    for line in text.lines() {
        let t = line.trim();
        // Each syntax's lines start with a fixed letter: most lines are rejected on it.
        match t.as_bytes().first() {
            Some(b'b') if t.starts_with("basic_cpuid[") => return Some(DumpFormat::LibcpuidRaw),
            Some(b'0') if cpuid_tool_line(t).is_some() => return Some(DumpFormat::CpuidTool),
            Some(b'C') if !aida && instlatx64_leaf(t).is_some() => aida = true,
            _ => {}
        }
    }
    if aida {
        return Some(DumpFormat::InstLatX64);
    }
    if text.contains("vim.host.CpuIdInfo") || looks_like_bit_strings(text) {
        return Some(DumpFormat::CpuIdInfo);
    }
    None
}

// ------------------------------------------------------------------------------------------
// Helpers

fn first_content(text: &str) -> (u32, u32) {
    for (index, line) in text.lines().enumerate() {
        if let Some(col) = line.find(|c: char| !c.is_whitespace()) {
            return (index as u32 + 1, line[..col].chars().count() as u32 + 1);
        }
    }
    (1, 1)
}

fn col_of(line: &str, part: &str) -> u32 {
    // `part` is a sub-slice of `line`; anything else gives a column at a char boundary anyway.
    let mut offset = (part.as_ptr() as usize)
        .saturating_sub(line.as_ptr() as usize)
        .min(line.len());
    while !line.is_char_boundary(offset) {
        offset -= 1;
    }
    line[..offset].chars().count() as u32 + 1
}

/// The index of the last line when the text does not end with a line break: a register there
/// may have been cut (`edx=0x178b` of `edx=0x178bfbff`). `cpuid -r` and libcpuid print 8 hex
/// digits per register, so fewer digits on such a line mean a paste cut short, which would
/// silently clear the features of the missing bits (hardening: truncated pastes).
fn open_last_line(text: &str) -> Option<usize> {
    (!text.is_empty() && !text.ends_with('\n')).then(|| text.lines().count().saturating_sub(1))
}

fn cut_short(line: u32, col: u32, found: &str) -> ParseError {
    ParseError::new(
        line,
        col,
        format!(
            "expected 8 hex digits, found `{found}` at the very end of the text: the paste looks cut short \
             (copy the whole dump, or drop this last line)"
        ),
    )
}

fn is_hex8(s: &str) -> bool {
    s.len() == 8 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex(s: &str) -> Option<u32> {
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 8 {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// Whether a non-data line starts a further logical CPU's block (`CPU#001`, `Logical CPU #1`,
/// `CPUID Registers (CPU #2):`, `CPU 1:`).
fn cpu_header(line: &str) -> bool {
    let t = line.trim();
    t.contains("CPU #") || t.contains("CPU#") || (t.starts_with("CPU ") && t.ends_with(':'))
}

// ------------------------------------------------------------------------------------------
// InstLatX64 / AIDA64

/// `CPUID 00000007: …` → (leaf, rest after the leaf).
fn instlatx64_leaf(t: &str) -> Option<(u32, &str)> {
    let rest = t.strip_prefix("CPUID")?;
    let rest = rest.trim_start();
    let leaf = rest.get(..8).filter(|l| is_hex8(l))?;
    let after = &rest[8..];
    if !(after.is_empty() || after.starts_with(':') || after.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((u32::from_str_radix(leaf, 16).ok()?, after))
}

fn parse_instlatx64(text: &str) -> Result<Leaves, ParseError> {
    let mut leaves = Leaves::new();
    let mut implicit: BTreeMap<u32, u32> = BTreeMap::new();
    let mut started = false;
    for (index, line) in text.lines().enumerate() {
        let line_no = index as u32 + 1;
        let t = line.trim_end_matches('\r');
        let Some((leaf, after)) = instlatx64_leaf(t.trim_start()) else {
            if started && cpu_header(t) {
                break;
            }
            continue;
        };
        let body = after.trim_start_matches(':').trim_start();
        let regs_text = body.split_whitespace().next().unwrap_or("");
        let words: Vec<&str> = regs_text.split('-').collect();
        if words.len() != 4 || !words.iter().all(|w| is_hex8(w)) {
            let col = if regs_text.is_empty() {
                col_of(line, after)
            } else {
                col_of(line, regs_text)
            };
            return Err(ParseError::new(
                line_no,
                col,
                format!(
                    "expected four 8-digit hex registers `EAX-EBX-ECX-EDX` after `CPUID {leaf:08X}:`, found `{regs_text}`"
                ),
            ));
        }
        let mut regs = [0u32; 4];
        for (r, w) in regs.iter_mut().zip(&words) {
            *r = u32::from_str_radix(w, 16).unwrap_or_default();
        }
        let explicit = body.find("[SL ").map(|i| {
            let rest = &body[i + 4..];
            let end = rest.find(']').unwrap_or(rest.len());
            (rest[..end].trim(), &body[i..])
        });
        let subleaf = match explicit {
            Some((sl, at)) => match hex(sl) {
                Some(v) => v,
                None => {
                    return Err(ParseError::new(
                        line_no,
                        col_of(line, at),
                        format!("expected a hex sub-leaf number in `[SL nn]`, found `[SL {sl}]`"),
                    ));
                }
            },
            None => {
                let n = implicit.entry(leaf).or_insert(0);
                let nth = *n;
                *n += 1;
                if leaf == 0xd {
                    xsave_subleaf(&leaves, nth, regs)
                } else {
                    nth
                }
            }
        };
        if started && leaf == 0 && subleaf == 0 {
            break; // the next logical CPU
        }
        if leaves.recorded(leaf, subleaf).is_some() {
            continue; // a repeated line (some dumps print `[SL 3E]` twice): the first one counts
        }
        started = true;
        let col = col_of(line, t.trim_start());
        leaves.insert_at(leaf, subleaf, regs, Pos { line: line_no, col });
    }
    Ok(leaves)
}

/// The sub-leaf of the `nth` (0-based) leaf-0xD line of a dump without `[SL nn]` markers.
/// Older AIDA64 versions print sub-leaf 0 and then only the state components that
/// CPUID.(0xD,0) lists (2, 5, 6, …), skipping sub-leaf 1; newer ones print sub-leaf 1 too.
/// A second line that is the AVX component (EAX = 0x100 bytes at EBX = offset 0x240) means the
/// dump skipped sub-leaf 1, which then stays unrecorded (and is reported as such).
fn xsave_subleaf(leaves: &Leaves, nth: u32, regs: Regs) -> u32 {
    if nth == 0 {
        return 0;
    }
    let components = leaves
        .recorded(0xd, 0)
        .map(|r| u64::from(r[0]) | (u64::from(r[3]) << 32))
        .unwrap_or(0)
        & !0b11;
    let has_sub1 = match leaves.recorded(0xd, 1) {
        Some(_) => true,
        None if nth == 1 => !(regs[0] == 0x100 && regs[1] == 0x240 && components & 0b100 != 0),
        None => false,
    };
    if has_sub1 && nth == 1 {
        return 1;
    }
    let k = if has_sub1 { nth - 2 } else { nth - 1 };
    // the k-th (0-based) set bit of `components`, or past the end
    let mut bits = if k < 64 { components } else { 0 };
    for _ in 0..k.min(64) {
        bits &= bits.wrapping_sub(1);
    }
    if bits == 0 {
        nth.saturating_add(64)
    } else {
        bits.trailing_zeros()
    }
}

// ------------------------------------------------------------------------------------------
// cpuid -r

/// `0x00000007 0x00: eax=… ebx=… ecx=… edx=…` → (leaf, subleaf, text after the colon).
fn cpuid_tool_line(t: &str) -> Option<(u32, u32, &str)> {
    let (head, rest) = t.split_once(':')?;
    let mut parts = head.split_whitespace();
    let leaf = parts.next()?.strip_prefix("0x")?;
    let sub = parts.next()?.strip_prefix("0x")?;
    if parts.next().is_some() || !rest.trim_start().starts_with("eax=") {
        return None;
    }
    Some((hex(leaf)?, hex(sub)?, rest))
}

fn parse_cpuid_tool(text: &str) -> Result<Leaves, ParseError> {
    let mut leaves = Leaves::new();
    let mut started = false;
    let open_end = open_last_line(text);
    for (index, line) in text.lines().enumerate() {
        let line_no = index as u32 + 1;
        let t = line.trim().trim_end_matches('\r');
        let Some((leaf, subleaf, rest)) = cpuid_tool_line(t) else {
            if started && cpu_header(t) {
                break;
            }
            continue;
        };
        if started && leaves.recorded(leaf, subleaf).is_some() {
            break;
        }
        let mut regs = [None; 4];
        for field in rest.split_whitespace() {
            let Some((name, value)) = field.split_once('=') else {
                continue;
            };
            let slot = match name {
                "eax" => 0,
                "ebx" => 1,
                "ecx" => 2,
                "edx" => 3,
                _ => continue,
            };
            regs[slot] = Some(hex(value).ok_or_else(|| {
                ParseError::new(
                    line_no,
                    col_of(line, field),
                    format!("expected `{name}=0x` and up to 8 hex digits, found `{field}`"),
                )
            })?);
            if open_end == Some(index)
                && value
                    .strip_prefix("0x")
                    .or_else(|| value.strip_prefix("0X"))
                    .unwrap_or(value)
                    .len()
                    < 8
            {
                return Err(cut_short(line_no, col_of(line, field), field));
            }
        }
        let names = ["eax", "ebx", "ecx", "edx"];
        let mut out = [0u32; 4];
        for (i, r) in regs.iter().enumerate() {
            out[i] = r.ok_or_else(|| {
                ParseError::new(
                    line_no,
                    col_of(line, rest),
                    format!("expected `{}=0x…` on this `cpuid -r` line", names[i]),
                )
            })?;
        }
        started = true;
        leaves.insert_at(
            leaf,
            subleaf,
            out,
            Pos {
                line: line_no,
                col: col_of(line, t),
            },
        );
    }
    Ok(leaves)
}

// ------------------------------------------------------------------------------------------
// libvirt cputestdata XML

fn parse_libvirt(text: &str) -> Result<Leaves, ParseError> {
    let mut leaves = Leaves::new();
    let mut from = 0;
    // Performance: positions are counted incrementally (`Lines`) and only where needed;
    // computing `line_col` from the start of the text for every attribute of every element
    // made this parser quadratic in the file size (docs/performance.md).
    let mut lines = Lines::default();
    while let Some(found) = text[from..].find("<cpuid") {
        let start = from + found;
        let after_name = start + "<cpuid".len();
        // `<cpuidx …>` or `<cpudata` are other elements.
        if !text[after_name..].starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>') {
            from = after_name;
            continue;
        }
        let end = text[after_name..]
            .find('>')
            .map(|i| after_name + i)
            .ok_or_else(|| {
                let (line, col) = line_col(text, start);
                ParseError::new(line, col, "unterminated `<cpuid` element: expected `/>`")
            })?;
        let attrs = parse_attrs(&text[after_name..end]).map_err(|(offset, message)| {
            let (line, col) = line_col(text, after_name + offset);
            ParseError::new(line, col, message)
        })?;
        let (line, col) = lines.line_col(text, start);
        let get = |name: &str| -> Result<u32, ParseError> {
            match attrs.iter().find(|(n, _)| *n == name) {
                Some((_, v)) => hex(v.trim()).ok_or_else(|| {
                    ParseError::new(
                        line,
                        col,
                        format!("attribute {name}='{v}' is not a hex number such as 0x0000000d"),
                    )
                }),
                None if name == "ecx_in" => Ok(0),
                None => Err(ParseError::new(
                    line,
                    col,
                    format!("`<cpuid>` element without the `{name}` attribute"),
                )),
            }
        };
        let leaf = get("eax_in")?;
        let subleaf = get("ecx_in")?;
        if leaf == 0 && subleaf == 0 && leaves.recorded(0, 0).is_some() {
            // Nothing dropped silently (issue 20, item 12): `cat` of two XML dumps would mix
            // two CPUs' leaves into one host.
            return Err(ParseError::new(
                line,
                col,
                "a second CPUID dump starts here (a second leaf 0): these are two CPUs; load each libvirt XML \
                 dump as its own input",
            ));
        }
        let regs = [get("eax")?, get("ebx")?, get("ecx")?, get("edx")?];
        leaves.insert_at(leaf, subleaf, regs, Pos { line, col });
        from = end;
    }
    Ok(leaves)
}

/// `name='value' name="value"` pairs; an error carries the byte offset of the problem.
fn parse_attrs(s: &str) -> Result<Vec<(&str, &str)>, (usize, String)> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let name_start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
        {
            i += 1;
        }
        let name = &s[name_start..i];
        if name.is_empty() || i >= bytes.len() || bytes[i] != b'=' {
            return Err((
                name_start,
                "expected an attribute such as eax_in='0x00000007'".to_string(),
            ));
        }
        i += 1;
        let quote = match bytes.get(i) {
            Some(q @ (b'\'' | b'"')) => *q,
            _ => return Err((i, format!("expected a quoted value after `{name}=`"))),
        };
        i += 1;
        let value_start = i;
        while i < bytes.len() && bytes[i] != quote {
            i += 1;
        }
        if i >= bytes.len() {
            return Err((value_start, format!("unterminated value of `{name}`")));
        }
        out.push((name, &s[value_start..i]));
        i += 1;
    }
    Ok(out)
}

/// [`line_col`] for increasing offsets, counting each newline once.
#[derive(Default)]
struct Lines {
    /// Offset up to which newlines are counted.
    scanned: usize,
    /// 1-based line number at `scanned` minus one (newlines before it).
    newlines: u32,
    /// Start of the line containing `scanned`.
    line_start: usize,
}

impl Lines {
    /// Same result as `line_col(text, offset)`; offsets must not decrease between calls.
    fn line_col(&mut self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        debug_assert!(offset >= self.scanned);
        for (i, b) in text.as_bytes()[self.scanned..offset].iter().enumerate() {
            if *b == b'\n' {
                self.newlines += 1;
                self.line_start = self.scanned + i + 1;
            }
        }
        self.scanned = offset;
        (
            self.newlines + 1,
            text[self.line_start..offset].chars().count() as u32 + 1,
        )
    }
}

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() as u32 + 1)
}

// ------------------------------------------------------------------------------------------
// libcpuid raw data

fn parse_libcpuid_raw(text: &str) -> Result<Leaves, ParseError> {
    let mut leaves = Leaves::new();
    let mut started = false;
    let open_end = open_last_line(text);
    for (index, line) in text.lines().enumerate() {
        let line_no = index as u32 + 1;
        let t = line.trim().trim_end_matches('\r');
        if started && (cpu_header(t) || (t.len() >= 10 && t.bytes().all(|b| b == b'-'))) {
            break;
        }
        let Some((name, rest)) = t.split_once('[') else {
            continue;
        };
        let Some((index_text, rest)) = rest.split_once("]=") else {
            continue;
        };
        let Ok(n) = index_text.parse::<u32>() else {
            continue;
        };
        let (leaf, subleaf) = match name {
            "basic_cpuid" => (n, 0),
            "ext_cpuid" => (0x8000_0000 + n, 0),
            "intel_fn4" => (4, n),
            "intel_fn11" => (0xb, n),
            "intel_fn12h" => (0x12, n),
            "intel_fn14h" => (0x14, n),
            "intel_fn1fh" => (0x1f, n),
            "amd_fn8000001dh" => (0x8000_001d, n),
            "amd_fn80000026h" => (0x8000_0026, n),
            _ => continue,
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        if words.len() != 4 || !words.iter().all(|w| hex(w).is_some()) {
            return Err(ParseError::new(
                line_no,
                col_of(line, rest),
                format!("expected four hex registers after `{name}[{n}]=`, found `{rest}`"),
            ));
        }
        if open_end == Some(index)
            && let Some(short) = words.iter().find(|w| w.len() < 8)
        {
            return Err(cut_short(line_no, col_of(line, short), short));
        }
        if started && leaves.recorded(leaf, subleaf).is_some() {
            break;
        }
        let mut regs = [0u32; 4];
        for (r, w) in regs.iter_mut().zip(&words) {
            *r = hex(w).unwrap_or_default();
        }
        started = true;
        leaves.insert_at(
            leaf,
            subleaf,
            regs,
            Pos {
                line: line_no,
                col: col_of(line, t),
            },
        );
    }
    Ok(leaves)
}

// ------------------------------------------------------------------------------------------
// vim.host.CpuIdInfo bit strings

/// One `name = value` / `<name>value</name>` / `"name": value` line → (name, value, value slice).
fn field_line(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start().trim_start_matches(['<', '"']);
    let name_end = t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let name = &t[..name_end];
    let rest = t[name_end..].trim_start_matches(['"', '>', '=', ':', ' ', '\t']);
    let end = rest.find(['"', '<', ',']).unwrap_or(rest.len());
    Some((name, rest[..end].trim()))
}

fn looks_like_bit_strings(text: &str) -> bool {
    // One substring search rules out every text without a `level` field.
    if !text.contains("level") {
        return false;
    }
    let mut level = false;
    for line in text.lines().take(2000) {
        match field_line(line) {
            Some(("level", v)) if v.parse::<i64>().is_ok() => level = true,
            Some(("eax", v)) if level && parse_bit_string(v).is_some() => return true,
            _ => {}
        }
    }
    false
}

/// `"0000:0000:0000:0000:0000:0000:0000:1101"` → 0xd. `None` unless 32 binary digits.
pub(crate) fn parse_bit_string(text: &str) -> Option<u32> {
    let digits: String = text.chars().filter(|c| *c != ':').collect();
    if digits.len() != 32 || !digits.bytes().all(|b| b == b'0' || b == b'1') {
        return None;
    }
    u32::from_str_radix(&digits, 2).ok()
}

/// Builds [`Leaves`] from `vim.host.CpuIdInfo` records (`level`, and `eax`..`edx` bit strings),
/// as found in `hardware.cpuFeature` / `hardware.cpuPkg[].cpuFeature` of govc XML or JSON.
/// Extended levels may be given negative (`-2147483647` = `0x80000001`). The first record of a
/// level wins. Errors name the offending record (0-based) and field.
pub(crate) fn leaves_from_cpu_feature(records: &[(i64, [&str; 4])]) -> Result<Leaves, String> {
    let mut leaves = Leaves::new();
    for (index, (level, regs)) in records.iter().enumerate() {
        let leaf = *level as u32;
        let mut out = [0u32; 4];
        for (slot, (text, name)) in regs.iter().zip(["eax", "ebx", "ecx", "edx"]).enumerate() {
            out[slot] = parse_bit_string(text).ok_or_else(|| {
                format!("cpuFeature record {index} (level {level}): {name} `{text}` is not 32 binary digits (0000:0000:…)")
            })?;
        }
        if leaves.recorded(leaf, 0).is_none() {
            leaves.insert(leaf, 0, out);
        }
    }
    Ok(leaves)
}

fn parse_cpu_id_info(text: &str) -> Result<Leaves, ParseError> {
    let mut leaves = Leaves::new();
    let mut level: Option<(u32, Pos)> = None;
    let mut regs: [Option<u32>; 4] = [None; 4];
    for (index, line) in text.lines().enumerate() {
        let line_no = index as u32 + 1;
        let Some((name, value)) = field_line(line) else {
            continue;
        };
        let pos = Pos {
            line: line_no,
            col: col_of(line, line.trim_start()),
        };
        match name {
            "level" => {
                let v: i64 = value.parse().map_err(|_| {
                    ParseError::new(
                        line_no,
                        pos.col,
                        format!("expected a CPUID level number after `level`, found `{value}`"),
                    )
                })?;
                level = Some((v as u32, pos));
                regs = [None; 4];
            }
            "eax" | "ebx" | "ecx" | "edx" => {
                let Some((leaf, at)) = level else { continue };
                let bits = parse_bit_string(value).ok_or_else(|| {
                    ParseError::new(
                        line_no,
                        pos.col,
                        format!(
                            "expected 32 binary digits such as \"0000:0000:0000:0000:0000:0000:0000:1101\" for `{name}`, \
                             found `{value}` (masks with x/H/- are not CPUID values)"
                        ),
                    )
                })?;
                let slot = match name {
                    "eax" => 0,
                    "ebx" => 1,
                    "ecx" => 2,
                    _ => 3,
                };
                regs[slot] = Some(bits);
                if let [Some(a), Some(b), Some(c), Some(d)] = regs {
                    if leaves.recorded(leaf, 0).is_none() {
                        leaves.insert_at(leaf, 0, [a, b, c, d], at);
                    }
                    level = None;
                    regs = [None; 4];
                }
            }
            _ => {}
        }
    }
    Ok(leaves)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_positions_match_line_col() {
        let text =
            "<!-- é -->\r\n<cpudata arch='x86'>\n  <cpuid eax_in='0x0'/>\n\n\tü <cpuid/>\nend";
        let mut lines = Lines::default();
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(
                lines.line_col(text, offset),
                line_col(text, offset),
                "offset {offset}"
            );
        }
    }

    fn value(h: &HostInput, key: &str) -> Option<u64> {
        h.capabilities
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.value)
    }

    const SKX: &str = "CPU#000 AffMask: 0x0000000000000001\r
CPUID 00000000: 00000016-756E6547-6C65746E-49656E69 [GenuineIntel]\r
CPUID 00000001: 00050657-00400800-7FFEFBFF-BFEBFBFF\r
CPUID 00000007: 00000000-D39FFFFB-00000808-BC000400 [SL 00]\r
CPUID 0000000D: 000002FF-00000A80-00000A88-00000000 [SL 00]\r
CPUID 0000000D: 0000000F-00000A80-00000100-00000000 [SL 01]\r
CPUID 80000000: 80000008-00000000-00000000-00000000\r
CPUID 80000001: 00000000-00000000-00000121-2C100800\r
CPUID 80000002: 65746E49-2952286C-6F655820-2952286E [Intel(R) Xeon(R)]\r
CPUID 80000003: 616C5020-756E6974-3238206D-43203038 [ Platinum 8280 C]\r
CPUID 80000004: 40205550-372E3220-7A484730-00000000 [PU @ 2.70GHz]\r
CPUID 80000008: 0000302E-00000000-00000000-00000000\r
\r
CPU#001 AffMask: 0x0000000000000002\r
CPUID 00000000: 00000016-756E6547-6C65746E-00000000\r
";

    #[test]
    fn instlatx64_cascade_lake() {
        let (docs, warnings) = parse(SKX).unwrap();
        let Document::Host(h) = &docs[0] else {
            panic!()
        };
        assert_eq!(
            h.cpu_model.as_deref(),
            Some("Intel(R) Xeon(R) Platinum 8280 CPU @ 2.70GHz")
        );
        assert_eq!(value(h, "cpuid.Intel"), Some(1));
        assert_eq!(value(h, "cpuid.AMD"), Some(0));
        assert_eq!(value(h, "cpuid.FAMILY"), Some(6));
        assert_eq!(value(h, "cpuid.MODEL"), Some(0x55));
        assert_eq!(value(h, "cpuid.STEPPING"), Some(7));
        assert_eq!(value(h, "cpuid.NUMLEVELS"), Some(0x16));
        assert_eq!(value(h, "cpuid.NUM_EXT_LEVELS"), Some(0x8000_0008));
        for k in [
            "cpuid.AVX512VNNI",
            "cpuid.MDCLEAR",
            "cpuid.IBRS",
            "cpuid.IBPB",
            "cpuid.STIBP",
            "cpuid.SSBD",
            "cpuid.FCMD",
        ] {
            assert_eq!(value(h, k), Some(1), "{k}");
        }
        for k in [
            "cpuid.XCR0_MASTER_PKRU",
            "cpuid.XCR0_MASTER_HI16_ZMM",
            "cpuid.XSAVES",
            "cpuid.XGETBV_ECX1",
        ] {
            assert_eq!(value(h, k), Some(1), "{k}");
        }
        assert_eq!(value(h, "cpuid.AVX512VBMI"), Some(0));
        assert_eq!(value(h, "cpuid.LAHF64"), Some(1));
        assert_eq!(value(h, "cpuid.PDPE1GB"), Some(1));
        assert_eq!(warnings[0].message, APPROXIMATION_WARNING);
        assert_eq!(h.pos.line, 2);
        // the second CPU block is not read: the vendor string stays complete
        assert!(value(h, "cpuid.Intel") == Some(1));
    }

    #[test]
    fn leaves_above_the_max_leaf_are_absent() {
        let mut l = Leaves::new();
        l.insert(0, 0, [1, 0x6874_7541, 0x444d_4163, 0x6974_6e65]); // AuthenticAMD, max leaf 1
        l.insert(1, 0, [0xf5a, 0, 0, 0]);
        l.insert(7, 0, [0, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff]); // garbage beyond max leaf
        l.insert(0x8000_0000, 0, [0x8000_0001, 0, 0, 0]);
        l.insert(0x8000_0001, 0, [0, 0, 0, 1 << 29]);
        l.insert(0x8000_0008, 0, [0, 1 << 12, 0, 0]); // beyond max extended leaf
        let (h, w) = decode(&l).unwrap();
        assert_eq!(value(&h, "cpuid.AVX2"), Some(0));
        assert_eq!(value(&h, "cpuid.LEAF88_IBPB"), Some(0));
        assert_eq!(value(&h, "cpuid.LM"), Some(1));
        assert_eq!(value(&h, "cpuid.AMD"), Some(1));
        assert_eq!(value(&h, "cpuid.FAMILY"), Some(0xf));
        assert_eq!(value(&h, "cpuid.MODEL"), Some(5));
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(h.cpu_model, None);
    }

    #[test]
    fn amd_leaf88_mitigations_use_vmware_leaf88_keys() {
        let mut l = Leaves::new();
        l.insert(0, 0, [0xd, 0x6874_7541, 0x444d_4163, 0x6974_6e65]);
        l.insert(1, 0, [0x0080_0f12, 0, 0, 0]);
        l.insert(7, 0, [0, 0, 0, 0]);
        l.insert(0xd, 0, [0x7, 0, 0, 0]);
        l.insert(0xd, 1, [0xf, 0, 0, 0]);
        l.insert(0x8000_0000, 0, [0x8000_0008, 0, 0, 0]);
        l.insert(0x8000_0001, 0, [0, 0, 0, 1 << 29]);
        l.insert(
            0x8000_0008,
            0,
            [0, (1 << 12) | (1 << 14) | (1 << 15) | (1 << 24), 0, 0],
        );
        let (h, w) = decode(&l).unwrap();
        // VMware's table: LEAF88_IBPB (12), LEAF88_IBRS (14), LEAF88_SSBD_SPEC_CTRL (24)
        for k in [
            "cpuid.LEAF88_IBPB",
            "cpuid.LEAF88_IBRS",
            "cpuid.LEAF88_SSBD_SPEC_CTRL",
        ] {
            assert_eq!(value(&h, k), Some(1), "{k}");
        }
        // never Intel's CPUID.(7,0):EDX keys; LEAF88_STIBP (15) is class NO: no key at all
        for k in ["cpuid.IBPB", "cpuid.IBRS", "cpuid.STIBP", "cpuid.SSBD"] {
            assert_eq!(value(&h, k), Some(0), "{k}");
        }
        assert!(
            h.capabilities
                .iter()
                .all(|e| !e.key.contains("STIBP") || e.value == 0)
        );
        assert_eq!(value(&h, "cpuid.FAMILY"), Some(0x17));
        assert_eq!(value(&h, "cpuid.MODEL"), Some(1));
        assert_eq!(value(&h, "cpuid.XCR0_MASTER_YMM_H"), Some(1));
        assert_eq!(value(&h, "cpuid.XSAVEOPT"), Some(1));
        assert!(w.iter().all(|w| !w.contains("does not record")), "{w:?}");
    }

    #[test]
    fn missing_implemented_leaves_are_named() {
        let mut l = Leaves::new();
        l.insert(0, 0, [0xd, 0x756e_6547, 0x6c65_746e, 0x4965_6e69]);
        l.insert(1, 0, [0x306e4, 0, 0, 0]);
        l.insert(0xd, 0, [0x7, 0, 0, 0]);
        let (_, w) = decode(&l).unwrap();
        assert!(
            w.iter()
                .any(|w| w.contains("leaf 0x7 sub-leaf 0") && w.contains("cpuid.AVX2")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|w| w.contains("leaf 0xd sub-leaf 1") && w.contains("cpuid.XSAVEOPT")),
            "{w:?}"
        );
        assert!(
            !w.iter().any(|w| w.contains("sub-leaf 17")),
            "AMX state is not listed in 0xD.0: {w:?}"
        );
        // Unrecorded is not absent: the keys are listed as unrecorded, not set to 0.
        let (h, _) = decode(&l).unwrap();
        assert!(
            h.unrecorded.iter().any(|k| k == "cpuid.XSAVEOPT")
                && h.unrecorded.iter().any(|k| k == "cpuid.AVX2")
        );
        assert!(
            !h.capabilities
                .iter()
                .any(|e| e.key == "cpuid.XSAVEOPT" || e.key == "cpuid.AVX2")
        );
        // With AVX (Sandy Bridge on), XSAVEOPT is inferred and said; the rest of sub-leaf 1 stays unrecorded.
        l.insert(1, 0, [0x306e4, 0, (1 << 28) | (1 << 26), 0]);
        let (h, w) = decode(&l).unwrap();
        assert_eq!(value(&h, "cpuid.XSAVEOPT"), Some(1));
        assert!(
            w.iter().any(|w| w.contains("cpuid.XSAVEOPT = 1 inferred")),
            "{w:?}"
        );
        assert!(
            h.unrecorded.iter().any(|k| k == "cpuid.XSAVES")
                && !h.unrecorded.iter().any(|k| k == "cpuid.XSAVEOPT")
        );
        // AMD: no inference.
        l.insert(0, 0, [0xd, 0x6874_7541, 0x444d_4163, 0x6974_6e65]);
        let (h, _) = decode(&l).unwrap();
        assert!(h.unrecorded.iter().any(|k| k == "cpuid.XSAVEOPT"));
    }

    #[test]
    fn old_instlatx64_variant_and_implicit_subleaves() {
        let text = "CPUID Registers (CPU #1):\r\nCPUID 00000000  \t0000000B-756E6547-6C65746E-49656E69\r\n\
                    CPUID 00000004  \t3C004121-01C0003F-0000003F-00000000\r\n\
                    CPUID 00000004  \t3C004122-00C0003F-0000007F-00000000\r\n";
        let (l, f) = parse_leaves(text).unwrap();
        assert_eq!(f, DumpFormat::InstLatX64);
        assert_eq!(l.recorded(4, 1).map(|r| r[0]), Some(0x3C00_4122));
        assert_eq!(l.position(4, 1), Some(Pos { line: 4, col: 1 }));
        // Old AIDA64: leaf 0xD without [SL], sub-leaf 1 skipped.
        let text = "CPUID 00000000: 0000000D-756E6547-6C65746E-49656E69\n\
                    CPUID 0000000D: 00000007-00000340-00000340-00000000\n\
                    CPUID 0000000D: 00000100-00000240-00000000-00000000\n";
        let (l, _) = parse_leaves(text).unwrap();
        assert_eq!(l.recorded(0xd, 2).map(|r| r[0]), Some(0x100));
        assert!(l.missing(0xd, 1));
        // Sub-leaf 1 present, then the components 2 and 5.
        let text = "CPUID 00000000: 0000000D-756E6547-6C65746E-49656E69\n\
                    CPUID 0000000D: 00000027-00000340-00000340-00000000\n\
                    CPUID 0000000D: 00000001-00000000-00000000-00000000\n\
                    CPUID 0000000D: 00000100-00000240-00000000-00000000\n\
                    CPUID 0000000D: 00000040-00000440-00000000-00000000\n";
        let (l, _) = parse_leaves(text).unwrap();
        assert_eq!(l.recorded(0xd, 1).map(|r| r[0]), Some(1));
        assert_eq!(l.recorded(0xd, 2).map(|r| r[0]), Some(0x100));
        assert_eq!(l.recorded(0xd, 5).map(|r| r[1]), Some(0x440));
    }

    #[test]
    fn cpuid_tool_and_libvirt_and_libcpuid_and_bit_strings() {
        let tool = "CPU:\n   0x00000000 0x00: eax=0x00000007 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n   \
                    0x00000007 0x00: eax=0x00000000 ebx=0x00000020 ecx=0x00000000 edx=0x00000400\n\
                    CPU 1:\n   0x00000000 0x00: eax=0x00000001 ebx=0 ecx=0 edx=0\n";
        let (l, f) = parse_leaves(tool).unwrap();
        assert_eq!(f, DumpFormat::CpuidTool);
        assert_eq!(l.max_basic(), Some(7));
        assert!(l.bit(7, 0, Reg::Edx, 10));

        let xml = "<!-- x -->\n<cpudata arch='x86'>\n  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='0x00000007' \
                   ebx='0x756e6547' ecx='0x6c65746e' edx='0x49656e69'/>\n  <cpuid eax_in='0x00000007' ecx_in='0x00' \
                   eax='0x00000000' ebx='0x00000020' ecx='0x00000000' edx='0x00000000'/>\n  <msr index='0x10a' edx='0' eax='0xb'/>\n</cpudata>\n";
        let (l, f) = parse_leaves(xml).unwrap();
        assert_eq!(f, DumpFormat::LibvirtXml);
        assert!(l.bit(7, 0, Reg::Ebx, 5));
        assert_eq!(l.position(7, 0), Some(Pos { line: 4, col: 3 }));

        let raw = "basic_cpuid[0]=00000005 68747541 444d4163 69746e65\nbasic_cpuid[1]=00100f91 000c0800 00802009 178bfbff\n\
                   ext_cpuid[0]=8000001b 68747541 444d4163 69746e65\next_cpuid[1]=00100f91 3000045f 000837ff efd3fbff\n\
                   --------------------------------------------------------------------------------\nx86\n";
        let (l, f) = parse_leaves(raw).unwrap();
        assert_eq!(f, DumpFormat::LibcpuidRaw);
        assert!(l.bit(0x8000_0001, 0, Reg::Edx, 31), "3DNow!");

        let bits = "(vim.host.CpuIdInfo) {\n   level = 0,\n   vendor = <unset>,\n   eax = \"0000:0000:0000:0000:0000:0000:0000:1101\",\n   \
                    ebx = \"0111:0101:0110:1110:0110:0101:0100:0111\",\n   ecx = \"0110:1100:0110:0101:0111:0100:0110:1110\",\n   \
                    edx = \"0100:1001:0110:0101:0110:1110:0110:1001\",\n}\n";
        let (l, f) = parse_leaves(bits).unwrap();
        assert_eq!(f, DumpFormat::CpuIdInfo);
        assert_eq!(l.vendor_string().as_deref(), Some("GenuineIntel"));
        assert_eq!(l.max_basic(), Some(0xd));
    }

    #[test]
    fn errors_have_positions_and_never_panic() {
        let e = parse_leaves("CPUID 00000000: 0000000D-756E6547-6C65746E\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (1, 17));
        let e =
            parse_leaves("x\nCPUID 00000001: 00000000-00000000-0000000G-00000000\n").unwrap_err();
        assert_eq!(e.pos.line, 2);
        let e =
            parse_leaves("<cpudata>\n <cpuid eax_in='0x0' eax='zz' ebx='0' ecx='0' edx='0'/>\n")
                .unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 2));
        let e = parse_leaves("<cpudata>\n <cpuid eax_in='0x1' eax='0' ebx='0' ecx='0' edx='0'/>\n")
            .unwrap_err();
        assert!(e.message.contains("leaf 0"), "{e}");
        let e = parse_leaves("<cpuid eax_in='0x0 eax='0'").unwrap_err();
        assert_eq!(e.pos.line, 1);
        assert!(parse_leaves("hello").is_err());
        for text in [
            "CPUID 00000000:",
            "basic_cpuid[0]=1 2 3",
            "level = 1\neax = \"01x\"",
            "<cpuid",
            "0x0 0x0: eax=0x1",
        ] {
            let _ = parse(text);
        }
        // Every prefix of real-looking dumps, with multi-byte characters sprinkled in.
        let samples = [
            SKX.to_string(),
            SKX.replace("[SL 00]", "[SL ü]").replace('-', "–"),
        ];
        for sample in &samples {
            for (i, _) in sample.char_indices() {
                let _ = parse(&sample[..i]);
            }
        }
    }
}
