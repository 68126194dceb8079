//! Parser throughput (docs/performance.md). Target: ≥ 200 MB/s on the 2.5 MB real host dump.
//!
//! `cargo bench -p evcalc --bench parse`

mod fleet;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use evcalc::session::{self, Source};
use std::hint::black_box;

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");

    // The 2.5 MB real govc object.save HostSystem (VMware Cloud on AWS, ESXi 8.0.1).
    let xml = fleet::read(fleet::REAL_HOST);
    g.throughput(Throughput::Bytes(xml.len() as u64));
    g.bench_function("govc_xml/host-14 (2.5 MB)", |b| {
        b.iter(|| {
            let parsed = evcalc::parse::parse(black_box(&xml)).expect("parses");
            assert_eq!(parsed.documents.len(), 1);
            parsed
        })
    });
    // The same through the session (detection, parse, resolution into a Host).
    g.bench_function("session::load/host-14 (2.5 MB)", |b| {
        b.iter(|| {
            let ws = session::load(&[Source {
                name: "host-14.xml",
                text: black_box(&xml),
            }]);
            assert_eq!(ws.hosts.len(), 1);
            ws
        })
    });

    // VMODL text: `vim-cmd hostsvc/hostconfig` of the example host, labelled copies to ~3 MB.
    let one = fleet::read(fleet::EXAMPLE_HOST);
    let (vmodl, copies) = fleet::labelled_copies(&one, 3 * 1024 * 1024);
    g.throughput(Throughput::Bytes(vmodl.len() as u64));
    g.bench_function(
        format!(
            "vmodl/esxi01 x{copies} ({:.1} MB)",
            vmodl.len() as f64 / 1e6
        ),
        |b| {
            b.iter(|| {
                let parsed = evcalc::parse::parse(black_box(&vmodl)).expect("parses");
                assert_eq!(parsed.documents.len(), copies);
                parsed
            })
        },
    );
    g.throughput(Throughput::Bytes(one.len() as u64));
    g.bench_function("vmodl/esxi01 (61 KB)", |b| {
        b.iter(|| evcalc::parse::parse(black_box(&one)).expect("parses"))
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
