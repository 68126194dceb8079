//! Bench inputs generated from the real fixtures (nothing generated is committed).
//!
//! * Hosts: the real VMware Cloud on AWS host (`tests/data/real/govc/object.save-vmc-sddc/
//!   0082-HostSystem-host-14.xml`, Broadwell) and the four hosts of the bundled example
//!   (`examples/mdclear-cluster/esxi0[1-4].txt`, Haswell-EP, MDCLEAR on esxi01 only), copied
//!   round-robin under new names, with some feature variation (see [`hosts`]).
//! * VMs: the seven real govc VMs of the same SDDC and the two example VMs
//!   (`examples/mdclear-cluster/vm-*.runtime.txt`), copied round-robin under new names.
//!
//! Bench code may read files; the library (`core`) itself never does.

#![allow(dead_code)]

use evcalc::catalogue::catalogue;
use evcalc::check::EvcSetting;
use evcalc::evc::ModeCatalogue;
use evcalc::model::{Host, Vm};
use evcalc::session::{self, Source, Workspace};
use std::path::{Path, PathBuf};

pub const REAL_HOST: &str = "tests/data/real/govc/object.save-vmc-sddc/0082-HostSystem-host-14.xml";
pub const EXAMPLE_HOST: &str = "examples/mdclear-cluster/esxi01.txt";
pub const EXAMPLE_HOSTS: [&str; 4] = [
    "examples/mdclear-cluster/esxi01.txt",
    "examples/mdclear-cluster/esxi02.txt",
    "examples/mdclear-cluster/esxi03.txt",
    "examples/mdclear-cluster/esxi04.txt",
];
pub const EXAMPLE_VMS: [&str; 2] = [
    "examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt",
    "examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt",
];
pub const REAL_VM_DIR: &str = "tests/data/real/govc/object.save-vmc-sddc";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("core/ has a parent")
        .to_path_buf()
}

pub fn read(relative: &str) -> String {
    let path = repo().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The real `*VirtualMachine*.xml` files, sorted.
pub fn real_vm_files() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(repo().join(REAL_VM_DIR))
        .expect("real govc fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("VirtualMachine") && n.ends_with(".xml"))
        .map(|n| format!("{REAL_VM_DIR}/{n}"))
        .collect();
    out.sort();
    out
}

pub fn load(relatives: &[String]) -> Workspace {
    let texts: Vec<(String, String)> = relatives.iter().map(|r| (r.clone(), read(r))).collect();
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    let ws = session::load(&sources);
    assert!(
        ws.errors.is_empty(),
        "fixtures failed to load: {:#?}",
        ws.errors
    );
    ws
}

/// The five real/example hosts: host-14 (Broadwell), esxi01 … esxi04 (Haswell-EP).
pub fn base_hosts() -> Vec<Host> {
    let mut files = vec![REAL_HOST.to_string()];
    files.extend(EXAMPLE_HOSTS.iter().map(|s| s.to_string()));
    let ws = load(&files);
    assert_eq!(ws.hosts.len(), 5, "expected five base hosts");
    ws.hosts
}

/// The nine real/example VMs (seven govc VMs of the SDDC, two example VMs).
pub fn base_vms() -> Vec<Vm> {
    let mut files = real_vm_files();
    files.extend(EXAMPLE_VMS.iter().map(|s| s.to_string()));
    let ws = load(&files);
    assert!(
        ws.vms.len() >= 9,
        "expected at least nine base VMs, got {}",
        ws.vms.len()
    );
    assert!(
        ws.vms.iter().all(|v| !v.requirements.all.is_empty()),
        "every base VM has requirements"
    );
    ws.vms
}

/// A tiny deterministic generator (no `rand` dependency).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// `n` hosts: renamed copies of the base hosts (round-robin), with feature variation in the
/// features EVC passes through (so the cluster's EVC mode stays intel-haswell): about one host
/// in five has MDCLEAR toggled (microcode drift, the incident's cause), one in seven lacks one
/// of its other mitigations (IBRS/IBPB/STIBP/SSBD/FCMD). Deterministic.
pub fn hosts(n: usize) -> Vec<Host> {
    vary(&base_hosts(), n)
}

/// `n` hosts of one generation: renamed copies of the real SDDC host (host-14, Broadwell, the
/// host the real VMs run on) with the same feature variation as [`hosts`]. The real and
/// example VMs all fit its EVC level, so blocked moves come from drift alone, as in a real
/// cluster.
pub fn sddc_hosts(n: usize) -> Vec<Host> {
    vary(&base_hosts()[..1], n)
}

fn vary(base: &[Host], n: usize) -> Vec<Host> {
    let cat = catalogue();
    let mdclear = cat.id("cpuid.MDCLEAR");
    let mitigations = [
        "cpuid.IBRS",
        "cpuid.IBPB",
        "cpuid.STIBP",
        "cpuid.SSBD",
        "cpuid.FCMD",
    ]
    .map(|k| cat.id(k));
    let mut rng = Lcg(0x5eed_e7c0);
    (0..n)
        .map(|i| {
            let mut h = base[i % base.len()].clone();
            h.name = format!("esx-{i:05}");
            if i >= base.len() {
                if rng.next().is_multiple_of(5) {
                    if h.caps.present.contains(mdclear) {
                        h.caps.present.remove(mdclear);
                    } else {
                        h.caps.present.insert(mdclear);
                    }
                }
                if rng.next().is_multiple_of(7) {
                    h.caps
                        .present
                        .remove(mitigations[(rng.next() % 5) as usize]);
                }
            }
            h
        })
        .collect()
}

/// `n` VMs: renamed copies of the base VMs (round-robin).
pub fn vms(n: usize) -> Vec<Vm> {
    let base = base_vms();
    (0..n)
        .map(|i| {
            let mut v = base[i % base.len()].clone();
            v.name = format!("vm-{i:05}");
            v
        })
        .collect()
}

/// `n` VMs whose requirement lists all differ: the base VMs with a different subset of up to
/// 14 of their requirements dropped each (2^14 > 10,000 combinations), so no two plans can be
/// shared. The worst case for `check::maintenance`'s grouping of identical VMs.
pub fn distinct_vms(n: usize) -> Vec<Vm> {
    let base = base_vms();
    (0..n)
        .map(|i| {
            let mut v = base[i % base.len()].clone();
            v.name = format!("vm-{i:05}");
            let combo = i / base.len();
            let mut all = v.requirements.all.clone();
            let mut bit = 0;
            all.retain(|_| {
                bit += 1;
                bit > 14 || combo & (1 << (bit - 1)) == 0
            });
            v.requirements = evcalc::model::Requirements::from_list(all);
            v
        })
        .collect()
}

/// The EVC mode the CLI would pick without `--evc`: reported by the hosts, else the highest
/// mode all hosts support.
pub fn default_evc<'m>(hosts: &[Host], modes: &'m ModeCatalogue) -> EvcSetting<'m> {
    session::choose_evc(None, hosts, modes)
        .expect("an EVC choice")
        .setting
}

/// `text` repeated until it reaches at least `bytes`, each copy labelled `# name` (the VMODL
/// parser names a dump after a preceding label line) so every copy is a distinct host.
pub fn labelled_copies(text: &str, bytes: usize) -> (String, usize) {
    let mut out = String::with_capacity(bytes + text.len() + 64);
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(&format!("# esxi-copy-{n:04}\n"));
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        n += 1;
    }
    (out, n)
}
