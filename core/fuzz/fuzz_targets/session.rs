//! Fuzzes the whole front-end path: `session::load` of one or more inputs (the data split at
//! `0xff` bytes, never valid UTF-8, into up to 8 files), EVC choice, then the cluster answer
//! (`app::cluster_in`), every host report and every VM report on the result.
#![no_main]

use evcalc::check;
use evcalc::session::{self, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let texts: Vec<String> = data
        .split(|&b| b == 0xff)
        .take(8)
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect();
    let names: Vec<String> = (0..texts.len()).map(|i| format!("input{i}.txt")).collect();
    let sources: Vec<Source<'_>> = texts.iter().zip(&names).map(|(t, n)| Source { name: n, text: t }).collect();
    let ws = session::load(&sources);
    for e in &ws.errors {
        assert!(e.line >= 1 && e.col >= 1, "{e}");
    }
    let _ = session::choose_evc(None, &ws.hosts, &ws.modes).expect("choosing EVC without an argument never fails");
    let mut ws = ws;
    let answer = evcalc::app::cluster_in(&mut ws, &evcalc::app::Request::default(), Vec::new());
    assert_eq!(answer.hosts.len(), ws.hosts.len());
    for host in &ws.hosts {
        let _ = check::host_report(host, &ws.modes);
    }
    for vm in &ws.vms {
        let _ = check::vm_report(vm, &ws.modes);
    }
});
