"""The feedback pages in ``OUT/feedback``: which are stale, and putting nbgrader's new pages
(or a plain page where nbgrader made none) in place.

A page is stale when the gradebook no longer says what it shows: a manual grade, a comment or
a penalty changed since it was written. ``OUT/nbgrader/feedback_state.json`` keeps, per
submission, a digest of what its page shows.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from autograder.feedback import install_mathjax, plain_page
from autograder.recording import RecordedSubmission
from autograder.results import SubmissionGrade


def digest(record: RecordedSubmission) -> str:
    """What a feedback page shows of the gradebook: when it changes, the page is stale."""
    shown = [
        sorted((k, c.score, c.manual) for k, c in record.cells.items()),
        record.penalty,
        record.timestamp.isoformat() if record.timestamp else "",
        sorted(record.comments),
    ]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


class FeedbackPages:
    """The pages of one grader's output.

    Parameters
    ----------
    course : Path
        nbgrader's course folder (``OUT/nbgrader``), where nbgrader writes its pages.
    out : Path
        The grader's output folder; pages go to ``out/feedback/<student>/<assignment>/``.
    started : float
        When this grading run started (a POSIX time): nbgrader's pages older than that were
        not written by this run.
    """

    def __init__(self, course: Path, out: Path, started: float) -> None:
        self.course, self.out, self.started = course, out, started
        self.state_file = course / "feedback_state.json"

    def folder(self, sid: str, aid: str) -> Path:
        target = self.out / "feedback" / sid / aid
        target.mkdir(parents=True, exist_ok=True)
        return target

    def _state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def stale(self, records: list[RecordedSubmission]) -> set[tuple[str, str]]:
        """``(student, assignment)`` of each page that no longer shows the gradebook, or that
        is missing."""
        state = self._state()
        stale = set()
        for record in records:
            sid, aid = record.student_id, record.assignment
            page = self.out / "feedback" / sid / aid / f"{aid}.html"
            if state.get(f"{sid}/{aid}") != digest(record) or not page.is_file():
                stale.add((sid, aid))
        return stale

    def collect(
        self,
        rows: dict[tuple[str, str], SubmissionGrade],
        records: list[RecordedSubmission],
        regenerated: set[tuple[str, str]],
    ) -> None:
        """Copy nbgrader's new pages to ``OUT/feedback``, a plain page where it made none;
        pages not regenerated (``(student, assignment)`` not in ``regenerated``) stay as they
        are (they are current). Sets each row's ``feedback``."""
        for root in (self.out / "feedback", self.course / "feedback"):
            install_mathjax(root)  # both sets of pages render formulas offline
        for (sid, aid), row in rows.items():
            target = self.folder(sid, aid) / f"{aid}.html"
            produced = self.course / "feedback" / sid / aid / f"{aid}.html"
            fresh = produced.is_file() and produced.stat().st_mtime >= self.started
            if row.recorded and (sid, aid) in regenerated and fresh:
                shutil.copyfile(produced, target)
            elif not (row.recorded and (sid, aid) not in regenerated and target.is_file()):
                plain_page(row, target)
            row.feedback = target
        state = self._state()
        for record in records:
            if (record.student_id, record.assignment) in regenerated:
                state[f"{record.student_id}/{record.assignment}"] = digest(record)
        tmp = self.state_file.with_name(self.state_file.name + ".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        tmp.replace(self.state_file)

    def plain(self, grade: SubmissionGrade) -> Path:
        """A page written without nbgrader, for a submission it could not record."""
        target = self.folder(grade.student_id, grade.assignment)
        return plain_page(grade, target / f"{grade.assignment}.html")
