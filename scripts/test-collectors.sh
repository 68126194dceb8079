#!/usr/bin/env bash
# Tests the vCenter collectors (collectors/) against a real vSphere API: govmomi's simulator,
# built from Debian's govmomi library (collectors/vcsim/), serving the real public object.save of
# the VMware Cloud SDDC our host-14 comes from (tests/data/real/sddc-objectsave/).
#
#  1. installs golang-go, golang-github-vmware-govmomi-dev and jq with apt when missing;
#  2. builds the simulator offline (GOPATH mode) and evcalc (`cargo test --workspace --no-run`);
#  3. runs collectors/collect.py (pyVmomi from PyPI, in a venv under the target dir) against the
#     simulator and checks its bundle: host-14's 83 features, the 7 VMs, what vcsim does not
#     answer (supportedEVCMode, evcState) recorded as missing, and the same bundle as the
#     committed tests/data/collected/sddc-vcsim.pyvmomi.bundle.json;
#  4. writes govc-shaped output of the same simulator (evcalc-vcsim -govc-shape), assembles it
#     with collectors/collect-govc.sh --from, and compares with the committed govc bundle;
#  5. reads every bundle with target/debug/evcalc: host-14's report is the one its real
#     object.save XML gives, the 7 VM reports are the XML's, the cluster answer exits 0;
#  6. validates every bundle (fresh and committed) against docs/schema/bundle.v1.schema.json.
# Prints the time each step took. The PowerCLI collector is checked by cli/tests/cli/bundle.rs
# against a bundle in PowerShell's text shape (no PowerShell on Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
T=${CARGO_TARGET_DIR:-$ROOT/target}
W=$T/collectors
mkdir -p "$W"
SECONDS=0
step() { printf '[%3ss] %s\n' "$SECONDS" "$*"; }
fail() { echo "test-collectors.sh: FAIL: $*" >&2; exit 1; }

# 1. Packages.
need=()
command -v go >/dev/null || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ] || need+=(golang-github-vmware-govmomi-dev)
command -v jq >/dev/null || need+=(jq)
if [ ${#need[@]} -gt 0 ]; then
  step "apt-get install ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y "${need[@]}" >"$W/apt.log" 2>&1 || { $SUDO apt-get update >>"$W/apt.log" 2>&1 && $SUDO apt-get install -y "${need[@]}" >>"$W/apt.log" 2>&1; } || fail "apt-get (see $W/apt.log)"
fi

# 2. Builds.
step "build the simulator (GOPATH mode, offline)"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$W/gocache" GOFLAGS=-mod=mod \
  go build -o "$W/evcalc-vcsim" ./collectors/vcsim 2>"$W/go-build.log" || { cat "$W/go-build.log" >&2; fail "go build"; }
step "build evcalc"
# As `cargo test --workspace` in scripts/test.sh built it (a no-op there): `cargo build -p
# evcalc-cli` would unify other features and build the core again.
cargo test -q --workspace --locked --no-run
EVCALC=$T/debug/evcalc
if [ ! -x "$W/venv/bin/python" ] || ! "$W/venv/bin/python" -c 'import pyVmomi, jsonschema' 2>/dev/null; then
  step "venv + pyvmomi, jsonschema (PyPI)"
  python3 -m venv "$W/venv"
  "$W/venv/bin/pip" install -q pyvmomi jsonschema >"$W/pip.log" 2>&1 || { cat "$W/pip.log" >&2; fail "pip install"; }
fi

# 3. The simulator and the pyVmomi collector.
step "serve tests/data/real/sddc-objectsave with the simulator"
"$W/evcalc-vcsim" -load tests/data/real/sddc-objectsave >"$W/vcsim.out" 2>"$W/vcsim.log" &
VCSIM=$!
trap 'kill $VCSIM 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q '^URL ' "$W/vcsim.out" 2>/dev/null && break
  kill -0 $VCSIM 2>/dev/null || { cat "$W/vcsim.log" >&2; fail "the simulator exited"; }
  sleep 0.1
done
PORT=$(grep -m1 '^URL ' "$W/vcsim.out" | sed -E 's/.*:([0-9]+)\/sdk$/\1/')
[ -n "$PORT" ] || fail "no URL from the simulator"
step "collect.py against https://127.0.0.1:$PORT/sdk"
EVCALC_VC_PASSWORD=pass "$W/venv/bin/python" collectors/collect.py --server 127.0.0.1 --port "$PORT" \
  --user user --insecure -o "$W/sddc.pyvmomi.bundle.json" 2>"$W/collect.log" || { cat "$W/collect.log" >&2; fail "collect.py"; }
cat "$W/collect.log"
b=$W/sddc.pyvmomi.bundle.json
[ "$(jq '.hostSystems[0]["config.featureCapability"] | length' "$b")" = 83 ] || fail "host-14 has not 83 features"
[ "$(jq '.hostSystems[0]["config.maskedFeatureCapability"] | length' "$b")" = 83 ] || fail "host-14 has not 83 masked features"
[ "$(jq '[.virtualMachines[] | select((.["runtime.featureRequirement"] | length) > 0)] | length' "$b")" = 7 ] || fail "not 7 VMs with requirements"
[ "$(jq -c '[.missing[] | "\(.object) \(.property)"]' "$b")" = '["ServiceInstance capability.supportedEVCMode","domain-c35 evcState"]' ] \
  || fail "missing records: $(jq -c .missing "$b")"
diff <(jq -S 'del(.collectedAt, .vcenter.host, .collector.library)' "$b") \
  <(jq -S 'del(.collectedAt, .vcenter.host, .collector.library)' tests/data/collected/sddc-vcsim.pyvmomi.bundle.json) >/dev/null \
  || fail "the pyVmomi bundle differs from tests/data/collected/sddc-vcsim.pyvmomi.bundle.json"
kill $VCSIM; wait $VCSIM 2>/dev/null || true

# 4. govc's shapes of the same inventory, assembled by collect-govc.sh.
step "govc-shaped output and collect-govc.sh --from"
rm -rf "$W/govc-shape" && mkdir -p "$W/govc-shape"
"$W/evcalc-vcsim" -load tests/data/real/sddc-objectsave -govc-shape "$W/govc-shape" 2>>"$W/vcsim.log" || fail "evcalc-vcsim -govc-shape"
for f in tests/data/collected/govc-shape-sddc/*.json; do
  cmp -s "$f" "$W/govc-shape/$(basename "$f")" || fail "govc shape $(basename "$f") differs from the committed one"
done
collectors/collect-govc.sh --from "$W/govc-shape" -o "$W/sddc.govc.bundle.json"
diff <(jq -S 'del(.collectedAt)' "$W/sddc.govc.bundle.json") <(jq -S 'del(.collectedAt)' tests/data/collected/sddc-vcsim.govc.bundle.json) >/dev/null \
  || fail "the govc bundle differs from tests/data/collected/sddc-vcsim.govc.bundle.json"

# 5. evcalc reads them as the real object.save.
step "evcalc reads the bundles"
view='.hosts[0] | del(.name, .source)'
want=$("$EVCALC" host tests/data/real/govc/object.save-vmc-sddc/0082-HostSystem-host-14.xml --json 2>/dev/null | jq -c "$view")
vmview='[.vms[] | del(.source, .host)] | sort_by(.name)'
want_vms=$("$EVCALC" vm tests/data/real/govc/object.save-vmc-sddc/*VirtualMachine*.xml --json 2>/dev/null | jq -c "$vmview")
for f in "$W/sddc.pyvmomi.bundle.json" "$W/sddc.govc.bundle.json"; do
  [ "$("$EVCALC" host "$f" --json 2>/dev/null | jq -c "$view")" = "$want" ] || fail "$f: host report differs from the XML's"
  [ "$("$EVCALC" vm "$f" --json 2>/dev/null | jq -c "$vmview")" = "$want_vms" ] || fail "$f: VM reports differ from the XML's"
  "$EVCALC" cluster "$f" >/dev/null 2>&1 || fail "$f: evcalc cluster exit $?"
done
"$EVCALC" cluster "$W/sddc.pyvmomi.bundle.json" 2>&1 | grep -q "evcState not collected: MethodNotFound" || fail "evcState not said missing"
step "bundles against docs/schema/bundle.v1.schema.json"
"$W/venv/bin/python" - "$W"/*.bundle.json tests/data/collected/*.bundle.json tests/data/synthetic/bundle/*.bundle.json <<'PY' || fail "schema"
import json, sys, jsonschema
schema = json.load(open("docs/schema/bundle.v1.schema.json"))
for path in sys.argv[1:]:
    jsonschema.validate(json.loads(open(path, encoding="utf-8-sig").read()), schema)
print(f"{len(sys.argv) - 1} bundles valid")
PY
step "ok: collectors tested against the simulator"
