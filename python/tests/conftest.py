"""Shared fixtures: the repository's data, the CLI to compare with, a generated fleet.

Run from the repository with the package installed (scripts/test-packages.sh builds the wheel,
installs it into a fresh venv and runs `pytest python/tests`). The CLI is `$EVCALC_CLI`, else
`$CARGO_TARGET_DIR/debug/evcalc`, else `target/debug/evcalc` (`cargo build -p evcalc-cli`).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "mdclear-cluster"
REAL = REPO / "tests" / "data" / "real" / "govc" / "object.save-vmc-sddc"


def cli_path() -> Path:
    if os.environ.get("EVCALC_CLI"):
        return Path(os.environ["EVCALC_CLI"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "evcalc"


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI with `--json` from the repository root; returns (exit code, parsed stdout)."""
    exe = cli_path()
    if not exe.exists():
        pytest.fail(f"the evcalc CLI is not built at {exe}: run `cargo build -p evcalc-cli` or set EVCALC_CLI")

    def run(*args: str) -> "tuple[int, Dict[str, Any]]":
        p = subprocess.run(
            [str(exe), *args, "--json"], cwd=REPO, capture_output=True, text=True, timeout=120
        )
        assert p.returncode in (0, 1, 3), f"{args}: exit {p.returncode}\n{p.stderr}"
        return p.returncode, json.loads(p.stdout)

    return run


@pytest.fixture()
def in_repo(monkeypatch):
    """Paths relative to the repository root, as the CLI is run: source names are equal."""
    monkeypatch.chdir(REPO)


def fleet_texts(n: int) -> Dict[str, str]:
    """`n` hosts from the bundled example: the first half esxi01 (cpuid.MDCLEAR 1), the second
    esxi02 (MDCLEAR 0), each under its own hostName (identical dumps would be one host)."""
    one = (EXAMPLE / "esxi01.txt").read_text()
    two = (EXAMPLE / "esxi02.txt").read_text()
    assert 'hostName = "esxi01"' in one and 'hostName = "esxi02"' in two
    out = {}
    for i in range(n):
        name = f"host-{i:03}"
        base, old = (one, "esxi01") if i < n // 2 else (two, "esxi02")
        out[f"{name}.txt"] = base.replace(f'hostName = "{old}"', f'hostName = "{name}"')
    return out


@pytest.fixture(scope="session")
def fleet_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("fleet")
    for name, text in fleet_texts(256).items():
        (d / name).write_text(text)
    return d


def example_files() -> List[str]:
    """The example's inputs, relative to the repository (as a person types them)."""
    return sorted(
        str(p.relative_to(REPO)) for p in EXAMPLE.iterdir() if p.is_file() and not p.name.lower().startswith("readme")
    )
