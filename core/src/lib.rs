//! evcalc — can a VM vMotion from host A to host B under EVC, and if not, why?
//!
//! ```
//! use evcalc::app::{self, OwnedSource, Request};
//! use evcalc::report::Verdict;
//!
//! // Two hosts as `vim-cmd hostsvc/hostconfig` prints them (cut down to three features):
//! // esxi01 has the MDS microcode active (cpuid.MDCLEAR = 1), esxi02 does not.
//! fn host(mdclear: u8) -> String {
//!     format!(
//!         r#"(vim.host.ConfigInfo) {{
//!    featureCapability = (vim.host.FeatureCapability) [
//!       (vim.host.FeatureCapability) {{ key = "cpuid.Intel", featureName = "cpuid.Intel", value = "1" }},
//!       (vim.host.FeatureCapability) {{ key = "cpuid.SSE3", featureName = "cpuid.SSE3", value = "1" }},
//!       (vim.host.FeatureCapability) {{ key = "cpuid.MDCLEAR", featureName = "cpuid.MDCLEAR", value = "{mdclear}" }}
//!    ],
//! }}"#
//!     )
//! }
//!
//! // The application layer: one request, one answer (the CLI's `cluster --json`, the page's).
//! let answer = app::cluster(&Request {
//!     inputs: vec![
//!         OwnedSource { name: "esxi01.txt".into(), text: host(1) },
//!         OwnedSource { name: "esxi02.txt".into(), text: host(0) },
//!     ],
//!     evc: Some("none".into()), // the cluster runs without EVC
//!     ..Default::default()
//! });
//! assert!(answer.errors.is_empty() && answer.option_errors.is_empty());
//! // A VM powered on on esxi01 cannot move to esxi02: it requires MDCLEAR.
//! let there = answer.host_cell(0, 1).unwrap();
//! assert_eq!(there.verdict, Verdict::Blocked);
//! assert_eq!(answer.blocker_keys(there), ["cpuid.MDCLEAR"]);
//! // The other way round is fine.
//! assert_eq!(answer.host_cell(1, 0).unwrap().verdict, Verdict::Compatible);
//! ```
//!
//! Front ends that ask several questions of the same inputs load them once:
//! [`app::workspace::Workspace`] (the Python and npm packages use it).
//!
//! The crate is pure: no file, network, clock or environment access. Front ends (`evcalc-cli`,
//! `evcalc-wasm`) hand it text and get data back.
//!
//! * [`value`] — the value grammars (`Val:1`, `Bool:Min:1`, `0x2d`).
//! * [`input`] — what parsers produce: raw records with positions.
//! * [`parse`] — format detection and the parsers.
//! * [`catalogue`] — every `cpuid.*` key: label, CPUID bit, kind; [`catalogue::FeatureSet`] bitsets.
//! * [`evc`] — EVC modes with per-feature evidence.
//! * [`model`] — hosts and VMs resolved against the catalogue.
//! * [`check`] — host summary, VM at power-on, VM → host check, cluster matrix, maintenance plan.
//! * [`remedy`] — what fixes a missing feature (data: `core/data/remedies.txt`).
//! * [`report`] — the JSON schema shared by the CLI and the web page.
//! * [`app`] — the application layer: typed request, contract v2 answers over host classes.
//! * [`classes`] — host classes (hosts identical in every engine-relevant input).
//! * [`session`] — load many inputs at once, attributing errors to their source.
//! * [`app::fleet`] — collector bundles: one cluster of a vCenter, the fleet summary.
//! * [`words`] — sentences written from the engine's typed facts (one place for words).
//!
//! ```
//! use evcalc::{session, check};
//! let dump = r#"(vim.host.ConfigInfo) {
//!    featureCapability = (vim.host.FeatureCapability) [
//!       (vim.host.FeatureCapability) { key = "cpuid.Intel", featureName = "cpuid.Intel", value = "1" },
//!       (vim.host.FeatureCapability) { key = "cpuid.SSE3", featureName = "cpuid.SSE3", value = "1" }
//!    ],
//! }"#;
//! let ws = session::load(&[session::Source { name: "host-a.txt", text: dump }]);
//! assert!(ws.errors.is_empty());
//! let report = check::host_report(&ws.hosts[0], &ws.modes);
//! assert_eq!(report.name, "host-a");
//! assert_eq!(report.max_evc_mode, None); // SSE3 alone is below intel-merom
//! ```

#![warn(missing_docs)]

pub mod app;
pub mod catalogue;
pub mod check;
pub mod classes;
pub mod esxi;
pub mod evc;
pub mod exposure;
pub mod guest;
pub mod headline;
pub mod input;
pub mod model;
pub mod modename;
pub mod names;
pub mod parse;
pub mod plan;
pub mod remedy;
pub mod render;
pub mod report;
pub mod session;
pub mod value;
pub mod vhw;
pub mod words;
