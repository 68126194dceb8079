#!/usr/bin/env bash
# Fleet scale, whole process (docs/performance.md, "Issue 11"): times `evcalc cluster DIR --json`
# and its peak RSS on
#   mixed-1024  1,024 hosts of mixed generations: every InstLatX64/libcpuid/libvirt dump of
#               tests/data/cpuid/ (Intel and AMD, 2005-2024), repeated under new names
#   mixed-128   the first 128 of them
#   few-10000   10,000 hosts in 5 classes: the 5 first libvirt captures, 2,000 copies each
# Best of 3 runs each, with GNU time (`/usr/bin/time`, installed with apt-get when missing).
#
#   scripts/bench-fleet.sh [EVCALC_BINARY]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bin=${1:-target/release/evcalc}
if [[ $bin == target/release/evcalc ]]; then
    cargo build --release -q -p evcalc-cli
fi
if [[ ! -x /usr/bin/time ]]; then
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

data=tests/data/cpuid
mapfile -t all < <(ls "$data"/instlatx64/*_CPUID.txt "$data"/libcpuid/* "$data"/libvirt/*.xml 2>/dev/null | sort)
mapfile -t few < <(ls "$data"/libvirt/*.xml | sort | head -5)

fill() { # DIR N FILE...: N copies of the FILEs, cycled, under distinct names
    local dir=$1 n=$2
    shift 2
    local files=("$@")
    mkdir -p "$dir"
    for ((i = 0; i < n; i++)); do
        local f=${files[$((i % ${#files[@]}))]}
        cp "$f" "$dir/h$(printf %05d "$i")-$(basename "$f")"
    done
}

fill "$work/mixed-128" 128 "${all[@]}"
fill "$work/mixed-1024" 1024 "${all[@]}"
fill "$work/few-10000" 10000 "${few[@]}"

printf '%-12s %8s %10s %12s %s\n' input seconds "peak RSS" "JSON bytes" story
for name in mixed-128 mixed-1024 few-10000; do
    best=999 rss=0
    for _ in 1 2 3; do
        # Exit 1 or 3 (blocked / not provable) is an answer, not a failure.
        /usr/bin/time -f "%e %M" -o "$work/time" "$bin" cluster "$work/$name" --json >"$work/out.json" 2>/dev/null || true
        read -r t m < <(tail -1 "$work/time")
        if awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t rss=$m; fi
    done
    story=$("$bin" cluster "$work/$name" 2>/dev/null | head -1 || true)
    printf '%-12s %8s %7s MB %12s %s\n' "$name" "$best" "$((rss / 1024))" "$(wc -c <"$work/out.json")" "$story"
done
