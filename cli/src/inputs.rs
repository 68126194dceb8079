//! Files → [`Workspace`]: directory expansion, reading (UTF-8 / UTF-16), `--modes`, and
//! resolving `--from`/`--to`/`--host`/`--vm` arguments that may be a file or a name.

use evcalc::app::workspace::decode_text;
use evcalc::input::Format;
use evcalc::session::{self, InputError, Source, Workspace};
use std::path::{Path, PathBuf};

/// Why a command could not run (exit code 2).
#[derive(Debug)]
pub enum Fail {
    /// Bad arguments: unknown host or mode, missing file, …
    Usage(String),
    /// Inputs that could not be parsed.
    Input(Vec<InputError>),
}

impl From<String> for Fail {
    fn from(s: String) -> Fail {
        Fail::Usage(s)
    }
}

/// One input file, as given on the command line (or found in a directory).
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The path as the user wrote it (joined with the directory for directory members).
    pub display: String,
    pub canonical: PathBuf,
    /// Found in a directory (not named on the command line): skipped with a summary warning
    /// when it is not an evcalc input, instead of failing the run.
    pub member: bool,
    /// `-`: standard input.
    pub stdin: bool,
}

/// Everything loaded for a command.
pub struct Loaded {
    pub ws: Workspace,
    pub files: Vec<InputFile>,
    /// Warnings to print to stderr (`warning: …`) and to put into the JSON `warnings` field.
    pub warnings: Vec<String>,
}

/// The most evcalc reads from one input (file, stream or standard input).
pub const MAX_INPUT_BYTES: usize = session::MAX_INPUT_BYTES;

/// Expands directories (every regular file, sorted, non-recursive, skipping `README*` and hidden
/// files) and checks that plain paths exist. `-` is standard input.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<InputFile>, Fail> {
    let mut out: Vec<InputFile> = Vec::new();
    // Canonical paths already taken: a scan of `out` per file made 20,000 files quadratic.
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if !out.iter().any(|f| f.stdin) {
                out.push(InputFile {
                    display: "-".to_string(),
                    canonical: PathBuf::from("-"),
                    member: false,
                    stdin: true,
                });
            }
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| {
            Fail::Usage(format!("cannot read {}: {}", path.display(), io_reason(&e)))
        })?;
        if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| {
                Fail::Usage(format!(
                    "cannot read directory {}: {}",
                    path.display(),
                    io_reason(&e)
                ))
            })?;
            let mut members: Vec<PathBuf> = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| {
                    Fail::Usage(format!(
                        "cannot read directory {}: {}",
                        path.display(),
                        io_reason(&e)
                    ))
                })?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || name.to_ascii_lowercase().starts_with("readme") {
                    continue;
                }
                let member = entry.path();
                // `file_type` comes from the directory listing (no stat) unless it is a link.
                let is_file = match entry.file_type() {
                    Ok(t) if t.is_file() => true,
                    Ok(t) if t.is_symlink() => {
                        std::fs::metadata(&member).is_ok_and(|m| m.is_file())
                    }
                    _ => false,
                };
                if is_file {
                    members.push(member);
                }
            }
            members.sort();
            if members.is_empty() {
                return Err(Fail::Usage(format!(
                    "directory {} contains no input files",
                    path.display()
                )));
            }
            for m in members {
                push_unique(&mut out, &mut seen, &m, true);
            }
        } else {
            push_unique(&mut out, &mut seen, path, false);
        }
    }
    Ok(out)
}

fn push_unique(
    out: &mut Vec<InputFile>,
    seen: &mut std::collections::HashSet<PathBuf>,
    path: &Path,
    member: bool,
) {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if seen.insert(canonical.clone()) {
        out.push(InputFile {
            display: path.display().to_string(),
            canonical,
            member,
            stdin: false,
        });
    }
}

/// Reads at most the cap plus one byte: regular files are refused by their size before any
/// read, streams (`/dev/zero`, a FIFO, a pipe, standard input) after the cap plus one byte.
/// Memory stays near the cap whatever the input.
pub fn read_bounded(file: &InputFile, cap: usize) -> Result<Vec<u8>, Fail> {
    use std::io::Read;
    let mb = |n: u64| n.div_ceil(1024 * 1024);
    let too_big = |what: String| {
        Fail::Usage(format!(
            "{}: {what}; evcalc reads at most {} MB per input (split the file, or give only the hosts you need)",
            file.display,
            mb(cap as u64)
        ))
    };
    let cannot =
        |e: std::io::Error| Fail::Usage(format!("cannot read {}: {}", file.display, io_reason(&e)));
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    if file.stdin {
        bytes.reserve(cap.min(1 << 20));
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        if bytes.len() > cap {
            return Err(too_big(format!(
                "more than {} MB on standard input",
                mb(cap as u64)
            )));
        }
        return Ok(bytes);
    }
    let f = std::fs::File::open(&file.canonical).map_err(cannot)?;
    let meta = f.metadata().map_err(cannot)?;
    if meta.is_file() {
        if meta.len() > cap as u64 {
            return Err(too_big(format!("the file is {} MB", mb(meta.len()))));
        }
        bytes.reserve(usize::try_from(meta.len()).unwrap_or(cap).min(cap) + 1);
    } else {
        bytes.reserve(cap.min(1 << 20));
    }
    f.take(limit).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() > cap {
        let what = if meta.is_file() {
            "the file grew beyond the cap while it was read".to_string()
        } else {
            format!(
                "more than {} MB from this stream (a device, FIFO or pipe)",
                mb(cap as u64)
            )
        };
        return Err(too_big(what));
    }
    Ok(bytes)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Reads a file as text: UTF-8 (with or without BOM), UTF-16 with BOM (Windows PowerShell's
/// `>` redirection), else UTF-8 with invalid bytes replaced (and a warning).
pub fn read_text(file: &InputFile, warnings: &mut Vec<String>) -> Result<String, Fail> {
    let bytes = read_bounded(file, MAX_INPUT_BYTES)?;
    Ok(decode_text(&file.display, bytes, warnings))
}

/// Why a file found in a directory is not an evcalc input (it is then skipped), if it is not:
/// the core's one rule ([`evcalc::app::workspace::not_an_input`]), which the packages share.
fn not_an_input(file: &InputFile, text: &str) -> Option<&'static str> {
    evcalc::app::workspace::not_an_input(&file.display, text)
}

/// Loads files into one workspace; `--modes FILE` replaces the mode catalogue.
pub fn load(files: Vec<InputFile>, modes_file: Option<&Path>) -> Result<Loaded, Fail> {
    let mut warnings = Vec::new();
    let mut texts = Vec::new();
    let mut kept = Vec::with_capacity(files.len());
    let mut skipped: Vec<String> = Vec::new();
    for f in files {
        let mut file_warnings = Vec::new();
        let bytes = read_bounded(&f, MAX_INPUT_BYTES)?;
        // An .xlsx workbook (RVTools): its vInfo/vHost sheets as CSV texts, each an input
        // named `FILE:SHEET` that goes through format detection like any text.
        if evcalc::parse::rvtools::is_zip(&bytes) {
            match evcalc::parse::rvtools::xlsx_tabs(&bytes) {
                Ok(tabs) => {
                    for (sheet, csv) in tabs {
                        texts.push((format!("{}:{sheet}", f.display), csv));
                    }
                    kept.push(f);
                }
                Err(_) if f.member => skipped.push(format!(
                    "{} (a zip archive that is no RVTools workbook)",
                    f.display.rsplit(['/', '\\']).next().unwrap_or(&f.display)
                )),
                Err(e) => {
                    return Err(Fail::Input(vec![InputError {
                        source: f.display.clone(),
                        line: e.pos.line,
                        col: e.pos.col,
                        message: e.message,
                    }]));
                }
            }
            continue;
        }
        let text = decode_text(&f.display, bytes, &mut file_warnings);
        // Files found in a directory that are no evcalc input (INDEX.tsv, NOTES.txt, a
        // `:Zone.Identifier`, a binary) are skipped; files named on the command line stay strict.
        if f.member
            && let Some(why) = not_an_input(&f, &text)
        {
            skipped.push(format!(
                "{} ({why})",
                f.display.rsplit(['/', '\\']).next().unwrap_or(&f.display)
            ));
            continue;
        }
        warnings.append(&mut file_warnings);
        texts.push((f.display.clone(), text));
        kept.push(f);
    }
    let files = kept;
    if !skipped.is_empty() {
        warnings.push(evcalc::app::workspace::skipped_warning(&skipped));
        if files.is_empty() {
            return Err(Fail::Usage(format!(
                "no evcalc input among the files given ({})",
                skipped.join(", ")
            )));
        }
    }
    // A workbook's sheets carry their own names (`FILE:SHEET`).
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    let mut ws = session::load(&sources);
    if !ws.errors.is_empty() {
        return Err(Fail::Input(ws.errors));
    }
    if let Some(path) = modes_file {
        ws.modes = load_modes(path, &mut warnings)?;
    }
    // (A grep fragment of a host loaded in full is folded into it by `session::load`.)
    for input in &ws.inputs {
        for w in &input.warnings {
            warnings.push(format!("{}: {w}", input.source));
        }
        if input.format == Some(Format::SupportedEvcModeJson) && modes_file.is_none() {
            warnings.push(format!(
                "{}: using this SupportedEVCMode export instead of the built-in EVC modes",
                input.source
            ));
        }
    }
    for (source, _) in &ws.loose_evc_masks {
        warnings.push(format!(
            "{source}: featMask.evc.* lines not attached to any host (start the file name with the host name, \
             e.g. esxi01-config.txt); they are ignored"
        ));
    }
    Ok(Loaded {
        ws,
        files,
        warnings,
    })
}

/// Loads a SupportedEVCMode export given with `--modes`.
pub fn load_modes(
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<evcalc::evc::ModeCatalogue, Fail> {
    let file = expand(&[path.to_path_buf()])?;
    let [file] = file.as_slice() else {
        return Err(Fail::Usage(format!(
            "--modes expects one file, {} is a directory",
            path.display()
        )));
    };
    let text = read_text(file, warnings)?;
    let ws = session::load(&[Source {
        name: &file.display,
        text: &text,
    }]);
    if !ws.errors.is_empty() {
        return Err(Fail::Input(ws.errors));
    }
    if ws
        .inputs
        .iter()
        .any(|i| i.format == Some(Format::SupportedEvcModeJson))
        || ws.modes.source == file.display
    {
        Ok(ws.modes)
    } else {
        Err(Fail::Usage(format!(
            "--modes {}: no SupportedEVCMode export found (expected PowerCLI \
             `(Get-View ServiceInstance).Capability.SupportedEVCMode | ConvertTo-Json -Depth 5`)",
            file.display
        )))
    }
}

impl Loaded {
    /// The files among the loaded ones that `spec` names, if `spec` is an existing path.
    fn files_for(&self, spec: &str) -> Option<Vec<&InputFile>> {
        let path = Path::new(spec);
        if !path.exists() {
            return None;
        }
        let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let found: Vec<&InputFile> = self
            .files
            .iter()
            .filter(|f| {
                f.canonical == canon
                    || (path.is_dir() && f.canonical.parent() == Some(canon.as_path()))
            })
            .collect();
        Some(found)
    }

    /// What a `--vm` argument names for the application layer: the inputs of a file or directory
    /// that hold VMs (all of them when none does, so that the answer says so), else the argument
    /// itself (a VM name).
    pub fn vm_specs(&self, spec: &str) -> Vec<String> {
        match self.files_for(spec) {
            Some(files) if !files.is_empty() => {
                let with_vms: Vec<String> = files
                    .iter()
                    .filter(|f| self.ws.vms.iter().any(|v| v.source == f.display))
                    .map(|f| f.display.clone())
                    .collect();
                if with_vms.is_empty() {
                    vec![files[0].display.clone()]
                } else {
                    with_vms
                }
            }
            _ => vec![spec.to_string()],
        }
    }

    /// Index into `ws.hosts` of the host `spec` names: a file holding exactly one host, a host
    /// name (case-insensitive; the short name before the first dot also matches), or the file
    /// stem of the host's input.
    pub fn host_index(&self, spec: &str, option: &str) -> Result<usize, Fail> {
        let hosts = &self.ws.hosts;
        if let Some(files) = self.files_for(spec) {
            let idx: Vec<usize> = (0..hosts.len())
                .filter(|&i| files.iter().any(|f| f.display == hosts[i].source))
                .collect();
            return match idx.as_slice() {
                [one] => Ok(*one),
                [] => Err(Fail::Usage(format!(
                    "{option} {spec}: the file contains no host dump"
                ))),
                many => Err(Fail::Usage(format!(
                    "{option} {spec}: the file contains {} hosts ({}); give one of these names instead",
                    many.len(),
                    many.iter()
                        .map(|&i| hosts[i].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            };
        }
        let names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
        match evcalc::names::find_by_name(spec, &names, |i| session::stem(&hosts[i].source)) {
            Ok(i) => Ok(i),
            Err(reason) => Err(Fail::Usage(format!(
                "{option} {spec}: {}; loaded hosts: {}",
                reason.map_or_else(
                    || "no host of that name and no such file".to_string(),
                    |m| format!("ambiguous, matches {}", m.join(", "))
                ),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))),
        }
    }
}
