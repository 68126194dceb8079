"""The contract-v2 answer types, for type checkers: ``contract.pyi`` (generated from the JSON
Schemas in ``docs/schema/`` by ``python/scripts/gen_contract_stubs.py``) declares them as
``TypedDict``s. At run time an answer is a plain ``dict``, and so is every name here, so that
``from evcalc.contract import ClusterAnswer`` works outside ``if TYPE_CHECKING:`` too."""

from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return dict
