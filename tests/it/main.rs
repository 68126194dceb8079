//! One integration-test binary over real fixtures (see `tests/data/README.md`).

mod cpuid_validation;
mod govc_real;
mod malformed;
mod mdclear;
mod modes_export;
mod props;
mod roundtrip;
mod transcripts;
mod virsh_baseline;
