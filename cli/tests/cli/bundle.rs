//! Collector bundles (issue 22, `docs/bundle.md`): a two-cluster fixture answers `cluster`,
//! `maintenance`, `check` and `plan --into` per cluster; a bundle's `supportedEVCMode` replaces
//! the built-in baselines; the pyVmomi collector's bundle of the real SDDC (served by the
//! simulator, `scripts/test-collectors.sh`) gives the same host and VM reports as the real
//! `govc object.save` files; the govc and PowerCLI collectors' shapes read the same.

use serde_json::Value;
use std::process::{Command, Output};

use crate::common::{root, show};

const TWO: &str = "tests/data/synthetic/bundle/two-clusters.bundle.json";
const MODES: &str = "tests/data/synthetic/bundle/modes.bundle.json";
const SDDC: &str = "tests/data/collected/sddc-vcsim.pyvmomi.bundle.json";
const REAL: &str = "tests/data/real/govc/object.save-vmc-sddc";

fn evcalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evcalc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run evcalc")
}

fn json(args: &[&str], code: i32) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = evcalc(&all);
    assert_eq!(o.status.code(), Some(code), "{}", show(&o));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn fleet_summary_names_the_cluster_at_risk_the_odd_host_and_the_stuck_vm() {
    let a = json(&["cluster", TWO], 1);
    let clusters = a["clusters"].as_array().unwrap();
    let names: Vec<&str> = clusters
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Cluster-1", "Prod-Haswell"]);
    assert_eq!(strs(&a["at_risk"]), ["Prod-Haswell"]);
    // Each cluster's EVC state is the data's, not an assumption.
    assert_eq!(clusters[0]["evc"]["mode"], Value::Null);
    assert_eq!(clusters[0]["evc"]["assumed"], false);
    assert_eq!(clusters[1]["evc"]["mode"], "intel-haswell");
    assert_eq!(clusters[1]["evc"]["assumed"], false);
    assert_eq!(clusters[1]["evc_state_read"], true);
    assert_eq!(clusters[1]["outcome"], "blocked");
    assert_eq!(clusters[1]["hosts"], 4);
    // esxi01 alone offers MDCLEAR (esxi02–04: microcode not active).
    let odd = &a["differing_hosts"];
    assert_eq!(odd.as_array().unwrap().len(), 1, "{odd}");
    assert_eq!(odd[0]["host"], "esxi01");
    assert_eq!(strs(&odd[0]["extra"]), ["cpuid.MDCLEAR"]);
    // app01 (requires MDCLEAR) cannot leave esxi01; host-14's VMs have no other host.
    let stuck = a["stuck_vms"].as_array().unwrap();
    let app01 = stuck
        .iter()
        .find(|s| strs(&s["vms"]) == ["app01"])
        .expect("app01 stuck");
    assert_eq!(app01["host"], "esxi01");
    assert_eq!(strs(&app01["blockers"]), ["cpuid.MDCLEAR"]);
    assert!(
        stuck
            .iter()
            .filter(|s| s["cluster"] == "Cluster-1")
            .all(|s| s["only_host"] == true)
    );
    assert!(
        strs(&a["missing"])
            .iter()
            .any(|m| m.starts_with("domain-c35 evcState: "))
    );
    // The human summary says the same.
    let o = evcalc(&["cluster", TWO]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("1 of 2 clusters at risk: Prod-Haswell"),
        "{out}"
    );
    assert!(
        out.contains("Prod-Haswell / esxi01: alone offers cpuid.MDCLEAR"),
        "{out}"
    );
    assert!(out.contains("app01 — blocked by cpuid.MDCLEAR"), "{out}");
}

#[test]
fn cluster_selects_one_cluster_by_name_or_moref() {
    let a = json(&["cluster", TWO, "--cluster", "prod-haswell"], 1);
    let hosts: Vec<&str> = a["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(hosts, ["esxi01", "esxi02", "esxi03", "esxi04"]);
    assert_eq!(a["evc"]["mode"], "intel-haswell");
    assert_eq!(a["evc"]["why"], "reported by the hosts");
    assert_eq!(a["outcome"], "blocked");
    // The same cluster by MoRef; the other one is EVC disabled, read from vCenter data.
    let b = json(&["cluster", TWO, "--cluster", "domain-c201"], 1);
    assert_eq!(a["classes"], b["classes"]);
    let c = json(&["cluster", TWO, "--cluster", "Cluster-1"], 0);
    assert_eq!(c["evc"]["mode"], Value::Null);
    assert_eq!(c["evc"]["assumed"], false);
    assert_eq!(c["hosts"][0]["name"], "10.2.32.4");
    assert_eq!(c["hosts"][0]["max_evc_cross_check"], "agrees");
    // The evcState and what was not collected are said.
    let o = evcalc(&["cluster", TWO, "--cluster", "Cluster-1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cluster Cluster-1: evcState not collected: not in this fixture"),
        "{err}"
    );
}

#[test]
fn unknown_cluster_is_a_usage_error_with_the_candidates() {
    let o = evcalc(&["cluster", TWO, "--cluster", "Prod"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--cluster: no cluster Prod in the bundle; it has Cluster-1, Prod-Haswell"),
        "{err}"
    );
    // --cluster without a bundle.
    let o = evcalc(&[
        "cluster",
        "examples/mdclear-cluster/esxi01.txt",
        "examples/mdclear-cluster/esxi02.txt",
        "--cluster",
        "A",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no bundle among the inputs"));
    // maintenance of a host the bundle does not have: no cluster to infer.
    let o = evcalc(&["maintenance", TWO, "--host", "esxi09"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--cluster: the bundle holds"));
}

#[test]
fn maintenance_and_check_answer_in_the_hosts_cluster() {
    // The cluster is inferred from --host.
    let m = json(&["maintenance", TWO, "--host", "esxi01"], 1);
    assert_eq!(m["evc"]["mode"], "intel-haswell");
    let keys: Vec<&str> = m["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["key"].as_str().unwrap())
        .collect();
    assert!(keys.iter().all(|k| *k == "cpuid.MDCLEAR"), "{keys:?}");
    let plan = &m["plan"];
    assert_eq!(plan["vms"][0]["vm"], "app01");
    assert_eq!(plan["vms"][0]["real_vm"], true);
    // db02, powered on on esxi02, has a destination in its cluster.
    let m = json(&["maintenance", TWO, "--host", "esxi02"], 0);
    assert_eq!(m["plan"]["outcome"], "compatible");
    // check: app01's host to esxi03, and back.
    let c = json(&["check", TWO, "--from", "esxi01", "--to", "esxi03"], 1);
    assert_eq!(c["outcome"], "blocked");
    json(&["check", TWO, "--from", "esxi03", "--to", "esxi01"], 0);
}

#[test]
fn plan_into_moves_vms_between_the_bundles_clusters() {
    // host-14's 7 real VMs (EVC off, Broadwell) into the Haswell cluster: blocked by the
    // Broadwell features the Haswell hosts lack, and by MDCLEAR on esxi02–04.
    let p = json(
        &[
            "plan",
            TWO,
            "--cluster",
            "Cluster-1",
            "--into",
            "Prod-Haswell",
        ],
        1,
    );
    let into = &p["into"];
    assert_eq!(into["from_evc"], Value::Null);
    assert_eq!(into["to_evc"], "intel-haswell");
    assert_eq!(p["to_evc"]["why"], "reported by the hosts");
    let vms = into["vms"].as_array().unwrap();
    let names: Vec<&str> = vms.iter().map(|v| v["vm"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.contains(&"NSX-Edge-0") && names.contains(&"test-snap"));
    assert!(vms.iter().all(|v| v["verdict"] == "blocked"));
    let snap = vms.iter().find(|v| v["vm"] == "test-snap").unwrap();
    assert_eq!(snap["requirements_from"], "input");
    let on_esxi01: Vec<&str> = snap["blocked_on"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| strs(&b["hosts"]) == ["esxi01"])
        .unwrap()["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["canonical_key"].as_str().unwrap())
        .collect();
    assert_eq!(
        on_esxi01,
        [
            "cpuid.3DNPREFETCH",
            "cpuid.ADX",
            "cpuid.RDSEED",
            "cpuid.SMAP"
        ]
    );
    // The Haswell cluster's VMs into Cluster-1 (Broadwell, EVC off): they can move live.
    let p = json(
        &[
            "plan",
            TWO,
            "--cluster",
            "Prod-Haswell",
            "--into",
            "Cluster-1",
        ],
        0,
    );
    let names: Vec<&str> = p["into"]["vms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["vm"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app01", "db02"]);
    // A name that is neither a file nor a cluster.
    let o = evcalc(&["plan", TWO, "--cluster", "Cluster-1", "--into", "Nowhere"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("its clusters: Cluster-1, Prod-Haswell"));
}

#[test]
fn a_bundles_supported_evc_modes_replace_the_built_in_baselines_and_the_answer_says_so() {
    let a = json(&["cluster", MODES], 0);
    assert_eq!(a["modes_source"], MODES);
    let modes: Vec<&str> = a["modes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["intel-merom", "intel-penryn"]);
    let o = evcalc(&["cluster", MODES]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("the bundle's supportedEVCMode (2 modes, read from SYNTHETIC fixture (not a vCenter)) replaces evcalc's built-in EVC baselines"),
        "{err}"
    );
    // Without it, the answer says the built-in ones are used.
    let o = evcalc(&["cluster", TWO, "--cluster", "Cluster-1"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("evcalc's built-in EVC baselines are used")
    );
}

/// `host --json` with the names and sources blanked: the engine's view of the host.
fn host_view(file: &str) -> Value {
    let mut a = json(&["host", file], 0);
    let mut h = a["hosts"][0].take();
    for k in ["name", "source"] {
        h[k] = Value::Null;
    }
    h
}

#[test]
fn the_pyvmomi_bundle_of_the_real_sddc_reads_as_the_real_govc_files() {
    // host-14 over the simulator's SOAP API: the same report as its object.save XML.
    assert_eq!(
        host_view(SDDC),
        host_view(&format!("{REAL}/0082-HostSystem-host-14.xml"))
    );
    let bundle: Value = serde_json::from_slice(&std::fs::read(root().join(SDDC)).unwrap()).unwrap();
    let h = &bundle["hostSystems"][0];
    assert_eq!(h["config.featureCapability"].as_array().unwrap().len(), 83);
    assert_eq!(
        h["config.maskedFeatureCapability"]
            .as_array()
            .unwrap()
            .len(),
        83
    );
    // The 7 VMs: the same VM reports as the XML files.
    let vms = json(&["vm", SDDC], 0);
    let mut xml: Vec<String> = std::fs::read_dir(root().join(REAL))
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            let n = p.file_name()?.to_str()?.to_string();
            (n.contains("VirtualMachine") && n.ends_with(".xml")).then(|| format!("{REAL}/{n}"))
        })
        .collect();
    xml.sort();
    let mut args = vec!["vm"];
    args.extend(xml.iter().map(String::as_str));
    let want = json(&args, 0);
    let view = |a: &Value| -> Vec<Value> {
        let mut v: Vec<Value> = a["vms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let mut v = v.clone();
                // The bundle names the VM's host by its name, the XML alone by MoRef.
                v["source"] = Value::Null;
                v["host"] = Value::Null;
                v
            })
            .collect();
        v.sort_by_key(|v| v["name"].to_string());
        v
    };
    assert_eq!(view(&vms).len(), 7);
    assert!(
        view(&vms) == view(&want),
        "the bundle's VM reports differ from the XML's"
    );
    assert!(
        vms["vms"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["host"] == "10.2.32.4")
    );
    // What the simulator does not answer is missing, never invented.
    let missing: Vec<String> = bundle["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{} {}",
                m["object"].as_str().unwrap(),
                m["property"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            "ServiceInstance capability.supportedEVCMode",
            "domain-c35 evcState"
        ]
    );
    assert!(bundle.get("supportedEVCMode").is_none());
    assert!(bundle["clusters"][0].get("evcState").is_none());
}

#[test]
fn the_govc_and_powercli_collectors_shapes_read_as_the_pyvmomi_bundle() {
    // collect-govc.sh's bundle, assembled from govc-shaped output of the same simulator
    // (`tests/data/collected/govc-shape-sddc/`), and the pyVmomi bundle in the text shape of
    // PowerShell 5.1's ConvertTo-Json (BOM, CRLF, `":  "`, \u0027 escapes).
    let want = host_view(&format!("{REAL}/0082-HostSystem-host-14.xml"));
    for file in [
        "tests/data/collected/sddc-vcsim.govc.bundle.json",
        "tests/data/synthetic/bundle/powercli-shape.bundle.json",
    ] {
        assert!(host_view(file) == want, "{file}: host report differs");
        let vms = json(&["vm", file], 0);
        assert_eq!(vms["vms"].as_array().unwrap().len(), 7, "{file}");
        let c = json(&["cluster", file], 0);
        assert_eq!(c["evc"]["mode"], Value::Null, "{file}");
        assert_eq!(c["evc"]["assumed"], false, "{file}");
    }
    // govc cannot read evcState: said as missing, with why.
    let o = evcalc(&[
        "cluster",
        "tests/data/collected/sddc-vcsim.govc.bundle.json",
    ]);
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("evcState not collected: govc has no command calling"),
        "{}",
        show(&o)
    );
}
