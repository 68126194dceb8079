//! Shared helpers for the integration tests (`tests/it/`): fixture paths and loading.
//!
//! Fixtures live in `tests/data/` (real data, provenance in `tests/data/README.md`) and in
//! `examples/` (the bundled example cluster). Nothing here reads outside the repository.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Reads a file relative to the repository root.
pub fn read(relative: &str) -> String {
    let path = repo_root().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

/// Every regular file (sorted) in a directory relative to the repository root, skipping READMEs.
pub fn files_in(relative_dir: &str) -> Vec<String> {
    let dir = repo_root().join(relative_dir);
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("README") && !n.starts_with('.'))
        .map(|n| format!("{relative_dir}/{n}"))
        .collect();
    out.sort();
    out
}

/// Loads fixtures into a workspace; panics with the errors if any input fails to parse.
pub fn load(relatives: &[&str]) -> evcalc::session::Workspace {
    let texts: Vec<(String, String)> = relatives.iter().map(|r| (r.to_string(), read(r))).collect();
    let sources: Vec<evcalc::session::Source<'_>> = texts
        .iter()
        .map(|(n, t)| evcalc::session::Source { name: n, text: t })
        .collect();
    let ws = evcalc::session::load(&sources);
    assert!(
        ws.errors.is_empty(),
        "fixtures failed to load: {:#?}",
        ws.errors
    );
    ws
}

/// The four host dumps of the bundled MDCLEAR example.
pub const MDCLEAR_HOSTS: [&str; 4] = [
    "examples/mdclear-cluster/esxi01.txt",
    "examples/mdclear-cluster/esxi02.txt",
    "examples/mdclear-cluster/esxi03.txt",
    "examples/mdclear-cluster/esxi04.txt",
];

/// A request over fixture files (read relative to the repository root) with an optional EVC mode.
pub fn request_of(files: &[String], evc: Option<&str>) -> evcalc::session::Request {
    evcalc::session::Request {
        inputs: files
            .iter()
            .map(|f| evcalc::session::OwnedSource {
                name: f.clone(),
                text: read(f),
            })
            .collect(),
        evc: evc.map(str::to_string),
        ..Default::default()
    }
}
