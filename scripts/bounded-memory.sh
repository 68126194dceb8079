#!/usr/bin/env bash
# Bounded, streaming reads (docs/performance.md, "Bounded memory"): evcalc must refuse inputs
# above its 64 MB cap with exit 2, in under a second, without reading them into memory.
#
#   scripts/bounded-memory.sh [EVCALC_BINARY]
#
# Measures, for a 1 GiB sparse file, /dev/zero, an endless FIFO (fed by `yes`) and an endless
# pipe on standard input (`yes | evcalc host -`): the exit status, the wall time and the peak
# RSS (GNU time's "Maximum resident set size"; else VmHWM sampled from /proc/PID/status).
# Default binary: target/release/evcalc (built when missing). Prints a Markdown table.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bin=${1:-target/release/evcalc}
if [[ ! -x $bin ]]; then
    cargo build --release -p evcalc-cli >&2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
truncate -s 1G "$work/huge.txt"
mkfifo "$work/endless"

# run NAME COMMAND...: one table row.
run() {
    local name=$1
    shift
    local start end rc rss
    start=$(date +%s.%N)
    set +e
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>"$work/err"
        rc=$?
        rss=$(tail -n 1 "$work/rss")
    else
        "$@" >/dev/null 2>"$work/err" &
        local pid=$! now
        rss=0
        while kill -0 "$pid" 2>/dev/null; do
            now=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
            if [[ -n $now ]] && ((now > rss)); then rss=$now; fi
            sleep 0.01
        done
        wait "$pid"
        rc=$?
    fi
    set -e
    end=$(date +%s.%N)
    printf '| %s | %s | %.2f s | %d MB | %s |\n' "$name" "$rc" "$(echo "$end - $start" | bc)" "$((rss / 1024))" \
        "$(grep -m1 -o 'error: .*' "$work/err" | cut -c8-100)"
}

echo "| input | exit | wall time | peak RSS | message |"
echo "|---|---|---|---|---|"
run "1 GiB sparse file" "$bin" host "$work/huge.txt"
run "/dev/zero" "$bin" host /dev/zero
(yes >"$work/endless" 2>/dev/null || true) &
run "endless FIFO (yes > fifo)" "$bin" host "$work/endless"
wait
run "endless pipe on stdin (yes \\| evcalc host -)" bash -c "yes | '$bin' host -"
