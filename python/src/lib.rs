//! `evcalc._evcalc`: the private native module of the Python package `evcalc` (`python/evcalc/`
//! is the public layer). It holds no rule of its own: a `Workspace` wraps the core's
//! [`evcalc::app::workspace::Workspace`] and answers with the core's JSON; the Python layer reads
//! files, turns options into JSON and refusals into exceptions.
//!
//! The GIL is released while the core parses and answers ([`Python::detach`]), so other Python
//! threads run meanwhile; a workspace answers one question at a time (a mutex), several
//! workspaces in parallel.

use evcalc::app::OwnedSource;
use evcalc::app::workspace::{self, Workspace as Core};
use pyo3::prelude::*;
use std::sync::{Mutex, MutexGuard};

/// Inputs loaded once, asked several questions. Made by `load`; answers are JSON text.
#[pyclass(module = "evcalc._evcalc", frozen)]
struct Workspace {
    inner: Mutex<Core>,
}

impl Workspace {
    fn core(&self) -> MutexGuard<'_, Core> {
        // A panic inside the core while answering cannot leave the workspace half-changed in a
        // way a later question sees (every question replaces what it sets), so a poisoned lock
        // is taken as it is.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[pymethods]
impl Workspace {
    /// Parses `(name, text)` inputs; `warnings` are the caller's own from reading them (kept
    /// first, as the CLI does).
    #[staticmethod]
    #[pyo3(signature = (inputs, warnings = Vec::new()))]
    fn load(py: Python<'_>, inputs: Vec<(String, String)>, warnings: Vec<String>) -> Workspace {
        py.detach(|| {
            let inputs = inputs
                .into_iter()
                .map(|(name, text)| OwnedSource { name, text })
                .collect();
            Workspace {
                inner: Mutex::new(Core::load_with_warnings(inputs, warnings)),
            }
        })
    }

    /// `{"inputs": [...], "errors": [...], "warnings": [...]}` of loading, as JSON.
    fn load_report(&self, py: Python<'_>) -> String {
        py.detach(|| self.core().load_report_json())
    }

    /// Asks a question (`hosts`, `vms`, `cluster`, `check`, `maintenance`, `plan`) with its
    /// options as a JSON object; returns the answer, `{"refused": ...}` or
    /// `{"request_error": ...}` as JSON (see the core's `Workspace::ask_json`).
    fn ask(&self, py: Python<'_>, question: &str, options_json: &str) -> String {
        py.detach(|| self.core().ask_json(question, options_json))
    }
}

/// Bytes of a file → `(text, warnings)` exactly as the CLI reads files (UTF-8 with or without
/// BOM, UTF-16 with BOM, else UTF-8 with invalid bytes replaced and a warning naming `name`).
#[pyfunction]
fn decode_text(py: Python<'_>, name: &str, data: &[u8]) -> (String, Vec<String>) {
    py.detach(|| {
        let mut warnings = Vec::new();
        let text = workspace::decode_text(name, data.to_vec(), &mut warnings);
        (text, warnings)
    })
}

/// Why a file found in a directory is not an evcalc input (the CLI skips it), or `None`.
#[pyfunction]
fn not_an_input(name: &str, text: &str) -> Option<&'static str> {
    workspace::not_an_input(name, text)
}

/// The CLI's warning for the directory members skipped (`FILE (why)` each).
#[pyfunction]
fn skipped_warning(skipped: Vec<String>) -> String {
    workspace::skipped_warning(&skipped)
}

#[pymodule]
fn _evcalc(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Workspace>()?;
    m.add_function(wrap_pyfunction!(decode_text, m)?)?;
    m.add_function(wrap_pyfunction!(not_an_input, m)?)?;
    m.add_function(wrap_pyfunction!(skipped_warning, m)?)?;
    Ok(())
}
