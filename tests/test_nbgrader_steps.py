"""nbgrader's grading steps read the gradebook once (``autograder.nbgrader_steps``) and do
exactly what nbgrader's own steps do.

Each step is run next to nbgrader's original on the same notebook and gradebook, and the
results compared: the notebook they leave, the grades and comments they record, the errors
they raise. The cases are those a hand-in brings: an edited read-only cell, changed points, a
deleted check, a changed cell type, an unknown grade id, a manual grade already given.
"""

from __future__ import annotations

import copy

import nbformat
import nbgrader.api
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import ValidationError
from nbgrader.preprocessors import (
    CheckCellMetadata,
    GetGrades,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from sqlalchemy import create_engine, event, text

from autograder.course import COURSE_ID
from autograder.grading import Grader
from autograder.nbgrader_api import _put_interpreter_tools_on_path, one_engine_per_gradebook
from autograder.nbgrader_steps import (
    GetGradesAtOnce,
    OverwriteCellsOnce,
    OverwriteKernelspecOnce,
    RememberingCheckCellMetadata,
    SaveAutoGradesAtOnce,
    alembic_head,
)

AID = "02_logistic_regression"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A gradebook with the assignment recorded, and its release notebook."""
    out = tmp_path_factory.mktemp("steps")
    grader = Grader(out, unsafe=True)
    with one_engine_per_gradebook():
        grader.prepare(AID)
    release = nbformat.read(out / "nbgrader" / "release" / AID / f"{AID}.ipynb", as_version=4)
    return grader, release


def _resources(grader, student="ada"):
    return {
        "nbgrader": {
            "notebook": AID,
            "assignment": AID,
            "student": student,
            "db_url": grader.db_url,
        }
    }


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _locked(nb):
    return [c for c in nb.cells if _meta(c).get("locked") and not _meta(c).get("solution")]


def _graded(nb):
    return [c for c in nb.cells if _meta(c).get("grade")]


def _edit_locked(nb):
    _locked(nb)[0].source += "\n# edited by the student"


def _more_points(nb):
    _graded(nb)[0].metadata.nbgrader["points"] = 99


def _markdown_check(nb):
    _graded(nb)[1].cell_type = "markdown"


def _unknown_id(nb):
    _graded(nb)[2].metadata.nbgrader["grade_id"] = "not_in_the_gradebook"


def _deleted_check(nb):
    nb.cells.remove(_graded(nb)[3])  # nbgrader puts it back


def _unflagged_check(nb):
    meta = _graded(nb)[4].metadata.nbgrader
    meta["grade"] = meta["solution"] = False  # id kept: nbgrader still puts the check back


def _all_of_them(nb):
    for edit in (_edit_locked, _more_points, _markdown_check, _deleted_check):
        edit(nb)


EDITS = [None, _edit_locked, _more_points, _markdown_check, _unknown_id, _deleted_check]
EDITS.append(_unflagged_check)
EDITS.append(_all_of_them)


def _outcome(step, nb, resources):
    try:
        return step.preprocess(copy.deepcopy(nb), resources)[0]
    except Exception as err:  # nbgrader's own failures must be the same too
        return type(err)


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__ if e else "as released")
def test_overwrite_cells_gives_nbgraders_notebook(course, edit):
    grader, release = course
    nb = copy.deepcopy(release)
    if edit is not None:
        edit(nb)
    config = grader.api.config
    theirs = _outcome(OverwriteCells(config=config), nb, _resources(grader))
    once = OverwriteCellsOnce(config=config)
    for _ in range(2):  # the second time from what it read the first
        assert _outcome(once, nb, _resources(grader)) == theirs
    if edit not in (None, _unknown_id) and not isinstance(theirs, type):  # undone
        assert theirs != nb
        assert len(theirs.cells) == len(release.cells)


def test_metadata_checks_raise_where_nbgraders_raise(course):
    _, release = course
    broken_points = copy.deepcopy(release)
    graded = next(c for c in broken_points.cells if _meta(c).get("grade"))
    del graded.metadata.nbgrader["points"]
    duplicate = copy.deepcopy(release)
    ids = [c for c in duplicate.cells if _meta(c).get("grade_id")]
    ids[1].metadata.nbgrader["grade_id"] = ids[0].metadata.nbgrader["grade_id"]
    wrong_type = copy.deepcopy(release)
    graded = next(c for c in wrong_type.cells if _meta(c).get("grade"))
    graded.metadata.nbgrader["points"] = "three"
    # The valid release first: what it remembers must not let a broken copy through.
    for nb, valid in [(release, True), (broken_points, False), (duplicate, False)] + [
        (wrong_type, False),
        (release, True),
    ]:
        for step in (CheckCellMetadata(), RememberingCheckCellMetadata()):
            if valid:
                step.preprocess(copy.deepcopy(nb), {})
            else:
                with pytest.raises(ValidationError):
                    step.preprocess(copy.deepcopy(nb), {})


def _scored(release):
    """The release with outputs as a run leaves them: every other check failed."""
    nb = copy.deepcopy(release)
    graded = [c for c in nb.cells if _meta(c).get("grade") and c.cell_type == "code"]
    for i, cell in enumerate(graded):
        cell.outputs = (
            [nbformat.v4.new_output("error", ename="AssertionError", evalue="", traceback=[])]
            if i % 2
            else []
        )
    return nb, [_meta(c)["grade_id"] for c in graded]


def _recorded(db_url, student):
    with Gradebook(db_url, COURSE_ID) as gb:
        sub = gb.find_submission_notebook(AID, AID, student)
        grades = {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade) for g in sub.grades}
        comments = {c.name: c.auto_comment for c in sub.comments}
    return grades, comments


def test_save_auto_grades_records_what_nbgraders_records(course):
    grader, release = course
    nb, grade_ids = _scored(release)
    with Gradebook(grader.db_url, COURSE_ID) as gb:
        for student in ("theirs", "ours"):
            gb.update_or_create_student(student)
            gb.update_or_create_submission(AID, student)
            # A manual grade given before this run: nbgrader flags it for review.
            gb.find_grade(grade_ids[0], AID, AID, student).manual_score = 0.5
        gb.db.commit()
    SaveAutoGrades(config=grader.api.config).preprocess(
        copy.deepcopy(nb), _resources(grader, "theirs")
    )
    with one_engine_per_gradebook():
        SaveAutoGradesAtOnce(config=grader.api.config).preprocess(
            copy.deepcopy(nb), _resources(grader, "ours")
        )
    theirs, ours = _recorded(grader.db_url, "theirs"), _recorded(grader.db_url, "ours")
    assert ours == theirs
    grades, comments = ours
    assert {grades[g][0] for g in grade_ids} == {
        0.0,
        *(_meta(c)["points"] for c in nb.cells if _meta(c).get("grade_id") == grade_ids[0]),
    }
    assert grades[grade_ids[0]][2] is True and grades[grade_ids[1]][2] is False
    assert set(comments.values()) == {"No response."}  # the release's answers are unchanged


@pytest.mark.parametrize("penalty", [None, 0.0, 1.5])
def test_feedback_gets_the_grades_nbgraders_get_grades_gets(course, penalty):
    grader, release = course
    nb, grade_ids = _scored(release)
    student = f"page-{penalty}"
    with Gradebook(grader.db_url, COURSE_ID) as gb:
        gb.update_or_create_student(student)
        gb.update_or_create_submission(AID, student)
    SaveAutoGrades(config=grader.api.config).preprocess(
        copy.deepcopy(nb), _resources(grader, student)
    )
    with Gradebook(grader.db_url, COURSE_ID) as gb:  # an instructor's marks, and lateness
        gb.find_grade(grade_ids[1], AID, AID, student).manual_score = 0.25
        comment = next(iter(gb.find_submission_notebook(AID, AID, student).comments))
        comment.manual_comment = "Vectorise this loop."
        gb.find_submission_notebook(AID, AID, student).late_submission_penalty = penalty
        gb.db.commit()
    config = grader.api.config
    resources = _resources(grader, student)
    theirs = GetGrades(config=config).preprocess(copy.deepcopy(nb), copy.deepcopy(resources))
    with one_engine_per_gradebook():
        ours = GetGradesAtOnce(config=config).preprocess(
            copy.deepcopy(nb), copy.deepcopy(resources)
        )
    assert ours == theirs
    assert ours[1]["nbgrader"]["late_penalty"] == (penalty or 0)
    scores = [_meta(c).get("score") for c in ours[0].cells if _meta(c).get("grade")]
    assert 0.25 in scores and None not in scores
    assert "Vectorise this loop." in [_meta(c).get("comment") for c in ours[0].cells]
    # A hand-in the gradebook does not have fails as nbgrader's fails.
    unknown = _resources(grader, "nobody")
    assert _outcome(GetGradesAtOnce(config=config), nb, unknown) == _outcome(
        GetGrades(config=config), nb, unknown
    )


def test_a_new_gradebook_gets_the_revision_alembic_prints(tmp_path):
    _put_interpreter_tools_on_path()
    printed = nbgrader.api.get_alembic_version()  # nbgrader's way: `alembic heads`
    assert alembic_head() == printed
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with one_engine_per_gradebook():
        Gradebook(url, COURSE_ID).close()
    with create_engine(url).connect() as db:
        assert db.execute(text("SELECT version_num FROM alembic_version")).scalar() == printed
    assert nbgrader.api.get_alembic_version is not alembic_head  # nbgrader's own way is back


@pytest.mark.parametrize("kernel", [None, {"name": "julia-1.9", "display_name": "Julia"}])
def test_the_kernel_is_the_source_notebooks_as_nbgrader_sets_it(course, kernel):
    grader, release = course
    nb = copy.deepcopy(release)
    if kernel is None:
        del nb.metadata["kernelspec"]
    else:
        nb.metadata["kernelspec"] = kernel
    theirs, _ = OverwriteKernelspec().preprocess(copy.deepcopy(nb), _resources(grader))
    once = OverwriteKernelspecOnce()
    for _ in range(2):
        ours, _ = once.preprocess(copy.deepcopy(nb), _resources(grader))
        assert ours == theirs
    assert ours.metadata["kernelspec"]["name"] == release.metadata["kernelspec"]["name"]


def test_gradebooks_share_one_engine_and_its_connection_within_the_block(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    Gradebook(url, COURSE_ID).close()
    made = nbgrader.api.create_engine
    with one_engine_per_gradebook():
        first = Gradebook(url, COURSE_ID)
        engine = first.engine
        first.close()  # nbgrader disposes of its engine here: the connection must stay
        assert engine.pool.checkedin() == 1
        second = Gradebook(url, COURSE_ID)
        assert second.engine is engine
        second.close()
        assert engine.pool.checkedin() == 1
    assert engine.pool.checkedin() == 0  # disposed of when the block ended
    assert nbgrader.api.create_engine is made
    third = Gradebook(url, COURSE_ID)  # nbgrader's own way again: an engine of its own
    assert third.engine is not engine
    third.close()


def test_a_gradebook_reopened_within_the_block_is_the_gradebook_nbgrader_opens(tmp_path):
    _put_interpreter_tools_on_path()  # a new gradebook is stamped by nbgrader's `alembic`
    url = f"sqlite:///{tmp_path / 'reopened.db'}"
    opens = nbgrader.api.Gradebook.__init__
    theirs = Gradebook(url, COURSE_ID)  # nbgrader's own open, outside the block
    theirs.add_student("ada")
    with one_engine_per_gradebook():
        first = Gradebook(url, COURSE_ID)  # the first open checks the schema and the course
        statements = []
        event.listen(first.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        first.close()
        ours = Gradebook(url, COURSE_ID)  # later ones skip the checks: no statement at all
        assert statements == []
        assert sorted(vars(ours)) == sorted(vars(theirs))
        assert (ours.course_id, ours.authenticator) == (theirs.course_id, theirs.authenticator)
        assert [s.id for s in ours.students] == ["ada"]
        ours.add_student("grace")
        ours.close()
        # Another course of the same database is still made at its first open, as nbgrader does.
        other = Gradebook(url, "another_course")
        assert other.db.query(nbgrader.api.Course).filter_by(id="another_course").one()
        other.close()
    assert sorted(s.id for s in theirs.students) == ["ada", "grace"]
    theirs.close()
    assert nbgrader.api.Gradebook.__init__ is opens  # nbgrader's own open again
