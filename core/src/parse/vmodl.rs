//! VMODL text as printed by `vim-cmd` (`hostsvc/hostconfig`, `hostsvc/hostsummary`,
//! `vmsvc/get.runtime`) and `grep` fragments of it.
//!
//! The grammar (research notes §3.1):
//!
//! ```text
//! value  := '"' chars '"'                      string, backslash escapes
//!         | "'" type ':' id "'"                managed object reference
//!         | '<unset>'
//!         | '(' type ')' ( object | array | 'null' | scalar )
//!         | object | array | bare              ints, bools, enums
//! object := '{' { name '=' value [','] } '}'
//! array  := '[' { value [','] } ']'
//! ```
//!
//! Trailing commas are optional everywhere and indentation carries no meaning. Lines outside
//! any object (`$ vim-cmd …`, `Runtime information`, shell prompts) are skipped; several dumps
//! pasted one after another each give their own document.
//!
//! The parser is byte-level and builds a small borrowed tree (one allocation per object or
//! array, none per character); extractors then turn the tree into [`HostInput`]/[`VmInput`].
//!
//! Text with no `(vim.…)` object but `key = "cpuid.X",` / `featureName = …` / `value = "…"`
//! lines (e.g. `vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR`) is a *fragment*: one host
//! (`fragment = true`) per host block, or a VM when the values are requirements
//! (`Bool:Min:1`). Host blocks are separated by a prompt (`[root@esxi01:~] …`), a `# esxi01`
//! line or an `esxi01:` line.

use std::borrow::Cow;

use super::ParseResult;
use crate::input::{Document, Entry, HostInput, ParseError, Pos, VmInput, Warning};
use crate::value::{Mask, Requirement, ValueError, parse_number};

/// Deepest nesting of objects/arrays accepted (real dumps stay below 15).
const MAX_DEPTH: usize = 64;

const CONFIG_INFO: &str = "vim.host.ConfigInfo";
const HOST_SUMMARY: &str = "vim.host.Summary";
const VM_RUNTIME: &str = "vim.vm.RuntimeInfo";

/// Cheap check used by format detection: a `(vim.` typed value, or `grep -A 2`-style
/// `key = "…"` followed by `featureName = …`/`value = …` lines.
pub(crate) fn looks_like(text: &str) -> bool {
    if text.contains("(vim.") {
        return true;
    }
    let mut saw_key = false;
    for line in text.lines() {
        match split_field(line.trim_start()) {
            Some(("key", rest)) if rest.starts_with('"') => saw_key = true,
            Some(("featureName" | "value", rest)) if saw_key && rest.starts_with('"') => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// Parses every VMODL document (and fragment) in `text`.
pub fn parse(text: &str) -> ParseResult {
    parse_at(text, 1)
}

/// [`parse`] for a piece of a larger text whose first line is line `first_line` there:
/// positions and messages count lines of the larger text.
pub(crate) fn parse_at(text: &str, first_line: u32) -> ParseResult {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser::new(text);
    p.line = first_line.max(1);
    let mut out = Out::default();
    let mut frag = Fragments::default();
    loop {
        p.skip_ws();
        let Some(first) = p.peek() else { break };
        if first == b'(' && p.root_opener_ahead() {
            let node = p.parse_value(0, Ctx::Root)?;
            p.skip_inline_ws();
            if p.peek() == Some(b',') {
                p.i += 1;
            }
            handle_root(node, &mut out, &mut frag)?;
            continue;
        }
        let line_start = p.i;
        let line = p.rest_of_line();
        let field =
            split_field(line).filter(|(name, _)| matches!(*name, "key" | "featureName" | "value"));
        if let Some((name, rest)) = field {
            let name_pos = p.pos();
            p.i = line_start + (line.len() - rest.len());
            if p.at_line_end() {
                return Err(p.error_here(format!("expected a value after `{name} =`")));
            }
            p.multiline_strings = false;
            let node = p.parse_value(1, Ctx::AfterEq(name));
            p.multiline_strings = true;
            let node = node?;
            frag.field(name, name_pos, node)?;
        } else if let Some(header) = host_header(line) {
            let pos = p.pos();
            frag.header(header, pos, &mut out)?;
        }
        p.skip_line();
    }
    frag.flush(&mut out)?;
    if out.docs.is_empty() && out.warnings.is_empty() {
        let (line, col) = first_content(text);
        return Err(ParseError::new(
            line + first_line.max(1) - 1,
            col,
            "expected `vim-cmd` output: a VMODL object such as `(vim.host.ConfigInfo) {` or \
             `(vim.vm.RuntimeInfo) {`, or `key = \"cpuid.…\",` / `value = \"…\"` lines from \
             `grep -A 2`; found neither",
        ));
    }
    Ok((out.docs, out.warnings))
}

// ------------------------------------------------------------------------------------------
// Tree

#[derive(Debug)]
enum Val<'a> {
    Str(Cow<'a, str>),
    /// `'vim.HostSystem:ha-host'` without the quotes.
    MoRef(&'a str),
    /// Ints, bools, enum names: the token as written.
    Bare(&'a str),
    Unset,
    Null,
    Object(Vec<Field<'a>>),
    Array(Vec<Node<'a>>),
}

#[derive(Debug)]
struct Node<'a> {
    /// The `(type)` prefix, if any.
    ty: Option<&'a str>,
    val: Val<'a>,
    pos: Pos,
}

#[derive(Debug)]
struct Field<'a> {
    name: &'a str,
    pos: Pos,
    node: Node<'a>,
}

impl<'a> Node<'a> {
    fn field(&self, name: &str) -> Option<&Field<'a>> {
        match &self.val {
            Val::Object(fields) => fields.iter().find(|f| f.name == name),
            _ => None,
        }
    }

    fn get(&self, name: &str) -> Option<&Node<'a>> {
        self.field(name).map(|f| &f.node)
    }

    fn path(&self, names: &[&str]) -> Option<&Node<'a>> {
        names.iter().try_fold(self, |node, name| node.get(name))
    }

    /// A string or bare token; `<unset>`/null/objects give `None`.
    fn text(&self) -> Option<&str> {
        match &self.val {
            Val::Str(s) => Some(s),
            Val::Bare(s) | Val::MoRef(s) => Some(s),
            _ => None,
        }
    }

    fn string(&self) -> Option<String> {
        self.text().map(str::to_string)
    }

    fn has_type(&self, ty: &str) -> bool {
        self.ty == Some(ty)
    }

    /// The first node (self included, depth first) of type `ty`.
    fn find(&self, ty: &str) -> Option<&Node<'a>> {
        if self.has_type(ty) {
            return Some(self);
        }
        match &self.val {
            Val::Object(fields) => fields.iter().find_map(|f| f.node.find(ty)),
            Val::Array(items) => items.iter().find_map(|n| n.find(ty)),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        let ty = self.ty.map(|t| format!("({t}) ")).unwrap_or_default();
        match &self.val {
            Val::Object(_) => format!("an object `{ty}{{`"),
            Val::Array(_) => format!("an array `{ty}[`"),
            Val::Str(s) => format!("the string \"{s}\""),
            Val::MoRef(s) => format!("the reference '{s}'"),
            Val::Bare(s) => format!("`{s}`"),
            Val::Unset => "`<unset>`".to_string(),
            Val::Null => format!("`{ty}null`"),
        }
    }
}

// ------------------------------------------------------------------------------------------
// Lexer / parser

/// Where a value is being read, for error messages.
#[derive(Clone, Copy)]
enum Ctx<'a> {
    Root,
    AfterEq(&'a str),
    InArray(Pos),
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
    /// Strings inside objects may span lines; a fragment's `key = "…"` line may not.
    multiline_strings: bool,
}

#[inline(always)]
fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

#[inline(always)]
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

#[inline(always)]
fn is_type_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'[' | b']' | b'$' | b'-')
}

#[inline(always)]
fn is_bare(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'.' | b'_' | b'-' | b'+' | b':' | b'/' | b'@' | b'%' | b'#'
        )
        || c >= 0x80
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            b: text.as_bytes(),
            i: 0,
            line: 1,
            line_start: 0,
            multiline_strings: true,
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Position of byte `at`, which must lie on the current line.
    fn pos_of(&self, at: usize) -> Pos {
        let prefix = self.b.get(self.line_start..at).unwrap_or_default();
        let chars = prefix.iter().filter(|&&c| (c & 0xC0) != 0x80).count();
        Pos {
            line: self.line,
            col: chars as u32 + 1,
        }
    }

    #[inline(always)]
    fn pos(&self) -> Pos {
        self.pos_of(self.i)
    }

    #[inline(always)]
    fn newline_at(&mut self, at: usize) {
        self.line = self.line.saturating_add(1);
        self.line_start = at + 1;
    }

    /// Skips spaces, tabs and line breaks.
    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' | 0x0c => self.i += 1,
                b'\n' => {
                    self.newline_at(self.i);
                    self.i += 1;
                }
                _ => break,
            }
        }
    }

    /// Skips spaces and tabs (and a `\r` of a CRLF), never a line break.
    fn skip_inline_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | 0x0c) = self.peek() {
            self.i += 1;
        }
    }

    fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some(b'\n'))
    }

    /// The rest of the current line, without the line break and a trailing `\r`.
    fn rest_of_line(&self) -> &'a str {
        let start = self.i.min(self.b.len());
        let end = self.b[start..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.b.len(), |n| start + n);
        let line = self.text.get(start..end).unwrap_or_default();
        line.strip_suffix('\r').unwrap_or(line)
    }

    /// Moves to the start of the next line.
    fn skip_line(&mut self) {
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == b'\n' {
                self.newline_at(self.i - 1);
                return;
            }
        }
    }

    /// What is at the cursor, for "found …" in messages.
    fn found(&self) -> String {
        let rest = self.text.get(self.i..).unwrap_or_default();
        match rest.chars().next() {
            None => "end of input".to_string(),
            Some('\n') | Some('\r') => "end of line".to_string(),
            Some(_) => {
                let token: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(24)
                    .collect();
                format!("`{token}`")
            }
        }
    }

    fn error_here(&self, expected: String) -> ParseError {
        let pos = self.pos();
        ParseError::new(
            pos.line,
            pos.col,
            format!("{expected}, found {}", self.found()),
        )
    }

    /// At a `(`: is this `(type) {`, `(type) [` or `(type) null` on this line?
    fn root_opener_ahead(&self) -> bool {
        let rest = self.b.get(self.i + 1..).unwrap_or_default();
        let Some(close) = rest.iter().position(|&c| !is_type_byte(c)) else {
            return false;
        };
        if close == 0 || rest.get(close) != Some(&b')') {
            return false;
        }
        let after = &rest[close + 1..];
        let skip = after
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        let after = &after[skip..];
        matches!(after.first(), Some(b'{' | b'[')) || after.starts_with(b"null")
    }

    fn parse_value(&mut self, depth: usize, ctx: Ctx<'a>) -> Result<Node<'a>, ParseError> {
        let pos = self.pos();
        let mut ty = None;
        if self.peek() == Some(b'(') {
            let start = self.i + 1;
            let len = self.b[start..]
                .iter()
                .take_while(|&&c| is_type_byte(c))
                .count();
            if len == 0 || self.b.get(start + len) != Some(&b')') {
                self.i = start + len;
                return Err(self.error_here("expected a type name and `)` after `(`".to_string()));
            }
            ty = self.text.get(start..start + len);
            self.i = start + len + 1;
            self.skip_inline_ws();
            if self.at_line_end() {
                return Err(self.error_here(format!(
                    "expected `{{`, `[`, `null` or a value after `({})`",
                    ty.unwrap_or_default()
                )));
            }
        }
        let val = match self.peek() {
            Some(b'{') => self.parse_object(depth, pos, ty)?,
            Some(b'[') => self.parse_array(depth, pos, ty)?,
            Some(b'"') => self.parse_string()?,
            Some(b'\'') => self.parse_moref()?,
            Some(b'<') => {
                if self.b[self.i..].starts_with(b"<unset>") {
                    self.i += "<unset>".len();
                    Val::Unset
                } else {
                    return Err(self.error_here("expected `<unset>`".to_string()));
                }
            }
            Some(c) if is_bare(c) => {
                let start = self.i;
                while self.peek().is_some_and(is_bare) {
                    self.i += 1;
                }
                match self.text.get(start..self.i) {
                    Some("null") => Val::Null,
                    Some(token) => Val::Bare(token),
                    None => return Err(self.error_here("expected a value".to_string())),
                }
            }
            _ => {
                let expected = match ctx {
                    Ctx::Root => "expected a value".to_string(),
                    Ctx::AfterEq(name) => format!("expected a value after `{name} =`"),
                    Ctx::InArray(open) => format!(
                        "expected a value or `]` (closing the array opened at line {}, column {})",
                        open.line, open.col
                    ),
                };
                return Err(self.error_here(expected));
            }
        };
        Ok(Node { ty, val, pos })
    }

    fn too_deep(&self) -> ParseError {
        self.error_here(format!(
            "expected at most {MAX_DEPTH} levels of nested objects and arrays"
        ))
    }

    fn parse_object(
        &mut self,
        depth: usize,
        open: Pos,
        ty: Option<&str>,
    ) -> Result<Val<'a>, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.i += 1; // '{'
        let mut fields = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Val::Object(fields));
                }
                Some(b',') => self.i += 1,
                Some(c) if is_ident_start(c) => {
                    let pos = self.pos();
                    let start = self.i;
                    while self.peek().is_some_and(is_ident) {
                        self.i += 1;
                    }
                    let name = self.text.get(start..self.i).unwrap_or_default();
                    self.skip_inline_ws();
                    if self.peek() != Some(b'=') {
                        return Err(
                            self.error_here(format!("expected `=` after field name `{name}`"))
                        );
                    }
                    self.i += 1;
                    self.skip_inline_ws();
                    if self.at_line_end() {
                        return Err(self.error_here(format!("expected a value after `{name} =`")));
                    }
                    let node = self.parse_value(depth + 1, Ctx::AfterEq(name))?;
                    fields.push(Field { name, pos, node });
                }
                _ => {
                    let ty = ty.map(|t| format!("({t}) ")).unwrap_or_default();
                    return Err(self.error_here(format!(
                        "expected a field name or `}}` closing the object `{ty}{{` opened at line {}, column {}",
                        open.line, open.col
                    )));
                }
            }
        }
    }

    fn parse_array(
        &mut self,
        depth: usize,
        open: Pos,
        ty: Option<&str>,
    ) -> Result<Val<'a>, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.i += 1; // '['
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b']') => {
                    self.i += 1;
                    return Ok(Val::Array(items));
                }
                Some(b',') => self.i += 1,
                None => {
                    let ty = ty.map(|t| format!("({t}) ")).unwrap_or_default();
                    return Err(self.error_here(format!(
                        "expected `]` closing the array `{ty}[` opened at line {}, column {}",
                        open.line, open.col
                    )));
                }
                Some(_) => items.push(self.parse_value(depth + 1, Ctx::InArray(open))?),
            }
        }
    }

    fn parse_string(&mut self) -> Result<Val<'a>, ParseError> {
        let open = self.pos();
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        loop {
            match self.peek() {
                None => {
                    return Err(ParseError::new(
                        open.line,
                        open.col,
                        "unterminated string: expected a closing `\"` for the string that starts here",
                    ));
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    if self.b.get(self.i + 1) == Some(&b'\n') {
                        self.newline_at(self.i + 1);
                    }
                    self.i += 2;
                }
                Some(b'\n') if !self.multiline_strings => {
                    return Err(ParseError::new(
                        open.line,
                        open.col,
                        "unterminated string: expected a closing `\"` before the end of the line",
                    ));
                }
                Some(b'\n') => {
                    self.newline_at(self.i);
                    self.i += 1;
                }
                Some(_) => self.i += 1,
            }
        }
        let raw = self.text.get(start..self.i).unwrap_or_default();
        self.i += 1; // closing quote
        Ok(Val::Str(if escaped {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        }))
    }

    fn parse_moref(&mut self) -> Result<Val<'a>, ParseError> {
        let open = self.pos();
        let start = self.i + 1;
        let rest = &self.b[start..];
        match rest.iter().position(|&c| c == b'\'' || c == b'\n') {
            Some(n) if rest[n] == b'\'' => {
                self.i = start + n + 1;
                Ok(Val::MoRef(
                    self.text.get(start..start + n).unwrap_or_default(),
                ))
            }
            _ => Err(ParseError::new(
                open.line,
                open.col,
                "unterminated reference: expected a closing `'` before the end of the line \
                 (references look like 'vim.HostSystem:ha-host')",
            )),
        }
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// `name = rest` at the start of `line` (no leading whitespace): the field name and what
/// follows `=` with leading blanks removed.
fn split_field(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if !b.first().copied().is_some_and(is_ident_start) {
        return None;
    }
    let n = b.iter().take_while(|&&c| is_ident(c)).count();
    let rest = line.get(n..)?.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix('=')?;
    Some((line.get(..n)?, rest.trim_start_matches([' ', '\t'])))
}

fn first_content(text: &str) -> (u32, u32) {
    for (n, line) in text.lines().enumerate() {
        if let Some(col) = line.find(|c: char| !c.is_whitespace()) {
            return (n as u32 + 1, line[..col].chars().count() as u32 + 1);
        }
    }
    (1, 1)
}

// ------------------------------------------------------------------------------------------
// Extraction

#[derive(Default)]
struct Out {
    docs: Vec<Document>,
    warnings: Vec<Warning>,
}

impl Out {
    fn warn(&mut self, pos: Pos, message: String) {
        self.warnings.push(Warning { pos, message });
    }
}

fn is_feature_type(ty: &str) -> bool {
    matches!(
        ty.rsplit('.').next(),
        Some("FeatureCapability" | "FeatureRequirement" | "FeatureMask")
    )
}

fn handle_root<'a>(
    node: Node<'a>,
    out: &mut Out,
    frag: &mut Fragments<'a>,
) -> Result<(), ParseError> {
    let ty = node.ty.unwrap_or_default();
    // A `(vim.host.FeatureCapability) { … }` object (or an array of them) on its own is a
    // fragment, e.g. from `grep -B 1 -A 3`.
    if is_feature_type(ty) {
        match &node.val {
            Val::Object(_) => frag.object(&node)?,
            Val::Array(items) => {
                for item in items {
                    if matches!(item.val, Val::Object(_)) {
                        frag.object(item)?;
                    }
                }
            }
            _ => {}
        }
        return Ok(());
    }
    // A header right before the dump: a prompt (`[root@esxi01:~] vim-cmd …`) names the host
    // the command ran on, a label (`# esxi01`, `app01:`) names the dump itself.
    let header = frag.flush(out)?;
    let docs_before = out.docs.len();
    match ty {
        CONFIG_INFO => {
            let host = host_from_config(&node, out)?;
            out.docs.push(Document::Host(host));
        }
        HOST_SUMMARY => {
            let mut host = HostInput {
                pos: node.pos,
                ..HostInput::default()
            };
            fill_from_summary(&mut host, &node);
            out.docs.push(Document::Host(host));
        }
        VM_RUNTIME => {
            let vm = vm_from_runtime(&node, &node, out)?;
            out.docs.push(Document::Vm(vm));
        }
        _ => {
            if let Some(runtime) = node.find(VM_RUNTIME) {
                let vm = vm_from_runtime(runtime, &node, out)?;
                out.docs.push(Document::Vm(vm));
            } else if let Some(config) = node.find(CONFIG_INFO) {
                let mut host = host_from_config(config, out)?;
                host.pos = node.pos;
                if let Some(summary) = node.find(HOST_SUMMARY) {
                    fill_from_summary(&mut host, summary);
                }
                out.docs.push(Document::Host(host));
            } else if let Some(summary) = node.find(HOST_SUMMARY) {
                let mut host = HostInput {
                    pos: node.pos,
                    ..HostInput::default()
                };
                fill_from_summary(&mut host, summary);
                out.docs.push(Document::Host(host));
            } else {
                let what = if ty.is_empty() {
                    node.describe()
                } else {
                    format!("a `({ty})` object")
                };
                out.warn(
                    node.pos,
                    format!(
                        "skipped {what} at line {}: evcalc reads (vim.host.ConfigInfo) from \
                         `vim-cmd hostsvc/hostconfig`, (vim.host.Summary) from `hostsvc/hostsummary` \
                         and (vim.vm.RuntimeInfo) from `vmsvc/get.runtime`",
                        node.pos.line
                    ),
                );
            }
        }
    }
    if let Some((kind, name, _)) = header {
        for doc in &mut out.docs[docs_before..] {
            match doc {
                Document::Host(host) if host.name.is_none() => host.name = Some(name.clone()),
                // A standalone host calls itself `ha-host`; the prompt says which host that is.
                Document::Vm(vm)
                    if kind == HeaderKind::Prompt
                        && vm.host.as_deref().is_none_or(|h| h == "ha-host") =>
                {
                    vm.host = Some(name.clone());
                }
                Document::Vm(vm) if kind == HeaderKind::Label && vm.name.is_none() => {
                    vm.name = Some(name.clone());
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn product_name(product: &Node) -> Option<String> {
    if let Some(full) = product.get("fullName").and_then(Node::text) {
        return Some(full.to_string());
    }
    let version = product.get("version").and_then(Node::text)?;
    let name = product
        .get("name")
        .and_then(Node::text)
        .unwrap_or("VMware ESXi");
    Some(match product.get("build").and_then(Node::text) {
        Some(build) => format!("{name} {version} build-{build}"),
        None => format!("{name} {version}"),
    })
}

fn host_from_config(config: &Node, out: &mut Out) -> Result<HostInput, ParseError> {
    let mut host = HostInput {
        name: config
            .path(&["network", "dnsConfig", "hostName"])
            .and_then(Node::string),
        product: config.get("product").and_then(product_name),
        pos: config.pos,
        ..HostInput::default()
    };
    host.capabilities = feature_list(config, "featureCapability", parse_capability, out)?;
    host.masked_capabilities =
        feature_list(config, "maskedFeatureCapability", parse_capability, out)?;
    Ok(host)
}

/// Fills what a `(vim.host.Summary)` knows into `host`, keeping what is already set.
fn fill_from_summary(host: &mut HostInput, summary: &Node) {
    if host.name.is_none() {
        host.name = summary.path(&["config", "name"]).and_then(Node::string);
    }
    if host.product.is_none() {
        host.product = summary.path(&["config", "product"]).and_then(product_name);
    }
    if host.cpu_model.is_none() {
        host.cpu_model = summary
            .path(&["hardware", "cpuModel"])
            .and_then(Node::string);
    }
    if host.reported_max_evc.is_none() {
        host.reported_max_evc = summary
            .get("maxEVCModeKey")
            .and_then(Node::string)
            .filter(|s| !s.is_empty());
    }
    if host.reported_current_evc.is_none() {
        host.reported_current_evc = summary
            .get("currentEVCModeKey")
            .and_then(Node::string)
            .filter(|s| !s.is_empty());
    }
    // `currentEVCModeKey = <unset>` printed is data (with a vCenter MoRef: EVC not active).
    if summary.get("currentEVCModeKey").is_some() {
        host.summary_seen = true;
    }
}

fn vm_from_runtime(runtime: &Node, root: &Node, out: &mut Out) -> Result<VmInput, ParseError> {
    let name = root
        .get("name")
        .or_else(|| root.path(&["config", "name"]))
        .or_else(|| root.path(&["summary", "config", "name"]))
        .and_then(Node::string);
    let host = runtime.get("host").and_then(|h| match &h.val {
        Val::MoRef(r) => Some(r.split_once(':').map_or(*r, |(_, id)| id).to_string()),
        _ => h.string(),
    });
    Ok(VmInput {
        name,
        host,
        power_state: runtime.get("powerState").and_then(Node::string),
        requirements: feature_list(runtime, "featureRequirement", parse_requirement, out)?,
        offline_requirements: feature_list(
            runtime,
            "offlineFeatureRequirement",
            parse_requirement,
            out,
        )?,
        masks: feature_list(runtime, "featureMask", parse_mask, out)?,
        reported_min_evc: runtime
            .get("minRequiredEVCModeKey")
            .and_then(Node::string)
            .filter(|s| !s.is_empty()),
        vhw: None,
        guest_id: None,
        pos: root.pos,
    })
}

type ValueParser<T> = fn(&str) -> Result<T, ValueError>;

fn parse_capability(text: &str) -> Result<u64, ValueError> {
    parse_number(text)
}

fn parse_requirement(text: &str) -> Result<Requirement, ValueError> {
    Requirement::parse(text)
}

fn parse_mask(text: &str) -> Result<Mask, ValueError> {
    Mask::parse(text)
}

/// Key (with the position of its line) and value node of a `{ key, featureName, value }` object.
fn feature_parts<'n, 'a>(obj: &'n Node<'a>) -> Result<(String, Pos, &'n Node<'a>), ParseError> {
    let key = obj.field("key").or_else(|| obj.field("featureName"));
    let Some((key, key_pos)) = key.and_then(|f| f.node.text().map(|k| (k.to_string(), f.pos)))
    else {
        let ty = obj.ty.unwrap_or("feature");
        return Err(ParseError::new(
            obj.pos.line,
            obj.pos.col,
            format!("expected a `key = \"…\"` field in this ({ty}) object"),
        ));
    };
    let Some(value) = obj.field("value") else {
        return Err(ParseError::new(
            key_pos.line,
            key_pos.col,
            format!("expected a `value = \"…\"` field for `{key}`"),
        ));
    };
    Ok((key, key_pos, &value.node))
}

fn parse_feature_value<T>(
    key: &str,
    list: &str,
    value: &Node,
    parse: ValueParser<T>,
) -> Result<T, ParseError> {
    let err = |msg: String| {
        ParseError::new(
            value.pos.line,
            value.pos.col,
            format!("{list} `{key}`: {msg}"),
        )
    };
    let text = value.text().ok_or_else(|| {
        err(format!(
            "expected a quoted value, found {}",
            value.describe()
        ))
    })?;
    parse(text).map_err(|e| err(e.to_string()))
}

/// The entries of the array field `list` of `parent` (`featureCapability`, …).
fn feature_list<T>(
    parent: &Node,
    list: &str,
    parse: ValueParser<T>,
    out: &mut Out,
) -> Result<Vec<Entry<T>>, ParseError> {
    let Some(field) = parent.field(list) else {
        return Ok(Vec::new());
    };
    let items = match &field.node.val {
        Val::Array(items) => items,
        Val::Unset | Val::Null => return Ok(Vec::new()),
        _ => {
            return Err(ParseError::new(
                field.node.pos.line,
                field.node.pos.col,
                format!(
                    "expected an array `(…) [ … ]` after `{list} =`, found {}",
                    field.node.describe()
                ),
            ));
        }
    };
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        match item.val {
            Val::Object(_) => {}
            Val::Null | Val::Unset => continue,
            _ => {
                return Err(ParseError::new(
                    item.pos.line,
                    item.pos.col,
                    format!(
                        "expected a `{{ key, featureName, value }}` object in `{list}`, found {}",
                        item.describe()
                    ),
                ));
            }
        }
        let (key, pos, value) = feature_parts(item)?;
        let value = parse_feature_value(&key, list, value, parse)?;
        entries.push(Entry { key, value, pos });
    }
    warn_duplicates(&entries, list, out);
    Ok(entries)
}

fn warn_duplicates<T>(entries: &[Entry<T>], list: &str, out: &mut Out) {
    if entries.len() < 2 {
        return;
    }
    // Sorted by (lower-cased key, position): equal keys end up next to each other, the first
    // occurrence first. Each key is lower-cased once.
    let mut order: Vec<(String, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key.to_ascii_lowercase(), i))
        .collect();
    order.sort_unstable();
    for pair in order.windows(2) {
        let (first, second) = (&entries[pair[0].1], &entries[pair[1].1]);
        if first.key.eq_ignore_ascii_case(&second.key) {
            out.warn(
                second.pos,
                format!(
                    "`{}` appears twice in {list} (first at line {}); both entries are kept",
                    second.key, first.pos.line
                ),
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// Fragments (`grep -A 2 MDCLEAR` output)

/// How a host block was introduced.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HeaderKind {
    /// `[root@esxi01:~]`: names the host the command ran on.
    Prompt,
    /// `# esxi01`, `esxi01:`, `==> esxi01 <==`: names the block.
    Label,
}

/// A host header line: `[root@esxi01:~] …`, `root@esxi01:~ # …`, `# esxi01`, `esxi01:`,
/// `==> esxi01.txt <==`.
fn host_header(line: &str) -> Option<(HeaderKind, &str)> {
    let t = line.trim();
    let is_name = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'))
            && s.bytes().any(|c| c.is_ascii_alphanumeric())
            && !matches!(
                s.to_ascii_lowercase().as_str(),
                "password" | "login" | "output" | "note" | "result"
            )
    };
    // Shell prompts: `[root@esxi01:~] cmd`, `root@esxi01:~ # cmd`.
    let prompt = t.strip_prefix('[').unwrap_or(t);
    if let Some((user, rest)) = prompt.split_once('@')
        && !user.is_empty()
        && user
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
    {
        let end = rest.find([':', ']', ' ', '\t']).unwrap_or(rest.len());
        let host = &rest[..end];
        let after = &rest[end..];
        if is_name(host) && (after.starts_with(':') || after.starts_with(']')) {
            return Some((HeaderKind::Prompt, host));
        }
    }
    if let Some(inner) = t.strip_prefix("==>").and_then(|s| s.strip_suffix("<==")) {
        let inner = inner.trim();
        return is_name(inner).then_some((HeaderKind::Label, inner));
    }
    if let Some(rest) = t.strip_prefix('#') {
        let name = rest.trim();
        return is_name(name).then_some((HeaderKind::Label, name));
    }
    if let Some(name) = t.strip_suffix(':') {
        return is_name(name).then_some((HeaderKind::Label, name));
    }
    None
}

struct FragEntry<'a> {
    key: Cow<'a, str>,
    pos: Pos,
    value: Option<(Cow<'a, str>, Pos)>,
}

#[derive(Default)]
struct Fragments<'a> {
    header: Option<(HeaderKind, String, Pos)>,
    entries: Vec<FragEntry<'a>>,
    pending: Option<FragEntry<'a>>,
}

fn scalar_text<'a>(node: Node<'a>, name: &str) -> Result<Cow<'a, str>, ParseError> {
    match node.val {
        Val::Str(s) => Ok(s),
        Val::Bare(s) => Ok(Cow::Borrowed(s)),
        _ => Err(ParseError::new(
            node.pos.line,
            node.pos.col,
            format!(
                "expected a quoted string after `{name} =`, found {}",
                node.describe()
            ),
        )),
    }
}

impl<'a> Fragments<'a> {
    fn header(
        &mut self,
        (kind, name): (HeaderKind, &str),
        pos: Pos,
        out: &mut Out,
    ) -> Result<(), ParseError> {
        if let Some((_, current, _)) = &self.header
            && current == name
        {
            return Ok(()); // the same host's prompt again
        }
        self.flush(out)?;
        self.header = Some((kind, name.to_string(), pos));
        Ok(())
    }

    fn field(&mut self, name: &str, pos: Pos, node: Node<'a>) -> Result<(), ParseError> {
        let value_pos = node.pos;
        let text = scalar_text(node, name)?;
        match name {
            "key" => {
                self.close_pending()?;
                self.pending = Some(FragEntry {
                    key: text,
                    pos,
                    value: None,
                });
            }
            "featureName" => {
                if self.pending.is_none() {
                    self.pending = Some(FragEntry {
                        key: text,
                        pos,
                        value: None,
                    });
                }
            }
            _ => {
                let Some(mut entry) = self.pending.take() else {
                    return Err(ParseError::new(
                        pos.line,
                        pos.col,
                        "expected a `key = \"…\"` line before this `value` line",
                    ));
                };
                entry.value = Some((text, value_pos));
                self.entries.push(entry);
            }
        }
        Ok(())
    }

    /// A standalone `(vim.host.FeatureCapability) { key, featureName, value }` object.
    fn object(&mut self, obj: &Node<'a>) -> Result<(), ParseError> {
        self.close_pending()?;
        let (key, pos, value) = feature_parts(obj)?;
        let text = value.text().ok_or_else(|| {
            ParseError::new(
                value.pos.line,
                value.pos.col,
                format!(
                    "expected a quoted value for `{key}`, found {}",
                    value.describe()
                ),
            )
        })?;
        self.entries.push(FragEntry {
            key: Cow::Owned(key),
            pos,
            value: Some((Cow::Owned(text.to_string()), value.pos)),
        });
        Ok(())
    }

    fn close_pending(&mut self) -> Result<(), ParseError> {
        match self.pending.take() {
            Some(entry) => Err(ParseError::new(
                entry.pos.line,
                entry.pos.col,
                format!(
                    "expected a `value = \"…\"` line after `key = \"{}\"` (was the paste cut short? \
                     `grep -A 2` prints key, featureName and value)",
                    entry.key
                ),
            )),
            None => Ok(()),
        }
    }

    /// Turns the collected block into a document. Returns the block's header when the block
    /// had no entries (a prompt line before a full dump names that dump's host).
    fn flush(&mut self, out: &mut Out) -> Result<Option<(HeaderKind, String, Pos)>, ParseError> {
        self.close_pending()?;
        let header = self.header.take();
        let entries = std::mem::take(&mut self.entries);
        let Some(first) = entries.first() else {
            return Ok(header);
        };
        let first_is_number = first
            .value
            .as_ref()
            .is_some_and(|(v, _)| parse_number(v).is_ok());
        let pos = header.as_ref().map_or(first.pos, |(_, _, p)| *p);
        if first_is_number {
            let mut host = HostInput {
                pos,
                fragment: true,
                ..HostInput::default()
            };
            host.name = header.map(|(_, name, _)| name);
            // Lower-cased keys already in each list: a linear scan per entry made a big
            // fragment quadratic (found by the hardening probes: 20,000 keys took 0.7 s, a
            // 64 MB paste would take hours).
            // First line of each key in each block: featureCapability first, then
            // maskedFeatureCapability (hostconfig prints them in this order, `grep` keeps it).
            let mut seen: std::collections::HashMap<String, (Pos, Option<Pos>)> =
                std::collections::HashMap::new();
            for entry in entries {
                let (text, value_pos) = entry.value.unwrap_or_default();
                let value = parse_number(&text).map_err(|e| {
                    ParseError::new(
                        value_pos.line,
                        value_pos.col,
                        format!(
                            "`{}`: {e} — the other entries of this host fragment are capabilities",
                            entry.key
                        ),
                    )
                })?;
                let key = entry.key.into_owned();
                let lower = key.to_ascii_lowercase();
                let record = Entry {
                    key,
                    value,
                    pos: entry.pos,
                };
                match seen.get_mut(&lower) {
                    None => {
                        seen.insert(lower, (record.pos, None));
                        host.capabilities.push(record);
                    }
                    Some((_, second @ None)) => {
                        *second = Some(record.pos);
                        host.masked_capabilities.push(record);
                    }
                    Some((first, Some(second))) => {
                        return Err(ParseError::new(
                            record.pos.line,
                            record.pos.col,
                            format!(
                                "`{}` appears a third time in one host's output (lines {}, {} and {}): \
                                 `vim-cmd hostsvc/hostconfig | grep` prints it twice per host \
                                 (featureCapability, then maskedFeatureCapability), so two hosts' \
                                 output ran together here — keep the prompt line (or put a \
                                 `== hostname` line) before each host's output",
                                record.key, first.line, second.line, record.pos.line
                            ),
                        ));
                    }
                }
            }
            out.docs.push(Document::Host(host));
        } else {
            let mut vm = VmInput {
                pos,
                ..VmInput::default()
            };
            match header {
                Some((HeaderKind::Prompt, name, _)) => vm.host = Some(name),
                Some((HeaderKind::Label, name, _)) => vm.name = Some(name),
                None => {}
            }
            for entry in entries {
                let (text, value_pos) = entry.value.unwrap_or_default();
                let key = entry.key.into_owned();
                let is_mask = text.split_once(':').is_some_and(|(op, _)| {
                    op.trim().eq_ignore_ascii_case("val") || op.trim().eq_ignore_ascii_case("max")
                });
                if is_mask {
                    let value = Mask::parse(&text).map_err(|e| value_error(value_pos, &key, e))?;
                    vm.masks.push(Entry {
                        key,
                        value,
                        pos: entry.pos,
                    });
                } else {
                    let value =
                        Requirement::parse(&text).map_err(|e| value_error(value_pos, &key, e))?;
                    vm.requirements.push(Entry {
                        key,
                        value,
                        pos: entry.pos,
                    });
                }
            }
            out.docs.push(Document::Vm(vm));
        }
        Ok(None)
    }
}

fn value_error(pos: Pos, key: &str, e: ValueError) -> ParseError {
    ParseError::new(
        pos.line,
        pos.col,
        format!(
            "`{key}`: {e} — a fragment holds either host capabilities (\"1\") or VM requirements (\"Bool:Min:1\")"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{MaskOp, ReqOp, ReqType};

    const REAL_RUNTIME: &str = include_str!(
        "../../../tests/data/real/vim-cmd_vmsvc-get.runtime.esxi-nested-2015.lrivallain-vuptime.txt"
    );

    fn ok(text: &str) -> (Vec<Document>, Vec<Warning>) {
        match parse(text) {
            Ok(r) => r,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn err(text: &str) -> ParseError {
        match parse(text) {
            Ok(r) => panic!("expected an error, got {r:?}"),
            Err(e) => e,
        }
    }

    fn host(doc: &Document) -> &HostInput {
        match doc {
            Document::Host(h) => h,
            other => panic!("expected a host, got {other:?}"),
        }
    }

    fn vm(doc: &Document) -> &VmInput {
        match doc {
            Document::Vm(v) => v,
            other => panic!("expected a VM, got {other:?}"),
        }
    }

    fn keys<T>(entries: &[Entry<T>]) -> Vec<&str> {
        entries.iter().map(|e| e.key.as_str()).collect()
    }

    const HOSTCONFIG: &str = r#"[root@esxi01:~] vim-cmd hostsvc/hostconfig
(vim.host.ConfigInfo) {
   host = 'vim.HostSystem:ha-host',
   product = (vim.AboutInfo) {
      name = "VMware ESXi",
      fullName = "VMware ESXi 6.7.0 build-15160138",
      version = "6.7.0",
      build = "15160138",
   },
   hyperThread = (vim.host.CpuSchedulerSystem.HyperThreadScheduleInfo) {
      available = true,
      active = true,
      config = true
   },
   network = (vim.host.NetworkInfo) {
      vswitch = (vim.host.VirtualSwitch) [
         (vim.host.VirtualSwitch) {
            name = "vSwitch0",
            portgroup = (string) [
               "key-vim.host.PortGroup-VM Network",
               "key-vim.host.PortGroup-Management Network"
            ],
         }
      ],
      dnsConfig = (vim.host.DnsConfig) {
         dhcp = false,
         hostName = "esxi01",
         domainName = "lab.example",
         address = (string) [
            "192.0.2.53"
         ],
      },
      ipRouteConfig = (vim.host.IpRouteConfig) null,
   },
   option = (vim.option.OptionValue) [
      (vim.option.OptionValue) {
         key = "Annotations.WelcomeMessage",
         value = "say \"hi\"\\n"
      }
   ],
   featureCapability = (vim.host.FeatureCapability) [
      (vim.host.FeatureCapability) {
         key = "cpuid.3DNOW",
         featureName = "cpuid.3DNOW",
         value = "0"
      },
      (vim.host.FeatureCapability) {
         key = "cpuid.MDCLEAR",
         featureName = "cpuid.MDCLEAR",
         value = "1"
      },
      (vim.host.FeatureCapability) {
         key = "cpuid.NUM_EXT_LEVELS",
         featureName = "cpuid.NUM_EXT_LEVELS",
         value = "0x80000008"
      },
      (vim.host.FeatureCapability) {
         key = "vpmc.genWidth",
         featureName = "vpmc.genWidth",
         value = "48"
      }
   ],
   maskedFeatureCapability = (vim.host.FeatureCapability) [
      (vim.host.FeatureCapability) {
         key = "cpuid.MDCLEAR",
         featureName = "cpuid.MDCLEAR",
         value = "1"
      }
   ],
   vFlashConfigInfo = (vim.host.VFlashManager.VFlashConfigInfo) null,
}
"#;

    #[test]
    fn real_get_runtime_sample() {
        let (docs, warnings) = ok(REAL_RUNTIME);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(docs.len(), 1);
        let v = vm(&docs[0]);
        assert_eq!(v.host.as_deref(), Some("ha-host"));
        assert_eq!(v.power_state.as_deref(), Some("poweredOn"));
        assert_eq!(v.reported_min_evc, None);
        assert_eq!(
            keys(&v.requirements),
            [
                "cpuid.SSE3",
                "cpuid.SSSE3",
                "cpuid.NX",
                "cpuid.RDTSCP",
                "cpuid.Intel"
            ]
        );
        assert!(
            v.requirements
                .iter()
                .all(|r| r.value == Requirement::BOOL_MIN_1)
        );
        // `(vim.vm.RuntimeInfo) {` is on line 3, the first `key = "cpuid.SSE3",` on line 28.
        assert_eq!(v.pos, Pos { line: 3, col: 1 });
        assert_eq!(v.requirements[0].pos, Pos { line: 28, col: 10 });
        assert!(v.offline_requirements.is_empty() && v.masks.is_empty());
        assert!(looks_like(REAL_RUNTIME));
    }

    #[test]
    fn hostconfig() {
        let (docs, warnings) = ok(HOSTCONFIG);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(docs.len(), 1);
        let h = host(&docs[0]);
        assert_eq!(h.name.as_deref(), Some("esxi01"));
        assert_eq!(
            h.product.as_deref(),
            Some("VMware ESXi 6.7.0 build-15160138")
        );
        assert!(!h.fragment);
        assert_eq!(h.pos, Pos { line: 2, col: 1 });
        assert_eq!(
            keys(&h.capabilities),
            [
                "cpuid.3DNOW",
                "cpuid.MDCLEAR",
                "cpuid.NUM_EXT_LEVELS",
                "vpmc.genWidth"
            ]
        );
        let values: Vec<u64> = h.capabilities.iter().map(|e| e.value).collect();
        assert_eq!(values, [0, 1, 0x8000_0008, 48]);
        assert_eq!(h.capabilities[1].pos, Pos { line: 48, col: 10 });
        assert_eq!(keys(&h.masked_capabilities), ["cpuid.MDCLEAR"]);
    }

    #[test]
    fn product_built_from_version_and_build() {
        let text = "(vim.host.ConfigInfo) {\n product = (vim.AboutInfo) { name = \"VMware ESXi\", version = \"6.7.0\", build = \"14320388\" }\n}\n";
        let (docs, _) = ok(text);
        let h = host(&docs[0]);
        assert_eq!(
            h.product.as_deref(),
            Some("VMware ESXi 6.7.0 build-14320388")
        );
        assert_eq!(h.name, None);
        assert!(h.capabilities.is_empty());
    }

    #[test]
    fn crlf_and_missing_commas() {
        let lf = HOSTCONFIG.replace(",\n", "\n");
        let crlf = HOSTCONFIG.replace('\n', "\r\n");
        let reference = ok(HOSTCONFIG);
        assert_eq!(ok(&lf), reference);
        assert_eq!(ok(&crlf), reference);
        // Everything on one line, no indentation at all.
        let flat = "(vim.host.ConfigInfo) { featureCapability = (vim.host.FeatureCapability) [ (vim.host.FeatureCapability) { key = \"cpuid.SSE3\", featureName = \"cpuid.SSE3\", value = \"1\" } (vim.host.FeatureCapability) { key = \"cpuid.MDCLEAR\" featureName = \"cpuid.MDCLEAR\" value = \"0\" } ] }";
        let (docs, _) = ok(flat);
        let h = host(&docs[0]);
        assert_eq!(keys(&h.capabilities), ["cpuid.SSE3", "cpuid.MDCLEAR"]);
        assert_eq!(h.capabilities[1].pos, Pos { line: 1, col: 200 });
    }

    #[test]
    fn multi_dump_paste() {
        let second = HOSTCONFIG.replace("esxi01", "esxi02").replace("value = \"1\"\n      },\n      (vim.host.FeatureCapability) {\n         key = \"cpuid.NUM", "value = \"0\"\n      },\n      (vim.host.FeatureCapability) {\n         key = \"cpuid.NUM");
        let text = format!("{HOSTCONFIG}\n{second}\n$ vim-cmd vmsvc/get.runtime 1\n{REAL_RUNTIME}");
        let (docs, warnings) = ok(&text);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(docs.len(), 3);
        assert_eq!(host(&docs[0]).name.as_deref(), Some("esxi01"));
        let h2 = host(&docs[1]);
        assert_eq!(h2.name.as_deref(), Some("esxi02"));
        assert_eq!(h2.capabilities[1].key, "cpuid.MDCLEAR");
        assert_eq!(h2.capabilities[1].value, 0);
        let offset = HOSTCONFIG.lines().count() as u32 + 1;
        assert_eq!(h2.pos.line, offset + 2);
        assert_eq!(vm(&docs[2]).requirements.len(), 5);
    }

    #[test]
    fn prompt_names_the_vm_host() {
        let text = format!("[root@esxi02:~] vim-cmd vmsvc/get.runtime 1\n{REAL_RUNTIME}");
        let (docs, _) = ok(&text);
        assert_eq!(vm(&docs[0]).host.as_deref(), Some("esxi02"));
    }

    #[test]
    fn label_names_the_following_dump() {
        let text = format!("# app01\n{REAL_RUNTIME}\nesxi07:\n(vim.host.ConfigInfo) {{\n}}\n");
        let (docs, _) = ok(&text);
        assert_eq!(vm(&docs[0]).name.as_deref(), Some("app01"));
        assert_eq!(vm(&docs[0]).host.as_deref(), Some("ha-host"));
        assert_eq!(host(&docs[1]).name.as_deref(), Some("esxi07"));
    }

    #[test]
    fn runtime_with_masks_and_offline_requirements() {
        let text = r#"(vim.vm.RuntimeInfo) {
   host = 'vim.HostSystem:host-14',
   powerState = "poweredOn",
   minRequiredEVCModeKey = "intel-haswell",
   featureRequirement = (vim.vm.FeatureRequirement) [
      (vim.vm.FeatureRequirement) {
         key = "cpuid.PDPE1GB",
         featureName = "cpuid.PDPE1GB",
         value = "Bool:Match:1"
      }
   ],
   offlineFeatureRequirement = (vim.vm.FeatureRequirement) [
      (vim.vm.FeatureRequirement) {
         key = "cpuid.LM",
         featureName = "cpuid.LM",
         value = "Num:Min:1"
      }
   ],
   featureMask = (vim.host.FeatureMask) [
      (vim.host.FeatureMask) {
         key = "cpuid.PDPE1GB",
         featureName = "cpuid.PDPE1GB",
         value = "Val:1"
      }
   ]
}"#;
        let (docs, _) = ok(text);
        let v = vm(&docs[0]);
        assert_eq!(v.host.as_deref(), Some("host-14"));
        assert_eq!(v.reported_min_evc.as_deref(), Some("intel-haswell"));
        assert_eq!(v.requirements[0].value.op, ReqOp::Match);
        assert_eq!(v.offline_requirements[0].value.ty, ReqType::Num);
        assert_eq!(
            v.masks[0].value,
            Mask {
                op: MaskOp::Val,
                value: 1
            }
        );
    }

    #[test]
    fn vm_summary_wrapper_and_unknown_roots() {
        let text = r#"(vim.vm.Summary) {
   vm = 'vim.VirtualMachine:3',
   runtime = (vim.vm.RuntimeInfo) {
      host = 'vim.HostSystem:ha-host',
      powerState = "poweredOff",
      featureRequirement = (vim.vm.FeatureRequirement) []
   },
   config = (vim.vm.Summary.ConfigSummary) {
      name = "app01",
   },
}
(vim.host.PortGroup.Specification) {
   name = "VM Network"
}
"#;
        let (docs, warnings) = ok(text);
        assert_eq!(docs.len(), 1);
        let v = vm(&docs[0]);
        assert_eq!(v.name.as_deref(), Some("app01"));
        assert_eq!(v.power_state.as_deref(), Some("poweredOff"));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].pos.line, 12);
        assert!(
            warnings[0]
                .message
                .contains("vim.host.PortGroup.Specification"),
            "{}",
            warnings[0].message
        );
    }

    #[test]
    fn host_summary() {
        let text = r#"(vim.host.Summary) {
   host = 'vim.HostSystem:ha-host',
   hardware = (vim.host.Summary.HardwareSummary) {
      vendor = "Dell Inc.",
      cpuModel = "Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz",
      numCpuPkgs = 2,
   },
   config = (vim.host.Summary.ConfigSummary) {
      name = "esxi01.lab.example",
      product = (vim.AboutInfo) {
         fullName = "VMware ESXi 6.7.0 build-15160138",
      },
   },
   maxEVCModeKey = "intel-haswell",
   currentEVCModeKey = <unset>,
}"#;
        let (docs, _) = ok(text);
        let h = host(&docs[0]);
        assert_eq!(h.name.as_deref(), Some("esxi01.lab.example"));
        assert_eq!(
            h.cpu_model.as_deref(),
            Some("Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz")
        );
        assert_eq!(
            h.product.as_deref(),
            Some("VMware ESXi 6.7.0 build-15160138")
        );
        assert_eq!(h.reported_max_evc.as_deref(), Some("intel-haswell"));
        assert_eq!(h.reported_current_evc, None);
    }

    const GREP: &str = r#"[root@esxi01:~] vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR
         key = "cpuid.MDCLEAR",
         featureName = "cpuid.MDCLEAR",
         value = "1"
      },
--
         key = "cpuid.MDCLEAR",
         featureName = "cpuid.MDCLEAR",
         value = "1"
      },
[root@esxi01:~]
[root@esxi02:~] vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR
         key = "cpuid.MDCLEAR",
         featureName = "cpuid.MDCLEAR",
         value = "0"
      },
--
         key = "cpuid.MDCLEAR",
         featureName = "cpuid.MDCLEAR",
         value = "0"
      },
"#;

    #[test]
    fn grep_fragment_per_host() {
        assert!(looks_like(GREP));
        let (docs, warnings) = ok(GREP);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(docs.len(), 2);
        let h1 = host(&docs[0]);
        assert!(h1.fragment);
        assert_eq!(h1.name.as_deref(), Some("esxi01"));
        assert_eq!(h1.pos, Pos { line: 1, col: 1 });
        assert_eq!(keys(&h1.capabilities), ["cpuid.MDCLEAR"]);
        assert_eq!(h1.capabilities[0].value, 1);
        assert_eq!(h1.capabilities[0].pos, Pos { line: 2, col: 10 });
        assert_eq!(h1.masked_capabilities[0].pos, Pos { line: 7, col: 10 });
        let h2 = host(&docs[1]);
        assert_eq!(h2.name.as_deref(), Some("esxi02"));
        assert_eq!(h2.capabilities[0].value, 0);
        assert_eq!(h2.masked_capabilities[0].value, 0);
    }

    #[test]
    fn fragment_from_the_incident_report() {
        // The three lines as the incident report shows them: no host name, no prompt.
        let text = "# vim-cmd hostsvc/hostconfig|grep -A 2 MDCLEAR\nkey = \"cpuid.MDCLEAR\",\nfeatureName = \"cpuid.MDCLEAR\",\nvalue = \"0\"\n";
        assert!(looks_like(text));
        let (docs, _) = ok(text);
        let h = host(&docs[0]);
        assert!(h.fragment);
        assert_eq!(h.name, None);
        assert_eq!(h.capabilities[0].key, "cpuid.MDCLEAR");
        assert_eq!(h.capabilities[0].value, 0);
    }

    #[test]
    fn fragment_headers() {
        let text = "# esxi03\nkey = \"cpuid.MDCLEAR\",\nvalue = \"0\"\nesxi04:\nkey = \"cpuid.MDCLEAR\",\nfeatureName = \"cpuid.MDCLEAR\",\nvalue = \"1\"\nkey = \"cpuid.FCMD\",\nfeatureName = \"cpuid.FCMD\",\nvalue = \"1\"\n";
        let (docs, _) = ok(text);
        assert_eq!(docs.len(), 2);
        assert_eq!(host(&docs[0]).name.as_deref(), Some("esxi03"));
        let h4 = host(&docs[1]);
        assert_eq!(h4.name.as_deref(), Some("esxi04"));
        assert_eq!(keys(&h4.capabilities), ["cpuid.MDCLEAR", "cpuid.FCMD"]);
    }

    #[test]
    fn requirement_fragment_is_a_vm() {
        let text = "[root@esxi01:~] vim-cmd vmsvc/get.runtime 3 | grep -A 2 MDCLEAR\n         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"Bool:Min:1\"\n      },\n";
        let (docs, _) = ok(text);
        let v = vm(&docs[0]);
        assert_eq!(v.host.as_deref(), Some("esxi01"));
        assert_eq!(v.requirements[0].key, "cpuid.MDCLEAR");
        assert_eq!(v.requirements[0].value, Requirement::BOOL_MIN_1);
    }

    #[test]
    fn standalone_feature_objects_are_a_fragment() {
        let text = "      (vim.host.FeatureCapability) {\n         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"0\"\n      },\n";
        let (docs, _) = ok(text);
        let h = host(&docs[0]);
        assert!(h.fragment);
        assert_eq!(h.capabilities[0].value, 0);
        assert_eq!(h.capabilities[0].pos, Pos { line: 2, col: 10 });
    }

    #[test]
    fn fragment_errors() {
        let e = err("key = \"cpuid.MDCLEAR\",\nfeatureName = \"cpuid.MDCLEAR\",\n");
        assert_eq!(e.pos, Pos { line: 1, col: 1 });
        assert!(e.message.contains("expected a `value"), "{}", e.message);
        let e = err("key = \"cpuid.MDCLEAR\",\nfeatureName = \"cpuid.MDCLEAR\",\nvalue = \"on\"\n");
        assert_eq!(e.pos, Pos { line: 3, col: 9 });
        assert!(e.message.contains("expected"), "{}", e.message);
        let e = err(
            "key = \"cpuid.SSE3\",\nvalue = \"1\"\nkey = \"cpuid.AES\",\nvalue = \"Bool:Min:1\"\n",
        );
        assert_eq!(e.pos, Pos { line: 4, col: 9 });
        let e = err("key = \"cpuid.SSE3\nvalue = \"1\"\n");
        assert_eq!(e.pos, Pos { line: 1, col: 7 });
        assert!(
            e.message.contains("before the end of the line"),
            "{}",
            e.message
        );
    }

    #[test]
    fn error_positions() {
        // Bad capability value: points at the value, says what was expected.
        let bad = HOSTCONFIG.replace("value = \"0x80000008\"", "value = \"lots\"");
        let e = err(&bad);
        assert_eq!(e.pos, Pos { line: 55, col: 18 });
        assert!(
            e.message.contains("cpuid.NUM_EXT_LEVELS") && e.message.contains("expected decimal"),
            "{}",
            e.message
        );
        // Missing closing brace at the end.
        let cut = HOSTCONFIG.trim_end().trim_end_matches('}');
        let e = err(cut);
        assert!(
            e.message.contains("expected a field name or `}`")
                && e.message.contains("line 2, column 1"),
            "{}",
            e.message
        );
        assert!(e.message.ends_with("found end of input"), "{}", e.message);
        // Missing `=`.
        let e = err("(vim.vm.RuntimeInfo) {\n   powerState \"poweredOn\",\n}");
        assert_eq!(e.pos, Pos { line: 2, col: 15 });
        assert!(
            e.message
                .starts_with("expected `=` after field name `powerState`"),
            "{}",
            e.message
        );
        // Unterminated string: points at the opening quote.
        let e = err("(vim.vm.RuntimeInfo) {\n   powerState = \"poweredOn,\n}");
        assert_eq!(e.pos, Pos { line: 2, col: 17 });
        assert!(e.message.contains("unterminated string"), "{}", e.message);
        // Mismatched bracket.
        let e = err(
            "(vim.vm.RuntimeInfo) {\n  featureRequirement = (vim.vm.FeatureRequirement) [\n  }\n}",
        );
        assert_eq!(e.pos, Pos { line: 3, col: 3 });
        assert!(
            e.message.contains("expected a value or `]`"),
            "{}",
            e.message
        );
        // Missing value.
        let e = err("(vim.vm.RuntimeInfo) {\n  powerState =\n}");
        assert_eq!(e.pos, Pos { line: 2, col: 15 });
        assert_eq!(
            e.message,
            "expected a value after `powerState =`, found end of line"
        );
        // Bad requirement value.
        let e = err(&REAL_RUNTIME.replacen("Bool:Min:1", "Bool:Most:1", 1));
        assert_eq!(e.pos, Pos { line: 30, col: 18 });
        assert!(
            e.message.contains("featureRequirement `cpuid.SSE3`"),
            "{}",
            e.message
        );
        // Unicode before the error counts as one column per character.
        let e = err("(vim.vm.RuntimeInfo) { name = \"é\", x y }");
        assert_eq!(e.pos, Pos { line: 1, col: 38 });
        assert!(
            e.message.starts_with("expected `=` after field name `x`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn nesting_limit() {
        let deep = format!("(vim.X) {}{}", "{ a = ".repeat(200), "1");
        let e = err(&deep);
        assert!(e.message.contains("at most 64 levels"), "{}", e.message);
        let deep_arrays = format!("(vim.X) {}", "[".repeat(100_000));
        let e = err(&deep_arrays);
        assert!(e.message.contains("at most 64 levels"), "{}", e.message);
    }

    #[test]
    fn nothing_recognisable() {
        let e = err("hello\nworld\n");
        assert_eq!(e.pos, Pos { line: 1, col: 1 });
        assert!(
            e.message.starts_with("expected `vim-cmd` output"),
            "{}",
            e.message
        );
        assert!(!looks_like("hello\nkey = 1\n"));
    }

    #[test]
    fn never_panics_on_prefixes_and_garbage() {
        let samples = [HOSTCONFIG, REAL_RUNTIME, GREP];
        for sample in samples {
            for end in 0..sample.len() {
                if sample.is_char_boundary(end) {
                    let _ = parse(&sample[..end]);
                    let _ = looks_like(&sample[..end]);
                }
            }
        }
        for garbage in [
            "(",
            "((",
            "(vim.",
            "(vim.X) {",
            "(vim.X) [",
            "(vim.X) { a = ",
            "(vim.X) { a = '",
            "(vim.X) { a = <",
            "(vim.X) { a = \"\\",
            "(vim.X) null",
            "\u{feff}(vim.X) {}",
            "é(vim.X) { é = 1 }",
            "key = ",
            "key = (vim.X) {",
            "value = \"1\"",
        ] {
            let _ = parse(garbage);
        }
    }

    macro_rules! example {
        ($file:literal) => {
            include_str!(concat!("../../../examples/mdclear-cluster/", $file))
        };
    }

    fn cap(entries: &[Entry<u64>], key: &str) -> Option<u64> {
        entries.iter().find(|e| e.key == key).map(|e| e.value)
    }

    #[test]
    fn bundled_example_hosts() {
        let hosts = [
            example!("esxi01.txt"),
            example!("esxi02.txt"),
            example!("esxi03.txt"),
            example!("esxi04.txt"),
        ];
        for (n, text) in hosts.iter().enumerate() {
            assert!(looks_like(text));
            let (docs, warnings) = ok(text);
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(docs.len(), 1);
            let h = host(&docs[0]);
            assert_eq!(h.name.as_deref(), Some(format!("esxi0{}", n + 1).as_str()));
            assert_eq!(
                h.product.as_deref(),
                Some("VMware ESXi 6.7.0 build-15160138")
            );
            assert!(!h.fragment);
            assert_eq!(h.capabilities.len(), 170);
            let pairs = |v: &[Entry<u64>]| {
                v.iter()
                    .map(|e| (e.key.clone(), e.value))
                    .collect::<Vec<_>>()
            };
            assert!(pairs(&h.masked_capabilities) == pairs(&h.capabilities));
            let mdclear = if n == 0 { 1 } else { 0 };
            assert_eq!(cap(&h.capabilities, "cpuid.MDCLEAR"), Some(mdclear));
            assert_eq!(cap(&h.capabilities, "cpuid.MODEL"), Some(63));
            assert_eq!(
                cap(&h.capabilities, "cpuid.NUM_EXT_LEVELS"),
                Some(0x8000_0008)
            );
            assert_eq!(cap(&h.capabilities, "cpuid.HLE"), Some(0));
            assert_eq!(cap(&h.capabilities, "cpuid.AVX2"), Some(1));
            assert_eq!(cap(&h.capabilities, "vpmc.genWidth"), Some(48));
        }
    }

    #[test]
    fn bundled_example_grep_and_vms() {
        let (docs, warnings) = ok(example!("grep-MDCLEAR.txt"));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(docs.len(), 4);
        for (n, doc) in docs.iter().enumerate() {
            let h = host(doc);
            assert!(h.fragment);
            assert_eq!(h.name.as_deref(), Some(format!("esxi0{}", n + 1).as_str()));
            let mdclear = if n == 0 { 1 } else { 0 };
            assert_eq!(cap(&h.capabilities, "cpuid.MDCLEAR"), Some(mdclear));
            assert_eq!(cap(&h.masked_capabilities, "cpuid.MDCLEAR"), Some(mdclear));
        }
        let (docs, _) = ok(example!("vm-app01-on-esxi01.runtime.txt"));
        let app01 = vm(&docs[0]);
        assert_eq!(app01.host.as_deref(), Some("esxi01"));
        assert_eq!(app01.reported_min_evc.as_deref(), Some("intel-haswell"));
        assert_eq!(app01.requirements.len(), 39);
        assert!(app01.requirements.iter().any(|r| r.key == "cpuid.MDCLEAR"));
        assert_eq!(app01.offline_requirements[0].key, "cpuid.LM");
        let (docs, _) = ok(example!("vm-db02-on-esxi02.runtime.txt"));
        let db02 = vm(&docs[0]);
        assert_eq!(db02.host.as_deref(), Some("esxi02"));
        assert_eq!(db02.requirements.len(), 38);
        assert!(!db02.requirements.iter().any(|r| r.key == "cpuid.MDCLEAR"));
    }

    #[test]
    #[ignore = "throughput measurement; run with --release -- --ignored --nocapture"]
    fn throughput() {
        let mut text = String::new();
        while text.len() < 64 << 20 {
            text.push_str(example!("esxi01.txt"));
            text.push_str(REAL_RUNTIME);
        }
        let start = std::time::Instant::now();
        let (docs, _) = ok(&text);
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{} documents, {:.0} MB/s",
            docs.len(),
            text.len() as f64 / secs / 1e6
        );
    }
}
