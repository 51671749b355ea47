"""Reading what ``grade`` wrote, and what nbgrader itself says: one reader for every test.

The tests of issue 12 (``test_class_report``, ``test_deadlines``, ``test_lms``,
``test_one_truth``, ``test_postgres``, ``test_sharing``) run the grader with ``--unsafe`` on
sample hand-ins built from the course's own solutions (trusted code): they test what is
recorded and reported, not the sandbox (``tests/test_grading*.py`` and
``tests/test_isolation.py`` do, and read the grader's files here too).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.course import SOURCE, grade_cells
from autograder.safe_text import from_csv
from autograder.samples import solution_cells, student_notebook

AID = "01_numpy_basics"


def points(aid: str = AID) -> dict[str, float]:
    """Grade id to points, from the instructor notebook (the specification of the score)."""
    return dict(grade_cells(SOURCE / aid / f"{aid}.ipynb"))


def functions(aid: str = AID) -> list[str]:
    """The graded functions of ``aid`` in notebook order."""
    return list(solution_cells(SOURCE / aid / f"{aid}.ipynb"))


def expected_score(solved, aid: str = AID) -> float:
    """Full points of every grade cell of the functions in ``solved``. In 01 only
    ``sigmoid_derivative`` calls another graded function (``sigmoid``): the tests' plans
    answer ``sigmoid`` whenever they answer it, so a solved function earns all its cells."""
    return sum(p for gid, p in points(aid).items() if gid.split("__")[0] in set(solved))


def write_hand_in(folder: Path, student: str, solved, aid: str = AID, release=None) -> Path:
    """``folder/<student>/<aid>/<aid>.ipynb`` answering ``solved`` with the solutions (every
    graded function when ``solved`` is None)."""
    target = folder / student / aid / f"{aid}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    kwargs = {"release": release} if release is not None else {}
    nbformat.write(student_notebook(aid, solved, **kwargs), target)
    return target


def read_csv(path: Path) -> list[dict]:
    """The rows of a CSV file the grader (or nbgrader) wrote, each cell as the instructor meant
    it (:func:`autograder.safe_text.from_csv` undoes the spreadsheet-safe ``'``)."""
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: from_csv(v) for k, v in row.items()} for row in csv.DictReader(f)]


def result_files(out: Path) -> list[Path]:
    """The grader's record of each hand-in graded so far: one JSON file per hand-in, under
    ``OUT/nbgrader/results/<student>/``."""
    return sorted((out / "nbgrader" / "results").glob("*/*.json"))


def grades(out: Path) -> dict[tuple[str, str], dict]:
    return {(r["student_id"], r["assignment"]): r for r in read_csv(out / "grades.csv")}


def cells(out: Path) -> dict[tuple[str, str, str], dict]:
    return {
        (r["student_id"], r["assignment"], r["grade_id"]): r
        for r in read_csv(out / "cell_grades.csv")
    }


def nbgrader_export(db_url: str, workdir: Path) -> dict[tuple[str, str], dict]:
    """``nbgrader export`` (the real command) of the gradebook: (student, assignment) to row,
    only for submissions (export also lists students with no submission, score empty stamp)."""
    target = workdir / "export.csv"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "nbgrader"),
            "export",
            f"--CourseDirectory.db_url={db_url}",
            "--CourseDirectory.course_id=dl-course",
            f"--CourseDirectory.root={workdir}",
            f"--to={target}",
        ],
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    rows = read_csv(target)
    return {(r["student_id"], r["assignment"]): r for r in rows}


_PAGE_TOTAL = re.compile(r"\(Score: ([0-9.]+) / ([0-9.]+)\)")


def page_total(page: Path) -> float:
    """The total a student reads at the top of nbgrader's feedback page."""
    found = _PAGE_TOTAL.search(page.read_text(encoding="utf-8"))
    assert found, f"no total on {page}"
    return float(found.group(1))


def assert_one_truth(out: Path, workdir: Path, db_url: str | None = None) -> None:
    """Every output says the same score for every submission of the gradebook:
    ``grades.csv``, the sum of ``cell_grades.csv`` less the penalty, the feedback page's
    total and ``nbgrader export``."""
    rows = grades(out)
    exported = nbgrader_export(db_url or f"sqlite:///{out / 'gradebook.db'}", workdir)
    graded = {k: v for k, v in exported.items() if v["timestamp"] or k in rows}
    assert set(rows) == set(graded)
    per_cell = cells(out)
    for (sid, aid), row in rows.items():
        score = float(row["score"])
        assert abs(score - float(graded[(sid, aid)]["score"])) < 1e-9, (sid, "export")
        assert abs(score - page_total(out / row["feedback"])) < 1e-9, (sid, "page")
        cell_sum = sum(float(c["score"]) for k, c in per_cell.items() if k[:2] == (sid, aid))
        assert abs(cell_sum - float(row["late_penalty"]) - score) < 1e-9, (sid, "cells")


def set_manual_grade(db_url: str, student: str, aid: str, grade_id: str, score: float) -> None:
    """What formgrader does when a grader types a score (nbgrader's GradeHandler.put)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, "dl-course") as gb:
        grade = gb.find_grade(grade_id, aid, aid, student)
        grade.manual_score = score
        grade.needs_manual_grade = False
        gb.db.commit()
