//! One paste, many hosts (issue 10, item 2): every boundary shape real terminals produce, with
//! CRLF and without, two blocks per host (`featureCapability`, then `maskedFeatureCapability`,
//! grep's `--` between them) and one. Asserts what `session::load` returns — host count, names,
//! raw and masked values — not verdicts.
//!
//! The four hosts are the bundled incident's (`examples/mdclear-cluster/`): esxi01 MDCLEAR raw 1
//! masked 1, esxi02–04 raw 0 masked 0. The two-block LF transcripts are also files in
//! `tests/data/transcripts/` (one per shape) for the page's tests; `EVCALC_WRITE_FIXTURES=1`
//! rewrites them, and the test checks that they match.

use evcalc::session::{self, Source, Workspace};
use evcalc_tests::{read, repo_root};

const HOSTS: [(&str, u64); 4] = [("esxi01", 1), ("esxi02", 0), ("esxi03", 0), ("esxi04", 0)];
const COMMAND: &str = "vim-cmd hostsvc/hostconfig | grep -A 2 MDCLEAR";

/// `grep -A 2 MDCLEAR` output of one host: one block (featureCapability) or two.
fn grep_output(value: u64, blocks: usize) -> String {
    let block = format!(
        "         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n         value = \"{value}\"\n      }},\n"
    );
    let mut out = block.clone();
    for _ in 1..blocks {
        out.push_str("--\n");
        out.push_str(&block);
    }
    out
}

/// The boundary shapes: (fixture file stem, expected names (`None` = "host 1…4"), builder).
type Builder = fn(usize) -> String;

fn per_host(blocks: usize, head: impl Fn(&str) -> String, tail: &str) -> String {
    let mut out = String::new();
    for (name, value) in HOSTS {
        out.push_str(&head(name));
        out.push_str(&grep_output(value, blocks));
    }
    out.push_str(tail);
    out
}

fn shapes() -> Vec<(&'static str, bool, Builder)> {
    vec![
        ("esxi-prompt", true, |b| {
            per_host(
                b,
                |h| format!("[root@{h}:~] {COMMAND}\n"),
                "[root@esxi04:~] \n",
            )
        }),
        ("repeated-prompt-no-names", false, |b| {
            per_host(b, |_| format!("~ # {COMMAND}\n"), "~ # \n")
        }),
        ("root-hash-prompt", true, |b| {
            per_host(b, |h| format!("root@{h}:~# {COMMAND}\n"), "")
        }),
        ("host-hash-prompt", true, |b| {
            per_host(b, |h| format!("{h} # {COMMAND}\n"), "")
        }),
        ("jump-host", true, |b| {
            per_host(
                b,
                |h| format!("admin@jump01:~$ ssh root@{h} '{COMMAND}'\n"),
                "admin@jump01:~$ \n",
            )
        }),
        ("ssh-loop-equals", true, |b| {
            format!(
                "admin@jump01:~$ for h in esxi01 esxi02 esxi03 esxi04; do echo \"== $h\"; ssh root@$h '{COMMAND}'; done\n{}",
                per_host(b, |h| format!("== {h}\n"), "")
            )
        }),
        ("dashes-header", true, |b| {
            per_host(b, |h| format!("--- {h} ---\n"), "")
        }),
        ("ansible", true, |b| {
            format!(
                "$ ansible esxi -m raw -a '{COMMAND}'\n{}",
                per_host(b, |h| format!("{h} | CHANGED | rc=0 >>\n"), "")
            )
        }),
        ("pdsh", true, |b| {
            let mut out = format!("$ pdsh -w esxi0[1-4] '{COMMAND}'\n");
            for (name, value) in HOSTS {
                for line in grep_output(value, b).lines() {
                    out.push_str(&format!("{name}: {line}\n"));
                }
            }
            out
        }),
        ("pdsh-interleaved", true, |b| {
            let outputs: Vec<Vec<String>> = HOSTS
                .iter()
                .map(|(_, v)| grep_output(*v, b).lines().map(str::to_string).collect())
                .collect();
            let mut out = String::new();
            for i in 0..outputs[0].len() {
                for (h, lines) in HOSTS.iter().zip(&outputs) {
                    out.push_str(&format!("{}: {}\n", h.0, lines[i]));
                }
            }
            out
        }),
        ("dshbak", true, |b| {
            per_host(
                b,
                |h| format!("----------------\n{h}\n----------------\n"),
                "",
            )
        }),
        ("tail-headers", true, |b| {
            per_host(b, |h| format!("==> {h}.txt <==\n"), "")
        }),
    ]
}

fn load(name: &str, text: &str) -> Workspace {
    session::load(&[Source { name, text }])
}

fn assert_hosts(ws: &Workspace, named: bool, blocks: usize, what: &str) {
    assert!(ws.errors.is_empty(), "{what}: {:?}", ws.errors);
    let names: Vec<&str> = ws.hosts.iter().map(|h| h.name.as_str()).collect();
    let expected: Vec<String> = if named {
        HOSTS.iter().map(|(n, _)| n.to_string()).collect()
    } else {
        (1..=4).map(|i| format!("host {i}")).collect()
    };
    assert_eq!(names, expected, "{what}");
    assert_eq!(ws.host_inputs.len(), 4, "{what}");
    for ((_, value), input) in HOSTS.iter().zip(&ws.host_inputs) {
        assert!(input.fragment, "{what}: a grep output is a fragment");
        let raw: Vec<(&str, u64)> = input
            .capabilities
            .iter()
            .map(|e| (e.key.as_str(), e.value))
            .collect();
        assert_eq!(raw, [("cpuid.MDCLEAR", *value)], "{what}: raw");
        let masked: Vec<(&str, u64)> = input
            .masked_capabilities
            .iter()
            .map(|e| (e.key.as_str(), e.value))
            .collect();
        if blocks == 2 {
            assert_eq!(masked, [("cpuid.MDCLEAR", *value)], "{what}: masked");
        } else {
            assert!(
                masked.is_empty(),
                "{what}: one block is featureCapability only"
            );
        }
    }
    for host in &ws.hosts {
        assert!(host.is_fragment(), "{what}: {}", host.name);
    }
}

#[test]
fn every_boundary_shape_gives_four_hosts_with_raw_and_masked_values() {
    for (stem, named, build) in shapes() {
        for blocks in [1, 2] {
            for crlf in [false, true] {
                let mut text = build(blocks);
                if crlf {
                    text = text.replace('\n', "\r\n");
                }
                let what = format!(
                    "{stem}, {blocks} block(s){}",
                    if crlf { ", CRLF" } else { "" }
                );
                assert_hosts(&load("paste", &text), named, blocks, &what);
            }
        }
    }
}

#[test]
fn fixtures_match_the_shapes() {
    let dir = repo_root().join("tests/data/transcripts");
    let write = std::env::var_os("EVCALC_WRITE_FIXTURES").is_some();
    for (stem, named, build) in shapes() {
        let path = format!("tests/data/transcripts/{stem}.txt");
        let text = build(2);
        if write {
            std::fs::create_dir_all(&dir).expect("create tests/data/transcripts");
            std::fs::write(repo_root().join(&path), &text).expect("write fixture");
        }
        assert_eq!(
            read(&path),
            text,
            "{path} is out of date: EVCALC_WRITE_FIXTURES=1 cargo test -p evcalc-tests transcripts"
        );
        assert_hosts(&load(&path, &text), named, 2, &path);
    }
}

#[test]
fn the_bundled_grep_transcript_is_four_hosts() {
    let text = read("examples/mdclear-cluster/grep-MDCLEAR.txt");
    assert_hosts(
        &load("grep-MDCLEAR.txt", &text),
        true,
        2,
        "examples/mdclear-cluster/grep-MDCLEAR.txt",
    );
}

#[test]
fn a_third_value_for_one_key_is_an_error_naming_the_lines() {
    // Two hosts' output run together without a prompt between them.
    let text = format!(
        "[root@esxi01:~] {COMMAND}\n{}--\n{}",
        grep_output(1, 2),
        grep_output(0, 1)
    );
    let ws = load("paste", &text);
    assert_eq!(
        ws.errors.len(),
        1,
        "{:?}",
        ws.hosts.iter().map(|h| &h.name).collect::<Vec<_>>()
    );
    let e = &ws.errors[0];
    assert_eq!(e.line, 12);
    assert!(
        e.message.contains("third time") && e.message.contains("lines 2, 7 and 12"),
        "{}",
        e.message
    );
}

#[test]
fn a_prompt_without_output_is_a_host_whose_features_are_unknown() {
    // ESXi 7/8 print `cpuid.mdclear`: a case-sensitive grep prints nothing there.
    let text = format!(
        "[root@esxi01:~] {COMMAND}\n{}[root@esxi02:~] {COMMAND}\n[root@esxi03:~] {COMMAND}\n{}[root@esxi03:~] \n",
        grep_output(1, 2),
        grep_output(0, 2)
    );
    let ws = load("paste", &text);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    let names: Vec<&str> = ws.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["esxi01", "esxi02", "esxi03"]);
    let esxi02 = &ws.host_inputs[1];
    assert!(
        esxi02.fragment && esxi02.capabilities.is_empty() && esxi02.masked_capabilities.is_empty()
    );
    let warnings = ws.inputs[0]
        .warnings
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        warnings.contains("printed nothing on esxi02") && warnings.contains("grep -i -A 2 mdclear"),
        "{warnings}"
    );
}

#[test]
fn concatenated_full_dumps_are_named_from_their_dumps() {
    let text: String = ["esxi01", "esxi02", "esxi03", "esxi04"]
        .iter()
        .map(|h| read(&format!("examples/mdclear-cluster/{h}.txt")))
        .collect::<Vec<_>>()
        .join("\n");
    let ws = load("paste", &text);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    let names: Vec<&str> = ws.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["esxi01", "esxi02", "esxi03", "esxi04"]);
    for (input, (_, value)) in ws.host_inputs.iter().zip(HOSTS) {
        assert!(!input.fragment);
        let mdclear = |list: &[evcalc::input::Entry<u64>]| {
            list.iter()
                .find(|e| e.key == "cpuid.MDCLEAR")
                .map(|e| e.value)
        };
        assert_eq!(mdclear(&input.capabilities), Some(value));
        assert_eq!(mdclear(&input.masked_capabilities), Some(value));
    }
    // The same with prompts: the prompt names the host.
    let text: String = ["esxi01", "esxi02"]
        .iter()
        .map(|h| {
            format!(
                "[root@{h}:~] vim-cmd hostsvc/hostconfig\n{}",
                read(&format!("examples/mdclear-cluster/{h}.txt"))
            )
        })
        .collect();
    let ws = load("paste", &text.replace('\n', "\r\n"));
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert_eq!(ws.hosts.len(), 2);
}

#[test]
fn concatenated_raw_cpuid_dumps_are_one_host_each() {
    let dumps = [
        "tests/data/cpuid/instlatx64/GenuineIntel00206D5_SandyBridgeEP_CPUID.txt",
        "tests/data/cpuid/instlatx64/GenuineIntel001067A_Penryn_CPUID.txt",
        "tests/data/cpuid/instlatx64/GenuineIntel0050654_SkylakeXeon_CPUID.txt",
        "tests/data/cpuid/instlatx64/GenuineIntel0040671_BroadwellH_CPUID.txt",
        "tests/data/cpuid/libcpuid/intel-core-i7-4930k-cpu.test",
        "tests/data/cpuid/local/dev-machine.cpuid-1-r.txt",
    ];
    let singles: Vec<Workspace> = dumps.iter().map(|d| load(d, &read(d))).collect();
    for crlf in [false, true] {
        let mut text = dumps.iter().map(|d| read(d)).collect::<Vec<_>>().join("\n");
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let ws = load("paste", &text);
        assert!(ws.errors.is_empty(), "{:?}", ws.errors);
        let names: Vec<&str> = ws.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            ["host 1", "host 2", "host 3", "host 4", "host 5", "host 6"],
            "crlf {crlf}"
        );
        for ((host, single), dump) in ws.hosts.iter().zip(&singles).zip(dumps) {
            assert_eq!(host.caps, single.hosts[0].caps, "{dump}");
            assert_eq!(host.cpu_model, single.hosts[0].cpu_model, "{dump}");
        }
    }
}

#[test]
fn etc_vmware_config_comments_are_not_host_boundaries() {
    let text = "# esxi01\nfeatMask.evc.cpuid.SSE3 = \"Val:1\"\n# esxi02\nfeatMask.evc.cpuid.MDCLEAR = \"Val:1\"\n";
    let ws = load("esxi01-config.txt", text);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert!(ws.hosts.is_empty());
    assert_eq!(ws.loose_evc_masks.len(), 1);
    assert_eq!(ws.loose_evc_masks[0].1.len(), 2);
}

/// Nothing dropped silently (issue 20, item 12): every real dump of `tests/data/cpuid` (libvirt
/// XML apart, below) concatenated with the next one — InstLatX64 dumps with and without `CPU#`
/// headers, libcpuid with and without `Logical CPU #0`, `cpuid -r` — is two hosts, each equal
/// to the dump read alone; five in a row are five hosts.
#[test]
fn every_concatenated_pair_of_real_dumps_is_two_hosts() {
    let index = read("tests/data/cpuid/INDEX.tsv");
    let files: Vec<String> = index
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|f| !f.starts_with("libvirt/") && !f.ends_with("proc-cpuinfo.txt"))
        .map(|f| format!("tests/data/cpuid/{f}"))
        .collect();
    assert!(files.len() >= 85, "{}", files.len());
    let texts: Vec<String> = files.iter().map(|f| read(f)).collect();
    let singles: Vec<Workspace> = files.iter().zip(&texts).map(|(f, t)| load(f, t)).collect();
    let mut pairs = 0;
    for i in 0..files.len() - 1 {
        let text = format!("{}{}", texts[i], texts[i + 1]);
        let ws = load("cat", &text);
        assert!(
            ws.errors.is_empty(),
            "{} + {}: {:?}",
            files[i],
            files[i + 1],
            ws.errors
        );
        assert_eq!(ws.hosts.len(), 2, "{} + {}", files[i], files[i + 1]);
        for (k, host) in ws.hosts.iter().enumerate() {
            assert_eq!(host.caps, singles[i + k].hosts[0].caps, "{}", files[i + k]);
        }
        pairs += 1;
    }
    for chunk in texts.chunks(5).filter(|c| c.len() == 5) {
        let ws = load("cat", &chunk.concat());
        assert!(ws.errors.is_empty(), "{:?}", ws.errors);
        assert_eq!(ws.hosts.len(), 5);
    }
    println!("{pairs} concatenated pairs of real dumps: two hosts each");
}

/// `cat` of two libvirt XML dumps (or of a text dump and an XML one) is refused with the line
/// where the second dump starts, never read as one mixed CPU.
#[test]
fn concatenated_libvirt_dumps_are_refused_at_the_second_dump() {
    let a = read("tests/data/cpuid/libvirt/x86_64-cpuid-Cooperlake.xml");
    let b = read("tests/data/cpuid/libvirt/x86_64-cpuid-EPYC-7601-32-Core-ibpb.xml");
    let ws = load("cat.xml", &format!("{a}{b}"));
    assert_eq!(ws.errors.len(), 1, "{:?}", ws.errors);
    assert!(ws.hosts.is_empty());
    let second_leaf0 = a.lines().count()
        + b.lines()
            .position(|l| l.contains("eax_in='0x00000000'") && l.contains("ecx_in='0x00'"))
            .expect("leaf 0 in the second dump")
        + 1;
    assert_eq!(ws.errors[0].line as usize, second_leaf0, "{:?}", ws.errors);
    assert!(ws.errors[0].message.contains("second CPUID dump"));
    let raw = read("tests/data/cpuid/local/dev-machine.cpuid-1-r.txt");
    let ws = load("cat.txt", &format!("{a}{raw}"));
    assert_eq!(ws.errors.len(), 1, "{:?}", ws.errors);
    assert_eq!(
        ws.errors[0].line as usize,
        a.lines().count() + 2,
        "{:?}",
        ws.errors
    );
}

/// An ssh loop's `== esxi03` header with no output under it: a host whose features are unknown,
/// with a warning naming it and the header's line — never a host that vanishes.
#[test]
fn an_empty_header_block_is_reported_with_its_host_and_line() {
    let mut text = String::new();
    for (name, value) in HOSTS {
        text.push_str(&format!("== {name}\n"));
        if name != "esxi03" {
            text.push_str(&grep_output(value, 2));
        }
    }
    let ws = load("loop.txt", &text);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    let names: Vec<&str> = ws.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["esxi01", "esxi02", "esxi03", "esxi04"]);
    let line = text.lines().position(|l| l == "== esxi03").unwrap() + 1;
    let warning = ws.inputs[0]
        .warnings
        .iter()
        .find(|w| w.to_string().contains("esxi03") && w.to_string().contains("no output"))
        .unwrap_or_else(|| panic!("{:?}", ws.inputs[0].warnings));
    assert!(
        warning.to_string().contains(&format!("line {line}")),
        "{warning}"
    );
    // A last header with nothing after it, too.
    let ws = load("loop.txt", &format!("{text}== esxi05\n"));
    assert_eq!(ws.hosts.len(), 5);
    assert!(
        ws.inputs[0]
            .warnings
            .iter()
            .any(|w| w.to_string().contains("esxi05"))
    );
}

/// A transcript cut inside one host's entry (the next prompt follows a `key` line without its
/// `value`, or a whole hostconfig dump stops inside an object) is an error with the line.
#[test]
fn a_transcript_cut_inside_an_entry_is_an_error_with_its_line() {
    let text = format!(
        "[root@esxi01:~] {COMMAND}\n         key = \"cpuid.MDCLEAR\",\n         featureName = \"cpuid.MDCLEAR\",\n\
         [root@esxi02:~] {COMMAND}\n{}",
        grep_output(0, 2)
    );
    let ws = load("cut.txt", &text);
    assert_eq!(ws.errors.len(), 1, "{:?}", ws.errors);
    assert_eq!(ws.errors[0].line, 2, "{:?}", ws.errors);
    let full = read("examples/mdclear-cluster/esxi01.txt");
    let cut: String = full.lines().take(700).map(|l| format!("{l}\n")).collect();
    let text = format!(
        "[root@esxi01:~] vim-cmd hostsvc/hostconfig\n{cut}[root@esxi02:~] vim-cmd hostsvc/hostconfig\n{}",
        read("examples/mdclear-cluster/esxi02.txt")
    );
    let ws = load("cut.txt", &text);
    assert_eq!(ws.errors.len(), 1, "{:?}", ws.errors);
    assert!(
        ws.errors[0].line >= 690 && ws.errors[0].line <= 702,
        "{:?}",
        ws.errors
    );
    assert!(
        ws.errors[0]
            .message
            .contains("output of esxi01 ends at line 702")
            && ws.errors[0].message.contains("cut short"),
        "{:?}",
        ws.errors
    );
}

/// The same dump loaded twice — two inputs with the same text, or one paste of `cat a a` — is
/// one host with a warning, not two hosts.
#[test]
fn identical_duplicate_dumps_are_merged_with_a_warning() {
    let dump = read("tests/data/cpuid/instlatx64/GenuineIntel00306F2_HaswellEP_CPUID.txt");
    let ws = session::load(&[
        Source {
            name: "a.txt",
            text: &dump,
        },
        Source {
            name: "copy-of-a.txt",
            text: &dump,
        },
    ]);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert_eq!(ws.hosts.len(), 1);
    assert!(
        ws.inputs[1]
            .warnings
            .iter()
            .any(|w| w.to_string().contains("identical to a.txt")),
        "{:?}",
        ws.inputs[1].warnings
    );
    let ws = load("cat.txt", &format!("{dump}{dump}"));
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert_eq!(ws.hosts.len(), 1);
    assert!(
        ws.inputs[0]
            .warnings
            .iter()
            .any(|w| w.to_string().contains("identical")),
        "{:?}",
        ws.inputs[0].warnings
    );
    // A hostconfig dump names its host: a second copy is not merged, and its name says so.
    let e1 = read("examples/mdclear-cluster/esxi01.txt");
    let ws = session::load(&[
        Source {
            name: "esxi01.txt",
            text: &e1,
        },
        Source {
            name: "esxi01-again.txt",
            text: &e1,
        },
    ]);
    assert_eq!(ws.hosts.len(), 2);
    assert!(
        ws.inputs[1]
            .warnings
            .iter()
            .any(|w| w.to_string().contains("already loaded")),
        "{:?}",
        ws.inputs[1].warnings
    );
}

/// A raw `cpuid -r` dump cut inside a register value by the next host's header: an error at the
/// cut line (the value is short), never a silently wrong register.
#[test]
fn a_cpuid_dump_cut_inside_a_register_is_an_error_at_its_line() {
    let dump = read("tests/data/cpuid/local/dev-machine.cpuid-1-r.txt");
    let lines: Vec<&str> = dump.lines().take(12).collect();
    let last = lines[11];
    let cut = &last[..last.len() - 5];
    let text = format!(
        "== esxi01\n{}\n{cut}\n== esxi02\n{dump}",
        lines[..11].join("\n")
    );
    let ws = load("cut.txt", &text);
    assert_eq!(ws.errors.len(), 1, "{:?}", ws.errors);
    assert_eq!(ws.errors[0].line, 13, "{:?}", ws.errors);
    // The same dumps uncut: two hosts.
    let whole = format!("== esxi01\n{}\n== esxi02\n{dump}", lines.join("\n"));
    let ws = load("whole.txt", &whole);
    assert!(ws.errors.is_empty(), "{:?}", ws.errors);
    assert_eq!(ws.hosts.len(), 2);
}
