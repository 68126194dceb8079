"""A small typed use of evcalc, checked with `mypy --strict` (tests/test_types.py) and run."""

from __future__ import annotations

from typing import TYPE_CHECKING, List

import evcalc

if TYPE_CHECKING:
    from evcalc.contract import Blocker, MaintenanceAnswer, Verdict


def blockers_of(answer: MaintenanceAnswer) -> List[str]:
    out: List[str] = []
    plan = answer["plan"]
    if plan is None:
        return out
    for group in plan["vms"]:
        for destination in group["destinations"]:
            for index in destination["blockers"]:
                blocker: Blocker = answer["blockers"][index]
                out.append(blocker["key"])
    return out


def main() -> None:
    ws = evcalc.Workspace.load(["examples/mdclear-cluster/"])
    answer = ws.maintenance("esxi01", evc="intel-haswell")
    outcome: Verdict = answer["outcome"]
    keys = blockers_of(answer)
    assert outcome == "blocked" and "cpuid.MDCLEAR" in keys, (outcome, keys)
    check = ws.check("esxi01", "esxi02", evc="intel-haswell")
    move = check["check"]
    assert move is not None and move["verdict"] == "blocked"
    try:
        ws.check("esxi01", "esxi09")
    except evcalc.OptionError as e:
        print(f"{e.option}: {e.message}")


if __name__ == "__main__":
    main()
