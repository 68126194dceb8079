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

/// One VM → host check as the tests read it, from the engine's one check
/// ([`evcalc::check::check_outcome`] on a prepared destination) and the destination's
/// admission: the fields the former version-1 report had, computed the one way.
#[derive(Debug, Clone)]
pub struct Checked {
    pub verdict: evcalc::report::Verdict,
    /// `verdict == compatible`.
    pub compatible: bool,
    pub missing: Vec<evcalc::report::Missing>,
    pub unknown: Vec<evcalc::report::UnknownItem>,
    pub admission: Option<evcalc::report::Admission>,
    pub vhw_blocker: Option<String>,
    /// The VM's requirements a fragmentary destination does not show.
    pub unknown_on_destination: Vec<String>,
}

/// Checks `vm` against `dest` under `evc` (see [`Checked`]).
pub fn check_vm(
    vm: &evcalc::model::Vm,
    dest: &evcalc::model::Host,
    evc: evcalc::check::EvcSetting<'_>,
) -> Checked {
    let prepared = evcalc::check::Prepared::of(dest, evc);
    let o = evcalc::check::check_outcome(vm, &prepared);
    Checked {
        verdict: o.verdict,
        compatible: o.verdict == evcalc::report::Verdict::Compatible,
        missing: o.missing_entries().cloned().collect(),
        unknown: o.unknown.clone(),
        admission: prepared.admission().cloned(),
        vhw_blocker: o.vhw_blocker.as_deref().map(str::to_string),
        unknown_on_destination: evcalc::check::unjudged_on(vm, &prepared),
    }
}

/// The cluster answer (contract v2) for an already loaded workspace under an EVC mode key
/// (`"none"` for EVC disabled), through the application layer.
pub fn cluster_of(ws: &mut evcalc::session::Workspace, evc: &str) -> evcalc::app::ClusterAnswer {
    let request = evcalc::app::Request {
        evc: Some(evc.to_string()),
        ..Default::default()
    };
    evcalc::app::cluster_in(ws, &request, Vec::new())
}

/// The maintenance answer (contract v2) of `host` in an already loaded workspace under an EVC
/// mode key (`"none"`: disabled), optionally a per-VM mode, through the application layer.
pub fn maintenance_of(
    ws: &mut evcalc::session::Workspace,
    host: &str,
    evc: &str,
    per_vm: Option<&str>,
) -> evcalc::app::maintenance::MaintenanceAnswer {
    let request = evcalc::app::maintenance::MaintenanceRequest {
        request: evcalc::app::Request {
            evc: Some(evc.to_string()),
            per_vm_evc: per_vm.map(str::to_string),
            ..Default::default()
        },
        host: host.to_string(),
        vms: Vec::new(),
    };
    evcalc::app::maintenance::answer_in(ws, &request, Vec::new())
}

/// The blocking feature keys of a maintenance answer's VM group `vm` on its destination `d`.
pub fn plan_blocker_keys(
    a: &evcalc::app::maintenance::MaintenanceAnswer,
    vm: usize,
    d: usize,
) -> Vec<String> {
    let plan = a.plan.as_ref().expect("a plan");
    plan.vms[vm].destinations[d]
        .blockers
        .iter()
        .map(|&b| a.blockers[b as usize].key.clone())
        .collect()
}

/// The request key of an EVC setting (`none` for disabled).
pub fn evc_key(evc: evcalc::check::EvcSetting<'_>) -> String {
    evc.key().unwrap_or_else(|| "none".to_string())
}

/// The host-level verdict matrix of the cluster answer (the diagonal is compatible).
pub fn matrix_verdicts(
    ws: &evcalc::session::Workspace,
    evc: evcalc::check::EvcSetting<'_>,
) -> Vec<Vec<evcalc::report::Verdict>> {
    let mut ws = ws.clone();
    let a = cluster_of(&mut ws, &evc_key(evc));
    let n = a.hosts.len();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    a.host_cell(i, j)
                        .map_or(evcalc::report::Verdict::Compatible, |c| c.verdict)
                })
                .collect()
        })
        .collect()
}

/// The blockers of the cell from host `from` to host `to` of a cluster answer.
pub fn cell_blockers(
    a: &evcalc::app::ClusterAnswer,
    from: usize,
    to: usize,
) -> Vec<evcalc::app::Blocker> {
    a.host_cell(from, to)
        .map(|c| {
            c.blockers
                .iter()
                .map(|&b| a.blockers[b as usize].clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The maintenance plan of `host` under `evc` on a copy of `ws` (its loaded VMs, else "any VM").
pub fn maintenance_plan(
    ws: &evcalc::session::Workspace,
    host: &str,
    evc: evcalc::check::EvcSetting<'_>,
) -> evcalc::app::MaintenancePlan {
    let mut ws = ws.clone();
    let a = maintenance_of(&mut ws, host, &evc_key(evc), None);
    a.plan
        .unwrap_or_else(|| panic!("no plan for {host}: {:?}", a.option_errors))
}

/// `check --from from --to to` over fixture files through the application boundary (the
/// workspace the CLI, Python and npm ask): request → answer, no engine internals.
pub fn check_answer(
    files: &[&str],
    from: &str,
    to: &str,
    evc: Option<&str>,
    per_vm_evc: Option<&str>,
) -> evcalc::app::check::CheckAnswer {
    let files: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    let request = request_of(&files, None);
    let mut ws = evcalc::app::workspace::Workspace::load(request.inputs);
    assert!(ws.errors().is_empty(), "{:#?}", ws.errors());
    ws.check(&evcalc::app::check::CheckRequest {
        request: evcalc::app::Request {
            evc: evc.map(str::to_string),
            per_vm_evc: per_vm_evc.map(str::to_string),
            ..Default::default()
        },
        from: Some(from.to_string()),
        to: to.to_string(),
        vm: None,
        to_evc: None,
    })
}

/// The blockers of a check answer's move.
pub fn move_blockers(a: &evcalc::app::check::CheckAnswer) -> Vec<&evcalc::app::Blocker> {
    a.check
        .as_ref()
        .map(|m| {
            m.blockers
                .iter()
                .map(|&b| &a.blockers[b as usize])
                .collect()
        })
        .unwrap_or_default()
}
