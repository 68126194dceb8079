#!/usr/bin/env bash
# Short fuzz run of every evcalc parser, the format detection and the whole session.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (from anywhere; default 60 s, all targets)
#
# Works on a fresh machine: installs the nightly toolchain and cargo-fuzz 0.13.2 when missing,
# seeds each target's corpus (core/fuzz/corpus/<target>/, not committed) from the real fixtures
# in examples/ and tests/data/, builds, runs each target for the budget, and prints a table of
# executions per target. Exits 1 if any target crashed, hung or ran out of memory, after
# printing where the failing input was written (core/fuzz/artifacts/<target>/) and how to
# replay it. Every crash found must become a regression test (tests/it/malformed.rs or the
# parser's unit tests).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(detect vmodl masklines govc_xml govc_json cpuid_dump cpuinfo session rvtools rvtools_xlsx vmotion_error evc9 cpuid_reg_masks bundle)
seconds=${1:-60}
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]  (targets: ${ALL_TARGETS[*]})" >&2
  exit 2
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
  if ! [[ " ${ALL_TARGETS[*]} " == *" $t "* ]]; then
    echo "unknown fuzz target: $t (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

# -- tools ---------------------------------------------------------------------------------
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "== installing the nightly toolchain (cargo-fuzz needs it)"
  rustup toolchain install nightly --profile minimal
fi
echo "== $(rustup run nightly rustc --version)"
if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# -- seed corpora from the real fixtures ---------------------------------------------------
fuzz=core/fuzz
seed() { # seed TARGET FILE...: copy fixtures in (flattened names; existing entries are kept)
  local target=$1
  shift
  mkdir -p "$fuzz/corpus/$target"
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    case "$f" in */README*|*.tsv|*.md) continue ;; esac
    cp "$f" "$fuzz/corpus/$target/seed-$(echo "$f" | tr '/' '_')"
  done
}
shopt -s nullglob globstar
examples=(examples/**/*.txt)
malformed=(tests/data/malformed/*)
seed detect "${examples[@]}" tests/data/**/* "${malformed[@]}"
seed session "${examples[@]}" tests/data/**/* "${malformed[@]}"
seed vmodl examples/mdclear-cluster/esxi0?.txt examples/mdclear-cluster/grep-*.txt examples/mdclear-cluster/vm-*.txt \
  tests/data/real/vim-cmd_*.txt "${malformed[@]}"
seed masklines examples/mdclear-cluster/*config*.txt tests/data/real/vmx-*.txt "${malformed[@]}"
seed govc_xml tests/data/real/govc/**/*.xml tests/data/cpuid/libvirt/*.xml "${malformed[@]}"
seed govc_json tests/data/**/*.json "${malformed[@]}"
seed cpuid_dump tests/data/cpuid/instlatx64/* tests/data/cpuid/libcpuid/* tests/data/cpuid/libvirt/* \
  tests/data/cpuid/local/*cpuid* "${malformed[@]}"
seed cpuinfo tests/data/cpuid/local/*cpuinfo* "${malformed[@]}"
seed rvtools tests/data/synthetic/rvtools/*/*.csv "${malformed[@]}"
seed rvtools_xlsx tests/data/synthetic/rvtools/*.xlsx
seed vmotion_error tests/data/synthetic/vmotion-errors/*.txt "${malformed[@]}"
seed evc9 tests/data/synthetic/evc9/*.json "${malformed[@]}"
seed cpuid_reg_masks tests/data/synthetic/legacy-masks/*.txt "${malformed[@]}"
seed bundle tests/data/synthetic/bundle/*.json tests/data/collected/*.bundle.json "${malformed[@]}"

dict_for() {
  case "$1" in
    vmodl) echo "$root/$fuzz/dicts/vmodl.dict" ;;
    masklines) echo "$root/$fuzz/dicts/masklines.dict" ;;
    govc_xml) echo "$root/$fuzz/dicts/govc_xml.dict" ;;
    govc_json) echo "$root/$fuzz/dicts/govc_json.dict" ;;
    cpuid_dump | cpuinfo) echo "$root/$fuzz/dicts/cpuid_dump.dict" ;;
    *) # detect, session: every format's tokens
      cat "$root/$fuzz"/dicts/*.dict >"$root/$fuzz/target/all.dict"
      echo "$root/$fuzz/target/all.dict" ;;
  esac
}

# -- build and run ---------------------------------------------------------------------------
cd core
echo "== building the fuzz targets"
cargo +nightly fuzz build
mkdir -p fuzz/target fuzz/logs
cd "$root"

failed=()
summary=()
for t in "${targets[@]}"; do
  log="$fuzz/logs/$t.log"
  dict=$(dict_for "$t")
  mkdir -p "$fuzz/artifacts/$t"
  echo "== fuzzing $t for ${seconds}s (log: $log)"
  status=0
  # -max_len: fixtures up to 2.5 MB would make every mutation slow; their first 64 KiB are kept.
  # -timeout: an input taking over 10 s is a hang. -rss_limit_mb: unbounded memory is a failure.
  (cd core && cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -dict="$dict" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1) >"$root/$log" 2>&1 || status=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  corpus=$(find "$fuzz/corpus/$t" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    summary+=("$(printf '%-11s %12s execs %8s/s  corpus %5s  ok' "$t" "$execs" "$rate" "$corpus")")
  else
    failed+=("$t")
    summary+=("$(printf '%-11s %12s execs %8s/s  corpus %5s  FAILED (exit %s)' "$t" "$execs" "$rate" "$corpus" "$status")")
    echo "!! $t failed (exit $status); last lines of $log:"
    grep -E -A1 'panicked at' "$log" | head -n 4 || true
    grep -E 'ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | tail -n 6 || tail -n 30 "$log"
    for a in $(grep -o 'Test unit written to [^ ]*' "$log" | awk '{print $5}'); do
      a=${a#"$root/"}
      echo "!! failing input: $a"
      echo "!!   replay: (cd core && cargo +nightly fuzz run $t ${a#core/})"
    done
  fi
done

echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "== FAILED: ${failed[*]} — inputs are in $fuzz/artifacts/<target>/; add each as a regression test" >&2
  exit 1
fi
echo "== no crash"
