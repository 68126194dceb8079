"""Real data nobody on the project wrote: a VMware Cloud on AWS host (govc object.save, ESXi
8.0.1, Xeon E5-2686 v4) and seven of its VMs (tests/data/README.md has the provenance)."""

from __future__ import annotations

import evcalc
from conftest import EXAMPLE, REAL


def test_real_host_and_vms():
    ws = evcalc.Workspace.load(sorted(REAL.glob("*.xml")))
    hosts = ws.hosts()["hosts"]
    assert [h["name"] for h in hosts] == ["esx-0"]
    assert "E5-2686 v4" in (hosts[0]["cpu_model"] or "")
    # Computed from its 83 features (the dump's own maxEVCModeKey is only the cross-check).
    assert hosts[0]["max_evc_mode"] == "intel-broadwell"
    assert hosts[0]["max_evc_cross_check"] == "agrees"
    vms = ws.vms()["vms"]
    assert len(vms) == 7
    assert {v["min_evc_mode"] for v in vms} <= {"intel-broadwell", "intel-haswell", "intel-sandybridge", "intel-ivybridge"}
    m = ws.maintenance("esx-0")
    # One host: its seven VMs have nowhere to go but themselves... the plan says which.
    assert m["plan"] is not None and m["outcome"] in ("compatible", "blocked", "unknown")


def test_a_real_broadwell_vm_cannot_move_to_the_example_haswell_host():
    ws = evcalc.Workspace.load(sorted(REAL.glob("*.xml")) + [EXAMPLE / "esxi02.txt"])
    a = ws.check(None, "esxi02", vm="test-snap")
    keys = [a["blockers"][i]["key"] for i in a["check"]["blockers"]]
    assert a["check"]["real_vm"] is True and len(a["check"]["requirements"]) == 43
    assert keys == ["cpuid.3DNPREFETCH", "cpuid.ADX", "cpuid.MDCLEAR", "cpuid.RDSEED", "cpuid.SMAP"]
    assert a["outcome"] == "blocked"
