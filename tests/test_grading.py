"""The grading pipeline end to end, with real nbgrader and real kernels.

One batch holds, for every assignment: the instructor notebook handed in as a student's (full
marks), the untouched release (0 on every cell), and a submission with one graded function
left as its stub (loses exactly that function's points and those of the functions calling
it). Bad hand-ins of 01 ride along: invalid JSON, a renamed notebook, an empty folder.
"""

from __future__ import annotations

import ast
import shutil
from collections import defaultdict

import pytest

from autograder.cli import main
from autograder.course import ROOT, SOURCE, grade_cells, graded_function
from autograder.samples import solution_cells
from autograder.sandbox import sandbox_problem
from tests.conftest import ASSIGNMENTS
from tests.course_outputs import read_csv, write_hand_in

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        sandbox_problem() is not None, reason=f"sandbox unavailable: {sandbox_problem()}"
    ),
]


def dependents(aid: str, broken: str) -> set[str]:
    """``broken`` and every graded function of ``aid`` that calls it, directly or not."""
    cells = solution_cells(SOURCE / aid / f"{aid}.ipynb")
    calls = {
        f: {n.id for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Name)} & set(cells)
        for f, src in cells.items()
    }
    found, frontier = {broken}, [broken]
    while frontier:
        f = frontier.pop()
        for g, callees in calls.items():
            if f in callees and g not in found:
                found.add(g)
                frontier.append(g)
    return found


def broken_function(aid: str) -> str:
    """The graded function left unanswered in the 'broken' submission of ``aid``."""
    functions = list(solution_cells(SOURCE / aid / f"{aid}.ipynb"))
    return functions[len(functions) // 2]


@pytest.fixture(scope="module")
def graded(tmp_path_factory, fresh_release):
    subs = tmp_path_factory.mktemp("submitted")
    out = tmp_path_factory.mktemp("graded")
    for aid in ASSIGNMENTS:
        name = f"{aid}.ipynb"
        shutil.copytree(SOURCE / aid, subs / "solution" / aid)
        shutil.copytree(fresh_release / aid, subs / "blank" / aid)
        functions = set(solution_cells(SOURCE / aid / name))
        solved = functions - {broken_function(aid)}
        write_hand_in(subs, "broken", solved, aid, release=fresh_release)
    first = ASSIGNMENTS[0]
    (subs / "badjson" / first).mkdir(parents=True)
    (subs / "badjson" / first / f"{first}.ipynb").write_text('{"cells": [', encoding="utf-8")
    renamed = write_hand_in(subs, "renamed", None, first, release=fresh_release)
    renamed.rename(renamed.with_name("mine.ipynb"))
    (subs / "empty" / first).mkdir(parents=True)

    before = sorted(p.name for p in ROOT.iterdir())
    status = main(["grade", str(subs), "--out", str(out)])
    after = sorted(p.name for p in ROOT.iterdir())
    grades = {(r["student_id"], r["assignment"]): r for r in read_csv(out / "grades.csv")}
    cells = defaultdict(dict)
    for r in read_csv(out / "cell_grades.csv"):
        cells[(r["student_id"], r["assignment"])][r["grade_id"]] = r
    return {
        "status": status,
        "out": out,
        "grades": grades,
        "cells": cells,
        "checkout": (before, after),
    }


def test_grading_exits_zero_and_leaves_the_checkout_alone(graded):
    assert graded["status"] == 0
    before, after = graded["checkout"]
    assert before == after
    assert not (ROOT / "gradebook.db").exists()


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_instructor_solution_gets_full_marks(graded, aid):
    row = graded["grades"][("solution", aid)]
    expected = sum(points for _, points in grade_cells(SOURCE / aid / f"{aid}.ipynb"))
    assert float(row["max_score"]) == expected > 0
    failing = {
        g: c["message"]
        for g, c in graded["cells"][("solution", aid)].items()
        if c["status"] != "passed"
    }
    assert not failing
    assert float(row["score"]) == expected


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_untouched_release_scores_zero_on_every_cell(graded, aid):
    cells = graded["cells"][("blank", aid)]
    assert len(cells) == len(grade_cells(SOURCE / aid / f"{aid}.ipynb"))
    for grade_id, c in cells.items():
        assert float(c["score"]) == 0, grade_id
        assert c["status"] in ("failed", "error"), (grade_id, c["status"])
        assert "not implemented" in c["message"], (grade_id, c["message"])


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_one_broken_function_loses_exactly_its_points(graded, aid):
    lost = dependents(aid, broken_function(aid))
    for grade_id, c in graded["cells"][("broken", aid)].items():
        if graded_function(grade_id) in lost:
            assert float(c["score"]) == 0 and c["status"] != "passed", grade_id
        else:
            assert c["status"] == "passed" and c["score"] == c["max_score"], (grade_id, c)
    expected = sum(
        p for g, p in grade_cells(SOURCE / aid / f"{aid}.ipynb") if graded_function(g) not in lost
    )
    assert float(graded["grades"][("broken", aid)]["score"]) == expected


def test_every_submission_has_feedback_without_hidden_code(graded):
    for (sid, aid), row in graded["grades"].items():
        page = graded["out"] / row["feedback"]
        assert page.is_file(), (sid, aid)
        html = page.read_text(encoding="utf-8")
        assert "autograder.hidden" not in html and "HIDDEN TESTS" not in html


def test_bad_hand_ins_get_a_grade_and_a_reason(graded):
    first = ASSIGNMENTS[0]
    bad = graded["cells"][("badjson", first)]
    assert bad and all(c["status"] == "error" and c["score"] == "0" for c in bad.values())
    assert all("not a valid notebook: invalid JSON" in c["message"] for c in bad.values())
    empty = graded["cells"][("empty", first)]
    assert empty and all(c["status"] == "missing" for c in empty.values())
    renamed = graded["grades"][("renamed", first)]
    assert "mine.ipynb" in renamed["note"]
    assert renamed["score"] == renamed["max_score"]


def test_statistics_count_every_graded_cell(graded):
    stats = read_csv(graded["out"] / "exercise_stats.csv")
    total = sum(len(c) for c in graded["cells"].values())
    assert sum(int(r["submissions"]) for r in stats) == total
