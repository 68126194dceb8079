"""Every answer equals the CLI's `--json` for the same inputs and options (the package runs the
same core functions; the load warnings are merged as the CLI merges them)."""

from __future__ import annotations

import pytest

import evcalc
from conftest import REAL, REPO, example_files


EX = "examples/mdclear-cluster"

CASES = [
    # (CLI arguments, Python call)
    (["host", EX], lambda ws: ws.hosts()),
    (["host", EX, "--set", "cpuid.MDCLEAR=1"], lambda ws: ws.hosts(set=["cpuid.MDCLEAR=1"])),
    (["vm", EX], lambda ws: ws.vms()),
    (["cluster", EX], lambda ws: ws.cluster()),
    (["cluster", EX, "--evc", "intel-haswell"], lambda ws: ws.cluster(evc="intel-haswell")),
    (
        ["cluster", EX, "--evc", "intel-haswell", "--evc-exposes", "MDCLEAR", "--vm-hw", "19"],
        lambda ws: ws.cluster(evc="intel-haswell", evc_exposes="MDCLEAR", vm_hw=19),
    ),
    (["check", EX, "--from", "esxi01", "--to", "esxi02", "--evc", "intel-haswell"], lambda ws: ws.check("esxi01", "esxi02", evc="intel-haswell")),
    (["check", EX, "--from", "esxi02", "--to", "esxi01", "--evc", "haswell"], lambda ws: ws.check("esxi02", "esxi01", evc="haswell")),
    (["check", EX, "--vm", "vm-app01-on-esxi01", "--to", "esxi03", "--evc", "intel-haswell"], lambda ws: ws.check(None, "esxi03", vm="vm-app01-on-esxi01", evc="intel-haswell")),
    (
        ["check", EX, "--from", "esxi01", "--to", "esxi02", "--evc", "intel-haswell", "--only", "MDCLEAR"],
        lambda ws: ws.check("esxi01", "esxi02", evc="intel-haswell", only=["MDCLEAR"]),
    ),
    (["maintenance", EX, "--host", "esxi01", "--evc", "intel-haswell"], lambda ws: ws.maintenance("esxi01", evc="intel-haswell")),
    (["maintenance", EX, "--host", "esxi03"], lambda ws: ws.maintenance("esxi03")),
    (
        ["plan", EX, "--evc", "intel-haswell", "--remove", "esxi04", "--to-evc", "intel-sandybridge"],
        lambda ws: ws.plan(evc="intel-haswell", remove=["esxi04"], to_evc="intel-sandybridge"),
    ),
    (
        ["plan", EX, "--evc", "intel-haswell", "--add", f"{EX}/esxi02.txt", "--set", "cpuid.MDCLEAR=1"],
        lambda ws: ws.plan(evc="intel-haswell", add=[f"{EX}/esxi02.txt"], set=["cpuid.MDCLEAR=1"]),
    ),
]


@pytest.mark.parametrize("args,ask", CASES, ids=[" ".join(a[:1] + a[2:]) for a, _ in CASES])
def test_bundled_example_answers_as_the_cli(cli, in_repo, args, ask):
    code, expected = cli(*args)
    ws = evcalc.Workspace.load([args[1]])
    got = ask(ws)
    assert got == expected
    assert {"compatible": 0, "blocked": 1, "unknown": 3}.get(got.get("outcome", "compatible")) == code


REAL_XML = sorted(str(p.relative_to(REPO)) for p in REAL.glob("*.xml"))


@pytest.mark.parametrize(
    "args,ask",
    [
        (["host"], lambda ws: ws.hosts()),
        (["vm"], lambda ws: ws.vms()),
        (["cluster"], lambda ws: ws.cluster()),
        (["maintenance", "--host", "esx-0"], lambda ws: ws.maintenance("esx-0")),
        (["check", "--vm", "test-snap", "--to", "esxi02"], lambda ws: ws.check(None, "esxi02", vm="test-snap")),
    ],
    ids=["host", "vm", "cluster", "maintenance", "check"],
)
def test_real_data_answers_as_the_cli(cli, in_repo, args, ask):
    files = REAL_XML + (example_files() if args[0] == "check" else [])
    code, expected = cli(args[0], *files, *args[1:])
    got = ask(evcalc.Workspace.load(files))
    assert got == expected


def test_fleet_answers_as_the_cli(cli, fleet_dir):
    code, expected = cli("maintenance", str(fleet_dir), "--host", "host-000", "--evc", "intel-haswell")
    got = evcalc.Workspace.load([fleet_dir]).maintenance("host-000", evc="intel-haswell")
    assert got == expected and code == 0
    code, expected = cli("cluster", str(fleet_dir), "--evc", "intel-haswell")
    got = evcalc.Workspace.load([str(fleet_dir)]).cluster(evc="intel-haswell")
    assert got == expected


def test_a_directory_skips_what_is_no_input_as_the_cli(cli, tmp_path):
    for name in ("esxi01.txt", "esxi02.txt"):
        (tmp_path / name).write_bytes((REPO / "examples" / "mdclear-cluster" / name).read_bytes())
    (tmp_path / "NOTES.txt").write_text("not a dump\n")
    (tmp_path / "empty.txt").write_text("")
    code, expected = cli("check", str(tmp_path), "--from", "esxi01", "--to", "esxi02", "--evc", "intel-haswell")
    got = evcalc.Workspace.load(tmp_path).check("esxi01", "esxi02", evc="intel-haswell")
    assert got == expected
    assert any(w.startswith("skipped 2 files") for w in got["warnings"]), got["warnings"]
