//! Input parsers. Each returns data plus warnings, or a [`ParseError`] with line and column.
//!
//! [`parse`] detects the format and dispatches; each submodule owns one format and exposes
//! `pub fn parse(text: &str) -> Result<(Vec<Document>, Vec<Warning>), ParseError>`.

pub mod bundle;
pub mod cpuid_dump;
pub mod cpuid_reg_masks;
pub mod cpuinfo;
pub mod evc9;
pub mod evcstate;
pub mod govc_json;
pub mod govc_xml;
pub mod masklines;
pub mod rvtools;
pub mod transcript;
pub mod vmodl;
pub mod vmotion_error;

use crate::input::{Document, Format, HostInput, ParseError, Parsed, Pos, Warning};

/// `str::trim` and friends, fast on ASCII: they strip ASCII blanks byte by byte and fall back to
/// the Unicode-aware std functions only where a non-ASCII character (or a vertical tab, which
/// `trim_ascii` keeps) borders the text. Same results as std; line scanners call them on every
/// line of a paste.
pub(crate) trait FastTrim {
    fn trim_fast(&self) -> &str;
    fn trim_start_fast(&self) -> &str;
    fn trim_end_fast(&self) -> &str;
}

fn unusual_edge(b: Option<&u8>) -> bool {
    b.is_some_and(|&b| b >= 0x80 || b == 0x0b)
}

impl FastTrim for str {
    #[inline]
    fn trim_fast(&self) -> &str {
        self.trim_start_fast().trim_end_fast()
    }

    #[inline]
    fn trim_start_fast(&self) -> &str {
        let t = self.trim_ascii_start();
        if unusual_edge(t.as_bytes().first()) {
            t.trim_start()
        } else {
            t
        }
    }

    #[inline]
    fn trim_end_fast(&self) -> &str {
        let t = self.trim_ascii_end();
        if unusual_edge(t.as_bytes().last()) {
            t.trim_end()
        } else {
            t
        }
    }
}

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
    if let Some(at) = text.find('\0') {
        let pos = pos_of(text, at);
        return Err(ParseError::new(
            pos.line,
            pos.col,
            format!(
                "binary data: a NUL byte at line {}, column {} — this is not a text dump (an archive, an image, a \
                 .vmdk?); give the text output of `vim-cmd`, govc or a CPUID tool",
                pos.line, pos.col
            ),
        ));
    }
    let result = match transcript::split(text) {
        None => parse_one(text, 1),
        Some(pieces) => parse_pieces(text, pieces),
    };
    let mut parsed = result.map_err(|e| odd_character_error(text, e))?;
    // Both checks below look for non-ASCII characters: skipped in one fast pass for ASCII text.
    if text.is_ascii() {
        return Ok(parsed);
    }
    if let Some((at, c)) = text
        .char_indices()
        .find(|(_, c)| ODD_CHARACTERS.iter().any(|(o, _, _)| o == c))
        && let Some((_, name, fix)) = ODD_CHARACTERS.iter().find(|(o, _, _)| *o == c)
    {
        let pos = pos_of(text, at);
        parsed.warnings.insert(
            0,
            Warning {
                pos,
                message: format!(
                    "U+{:04X} {name} at line {}, column {}: text copied through a word processor, mail or chat; \
                     replace it by {fix} — a key or value containing it is not what ESXi printed",
                    c as u32, pos.line, pos.col
                ),
            },
        );
    }
    if let Some(at) = text.find('\u{fffd}') {
        let pos = pos_of(text, at);
        parsed.warnings.insert(
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
    Ok(parsed)
}

fn unrecognised(text: &str, first_line: u32) -> ParseError {
    html_escaped_error(text).map(|e| shifted(e, first_line)).unwrap_or_else(|| {
        let (line, col) = first_content_pos(text);
        ParseError::new(
            line + first_line - 1,
            col,
            "unrecognised input: expected `vim-cmd hostsvc/hostconfig` or `vim-cmd vmsvc/get.runtime` output \
             (VMODL text such as `(vim.host.ConfigInfo) {`), `featMask.*` lines from /etc/vmware/config or a .vmx, \
             govc object.save XML, govc/govmomi JSON, a raw CPUID dump (InstLatX64, `cpuid -r`, libvirt, libcpuid), \
             /proc/cpuinfo, an RVTools vInfo/vHost tab (CSV), a vCenter vMotion error text, vSphere 9 evc_mode JSON \
             or legacy `cpuid.N.reg` mask lines",
        )
    })
}

fn shifted(mut e: ParseError, first_line: u32) -> ParseError {
    e.pos.line = e.pos.line.saturating_add(first_line - 1);
    e
}

/// Parses one input (or one host's piece of a transcript, starting at line `first_line`).
fn parse_one(text: &str, first_line: u32) -> Result<Parsed, ParseError> {
    let first_line = first_line.max(1);
    if bundle::looks_like(text) {
        return bundle::parse(text)
            .map(|(documents, warnings)| Parsed {
                documents,
                warnings,
                format: Format::Bundle,
            })
            .map_err(|e| shifted(e, first_line));
    }
    if evcstate::looks_like(text) {
        return evcstate::parse(text)
            .map(|(documents, warnings)| Parsed {
                documents,
                warnings,
                format: Format::GovcJson,
            })
            .map_err(|e| shifted(e, first_line));
    }
    let format = detect(text).ok_or_else(|| unrecognised(text, first_line))?;
    let result = match format {
        Format::VmodlText => vmodl::parse_at(text, first_line),
        Format::MaskLines => masklines::parse(text),
        Format::GovcXml => govc_xml::parse(text),
        Format::GovcJson | Format::SupportedEvcModeJson => govc_json::parse(text),
        Format::Bundle => bundle::parse(text),
        Format::CpuidDump => cpuid_dump::parse(text),
        Format::ProcCpuinfo => cpuinfo::parse(text),
        Format::RvtoolsCsv => rvtools::parse(text),
        Format::VmotionError => vmotion_error::parse(text),
        Format::Evc9Json => evc9::parse(text),
        Format::LegacyCpuidMasks => cpuid_reg_masks::parse(text),
    };
    // In XML, `&lt;` and `&quot;` are the normal escapes: no HTML hint there.
    let (mut documents, mut warnings) = result.map_err(|e| {
        let e = if format == Format::VmodlText {
            e
        } else {
            shifted(e, first_line)
        };
        if format == Format::GovcXml {
            e
        } else {
            html_escaped_error(text)
                .map(|h| shifted(h, first_line))
                .unwrap_or(e)
        }
    })?;
    if format != Format::VmodlText && first_line > 1 {
        let map = transcript::LineMap::From(first_line);
        remap(&mut documents, &mut warnings, &map);
    }
    Ok(Parsed {
        format,
        documents,
        warnings,
    })
}

/// A `grep -i` on `vim-cmd hostsvc/hostconfig` that printed nothing on a host whose version
/// (printed by the same host in the same transcript) is of a release that lists only the
/// features a host has ([`crate::esxi::listing_style`]): the keys it looked for are not offered
/// there, raw and masked 0 (issue 20 item 9). `None` otherwise: the features stay unknown.
fn empty_grep_host(
    piece: &transcript::Piece<'_>,
    command: &str,
    header: Pos,
) -> Option<(HostInput, Warning)> {
    let (version, version_line) = piece.release.as_ref()?;
    let release = crate::esxi::Release::parse(version)?;
    let (style, evidence) = crate::esxi::listing_style(release)?;
    if style != crate::esxi::ListingStyle::PresentOnly {
        return None;
    }
    let keys = transcript::grep_keys(command)?;
    let zero = |key: &String| crate::input::Entry {
        key: key.clone(),
        value: 0,
        pos: header,
    };
    let host = HostInput {
        name: piece.name.clone(),
        product: Some(version.clone()),
        pos: header,
        fragment: true,
        capabilities: keys.iter().map(zero).collect(),
        masked_capabilities: keys.iter().map(zero).collect(),
        not_listed: keys.clone(),
        ..HostInput::default()
    };
    let who = piece.name.as_deref().unwrap_or("this host");
    let message = crate::words::empty_grep_note(
        command,
        who,
        &release.name(),
        *version_line,
        &keys,
        evidence,
    );
    Some((
        host,
        Warning {
            pos: header,
            message,
        },
    ))
}

/// Parses each host's piece of a transcript on its own and names what it found after the
/// prompt or header.
fn parse_pieces(text: &str, pieces: Vec<transcript::Piece<'_>>) -> Result<Parsed, ParseError> {
    let mut format = None;
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    let mut skipped: Vec<(ParseError, Option<String>)> = Vec::new();
    // (name, text) of the pieces read: the same dump pasted twice (`cat a.txt a.txt`), or one
    // host's output pasted twice, is one host, merged with a warning (issue 20, item 12).
    let mut seen: Vec<(Option<String>, String, u32)> = Vec::new();
    // Where each piece's successor starts: an error at the end of a piece that is not the last
    // one is a host's output cut short by the next host's prompt or header.
    let next_starts: Vec<Option<u32>> = (0..pieces.len())
        .map(|i| pieces.get(i + 1).map(|p| p.header_line.max(1)))
        .collect();
    for (piece, next_start) in pieces.into_iter().zip(next_starts) {
        let header = Pos {
            line: piece.header_line,
            col: 1,
        };
        if let Some(command) = &piece.silent_command
            && let Some((host, warning)) = empty_grep_host(&piece, command, header)
        {
            documents.push(Document::Host(host));
            warnings.push(warning);
            format.get_or_insert(Format::VmodlText);
            continue;
        }
        if let Some(command) = &piece.silent_command {
            documents.push(Document::Host(HostInput {
                name: piece.name.clone(),
                pos: header,
                fragment: true,
                ..HostInput::default()
            }));
            let who = piece.name.as_deref().unwrap_or("this host");
            let lower = command.to_ascii_lowercase();
            let hint = if lower.contains("grep") && !lower.contains(" -i") && !lower.contains("-ia")
            {
                " ESXi 7 and 8 print lower-case keys (`cpuid.mdclear`), so a case-sensitive `grep MDCLEAR` prints \
                 nothing there: run `vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear` instead."
            } else {
                " Paste the command's output (or the whole `vim-cmd hostsvc/hostconfig`)."
            };
            warnings.push(Warning {
                pos: header,
                message: format!(
                    "`{command}` printed nothing on {who}: its features are unknown.{hint}"
                ),
            });
            format.get_or_insert(Format::VmodlText);
            continue;
        }
        if piece.empty_block {
            // `== esxi03` with nothing under it (a loop whose ssh printed nothing): the host is
            // named, its features are unknown; said with the header's line (issue 20, item 12).
            let who = piece.name.as_deref().unwrap_or("this host");
            documents.push(Document::Host(HostInput {
                name: piece.name.clone(),
                pos: header,
                fragment: true,
                ..HostInput::default()
            }));
            warnings.push(Warning {
                pos: header,
                message: format!(
                    "the block of {who} (header at line {}) has no output: {who}'s features are unknown. Paste \
                     the command's output for {who}, or remove its header",
                    piece.header_line
                ),
            });
            continue;
        }
        let body = piece.text.trim();
        // Only pieces that are the same host for sure: the same name, or dumps split at their own
        // start (no prompt or header). Unnamed prompts with identical output are different hosts
        // (esxi02–04's `grep` fragments all read `value = "0"`).
        if !body.is_empty() && (piece.name.is_some() || piece.header_line == 0) {
            let first = piece.lines.first();
            if let Some((_, _, at)) = seen
                .iter()
                .find(|(n, t, _)| *n == piece.name && t.as_str() == body)
            {
                let who = piece
                    .name
                    .as_deref()
                    .map(|n| format!(" of {n}"))
                    .unwrap_or_default();
                warnings.push(Warning {
                    pos: Pos { line: first, col: 1 },
                    message: format!(
                        "the output{who} at line {first} is identical to the one at line {at}: the same dump pasted \
                         twice is read once (merged, not a second host)"
                    ),
                });
                continue;
            }
            seen.push((piece.name.clone(), body.to_string(), first));
        }
        let contiguous = match &piece.lines {
            transcript::LineMap::From(first) => Some(*first),
            transcript::LineMap::Table(_) => None,
        };
        // A raw CPUID dump followed by the next host's prompt or header ends where that host
        // starts: its last register line is read as the end of the text, so a register value the
        // cut left short (`edx=0x9c0`) is an error with its line, as at the end of a file (the
        // CPUID parsers' `cut_short`), not a silently wrong value (issue 20, item 12).
        let text: &str = if next_start.is_some() && detect(&piece.text) == Some(Format::CpuidDump) {
            piece.text.trim_end()
        } else {
            &piece.text
        };
        let result = match contiguous {
            Some(first) => parse_one(text, first),
            None => parse_one(&piece.text, 1).map(|mut p| {
                remap(&mut p.documents, &mut p.warnings, &piece.lines);
                p
            }),
        };
        let mut parsed = match result {
            Ok(p) => p,
            Err(mut e) => {
                if contiguous.is_none() {
                    e.pos.line = piece.lines.map(e.pos.line);
                }
                if detect(&piece.text).is_none() {
                    // Output of some other command in the transcript (`ls`, `esxcli …`).
                    skipped.push((e, piece.name.clone()));
                    continue;
                }
                // A transcript cut inside one host's entry (issue 20, item 12): the parser saw
                // the end of this host's output; say that the next host starts there.
                if let Some(next) = next_start
                    && e.message.contains("end of input")
                {
                    e.message = format!(
                        "{} — the output of {} ends at line {next}, where the next host's prompt or header starts: \
                         was it cut short?",
                        e.message,
                        piece.name.as_deref().unwrap_or("this host")
                    );
                }
                return Err(e);
            }
        };
        format.get_or_insert(parsed.format);
        if let Some(name) = &piece.name {
            for doc in &mut parsed.documents {
                match doc {
                    Document::Host(h) if h.name.is_none() => h.name = Some(name.clone()),
                    // A standalone host calls itself `ha-host`: the prompt says which host that is.
                    Document::Vm(v)
                        if v.host
                            .as_deref()
                            .is_none_or(|h| h.is_empty() || h == "ha-host") =>
                    {
                        v.host = Some(name.clone());
                    }
                    _ => {}
                }
            }
        }
        documents.append(&mut parsed.documents);
        warnings.append(&mut parsed.warnings);
    }
    let Some(format) = format else {
        return Err(skipped
            .into_iter()
            .next()
            .map(|(e, _)| e)
            .unwrap_or_else(|| unrecognised(text, 1)));
    };
    for (e, name) in skipped {
        warnings.push(Warning {
            pos: e.pos,
            message: format!(
                "the output at line {}{} is not an input evcalc reads; skipped",
                e.pos.line,
                name.map(|n| format!(" (from {n})")).unwrap_or_default()
            ),
        });
    }
    Ok(Parsed {
        format,
        documents,
        warnings,
    })
}

/// Moves every position of a piece's documents and warnings to the whole text's lines.
fn remap(documents: &mut [Document], warnings: &mut [Warning], map: &transcript::LineMap) {
    let fix = |pos: &mut Pos| {
        if pos.line > 0 {
            pos.line = map.map(pos.line);
        }
    };
    for w in warnings.iter_mut() {
        fix(&mut w.pos);
    }
    for doc in documents.iter_mut() {
        match doc {
            Document::Host(h) => {
                fix(&mut h.pos);
                h.capabilities.iter_mut().for_each(|e| fix(&mut e.pos));
                h.masked_capabilities
                    .iter_mut()
                    .for_each(|e| fix(&mut e.pos));
                h.evc_masks.iter_mut().for_each(|e| fix(&mut e.pos));
            }
            Document::Vm(v) => {
                fix(&mut v.pos);
                v.requirements.iter_mut().for_each(|e| fix(&mut e.pos));
                v.offline_requirements
                    .iter_mut()
                    .for_each(|e| fix(&mut e.pos));
                v.masks.iter_mut().for_each(|e| fix(&mut e.pos));
            }
            Document::Masks(m) => {
                m.evc_masks.iter_mut().for_each(|e| fix(&mut e.pos));
                m.vm_masks.iter_mut().for_each(|e| fix(&mut e.pos));
            }
            Document::EvcState(_) | Document::Fleet(_) | Document::Inventory(_) => {}
            Document::VmotionError(e) => {
                e.features.iter_mut().for_each(|f| fix(&mut f.pos));
                e.registers.iter_mut().for_each(|r| fix(&mut r.pos));
            }
            Document::EvcModes(list) => {
                for mode in list {
                    mode.feature_capability
                        .iter_mut()
                        .for_each(|e| fix(&mut e.pos));
                    mode.feature_mask.iter_mut().for_each(|e| fix(&mut e.pos));
                    mode.feature_requirement
                        .iter_mut()
                        .for_each(|e| fix(&mut e.pos));
                }
            }
        }
    }
}

/// Characters that word processors, mail and chat put into pasted text, which then fails to
/// parse for a reason the parser cannot see: (code point, name, what to type instead).
const ODD_CHARACTERS: &[(char, &str, &str)] = &[
    ('\u{201c}', "LEFT DOUBLE QUOTATION MARK", "a plain \""),
    ('\u{201d}', "RIGHT DOUBLE QUOTATION MARK", "a plain \""),
    ('\u{201e}', "DOUBLE LOW-9 QUOTATION MARK", "a plain \""),
    ('\u{2018}', "LEFT SINGLE QUOTATION MARK", "a plain '"),
    ('\u{2019}', "RIGHT SINGLE QUOTATION MARK", "a plain '"),
    ('\u{00a0}', "NO-BREAK SPACE", "a plain space"),
    ('\u{2007}', "FIGURE SPACE", "a plain space"),
    ('\u{202f}', "NARROW NO-BREAK SPACE", "a plain space"),
    ('\u{200b}', "ZERO WIDTH SPACE", "nothing (delete it)"),
    ('\u{2013}', "EN DASH", "a plain -"),
    ('\u{2014}', "EM DASH", "a plain -"),
    ('\u{ff1d}', "FULLWIDTH EQUALS SIGN", "a plain ="),
];

/// When a text fails to parse and holds a character from [`ODD_CHARACTERS`] on or before the
/// line of the error, the error names that character, its line and column, and the fix; the
/// parser's own message follows.
fn odd_character_error(text: &str, e: ParseError) -> ParseError {
    let end = text
        .match_indices('\n')
        .nth(e.pos.line.max(1) as usize - 1)
        .map_or(text.len(), |(i, _)| i);
    let Some((at, c)) = text[..end]
        .char_indices()
        .find(|(_, c)| ODD_CHARACTERS.iter().any(|(o, _, _)| o == c))
    else {
        return e;
    };
    let Some((_, name, fix)) = ODD_CHARACTERS.iter().find(|(o, _, _)| *o == c) else {
        return e;
    };
    let pos = pos_of(text, at);
    let what = if c == '\u{00a0}' || c == '\u{200b}' || c == '\u{2007}' || c == '\u{202f}' {
        "an invisible character".to_string()
    } else {
        format!("`{c}`")
    };
    ParseError::new(
        pos.line,
        pos.col,
        format!(
            "U+{:04X} {name} ({what}) at line {}, column {}: text copied through a word processor, mail or chat; \
             replace it by {fix} (then: line {}, column {}: {})",
            c as u32, pos.line, pos.col, e.pos.line, e.pos.col, e.message
        ),
    )
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
    // Texts no other format reads: an RVTools tab's CSV header line, a vCenter error's words
    // (before the CPUID dump check: a vmware.log holds `hostCPUID level` lines), vSphere 9 JSON.
    if rvtools::looks_like(trimmed) {
        return Some(Format::RvtoolsCsv);
    }
    if !trimmed.starts_with(['{', '[', '<']) && vmotion_error::looks_like(trimmed) {
        return Some(Format::VmotionError);
    }
    if evc9::looks_like(trimmed) {
        return Some(Format::Evc9Json);
    }
    // Raw CPUID dumps: libvirt `<cpudata>` XML, InstLatX64/AIDA, `cpuid -r`, libcpuid, and
    // `vim.host.CpuIdInfo` bit strings without any host feature capabilities.
    if trimmed.starts_with('<') && trimmed.contains("<cpuid") && trimmed.contains("eax_in") {
        return Some(Format::CpuidDump);
    }
    if bundle::looks_like(trimmed) {
        return Some(Format::Bundle);
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
    if cpuid_reg_masks::looks_like(trimmed) {
        return Some(Format::LegacyCpuidMasks);
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

#[cfg(test)]
mod tests {
    use super::FastTrim;
    use proptest::prelude::*;

    #[test]
    fn fast_trims_are_std_trims_on_edge_cases() {
        for s in [
            "",
            " ",
            "\t x \r",
            "\u{a0}x\u{a0}",
            " \u{2003} x \u{3000} ",
            "\u{b}x\u{b}",
            "\u{c} x",
            "é",
            " é ",
            "x\u{85}",
            "\u{85}",
        ] {
            assert_eq!(s.trim_fast(), s.trim(), "{s:?}");
            assert_eq!(s.trim_start_fast(), s.trim_start(), "{s:?}");
            assert_eq!(s.trim_end_fast(), s.trim_end(), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn fast_trims_are_std_trims(s in "[ \t\r\n\u{b}\u{c}\u{a0}\u{85}\u{2003}\u{3000}xé]{0,12}") {
            prop_assert_eq!(s.trim_fast(), s.trim());
            prop_assert_eq!(s.trim_start_fast(), s.trim_start());
            prop_assert_eq!(s.trim_end_fast(), s.trim_end());
        }
    }
}
