//! Every fuzz target's body (`core/fuzz/fuzz_targets/common.rs`) replayed on stable Rust over
//! the fixtures `scripts/fuzz.sh` seeds it with and deterministic mutations of them.
//!
//! Coverage-guided fuzzing (`scripts/fuzz.sh`, nightly + cargo-fuzz) finds new inputs; its
//! finds become regression rows in `malformed.rs`. This test keeps the same invariants (no
//! panic; every position inside the text; errors never empty) checked in every test run,
//! deterministically: the same inputs in every run, so it cannot turn CI red by chance.

use crate::fuzz_common::TARGETS;
use evcalc_tests::repo_root;
use std::path::{Path, PathBuf};

/// Seeds per target (evenly spread over the sorted candidates) and mutations per seed.
const SEEDS_PER_TARGET: usize = 24;
const MUTATIONS_PER_SEED: usize = 12;
/// Fixtures are cut to this many bytes (as `scripts/fuzz.sh` runs with `-max_len=65536`).
const MAX_LEN: usize = 16 * 1024;

/// Tokens the mutations insert: the grammar's punctuation and values that broke parsers before.
const TOKENS: &[&str] = &[
    "=",
    "\"",
    "{",
    "}",
    "<",
    ">",
    "[",
    "]",
    ",",
    "\n",
    "\r\n",
    "\t",
    "0x",
    "-1",
    ":",
    "\u{feff}",
    "\0",
    "99999999999999999999",
    "0x1ffffffffffffffff",
    "cpuid.",
    "featMask.evc.cpuid.",
    "Val:1",
    "Bool:Min:1",
    "(vim.host.FeatureCapability) {",
    "key = \"cpuid.MDCLEAR\",",
    "<HostSystem>",
    "== esxi01 ==",
    "é",
    "\u{2028}",
];

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !(name.starts_with("README") || name.ends_with(".tsv") || name.ends_with(".md")) {
                out.push(path);
            }
        }
    }
}

/// The fixtures `scripts/fuzz.sh` seeds `target` with (the same directories and names).
fn seeds(target: &str, all: &[(PathBuf, String)]) -> Vec<PathBuf> {
    let pick = |p: &str| -> bool {
        let malformed = p.starts_with("tests/data/malformed/");
        match target {
            "detect" | "session" => true,
            "vmodl" => {
                malformed
                    || (p.starts_with("examples/mdclear-cluster/")
                        && p.ends_with(".txt")
                        && !p.contains("config"))
                    || p.starts_with("tests/data/real/vim-cmd_")
            }
            "masklines" => {
                malformed
                    || (p.starts_with("examples/mdclear-cluster/") && p.contains("config"))
                    || p.starts_with("tests/data/real/vmx-")
            }
            "govc_xml" => malformed || p.ends_with(".xml"),
            "govc_json" => malformed || p.ends_with(".json"),
            "cpuid_dump" => {
                malformed
                    || ["instlatx64", "libcpuid", "libvirt"]
                        .iter()
                        .any(|d| p.starts_with(&format!("tests/data/cpuid/{d}/")))
                    || (p.starts_with("tests/data/cpuid/local/") && p.contains("cpuid"))
            }
            "cpuinfo" => {
                malformed || (p.starts_with("tests/data/cpuid/local/") && p.contains("cpuinfo"))
            }
            "rvtools" => {
                malformed || (p.starts_with("tests/data/synthetic/rvtools/") && p.ends_with(".csv"))
            }
            "rvtools_xlsx" => p.ends_with(".xlsx"),
            "vmotion_error" => malformed || p.starts_with("tests/data/synthetic/vmotion-errors/"),
            "evc9" => malformed || p.starts_with("tests/data/synthetic/evc9/"),
            "cpuid_reg_masks" => malformed || p.starts_with("tests/data/synthetic/legacy-masks/"),
            "bundle" => {
                malformed
                    || p.starts_with("tests/data/synthetic/bundle/")
                    || (p.starts_with("tests/data/collected/") && p.ends_with(".bundle.json"))
            }
            other => panic!("no seed rule for fuzz target {other}"),
        }
    };
    let candidates: Vec<&PathBuf> = all
        .iter()
        .filter(|(_, rel)| pick(rel))
        .map(|(p, _)| p)
        .collect();
    let step = candidates.len().div_ceil(SEEDS_PER_TARGET).max(1);
    candidates.into_iter().step_by(step).cloned().collect()
}

/// A small deterministic generator (xorshift64*): the same mutations in every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One mutation of `data`: flip a byte, cut a range, insert a token, repeat a line, truncate.
fn mutate(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = data.to_vec();
    let len = out.len();
    match rng.below(5) {
        0 if len > 0 => {
            let at = rng.below(len);
            out[at] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let from = rng.below(len);
            let to = (from + 1 + rng.below(64)).min(len);
            out.drain(from..to);
        }
        2 => {
            let at = rng.below(len + 1);
            let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
            out.splice(at..at, token.iter().copied());
        }
        3 if len > 0 => {
            let at = rng.below(len);
            let start = out[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = out[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(len, |i| at + i + 1);
            let line = out[start..end].to_vec();
            out.splice(end..end, line);
        }
        _ => out.truncate(rng.below(len + 1)),
    }
    out
}

#[test]
fn every_fuzz_target_survives_its_seeds_and_their_mutations() {
    let root = repo_root();
    let mut files = Vec::new();
    files_under(&root.join("examples"), &mut files);
    files_under(&root.join("tests/data"), &mut files);
    files.sort();
    let all: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (p, rel)
        })
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut runs = 0usize;
    for (name, body) in TARGETS {
        let seeds = seeds(name, &all);
        assert!(!seeds.is_empty(), "fuzz target {name} has no seed fixture");
        let mut previous: Vec<u8> = Vec::new();
        for path in seeds {
            let mut data = std::fs::read(&path).unwrap();
            data.truncate(MAX_LEN);
            let mut inputs = vec![data.clone()];
            for _ in 0..MUTATIONS_PER_SEED {
                let last = inputs.last().unwrap().clone();
                inputs.push(mutate(&last, &mut rng));
            }
            if *name == "session" && !previous.is_empty() {
                // Two inputs in one session, as the target splits them at 0xff.
                let mut both = previous.clone();
                both.push(0xff);
                both.extend_from_slice(&data);
                inputs.push(both);
            }
            for input in &inputs {
                let result = std::panic::catch_unwind(|| body(input));
                if result.is_err() {
                    let dump = std::env::temp_dir().join(format!("evcalc-fuzz-replay-{name}.bin"));
                    std::fs::write(&dump, input).unwrap();
                    panic!(
                        "fuzz target {name} panicked on a mutation of {} (input written to {}; replay it with \
                         `cd core && cargo +nightly fuzz run {name} {}`)",
                        path.display(),
                        dump.display(),
                        dump.display()
                    );
                }
                runs += 1;
            }
            previous = data;
        }
    }
    assert!(runs > 1_000, "only {runs} inputs replayed");
}
