"""Exploration cells (tagged in source/) are not rerun at grading. That grading needs none of
them is tested with the source notebooks (tests/test_notebooks.py runs each without them)."""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import SOURCE
from autograder.exploration import MARK, NOTE, is_exploration
from autograder.grading import Grader
from autograder.samples import solution_cells, student_notebook
from autograder.sandbox import sandbox_problem
from autograder.submissions import find_submissions

AID = "02_logistic_regression"


def _cell(nb, cell_id):
    return next(c for c in nb.cells if c.get("id") == cell_id)


@pytest.mark.sandbox
@pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox: {sandbox_problem()}")
def test_exploration_cells_are_not_rerun_and_grades_do_not_change(tmp_path, fresh_release):
    source = nbformat.read(SOURCE / AID / f"{AID}.ipynb", as_version=4)
    explored = [c.id for c in source.cells if is_exploration(c)]
    assert "cell-043" in explored  # the learning-rate comparison
    complete = student_notebook(
        AID, list(solution_cells(SOURCE / AID / f"{AID}.ipynb")), release=fresh_release
    )
    subs = tmp_path / "in"

    def write(student, nb):
        target = subs / student / AID / f"{AID}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)

    # Saved outputs of an untouched exploration cell are shown, not recomputed.
    saved = nbformat.reads(nbformat.writes(complete), as_version=4)
    _cell(saved, "cell-043").outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="SAVED-BY-STUDENT 42\n")
    ]
    write("a_saved", saved)
    # An exploration cell the student changed is the student's code: it runs.
    edited = nbformat.reads(nbformat.writes(complete), as_version=4)
    # (First line: the rest of it uses `d`, which a skipped exploration cell defines.)
    changed = _cell(edited, "cell-045")
    changed.source = 'print("RERUN-" + "MARKER")\n' + changed.source
    write("b_edited", edited)
    # Tags and marks in the hand-in decide nothing: every cell of this one runs.
    forged = nbformat.reads(nbformat.writes(complete), as_version=4)
    for cell in forged.cells:
        cell.metadata["tags"] = ["exploration"]
        cell.metadata[MARK] = True
    write("c_forged", forged)

    def grade(out, skip):
        grader = Grader(out, workers=2)
        grader.skip_exploration = skip
        found, _ = find_submissions(subs, [AID])
        rows = grader.grade_all(found)
        return {g.student_id: [(c.grade_id, c.score, c.status) for c in g.cells] for g in rows}

    reference = grade(tmp_path / "all_cells", skip=False)
    assert grade(tmp_path / "skipping", skip=True) == reference

    def graded_nb(out, student):
        return nbformat.read(
            out / "nbgrader" / "autograded" / student / AID / f"{AID}.ipynb", as_version=4
        )

    def text(cell):
        return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")

    skipping = tmp_path / "skipping"
    kept = graded_nb(skipping, "a_saved")
    assert text(_cell(kept, "cell-043")) == NOTE + "SAVED-BY-STUDENT 42\n"
    for cell_id in explored:
        assert text(_cell(kept, cell_id)).startswith(NOTE)
    page = (skipping / "feedback" / "a_saved" / AID / f"{AID}.html").read_text()
    assert "SAVED-BY-STUDENT 42" in page and "not rerun at grading" in page
    # Without skipping, the same cell's outputs are the rerun's, not the saved ones.
    assert "SAVED-BY-STUDENT" not in text(
        _cell(graded_nb(tmp_path / "all_cells", "a_saved"), "cell-043")
    )
    assert "RERUN-MARKER" in text(_cell(graded_nb(skipping, "b_edited"), "cell-045"))
    forged_nb = graded_nb(skipping, "c_forged")
    assert not any(
        text(c).startswith(NOTE)
        for c in forged_nb.cells
        if c.cell_type == "code" and c.get("id") not in explored
    )
