#!/usr/bin/env bash
# Collect one evcalc bundle (docs/bundle.md) from a vCenter, read-only, with govc and jq.
#
#   export GOVC_URL=vcenter.example.com GOVC_USERNAME=ro@vsphere.local GOVC_PASSWORD=… [GOVC_INSECURE=1]
#   collectors/collect-govc.sh [-c CLUSTER] -o bundle.json
#
# It runs five read-only govc commands (`govc object.collect -json`: ServiceInstance's
# content.about and capability, then every ComputeResource, HostSystem and VirtualMachine
# through a container view) and assembles their output with jq. `--from DIR` assembles the
# saved output of those commands instead (about.json, capability.json, resources.json,
# hosts.json, vms.json — `--save DIR` writes them), e.g. from a machine without jq.
#
# govc has no command that calls ClusterComputeResource.EvcManager(), so the clusters' evcState
# is recorded as missing (collect.py and collect.ps1 read it). Every property the account
# cannot read (the server's missingSet) is recorded as missing with the server's message.
set -euo pipefail

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

cluster="" out="" from="" save=""
while [ $# -gt 0 ]; do
  case "$1" in
    -c|--cluster) cluster="${2:?}"; shift 2 ;;
    -o|--output) out="${2:?}"; shift 2 ;;
    --from) from="${2:?}"; shift 2 ;;
    --save) save="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "collect-govc.sh: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$out" ] || usage
command -v jq >/dev/null || { echo "collect-govc.sh: error: needs jq (apt-get install jq)" >&2; exit 2; }

HOST_PATHS=(name parent runtime.connectionState config.product summary.currentEVCModeKey
  summary.maxEVCModeKey summary.hardware.cpuModel config.featureCapability
  config.maskedFeatureCapability hardware.cpuPkg hardware.biosInfo)
VM_PATHS=(name config.version config.guestId runtime.host runtime.powerState
  runtime.featureRequirement runtime.offlineFeatureRequirement runtime.featureMask
  runtime.minRequiredEVCModeKey)

if [ -z "$from" ]; then
  command -v govc >/dev/null || { echo "collect-govc.sh: error: needs govc (https://github.com/vmware/govmomi/releases)" >&2; exit 2; }
  [ -n "${GOVC_URL:-}" ] || { echo "collect-govc.sh: error: set GOVC_URL (and GOVC_USERNAME, GOVC_PASSWORD)" >&2; exit 2; }
  from=$(mktemp -d)
  trap 'rm -rf "$from"' EXIT
  govc object.collect -json - content.about >"$from/about.json"
  govc object.collect -json - capability >"$from/capability.json"
  govc object.collect -json -type ComputeResource / name summary >"$from/resources.json"
  govc object.collect -json -type HostSystem / "${HOST_PATHS[@]}" >"$from/hosts.json"
  govc object.collect -json -type VirtualMachine / "${VM_PATHS[@]}" >"$from/vms.json"
  if [ -n "$save" ]; then mkdir -p "$save" && cp "$from"/*.json "$save"/; fi
fi
for f in about capability resources hosts vms; do
  [ -f "$from/$f.json" ] || { echo "collect-govc.sh: error: $from/$f.json missing" >&2; exit 2; }
done

host_paths=$(printf '%s\n' "${HOST_PATHS[@]}" | jq -R . | jq -s -c .)
vm_paths=$(printf '%s\n' "${VM_PATHS[@]}" | jq -R . | jq -s -c .)

# govc's JSON comes in two conventions: govmomi's Go field names (`Obj`, `ChangeSet`, `Val`, array
# values wrapped as {"HostFeatureCapability": […]}) and the vSphere JSON API's (`obj`, `changeSet`,
# `val`, {"_typeName": "ArrayOf…", "_value": […]}); `norm` makes both the API's camelCase.
bundle=$(jq -n \
  --slurpfile about "$from/about.json" \
  --slurpfile cap "$from/capability.json" \
  --slurpfile res "$from/resources.json" \
  --slurpfile hosts "$from/hosts.json" \
  --slurpfile vms "$from/vms.json" \
  --argjson host_paths "$host_paths" \
  --argjson vm_paths "$vm_paths" \
  --arg cluster "$cluster" \
  --arg server "${GOVC_URL:-saved govc output}" \
  --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '
  def lc: (.[0:1] | ascii_downcase) + .[1:];
  def wrappers: ["hostFeatureCapability", "hostFeatureMask", "virtualMachineFeatureRequirement",
    "hostCpuIdInfo", "hostCpuPackage", "eVCMode", "string", "int", "short", "long"];
  def norm: walk(
    if type == "object" then
      if has("_value") then ._value
      else with_entries(.key |= lc) | del(.dynamicType, .dynamicProperty, ._typeName)
        | if length == 1 and (keys[0] as $k | wrappers | index([$k])) and
             ((.[keys[0]] | type) == "array" or .[keys[0]] == null)
          then .[keys[0]] else . end
      end
    else . end);
  def moref: if type == "object" then .value else . end;
  def blank: if . == "" then null else . end;
  def props: reduce (.changeSet // [])[] as $c ({}; .[$c.name] = $c.val);
  def faults($obj): [(.missingSet // [])[] | {object: $obj, property: .path,
    reason: ((.fault.localizedMessage // "") | if . == "" then "not visible to the account (fault without message)" else . end)}];
  def changes($v): [$v[] | norm | if type == "array" then .[] else . end] | map({(.name): .val}) | add // {};

  ($about | changes(.)) as $a
  | ($cap | changes(.)) as $c
  | [$res[] | norm] as $resources
  | [$resources[] | select($cluster == "" or (props.name == $cluster))] as $picked
  | ($picked | map(.obj.value)) as $wanted
  | [$picked[] | . as $u | props as $p | {
        moref: $u.obj.value,
        name: $p.name,
        type: (if $u.obj.type == "ClusterComputeResource" then "ClusterComputeResource" else "ComputeResource" end)
      } + (if $u.obj.type == "ClusterComputeResource" and ($p | has("summary"))
           then {"summary.currentEVCModeKey": ($p.summary.currentEVCModeKey // null | blank)} else {} end)
    ] as $clusters
  | [$hosts[] | norm | . as $u | props as $p | select(($p.parent | moref) as $x | $wanted | index([$x])) |
      {moref: $u.obj.value} + (reduce $host_paths[] as $path ({};
        if ($u.missingSet // [] | map(.path) | index([$path])) then .
        else .[$path] = ($p[$path] | if $path == "parent" then moref else . end
          | if ($path | test("EVCModeKey$")) then blank else . end) end))
      | {h: ., m: ($u | faults($u.obj.value))}
      | .m += [("config.featureCapability", "config.maskedFeatureCapability") as $l
          | select(.h | has($l) and .[$l] == null)
          | {object: .h.moref, property: $l, reason: "unset on the server (host \(.h["runtime.connectionState"] // "in an unknown state"))"}]
    ] as $h
  | ($h | map(.h.moref)) as $host_ids
  | [$vms[] | norm | . as $u | props as $p | select(($p["runtime.host"] | moref) as $x | $host_ids | index([$x])) |
      {h: ({moref: $u.obj.value} + (reduce $vm_paths[] as $path ({};
        if ($u.missingSet // [] | map(.path) | index([$path])) then .
        else .[$path] = ($p[$path] | if $path == "runtime.host" then moref else . end
          | if $path == "runtime.minRequiredEVCModeKey" then blank else . end) end))),
       m: ($u | faults($u.obj.value))}
    ] as $v
  | ($c.capability.supportedEVCMode // []) as $modes
  | {
      evcalcBundle: 1,
      collector: {name: "collect-govc.sh", version: "1", library: "govc"},
      collectedAt: $at,
      vcenter: {host: $server, fullName: $a["content.about"].fullName, apiVersion: $a["content.about"].apiVersion,
                instanceUuid: $a["content.about"].instanceUuid},
      scope: {cluster: (if $cluster == "" then null else $cluster end)}
    }
  + (if ($modes | length) > 0 then {supportedEVCMode: $modes} else {} end)
  + {
      clusters: $clusters,
      hostSystems: ($h | map(.h)),
      virtualMachines: ($v | map(.h)),
      missing: (
        (if ($modes | length) == 0 then [{object: "ServiceInstance", property: "capability.supportedEVCMode",
          reason: "unset: the server returned no EVC modes"}] else [] end)
        + [$clusters[] | select(.type == "ClusterComputeResource") | {object: .moref, property: "evcState",
          reason: "govc has no command calling ClusterComputeResource.EvcManager() (collect.py and collect.ps1 read it)"}]
        + ($h | map(.m) | add // []) + ($v | map(.m) | add // []))
    }
')

if [ -n "$cluster" ] && [ "$(jq '.clusters | length' <<<"$bundle")" = 0 ]; then
  echo "collect-govc.sh: error: no cluster '$cluster' (there are: $(jq -r '[.[] | .ChangeSet // .changeSet | .[] | select((.Name // .name) == "name") | (.Val // .val)] | join(", ")' -s "$from/resources.json"))" >&2
  exit 1
fi
# One progress line per cluster, then what was not collected.
jq -r '. as $b | .clusters[] | .moref as $c
  | ([$b.hostSystems[] | select(.parent == $c) | .moref]) as $ids
  | "cluster \(.name) (\(.moref)): \($ids | length) host(s), \([$b.virtualMachines[] | select(.["runtime.host"] as $x | $ids | index([$x]))] | length) VM(s), EVC \(if has("summary.currentEVCModeKey") then (.["summary.currentEVCModeKey"] // "disabled") else "not read" end)"' <<<"$bundle" >&2
jq -r '.missing[] | "collect-govc.sh: not collected: \(.object) \(.property): \(.reason)"' <<<"$bundle" >&2
if [ "$out" = "-" ]; then printf '%s\n' "$bundle"; else printf '%s\n' "$bundle" >"$out"; fi
echo "wrote $out: $(jq '.hostSystems | length' <<<"$bundle") hosts, $(jq '.virtualMachines | length' <<<"$bundle") VMs, $(jq '.missing | length' <<<"$bundle") properties not collected" >&2
