//! `evcalc-wasm`: thin wasm-bindgen exports of the evcalc core for the offline web page
//! (`www/`). No domain logic lives here: every answer is [`evcalc::app::cluster`]'s
//! [`ClusterAnswer`](evcalc::app::ClusterAnswer) (contract v2, `"schema": 2`), serialised as
//! JSON — the same answer as the CLI's `evcalc cluster --json` (documented in `docs/json.md`,
//! typed in `www/contract.d.ts`).
//!
//! The bundled example is not in the module: it is page data (`www/pkg/example.js`, written by
//! `www/build.sh` and imported only when the page's "Load example" is clicked).

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
}
