//! Which virtual hardware versions can exist on a host's CPU: the ESXi CPU floors of
//! [`crate::esxi::CPU_FLOORS`] applied to what the host's data shows (issue 20 item 2).

use crate::catalogue::{FeatureId, catalogue, fid};
use crate::esxi::{CPU_FLOORS, FloorKind, FloorRule, VhwOnCpu, first_release};
use crate::evc::Vendor;
use crate::model::{Host, Key};

/// The CPU's own (raw) value of a catalogue key: `None` when the data does not show it.
fn raw_bit(host: &Host, id: FeatureId) -> Option<bool> {
    (host.knows(&Key::Known(id)) && !host.unrecorded.contains(id))
        .then(|| host.caps.present.contains(id))
}

fn floor_matches_cpu(host: &Host, vendor: Vendor, family: u64, models: &[u64]) -> bool {
    host.vendor == Some(vendor)
        && host.caps.numbers.get(&fid::FAMILY) == Some(&family)
        && host
            .caps
            .numbers
            .get(&fid::MODEL)
            .is_some_and(|m| models.contains(m))
}

/// Whether a VM of virtual hardware `vhw` can exist on `host`'s CPU: every release that runs it
/// is at least [`first_release`]`(vhw)`, so the floors of that release and earlier apply.
/// Known-0 hard floors make it impossible, unshown ones conditional, matched support statements
/// unlikely (the first of these, in that order of strength).
pub fn vhw_on_cpu(host: &Host, vhw: u8) -> VhwOnCpu {
    let Some(first) = first_release(vhw) else {
        return VhwOnCpu::NotEsxi;
    };
    let cat = catalogue();
    let mut unshown: Option<VhwOnCpu> = None;
    let mut unlikely: Option<VhwOnCpu> = None;
    for floor in CPU_FLOORS.iter().filter(|f| f.release <= first) {
        match (floor.rule, floor.kind) {
            (FloorRule::Requires(keys), FloorKind::Hard) => {
                let values: Vec<(&'static str, Option<bool>)> = keys
                    .iter()
                    .map(|k| (*k, cat.lookup(k).and_then(|id| raw_bit(host, id))))
                    .collect();
                let zero: Vec<&'static str> = values
                    .iter()
                    .filter(|(_, v)| *v == Some(false))
                    .map(|(k, _)| *k)
                    .collect();
                if !zero.is_empty() {
                    return VhwOnCpu::Impossible {
                        release: floor.release,
                        keys: zero,
                        floor,
                    };
                }
                let open: Vec<&'static str> = values
                    .iter()
                    .filter(|(_, v)| v.is_none())
                    .map(|(k, _)| *k)
                    .collect();
                // The latest unshown floor names the release; the keys of every unshown floor
                // are listed.
                // A later row repeating the same keys (9.0's XSAVE, [I]) adds nothing.
                let mut keys = match &unshown {
                    Some(VhwOnCpu::Unshown { keys, .. }) => keys.clone(),
                    _ => Vec::new(),
                };
                let new: Vec<&'static str> =
                    open.into_iter().filter(|k| !keys.contains(k)).collect();
                if !new.is_empty() {
                    keys.splice(0..0, new);
                    unshown = Some(VhwOnCpu::Unshown {
                        release: floor.release,
                        keys,
                        floor,
                    });
                }
            }
            (
                FloorRule::Discontinued {
                    cpu,
                    vendor,
                    family,
                    models,
                },
                _,
            ) if floor_matches_cpu(host, vendor, family, models) => {
                unlikely.get_or_insert(VhwOnCpu::Unlikely {
                    release: floor.release,
                    cpu,
                    floor,
                });
            }
            _ => {}
        }
    }
    unshown.or(unlikely).unwrap_or(VhwOnCpu::Runs)
}

/// The highest virtual hardware version (up to `max`) a VM can have on `host`'s CPU, whatever
/// release it runs: the top of "any VM" on a host whose release is not known.
pub fn cpu_max_vhw(host: &Host, max: u8) -> u8 {
    (1..=max)
        .rev()
        .find(|v| vhw_on_cpu(host, *v).possible())
        .unwrap_or(max)
}
