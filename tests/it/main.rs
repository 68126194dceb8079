//! One integration-test binary over real fixtures (see `tests/data/README.md`).

mod amd;
mod calibration;
mod classes;
mod contract;
mod cpuid_validation;
mod cross_cluster;
mod empty_grep;
mod evc9_legacy;
mod evc_state;
mod fuzz_replay;
mod govc_real;
mod malformed;
mod mdclear;
mod mechanisms;
mod modes_export;
mod partial_masks;
mod props;
mod roles_by_release;
mod roundtrip;
mod rvtools;
mod transcripts;
mod vhw_bands;
mod virsh_baseline;
mod vmotion_error;

/// The fuzz targets' bodies and invariants, shared with `core/fuzz` (replayed by `fuzz_replay`).
#[path = "../../core/fuzz/fuzz_targets/common.rs"]
mod fuzz_common;
