"""One truth (issue 12, deliver 1): ``grades.csv``, ``cell_grades.csv``, the feedback pages and
``nbgrader export`` agree for the whole course after batches, single-student regrades and manual
grades set in formgrader; a regrade keeps everyone else's rows; manual grades are kept and
marked, and ``--reset-manual`` drops them.

The expected scores come from the instructor notebook's points: a solved function of 01 earns
all its cells, an unsolved one none; a manual grade replaces the autograder's score of its cell.
"""

from __future__ import annotations

import pytest

from autograder.cli import main
from tests.course_outputs import (
    AID,
    assert_one_truth,
    cells,
    expected_score,
    functions,
    grades,
    page_total,
    points,
    set_manual_grade,
    write_hand_in,
)


def _grade(subs, out, *extra) -> None:
    assert main(["grade", str(subs), "--out", str(out), "--unsafe", "--workers", "2", *extra]) == 0


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """ada solves everything, blaise every other function, carmen nothing; graded once."""
    subs = tmp_path_factory.mktemp("batch")
    out = tmp_path_factory.mktemp("out")
    every = functions()
    plan = {"ada": every, "blaise": every[::2], "carmen": []}
    for student, solved in plan.items():
        write_hand_in(subs, student, solved)
    _grade(subs, out)
    return {"subs": subs, "out": out, "plan": plan, "db": f"sqlite:///{out / 'gradebook.db'}"}


def test_manual_grade_then_rerun_and_regrades(course, tmp_path):
    out, plan, db = course["out"], course["plan"], course["db"]
    unsolved = [f for f in functions() if f not in plan["blaise"]][0]
    cell = f"{unsolved}__hidden"
    blaise = expected_score(plan["blaise"])
    assert float(grades(out)[("blaise", AID)]["score"]) == blaise
    assert_one_truth(out, tmp_path)

    # A grader gives blaise partial credit in formgrader; the same command runs again.
    manual = points()[cell] * 0.75
    set_manual_grade(db, "blaise", AID, cell, manual)
    _grade(course["subs"], out)
    assert float(grades(out)[("blaise", AID)]["score"]) == pytest.approx(blaise + manual)
    row = cells(out)[("blaise", AID, cell)]
    assert float(row["manual_score"]) == manual and float(row["auto_score"]) == 0
    assert "manual grade" in row["message"]
    assert_one_truth(out, tmp_path)

    # blaise alone hands in a fully correct notebook: the manual grade is kept and marked,
    # and ada's and carmen's rows stay.
    alone = tmp_path / "alone"
    write_hand_in(alone, "blaise", functions())
    _grade(alone, out)
    rows = grades(out)
    assert set(rows) == {("ada", AID), ("blaise", AID), ("carmen", AID)}
    assert float(rows[("ada", AID)]["score"]) == expected_score(plan["ada"])
    full = sum(points().values())
    kept = full - points()[cell] + manual
    assert float(rows[("blaise", AID)]["score"]) == pytest.approx(kept)
    row = cells(out)[("blaise", AID, cell)]
    assert row["status"] == "passed" and float(row["auto_score"]) == points()[cell]
    assert float(row["manual_score"]) == manual
    assert f"the autograder gave {points()[cell]:g}" in row["message"]
    assert len({k for k in cells(out) if k[0] == "ada"}) == len(points())
    assert_one_truth(out, tmp_path)

    # --reset-manual drops it: the autograder's full marks count again.
    _grade(alone, out, "--reset-manual")
    assert float(grades(out)[("blaise", AID)]["score"]) == full
    assert cells(out)[("blaise", AID, cell)]["manual_score"] == ""
    assert_one_truth(out, tmp_path)


def test_a_manual_grade_alone_refreshes_the_feedback_page(course, tmp_path):
    """No hand-in changed, only formgrader: the page of that student is written again."""
    out, db = course["out"], course["db"]
    first = functions()[0]
    cell = f"{first}__visible"
    before = float(grades(out)[("carmen", AID)]["score"])
    set_manual_grade(db, "carmen", AID, cell, points()[cell])
    _grade(course["subs"], out)
    row = grades(out)[("carmen", AID)]
    assert float(row["score"]) == before + points()[cell]
    assert page_total(out / row["feedback"]) == before + points()[cell]
    assert_one_truth(out, tmp_path)
