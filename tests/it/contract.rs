//! Contract v2: the JSON Schema (`docs/schema/`) and the page's TypeScript declarations
//! (`www/contract.d.ts`) are generated from the Rust types; these tests fail when the checked-in
//! files are stale. `EVCALC_REGEN=1 cargo test -p evcalc-tests contract` rewrites them.

use evcalc::app::check::CheckAnswer;
use evcalc::app::host::HostAnswer;
use evcalc::app::inventory::InventoryAnswer;
use evcalc::app::maintenance::MaintenanceAnswer;
use evcalc::app::modes::ModesAnswer;
use evcalc::app::plan::PlanAnswer;
use evcalc::app::vm::VmAnswer;
use evcalc::app::vmotion_error::ExplainAnswer;
use evcalc::app::{ClusterAnswer, ErrorAnswer, Request};
use evcalc_tests::*;
use std::collections::BTreeMap;
use ts_rs::{Config, TS, TypeVisitor};

fn fresh(relative: &str, generated: &str) {
    let path = repo_root().join(relative);
    if std::env::var_os("EVCALC_REGEN").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "{relative} is stale: run `EVCALC_REGEN=1 cargo test -p evcalc-tests contract`"
    );
}

fn schema_text<T: schemars::JsonSchema>() -> String {
    let mut s = serde_json::to_string_pretty(&schemars::schema_for!(T)).unwrap();
    s.push('\n');
    s
}

#[test]
fn json_schemas_are_fresh() {
    fresh(
        "docs/schema/cluster-answer.v2.schema.json",
        &schema_text::<ClusterAnswer>(),
    );
    fresh(
        "docs/schema/check-answer.v2.schema.json",
        &schema_text::<CheckAnswer>(),
    );
    fresh(
        "docs/schema/maintenance-answer.v2.schema.json",
        &schema_text::<MaintenanceAnswer>(),
    );
    fresh(
        "docs/schema/request.v2.schema.json",
        &schema_text::<Request>(),
    );
    fresh(
        "docs/schema/host-answer.v2.schema.json",
        &schema_text::<HostAnswer>(),
    );
    fresh(
        "docs/schema/vm-answer.v2.schema.json",
        &schema_text::<VmAnswer>(),
    );
    fresh(
        "docs/schema/plan-answer.v2.schema.json",
        &schema_text::<PlanAnswer>(),
    );
    fresh(
        "docs/schema/modes-answer.v2.schema.json",
        &schema_text::<ModesAnswer>(),
    );
    fresh(
        "docs/schema/error-answer.v2.schema.json",
        &schema_text::<ErrorAnswer>(),
    );
    fresh(
        "docs/schema/inventory-answer.v2.schema.json",
        &schema_text::<InventoryAnswer>(),
    );
    fresh(
        "docs/schema/explain-answer.v2.schema.json",
        &schema_text::<ExplainAnswer>(),
    );
}

/// Collects the declarations of a type and everything it refers to, once each, by name.
struct Collect<'a> {
    cfg: &'a Config,
    decls: &'a mut BTreeMap<String, String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(self.cfg);
        if self.decls.contains_key(&name) {
            return;
        }
        self.decls
            .insert(name, format!("export {}", T::decl(self.cfg)));
        T::visit_dependencies(self);
    }
}

pub fn typescript() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut decls = BTreeMap::new();
    let mut c = Collect {
        cfg: &cfg,
        decls: &mut decls,
    };
    c.visit::<ClusterAnswer>();
    c.visit::<MaintenanceAnswer>();
    c.visit::<CheckAnswer>();
    c.visit::<PlanAnswer>();
    c.visit::<HostAnswer>();
    c.visit::<VmAnswer>();
    c.visit::<ModesAnswer>();
    c.visit::<ErrorAnswer>();
    c.visit::<Request>();
    let mut out = String::from(
        "// Generated from the Rust types of evcalc's contract v2 (core/src/app/mod.rs and the report\n\
         // types it uses) by tests/it/contract.rs with ts-rs. Do not edit: run\n\
         // `EVCALC_REGEN=1 cargo test -p evcalc-tests contract`.\n\n",
    );
    for decl in decls.values() {
        out.push_str(decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn typescript_declarations_are_fresh() {
    fresh("www/contract.d.ts", &typescript());
}

#[test]
fn answers_say_schema_2_and_round_trip_as_json() {
    let request = Request {
        inputs: MDCLEAR_HOSTS
            .iter()
            .map(|f| evcalc::session::OwnedSource {
                name: f.to_string(),
                text: read(f),
            })
            .collect(),
        evc: Some("haswell".into()),
        ..Default::default()
    };
    let answer = evcalc::app::cluster(&request);
    let json: serde_json::Value = serde_json::to_value(&answer).unwrap();
    assert_eq!(json["schema"], 2);
    assert_eq!(json["question"], "cluster");
    assert_eq!(json["classes"].as_array().unwrap().len(), 2);
    // Every index points into its table.
    let blockers = json["blockers"].as_array().unwrap().len() as u64;
    for row in json["matrix"].as_array().unwrap() {
        for cell in row.as_array().unwrap().iter().filter(|c| !c.is_null()) {
            for b in cell["blockers"].as_array().unwrap() {
                assert!(b.as_u64().unwrap() < blockers);
            }
        }
    }
}
