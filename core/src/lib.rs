//! evcalc — can a VM vMotion from host A to host B under EVC, and if not, why?
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
//! * [`fleet`] — collector bundles: one cluster of a vCenter, the fleet summary.
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

pub mod app;
pub mod catalogue;
pub mod check;
pub mod classes;
pub mod esxi;
pub mod evc;
pub mod exposure;
pub mod fleet;
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
