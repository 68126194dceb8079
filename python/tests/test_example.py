"""The bundled incident (examples/mdclear-cluster/): esxi01 reports cpuid.MDCLEAR 1, esxi02–04
report 0 (microcode not active)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import evcalc
from conftest import EXAMPLE, REPO, fleet_texts


@pytest.fixture(scope="module")
def ws() -> evcalc.Workspace:
    return evcalc.Workspace.load([EXAMPLE])


def blocker_keys(answer, move) -> list:
    return [answer["blockers"][i]["key"] for i in move["blockers"]]


def test_the_native_module_is_the_installed_one():
    # Not the source tree's evcalc/ (it has no native module).
    assert Path(evcalc._evcalc.__file__).parent == Path(evcalc.__file__).parent
    assert evcalc.__version__ == "0.1.0"


def test_hosts_are_computed_from_their_features(ws):
    a = ws.hosts()
    assert a["schema"] == 2 and a["question"] == "host"
    assert [h["name"] for h in a["hosts"]] == ["esxi01", "esxi02", "esxi03", "esxi04"]
    mdclear = {h["name"]: h for h in a["hosts"]}
    # Every host of the example is a Haswell-EP; the highest mode is computed, not read.
    assert {h["max_evc_mode"] for h in a["hosts"]} == {"intel-haswell"}
    assert mdclear["esxi01"]["source"].endswith("esxi01.txt")


def test_cluster_names_the_two_classes_and_blocks(ws):
    a = ws.cluster(evc="intel-haswell")
    assert a["outcome"] == "blocked"
    # db02 running on esxi02 is evidence of its exposure: esxi02 is a class of its own.
    assert sorted(c["label"] for c in a["classes"]) == ["esxi01", "esxi02", "esxi03, esxi04"]
    assert a["evc"] == {"mode": "intel-haswell", "why": "given", "assumed": False}
    assert "MDCLEAR" in a["headline"]["text"]


def test_check_blocked_by_mdclear_one_way_only(ws):
    a = ws.check("esxi01", "esxi02", evc="intel-haswell")
    assert a["outcome"] == "blocked"
    assert blocker_keys(a, a["check"]) == ["cpuid.MDCLEAR"]
    back = ws.check("esxi02", "esxi01", evc="intel-haswell")
    assert back["outcome"] == "compatible"
    assert back["check"]["blockers"] == []


def test_check_a_real_vm_dump(ws):
    a = ws.check(None, "esxi02", vm="vm-app01-on-esxi01", evc="intel-haswell")
    assert a["check"]["real_vm"] is True
    assert a["outcome"] == "blocked"
    assert blocker_keys(a, a["check"]) == ["cpuid.MDCLEAR"]


def test_maintenance_of_esxi01_is_blocked_and_names_the_microcode(ws):
    a = ws.maintenance("esxi01", evc="intel-haswell")
    assert a["outcome"] == "blocked"
    assert a["plan"]["verdict"].startswith("esxi01 cannot be fully evacuated")
    assert a["remedy_rules"] and any("microcode" in r["action"].lower() for r in a["plan"]["remedies"])
    ok = ws.maintenance("esxi02", evc="intel-haswell")
    assert ok["outcome"] == "compatible"


def test_plan_remove_and_change_mode(ws):
    a = ws.plan(remove=["esxi04"], to_evc="intel-broadwell", evc="intel-haswell")
    assert [r["host"] for r in a["remove"]] == ["esxi04"]
    # The Haswell-EP hosts cannot be raised to Broadwell.
    assert a["change_evc"]["to"] == "intel-broadwell"
    assert a["outcome"] == "blocked"


def test_plan_add_a_host_from_text(ws):
    text = (EXAMPLE / "esxi01.txt").read_text().replace('hostName = "esxi01"', 'hostName = "esxi05"')
    a = ws.plan(add={"esxi05.txt": text}, evc="intel-haswell")
    assert [r["host"] for r in a["add"]] == ["esxi05"]
    assert a["add"][0]["can_join"] is True


def test_vms_have_computed_minimum_modes(ws):
    a = ws.vms()
    assert sorted(v["name"] for v in a["vms"]) == ["vm-app01-on-esxi01", "vm-db02-on-esxi02"]
    assert all(v["min_evc_mode"] for v in a["vms"])


def test_texts_bytes_and_paths_give_the_same_answer(ws, in_repo):
    names = sorted(p.name for p in EXAMPLE.glob("esxi0?.txt"))
    by_path = evcalc.Workspace.load([os.path.join("examples", "mdclear-cluster", n) for n in names])
    named = {f"examples/mdclear-cluster/{n}": EXAMPLE / n for n in names}
    by_text = evcalc.Workspace.load({name: path.read_text() for name, path in named.items()})
    # UTF-16 with BOM, as Windows PowerShell's `>` writes it.
    by_bytes = evcalc.Workspace.load(
        [(name, b"\xff\xfe" + path.read_text().encode("utf-16-le")) for name, path in named.items()]
    )
    a = by_path.cluster(evc="intel-haswell")
    assert a["outcome"] == "blocked"
    for other in (by_text, by_bytes):
        assert other.cluster(evc="intel-haswell") == a


def test_input_error_names_source_line_column(tmp_path):
    text = (EXAMPLE / "esxi01.txt").read_text().splitlines()[:40]
    with pytest.raises(evcalc.InputError) as e:
        evcalc.Workspace.load({"cut.txt": "\n".join(text)})
    assert e.value.source == "cut.txt" and e.value.line > 1 and e.value.column >= 1
    assert str(e.value).startswith(f"cut.txt:{e.value.line}:{e.value.column}: ")
    with pytest.raises(FileNotFoundError):
        evcalc.Workspace.load([tmp_path / "missing.txt"])
    with pytest.raises(TypeError):
        evcalc.Workspace.load([42])  # type: ignore[list-item]


def test_option_errors_name_the_option(ws):
    with pytest.raises(evcalc.OptionError) as e:
        ws.check("esxi01", "esxi09")
    assert e.value.option == "to" and "esxi09" in e.value.message
    with pytest.raises(evcalc.OptionError) as e:
        ws.cluster(evc="intel-nonsense")
    assert e.value.option == "evc"
    with pytest.raises(evcalc.OptionError) as e:
        ws.plan()
    assert e.value.option == "request"
    with pytest.raises(evcalc.OptionError) as e:
        ws.ask("cluster", {"evcc": "x"})
    # An unknown option is a problem of the request as a whole; the message names it.
    assert e.value.option == "request" and "`evcc`" in e.value.message
    only_vms = evcalc.Workspace.load([EXAMPLE / "vm-app01-on-esxi01.runtime.txt"])
    with pytest.raises(evcalc.OptionError) as e:
        only_vms.cluster()
    assert e.value.option == "inputs" and "no host found" in e.value.message
    assert isinstance(e.value, ValueError)


def test_renames_apply_to_one_question_only(ws):
    a = ws.cluster(evc="intel-haswell", rename={"esxi01": "new01"}, remove=["esxi04"])
    assert [h["name"] for h in a["hosts"]] == ["new01", "esxi02", "esxi03"]
    b = ws.cluster(evc="intel-haswell")
    assert [h["name"] for h in b["hosts"]] == ["esxi01", "esxi02", "esxi03", "esxi04"]


def test_fleet_of_256_hosts():
    texts = fleet_texts(256)
    started = time.perf_counter()
    ws = evcalc.Workspace.load(texts)
    loaded = time.perf_counter() - started
    a = ws.cluster(evc="intel-haswell", skip_maintenance=True)
    assert len(a["hosts"]) == 256
    assert sorted(c["label"] for c in a["classes"]) == ["host-000–127", "host-128–255"]
    # host-000's VMs can go to the 127 other hosts of its class...
    m = ws.maintenance("host-000", evc="intel-haswell")
    assert m["outcome"] == "compatible"
    # ...not to the second half, which lacks MDCLEAR.
    c = ws.check("host-000", "host-200", evc="intel-haswell")
    assert [c["blockers"][i]["key"] for i in c["check"]["blockers"]] == ["cpuid.MDCLEAR"]
    assert ws.maintenance("host-200", evc="intel-haswell")["outcome"] == "compatible"
    assert loaded < 30, f"loading 256 hosts took {loaded:.1f} s"


def test_the_gil_is_released_while_the_engine_works():
    ws = evcalc.Workspace.load(fleet_texts(256))
    done = threading.Event()
    took = []

    def work():
        # Long enough to tell a stall from scheduling noise: at least three answers and 0.3 s.
        t = time.perf_counter()
        calls = 0
        while calls < 3 or time.perf_counter() - t < 0.3:
            ws.cluster(evc="intel-haswell")
            calls += 1
        took.append(time.perf_counter() - t)
        done.set()

    thread = threading.Thread(target=work)
    ticks = 0
    longest = 0.0
    thread.start()
    last = time.perf_counter()
    while not done.is_set():
        ticks += 1
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    thread.join()
    # With the GIL held by a native call, this loop would stall for the whole call.
    assert took[0] > 0.05, f"the work took only {took[0]:.3f} s: too short to tell"
    assert longest < took[0] / 2, f"the main thread stalled {longest:.3f} s of {took[0]:.3f} s"
    assert ticks > 1000
