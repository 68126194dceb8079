"""The typed stubs: generated from docs/schema/ and fresh; their TypedDicts have the keys the
answers have; mypy accepts a typed usage example and rejects a wrong field."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import evcalc
from conftest import EXAMPLE, REPO

HERE = Path(__file__).resolve().parent
STUB = Path(evcalc.__file__).parent / "contract.pyi"


def test_stubs_are_fresh():
    p = subprocess.run(
        [sys.executable, str(REPO / "python" / "scripts" / "gen_contract_stubs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    # The installed stub is the repository's.
    assert STUB.read_text() == (REPO / "python" / "evcalc" / "contract.pyi").read_text()


def typed_dict_keys() -> dict:
    tree = ast.parse(STUB.read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = {n.target.id for n in node.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "TypedDict":
            out[node.targets[0].id] = {k.value for k in node.value.args[1].keys}  # type: ignore[union-attr]
    return out


def test_answers_have_exactly_the_typed_keys():
    keys = typed_dict_keys()
    ws = evcalc.Workspace.load([EXAMPLE])
    answers = {
        "ClusterAnswer": ws.cluster(evc="intel-haswell"),
        "CheckAnswer": ws.check("esxi01", "esxi02", evc="intel-haswell"),
        "MaintenanceAnswer": ws.maintenance("esxi01", evc="intel-haswell"),
        "HostAnswer": ws.hosts(),
        "VmAnswer": ws.vms(),
        "PlanAnswer": ws.plan(remove="esxi04", evc="intel-haswell"),
    }
    for name, answer in answers.items():
        assert set(answer) == keys[name], name
    c = answers["ClusterAnswer"]
    assert set(c["hosts"][0]) == keys["HostEntry"]
    assert set(c["classes"][0]["report"]) == keys["HostReport"]
    m = answers["MaintenanceAnswer"]
    assert set(m["plan"]) == keys["MaintenancePlan"]
    assert set(m["blockers"][0]) == keys["Blocker"]
    assert set(answers["CheckAnswer"]["check"]) == keys["Move"]


def mypy(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-version", "3.10", str(path)],
        capture_output=True,
        text=True,
        cwd=HERE,
    )


def test_mypy_accepts_the_typed_example():
    p = mypy(HERE / "typed_usage.py")
    assert p.returncode == 0, p.stdout + p.stderr
    # And it runs.
    subprocess.run([sys.executable, str(HERE / "typed_usage.py")], check=True, cwd=REPO)


def test_mypy_rejects_a_field_that_is_not_there(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import evcalc\n"
        "ws = evcalc.Workspace.load(['x.txt'])\n"
        "a = ws.cluster()\n"
        "print(a['outcomes'])\n"
        "v: int = a['outcome']\n"
    )
    p = mypy(bad)
    assert p.returncode == 1
    assert 'TypedDict "ClusterAnswer" has no key "outcomes"' in p.stdout, p.stdout
    assert "Incompatible types in assignment" in p.stdout, p.stdout
