#!/usr/bin/env bash
# Loading is linear in the number of files (docs/performance.md, "Many small files"): times
# `evcalc vm DIR --json` over 2,000 and 20,000 small `vim-cmd vmsvc/get.runtime` files and
# prints the time per file and the ratio (must stay within 1.5×).
#
#   scripts/load-scaling.sh [EVCALC_BINARY]
#
# Default binary: target/release/evcalc (built when missing). Best of 3 runs per size.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bin=${1:-target/release/evcalc}
if [[ ! -x $bin ]]; then
    cargo build --release -p evcalc-cli >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_dir() { # N: N runtime dumps, each with a few requirements
    local dir="$work/$1"
    mkdir -p "$dir"
    python3 - "$dir" "$1" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(f"{d}/vm-{i:05d}-on-esxi0{i % 4 + 1}.runtime.txt", "w") as f:
        f.write("(vim.vm.RuntimeInfo) {\n   host = 'vim.HostSystem:ha-host',\n   powerState = \"poweredOn\",\n"
                "   featureRequirement = (vim.vm.FeatureRequirement) [\n")
        for key in ["cpuid.SSE3", "cpuid.AES", "cpuid.AVX", "cpuid.MDCLEAR"]:
            f.write(f"      (vim.vm.FeatureRequirement) {{\n         key = \"{key}\",\n"
                    f"         featureName = \"{key}\",\n         value = \"Bool:Min:1\"\n      }},\n")
        f.write("   ]\n}\n")
PY
}

best() { # DIR: best wall time of 3 runs, in seconds
    local best=999999 start end t
    for _ in 1 2 3; do
        start=$(date +%s.%N)
        "$bin" vm "$1" --json >/dev/null 2>&1 || true
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc)
        if (($(echo "$t < $best" | bc))); then best=$t; fi
    done
    echo "$best"
}

echo "| files | best of 3 | per file |"
echo "|---|---|---|"
declare -A per
for n in 2000 20000; do
    make_dir "$n"
    t=$(best "$work/$n")
    per[$n]=$(echo "scale=3; $t * 1000000 / $n" | bc)
    printf '| %d | %.2f s | %s µs |\n' "$n" "$t" "${per[$n]}"
done
printf '\nratio per file (20,000 / 2,000): %.2f (linear: within 1.5)\n' "$(echo "scale=3; ${per[20000]} / ${per[2000]}" | bc)"
