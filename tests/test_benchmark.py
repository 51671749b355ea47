"""The grading benchmark's baseline, the pure compute, does the work grading does: every code
cell of a hand-in, the hidden checks' calls of the student's functions included (they once
failed at once for want of their inputs, and the baseline left out their training runs)."""

from __future__ import annotations

import shutil

import pytest

from autograder.benchmark import medians, time_pure_compute
from autograder.course import RELEASE, SOURCE

AID = "01_numpy_basics"


def _hand_in(folder, student, notebook):
    target = folder / student / AID / f"{AID}.ipynb"
    target.parent.mkdir(parents=True)
    shutil.copy(notebook, target)
    return target


def test_every_cell_of_a_correct_hand_in_runs_hidden_checks_included(tmp_path):
    # The instructor notebook is a hand-in with every answer right, as the grader stages it
    # (grade cells with their hidden checks).
    correct = _hand_in(tmp_path, "ada", SOURCE / AID / f"{AID}.ipynb")
    assert "BEGIN HIDDEN TESTS" in correct.read_text(encoding="utf-8")
    errors: list = []
    parallel, total = time_pure_compute([correct], RELEASE, errors=errors)
    assert errors == []
    assert 0 < parallel == total


def test_a_cell_that_raises_is_reported(tmp_path):
    blank = _hand_in(tmp_path, "blaise", RELEASE / AID / f"{AID}.ipynb")
    errors: list = []
    time_pure_compute([blank], RELEASE, errors=errors)
    assert errors and all(path == str(blank) for path, _, _ in errors)
    assert any("NotImplementedError" in what for _, _, what in errors)


def test_the_figures_are_medians_of_gradings_each_against_its_own_pure_compute():
    # (grading, pure compute timed right after it), the machine slower in the second pair.
    runs = [(20.0, 10.0), (33.0, 11.0), (18.0, 12.0)]
    ours, compute, ratio = medians(runs)
    assert (ours, compute) == (20.0, 11.0)
    assert ratio == 2.0  # the ratios are 2.0, 3.0 and 1.5; not 20 / 11
    assert medians([(9.0, 3.0)]) == (9.0, 3.0, 3.0)
    with pytest.raises(ValueError):
        medians([])
