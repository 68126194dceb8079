//! Planning with evcalc's library API: the bundled MDCLEAR example cluster (four Haswell hosts,
//! two VMs) plus two candidate hosts known only from raw CPUID dumps.
//!
//! Run with `cargo run -p evcalc --example plan` (add `-- --json` for the reports as JSON).

use evcalc::check::{self, EvcSetting};
use evcalc::model::Host;
use evcalc::plan;
use evcalc::session::{self, Source};

/// The bundled example and two real dumps, embedded so the example runs from anywhere.
const CLUSTER: &[(&str, &str)] = &[
    (
        "esxi01.txt",
        include_str!("../../examples/mdclear-cluster/esxi01.txt"),
    ),
    (
        "esxi02.txt",
        include_str!("../../examples/mdclear-cluster/esxi02.txt"),
    ),
    (
        "esxi03.txt",
        include_str!("../../examples/mdclear-cluster/esxi03.txt"),
    ),
    (
        "esxi04.txt",
        include_str!("../../examples/mdclear-cluster/esxi04.txt"),
    ),
    (
        "vm-app01-on-esxi01.runtime.txt",
        include_str!("../../examples/mdclear-cluster/vm-app01-on-esxi01.runtime.txt"),
    ),
    (
        "vm-db02-on-esxi02.runtime.txt",
        include_str!("../../examples/mdclear-cluster/vm-db02-on-esxi02.runtime.txt"),
    ),
];
/// Xeon E5-2650 v4 (Broadwell-EP), libvirt cputestdata.
const BROADWELL: &str =
    include_str!("../../tests/data/cpuid/libvirt/x86_64-cpuid-Xeon-E5-2650-v4.xml");
/// Xeon X5667 (Westmere-EP), InstLatX64.
const WESTMERE: &str =
    include_str!("../../tests/data/cpuid/instlatx64/GenuineIntel00206C1_Gulftown_CPUID.txt");

fn main() -> Result<(), String> {
    let json = std::env::args().any(|a| a == "--json");
    let sources: Vec<Source<'_>> = CLUSTER
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    let ws = session::load(&sources);
    if let Some(e) = ws.errors.first() {
        return Err(e.to_string());
    }
    let modes = &ws.modes;
    let current = EvcSetting::Mode(modes.get("intel-haswell").ok_or("no intel-haswell mode")?);

    // Candidates from CPUID dumps: named by the caller, with a `--set` style override.
    let candidates = session::load(&[
        Source {
            name: "new-bdw.xml",
            text: BROADWELL,
        },
        Source {
            name: "old-wsm.txt",
            text: WESTMERE,
        },
    ]);
    if let Some(e) = candidates.errors.first() {
        return Err(e.to_string());
    }
    let mut bdw: Host = candidates.hosts[0].clone();
    // The libvirt capture predates the MDS microcode; the new server will have it.
    plan::apply_overrides_to_host(
        &mut bdw,
        &[plan::parse_override("cpuid.MDCLEAR=1").map_err(|e| e.to_string())?],
    );
    let wsm: Host = candidates.hosts[1].clone();

    let print = |title: &str, text: String, value: serde_json::Value| {
        if json {
            println!(
                "{}",
                serde_json::json!({ "question": title, "answer": value })
            );
        } else {
            println!("== {title}\n{text}\n");
        }
    };

    // Every CPU: highest mode and what blocks the next one.
    for h in ws.hosts.iter().chain([&bdw, &wsm]) {
        let r = check::host_report(h, modes);
        let next: Vec<String> = r
            .next_mode_blockers
            .iter()
            .map(|b| {
                format!(
                    "{} needs {}",
                    b.mode,
                    b.missing
                        .iter()
                        .map(|f| f.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        print(
            &format!("highest EVC mode of {}", h.name),
            format!(
                "{}: {} ({})",
                h.name,
                r.max_evc_mode.as_deref().unwrap_or("none"),
                next.join("; ")
            ),
            serde_json::json!({ "host": r.name, "max_evc_mode": r.max_evc_mode, "next_mode_blockers": r.next_mode_blockers }),
        );
    }

    let r = plan::add_host(&ws.hosts, &bdw, current, &ws.vms, modes);
    print("add new-bdw", r.summary.clone(), to_json(&r));
    let r = plan::add_host(&ws.hosts, &wsm, current, &ws.vms, modes);
    print("add old-wsm", r.summary.clone(), to_json(&r));
    let r = plan::remove_host(&ws.hosts, "esxi01", current, &ws.vms, modes)
        .map_err(|e| e.to_string())?;
    print("remove esxi01", r.summary.clone(), to_json(&r));

    let mut with_bdw = ws.hosts.clone();
    with_bdw.push(bdw.clone());
    let broadwell = EvcSetting::Mode(
        modes
            .get("intel-broadwell")
            .ok_or("no intel-broadwell mode")?,
    );
    let r = plan::change_mode(&with_bdw, &ws.vms, current, broadwell, modes);
    print("raise to intel-broadwell", r.summary.clone(), to_json(&r));
    let sandy = EvcSetting::Mode(
        modes
            .get("intel-sandybridge")
            .ok_or("no intel-sandybridge mode")?,
    );
    let r = plan::change_mode(&ws.hosts, &ws.vms, current, sandy, modes);
    let blocking: Vec<String> = r
        .vms_blocking
        .iter()
        .map(|v| {
            format!(
                "{} uses {}",
                v.vm,
                v.features
                    .iter()
                    .map(|f| f.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    print(
        "lower to intel-sandybridge",
        format!("{}\n{}", r.summary, blocking.join("\n")),
        to_json(&r),
    );
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
