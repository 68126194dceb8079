//! Input parsers. Each returns data plus warnings, or a [`ParseError`] with line and column.
//!
//! [`parse`] detects the format and dispatches; each submodule owns one format and exposes
//! `pub fn parse(text: &str) -> Result<(Vec<Document>, Vec<Warning>), ParseError>`.

pub mod cpuid_dump;
pub mod cpuinfo;
pub mod govc_json;
pub mod govc_xml;
pub mod masklines;
pub mod vmodl;

use crate::input::{Document, Format, ParseError, Parsed, Warning};

/// The result of one format's parser.
pub type ParseResult = Result<(Vec<Document>, Vec<Warning>), ParseError>;

/// Detects the format of `text` and parses it.
pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let format = detect(text).ok_or_else(|| {
        let (line, col) = first_content_pos(text);
        ParseError::new(
            line,
            col,
            "unrecognised input: expected `vim-cmd hostsvc/hostconfig` or `vim-cmd vmsvc/get.runtime` output \
             (VMODL text such as `(vim.host.ConfigInfo) {`), `featMask.*` lines from /etc/vmware/config or a .vmx, \
             govc object.save XML, or govc/govmomi JSON",
        )
    })?;
    let (documents, warnings) = match format {
        Format::VmodlText => vmodl::parse(text)?,
        Format::MaskLines => masklines::parse(text)?,
        Format::GovcXml => govc_xml::parse(text)?,
        Format::GovcJson | Format::SupportedEvcModeJson => govc_json::parse(text)?,
        Format::CpuidDump => cpuid_dump::parse(text)?,
        Format::ProcCpuinfo => cpuinfo::parse(text)?,
    };
    Ok(Parsed { format, documents, warnings })
}

/// Detects the input format from the text alone (the file name is never used).
pub fn detect(text: &str) -> Option<Format> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    // Raw CPUID dumps: libvirt `<cpudata>` XML, InstLatX64/AIDA, `cpuid -r`, libcpuid, and
    // `vim.host.CpuIdInfo` bit strings without any host feature capabilities.
    if trimmed.starts_with('<') && trimmed.contains("<cpuid") && trimmed.contains("eax_in") {
        return Some(Format::CpuidDump);
    }
    let json = govc_json::looks_like(trimmed);
    if !trimmed.starts_with('<') && !json {
        if cpuinfo::looks_like(trimmed) {
            return Some(Format::ProcCpuinfo);
        }
        let cpu_id_info_only = trimmed.contains("vim.host.CpuIdInfo")
            && !trimmed.contains("featureCapability")
            && !trimmed.contains("(vim.vm.");
        if cpu_id_info_only || (!trimmed.contains("(vim.") && cpuid_dump::looks_like(trimmed)) {
            return Some(Format::CpuidDump);
        }
    }
    if trimmed.starts_with('<') {
        return Some(Format::GovcXml);
    }
    if json {
        if govc_json::looks_like_supported_evc_modes(trimmed) {
            return Some(Format::SupportedEvcModeJson);
        }
        return Some(Format::GovcJson);
    }
    if vmodl::looks_like(trimmed) {
        return Some(Format::VmodlText);
    }
    if masklines::looks_like(trimmed) {
        return Some(Format::MaskLines);
    }
    None
}

/// Line and column of the first non-blank character, for messages about the whole input.
fn first_content_pos(text: &str) -> (u32, u32) {
    for (index, line) in text.lines().enumerate() {
        if let Some(col) = line.find(|c: char| !c.is_whitespace()) {
            return (index as u32 + 1, line[..col].chars().count() as u32 + 1);
        }
    }
    (1, 1)
}
