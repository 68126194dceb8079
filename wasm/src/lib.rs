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
use wasm_bindgen::prelude::*;

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

/// `{"request_error":{message,line,column,expected}}`: a request the module could not read,
/// returned instead of a `ClusterAnswer` (the page tells the two apart by the field).
fn request_error(message: String, line: usize, column: usize) -> String {
    request_error_with(message, line, column, EXPECTED)
}

fn request_error_with(message: String, line: usize, column: usize, expected: &str) -> String {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        "{{\"request_error\":{{\"message\":{},\"line\":{line},\"column\":{column},\"expected\":{}}}}}",
        text(&message),
        text(expected)
    )
}

/// What the core reads in one pasted text, beyond the answer (JSON):
/// `{"parts":[[from,to],…],"masks":[["evc"|"vm","cpuid.X","Val:1"],…]}`.
///
/// `parts` (1-based lines, inclusive; blank lines between parts belong to none) are where the
/// page may cut a text that did not parse as a whole, so that one bad part does not take the
/// others with it: the core's transcript boundaries ([`evcalc::parse::transcript::split`]:
/// prompts and headers; pdsh prefixes are not cut), and inside each, the line at which
/// [`evcalc::parse::parse`] stopped when what comes before it is not blank (a complete dump
/// followed by a fragment it cannot read). `masks`
/// are the `featMask.*` lines of the parts that parse, as the core read them.
#[wasm_bindgen]
pub fn read_input(text: &str) -> String {
    use evcalc::input::Document;
    use evcalc::parse::transcript::{LineMap, split};
    // Byte offset of the start of each line (line n starts at starts[n - 1]).
    let mut starts = vec![0usize];
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            starts.push(i + 1);
        }
    }
    let last = starts.len() as u32;
    let slice = |from: u32, to: u32| -> &str {
        let a = starts[from as usize - 1];
        let b = starts
            .get(to as usize)
            .map_or(text.len(), |&e| e.saturating_sub(1));
        &text[a..b.max(a)]
    };
    // The core's transcript boundaries (a piece starts at its prompt or header line); pdsh
    // prefixes interleave lines, so a text with them is not cut.
    let mut cuts = vec![1u32];
    if let Some(pieces) = split(text)
        && pieces.iter().all(|p| matches!(p.lines, LineMap::From(_)))
    {
        for p in &pieces {
            let at = if p.header_line > 0 {
                p.header_line
            } else {
                p.lines.first()
            };
            if cuts.last().is_some_and(|&c| at > c) && at <= last {
                cuts.push(at);
            }
        }
    }
    let mut parts = Vec::new();
    let mut masks = Vec::new();
    for (i, &start) in cuts.iter().enumerate() {
        let to = cuts.get(i + 1).map_or(last, |n| n - 1);
        let mut from = start;
        while from <= to && !slice(from, to).trim().is_empty() {
            let (mut end, next) = match evcalc::parse::parse(slice(from, to)) {
                Ok(parsed) => {
                    for doc in &parsed.documents {
                        let (evc, vm) = match doc {
                            Document::Masks(m) => (&m.evc_masks[..], &m.vm_masks[..]),
                            Document::Host(h) => (&h.evc_masks[..], &[][..]),
                            _ => (&[][..], &[][..]),
                        };
                        for (set, list) in [("evc", evc), ("vm", vm)] {
                            for e in list {
                                let key = serde_json::to_string(&e.key).unwrap_or_default();
                                masks.push(format!("[\"{set}\",{key},\"{}\"]", e.value));
                            }
                        }
                    }
                    (to, to + 1)
                }
                // Cut where the part stopped parsing, when one side of the cut parses on its own
                // (a complete dump before a fragment the core cannot read, the dumps after a
                // truncated one); never inside a truncated dump.
                Err(e) => {
                    let at = from.saturating_add(e.pos.line.saturating_sub(1));
                    let reads = |a: u32, b: u32| {
                        !slice(a, b).trim().is_empty() && evcalc::parse::parse(slice(a, b)).is_ok()
                    };
                    if at > from && at <= to && (reads(from, at - 1) || reads(at, to)) {
                        (at - 1, at)
                    } else {
                        (to, to + 1)
                    }
                }
            };
            // A part ends at its last line with text.
            while end > from && slice(end, end).trim().is_empty() {
                end -= 1;
            }
            parts.push(format!("[{from},{end}]"));
            from = next;
        }
    }
    format!(
        "{{\"parts\":[{}],\"masks\":[{}]}}",
        parts.join(","),
        masks.join(",")
    )
}

/// Inputs loaded once, asked several questions: the npm package's `Workspace` (`npm/`), over
/// [`evcalc::app::workspace::Workspace`]. Every answer is the same JSON as the CLI's `--json`
/// for the same inputs and options.
#[cfg(feature = "workspace")]
#[wasm_bindgen]
pub struct Workspace {
    inner: evcalc::app::workspace::Workspace,
}

#[cfg(feature = "workspace")]
#[wasm_bindgen]
impl Workspace {
    /// Parses the inputs, JSON `[{"name":"…","text":"…"}]`. Inputs that cannot be read are
    /// not an exception: `load_report()` lists them (and every question is then refused). A
    /// malformed JSON throws `{"request_error":{message,line,column,expected}}` (text).
    /// `warnings_json`: the caller's own warnings from reading the inputs (JSON list of
    /// strings, e.g. [`decode_text`]'s), kept first as the CLI does.
    #[wasm_bindgen(constructor)]
    pub fn new(inputs_json: &str, warnings_json: Option<String>) -> Result<Workspace, String> {
        let warnings: Vec<String> = warnings_json
            .as_deref()
            .and_then(|w| serde_json::from_str(w).ok())
            .unwrap_or_default();
        match serde_json::from_str::<Vec<evcalc::app::OwnedSource>>(inputs_json) {
            Ok(inputs) => Ok(Workspace {
                inner: evcalc::app::workspace::Workspace::load_with_warnings(inputs, warnings),
            }),
            Err(e) => Err(request_error_with(
                format!("invalid inputs: {e}"),
                e.line(),
                e.column(),
                INPUTS_EXPECTED,
            )),
        }
    }

    /// `{"inputs":[…],"errors":[…],"warnings":[…]}`: what loading gave (JSON).
    pub fn load_report(&self) -> String {
        self.inner.load_report_json()
    }

    /// Asks `question` (`hosts`, `vms`, `cluster`, `check`, `maintenance`, `plan`) with its
    /// options as a JSON object (the question's request without `inputs`). Returns the answer
    /// (JSON), `{"refused":{input_errors,option_errors}}` where the CLI would print an error
    /// instead, or `{"request_error":{…}}` for options that cannot be read.
    pub fn ask(&mut self, question: &str, options_json: &str) -> String {
        self.inner.ask_json(question, options_json)
    }

    /// The page's question: the cluster answer over the loaded inputs with `options` (JSON of
    /// [`Request`] without `inputs`), as [`analyze`] gives it for the same inputs and options —
    /// also when an input could not be read (its error is in the answer, the hosts that were
    /// read are answered), where [`Workspace::ask`] refuses as the CLI does. Nothing is parsed
    /// again: changing the EVC mode, a what-if, the vHW or a host selection re-answers from the
    /// loaded hosts. Returns `{"request_error":{…}}` for options that cannot be read.
    pub fn cluster(&mut self, options_json: &str) -> String {
        match serde_json::from_str::<Request>(options_json) {
            Ok(options) => {
                serde_json::to_string(&self.inner.cluster(&options)).unwrap_or_else(|e| {
                    request_error(format!("could not serialise the analysis: {e}"), 0, 0)
                })
            }
            Err(e) => request_error(format!("invalid request: {e}"), e.line(), e.column()),
        }
    }
}

/// Bytes of a file → `{"text":…,"warnings":[…]}` as the CLI reads files (UTF-8 with or without
/// BOM, UTF-16 with BOM, else UTF-8 with invalid bytes replaced and a warning naming `name`).
#[cfg(feature = "workspace")]
#[wasm_bindgen]
pub fn decode_text(name: &str, bytes: &[u8]) -> String {
    let mut warnings = Vec::new();
    let text = evcalc::app::workspace::decode_text(name, bytes.to_vec(), &mut warnings);
    serde_json::json!({ "text": text, "warnings": warnings }).to_string()
}

/// Why a file found in a directory is not an evcalc input (the CLI skips it), or `undefined`.
#[cfg(feature = "workspace")]
#[wasm_bindgen]
pub fn not_an_input(name: &str, text: &str) -> Option<String> {
    evcalc::app::workspace::not_an_input(name, text).map(str::to_string)
}

/// The CLI's warning for the directory members skipped (JSON list of `FILE (why)`).
#[cfg(feature = "workspace")]
#[wasm_bindgen]
pub fn skipped_warning(skipped_json: &str) -> String {
    let skipped: Vec<String> = serde_json::from_str(skipped_json).unwrap_or_default();
    evcalc::app::workspace::skipped_warning(&skipped)
}

#[cfg(feature = "workspace")]
const INPUTS_EXPECTED: &str = r#"[{"name":"esxi01.txt","text":"(vim.host.ConfigInfo) {…"}]"#;

/// The catalogue's vendor-identity keys (`cpuid.Intel`, `cpuid.AMD`, …), comma-separated: the
/// page never lists them as features.
#[wasm_bindgen]
pub fn vendor_keys() -> String {
    let cat = evcalc::catalogue::catalogue();
    let keys: Vec<&str> = cat
        .vendors()
        .iter()
        .map(|id| cat.def(id).key.as_str())
        .collect();
    keys.join(",")
}

/// The virtual hardware versions a VM can have, each with the first ESXi release that runs it
/// (JSON `[{"vhw":19,"release":"ESXi 7.0 U2"},…]`, lowest first; versions no ESXi runs are left
/// out): the page's vHW choice, in the core's words ([`evcalc::esxi::first_release`]).
#[wasm_bindgen]
pub fn vhw_releases() -> String {
    let list: Vec<serde_json::Value> = (evcalc::check::MIN_VHW..=evcalc::check::MAX_VHW)
        .filter_map(|v| {
            evcalc::esxi::first_release(v)
                .map(|r| serde_json::json!({ "vhw": v, "release": evcalc::esxi::release_name(r) }))
        })
        .collect();
    serde_json::Value::Array(list).to_string()
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

    #[cfg(feature = "workspace")]
    #[test]
    fn workspace_answers_as_analyze_and_refuses_as_the_cli() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/mdclear-cluster");
        let inputs: Vec<serde_json::Value> =
            ["esxi01.txt", "esxi02.txt", "esxi03.txt", "esxi04.txt"]
                .iter()
                .map(|n| {
                    serde_json::json!({
                        "name": n,
                        "text": std::fs::read_to_string(format!("{dir}/{n}")).unwrap()
                    })
                })
                .collect();
        let inputs_json = serde_json::to_string(&inputs).unwrap();
        let mut ws = Workspace::new(&inputs_json, None).unwrap();
        let parse = |s: String| serde_json::from_str::<serde_json::Value>(&s).unwrap();
        let report = parse(ws.load_report());
        assert_eq!(report["errors"].as_array().unwrap().len(), 0);
        // The cluster answer is analyze's for the same request.
        let a = parse(ws.ask("cluster", r#"{"evc":"intel-haswell"}"#));
        let request = format!(r#"{{"inputs":{inputs_json},"evc":"intel-haswell"}}"#);
        assert_eq!(a, parse(analyze(&request)));
        assert_eq!(a["outcome"], "blocked");
        let c = parse(ws.ask(
            "check",
            r#"{"from":"esxi01","to":"esxi02","evc":"intel-haswell"}"#,
        ));
        assert_eq!(c["outcome"], "blocked");
        let refused = parse(ws.ask("maintenance", r#"{"host":"esxi09"}"#));
        assert_eq!(refused["refused"]["option_errors"][0]["option"], "host");
        let bad = parse(ws.ask("cluster", "{"));
        assert!(bad["request_error"]["message"].is_string());
        let err = Workspace::new("[{", None).err().unwrap();
        assert!(
            parse(err)["request_error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("invalid inputs")
        );
    }

    #[cfg(feature = "workspace")]
    #[test]
    fn the_pages_cluster_question_answers_the_hosts_read_beside_an_input_that_failed() {
        let inputs = serde_json::json!([
            { "name": "esxi01.txt", "text": ESXI01 },
            { "name": "esxi02.txt", "text": ESXI02 },
            { "name": "bad", "text": "\n\nhello world" },
        ])
        .to_string();
        let mut ws = Workspace::new(&inputs, None).unwrap();
        let parse = |s: String| serde_json::from_str::<serde_json::Value>(&s).unwrap();
        let options = r#"{"evc":"intel-haswell","vm_hw":"8"}"#;
        let a = parse(ws.cluster(options));
        // What analyze gives for the same inputs and options.
        let request = format!(r#"{{"inputs":{inputs},"evc":"intel-haswell","vm_hw":"8"}}"#);
        assert_eq!(a, parse(analyze(&request)));
        assert_eq!(a["errors"][0]["source"], "bad");
        assert_eq!(a["hosts"].as_array().unwrap().len(), 2);
        assert_eq!(a["vm_hw"], 8);
        // Another EVC mode: answered from the loaded hosts.
        let b = parse(ws.cluster(r#"{"evc":"intel-sandybridge"}"#));
        assert_eq!(b["evc"]["mode"], "intel-sandybridge");
        assert!(parse(ws.cluster("{"))["request_error"]["message"].is_string());
    }

    #[test]
    fn vhw_releases_name_the_first_esxi_of_each_version() {
        let list: Vec<serde_json::Value> = serde_json::from_str(&vhw_releases()).unwrap();
        let find = |v: u64| {
            list.iter()
                .find(|x| x["vhw"] == v)
                .map(|x| x["release"].clone())
        };
        assert_eq!(find(8), Some("ESXi 5.0".into()));
        assert_eq!(find(19), Some("ESXi 7.0 U2".into()));
        // Versions no ESXi runs (Workstation only) are not offered.
        assert_eq!(find(12), None);
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
    fn a_truncated_dump_in_a_transcript_is_one_part() {
        let cut: String = ESXI02.split_inclusive('\n').take(900).collect();
        let text = format!(
            "[root@esxi01:~] vim-cmd hostsvc/hostconfig\n{ESXI01}[root@esxi02:~] vim-cmd hostsvc/hostconfig\n{cut}[root@esxi03:~] vim-cmd hostsvc/hostconfig\n{ESXI02}"
        );
        let second = lines(ESXI01) + 1;
        let third = second + 901;
        let out = read(&text);
        assert_eq!(
            out["parts"],
            serde_json::json!([
                [1, second - 1],
                [second, third - 1],
                [third, lines(&text) - 1]
            ]),
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
        let vendors = vendor_keys();
        for k in ["cpuid.Intel", "cpuid.AMD", "cpuid.VIA", "cpuid.Cyrix"] {
            assert!(vendors.split(',').any(|v| v == k), "{vendors}");
        }
    }
}
