"""Recording grades in nbgrader's gradebook.

Each judged hand-in is recorded with nbgrader's own autograde steps (the student and the
submission in the gradebook, then ``ClearMetadataPreprocessor``, ``LimitOutput`` and
``SaveAutoGrades``), with the sandboxed run's outputs and the grader's verdicts in place of
nbgrader's execution (:func:`record_autograde`); its late penalty follows, once the
submission's extension is set (:func:`apply_lateness`). Only the grader's process writes the
gradebook."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Grade, Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties, LimitOutput
from nbgrader.utils import parse_utc
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload

from autograder.course import COURSE_ID
from autograder.judging import Verdict, verdict_outputs
from autograder.nbgrader_steps import SaveAutoGradesAtOnce


@event.listens_for(Engine, "connect")
def _quick_sqlite(connection, _record) -> None:
    """SQLite gradebooks in WAL mode: a commit need not wait for the disk (a crash of this
    process still loses nothing committed), and readers never block the one writer."""
    if type(connection).__module__.startswith("sqlite3"):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


_LOCK_ENGINES: dict[str, Engine] = {}


@contextlib.contextmanager
def gradebook_lock(db_url: str):
    """Hold the gradebook's writer lock while nbgrader creates or records something.

    Several graders may share one PostgreSQL gradebook: two of them creating nbgrader's tables
    or the same assignment at once collide ("duplicate key value violates unique constraint").
    A PostgreSQL advisory lock, keyed by the course, makes those steps take turns; the long
    part, running notebooks, stays parallel. SQLite locks its file itself: nothing to do.
    """
    if not db_url.startswith("postgresql"):
        yield
        return
    engine = _LOCK_ENGINES.get(db_url)
    if engine is None:
        engine = _LOCK_ENGINES[db_url] = create_engine(db_url, pool_size=1, max_overflow=0)
    key = zlib.crc32(f"autograder/{COURSE_ID}".encode())
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


def fill_outputs(
    nb: nbformat.NotebookNode, executed: nbformat.NotebookNode, verdicts: dict[str, Verdict]
) -> None:
    """Put the sandboxed run's outputs and the grader's verdicts into ``nb``, in place.

    Where nbgrader would have executed the notebook: a grade cell gets its verdict's outputs
    (which nbgrader scores), every other code cell what the run gave.
    """
    if [c.source for c in nb.cells] != [c.source for c in executed.cells]:
        raise RuntimeError("the notebook changed between execution and scoring")
    for cell, done in zip(nb.cells, executed.cells, strict=True):
        if cell.cell_type != "code":
            continue
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in verdicts:
            cell.outputs = verdict_outputs(verdicts[gid])
        else:
            cell.outputs = done.get("outputs", [])
        cell.execution_count = done.get("execution_count")


#: nbgrader's autograde steps after its execution, in its order (``SaveAutoGrades`` reading and
#: committing the hand-in's grades at once: autograder.nbgrader_steps). Its final
#: ``CheckCellMetadata`` is left out (the grader checked the notebook when staging it, and only
#: outputs changed since), and so is ``AssignLatePenalties``: :func:`apply_lateness` runs it
#: right after, once the submission's extension is set, for graded and resumed hand-ins alike.
AFTER_EXECUTION = [ClearMetadataPreprocessor, LimitOutput, SaveAutoGradesAtOnce]


def record_autograde(
    config,
    db_url: str,
    staged: Path,
    autograded: Path,
    support: list[Path],
    executed: nbformat.NotebookNode,
    verdicts: dict[str, Verdict],
) -> None:
    """Record one judged hand-in as ``nbgrader autograde`` would, without its converter.

    Parameters
    ----------
    config : traitlets.config.Config
        nbgrader's settings (late penalties, output limits...).
    db_url : str
        The gradebook.
    staged : Path
        ``submitted/<student>/<assignment>/<assignment>.ipynb``, staged and sanitised; a
        ``timestamp.txt`` beside it is the submission time.
    autograded : Path
        ``autograded/<student>/<assignment>/``: replaced by the notebook as scored, the
        staged folder's other files and the assignment's support files, as nbgrader leaves it.
    support : list of Path
        The assignment's files other than its notebook.
    executed : nbformat.NotebookNode
        The sanitised notebook as the sandbox ran it.
    verdicts : dict
        Grade id to the grader's :class:`~autograder.judging.Verdict`.
    """
    student_id, assignment_id = staged.parent.parent.name, staged.parent.name
    if autograded.exists():
        shutil.rmtree(autograded)
    autograded.mkdir(parents=True)
    for extra in sorted(staged.parent.iterdir()):
        if extra.is_file() and extra.suffix != ".ipynb":
            shutil.copy(extra, autograded / extra.name)
    for extra in support:
        shutil.copy(extra, autograded / extra.name)
    stamp = staged.parent / "timestamp.txt"
    with Gradebook(db_url, COURSE_ID) as gb:
        gb.update_or_create_student(student_id)
        when = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else ""
        if when:
            gb.update_or_create_submission(assignment_id, student_id, timestamp=parse_utc(when))
        else:
            gb.update_or_create_submission(assignment_id, student_id)
    nb = nbformat.read(staged, as_version=4)
    fill_outputs(nb, executed, verdicts)
    resources = {
        "unique_key": assignment_id,
        "nbgrader": {
            "notebook": assignment_id,
            "assignment": assignment_id,
            "student": student_id,
            "db_url": db_url,
        },
    }
    for step in AFTER_EXECUTION:
        nb, resources = step(config=config)(nb, resources)  # (a disabled step does nothing)
    target = autograded / staged.name
    nbformat.write(nb, target)
    # nbgrader leaves autograded files read-only (its converters' default permissions).
    for path in autograded.iterdir():
        os.chmod(path, 0o444)


@dataclass
class RecordedCell:
    """One grade cell as the gradebook holds it.

    ``score`` is what nbgrader counts (formgrader's manual score when there is one, else the
    autograder's, plus any extra credit); ``manual`` is the manual score or ``None``.
    """

    score: float
    max_score: float
    auto_score: float | None
    manual: float | None


@dataclass
class RecordedSubmission:
    """One submission as the gradebook holds it: the record every output is written from."""

    student_id: str
    assignment: str
    cells: dict[str, RecordedCell] = field(default_factory=dict)
    timestamp: datetime.datetime | None = None
    seconds_late: float = 0.0
    penalty: float = 0.0
    #: ``(cell, comment)`` for every comment a grader wrote in formgrader.
    comments: list[tuple[str, str]] = field(default_factory=list)


def recorded_course(db_url: str) -> list[RecordedSubmission]:
    """Every submission of every assignment in the gradebook, with its grades and lateness.

    This is what ``nbgrader export`` and formgrader show: the reports are written from it, so
    that a manual grade, an earlier batch or another grader's work is never lost or contradicted.
    """
    found = []
    with Gradebook(db_url, COURSE_ID) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                record = RecordedSubmission(
                    submission.student.id,
                    assignment.name,
                    timestamp=submission.timestamp,
                    seconds_late=float(submission.total_seconds_late or 0.0),
                    penalty=float(submission.late_submission_penalty or 0.0),
                )
                for notebook in submission.notebooks:
                    for g in notebook.grades:
                        record.cells[g.name] = RecordedCell(
                            float(g.score or 0.0),
                            float(g.max_score or 0.0),
                            g.auto_score,
                            g.manual_score,
                        )
                    record.comments += [
                        (c.name, c.manual_comment) for c in notebook.comments if c.manual_comment
                    ]
                found.append(record)
    return found


def auto_scores(db_url: str, student_id: str, assignment_id: str) -> dict:
    """Grade id to ``(auto_score, max_score)``: what the autograder gave, whatever a person
    set since (empty if the submission is not recorded)."""
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            graded = gb.find_submission_notebook(assignment_id, assignment_id, student_id)
        except MissingEntry:
            return {}
        grades = gb.db.query(Grade).options(joinedload(Grade.cell)).filter_by(notebook=graded)
        return {g.name: (g.auto_score, g.max_score) for g in grades}  # (cells in one query)


def drop_manual_grades(db_url: str, student_id: str, assignment_id: str) -> int:
    """Forget the manual scores of one submission (``grade --reset-manual``).

    Returns
    -------
    int
        How many manual scores were dropped.
    """
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            graded = gb.find_submission_notebook(assignment_id, assignment_id, student_id)
        except MissingEntry:
            return 0
        dropped = 0
        for grade in graded.grades:
            if grade.manual_score is not None:
                grade.manual_score = None
                grade.needs_manual_grade = False
                dropped += 1
        gb.db.commit()
        return dropped


def set_due_date(db_url: str, assignment_id: str, due: datetime.datetime | None) -> None:
    """Record an assignment's due date (naive UTC, as nbgrader stores it)."""
    with Gradebook(db_url, COURSE_ID) as gb:
        gb.update_or_create_assignment(assignment_id, duedate=due)


def apply_lateness(
    db_url: str,
    config,
    student_id: str,
    assignment_id: str,
    timestamp: datetime.datetime | None,
    extension: datetime.timedelta | None,
    set_extension: bool = True,
) -> None:
    """Record a submission's time and extension, then let nbgrader's late-submission plugin
    (``AssignLatePenalties``, configured by ``config``) set its penalty.

    Runs for every submission of a batch, graded or resumed, so that a due date, an extension
    or a penalty setting changed since the last run counts without running anyone's code again.
    With ``set_extension`` false the gradebook's extension (``nbgrader db``, formgrader) stays.
    """
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            submission = gb.find_submission(assignment_id, student_id)
        except MissingEntry:
            return  # never recorded (grading failed): there is nothing to penalise
        if timestamp is not None:
            submission.timestamp = timestamp
        if set_extension:
            submission.extension = extension
        gb.db.commit()
    resources = {
        "nbgrader": {
            "notebook": assignment_id,
            "assignment": assignment_id,
            "student": student_id,
            "db_url": db_url,
        }
    }
    AssignLatePenalties(config=config).preprocess(nbformat.v4.new_notebook(), resources)
