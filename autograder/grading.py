"""Grade submissions with nbgrader and turn its results into per-cell statuses and messages.

:class:`Grader` keeps one nbgrader course directory under ``OUT/nbgrader`` and one gradebook
(``OUT/gradebook.db`` unless another SQLAlchemy URL is given). :meth:`Grader.grade` is the seam
between running a student's notebook and scoring it: everything about how the notebook is
executed stays behind it.
"""

from __future__ import annotations

import html
import os
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from autograder.course import COURSE_ID, SOURCE, grade_cells
from autograder.hidden.framework import SEED_VARIABLE
from autograder.nbgrader_api import open_api, raise_on_failure
from autograder.submissions import Submission, stage

#: Statuses of a grade cell, as in the course specification.
STATUSES = ("passed", "failed", "error", "timeout", "missing")

#: How long a message in ``cell_grades.csv`` may be.
MESSAGE_LIMIT = 300


@dataclass
class CellGrade:
    """The grade of one grade cell of one submission."""

    student_id: str
    assignment: str
    grade_id: str
    score: float
    max_score: float
    status: str
    message: str = ""


@dataclass
class SubmissionGrade:
    """The grade of one submission, with its cells."""

    student_id: str
    assignment: str
    cells: list[CellGrade] = field(default_factory=list)
    note: str = ""
    feedback: Path | None = None

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)


def short_message(text: str) -> str:
    """One line, at most :data:`MESSAGE_LIMIT` characters, without terminal colour codes."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", text or "")
    text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def classify_outputs(outputs: list) -> tuple[str, str]:
    """The status and message of an executed grade cell from its outputs.

    Parameters
    ----------
    outputs : list of nbformat output nodes

    Returns
    -------
    status : str
        ``"passed"``, ``"failed"`` (a check found a wrong answer), ``"error"`` (the code could
        not run) or ``"timeout"``.
    message : str
    """
    for output in outputs:
        if output.get("output_type") != "error":
            continue
        ename, evalue = output.get("ename", ""), output.get("evalue", "")
        if ename == "CellTimeoutError":
            return "timeout", "the cell ran longer than the time limit and was stopped"
        if ename in ("CheckFailure", "AssertionError"):
            return "failed", short_message(evalue) or "a check failed"
        if ename == "KeyboardInterrupt":
            return "timeout", "the cell was interrupted at the time limit"
        return "error", short_message(f"{ename}: {evalue}")
    return "passed", ""


class Grader:
    """Grades submissions into ``out`` with nbgrader.

    Parameters
    ----------
    out : Path
        Output folder: ``grades.csv``, ``cell_grades.csv``, ``feedback/``, the gradebook and
        nbgrader's working course directory go there.
    db_url : str, optional
        The gradebook's SQLAlchemy URL; ``sqlite:///OUT/gradebook.db`` by default.
    source : Path
        The instructor notebooks.
    """

    def __init__(self, out: Path, db_url: str | None = None, source: Path = SOURCE) -> None:
        self.out = Path(out).resolve()
        self.course = self.out / "nbgrader"
        self.course.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or f"sqlite:///{self.out / 'gradebook.db'}"
        self.source = Path(source).resolve()
        link = self.course / "source"
        if not link.exists():
            link.symlink_to(self.source, target_is_directory=True)
        self.api = open_api(self.course, "release", self.db_url)
        self._cells: dict[str, list[tuple[str, float]]] = {}

    def prepare(self, assignment_id: str) -> None:
        """Record the assignment in the gradebook (nbgrader's generate_assignment)."""
        result = self.api.generate_assignment(assignment_id, force=True, create=True)
        raise_on_failure(result, f"prepare {assignment_id} for grading")
        self._cells[assignment_id] = grade_cells(
            self.source / assignment_id / f"{assignment_id}.ipynb"
        )

    def grade(self, submission: Submission) -> SubmissionGrade:
        """Execute one submission, score it and write its feedback."""
        sid, aid = submission.key
        result = SubmissionGrade(sid, aid, note=submission.note)
        if submission.notebook is None:
            result.cells = self._all_cells(sid, aid, "missing", submission.note)
            result.feedback = self._plain_feedback(result)
            return result
        stage(submission, self.course / "submitted")
        os.environ[SEED_VARIABLE] = str(zlib.crc32(f"{sid}/{aid}".encode()))
        outcome = self.api.autograde(aid, sid, force=True, create=True)
        if not outcome.get("success"):
            reason = _autograde_failure(outcome)
            result.cells = self._all_cells(sid, aid, "error", reason)
            result.feedback = self._plain_feedback(result)
            return result
        result.cells = self._read_cells(sid, aid)
        result.feedback = self._feedback(sid, aid) or self._plain_feedback(result)
        return result

    # ----------------------------------------------------------------------------------------
    def _all_cells(self, sid: str, aid: str, status: str, message: str) -> list[CellGrade]:
        return [
            CellGrade(sid, aid, gid, 0.0, points, status, short_message(message))
            for gid, points in self._cells[aid]
        ]

    def _read_cells(self, sid: str, aid: str) -> list[CellGrade]:
        notebook = self.course / "autograded" / sid / aid / f"{aid}.ipynb"
        executed = nbformat.read(notebook, as_version=4)
        outputs = {
            cell.metadata.get("nbgrader", {}).get("grade_id"): cell.get("outputs", [])
            for cell in executed.cells
            if cell.metadata.get("nbgrader", {}).get("grade")
        }
        with Gradebook(self.db_url, COURSE_ID) as gb:
            try:
                graded = gb.find_submission_notebook(aid, aid, sid)
            except MissingEntry:
                return self._all_cells(sid, aid, "error", "nbgrader recorded no grades")
            scores = {g.name: (g.score, g.max_score) for g in graded.grades}
        cells = []
        for gid, points in self._cells[aid]:
            if gid not in outputs or gid not in scores:
                cells.append(
                    CellGrade(sid, aid, gid, 0.0, points, "missing", "grade cell not found")
                )
                continue
            score, max_score = scores[gid]
            status, message = classify_outputs(outputs[gid])
            score = float(score or 0.0)
            if status == "passed" and score < max_score:
                status, message = "failed", "the cell wrote to stderr or needs manual grading"
            cells.append(CellGrade(sid, aid, gid, score, float(max_score), status, message))
        return cells

    def _feedback_dir(self, sid: str, aid: str) -> Path:
        target = self.out / "feedback" / sid / aid
        target.mkdir(parents=True, exist_ok=True)
        return target

    def _feedback(self, sid: str, aid: str) -> Path | None:
        outcome = self.api.generate_feedback(aid, sid, force=True)
        produced = self.course / "feedback" / sid / aid / f"{aid}.html"
        if not outcome.get("success") or not produced.exists():
            return None
        target = self._feedback_dir(sid, aid) / f"{aid}.html"
        shutil.copyfile(produced, target)
        return target

    def _plain_feedback(self, grade: SubmissionGrade) -> Path:
        """A feedback page written without nbgrader, for submissions it could not run."""
        rows = "".join(
            f"<tr><td>{html.escape(c.grade_id)}</td><td>{c.score:g} / {c.max_score:g}</td>"
            f"<td>{html.escape(c.status)}</td><td>{html.escape(c.message)}</td></tr>"
            for c in grade.cells
        )
        note = f"<p>{html.escape(grade.note)}</p>" if grade.note else ""
        page = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{grade.assignment}</title>"
            f"</head><body><h1>{html.escape(grade.assignment)}: {grade.score:g} / "
            f"{grade.max_score:g}</h1>{note}<table border='1'><tr><th>check</th><th>score</th>"
            f"<th>status</th><th>message</th></tr>{rows}</table></body></html>"
        )
        target = self._feedback_dir(grade.student_id, grade.assignment) / f"{grade.assignment}.html"
        target.write_text(page, encoding="utf-8")
        return target


def _autograde_failure(outcome: dict) -> str:
    """A one-line reason from nbgrader's log of a failed autograde."""
    text = (outcome.get("log") or "") + "\n" + (outcome.get("error") or "")
    for line in text.splitlines():
        line = line.strip()
        if (
            line.startswith("[ERROR]")
            and "see the" not in line
            and "There was an error" not in line
        ):
            return "the notebook could not be graded: " + line.removeprefix("[ERROR]").strip()
    return "the notebook could not be graded"
