"""Sample submissions built from the course itself, for the demo and the tests.

A sample is the student release with some graded functions answered by the instructor's
solution (its ``### BEGIN/END SOLUTION`` markers removed) and the others left as stubs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

from autograder.course import RELEASE, SOURCE, assignment_ids

_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.MULTILINE)


def solution_cells(source_notebook: Path) -> dict[str, str]:
    """Graded function name to the solution cell's source, markers removed."""
    nb = nbformat.read(source_notebook, as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: _MARKER.sub("", cell.source)
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def student_notebook(
    assignment_id: str,
    solved: Iterable[str] | None = None,
    source: Path = SOURCE,
    release: Path = RELEASE,
) -> nbformat.NotebookNode:
    """The release of ``assignment_id`` with the functions in ``solved`` answered.

    Parameters
    ----------
    assignment_id : str
    solved : iterable of str, optional
        Graded functions to answer with the instructor's solution; all of them by default.
    source, release : Path
        The instructor notebooks and the student release.
    """
    answers = solution_cells(source / assignment_id / f"{assignment_id}.ipynb")
    solved = set(answers if solved is None else solved)
    nb = nbformat.read(release / assignment_id / f"{assignment_id}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in solved:
            cell.source = answers[grade_id]
    return nb


def write_demo_submissions(folder: Path, ids: list[str] | None = None) -> list[Path]:
    """Write three students' hand-ins of every assignment under ``folder``.

    ``ada`` answers everything, ``blaise`` every other graded function, ``carmen`` hands in
    the untouched release.

    Returns
    -------
    list of Path
        The notebooks written.
    """
    written = []
    for aid in ids or assignment_ids():
        functions = list(solution_cells(SOURCE / aid / f"{aid}.ipynb"))
        plans = {"ada": functions, "blaise": functions[::2], "carmen": []}
        for student, solved in plans.items():
            target = Path(folder) / student / aid / f"{aid}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student_notebook(aid, solved), target)
            written.append(target)
    return written
