"""Parallel grading gives the sequential grades; a grader killed halfway resumes with nothing
lost and nothing counted twice."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.course import ROOT, SOURCE
from autograder.samples import solution_cells, student_notebook
from autograder.sandbox import sandbox_problem

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        sandbox_problem() is not None, reason=f"sandbox unavailable: {sandbox_problem()}"
    ),
]


AID = "01_numpy_basics"


@pytest.fixture(scope="module")
def submissions(tmp_path_factory, fresh_release) -> Path:
    """Eight hand-ins of 01, each answering a different subset of the functions."""
    folder = tmp_path_factory.mktemp("parallel_in")
    functions = list(solution_cells(SOURCE / AID / f"{AID}.ipynb"))
    for k in range(8):
        solved = [f for i, f in enumerate(functions) if (k >> (i % 3)) & 1 or i == k % 5]
        target = folder / f"s{k}" / AID / f"{AID}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(student_notebook(AID, solved, release=fresh_release), target)
    return folder


def _rows(out: Path) -> list[dict]:
    with open(out / "cell_grades.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def sequential(submissions, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sequential")
    assert main(["grade", str(submissions), "--out", str(out), "--workers", "1"]) == 0
    return out


def test_parallel_grades_equal_sequential_grades(submissions, sequential, tmp_path):
    assert main(["grade", str(submissions), "--out", str(tmp_path), "--workers", "2"]) == 0
    parallel = _rows(tmp_path)
    assert parallel == _rows(sequential)
    scores = {float(r["score"]) for r in parallel}
    assert len(scores) > 1  # the batch mixes right and wrong answers


def test_a_second_run_regrades_nothing(submissions, sequential):
    results = sorted((sequential / "nbgrader" / "results").rglob("*.json"))
    stamps = [p.stat().st_mtime_ns for p in results]
    assert main(["grade", str(submissions), "--out", str(sequential)]) == 0
    assert [p.stat().st_mtime_ns for p in results] == stamps


def test_killed_grader_resumes_without_loss_or_double_counting(submissions, sequential, tmp_path):
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        str(submissions),
        "--out",
        str(tmp_path),
        "--workers",
        "1",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    results = tmp_path / "nbgrader" / "results"
    deadline = time.monotonic() + 240
    while len(list(results.rglob("*.json"))) < 3:
        assert process.poll() is None, "the grader finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished_before = {p: p.stat().st_mtime_ns for p in results.rglob("*.json")}
    assert 3 <= len(finished_before) < 8

    assert main(["grade", str(submissions), "--out", str(tmp_path), "--workers", "1"]) == 0
    assert _rows(tmp_path) == _rows(sequential)
    for path, stamp in finished_before.items():
        assert path.stat().st_mtime_ns == stamp, f"{path.name} was graded twice"
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        submitted = gb.assignment_submissions(AID)
        assert sorted(s.student.id for s in submitted) == [f"s{k}" for k in range(8)]
        totals = {s.student.id: s.score for s in submitted}
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert totals[row["student_id"]] == float(row["score"])
