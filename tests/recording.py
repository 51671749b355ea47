"""Run a visible or hidden check the two ways a student's function meets it.

* In the student's kernel: the check calls the function directly (no transport).
* At grading: the sandbox's own recorder (``autograder/sandbox_shim/autograder/hidden``, loaded
  from its file, not a copy) runs the function and records its outputs as text; the grader's
  :mod:`autograder.judging` replays the check on the decoded records.

Both use the real code of each side; only the process boundary between them is left out (the
records are handed over in memory, as the JSON text the sandbox would send).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import sys

from autograder import judging, transfer
from autograder.course import ROOT
from utils import checks

SHIM = ROOT / "autograder" / "sandbox_shim" / "autograder" / "hidden" / "__init__.py"


def _load_recorder():
    """The sandbox's recorder module, loaded without leaving its transport or finder set."""
    previous = checks.set_transport(None)
    meta_path = list(sys.meta_path)
    spec = importlib.util.spec_from_file_location("sandbox_recorder", SHIM)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.meta_path[:] = meta_path
        checks.set_transport(previous)
    return module


RECORDER = _load_recorder()


def kernel_verdict(module: str, function: str, func) -> tuple[str, str]:
    """``(status, message)`` of ``check_<function>(func)`` run in this process, as a student."""
    check = getattr(importlib.import_module(f"utils.visible_checks.{module}"), f"check_{function}")
    previous = checks.set_transport(None)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(func)
    except checks.CheckFailure as failure:
        return "failed", str(failure)
    finally:
        checks.set_transport(previous)
    return "passed", ""


def record_visible(module: str, function: str, func) -> list:
    """The records the sandbox sends for one visible grade cell."""
    check = getattr(importlib.import_module(f"utils.visible_checks.{module}"), f"check_{function}")
    previous = checks.set_transport(RECORDER._Recorder())
    RECORDER.begin_cell("cell")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(func)
    except checks.CheckFailure:
        pass  # what the kernel showed; the grader judges the records
    finally:
        checks.set_transport(previous)
    return json.loads(RECORDER.take_records()).get("cell", [])


def graded_verdict(module: str, function: str, func) -> tuple[str, str]:
    """``(status, message)`` the grader gives the visible grade cell of ``function``."""
    records = record_visible(module, function, func)
    plan = judging.GradeCellPlan(f"{function}__visible", "visible", module, function)
    verdict = judging.judge_visible(plan, records, judging.Verdict("passed"))
    return verdict.status, verdict.message


def record_hidden(module: str, function: str, func, seed: int = 0):
    """The hidden check's cases for ``seed`` and the records the sandbox sends for them."""
    check = judging.hidden_check(module, function)
    cases = check.cases(seed)
    previous = checks.set_transport(RECORDER._Recorder())
    RECORDER.begin_cell("cell")
    try:
        # The cases cross the boundary as text, as the grader's case files do.
        payload = [{"args": c.args, "kwargs": c.kwargs, "where": c.where} for c in cases]
        for case in transfer.decode(transfer.encode(payload)):
            args = transfer.materialise(case["args"])
            kwargs = transfer.materialise(case["kwargs"])
            with contextlib.suppress(checks.CheckFailure):
                checks.call(func, *args, where=case["where"], **kwargs)
    finally:
        checks.set_transport(previous)
    return cases, json.loads(RECORDER.take_records()).get("cell", [])


def hidden_verdict(module: str, function: str, func, seed: int = 0) -> judging.Verdict:
    """The grader's verdict on the hidden grade cell of ``function``."""
    cases, records = record_hidden(module, function, func, seed)
    plan = judging.GradeCellPlan(f"{function}__hidden", "hidden", module, function)
    return judging.judge_hidden(plan, cases, records, judging.Verdict("passed"))
