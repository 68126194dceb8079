#!/usr/bin/env python3
"""Collect one evcalc bundle (docs/bundle.md) from a vCenter, read-only, with pyVmomi.

    pip install pyvmomi
    EVCALC_VC_PASSWORD=… python3 collect.py --server vcenter.example.com --user ro@vsphere.local -o bundle.json

Reads, for every cluster (or the one given with --cluster): the cluster's
summary.currentEVCModeKey and EvcManager().evcState; each host's name, parent,
runtime.connectionState, config.product, summary.currentEVCModeKey/maxEVCModeKey,
summary.hardware.cpuModel, config.featureCapability, config.maskedFeatureCapability,
hardware.cpuPkg (with cpuFeature) and hardware.biosInfo; each VM's config.version,
config.guestId, runtime.host, runtime.powerState, runtime.featureRequirement,
runtime.offlineFeatureRequirement, runtime.featureMask, runtime.minRequiredEVCModeKey; and
ServiceInstance.capability.supportedEVCMode. Whatever the account cannot read, or the server
does not answer, is written to the bundle's `missing` list with the reason; nothing is invented.

Only Retrieve calls and EvcManager() (which returns the cluster's EVC manager) are made: a
read-only role is enough. The password comes from $EVCALC_VC_PASSWORD or a prompt, never from
the command line. A progress line per cluster goes to stderr.
"""
import argparse
import datetime
import getpass
import json
import os
import sys

try:
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim, vmodl
    from pyVmomi.VmomiSupport import DataObject, ManagedObject
except ImportError:  # pragma: no cover - told to the user
    sys.exit("collect.py needs pyVmomi: pip install pyvmomi")

VERSION = "1"
BUNDLE_VERSION = 1

HOST_PATHS = [
    "name",
    "parent",
    "runtime.connectionState",
    "config.product",
    "summary.currentEVCModeKey",
    "summary.maxEVCModeKey",
    "summary.hardware.cpuModel",
    "config.featureCapability",
    "config.maskedFeatureCapability",
    "hardware.cpuPkg",
    "hardware.biosInfo",
]
VM_PATHS = [
    "name",
    "config.version",
    "config.guestId",
    "runtime.host",
    "runtime.powerState",
    "runtime.featureRequirement",
    "runtime.offlineFeatureRequirement",
    "runtime.featureMask",
    "runtime.minRequiredEVCModeKey",
]
# Unset on a host, these make evcalc treat its features as unknown: said as missing too.
HOST_LISTS = ("config.featureCapability", "config.maskedFeatureCapability")


def plain(value):
    """A pyVmomi value as JSON: data objects by their properties, managed objects by MoRef."""
    if isinstance(value, ManagedObject):
        return value._moId
    if isinstance(value, DataObject):
        out = {}
        for prop in value._GetPropertyList():
            if prop.name in ("dynamicType", "dynamicProperty"):
                continue
            v = getattr(value, prop.name, None)
            if v is None:
                continue
            out[prop.name] = plain(v)
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, type):
        return value.__name__
    return str(value)


def fault_text(fault):
    """`NoPermission: … (privilege System.Read on host-14)`."""
    name = type(fault).__name__.split(".")[-1]
    msg = getattr(fault, "msg", None) or ""
    extra = ""
    if isinstance(fault, vim.fault.NoPermission):
        extra = f" (privilege {getattr(fault, 'privilegeId', '?')} on {plain(getattr(fault, 'object', None))})"
    return f"{name}: {msg}{extra}".strip().rstrip(":")


def retrieve(content, root, kind, paths):
    """Every object of `kind` below `root` with `paths`: (moref, {path: value}, {path: reason})."""
    pc = content.propertyCollector
    view = content.viewManager.CreateContainerView(root, [kind], True)
    try:
        spec = vmodl.query.PropertyCollector.FilterSpec(
            objectSet=[
                vmodl.query.PropertyCollector.ObjectSpec(
                    obj=view,
                    skip=True,
                    selectSet=[
                        vmodl.query.PropertyCollector.TraversalSpec(
                            name="view", path="view", skip=False, type=vim.view.ContainerView
                        )
                    ],
                )
            ],
            propSet=[vmodl.query.PropertyCollector.PropertySpec(type=kind, pathSet=paths, all=False)],
        )
        out = []
        result = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
        while result:
            for oc in result.objects:
                props = {p.name: p.val for p in (oc.propSet or [])}
                missing = {m.path: fault_text(m.fault) for m in (oc.missingSet or [])}
                out.append((oc.obj, props, missing))
            if not result.token:
                break
            result = pc.ContinueRetrievePropertiesEx(result.token)
        return out
    finally:
        view.DestroyView()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True, help="vCenter host name or address")
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--user", required=True, help="a read-only account, e.g. ro@vsphere.local")
    ap.add_argument("--cluster", help="collect only this cluster (name); default: every cluster")
    ap.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify the server's TLS certificate (self-signed vCenter, simulator)",
    )
    ap.add_argument("-o", "--output", required=True, help="the bundle file to write ('-' = stdout)")
    args = ap.parse_args()
    password = os.environ.get("EVCALC_VC_PASSWORD")
    if password is None:
        password = getpass.getpass(f"password for {args.user}@{args.server}: ")

    try:
        si = SmartConnect(
            host=args.server,
            port=args.port,
            user=args.user,
            pwd=password,
            disableSslCertValidation=args.insecure,
        )
    except vim.fault.InvalidLogin:
        sys.exit(f"collect.py: error: {args.server}: login refused for {args.user}")
    except Exception as e:  # connection refused, TLS, DNS: said plainly
        sys.exit(f"collect.py: error: cannot connect to {args.server}:{args.port}: {e}")
    try:
        bundle = collect(si, args)
    finally:
        Disconnect(si)
    text = json.dumps(bundle, indent=1) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    n = len(bundle["missing"])
    print(
        f"wrote {args.output}: {len(bundle['clusters'])} compute resources, {len(bundle['hostSystems'])} hosts, "
        f"{len(bundle['virtualMachines'])} VMs, {n} propert{'y' if n == 1 else 'ies'} not collected",
        file=sys.stderr,
    )


def collect(si, args):
    content = si.RetrieveContent()
    about = content.about
    missing = []

    def lost(obj, prop, reason):
        missing.append({"object": obj, "property": prop, "reason": reason})

    bundle = {
        "evcalcBundle": BUNDLE_VERSION,
        "collector": {"name": "collect.py", "version": VERSION, "library": f"pyVmomi {pyvmomi_version()}"},
        "collectedAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "vcenter": {
            "host": args.server,
            "fullName": about.fullName,
            "apiVersion": about.apiVersion,
            "instanceUuid": about.instanceUuid,
        },
        "scope": {"cluster": args.cluster},
    }
    # ServiceInstance.capability.supportedEVCMode: every EVC mode's masks and requirements.
    try:
        modes = si.capability.supportedEVCMode
    except vmodl.MethodFault as e:
        modes = None
        lost("ServiceInstance", "capability.supportedEVCMode", fault_text(e))
    else:
        if not modes:
            lost("ServiceInstance", "capability.supportedEVCMode", "unset: the server returned no EVC modes")
    if modes:
        bundle["supportedEVCMode"] = plain(modes)

    # Compute resources: clusters (with EVC) and standalone hosts' ComputeResource.
    resources = retrieve(content, content.rootFolder, vim.ComputeResource, ["name"])
    clusters = []
    wanted = None
    for obj, props, miss in resources:
        name = props.get("name", obj._moId)
        if args.cluster and name != args.cluster:
            continue
        entry = {"moref": obj._moId, "name": name, "type": type(obj).__name__.split(".")[-1]}
        for path, reason in miss.items():
            lost(obj._moId, path, reason)
        if isinstance(obj, vim.ClusterComputeResource):
            entry["type"] = "ClusterComputeResource"
            try:
                summary = obj.summary
                entry["summary.currentEVCModeKey"] = getattr(summary, "currentEVCModeKey", None) or None
            except vmodl.MethodFault as e:
                lost(obj._moId, "summary.currentEVCModeKey", fault_text(e))
            try:
                state = obj.EvcManager().evcState
                if state is None:
                    lost(obj._moId, "evcState", "unset: the server returned no evcState")
                else:
                    entry["evcState"] = plain(state)
            except vmodl.MethodFault as e:
                lost(obj._moId, "evcState", fault_text(e))
        else:
            entry["type"] = "ComputeResource"
        clusters.append(entry)
    if args.cluster and not clusters:
        names = sorted(p.get("name", o._moId) for o, p, _ in resources)
        sys.exit(f"collect.py: error: no cluster {args.cluster!r} (there are: {', '.join(names)})")
    wanted = {c["moref"] for c in clusters}

    hosts = []
    for obj, props, miss in retrieve(content, content.rootFolder, vim.HostSystem, HOST_PATHS):
        parent = plain(props.get("parent"))
        if parent not in wanted:
            continue
        host = {"moref": obj._moId}
        for path in HOST_PATHS:
            if path in miss:
                lost(obj._moId, path, miss[path])
            elif path in props:
                host[path] = plain(props[path])
            else:
                host[path] = None
                if path in HOST_LISTS:
                    state = plain(props.get("runtime.connectionState"))
                    lost(obj._moId, path, f"unset on the server (host {state or 'in an unknown state'})")
        hosts.append(host)
    host_ids = {h["moref"] for h in hosts}

    vms = []
    for obj, props, miss in retrieve(content, content.rootFolder, vim.VirtualMachine, VM_PATHS):
        on = plain(props.get("runtime.host"))
        if on not in host_ids:
            continue
        vm = {"moref": obj._moId}
        for path in VM_PATHS:
            if path in miss:
                lost(obj._moId, path, miss[path])
            elif path in props:
                vm[path] = plain(props[path])
            else:
                vm[path] = None
        vms.append(vm)

    for c in clusters:
        members = [h for h in hosts if h.get("parent") == c["moref"]]
        ids = {h["moref"] for h in members}
        n_vms = sum(1 for v in vms if v.get("runtime.host") in ids)
        evc = c.get("summary.currentEVCModeKey", "not read")
        state = "read" if "evcState" in c else "not read"
        print(
            f"cluster {c['name']} ({c['moref']}): {len(members)} host{'s' if len(members) != 1 else ''}, "
            f"{n_vms} VM{'s' if n_vms != 1 else ''}, EVC {evc or 'disabled'}, evcState {state}",
            file=sys.stderr,
        )
    for m in missing:
        print(f"collect.py: not collected: {m['object']} {m['property']}: {m['reason']}", file=sys.stderr)

    bundle["clusters"] = clusters
    bundle["hostSystems"] = hosts
    bundle["virtualMachines"] = vms
    bundle["missing"] = missing
    return bundle


def pyvmomi_version():
    try:
        from importlib.metadata import version

        return version("pyvmomi")
    except Exception:
        return "unknown"


if __name__ == "__main__":
    main()
