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

pub mod catalogue;
pub mod evc;
pub mod input;
pub mod parse;
pub mod value;
