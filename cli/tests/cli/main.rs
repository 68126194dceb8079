//! The one test binary of the `evcalc` command line (one binary links once: issue 19 item 7).
//!
//! - `scenarios`: tests as data. Every `tests/scenarios/<name>/cmd` is run by the built binary;
//!   its human and `--json` output are insta snapshots in the same directory. Orphaned snapshots
//!   fail.
//! - `consistency`: one question, one answer across `check`, `cluster` (classes and
//!   `--matrix hosts`), `maintenance`, `plan` and the page, over every scenario and the real data.
//! - the other modules: behaviour of one command or input path each (`commands`, `inputs`,
//!   `bundle`, `cross_cluster`, `honest`, `modelevel`, `nagios`, `same_answer`, `schema_valid`).

mod common;

mod bundle;
mod commands;
mod consistency;
mod cross_cluster;
mod honest;
mod inputs;
mod modelevel;
mod nagios;
mod same_answer;
mod scenarios;
mod schema_valid;
