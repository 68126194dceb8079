//! Embeds the bundled example (`examples/mdclear-cluster/*.txt`) into the module: generates
//! `$OUT_DIR/example.rs` with one `include_str!` per file, sorted by name, so the example the
//! page loads is exactly what is in the repository: the host dumps, esxi01's
//! `/etc/vmware/config` and the VM runtime files. Left out: `grep-*.txt` transcripts, which
//! repeat the hosts as fragments (they would appear as extra hosts).

use std::{env, fs, path::PathBuf};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = manifest.join("../examples/mdclear-cluster");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.is_file()
            && p.extension().is_some_and(|e| e == "txt")
            && !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("grep-"))
    });
    files.sort();
    let mut out = String::from(
        "/// The bundled example: (file name, text).\npub const EXAMPLE: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.canonicalize().unwrap().display().to_string()
        ));
    }
    out.push_str("];\n");
    fs::write(
        PathBuf::from(env::var("OUT_DIR").unwrap()).join("example.rs"),
        out,
    )
    .unwrap();
}
