"""evcalc: can a VM vMotion from ESXi host A to host B under EVC, and if not, why?

A workspace is loaded once (``Workspace.load``) and answers several questions. Every answer is a
plain ``dict``, exactly the CLI's ``--json`` for the same inputs and options (contract v2; JSON
Schema in the repository's ``docs/schema/``); ``evcalc.contract`` types them for mypy and
editors (``TypedDict``s generated from that schema). An input that cannot be read raises
``InputError``; a question that cannot be answered as asked raises ``OptionError`` — where the
CLI prints an error and exits with code 2, with the same message.

The engine is Rust (the private module ``evcalc._evcalc``); it runs with the GIL released.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, cast, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _evcalc

if TYPE_CHECKING:
    from .contract import (
        CheckAnswer,
        ClusterAnswer,
        HostAnswer,
        InputSummary,
        MaintenanceAnswer,
        PlanAnswer,
        VmAnswer,
    )
    from .contract import InputError as InputErrorDict
    from .contract import OptionError as OptionErrorDict

__all__ = [
    "Workspace",
    "EvcalcError",
    "InputError",
    "OptionError",
    "Input",
    "__version__",
]

__version__: str = _evcalc.__version__

#: A path (``str``, ``bytes`` or ``os.PathLike``: a file, or a directory meaning every input file
#: in it) or a ``(name, content)`` pair, ``content`` the text (``str``) or the file's bytes.
Input = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]", Tuple[str, Union[str, bytes]]]

#: Inputs: one path, an iterable of inputs (paths and ``(name, content)`` pairs; a tuple is an
#: iterable too), or a mapping ``{name: content}``.
Inputs = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]", Iterable[Input], Mapping[str, Union[str, bytes]]]


class EvcalcError(Exception):
    """Base class of evcalc's exceptions."""


class InputError(EvcalcError):
    """An input that could not be read. ``source``, ``line``, ``column``, ``message`` are the
    first error's (the CLI prints ``SOURCE:LINE:COLUMN: error: MESSAGE``); ``errors`` holds every
    one, as dicts with ``source``, ``line``, ``col``, ``message``."""

    def __init__(self, errors: "List[InputErrorDict]") -> None:
        first = errors[0]
        self.errors = errors
        self.source: str = first["source"]
        self.line: int = first["line"]
        self.column: int = first["col"]
        self.message: str = first["message"]
        text = "; ".join(f"{e['source']}:{e['line']}:{e['col']}: {e['message']}" for e in errors)
        super().__init__(text)


class OptionError(EvcalcError, ValueError):
    """A question that cannot be answered as asked: an unknown host, EVC mode or VM, options
    that do not go together, no host in the inputs (``option`` is then ``inputs``). ``option``
    and ``message`` are the first problem's; ``errors`` holds every one, as dicts with
    ``option`` and ``message``."""

    def __init__(self, errors: "List[OptionErrorDict]") -> None:
        first = errors[0]
        self.errors = errors
        self.option: str = first["option"]
        self.message: str = first["message"]
        super().__init__("; ".join(f"{e['option']}: {e['message']}" for e in errors))


def _is_path(item: object) -> bool:
    return isinstance(item, (str, bytes, os.PathLike))


def _read_paths(paths: Sequence[Union[str, bytes, "os.PathLike[Any]"]]) -> Tuple[List[Tuple[str, str]], List[str]]:
    """Reads files as the CLI does: a directory means its regular files (sorted, not recursive,
    without hidden and README files), members that are no evcalc input are skipped with one
    warning, a file given twice is read once; bytes are decoded by the engine's rule."""
    files: List[Tuple[str, bool]] = []  # (name as shown, found in a directory)
    seen = set()

    def push(path: str, member: bool) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            files.append((path, member))

    for p in paths:
        path = os.fsdecode(os.fspath(p))
        if os.path.isdir(path):
            members = []
            for entry in os.scandir(path):
                name = entry.name
                if name.startswith(".") or name.lower().startswith("readme"):
                    continue
                if entry.is_file():
                    members.append(os.path.join(path, name))
            if not members:
                raise OptionError([{"option": "inputs", "message": f"directory {path} contains no input files"}])
            for m in sorted(members):
                push(m, True)
        else:
            # Raises FileNotFoundError / PermissionError like any Python file API.
            os.stat(path)
            push(path, False)
    sources: List[Tuple[str, str]] = []
    warnings: List[str] = []
    skipped: List[str] = []
    for path, member in files:
        with open(path, "rb") as f:
            data = f.read()
        text, file_warnings = _evcalc.decode_text(path, data)
        if member:
            why = _evcalc.not_an_input(path, text)
            if why is not None:
                skipped.append(f"{os.path.basename(path)} ({why})")
                continue
        warnings.extend(file_warnings)
        sources.append((path, text))
    if skipped:
        warnings.append(_evcalc.skipped_warning(skipped))
        if not sources:
            raise OptionError(
                [{"option": "inputs", "message": f"no evcalc input among the files given ({', '.join(skipped)})"}]
            )
    return sources, warnings


def _gather(inputs: Inputs) -> Tuple[List[Tuple[str, str]], List[str]]:
    """Inputs → ``(name, text)`` pairs and the warnings of reading them, in the order given."""
    if isinstance(inputs, Mapping):
        items: List[Any] = list(inputs.items())
    elif _is_path(inputs):
        items = [inputs]
    else:
        items = list(inputs)
    sources: List[Tuple[str, str]] = []
    warnings: List[str] = []
    for item in items:
        if _is_path(item):
            s, w = _read_paths([item])
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, content = item
            if isinstance(content, bytes):
                text, w = _evcalc.decode_text(name, content)
            elif isinstance(content, str):
                text, w = content, []
            else:
                raise TypeError(f"{name}: the content must be str or bytes, not {type(content).__name__}")
            s = [(name, text)]
        else:
            raise TypeError(
                "an input is a path (str, bytes, os.PathLike) or a (name, text) pair, "
                f"not {type(item).__name__}"
            )
        sources.extend(s)
        warnings.extend(w)
    return sources, warnings


def _answer(raw: str) -> Dict[str, Any]:
    value: Dict[str, Any] = json.loads(raw)
    refused = value.get("refused")
    if refused is not None:
        if refused["input_errors"]:
            raise InputError(refused["input_errors"])
        raise OptionError(refused["option_errors"])
    request_error = value.get("request_error")
    if request_error is not None:
        raise OptionError([{"option": "request", "message": request_error["message"]}])
    return value


def _options(**options: Any) -> str:
    """Keyword options → the question's JSON options (``None`` = not given)."""
    return json.dumps({k: v for k, v in options.items() if v is not None})


def _list(value: Union[None, str, Iterable[str]]) -> Optional[List[str]]:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def _vm_hw(value: Union[None, int, str]) -> Optional[str]:
    return None if value is None else str(value)


class Workspace:
    """Inputs loaded once, asked several questions. Make one with ``Workspace.load``.

    Options shared by the cluster-wide questions: ``evc`` (the cluster's EVC mode: key,
    short name or vSphere label, ``"none"`` for EVC disabled; absent: read from the data or
    assumed, as the CLI does), ``per_vm_evc``, ``vm_hw`` (``19`` or ``"vmx-19"``),
    ``evc_exposes`` (``"MDCLEAR,IBRS"`` or ``"none"``), ``only`` (features limiting the verdict),
    ``rename`` (``{old: new}``) and ``remove`` (hosts to leave out; for ``plan``, the hosts to
    take out as a question). Renames and removals apply to this question only.
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_evcalc.Workspace") -> None:
        self._native = native

    @classmethod
    def load(cls, inputs: Inputs) -> "Workspace":
        """Reads and parses the inputs. Raises ``InputError`` when one cannot be read (as the CLI,
        which computes nothing then), ``FileNotFoundError`` for a missing path."""
        sources, warnings = _gather(inputs)
        native = _evcalc.Workspace.load(sources, warnings)
        report = json.loads(native.load_report())
        if report["errors"]:
            raise InputError(report["errors"])
        return cls(native)

    @property
    def inputs(self) -> "List[InputSummary]":
        """What each input contributed (format, hosts, VMs, warnings)."""
        inputs: List[InputSummary] = json.loads(self._native.load_report())["inputs"]
        return inputs

    @property
    def warnings(self) -> List[str]:
        """The warnings of loading (``SOURCE: text``), as the CLI prints them."""
        warnings: List[str] = json.loads(self._native.load_report())["warnings"]
        return warnings

    def _ask(self, question: str, options: str) -> Dict[str, Any]:
        return _answer(self._native.ask(question, options))

    def hosts(
        self,
        *,
        set: Union[None, str, Iterable[str]] = None,
        rename: Optional[Mapping[str, str]] = None,
        remove: Union[None, str, Iterable[str]] = None,
    ) -> "HostAnswer":
        """Every host: CPU, ESXi, highest EVC mode computed from its features (``evcalc host
        --json``). ``set``: ``KEY=VALUE`` overrides of every host's features."""
        return cast("HostAnswer", self._ask(
            "hosts", _options(set=_list(set), rename=rename, remove=_list(remove))
        ))

    def vms(self) -> "VmAnswer":
        """Every VM: its requirements and the lowest EVC mode that admits it (``evcalc vm
        --json``)."""
        return cast("VmAnswer", self._ask("vms", "{}"))

    def cluster(
        self,
        *,
        evc: Optional[str] = None,
        per_vm_evc: Optional[str] = None,
        vm_hw: Union[None, int, str] = None,
        evc_exposes: Optional[str] = None,
        only: Union[None, str, Iterable[str]] = None,
        maintenance: Union[None, str, Iterable[str]] = None,
        skip_maintenance: Optional[bool] = None,
        rename: Optional[Mapping[str, str]] = None,
        remove: Union[None, str, Iterable[str]] = None,
    ) -> "ClusterAnswer":
        """The class story, host classes, drift, the vMotion matrix over classes and a
        maintenance plan per class (``evcalc cluster --json``). ``maintenance``: plan these
        hosts only; ``skip_maintenance``: the matrix alone."""
        return cast("ClusterAnswer", self._ask(
            "cluster",
            _options(
                evc=evc,
                per_vm_evc=per_vm_evc,
                vm_hw=_vm_hw(vm_hw),
                evc_exposes=evc_exposes,
                only=_list(only),
                maintenance=_list(maintenance),
                skip_maintenance=skip_maintenance,
                rename=rename,
                remove=_list(remove),
            ),
        ))

    def check(
        self,
        src: Optional[str],
        dst: str,
        *,
        vm: Optional[str] = None,
        vm_hw: Union[None, int, str] = None,
        to_evc: Optional[str] = None,
        evc: Optional[str] = None,
        per_vm_evc: Optional[str] = None,
        evc_exposes: Optional[str] = None,
        only: Union[None, str, Iterable[str]] = None,
        rename: Optional[Mapping[str, str]] = None,
        remove: Union[None, str, Iterable[str]] = None,
    ) -> "CheckAnswer":
        """Can a VM powered on on host ``src`` move to host ``dst`` (``evcalc check --from SRC
        --to DST --json``)? ``vm``: a real VM's name (or its input's name) instead of "any VM";
        ``src`` may then be ``None``. ``to_evc``: the destination cluster's EVC mode
        (cross-cluster vMotion)."""
        return cast("CheckAnswer", self._ask(
            "check",
            _options(
                **{"from": src},
                to=dst,
                vm=vm,
                vm_hw=_vm_hw(vm_hw),
                to_evc=to_evc,
                evc=evc,
                per_vm_evc=per_vm_evc,
                evc_exposes=evc_exposes,
                only=_list(only),
                rename=rename,
                remove=_list(remove),
            ),
        ))

    def maintenance(
        self,
        host: str,
        *,
        vms: Union[None, str, Iterable[str]] = None,
        evc: Optional[str] = None,
        per_vm_evc: Optional[str] = None,
        vm_hw: Union[None, int, str] = None,
        evc_exposes: Optional[str] = None,
        only: Union[None, str, Iterable[str]] = None,
        rename: Optional[Mapping[str, str]] = None,
        remove: Union[None, str, Iterable[str]] = None,
    ) -> "MaintenanceAnswer":
        """Can every VM on ``host`` go somewhere else, and what fixes the ones that cannot
        (``evcalc maintenance --host HOST --json``)? ``vms``: the VMs on it (names or input
        names); default: the VM dumps loaded for it, else "any VM powered on on it"."""
        return cast("MaintenanceAnswer", self._ask(
            "maintenance",
            _options(
                host=host,
                vms=_list(vms),
                evc=evc,
                per_vm_evc=per_vm_evc,
                vm_hw=_vm_hw(vm_hw),
                evc_exposes=evc_exposes,
                only=_list(only),
                rename=rename,
                remove=_list(remove),
            ),
        ))

    def plan(
        self,
        *,
        add: Optional[Inputs] = None,
        remove: Union[None, str, Iterable[str]] = None,
        to_evc: Optional[str] = None,
        into: Optional[Inputs] = None,
        set: Union[None, str, Iterable[str]] = None,
        evc: Optional[str] = None,
        vm_hw: Union[None, int, str] = None,
        evc_exposes: Optional[str] = None,
        rename: Optional[Mapping[str, str]] = None,
    ) -> "PlanAnswer":
        """What-if for refresh planning (``evcalc plan --json``): ``add`` hosts (inputs, as for
        ``load``; ``set`` adjusts their features), ``remove`` hosts (names), change the EVC mode
        (``to_evc``), or on its own: can this cluster's VMs move live ``into`` another cluster
        (its inputs; ``to_evc`` is then its mode, ``vm_hw`` the VMs' virtual hardware)."""

        def pairs(inputs: Optional[Inputs]) -> Optional[List[Dict[str, str]]]:
            if inputs is None:
                return None
            sources, _ = _gather(inputs)
            return [{"name": name, "text": text} for name, text in sources]

        return cast("PlanAnswer", self._ask(
            "plan",
            _options(
                add=pairs(add),
                remove=_list(remove),
                to_evc=to_evc,
                into=pairs(into),
                set=_list(set),
                evc=evc,
                vm_hw=_vm_hw(vm_hw),
                evc_exposes=evc_exposes,
                rename=rename,
            ),
        ))

    def ask(self, question: str, options: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Any question by name (``hosts``, ``vms``, ``cluster``, ``check``, ``maintenance``,
        ``plan``) with its options as in the JSON request (``docs/json.md``), e.g.
        ``ws.ask("check", {"from": "esxi01", "to": "esxi02"})``."""
        return self._ask(question, json.dumps(dict(options or {})))
