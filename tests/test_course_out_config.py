"""Plain nbgrader commands see the grader's output through the checkout's
``nbgrader_config.py`` and ``$COURSE_OUT``, with no config to write: the same students and the
same scores as ``grades.csv``."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from autograder.cli import main
from autograder.course import ROOT
from autograder.samples import write_demo_submissions

AID = "01_numpy_basics"


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_nbgrader_export_reads_the_graders_output(tmp_path):
    subs, out = tmp_path / "in", tmp_path / "out"
    write_demo_submissions(subs, [AID])
    assert main(["grade", str(subs), "--out", str(out), "--workers", "1", "--unsafe"]) == 0
    ours = {r["student_id"]: float(r["score"]) for r in _rows(out / "grades.csv")}
    exported = tmp_path / "export.csv"
    nbgrader = Path(sys.executable).parent / "nbgrader"
    done = subprocess.run(
        [str(nbgrader), "export", f"--to={exported}"],
        cwd=ROOT,  # where plain nbgrader commands find the course's nbgrader_config.py
        env=dict(os.environ, COURSE_OUT=str(out)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    theirs = {r["student_id"]: float(r["score"]) for r in _rows(exported) if r["assignment"] == AID}
    assert theirs == ours and set(ours) == {"ada", "blaise", "carmen"}
    assert ours["ada"] > ours["blaise"] > ours["carmen"] == 0
    # The course directory nbgrader works in is the grader's: it finds the autograded
    # notebooks there and writes feedback beside them.
    feedback = out / "nbgrader" / "feedback" / "ada" / AID / f"{AID}.html"
    feedback.unlink()
    again = subprocess.run(
        [str(nbgrader), "generate_feedback", AID, "--student=ada", "--force"],
        cwd=ROOT,
        env=dict(os.environ, COURSE_OUT=str(out)),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert feedback.is_file()
