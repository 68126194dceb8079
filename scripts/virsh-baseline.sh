#!/usr/bin/env bash
# The libvirt differential check (tests/it/virsh_baseline.rs) needs `virsh` and libvirt's
# cpu_map (Debian package libvirt-clients, which brings libvirt0). This installs them when
# missing (as root, with apt-get), then runs the check with its report printed.
# Usage: scripts/virsh-baseline.sh [--install-only]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v virsh >/dev/null 2>&1 || [ ! -e /usr/share/libvirt/cpu_map/x86_features.xml ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing libvirt-clients (virsh) for the libvirt differential check"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvirt-clients >/dev/null
    else
        echo "virsh is missing and cannot be installed here (needs root and apt-get): the check will be skipped" >&2
    fi
fi
if [ "${1:-}" = "--install-only" ]; then
    exit 0
fi
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo test -p evcalc-tests --test it virsh_baseline -- --nocapture
