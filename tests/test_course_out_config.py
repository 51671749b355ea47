"""Plain nbgrader commands see the grader's output through the checkout's
``nbgrader_config.py`` and ``$COURSE_OUT``, with no config to write: the same students and the
same scores as ``grades.csv``; and its ``generate_assignment`` writes the release that
``python -m autograder release`` writes, generated support modules included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autograder.cli import main
from autograder.course import RELEASE, ROOT
from autograder.samples import write_demo_submissions
from tests.course_outputs import read_csv

AID = "01_numpy_basics"


def test_nbgrader_export_reads_the_graders_output(tmp_path):
    subs, out = tmp_path / "in", tmp_path / "out"
    write_demo_submissions(subs, [AID])
    assert main(["grade", str(subs), "--out", str(out), "--workers", "1", "--unsafe"]) == 0
    ours = {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}
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
    theirs = {
        r["student_id"]: float(r["score"]) for r in read_csv(exported) if r["assignment"] == AID
    }
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


def test_nbgrader_generate_assignment_writes_the_support_modules_too(tmp_path):
    """They are not in source/ for nbgrader to copy: its post-convert hook generates them."""
    aid = "05_deep_network_application"
    (tmp_path / "nbgrader").mkdir()
    (tmp_path / "nbgrader" / "source").symlink_to(ROOT / "source", target_is_directory=True)
    bin_dir = Path(sys.executable).parent  # nbgrader runs alembic from there
    done = subprocess.run(
        [str(bin_dir / "nbgrader"), "generate_assignment", aid, "--force"],
        cwd=ROOT,
        env=dict(os.environ, COURSE_OUT=str(tmp_path), PATH=f"{bin_dir}:{os.environ['PATH']}"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    written = tmp_path / "nbgrader" / "release" / aid / "deep_network_steps.py"
    assert written.read_bytes() == (RELEASE / aid / "deep_network_steps.py").read_bytes()


def test_formgrader_works_on_the_graders_course_directory_before_any_grading(tmp_path):
    """What formgrader reads from ``nbgrader_config.py`` with ``$COURSE_OUT`` (the launcher of
    ``./course lab --instructor`` reads it the same way to choose the server's root): the
    grader's ``OUT/nbgrader``, made private if new, with the checkout's assignments in
    ``source`` (formgrader listed none before the first grading), the grader's ``release/``,
    and ``collected/`` for formgrader's Collect (``submitted/`` is the grader's staging)."""
    out = tmp_path / "out"
    probe = (
        "from autograder.student_mode import course_directory\n"
        "from nbgrader.apps.baseapp import NbGrader\n"
        "from nbgrader.coursedir import CourseDirectory\n"
        "app = NbGrader(); app.load_config_file(); d = CourseDirectory(config=app.config)\n"
        "print(course_directory()); print(d.release_directory); print(d.submitted_directory)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(os.environ, COURSE_OUT=str(out)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    course, release, submitted = done.stdout.split()
    assert Path(course) == (out / "nbgrader").resolve()
    assert (release, submitted) == ("release", "collected")
    assert (out / "nbgrader").stat().st_mode & 0o077 == 0
    assert (out / "nbgrader" / "source").resolve() == (ROOT / "source").resolve()
    assert (out / "nbgrader" / "source" / AID / f"{AID}.ipynb").is_file()


def test_grade_refuses_its_own_staging_folder(tmp_path, capsys):
    """Graded in place, every hand-in there would be replaced by its sanitised copy."""
    out = tmp_path / "out"
    write_demo_submissions(out / "nbgrader" / "submitted", [AID])
    before = sorted(p.read_bytes() for p in (out / "nbgrader" / "submitted").rglob("*.ipynb"))
    staging = out / "nbgrader" / "submitted"
    for folder in (staging, staging / "ada"):
        assert main(["grade", str(folder), "--out", str(out), "--unsafe"]) == 2
        assert "collected" in capsys.readouterr().err
    after = sorted(p.read_bytes() for p in (out / "nbgrader" / "submitted").rglob("*.ipynb"))
    assert after == before


AUTOGRADE_THROUGH_FORMGRADERS_API = """
import json
from nbgrader.apps.api import NbGraderAPI
from nbgrader.apps.baseapp import NbGrader
from nbgrader.coursedir import CourseDirectory
app = NbGrader(); app.load_config_file()  # as formgrader's server extension loads it
api = NbGraderAPI(CourseDirectory(config=app.config), config=app.config)
print(json.dumps(api.autograde("01_numpy_basics", "ada")))
"""


def test_nbgraders_own_autograde_refuses_and_runs_no_student_code(tmp_path):
    """formgrader's Autograde button and ``nbgrader autograde`` would run a collected hand-in
    in a kernel of the instructor's, outside the sandbox: both refuse, say how the course
    grades instead, run none of the student's code and record nothing."""
    import json

    import nbformat

    from autograder.course import UNSANDBOXED_AUTOGRADE
    from autograder.samples import student_notebook

    out = tmp_path / "out"
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, COURSE_OUT=str(out), PATH=f"{bin_dir}:{os.environ['PATH']}")

    def nbgrader(*args):
        return subprocess.run(
            [str(bin_dir / "nbgrader"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    assert nbgrader("generate_assignment", AID, "--force").returncode == 0
    marker = tmp_path / "the student's code ran"
    nb = student_notebook(AID, [], release=out / "nbgrader" / "release")
    nb.cells.insert(0, nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').close()"))
    hand_in = out / "nbgrader" / "collected" / "ada" / AID / f"{AID}.ipynb"
    hand_in.parent.mkdir(parents=True)
    nbformat.write(nb, hand_in)

    done = nbgrader("autograde", AID, "--student=ada", "--force")
    assert done.returncode == 1
    assert UNSANDBOXED_AUTOGRADE in done.stderr
    via_api = subprocess.run(
        [sys.executable, "-c", AUTOGRADE_THROUGH_FORMGRADERS_API],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    result = json.loads(via_api.stdout.strip().splitlines()[-1])
    assert result["success"] is False
    assert UNSANDBOXED_AUTOGRADE in result["log"]

    assert not marker.exists()
    assert not (out / "nbgrader" / "autograded").exists()
    exported = nbgrader("export", f"--to={tmp_path / 'export.csv'}")
    assert exported.returncode == 0
    assert "ada" not in (tmp_path / "export.csv").read_text()  # no submission recorded
