#!/usr/bin/env bash
# evcalc vs libvirt on the same CPUs, whole process each (docs/performance.md).
#
#   scripts/bench-vs-libvirt.sh [--quick] [--with-vm-dumps]
#
# For N = 2, 16 and 128 Intel CPUs (real CPUID dumps from tests/data/cpuid/: libvirt
# <cpudata> captures and InstLatX64 dumps taken on bare metal, repeated under new names to
# reach 128) it times
#   evcalc cluster <N dump files> --json >/dev/null          (release build)
#   virsh -c test:///default cpu-baseline --features <file with the same N CPUs>
# with hyperfine and prints the mean times and the ratio virsh / evcalc per N.
# The virsh input is generated from the same dumps by scripts/gen-fleet.py (each CPUID feature
# bit named as libvirt's own cpu_map names it). Intel only: libvirt refuses mixed vendors.
#
# Installs libvirt-clients and hyperfine with apt-get when they are missing (needs root).
# Output: the table on stdout, and target/bench-vs-libvirt/{results.md,N*.json,inputs/}.
# --quick: fewer runs (for trying the script; the documented numbers use the default).
# --with-vm-dumps: keep the dumps taken inside a VM (two InstLatX64 dumps lack DS/MWAIT, so the
# set has no common EVC mode: evcalc then reports the N×N matrix with EVC disabled).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
quick=0
filter=physical
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        --with-vm-dumps) filter=cat ;;
        *) echo "usage: $0 [--quick] [--with-vm-dumps]" >&2; exit 2 ;;
    esac
done

need=()
command -v virsh >/dev/null 2>&1 || need+=(libvirt-clients)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[[ -f /usr/share/libvirt/cpu_map/x86_features.xml ]] || need+=(libvirt0)
if ((${#need[@]})); then
    echo "installing ${need[*]} with apt-get" >&2
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is needed for scripts/gen-fleet.py" >&2; exit 2; }

cargo build --release -q -p evcalc-cli
evcalc="$here/target/release/evcalc"

out="$here/target/bench-vs-libvirt"
rm -rf "$out"
mkdir -p "$out/inputs"

# The CPUs, in a fixed order: the real libvirt captures of server CPUs first, then the
# InstLatX64 dumps newest first (by file name: family/model signature, descending). Dumps
# taken inside a VM (hypervisor bit set) are left out: ESXi hosts are physical machines.
data=tests/data/cpuid
list() {
    ls "$data"/libvirt/x86_64-cpuid-*.xml | grep -v -i -e EPYC -e AMD
    ls "$data"/instlatx64/GenuineIntel*_CPUID.txt | sort -r
}
if [[ $filter == physical ]]; then
    mapfile -t cpus < <(python3 scripts/gen-fleet.py physical $(list))
else
    mapfile -t cpus < <(list)
fi
((${#cpus[@]} >= 16)) || { echo "expected at least 16 Intel CPU dumps in $data" >&2; exit 2; }

runs=(--warmup 3 --min-runs 20)
((quick)) && runs=(--warmup 1 --runs 5)

printf '| N CPUs | evcalc cluster --json | virsh cpu-baseline --features | virsh / evcalc |\n' >"$out/results.md"
printf '|---:|---:|---:|---:|\n' >>"$out/results.md"

for n in 2 16 128; do
    dir="$out/inputs/n$n"
    mkdir -p "$dir"
    files=()
    for ((i = 0; i < n; i++)); do
        src=${cpus[i % ${#cpus[@]}]}
        base=$(basename "$src")
        dst=$(printf '%s/cpu%03d-%s' "$dir" "$i" "$base")
        cp "$src" "$dst"
        files+=("$dst")
    done
    xml="$out/inputs/n$n.cpus.xml"
    python3 scripts/gen-fleet.py libvirt-cpus "$xml" "${files[@]}"

    # Both must really work on these inputs before they are timed.
    rc=0
    "$evcalc" cluster "${files[@]}" --json >"$out/n$n.evcalc.json" 2>/dev/null || rc=$?
    # 0, 1 and 3 are answers (compatible, blocked, not everything checkable); 2 is bad input.
    if ((rc == 2 || rc > 3)); then
        echo "evcalc cluster failed (exit $rc) on the N=$n inputs" >&2
        exit 2
    fi
    hosts=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["hosts"]))' "$out/n$n.evcalc.json")
    [[ "$hosts" == "$n" ]] || { echo "evcalc read $hosts hosts, expected $n" >&2; exit 2; }
    virsh -c test:///default cpu-baseline --features "$xml" >"$out/n$n.virsh.xml"
    grep -q "<model" "$out/n$n.virsh.xml" || { echo "virsh gave no baseline for N=$n" >&2; exit 2; }

    # evcalc exits 1 when some move is blocked: not a failure here (-i).
    hyperfine -N -i "${runs[@]}" --style none --export-json "$out/n$n.json" \
        -n "evcalc N=$n" "$evcalc cluster ${files[*]} --json" \
        -n "virsh N=$n" "virsh -c test:///default cpu-baseline --features $xml" >/dev/null
    python3 - "$out/n$n.json" "$n" >>"$out/results.md" <<'EOF'
import json, sys
r = {x["command"].split()[0]: x for x in json.load(open(sys.argv[1]))["results"]}
e, v = r["evcalc"], r["virsh"]
ms = lambda x: f'{x["mean"] * 1e3:.2f} ms ± {x["stddev"] * 1e3:.2f}'
print(f'| {sys.argv[2]} | {ms(e)} | {ms(v)} | {v["mean"] / e["mean"]:.1f}× |')
EOF
done

{
    echo
    echo "evcalc: $("$evcalc" --version); $(virsh --version | sed 's/^/virsh /'); $(hyperfine --version)"
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "CPU set: ${#cpus[@]} distinct Intel dumps ($([[ $filter == physical ]] && echo "bare metal only" || echo "including dumps taken in a VM")); EVC chosen by evcalc at N=128: $(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["evc"]; print(e["mode"] or "disabled", "-", e["why"])' "$out/n128.evcalc.json"); evcalc JSON at N=128: $(stat -c %s "$out/n128.evcalc.json") bytes"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
} >>"$out/results.md"
cat "$out/results.md"
