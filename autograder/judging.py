"""Judge grade cells in the grader's own process, from what the student's kernel recorded.

* A visible grade cell (``visible.check_<f>(<f>)``) is judged by running the same visible
  check here, with every call to the student's function answered by the recorded output.
* A hidden grade cell (``hidden.<f>(<f>)``) is judged by the hidden check's judge, on the
  inputs the grader drew and the outputs the kernel recorded.

So NumPy functions replaced in the kernel, an IPython hook that blanks cells, or printed text
that looks like success change nothing: only outputs of the student's functions count, and
they are compared with the reference here. A function's visible points also need its hidden
checks to pass, so that answers hard-coded for the visible examples earn nothing.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import io
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import transfer
from autograder.hidden.framework import Case, HiddenCheck, case_family
from utils import checks
from utils.course import assignment_module

VISIBLE_CALL = re.compile(r"^\s*(\w+)\.check_(\w+)\(\s*(\w+)\s*\)\s*$", re.MULTILINE)
HIDDEN_CALL = re.compile(r"import autograder\.hidden\.(\w+) as (\w+); \2\.(\w+)\(\s*(\w+)\s*\)")


@dataclass
class GradeCellPlan:
    """How one grade cell is judged.

    Attributes
    ----------
    grade_id : str
    kind : str
        ``"visible"``, ``"hidden"`` or ``"kernel"`` (judged by its own outcome in the kernel).
    module : str
        The assignment's check module (``numpy_basics``...).
    function : str
        The graded function the cell checks.
    """

    grade_id: str
    kind: str
    module: str = ""
    function: str = ""
    points: float = 0.0


@dataclass
class Verdict:
    """The grader's decision on one grade cell."""

    status: str  # passed, failed, error, timeout
    message: str = ""
    printed: str = ""
    #: Points earned by a cell that failed in part (some case families passed); None: all or
    #: nothing by status.
    partial: float | None = None
    #: The run's own problem (a timeout, a dead kernel, a flood) decides the cell.
    decided_by_kernel: bool = False


def plan_grade_cells(source_notebook: Path) -> dict[str, GradeCellPlan]:
    """How each grade cell of an instructor notebook is judged."""
    assignment = source_notebook.parent.name
    nb = nbformat.read(source_notebook, as_version=4)
    plans = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        gid = meta["grade_id"]
        hidden = HIDDEN_CALL.search(cell.source)
        visible = VISIBLE_CALL.search(cell.source)
        points = float(meta.get("points") or 0.0)
        if hidden:
            plans[gid] = GradeCellPlan(gid, "hidden", hidden.group(1), hidden.group(3), points)
        elif visible:
            plans[gid] = GradeCellPlan(
                gid, "visible", assignment_module(assignment), visible.group(2), points
            )
        else:
            plans[gid] = GradeCellPlan(gid, "kernel", points=points)
    return plans


def hidden_check(module: str, function: str) -> HiddenCheck:
    """The hidden check object of ``autograder.hidden.<module>.<function>``."""
    return getattr(importlib.import_module(f"autograder.hidden.{module}"), function)


def case_seed(student_id: str, assignment_id: str) -> int:
    """The seed of a hand-in's hidden-check inputs: the same on every run (a rerun gives the
    same grades), different per student, and unknown without ``AUTOGRADER_SECRET``."""
    secret = os.environ.get("AUTOGRADER_SECRET", "")
    return zlib.crc32(f"{secret}/{student_id}/{assignment_id}".encode())


def draw_cases(plans: dict[str, GradeCellPlan], seed: int) -> dict[str, list[Case]]:
    """The inputs of every hidden check of an assignment, by grade id."""
    return {
        gid: hidden_check(p.module, p.function).cases(seed)
        for gid, p in plans.items()
        if p.kind == "hidden"
    }


def encode_cases(plans: dict[str, GradeCellPlan], cases: dict[str, list[Case]]) -> dict[str, str]:
    """The hidden checks' inputs (never their expected values) as files for the sandbox.

    Returns
    -------
    dict
        File name ``<module>.<function>.json`` to its text.
    """
    files = {}
    for gid, drawn in cases.items():
        plan = plans[gid]
        payload = [{"args": c.args, "kwargs": c.kwargs, "where": c.where} for c in drawn]
        files[f"{plan.module}.{plan.function}.json"] = transfer.encode(payload)
    return files


class _Placeholder:
    """Stands for the student's function in the grader's process; never called."""

    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __call__(self, *args, **kwargs):  # pragma: no cover - the replayer answers instead
        raise RuntimeError("the student's function runs only in the sandbox")


class Replayer(checks.CallTransport):
    """Answers :func:`utils.checks.call` from a kernel's records, in order."""

    def __init__(self, records: list) -> None:
        self.records = list(records)
        self.used = 0

    def call(self, func, args, kwargs, where):
        name = getattr(func, "__name__", "the function")
        if self.used >= len(self.records):
            raise checks.CheckFailure(
                f"{name}: the checks did not run to the end in your notebook, so there is "
                f"nothing to grade here (did a cell above stop early?)."
            )
        record = self.records[self.used]
        self.used += 1
        if not isinstance(record, dict):
            raise checks.CheckFailure(f"{name}: unreadable result from your notebook.")
        if "error" in record:
            error_type, message = (list(record["error"]) + ["Error", ""])[:2]
            detail = record.get("detail")
            detail = {str(k): v for k, v in detail.items()} if isinstance(detail, dict) else {}
            raise checks.failure_for(name, str(error_type), str(message), where, detail)
        if "too_large" in record:
            raise checks.CheckFailure(f"{name} returned far more data than expected {where}.")
        names = [str(n) for n in record.get("names", [])]
        snapshots = dict(zip(names[: len(args)], args, strict=False))
        snapshots.update(kwargs)
        snapshots = copy.deepcopy(snapshots)
        try:
            output = transfer.decode(record["output"])
            after = transfer.decode(record["inputs"])
        except (KeyError, ValueError, TypeError) as err:
            raise checks.CheckFailure(f"{name}: unreadable result from your notebook.") from err
        after = after if isinstance(after, dict) else {}
        inputs = {k: after.get(k, snapshots[k]) for k in snapshots}
        return checks.Call(
            func_name=name,
            output=output,
            inputs=inputs,
            snapshots=snapshots,
            global_random=record.get("global_random") is True,
        )


@contextlib.contextmanager
def _replaying(records: list):
    previous = checks.set_transport(Replayer(records))
    try:
        yield
    finally:
        checks.set_transport(previous)


def _judged(run) -> Verdict:
    """Run a judging function, turning its outcome into a verdict."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            run()
    except checks.CheckFailure as failure:
        return Verdict("failed", str(failure), printed.getvalue())
    except Exception as err:  # the recorded output could not even be compared
        return Verdict(
            "failed",
            f"the result could not be checked ({type(err).__name__}: {err}); check the type and "
            f"shape of what your function returns.",
            printed.getvalue(),
        )
    return Verdict("passed", "", printed.getvalue())


def judge_visible(plan: GradeCellPlan, records: list | None, fallback: Verdict) -> Verdict:
    """Replay the visible checks of one function against its recorded outputs."""
    if not records:
        return _did_not_run(f"the visible checks of {plan.function} did not run", fallback)
    module = importlib.import_module(f"utils.visible_checks.{plan.module}")
    check = getattr(module, f"check_{plan.function}")

    def run():
        with _replaying(records):
            check(_Placeholder(plan.function))

    return _judged(run)


def judge_hidden(
    plan: GradeCellPlan, cases: list[Case], records: list | None, fallback: Verdict
) -> Verdict:
    """Compare the recorded outputs of one hidden check with the reference."""
    if not records or len(records) != len(cases):
        return _did_not_run(f"the hidden checks of {plan.function} did not run", fallback)
    check = hidden_check(plan.module, plan.function)
    families = [case_family(c) for c in cases]
    order = list(dict.fromkeys(families))
    failed: dict[str, Verdict] = {}
    for case, record, family in zip(cases, records, families, strict=True):
        if family in failed:
            continue  # the family's share is lost; cases judged as a group may need the others

        def run(case=case, record=record):
            args, kwargs = case.materialise()
            with _replaying([record]):
                result = checks.call(_Placeholder(plan.function), *args, where=case.where, **kwargs)
            check.judge(case, result)

        verdict = _judged(run)
        if verdict.status != "passed":
            failed[family] = verdict
    if not failed:
        return Verdict("passed")
    first = next(iter(failed.values()))
    passed = [f for f in order if f not in failed]
    if not passed:
        return first
    share = plan.points * len(passed) / len(order)
    return Verdict(
        "failed",
        f"{first.message}\n(partial credit: {_points(share)} of {_points(plan.points)} points, "
        f"for {len(passed)} of {len(order)} case families: passed {', '.join(passed)}; "
        f"failed {', '.join(failed)}.)",
        first.printed,
        partial=share,
    )


def _points(value: float) -> str:
    """``1.5`` -> ``"1.5"``, ``2.0`` -> ``"2"``."""
    return f"{value:.4g}"


def _did_not_run(what: str, fallback: Verdict) -> Verdict:
    """A check that left no records: say why, from what the kernel reported if it can."""
    if fallback.status != "passed" and fallback.message:
        return Verdict(
            fallback.status if fallback.status == "timeout" else "error",
            f"{what}: {fallback.message}",
        )
    return Verdict("error", f"{what} (was the cell changed, or did the notebook stop early?)")


#: Errors Python raises when it cannot even read a cell (nothing in it is defined).
UNPARSABLE = ("SyntaxError", "IndentationError", "TabError")


def _unparsed_functions(
    plans: dict[str, GradeCellPlan], in_kernel: dict[str, Verdict]
) -> dict[str, str]:
    """Graded function to the syntax error of its solution cell, for cells Python could not read.

    The solution cell of ``f`` has the grade id ``f``; its outcome is in ``in_kernel`` when the
    grader reports solution cells too.
    """
    functions = {p.function for p in plans.values() if p.function}
    return {
        f: in_kernel[f].message
        for f in functions
        if f in in_kernel and in_kernel[f].message.startswith(UNPARSABLE)
    }


def judge_cells(
    plans: dict[str, GradeCellPlan],
    cases: dict[str, list[Case]],
    records: dict[str, list],
    in_kernel: dict[str, Verdict],
) -> dict[str, Verdict]:
    """The verdict of every grade cell of one submission.

    Parameters
    ----------
    plans : dict
        Grade id to how the cell is judged.
    cases : dict
        Grade id to the inputs drawn for hidden checks.
    records : dict
        Grade id to what the kernel recorded in that cell.
    in_kernel : dict
        Grade id to the cell's outcome in the kernel (a timeout or a dead kernel decides the
        cell; otherwise it only explains missing records, or judges cells of kind "kernel").
    """
    verdicts = {}
    unparsed = _unparsed_functions(plans, in_kernel)
    for gid, plan in plans.items():
        outcome = in_kernel.get(gid, Verdict("error", "the cell did not run"))
        if outcome.decided_by_kernel:
            verdicts[gid] = outcome
        elif plan.function in unparsed:
            verdicts[gid] = Verdict(
                "error",
                f"{plan.function}: the cell that defines it does not run: "
                f"{unparsed[plan.function]}. Fix that line and run the cell again.",
            )
        elif plan.kind == "visible":
            verdicts[gid] = judge_visible(plan, records.get(gid), outcome)
        elif plan.kind == "hidden":
            verdicts[gid] = judge_hidden(plan, cases.get(gid, []), records.get(gid), outcome)
        else:
            verdicts[gid] = outcome
    # A function that calls one whose cell did not compile fails with a NameError: say why.
    for verdict in verdicts.values():
        for function, error in unparsed.items():
            if f"name '{function}' is not defined" in verdict.message:
                verdict.message += f" (the cell that defines {function} does not run: {error})"
    # Visible points need the hidden checks of the same function to pass too.
    hidden_of = {p.function: gid for gid, p in plans.items() if p.kind == "hidden"}
    for gid, plan in plans.items():
        partner = hidden_of.get(plan.function)
        if plan.kind == "visible" and verdicts[gid].status == "passed" and partner:
            # Only a function that earns nothing on new inputs loses its visible points: a
            # function right for tanh and wrong for relu keeps them.
            if verdicts[partner].status != "passed" and not verdicts[partner].partial:
                verdicts[gid] = Verdict(
                    "failed",
                    f"the visible checks of {plan.function} pass, but its hidden checks do not: "
                    f"visible points count only for a function that works on new inputs too.",
                    verdicts[gid].printed,
                )
    return verdicts


def verdict_outputs(verdict: Verdict) -> list:
    """The outputs a grade cell shows in the graded notebook and the feedback."""
    outputs = []
    if verdict.printed:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=verdict.printed))
    if verdict.status != "passed" and verdict.partial:
        # nbgrader gives partial credit for a grade cell whose result is a number of points
        # (nbgrader.utils.determine_grade); an error output would give 0.
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=verdict.message))
        outputs.append(
            nbformat.v4.new_output(
                "execute_result",
                data={"text/plain": _points(verdict.partial)},
                execution_count=None,
            )
        )
        return outputs
    if verdict.status != "passed":
        ename = {"timeout": "CellTimeoutError", "failed": "CheckFailure"}.get(
            verdict.status, "GradingError"
        )
        outputs.append(
            nbformat.v4.new_output(
                "error",
                ename=ename,
                evalue=verdict.message,
                traceback=[f"{ename}: {verdict.message}"],
            )
        )
    return outputs
