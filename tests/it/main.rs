//! One integration-test binary over real fixtures (see `tests/data/README.md`).

mod govc_real;
mod mdclear;
mod props;
mod cpuid_validation;
