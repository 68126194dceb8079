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
///
/// Pastes in the wrong encoding get their own messages (see `tests/data/malformed/README.md`):
/// UTF-16 text (NUL bytes between the characters) is refused; HTML-escaped text (`&quot;`)
/// that does not parse is refused with a hint instead of the parser's error; U+FFFD
/// replacement characters (bytes that were not UTF-8, e.g. Windows-1252) give a warning.
pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    if let Some(e) = utf16_error(text) {
        return Err(e);
    }
    let format = detect(text).ok_or_else(|| {
        html_escaped_error(text).unwrap_or_else(|| {
            let (line, col) = first_content_pos(text);
            ParseError::new(
                line,
                col,
                "unrecognised input: expected `vim-cmd hostsvc/hostconfig` or `vim-cmd vmsvc/get.runtime` output \
                 (VMODL text such as `(vim.host.ConfigInfo) {`), `featMask.*` lines from /etc/vmware/config or a .vmx, \
                 govc object.save XML, govc/govmomi JSON, a raw CPUID dump (InstLatX64, `cpuid -r`, libvirt, libcpuid) \
             or /proc/cpuinfo",
            )
        })
    })?;
    let result = match format {
        Format::VmodlText => vmodl::parse(text),
        Format::MaskLines => masklines::parse(text),
        Format::GovcXml => govc_xml::parse(text),
        Format::GovcJson | Format::SupportedEvcModeJson => govc_json::parse(text),
        Format::CpuidDump => cpuid_dump::parse(text),
        Format::ProcCpuinfo => cpuinfo::parse(text),
    };
    // In XML, `&lt;` and `&quot;` are the normal escapes: no HTML hint there.
    let (documents, mut warnings) = result.map_err(|e| {
        if format == Format::GovcXml {
            e
        } else {
            html_escaped_error(text).unwrap_or(e)
        }
    })?;
    if let Some(at) = text.find('\u{fffd}') {
        let pos = pos_of(text, at);
        warnings.insert(
            0,
            Warning {
                pos,
                message: format!(
                    "the input contains U+FFFD replacement characters (first at line {}, column {}): bytes that were \
                     not UTF-8, e.g. Windows-1252 text, were replaced; names may be garbled, and a key or value \
                     containing one is not what the file said",
                    pos.line, pos.col
                ),
            },
        );
    }
    Ok(Parsed {
        format,
        documents,
        warnings,
    })
}

/// UTF-16 (or UTF-32) text that reached us as UTF-8: a file without a byte-order mark read as
/// UTF-8, or with one read lossily (the page reads every file as UTF-8). Its ASCII characters
/// come with NUL bytes between them. Refused at line 1, column 1: decoding a lossy read is
/// guesswork, and the fix on the user's side is one command.
fn utf16_error(text: &str) -> Option<ParseError> {
    let head = text.trim_start_matches(['\u{feff}', '\u{fffd}']).as_bytes();
    let head = &head[..head.len().min(512)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    (nuls >= 4 && nuls * 4 >= head.len()).then(|| {
        ParseError::new(
            1,
            1,
            "the text looks like UTF-16 (a NUL byte between the characters), e.g. a file written by Windows \
             PowerShell's `>` or saved as \"Unicode\" by Notepad: save it as UTF-8 (PowerShell: \
             `Out-File -Encoding utf8`; or `iconv -f UTF-16 -t UTF-8`) and load it again",
        )
    })
}

/// Text copied from a web page's source or a web console that escapes quotes and angle
/// brackets (`key = &quot;cpuid.SSE3&quot;`). Only called when the text did not parse.
fn html_escaped_error(text: &str) -> Option<ParseError> {
    let (at, entity) = ["&quot;", "&lt;", "&gt;", "&#34;", "&#39;", "&apos;"]
        .iter()
        .filter_map(|e| text.find(e).map(|at| (at, *e)))
        .min()?;
    let pos = pos_of(text, at);
    Some(ParseError::new(
        pos.line,
        pos.col,
        format!(
            "the text looks HTML-escaped (`{entity}` here), as copied from a web page's source or a web console: \
             paste the plain text (from a terminal or the console's text view), or replace &quot; &lt; &gt; &amp; \
             by \" < > & first"
        ),
    ))
}

/// 1-based line and character column of byte offset `at` (on a character boundary).
fn pos_of(text: &str, at: usize) -> crate::input::Pos {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    crate::input::Pos {
        line: u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX),
        col: u32::try_from(before[line_start..].chars().count() + 1).unwrap_or(u32::MAX),
    }
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
