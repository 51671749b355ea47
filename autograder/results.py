"""What grading decided, as it is kept: a grade per cell and per submission, and the result
files that let a killed run resume without grading anything twice."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (recording imports nbgrader, which this module does not need)
    from autograder.recording import RecordedSubmission

#: Statuses of a grade cell, as in the course specification.
STATUSES = ("passed", "failed", "error", "timeout", "missing")

#: How long a message in ``cell_grades.csv`` may be.
MESSAGE_LIMIT = 300


#: Changes when grading changes in a way that invalidates earlier results of a resumed run.
RESULT_VERSION = 2


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
    #: The grade a person set in formgrader, which the score is (``None``: the autograder's).
    manual: float | None = None
    #: What the autograder gave (the score unless a manual grade replaces it).
    auto_score: float | None = None
    #: The code of the named mistake the check's message reports (see
    #: :mod:`autograder.mistakes`), ``""`` when none.
    mistake: str = ""


@dataclass
class SubmissionGrade:
    """The grade of one submission, with its cells."""

    student_id: str
    assignment: str
    cells: list[CellGrade] = field(default_factory=list)
    note: str = ""
    feedback: Path | None = None
    #: When it was handed in (ISO 8601, UTC), ``""`` when unknown.
    timestamp: str = ""
    #: Seconds after the due date (extension included); 0 when on time or without a due date.
    seconds_late: float = 0.0
    #: Points taken off by nbgrader's late-submission plugin.
    penalty: float = 0.0
    #: False when nbgrader could not record it (the row then comes from the result file).
    recorded: bool = True

    @property
    def raw_score(self) -> float:
        """The sum of the cells' scores, before any late penalty."""
        return sum(c.score for c in self.cells)

    @property
    def score(self) -> float:
        """The score after the late penalty, as ``nbgrader export`` computes it."""
        return max(0.0, self.raw_score - self.penalty)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)

    def to_json(self) -> dict:
        data = asdict(self)
        data["feedback"] = str(self.feedback) if self.feedback else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> SubmissionGrade:
        cells = [CellGrade(**c) for c in data["cells"]]
        feedback = Path(data["feedback"]) if data.get("feedback") else None
        kept = ("timestamp", "seconds_late", "penalty", "recorded")
        extra = {k: data[k] for k in kept if k in data}
        return cls(
            data["student_id"], data["assignment"], cells, data.get("note", ""), feedback, **extra
        )


def short_message(text: str) -> str:
    """One line, at most :data:`MESSAGE_LIMIT` characters, without terminal colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text or "")
    text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def gradebook_row(
    record: RecordedSubmission, saved: SubmissionGrade | None, order: list[str]
) -> SubmissionGrade:
    """A submission's grade as the gradebook holds it (``record``), with the statuses and
    messages of the grader's result file (``saved``) where they describe the same
    autograding; its cells in ``order`` (grade ids).

    Manual-grade policy: a score set in formgrader is kept (nbgrader counts it, as do
    ``nbgrader export`` and the feedback page) and marked: ``manual`` holds it, and the
    message says what the autograder gave. ``grade --reset-manual`` drops it.
    """
    sid, aid = record.student_id, record.assignment
    theirs = {c.grade_id: c for c in saved.cells} if saved else {}
    cells = []
    for gid in order:
        cell = record.cells[gid]
        auto = float(cell.auto_score or 0.0)
        known = theirs.get(gid)
        same = (
            known is not None
            and abs((known.auto_score if known.auto_score is not None else known.score) - auto)
            < 1e-9
        )
        if same:
            status, message = known.status, known.message
        else:  # graded elsewhere (plain nbgrader, another grader): the score says it
            status, message = ("passed" if auto >= cell.max_score else "failed"), ""
        if cell.manual is not None:
            message = short_message(
                f"manual grade {cell.manual:g} of {cell.max_score:g} "
                f"(the autograder gave {auto:g}); {message}".rstrip("; ")
            )
        cells.append(
            CellGrade(
                sid,
                aid,
                gid,
                cell.score,
                cell.max_score,
                status,
                message,
                manual=cell.manual,
                auto_score=auto,
            )
        )
    return SubmissionGrade(
        sid,
        aid,
        cells,
        note=saved.note if saved else "",
        timestamp=record.timestamp.isoformat() if record.timestamp else "",
        seconds_late=record.seconds_late,
        penalty=record.penalty,
    )


class ResultFiles:
    """One JSON file per graded submission under ``folder``, written atomically.

    A file counts only while the hand-in and the instructor notebook are byte for byte the ones
    it was graded from (see :meth:`fingerprint`).
    """

    def __init__(self, folder: Path, source: Path) -> None:
        self.folder, self.source = folder, source

    def path(self, student_id: str, assignment_id: str) -> Path:
        return self.folder / student_id / f"{assignment_id}.json"

    def fingerprint(self, notebook: Path | None, assignment_id: str) -> str:
        digest = "none"
        if notebook is not None:
            digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
        source = (self.source / assignment_id / f"{assignment_id}.ipynb").read_bytes()
        return f"{RESULT_VERSION}:{digest}:{hashlib.sha256(source).hexdigest()}"

    def load(self, student_id: str, assignment_id: str, notebook: Path | None):
        """The saved grade, or None when there is none or it is out of date."""
        try:
            data = json.loads(self.path(student_id, assignment_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("fingerprint") != self.fingerprint(notebook, assignment_id):
            return None
        return SubmissionGrade.from_json(data["grade"])

    def latest(self, student_id: str, assignment_id: str) -> SubmissionGrade | None:
        """The last saved grade, whatever it was graded from (None if there is none).

        Statuses and messages of the report come from it; scores come from the gradebook.
        """
        try:
            data = json.loads(self.path(student_id, assignment_id).read_text(encoding="utf-8"))
            return SubmissionGrade.from_json(data["grade"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def keys(self) -> list[tuple[str, str]]:
        """``(student_id, assignment_id)`` of every saved grade."""
        if not self.folder.is_dir():
            return []
        return sorted((p.parent.name, p.stem) for p in self.folder.glob("*/*.json"))

    def save(self, grade: SubmissionGrade, notebook: Path | None) -> None:
        path = self.path(grade.student_id, grade.assignment)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        data = {
            "fingerprint": self.fingerprint(notebook, grade.assignment),
            "grade": grade.to_json(),
        }
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)  # atomic: a result file is complete or absent
