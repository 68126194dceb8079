//! One paste, many hosts: splits a terminal transcript into the output of each host.
//!
//! Admins paste what their terminal shows: `vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR`
//! run on each host, one after another, with the prompt line before each output; an ssh loop's
//! `== esxi01` headers; ansible's `esxi01 | CHANGED | rc=0 >>`; pdsh/clush `esxi01: ` line
//! prefixes; several raw CPUID dumps pasted together. [`split`] finds those boundaries and
//! returns one [`Piece`] per host, each handed to the format's parser on its own.
//!
//! Boundaries, structural ones first:
//!
//! * **pdsh / clush line prefixes** (`esxi01: key = …` on (nearly) every line): lines are
//!   grouped by host, the prefix removed; interleaved output is put back together per host.
//! * **prompt lines** running a command: `[root@esxi01:~] vim-cmd …`, `root@esxi01:~# …`,
//!   `esxi01 # vim-cmd …`, `~ # vim-cmd …`. The prompt names the host; a jump host's prompt
//!   running `ssh [user@]esxi01 …` names the ssh target instead. Prompts without a host name
//!   are only taken before a known command (`vim-cmd`, `grep`, `cat`, …), so that `# comment`
//!   lines of a pasted `/etc/vmware/config` are never mistaken for one.
//! * **headers**: `== esxi01`, `=== esxi01 ===`, `--- esxi01 ---`, `==> esxi01 <==` (`tail`),
//!   ansible's `esxi01 | CHANGED | rc=0 >>`, dshbak's name between two dash lines. grep's own
//!   `--` line (between the `featureCapability` and `maskedFeatureCapability` blocks) carries
//!   no name and is never a header.
//! * **raw CPUID dumps**: the start of a dump (AIDA64's `------[ Versions ]------`, logical CPU
//!   #0's header, `cpuid -r`'s `CPU:`/`CPU 0:`, libcpuid's `basic_cpuid[0]=`, a bare dump's
//!   leaf 0) after CPUID registers were already seen.
//!
//! Concatenated VMODL dumps (a new `(vim.host.ConfigInfo) {` root) need no splitting here: the
//! VMODL parser returns one document per root.
//!
//! A prompt whose command mentions `hostconfig` or `grep` but printed nothing gives an empty
//! piece ([`Piece::silent_command`]): the host exists, its features are unknown. So does a
//! header naming a host with no output under it ([`Piece::empty_block`]: `== esxi03` followed
//! by `== esxi04`), which is reported with its line, never dropped.
//!
//! Raw CPUID dumps pasted one after another (`cat a.txt b.txt`) are split into one piece per
//! dump: at a dump's start line after registers, and at a leaf-0 register line that follows
//! registers with no CPU header between (a later logical CPU of the same dump has its header
//! first), whether or not the first dump had headers.
//!
//! Everything is one pass over the lines (plus one for the pdsh check): linear in the input.

use super::FastTrim;
use std::borrow::Cow;

/// The output of one host in a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The host, as the prompt or header names it.
    pub name: Option<String>,
    /// The host's output, without the prompt or header line.
    pub text: Cow<'a, str>,
    /// Where `text`'s lines are in the whole input.
    pub lines: LineMap,
    /// The prompt or header line that introduced the piece (1-based; 0 = none).
    pub header_line: u32,
    /// The command of a prompt that printed nothing (`vim-cmd hostsvc/hostconfig | grep MDCLEAR`
    /// on ESXi 7/8, whose keys are lower-case).
    pub silent_command: Option<String>,
    /// A header naming a host with no output under it (`== esxi03` followed by the next header):
    /// reported, never dropped silently.
    pub empty_block: bool,
    /// The ESXi version the same host printed in the same transcript (`vmware -v`, `vmware -vl`
    /// or `esxcli system version get` after that host's prompt), e.g. "VMware ESXi 8.0.1
    /// build-21495797", with the line it was read from. It tells which release's listing style
    /// a silent `grep` ran on (issue 20 item 9).
    pub release: Option<(String, u32)>,
}

/// Line numbers of a piece in the whole input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineMap {
    /// Line 1 of the piece is line `first` of the input, and so on.
    From(u32),
    /// Line `n` of the piece is input line `table[n - 1]` (pdsh prefixes: non-contiguous).
    Table(Vec<u32>),
}

impl LineMap {
    /// The input line of the piece's line `line` (1-based).
    pub fn map(&self, line: u32) -> u32 {
        match self {
            LineMap::From(first) => line.saturating_add(first.saturating_sub(1)),
            LineMap::Table(table) => {
                match line.checked_sub(1).and_then(|i| table.get(i as usize)) {
                    Some(l) => *l,
                    None => table.last().copied().unwrap_or(line),
                }
            }
        }
    }

    /// The line number the piece starts at.
    pub fn first(&self) -> u32 {
        self.map(1)
    }
}

/// Commands whose prompt is taken even without a host name in it.
const COMMANDS: &[&str] = &[
    "vim-cmd",
    "esxcli",
    "localcli",
    "esxcfg-info",
    "vsish",
    "grep",
    "egrep",
    "cat",
    "head",
    "tail",
    "less",
    "more",
    "govc",
    "cpuid",
    "x86info",
    "ssh",
    "sudo",
    "for",
    "ansible",
    "pdsh",
    "clush",
    "echo",
];

/// Splits `text` at host boundaries. `None` when the text has none (parse it as one input).
pub fn split(text: &str) -> Option<Vec<Piece<'_>>> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start_fast();
    // JSON and XML are structured: never split by line heuristics.
    if trimmed.starts_with('<')
        || trimmed.starts_with('{')
        || (trimmed.starts_with('[') && prompt(first_line(trimmed)).is_none())
    {
        return None;
    }
    if let Some(pieces) = split_prefixed(text) {
        return Some(pieces);
    }
    split_sections(text)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

// ------------------------------------------------------------------------------------------
// Lines

/// Lines with their byte range (including the line break) and 1-based number. The same lines
/// as `split_inclusive('\n')` with the `\n` and then one `\r` removed (tested below); line
/// breaks are found with `memchr`, which pastes of many megabytes are worth.
fn lines(text: &str) -> impl Iterator<Item = (u32, usize, &str)> {
    let mut at = 0usize;
    let mut number = 0u32;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let start = at;
        let rest = &text.as_bytes()[start..];
        let (end, next) = match memchr::memchr(b'\n', rest) {
            Some(k) => (start + k, start + k + 1),
            None => (text.len(), text.len()),
        };
        at = next;
        number = number.saturating_add(1);
        // `end` is at a `\n` or the end of the text: both are char boundaries.
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some((number, start, &text[start..end]))
    })
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'))
        && s.bytes().any(|c| c.is_ascii_alphanumeric())
        && !s.starts_with(['-', '.'])
}

// ------------------------------------------------------------------------------------------
// pdsh / clush: `esxi01: line`

/// `esxi01: rest` → (`esxi01`, `rest`).
fn prefixed(line: &str) -> Option<(&str, &str)> {
    // A host name starts with a letter, digit or `_` (indented output lines never do).
    if !line
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return None;
    }
    let colon = line.find(':')?;
    let (name, rest) = (&line[..colon], &line[colon + 1..]);
    if !is_name(name) || name.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // pdsh prints `host: text`: one space (or nothing, for an empty output line).
    let rest = if rest.is_empty() {
        rest
    } else {
        rest.strip_prefix(' ')?
    };
    Some((name, rest))
}

fn split_prefixed(text: &str) -> Option<Vec<Piece<'_>>> {
    let mut content = 0usize;
    let mut hits = 0usize;
    for (_, _, line) in lines(text) {
        if line.trim_fast().is_empty() {
            continue;
        }
        content += 1;
        if prefixed(line).is_some_and(|(_, rest)| !rest.trim_fast().is_empty()) {
            hits += 1;
        }
    }
    // (Nearly) every line: the command line itself may stand above the output unprefixed.
    if hits < 2 || hits * 10 < content * 9 {
        return None;
    }
    let mut order: Vec<String> = Vec::new();
    let mut groups: std::collections::HashMap<String, (String, Vec<u32>)> =
        std::collections::HashMap::new();
    for (number, _, line) in lines(text) {
        let Some((name, rest)) = prefixed(line) else {
            continue;
        };
        let group = groups.entry(name.to_string()).or_insert_with(|| {
            order.push(name.to_string());
            (String::new(), Vec::new())
        });
        group.0.push_str(rest);
        group.0.push('\n');
        group.1.push(number);
    }
    Some(
        order
            .into_iter()
            .filter_map(|name| {
                let (body, table) = groups.remove(&name)?;
                let header_line = table.first().copied().unwrap_or(0);
                Some(Piece {
                    name: Some(name),
                    text: Cow::Owned(body),
                    lines: LineMap::Table(table),
                    header_line,
                    silent_command: None,
                    empty_block: false,
                    release: None,
                })
            })
            .collect(),
    )
}

// ------------------------------------------------------------------------------------------
// Prompts and headers

/// A shell prompt line: the host it names (if any) and the command typed after it.
#[derive(Debug, PartialEq, Eq)]
struct Prompt<'a> {
    host: Option<&'a str>,
    command: &'a str,
}

fn prompt(line: &str) -> Option<Prompt<'_>> {
    let t = line.trim_start_fast();
    // Every prompt starts with `[` or holds `@`, `#`, `$`, `>` or `%`: most output lines are
    // rejected in one pass over their bytes.
    if !t.starts_with('[')
        && !t
            .bytes()
            .any(|b| matches!(b, b'@' | b'#' | b'$' | b'>' | b'%'))
    {
        return None;
    }
    // `[root@esxi01:~] cmd`, `[admin@jump ~]$ cmd`
    if let Some(inner) = t.strip_prefix('[')
        && let Some(close) = inner.find(']')
    {
        let (user_host, after) = (&inner[..close], &inner[close + 1..]);
        if let Some(host) = user_at_host(user_host) {
            let after = after.trim_start_fast();
            let after = after.strip_prefix(['#', '$', '>', '%']).unwrap_or(after);
            return Some(Prompt {
                host: Some(host),
                command: after.trim_fast(),
            });
        }
        return None;
    }
    // `root@esxi01:~# cmd`, `root@esxi01:~ # cmd`, `admin@jump$ cmd`
    if let Some(at) = t.find('@')
        && t[..at]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
        && at > 0
    {
        let end = t.find(['#', '$', '>', '%'])?;
        if end < at {
            return None;
        }
        let head = &t[..end];
        if let Some(host) = user_at_host(head.trim_end_fast()) {
            return Some(Prompt {
                host: Some(host),
                command: t[end + 1..].trim_fast(),
            });
        }
        return None;
    }
    // `esxi01 # cmd`, `esxi01:~ # cmd`, `~ # cmd`, `# cmd`, `$ cmd`: only before a known command.
    let end = t.find(['#', '$', '>'])?;
    let head = t[..end].trim_fast();
    let command = t[end + 1..].trim_fast();
    if !known_command(command) {
        return None;
    }
    let host_part = head.split(':').next().unwrap_or_default().trim_fast();
    let pathlike = head.is_empty() || head.starts_with('~') || head.starts_with('/');
    let host = if pathlike || head.starts_with("PS ") || head.contains('\\') {
        None
    } else if is_name(host_part) && !head.contains(' ') {
        Some(host_part)
    } else {
        return None;
    };
    Some(Prompt { host, command })
}

/// `root@esxi01:~`, `root@esxi01 ~`, `root@esxi01` → `esxi01`.
fn user_at_host(s: &str) -> Option<&str> {
    let (user, rest) = s.split_once('@')?;
    if user.is_empty()
        || !user
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
    {
        return None;
    }
    let end = rest.find([':', ' ', '\t']).unwrap_or(rest.len());
    let host = &rest[..end];
    is_name(host).then_some(host)
}

fn known_command(command: &str) -> bool {
    let word = command.split_whitespace().next().unwrap_or_default();
    let word = word.rsplit('/').next().unwrap_or(word);
    COMMANDS.iter().any(|c| word.eq_ignore_ascii_case(c)) || word.starts_with("Get-")
}

/// The host a command runs on when it is `ssh [options] [user@]host …` (a jump host's prompt).
fn ssh_target(command: &str) -> Option<&str> {
    let mut words = command.split_whitespace();
    let mut first = words.next()?;
    if first == "sudo" {
        first = words.next()?;
    }
    if first != "ssh" {
        return None;
    }
    // Options that take a value.
    const WITH_VALUE: &[&str] = &[
        "-p", "-l", "-i", "-o", "-J", "-F", "-b", "-c", "-D", "-E", "-e", "-L", "-m", "-O", "-Q",
        "-R", "-S", "-W", "-w",
    ];
    while let Some(word) = words.next() {
        if word.starts_with('-') {
            if WITH_VALUE.contains(&word) {
                words.next();
            }
            continue;
        }
        let word = word.trim_matches(['\'', '"']);
        let host = word.rsplit('@').next().unwrap_or(word);
        return is_name(host).then_some(host);
    }
    None
}

/// A section header naming a host: `== esxi01`, `=== esxi01 ===`, `--- esxi01 ---`,
/// `==> esxi01 <==`, `*** esxi01 ***`, ansible's `esxi01 | CHANGED | rc=0 >>`.
fn header(line: &str) -> Option<&str> {
    let t = line.trim_fast();
    // ansible ad-hoc command output.
    if t.ends_with(">>") {
        let mut parts = t.split(" | ");
        let name = parts.next()?.trim_fast();
        let status = parts.next()?.trim_fast();
        if is_name(name) && matches!(status, "CHANGED" | "SUCCESS" | "FAILED" | "UNREACHABLE!") {
            return Some(name);
        }
        return None;
    }
    let lead = t.chars().next()?;
    if !matches!(lead, '=' | '-' | '*') {
        return None;
    }
    let run = t.len() - t.trim_start_matches(lead).len();
    if run < 2 {
        return None;
    }
    let inner = t[run..]
        .trim_start_matches('>')
        .trim_end_matches(lead)
        .trim_end_matches('<')
        .trim_fast();
    // `user@host` in a header names the host.
    let inner = inner.rsplit('@').next().unwrap_or(inner);
    // A file name (`==> esxi01.txt <==`) names its host by its stem.
    let inner = inner
        .strip_suffix(".txt")
        .or_else(|| inner.strip_suffix(".log"))
        .or_else(|| inner.strip_suffix(".out"))
        .unwrap_or(inner);
    is_name(inner).then_some(inner)
}

/// A line of dashes only (dshbak's frame).
fn dash_line(line: &str) -> bool {
    let t = line.trim_fast();
    t.len() >= 4 && t.bytes().all(|c| c == b'-')
}

// ------------------------------------------------------------------------------------------
// Raw CPUID dumps

#[derive(Clone, Copy, PartialEq, Eq)]
enum CpuidLine {
    /// A register line (`CPUID 00000001: …`, `0x00000001 0x00: eax=…`, `basic_cpuid[1]=…`).
    Registers { leaf0: bool },
    /// The start of a dump or of its first logical CPU.
    DumpStart,
    /// The header of a later logical CPU (same machine).
    OtherCpu,
}

fn cpuid_line(line: &str) -> Option<CpuidLine> {
    let t = line.trim_fast();
    if t.starts_with("------[ Versions ]") {
        return Some(CpuidLine::DumpStart);
    }
    if t.contains('#')
        && let Some(at) = t.find("Logical CPU #")
    {
        let digits: String = t[at + 13..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        return Some(if digits == "0" {
            CpuidLine::DumpStart
        } else {
            CpuidLine::OtherCpu
        });
    }
    if let Some(rest) = t.strip_prefix("CPU#")
        && rest.contains("AffMask")
    {
        let digits: &str = rest.split_whitespace().next().unwrap_or_default();
        return Some(if digits.bytes().all(|c| c == b'0') {
            CpuidLine::DumpStart
        } else {
            CpuidLine::OtherCpu
        });
    }
    if let Some(rest) = t.strip_prefix("CPUID Registers (CPU #") {
        return Some(if rest.starts_with("1)") {
            CpuidLine::DumpStart
        } else {
            CpuidLine::OtherCpu
        });
    }
    if t == "CPU:" || t == "CPU 0:" {
        return Some(CpuidLine::DumpStart);
    }
    if let Some(rest) = t.strip_prefix("CPU ")
        && rest
            .strip_suffix(':')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    {
        return Some(CpuidLine::OtherCpu);
    }
    if let Some(rest) = t.strip_prefix("CPUID ") {
        let hex: &str = rest.get(..8)?;
        if hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Some(CpuidLine::Registers {
                leaf0: hex == "00000000",
            });
        }
        return None;
    }
    if let Some(rest) = t.strip_prefix("0x") {
        let hex = rest.get(..8)?;
        if hex.bytes().all(|c| c.is_ascii_hexdigit())
            && rest[8..].trim_start_fast().starts_with("0x")
            && rest.contains("eax=")
        {
            return Some(CpuidLine::Registers {
                leaf0: hex == "00000000" && rest[8..].trim_start_fast().starts_with("0x00:"),
            });
        }
        return None;
    }
    if t.starts_with("basic_cpuid[") || t.starts_with("ext_cpuid[") {
        return Some(CpuidLine::Registers {
            leaf0: t.starts_with("basic_cpuid[0]="),
        });
    }
    None
}

// ------------------------------------------------------------------------------------------
// What a silent grep looked for

/// The catalogue keys a `vim-cmd hostsvc/hostconfig | grep -i … PATTERN` looked for, when the
/// grep ignores case (ESXi 7/8 print lower-case keys), is not inverted and its pattern is one
/// key name or an alternation of key names (`mdclear`, `cpuid.MDCLEAR`, `-E 'ibrs|ibpb'`,
/// `'ibrs\|ibpb'`). An empty output then means no listed line contains any of them. `None` for
/// every other command: what its silence means is not decided here.
pub(crate) fn grep_keys(command: &str) -> Option<Vec<String>> {
    let lower = command.to_ascii_lowercase();
    let at = lower.find("hostsvc/hostconfig")?;
    let rest = &command[at..];
    let pipe = rest.find('|')?;
    let words = shell_words(&rest[pipe + 1..])?;
    let mut words = words.iter().map(String::as_str);
    let program = words.next()?;
    let mut extended = program == "egrep";
    if program != "grep" && program != "egrep" {
        return None;
    }
    let (mut ignore_case, mut pattern) = (false, None::<String>);
    while let Some(w) = words.next() {
        if let Some(long) = w.strip_prefix("--") {
            match long.split('=').next().unwrap_or_default() {
                "ignore-case" => ignore_case = true,
                "extended-regexp" => extended = true,
                "after-context" | "before-context" | "context" if !long.contains('=') => {
                    words.next()?;
                }
                "after-context" | "before-context" | "context" | "line-number" | "color"
                | "colour" => {}
                _ => return None,
            }
        } else if let Some(flags) = w.strip_prefix('-').filter(|f| !f.is_empty()) {
            for (i, c) in flags.char_indices() {
                match c {
                    'i' | 'y' => ignore_case = true,
                    'E' => extended = true,
                    'n' | 'H' | 'h' | 's' => {}
                    'A' | 'B' | 'C' | 'm' => {
                        if flags[i + 1..].is_empty() {
                            words.next()?;
                        }
                        break;
                    }
                    'e' => {
                        let p = if flags[i + 1..].is_empty() {
                            words.next()?.to_string()
                        } else {
                            flags[i + 1..].to_string()
                        };
                        if pattern.replace(p).is_some() {
                            return None;
                        }
                        break;
                    }
                    '0'..='9' => break,
                    _ => return None,
                }
            }
        } else if pattern.is_none() {
            pattern = Some(w.to_string());
        } else {
            return None; // a file name or a second pattern: not the hostconfig output alone
        }
    }
    if !ignore_case {
        return None;
    }
    let pattern = pattern?;
    let alternatives: Vec<&str> = if extended {
        pattern.split('|').collect()
    } else {
        pattern.split("\\|").collect()
    };
    let cat = crate::catalogue::catalogue();
    alternatives
        .into_iter()
        .map(|alt| {
            let alt = alt.trim();
            let name = alt
                .get(..6)
                .filter(|p| p.eq_ignore_ascii_case("cpuid."))
                .map_or(alt, |_| &alt[6..]);
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return None;
            }
            cat.lookup(&format!("cpuid.{name}"))
                .map(|id| cat.def(id).key.clone())
        })
        .collect()
}

/// Splits a shell command's words (single and double quotes, no expansion); `None` when a
/// quote is unbalanced or another pipe, redirection or command follows.
fn shell_words(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '|' | ';' | '>' | '<' | '&' | '`' | '$') => return None,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        out.push(word);
    }
    Some(out)
}

// ------------------------------------------------------------------------------------------
// Version commands

/// The ESXi version a version command printed, as "VMware ESXi 8.0.1 build-21495797":
/// `vmware -v` / `vmware -vl` print it on their first line; `esxcli system version get` prints
/// `Product:`, `Version:` and `Build: Releasebuild-N` lines. `None` for other commands or output.
fn version_output(command: &str, body: &str) -> Option<String> {
    let c = command.trim();
    if c.starts_with("vmware -v") {
        let line = body.lines().map(str::trim).find(|l| !l.is_empty())?;
        return (line.starts_with("VMware ESX") && crate::esxi::Release::parse(line).is_some())
            .then(|| line.to_string());
    }
    if c.starts_with("esxcli system version get") {
        let field = |name: &str| {
            body.lines()
                .filter_map(|l| l.trim().split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
        };
        let product = field("Product")?;
        let version = field("Version")?;
        let build = field("Build")
            .map(|b| b.trim_start_matches("Releasebuild-").to_string())
            .unwrap_or_default();
        let text = if build.is_empty() {
            format!("{product} {version}")
        } else {
            format!("{product} {version} build-{build}")
        };
        return crate::esxi::Release::parse(&text).map(|_| text);
    }
    None
}

// ------------------------------------------------------------------------------------------
// Sections

struct Open {
    name: Option<String>,
    header_line: u32,
    /// Byte offset where the body starts, and its first line number.
    start: usize,
    first: u32,
    /// A prompt's command (for the "printed nothing" case).
    command: Option<String>,
    content: bool,
    registers: bool,
    cpu_headers: bool,
    /// Registers were seen since the last CPU header: a leaf 0 now starts another dump.
    registers_since_header: bool,
    /// Opened by a header (`== esxi01`, dshbak, ansible), not by a prompt.
    header: bool,
}

impl Open {
    fn new(
        name: Option<String>,
        header_line: u32,
        start: usize,
        first: u32,
        command: Option<String>,
    ) -> Open {
        Open {
            name,
            header_line,
            start,
            first,
            command,
            content: false,
            registers: false,
            cpu_headers: false,
            registers_since_header: false,
            header: false,
        }
    }
}

/// The lines of a text with a few lines of look-ahead, without collecting them all (a paste of
/// 128 hosts has a million lines).
struct Window<'a, I: Iterator<Item = (u32, usize, &'a str)>> {
    lines: I,
    ahead: std::collections::VecDeque<(u32, usize, &'a str)>,
}

impl<'a, I: Iterator<Item = (u32, usize, &'a str)>> Window<'a, I> {
    /// The line `k` lines ahead of the current one (0 = the current line).
    fn get(&mut self, k: usize) -> Option<&(u32, usize, &'a str)> {
        while self.ahead.len() <= k {
            let line = self.lines.next()?;
            self.ahead.push_back(line);
        }
        self.ahead.get(k)
    }

    fn advance(&mut self, n: usize) {
        for _ in 0..n {
            if self.ahead.pop_front().is_none() {
                self.lines.next();
            }
        }
    }
}

fn split_sections<'a>(text: &'a str) -> Option<Vec<Piece<'a>>> {
    let mut all = Window {
        lines: lines(text),
        ahead: std::collections::VecDeque::with_capacity(4),
    };
    let mut pieces: Vec<Piece<'a>> = Vec::new();
    let mut boundaries = 0usize;
    let mut open = Open::new(None, 0, 0, 1, None);
    // (host, version, line) of the version commands' output (`vmware -v`): attached to the
    // same host's pieces below, not hosts of their own.
    let mut versions: Vec<(String, String, u32)> = Vec::new();
    let mut close = |open: &Open, end: usize, pieces: &mut Vec<Piece<'a>>| {
        let body = &text[open.start..end];
        if open.content
            && let Some(command) = &open.command
            && let Some(version) = version_output(command, body)
        {
            if let Some(name) = &open.name {
                versions.push((name.clone(), version, open.header_line));
            }
        } else if open.content {
            pieces.push(Piece {
                name: open.name.clone(),
                text: Cow::Borrowed(body),
                lines: LineMap::From(open.first),
                header_line: open.header_line,
                silent_command: None,
                empty_block: false,
                release: None,
            });
        } else if let Some(command) = &open.command {
            let lower = command.to_ascii_lowercase();
            if lower.contains("hostconfig") || lower.contains("grep") {
                pieces.push(Piece {
                    name: open.name.clone(),
                    text: Cow::Borrowed(""),
                    lines: LineMap::From(open.header_line),
                    header_line: open.header_line,
                    silent_command: Some(command.clone()),
                    empty_block: false,
                    release: None,
                });
            }
        } else if open.header && open.name.is_some() {
            // A header (`== esxi03`, dshbak frame, ansible line) with no output before the next
            // boundary: the host is named, its output is missing (issue 20, item 12).
            pieces.push(Piece {
                name: open.name.clone(),
                text: Cow::Borrowed(""),
                lines: LineMap::From(open.header_line),
                header_line: open.header_line,
                silent_command: None,
                empty_block: true,
                release: None,
            });
        }
    };
    while let Some(&(number, start, line)) = all.get(0) {
        // Most lines of a paste are output: no prompt, header, frame or CPUID line can be
        // without one of these characters or first bytes (see `prompt`, `header`,
        // `dash_line`, `cpuid_line`), so they are settled in one pass over their bytes.
        let t = line.trim_fast();
        if !matches!(
            t.as_bytes().first(),
            Some(b'=' | b'-' | b'*' | b'C' | b'0' | b'b' | b'e' | b'[')
        ) && !t
            .bytes()
            .any(|b| matches!(b, b'@' | b'#' | b'$' | b'>' | b'%' | b'['))
        {
            if !t.is_empty() {
                open.content = true;
            }
            all.advance(1);
            continue;
        }
        let next_start = all.get(1).map_or(text.len(), |l| l.1);
        // dshbak: a name framed by two dash lines.
        if dash_line(line)
            && let Some(&(name_number, _, name_line)) = all.get(1)
            && let Some(&(_, _, frame)) = all.get(2)
            && dash_line(frame)
        {
            let name = name_line.trim_fast();
            let name = name.split(" (").next().unwrap_or(name).trim_fast();
            if !name.is_empty() && !name.contains(' ') {
                close(&open, start, &mut pieces);
                boundaries += 1;
                let after = all.get(3).map_or(text.len(), |l| l.1);
                open = Open::new(Some(name.to_string()), name_number, after, number + 3, None);
                open.header = true;
                all.advance(3);
                continue;
            }
        }
        if let Some(p) = prompt(line) {
            close(&open, start, &mut pieces);
            boundaries += 1;
            let host = ssh_target(p.command).or(p.host).map(str::to_string);
            let command = (!p.command.is_empty()).then(|| p.command.to_string());
            // A prompt without a command (the last line of a transcript) keeps the name for
            // any output that follows, but is no host of its own.
            open = Open::new(host, number, next_start, number + 1, command);
            all.advance(1);
            continue;
        }
        if let Some(name) = header(line) {
            // Output of a loop or an ansible run: the command line above is no host of its own.
            open.command = None;
            close(&open, start, &mut pieces);
            boundaries += 1;
            open = Open::new(Some(name.to_string()), number, next_start, number + 1, None);
            open.header = true;
            all.advance(1);
            continue;
        }
        match cpuid_line(line) {
            Some(CpuidLine::DumpStart) if open.registers => {
                close(&open, start, &mut pieces);
                boundaries += 1;
                open = Open::new(None, 0, start, number, None);
                open.content = true;
                open.cpu_headers = true;
            }
            Some(CpuidLine::DumpStart | CpuidLine::OtherCpu) => {
                open.cpu_headers = true;
                open.content = true;
                open.registers_since_header = false;
            }
            Some(CpuidLine::Registers { leaf0 }) => {
                if leaf0 && open.registers && (!open.cpu_headers || open.registers_since_header) {
                    // A leaf 0 after registers with no CPU header between: another dump (a bare
                    // one, or one whose headers were trimmed, after a dump with headers: `cat`
                    // of an InstLatX64 file with `CPU#000` headers and one without). A later
                    // logical CPU of the same dump always has its header first.
                    close(&open, start, &mut pieces);
                    boundaries += 1;
                    open = Open::new(None, 0, start, number, None);
                }
                open.registers = true;
                open.content = true;
                open.registers_since_header = true;
            }
            None => {
                if !line.trim_fast().is_empty() {
                    open.content = true;
                }
            }
        }
        all.advance(1);
    }
    close(&open, text.len(), &mut pieces);
    if boundaries == 0 {
        return None;
    }
    // The version a host printed applies to every piece of that host in this transcript.
    if !versions.is_empty() {
        for piece in &mut pieces {
            if let Some(name) = &piece.name
                && let Some((_, version, line)) = versions
                    .iter()
                    .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            {
                piece.release = Some((version.clone(), *line));
            }
        }
    }
    // A silent prompt (or an empty header block) followed by the same host's output (a second
    // try with `grep -i`) is not a host of its own.
    let mut keep = vec![true; pieces.len()];
    for i in 0..pieces.len().saturating_sub(1) {
        if (pieces[i].silent_command.is_some() || pieces[i].empty_block)
            && let (Some(a), Some(b)) = (&pieces[i].name, &pieces[i + 1].name)
            && a.eq_ignore_ascii_case(b)
        {
            keep[i] = false;
        }
    }
    let mut index = 0;
    pieces.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    // No boundary that separates anything: one piece without a name is the whole text.
    if pieces.len() == 1
        && pieces[0].name.is_none()
        && pieces[0].silent_command.is_none()
        && !pieces[0].empty_block
    {
        return None;
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition `lines` is tested against.
    fn lines_by_std(text: &str) -> Vec<(u32, usize, &str)> {
        let mut at = 0usize;
        text.split_inclusive('\n')
            .enumerate()
            .map(|(i, raw)| {
                let start = at;
                at += raw.len();
                let line = raw.strip_suffix('\n').unwrap_or(raw);
                let line = line.strip_suffix('\r').unwrap_or(line);
                (i as u32 + 1, start, line)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn lines_equal_split_inclusive(text in "(\\PC|\r|\n|\r\n|\n\r){0,40}") {
            prop_assert_eq!(lines(&text).collect::<Vec<_>>(), lines_by_std(&text));
        }
    }

    #[test]
    fn lines_edge_cases() {
        for text in [
            "",
            "\n",
            "\r",
            "\r\n",
            "a",
            "a\n",
            "a\r\n\r\n",
            "\n\nb",
            "é\r\nü\r",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                lines_by_std(text),
                "{text:?}"
            );
        }
    }

    fn names(text: &str) -> Vec<Option<String>> {
        split(text).unwrap().into_iter().map(|p| p.name).collect()
    }

    const BLOCK1: &str = "         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"1\"\n      },\n--\n         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"1\"\n      },\n";

    #[test]
    fn prompts() {
        assert_eq!(
            prompt("[root@esxi01:~] vim-cmd x").unwrap(),
            Prompt {
                host: Some("esxi01"),
                command: "vim-cmd x"
            }
        );
        assert_eq!(
            prompt("[root@esxi04:~] ").unwrap(),
            Prompt {
                host: Some("esxi04"),
                command: ""
            }
        );
        assert_eq!(
            prompt("root@esxi01:~# vim-cmd x").unwrap().host,
            Some("esxi01")
        );
        assert_eq!(
            prompt("root@esxi01:~ # vim-cmd x").unwrap().host,
            Some("esxi01")
        );
        assert_eq!(prompt("esxi01 # vim-cmd x").unwrap().host, Some("esxi01"));
        assert_eq!(
            prompt("~ # vim-cmd x").unwrap(),
            Prompt {
                host: None,
                command: "vim-cmd x"
            }
        );
        assert_eq!(prompt("$ grep -A 2 MDCLEAR").unwrap().host, None);
        assert!(prompt("# esxi01").is_none());
        assert!(prompt("# comment about featMask").is_none());
        assert!(prompt("featMask.evc.cpuid.SSE3 = \"Val:1\"").is_none());
        assert!(prompt("         key = \"cpuid.MDCLEAR\",").is_none());
        assert_eq!(
            ssh_target("ssh -p 22 root@esxi02 vim-cmd x"),
            Some("esxi02")
        );
        assert_eq!(ssh_target("ssh root@$h vim-cmd x"), None);
        assert_eq!(ssh_target("ssh esxi03.lab 'vim-cmd x'"), Some("esxi03.lab"));
    }

    #[test]
    fn headers() {
        assert_eq!(header("== esxi01"), Some("esxi01"));
        assert_eq!(header("=== esxi01 ==="), Some("esxi01"));
        assert_eq!(header("--- esxi01 ---"), Some("esxi01"));
        assert_eq!(header("==> esxi01.txt <=="), Some("esxi01"));
        assert_eq!(header("esxi01 | CHANGED | rc=0 >>"), Some("esxi01"));
        assert_eq!(header("--"), None);
        assert_eq!(header("------[ Versions ]------"), None);
        assert_eq!(header("-----"), None);
    }

    #[test]
    fn repeated_prompts_split() {
        let text = format!(
            "[root@esxi01:~] vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR\n{BLOCK1}[root@esxi02:~] vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR\n{BLOCK1}[root@esxi02:~] "
        );
        assert_eq!(
            names(&text),
            [Some("esxi01".to_string()), Some("esxi02".to_string())]
        );
        let pieces = split(&text).unwrap();
        assert_eq!(pieces[1].lines.first(), 12);
    }

    #[test]
    fn grep_keys_of_commands() {
        let keys = |c: &str| grep_keys(c);
        let md = Some(vec!["cpuid.MDCLEAR".to_string()]);
        assert_eq!(
            keys("vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear"),
            md
        );
        assert_eq!(
            keys("vim-cmd hostsvc/hostconfig | grep -iA 2 cpuid.MDCLEAR"),
            md
        );
        assert_eq!(
            keys("vim-cmd hostsvc/hostconfig | grep -A2 -i 'mdclear'"),
            md
        );
        assert_eq!(
            keys("vim-cmd hostsvc/hostconfig|grep --ignore-case --after-context=2 mdclear"),
            md
        );
        assert_eq!(
            keys("vim-cmd hostsvc/hostconfig | grep -i -A 2 -E 'ibrs|ibpb'"),
            Some(vec!["cpuid.IBRS".to_string(), "cpuid.IBPB".to_string()])
        );
        assert_eq!(
            keys("vim-cmd hostsvc/hostconfig | grep -i 'ibrs\\|stibp'"),
            Some(vec!["cpuid.IBRS".to_string(), "cpuid.STIBP".to_string()])
        );
        // Case-sensitive (ESXi 7/8 keys are lower-case), inverted, regex, unknown key, other
        // input, a further pipe: silence means nothing here.
        assert_eq!(keys("vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR"), None);
        assert_eq!(keys("vim-cmd hostsvc/hostconfig | grep -iv mdclear"), None);
        assert_eq!(keys("vim-cmd hostsvc/hostconfig | grep -i 'md.*'"), None);
        assert_eq!(
            keys("vim-cmd hostsvc/hostconfig | grep -i frobnicate"),
            None
        );
        assert_eq!(keys("grep -i mdclear /etc/vmware/config"), None);
        assert_eq!(
            keys("vim-cmd hostsvc/hostconfig | grep -i mdclear | head"),
            None
        );
    }

    #[test]
    fn version_commands_name_the_release() {
        assert_eq!(
            version_output("vmware -v", "VMware ESXi 8.0.1 build-21495797\n").as_deref(),
            Some("VMware ESXi 8.0.1 build-21495797")
        );
        assert_eq!(
            version_output(
                "esxcli system version get",
                "   Product: VMware ESXi\n   Version: 8.0.1\n   Build: Releasebuild-21495797\n   Update: 1\n   Patch: 15\n"
            )
            .as_deref(),
            Some("VMware ESXi 8.0.1 build-21495797")
        );
        assert_eq!(version_output("vmware -v", "command not found"), None);
        assert_eq!(
            version_output("uname -a", "VMware ESXi 8.0.1 build-1"),
            None
        );
        // The version piece is no host of its own; it names the release of the host's pieces.
        let text = "[root@esxi02:~] vmware -v\nVMware ESXi 8.0.1 build-21495797\n[root@esxi02:~] vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear\n[root@esxi02:~] \n";
        let pieces = split(text).unwrap();
        assert_eq!(pieces.len(), 1, "{pieces:#?}");
        assert!(pieces[0].silent_command.is_some());
        assert_eq!(
            pieces[0].release,
            Some(("VMware ESXi 8.0.1 build-21495797".to_string(), 1))
        );
    }

    #[test]
    fn silent_prompt_is_an_unknown_host() {
        let text = format!(
            "[root@esxi01:~] vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR\n[root@esxi02:~] vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR\n{BLOCK1}"
        );
        let pieces = split(&text).unwrap();
        assert_eq!(pieces.len(), 2);
        assert!(pieces[0].silent_command.is_some());
        assert_eq!(pieces[0].header_line, 1);
    }

    #[test]
    fn pdsh_groups_interleaved_lines() {
        let text = "esxi01: key = \"cpuid.MDCLEAR\",\nesxi02: key = \"cpuid.MDCLEAR\",\nesxi01: value = \"1\"\nesxi02: value = \"0\"\n";
        let pieces = split(text).unwrap();
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1].text, "key = \"cpuid.MDCLEAR\",\nvalue = \"0\"\n");
        assert_eq!(pieces[1].lines.map(2), 4);
    }

    #[test]
    fn config_comments_do_not_split() {
        let text = "# esxi01\nfeatMask.evc.cpuid.SSE3 = \"Val:1\"\n# another comment\nfeatMask.evc.cpuid.MDCLEAR = \"Val:1\"\n";
        assert!(split(text).is_none());
    }

    #[test]
    fn json_and_xml_are_never_split() {
        assert!(split("{\"a\": \"== esxi01\"}").is_none());
        assert!(split("[{\"a\": 1}]\n== esxi01\n").is_none());
        assert!(split("<x>\n== esxi01\n</x>").is_none());
    }
}
