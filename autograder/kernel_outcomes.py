"""What running a notebook's cells came to, as typed values: a :class:`~autograder.executor.
CellProblem` of the run becomes a :class:`~autograder.judging.Verdict` that decides its cell, and
problems of cells that are not grade cells become notes on the submission's row."""

from __future__ import annotations

from autograder.executor import CHANNEL_NOTE, CellProblem, Execution
from autograder.judging import Verdict
from autograder.results import short_message
from autograder.sandbox import Limits

#: What a problem in a cell that is not a grade cell did to the rest of the notebook.
_PROBLEM_NOTES = {
    CellProblem.TIMEOUT: "ran past the time limit and was stopped",
    CellProblem.DIED: "stopped the kernel (os._exit, a crash, or too much memory)",
    CellProblem.FLOOD: "wrote more than the grader reads and was stopped",
}


def execution_notes(execution: Execution) -> list[str]:
    """What went wrong in cells that are not grade cells (grade cells say it themselves),
    and what the notebook wrote to its grading channel outside the protocol."""
    notes = []
    for index, problem in sorted(execution.problems.items()):
        cell = execution.notebook.cells[index]
        if cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        if problem is CellProblem.NOT_RUN:
            notes.append(f"code cell {index + 1} and after were not run (too many cells)")
            break
        what = _PROBLEM_NOTES[problem]
        notes.append(f"code cell {index + 1} {what}; the cells after it ran in a fresh kernel")
    if execution.violations:
        notes.append(f"{CHANNEL_NOTE} ({'; '.join(execution.violations[:3])})")
    return notes


def classify_outputs(outputs: list) -> Verdict:
    """The outcome of an executed cell from its outputs, as the kernel reported it."""
    for output in outputs:
        if output.get("output_type") != "error":
            continue
        ename, evalue = output.get("ename", ""), output.get("evalue", "")
        if ename in ("CheckFailure", "AssertionError"):
            return Verdict("failed", short_message(evalue) or "a check failed")
        return Verdict("error", short_message(f"{ename}: {evalue}"))
    return Verdict("passed")


def kernel_verdicts(execution: Execution, limits: Limits) -> dict[str, Verdict]:
    """Each grade cell's outcome as the run reported it (a problem decides the cell)."""
    outcomes = {}
    for index, cell in enumerate(execution.notebook.cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not gid:  # solution cells too: a syntax error there explains later failures
            continue
        problem = execution.problems.get(index)
        if problem is None:
            outcomes[gid] = classify_outputs(cell.get("outputs", []))
        else:
            outcomes[gid] = problem_verdict(problem, limits)
    return outcomes


def problem_verdict(problem: CellProblem, limits: Limits) -> Verdict:
    """The verdict of a grade cell whose run ended in ``problem``."""
    if problem is CellProblem.TIMEOUT:
        return Verdict(
            "timeout",
            f"the cell ran longer than {limits.cell_seconds} s (or the notebook longer than "
            f"{limits.notebook_seconds} s) and was stopped",
            decided_by_kernel=True,
        )
    if problem is CellProblem.DIED:
        message = (
            "the kernel died while this cell ran (os._exit, a crash, or more memory than allowed)"
        )
    elif problem is CellProblem.FLOOD:
        message = f"{CHANNEL_NOTE}: more than the grader reads"
    else:
        message = f"not run: the notebook has more than {limits.cells} code cells"
    return Verdict("error", message, decided_by_kernel=True)
