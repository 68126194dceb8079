//! `evcalc-wasm`: thin wasm-bindgen exports of the evcalc core for the offline web page
//! (`www/`). No domain logic lives here: every answer is [`evcalc::app::cluster`]'s
//! [`ClusterAnswer`](evcalc::app::ClusterAnswer) (contract v2, `"schema": 2`), serialised as
//! JSON — the same answer as the CLI's `evcalc cluster --json` (documented in `docs/json.md`,
//! typed in `www/contract.d.ts`).
//!
//! The bundled example is not in the module: it is page data (`www/pkg/example.js`, written by
//! `www/build.sh` and imported only when the page's "Load example" is clicked).
//!
//! [`read_input`] gives the page what the core reads in one pasted text that it cannot take
//! from the answer yet: where the text may be cut into parts (the core's transcript boundaries,
//! and the line a part stopped parsing at) and the `featMask` lines the core read. The page
//! holds no parsing rule of its own.

use evcalc::app::{Request, cluster as core_analyze};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A request the module could not read. Returned instead of a `ClusterAnswer`; the page tells
/// the two apart by the `request_error` field.
#[derive(Serialize)]
struct RequestError<'a> {
    request_error: RequestErrorBody<'a>,
}

#[derive(Serialize)]
struct RequestErrorBody<'a> {
    message: String,
    line: usize,
    column: usize,
    /// What a request looks like.
    expected: &'a str,
}

const EXPECTED: &str = r#"{"inputs":[{"name":"…","text":"…"}],"evc":"intel-haswell"|"none"|null,"per_vm_evc":null,"rename":{"old":"new"},"remove":[],"maintenance":[]}"#;

/// Analyses a request (JSON of `evcalc::app::Request`) and returns the `ClusterAnswer` as JSON,
/// or `{"request_error":{message,line,column,expected}}` when the request itself is malformed.
/// Problems with the inputs are not request errors: they are in the answer's `errors`.
#[wasm_bindgen]
pub fn analyze(request_json: &str) -> String {
    match serde_json::from_str::<Request>(request_json) {
        Ok(request) => match serde_json::to_string(&core_analyze(&request)) {
            Ok(json) => json,
            Err(e) => request_error(format!("could not serialise the analysis: {e}"), 0, 0),
        },
        Err(e) => request_error(format!("invalid request: {e}"), e.line(), e.column()),
    }
}

fn request_error(message: String, line: usize, column: usize) -> String {
    serde_json::to_string(&RequestError {
        request_error: RequestErrorBody {
            message,
            line,
            column,
            expected: EXPECTED,
        },
    })
    .unwrap_or_else(|_| {
        r#"{"request_error":{"message":"invalid request","line":0,"column":0,"expected":""}}"#
            .to_string()
    })
}

/// What the core reads in one pasted text, beyond the answer (JSON):
/// `{"parts":[[from,to],…],"masks":[["evc"|"vm","cpuid.X","Val:1"],…]}`.
///
/// `parts` (1-based lines, inclusive; blank lines between parts belong to none) are where the page may cut a text that
/// did not parse as a whole, so that one bad part does not take the others with it: the core's
/// transcript boundaries ([`evcalc::parse::transcript::split`]: prompts, headers, pdsh prefixes
/// are not cut), and inside each, the line at which [`evcalc::parse::parse`] stopped when what
/// comes before it is not blank (a complete dump followed by a fragment it cannot read). `masks`
/// are the `featMask.*` lines of the parts that parse, as the core read them.
#[wasm_bindgen]
pub fn read_input(text: &str) -> String {
    use evcalc::input::Document;
    use evcalc::parse::transcript::{LineMap, split};
    // Byte offset of the start of each line (line n starts at starts[n - 1]).
    let mut starts = vec![0usize];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let last = starts.len() as u32;
    let slice = |from: u32, to: u32| -> &str {
        let a = starts[from as usize - 1];
        let b = starts
            .get(to as usize)
            .map_or(text.len(), |&e| e.saturating_sub(1));
        &text[a..b.max(a)]
    };
    let mut cuts: Vec<u32> = match split(text) {
        Some(pieces) if pieces.iter().all(|p| matches!(p.lines, LineMap::From(_))) => pieces
            .iter()
            .map(|p| {
                if p.header_line > 0 {
                    p.header_line
                } else {
                    p.lines.first()
                }
            })
            .filter(|&l| l >= 1 && l <= last)
            .collect(),
        _ => Vec::new(),
    };
    cuts.push(1);
    cuts.sort_unstable();
    cuts.dedup();
    let mut parts = String::new();
    let mut masks = String::new();
    for (i, &start) in cuts.iter().enumerate() {
        let to = cuts.get(i + 1).map_or(last, |n| n - 1);
        let mut from = start;
        while from <= to && !slice(from, to).trim().is_empty() {
            let (end, next) = match evcalc::parse::parse(slice(from, to)) {
                Ok(parsed) => {
                    for doc in &parsed.documents {
                        let (evc, vm) = match doc {
                            Document::Masks(m) => (&m.evc_masks[..], &m.vm_masks[..]),
                            Document::Host(h) => (&h.evc_masks[..], &[][..]),
                            _ => (&[][..], &[][..]),
                        };
                        for (set, list) in [("evc", evc), ("vm", vm)] {
                            for e in list {
                                let sep = if masks.is_empty() { "" } else { "," };
                                masks += &format!(
                                    "{sep}[\"{set}\",{},\"{}\"]",
                                    json_string(&e.key),
                                    e.value
                                );
                            }
                        }
                    }
                    (to, to + 1)
                }
                Err(e) => {
                    let at = from.saturating_add(e.pos.line.saturating_sub(1));
                    if at > from && at <= to && !slice(from, at - 1).trim().is_empty() {
                        (at - 1, at)
                    } else {
                        (to, to + 1)
                    }
                }
            };
            // A part ends at its last line with text.
            let mut end = end;
            while end > from && slice(end, end).trim().is_empty() {
                end -= 1;
            }
            let sep = if parts.is_empty() { "" } else { "," };
            parts += &format!("{sep}[{from},{end}]");
            from = next;
        }
    }
    format!("{{\"parts\":[{parts}],\"masks\":[{masks}]}}")
}

/// `s` as a JSON string.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out += &format!("\\u{:04x}", c as u32),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The catalogue's vendor-identity keys (`cpuid.Intel`, `cpuid.AMD`, …) as a JSON array: the
/// page never lists them as features.
#[wasm_bindgen]
pub fn vendor_keys() -> String {
    let cat = evcalc::catalogue::catalogue();
    let keys: Vec<String> = cat
        .vendors()
        .iter()
        .map(|id| json_string(&cat.def(id).key))
        .collect();
    format!("[{}]", keys.join(","))
}

/// The evcalc version the module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_request_is_a_json_error_not_a_panic() {
        for bad in [
            "",
            "{",
            "null",
            "3",
            r#"{"inputs":3}"#,
            r#"{"inputs":[{"name":1}]}"#,
            "\u{0}",
        ] {
            let out: serde_json::Value = serde_json::from_str(&analyze(bad)).unwrap();
            assert!(
                out["request_error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("invalid request"),
                "{bad:?} -> {out}"
            );
        }
    }

    #[test]
    fn empty_request_is_an_answer() {
        let out: serde_json::Value = serde_json::from_str(&analyze("{}")).unwrap();
        assert!(out.get("request_error").is_none());
        assert_eq!(out["schema"], 2);
        assert!(out["matrix"].is_array());
        assert!(out["classes"].is_array());
        assert!(out["modes"].as_array().unwrap().len() > 10);
    }

    #[test]
    fn garbage_input_is_reported_with_source_and_line() {
        let out: serde_json::Value = serde_json::from_str(&analyze(
            r#"{"inputs":[{"name":"paste","text":"\n\nhello world"}]}"#,
        ))
        .unwrap();
        let err = &out["errors"][0];
        assert_eq!(err["source"], "paste");
        assert_eq!(err["line"], 3);
    }

    const ESXI01: &str = include_str!("../../examples/mdclear-cluster/esxi01.txt");
    const ESXI02: &str = include_str!("../../examples/mdclear-cluster/esxi02.txt");
    const CONFIG: &str =
        include_str!("../../examples/mdclear-cluster/esxi01-etc-vmware-config.txt");
    const ESCAPED: &str = "         key = &quot;cpuid.MDCLEAR&quot;,\n         featureName = &quot;cpuid.MDCLEAR&quot;,\n         value = &quot;0&quot;\n      },\n";

    fn read(text: &str) -> serde_json::Value {
        serde_json::from_str(&read_input(text)).unwrap()
    }

    fn lines(text: &str) -> u64 {
        text.split('\n').count() as u64
    }

    #[test]
    fn a_dump_beside_an_escaped_fragment_is_cut_where_the_fragment_starts() {
        let text = format!("{ESXI01}{ESCAPED}");
        let dump = lines(ESXI01) - 1;
        let out = read(&text);
        assert_eq!(
            out["parts"],
            serde_json::json!([[1, dump], [dump + 1, lines(&text) - 1]]),
            "{out}"
        );
        // The part before the fragment parses on its own.
        let first: String = text.split_inclusive('\n').take(dump as usize).collect();
        assert!(evcalc::parse::parse(&first).is_ok());
    }

    #[test]
    fn a_transcript_is_cut_at_the_cores_prompts_header_line_included() {
        let text = format!(
            "[root@esxi01:~] vim-cmd hostsvc/hostconfig\n{ESXI01}[root@esxi02:~] vim-cmd hostsvc/hostconfig\n{ESXI02}"
        );
        let second = lines(ESXI01) + 1;
        let out = read(&text);
        assert_eq!(
            out["parts"],
            serde_json::json!([[1, second - 1], [second, lines(&text) - 1]]),
            "{out}"
        );
    }

    #[test]
    fn mask_lines_are_read_by_the_core() {
        let out = read(CONFIG);
        let masks = out["masks"].as_array().unwrap();
        assert!(
            masks.iter().any(|m| m[0] == "evc"
                && m[1].as_str().unwrap().eq_ignore_ascii_case("cpuid.MDCLEAR")
                && m[2] == "Val:1"),
            "{out}"
        );
        assert_eq!(out["parts"], serde_json::json!([[1, lines(CONFIG) - 1]]));
        assert_eq!(read("")["parts"], serde_json::json!([]));
        let vendors: Vec<String> = serde_json::from_str(&vendor_keys()).unwrap();
        for k in ["cpuid.Intel", "cpuid.AMD", "cpuid.VIA", "cpuid.Cyrix"] {
            assert!(vendors.iter().any(|v| v == k), "{vendors:?}");
        }
        assert_eq!(json_string("a\"b\\c\u{1}"), r#""a\"b\\c\u0001""#);
    }
}
