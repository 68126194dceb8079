#!/usr/bin/env python3
"""Writes the bundle fixtures of this directory (SYNTHETIC: assembled by us; see README.md).

two-clusters.bundle.json — one vCenter, two clusters:
  * Cluster-1 (domain-c35, EVC disabled): the real VMware Cloud host-14 and its 7 real VMs, values
    verbatim from tests/data/real/govc/object.save-vmc-sddc/*.evc.json;
  * Prod-Haswell (domain-c201, EVC intel-haswell): the bundled incident's four hosts and two VMs,
    values from examples/mdclear-cluster/ (VMODL text written by us), evcState masks from esxi01's
    featMask.evc lines.
modes.bundle.json — one host (host-14) and a supportedEVCMode list (the synthetic PowerCLI
  fixture's two modes), to check that a bundle's modes replace the built-in baselines.

Run from the repository root: python3 tests/data/synthetic/bundle/make.py
"""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
OUT = Path(__file__).resolve().parent
REAL = ROOT / "tests/data/real/govc/object.save-vmc-sddc"
EXAMPLE = ROOT / "examples/mdclear-cluster"


def vmodl_list(text, name):
    """The {key, featureName, value} entries of the VMODL list `name = (…) [ … ]`."""
    start = re.search(r"^(\s*)" + re.escape(name) + r" = \([^)]*\) \[\s*$", text, re.M)
    if not start:
        return []
    indent = start.group(1)
    end = text.index("\n" + indent + "]", start.end())
    block = text[start.end():end]
    return [
        {"key": k, "featureName": f, "value": v}
        for k, f, v in re.findall(
            r'key = "([^"]+)",\s*featureName = "([^"]+)",\s*value = "([^"]*)"', block
        )
    ]


def vmodl_scalar(text, name):
    m = re.search(r"^\s*" + re.escape(name) + r' = "([^"]*)"', text, re.M)
    return m.group(1) if m else None


def real_host():
    d = json.loads((REAL / "0082-HostSystem-host-14.evc.json").read_text())
    return {
        "moref": d["moref"],
        "name": d["name"],
        "parent": "domain-c35",
        "runtime.connectionState": "connected",
        "config.product": {"fullName": d["summary.config.product.fullName"]},
        "summary.hardware.cpuModel": d["summary.hardware.cpuModel"],
        "summary.currentEVCModeKey": d["summary.currentEVCModeKey"],
        "summary.maxEVCModeKey": d["summary.maxEVCModeKey"],
        "config.featureCapability": d["config.featureCapability"],
        "config.maskedFeatureCapability": d["config.maskedFeatureCapability"],
        "hardware.cpuPkg": d["hardware.cpuPkg"],
    }


def real_vms():
    out = []
    for f in sorted(REAL.glob("*-VirtualMachine-*.evc.json")):
        d = json.loads(f.read_text())
        vm = {"moref": d["moref"], "name": d["name"]}
        for k in ("config.version", "config.guestId"):
            vm[k] = d.get(k)
        vm["runtime.host"] = "host-14"
        for k in (
            "runtime.powerState",
            "runtime.minRequiredEVCModeKey",
            "runtime.featureRequirement",
            "runtime.offlineFeatureRequirement",
            "runtime.featureMask",
        ):
            vm[k] = d.get(k)
        out.append(vm)
    return out


def example_hosts():
    out = []
    for n in range(1, 5):
        text = (EXAMPLE / f"esxi0{n}.txt").read_text()
        out.append(
            {
                "moref": f"host-10{n}",
                "name": f"esxi0{n}",
                "parent": "domain-c201",
                "runtime.connectionState": "connected",
                "config.product": {
                    "fullName": vmodl_scalar(text, "fullName"),
                    "version": vmodl_scalar(text, "version"),
                    "build": vmodl_scalar(text, "build"),
                },
                "summary.currentEVCModeKey": "intel-haswell",
                "config.featureCapability": vmodl_list(text, "featureCapability"),
                "config.maskedFeatureCapability": vmodl_list(text, "maskedFeatureCapability"),
            }
        )
    return out


def example_vms():
    out = []
    for file, moref, host in (
        ("vm-app01-on-esxi01.runtime.txt", "vm-301", "host-101"),
        ("vm-db02-on-esxi02.runtime.txt", "vm-302", "host-102"),
    ):
        text = (EXAMPLE / file).read_text()
        out.append(
            {
                "moref": moref,
                "name": file.split("-on-")[0][3:],
                "runtime.host": host,
                "runtime.powerState": vmodl_scalar(text, "powerState"),
                "runtime.minRequiredEVCModeKey": vmodl_scalar(text, "minRequiredEVCModeKey"),
                "runtime.featureRequirement": vmodl_list(text, "featureRequirement"),
                "runtime.offlineFeatureRequirement": vmodl_list(text, "offlineFeatureRequirement"),
                "runtime.featureMask": [],
            }
        )
    return out


def evc_state_from_featmask():
    masks = []
    for line in (EXAMPLE / "esxi01-etc-vmware-config.txt").read_text().splitlines():
        m = re.match(r'featMask\.evc\.(cpuid\.\w+) = "([^"]+)"', line)
        if m:
            masks.append({"key": m.group(1), "featureName": m.group(1), "value": m.group(2)})
    return {"currentEVCModeKey": "intel-haswell", "featureMask": masks}


def write(name, bundle):
    (OUT / name).write_text(json.dumps(bundle, indent=1) + "\n")


header = {
    "evcalcBundle": 1,
    "collector": {"name": "tests/data/synthetic/bundle/make.py", "version": "1"},
    "collectedAt": "2026-01-01T00:00:00Z",
    "vcenter": {"host": "vcenter.example.invalid", "fullName": "SYNTHETIC fixture (not a vCenter)"},
    "scope": {"cluster": None},
}
write(
    "two-clusters.bundle.json",
    {
        **header,
        "clusters": [
            {
                "moref": "domain-c35",
                "name": "Cluster-1",
                "type": "ClusterComputeResource",
                "summary.currentEVCModeKey": None,
            },
            {
                "moref": "domain-c201",
                "name": "Prod-Haswell",
                "type": "ClusterComputeResource",
                "summary.currentEVCModeKey": "intel-haswell",
                "evcState": evc_state_from_featmask(),
            },
        ],
        "hostSystems": [real_host()] + example_hosts(),
        "virtualMachines": real_vms() + example_vms(),
        "missing": [
            {
                "object": "ServiceInstance",
                "property": "capability.supportedEVCMode",
                "reason": "not in this fixture (no public supportedEVCMode export exists)",
            },
            *(
                {
                    "object": vm,
                    "property": prop,
                    "reason": "not in this fixture (the example's get.runtime dumps carry no config)",
                }
                for vm in ("vm-301", "vm-302")
                for prop in ("config.version", "config.guestId")
            ),
            {
                "object": "domain-c35",
                "property": "evcState",
                "reason": "not in this fixture (the public SDDC dump has no EvcManager data)",
            },
        ],
    },
)


def camel(v):
    """PowerCLI's PascalCase members as the vSphere API's camelCase, without Dynamic*."""
    if isinstance(v, dict):
        return {
            k[0].lower() + k[1:]: camel(x) for k, x in v.items() if not k.startswith("Dynamic")
        }
    if isinstance(v, list):
        return [camel(x) for x in v]
    return v


modes = camel(json.loads((ROOT / "tests/data/synthetic/supported-evc-modes.powercli.json").read_text()))
write(
    "modes.bundle.json",
    {
        **header,
        "supportedEVCMode": modes,
        "clusters": [
            {
                "moref": "domain-c35",
                "name": "Cluster-1",
                "type": "ClusterComputeResource",
                "summary.currentEVCModeKey": None,
            }
        ],
        "hostSystems": [real_host()],
        "virtualMachines": [],
        "missing": [],
    },
)
