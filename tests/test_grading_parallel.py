"""Parallel grading gives the sequential grades; a grader killed halfway resumes with nothing
lost and nothing counted twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.sandbox import sandbox_problem
from tests.course_outputs import AID, functions, read_csv, result_files, write_hand_in
from tests.grader_process import kill_after, start_grader

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        sandbox_problem() is not None, reason=f"sandbox unavailable: {sandbox_problem()}"
    ),
]


@pytest.fixture(scope="module")
def submissions(tmp_path_factory, fresh_release) -> Path:
    """Eight hand-ins of 01, each answering a different subset of the functions."""
    folder = tmp_path_factory.mktemp("parallel_in")
    graded = functions()
    for k in range(8):
        solved = [f for i, f in enumerate(graded) if (k >> (i % 3)) & 1 or i == k % 5]
        write_hand_in(folder, f"s{k}", solved, release=fresh_release)
    return folder


@pytest.fixture(scope="module")
def sequential(submissions, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sequential")
    assert main(["grade", str(submissions), "--out", str(out), "--workers", "1"]) == 0
    return out


def test_parallel_grades_equal_sequential_grades(submissions, sequential, tmp_path):
    assert main(["grade", str(submissions), "--out", str(tmp_path), "--workers", "2"]) == 0
    parallel = read_csv(tmp_path / "cell_grades.csv")
    assert parallel == read_csv(sequential / "cell_grades.csv")
    scores = {float(r["score"]) for r in parallel}
    assert len(scores) > 1  # the batch mixes right and wrong answers


def test_a_second_run_regrades_nothing(submissions, sequential):
    results = result_files(sequential)
    stamps = [p.stat().st_mtime_ns for p in results]
    assert main(["grade", str(submissions), "--out", str(sequential)]) == 0
    assert [p.stat().st_mtime_ns for p in results] == stamps


def test_killed_grader_resumes_without_loss_or_double_counting(submissions, sequential, tmp_path):
    kill_after(start_grader(submissions, tmp_path, "--workers", "1"), tmp_path, 3, seconds=240)
    finished_before = {p: p.stat().st_mtime_ns for p in result_files(tmp_path)}
    assert 3 <= len(finished_before) < 8

    assert main(["grade", str(submissions), "--out", str(tmp_path), "--workers", "1"]) == 0
    assert read_csv(tmp_path / "cell_grades.csv") == read_csv(sequential / "cell_grades.csv")
    for path, stamp in finished_before.items():
        assert path.stat().st_mtime_ns == stamp, f"{path.name} was graded twice"
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        submitted = gb.assignment_submissions(AID)
        assert sorted(s.student.id for s in submitted) == [f"s{k}" for k in range(8)]
        totals = {s.student.id: s.score for s in submitted}
    for row in read_csv(tmp_path / "grades.csv"):
        assert totals[row["student_id"]] == float(row["score"])


def test_a_long_notebook_does_not_hold_back_the_ones_after_it(tmp_path, fresh_release):
    """The grader records hand-ins as they finish: while the first (slow) one runs on one
    worker, the other worker's hand-ins are recorded, and more are started, instead of waiting
    for the first in line."""
    import nbformat

    from autograder.grading import Grader
    from autograder.submissions import find_submissions

    subs = tmp_path / "in"
    slow = write_hand_in(subs, "a-slow", functions(), release=fresh_release)
    nb = nbformat.read(slow, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(6)"))
    nbformat.write(nb, slow)
    for k in range(5):
        write_hand_in(subs, f"b-quick-{k}", functions(), release=fresh_release)
    found, _ = find_submissions(subs, [AID])
    recorded = []
    grades = Grader(tmp_path / "out", workers=2).grade_all(
        found, progress=lambda g: recorded.append(g.student_id)
    )
    assert {g.student_id: g.score for g in grades} == {g.student_id: 15 for g in grades}
    assert recorded[-1] == "a-slow"  # the quick ones, all five, were recorded while it ran
    assert sorted(recorded[:-1]) == [f"b-quick-{k}" for k in range(5)]
