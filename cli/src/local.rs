//! Reading the CPU evcalc runs on (`evcalc host --local`). Stub: to be written.

/// Reads this machine's CPUID into a host record.
pub fn read_local_host() -> Result<evcalc::input::HostInput, String> {
    Err("reading the local CPU is not implemented yet".to_string())
}
