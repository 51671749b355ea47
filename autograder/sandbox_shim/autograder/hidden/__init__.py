"""Recorder of the grading sandbox (stand-in for ``autograder.hidden``).

* ``import autograder.hidden.<module> as hidden; hidden.<function>(<function>)`` runs the
  student's function on every input the grader prepared for that hidden check (read-only files
  under ``$AUTOGRADER_CASES``) and records what came back. It judges nothing: the expected
  values are not here.
* Every :func:`utils.checks.call` of a visible check is recorded too, so that the grader can
  replay the visible checks in its own process.
* The grader calls :func:`begin_cell` before each grade cell and :func:`take_records` after it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import os
import sys
import types
from pathlib import Path

from autograder import transfer
from utils import checks

#: Largest encoded output of one call (characters); larger ones are recorded as too large. The
#: grader sets it from autograder.sandbox.Limits, where every limit is defined, and enforces
#: its own limits on what it reads; outside grading, transfer's default applies.
RECORD_LIMIT = int(os.environ.get("GRADING_RECORD_LIMIT") or transfer.DEFAULT_LIMIT)

_records: dict[str, list[dict]] = {}
_cell: list[str] = ["(outside a grade cell)"]


def begin_cell(grade_id: str) -> None:
    """Start recording for the grade cell ``grade_id``."""
    _cell[0] = grade_id
    _records[grade_id] = []


def take_records() -> str:
    """Everything recorded since the last call, as JSON text; then forget it."""
    text = json.dumps(_records)
    _records.clear()
    return text


def _add(record: dict) -> None:
    _records.setdefault(_cell[0], []).append(record)


class _Recorder(checks.CallTransport):
    """Calls the student's function here and records the outcome for the grader."""

    def call(self, func, args, kwargs, where):
        names = list(checks.argument_names(func, args, kwargs))
        try:
            run = checks.call_here(func, args, kwargs, where)
        except checks.CheckFailure as failure:
            cause = failure.__cause__
            error = [type(cause).__name__, str(cause)] if cause else ["Error", str(failure)]
            detail = getattr(failure, "detail", None)
            _add({"names": names, "error": error, "detail": detail if cause else None})
            raise
        try:
            _add(
                {
                    "names": names,
                    "output": transfer.encode(run.output, RECORD_LIMIT),
                    "inputs": transfer.encode(run.inputs, RECORD_LIMIT),
                    "global_random": bool(run.global_random),
                }
            )
        except transfer.TooLarge as err:
            _add({"names": names, "too_large": str(err)})
        return run


def _run_hidden(module: str, name: str, func) -> None:
    cases_file = Path(os.environ.get("AUTOGRADER_CASES", "/nonexistent")) / f"{module}.{name}.json"
    if not cases_file.is_file():
        raise RuntimeError(f"no hidden inputs were prepared for {name}")
    cases = transfer.decode(cases_file.read_text(encoding="utf-8"))
    for case in cases:
        args = transfer.materialise(case["args"])
        kwargs = transfer.materialise(case["kwargs"])
        try:
            checks.call(func, *args, where=case["where"], **kwargs)
        except checks.CheckFailure:
            pass  # recorded; the grader reports it
    # Nothing printed: a hidden-check cell has no output of its own (the grader fills it in).


class _HiddenChecks(types.ModuleType):
    """``autograder.hidden.<module>``: every attribute is the recorder of one hidden check."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        module = self.__name__.rsplit(".", 1)[1]
        return lambda func: _run_hidden(module, name, func)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith(__name__ + ".") and fullname.count(".") == 2:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        return _HiddenChecks(spec.name)

    def exec_module(self, module):
        return None


sys.meta_path.insert(0, _Finder())
checks.set_transport(_Recorder())
