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
