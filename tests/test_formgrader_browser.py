"""formgrader's buttons from the checkout, clicked in a real browser (issue 12, deliver 2).

JupyterLab is started exactly as ``COURSE_OUT=OUT ./course lab --instructor`` starts it: from
the checkout, by ``python -m autograder.student_mode --instructor`` with no root folder given,
so the checkout's ``nbgrader_config.py`` is the only configuration (``$NBGRADER_EXCHANGE``
points the exchange at a temporary folder, as on a shared server). In headless Chromium an
instructor opens formgrader from JupyterLab's Nbgrader menu and, in its Manage Assignments
page:

1. clicks **Generate** and **Release** for ``01_numpy_basics``: the release lands in the
   grader's course directory and the assignment in the exchange's ``outbound/``;
2. a student fetches it, answers every other function and hands it in with the real
   ``nbgrader fetch_assignment`` and ``nbgrader submit`` (own home, no course config, the course
   and exchange on the command line); the instructor clicks **Collect**: the hand-in, with its
   ``timestamp.txt`` and ``submission_secret.txt``, is in the course's collected folder;
3. the course's grader grades the collected folder into OUT (``python -m autograder grade``,
   the grader's usual output; formgrader's Autograde button, which would run plain
   ``nbgrader autograde`` in the server, unsandboxed, is turned off), and
   formgrader's Manage Submissions shows the score ``grades.csv`` shows;
4. a manual grade typed into formgrader's grading view for one cell is saved in the gradebook,
   and after running ``grade`` again ``cell_grades.csv`` marks that cell manual, ``grades.csv``
   counts it, and Manage Submissions shows the new score;
5. **Generate feedback** and **Release feedback** put the student's page in the exchange's
   ``feedback/``, under the name nbgrader derives from that hand-in's secret, with the score of
   ``grades.csv``; the student's ``nbgrader fetch_feedback`` gets it.

Every expected value comes from another source than the one checked: the paths from the
exchange and course folders the test chose, the scores from ``grades.csv``, ``cell_grades.csv``
and the gradebook, the manual grade from what was typed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.course import COURSE_ID, ROOT
from autograder.explorer_benchmark import CHROMIUM, LabServer, browser
from autograder.samples import student_notebook
from autograder.sandbox import sandbox_problem
from tests.course_outputs import cells, functions, grades, page_total

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} not found")

AID = "01_numpy_basics"
STUDENT = "ada"
BIN = Path(sys.executable).parent
WAIT_MS = 120_000


def instructor_lab(tmp_path: Path) -> str:
    """An executable that LabServer calls as ``X -m jupyterlab ARGS``: it runs what
    ``./course lab --instructor`` runs, from the checkout, with LabServer's port, token and
    settings but not its root folder (the launcher chooses it, as for an instructor)."""
    script = tmp_path / "instructor-lab.sh"
    script.write_text(
        "#!/bin/bash\nshift 2\nargs=()\n"
        'for a in "$@"; do case "$a" in --ServerApp.root_dir=*) ;; *) args+=("$a") ;; esac; done\n'
        f'cd "{ROOT}"\n'
        f'exec "{sys.executable}" -m autograder.student_mode --instructor "${{args[@]}}"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def as_student(home: Path, exchange: Path, *args: str) -> subprocess.CompletedProcess:
    """A real ``nbgrader`` command as a student: own home and Jupyter folders, no course
    config; the course and the exchange on the command line."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"COURSE_OUT", "COURSE_GRADEBOOK", "NBGRADER_EXCHANGE"}
        and not k.startswith("JUPYTER")
    }
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"))
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    cmd = [str(BIN / "nbgrader"), *args, f"--course={COURSE_ID}", f"--Exchange.root={exchange}"]
    done = subprocess.run(cmd, cwd=home, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def grade(collected: Path, out: Path, workdir: Path) -> None:
    """The course's grader on the collected hand-ins, into the folder formgrader works on
    (sandboxed where the sandbox runs; the hand-in is the course's own solution code)."""
    cmd = [sys.executable, "-m", "autograder", "grade", str(collected), "--out", str(out)]
    cmd += ["--workers", "1"] + (["--unsafe"] if sandbox_problem() else [])
    done = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


# --- formgrader, in the iframe JupyterLab shows it in -------------------------------------------
def open_formgrader(page, server: LabServer):
    """JupyterLab, then Nbgrader > Formgrader, as an instructor opens it."""
    page.goto(f"{server.url}/lab?token={server.token}&reset")
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.commands.hasCommand("
        "'nbgrader:open-formgrader')",
        timeout=WAIT_MS,
    )
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(r"^Formgrader$")).click()
    return page.frame_locator("iframe[src$='/formgrader']")


def assignment_row(fg, server: LabServer):
    """The row of AID in Manage Assignments, once the table has loaded (if it does not, the
    server's log says why: formgrader's errors go there)."""
    from playwright.sync_api import TimeoutError as PageTimeout

    row = fg.locator("#main-table tr", has=fg.locator("td.name a", has_text=AID))
    try:
        row.wait_for(timeout=WAIT_MS)
    except PageTimeout:
        pytest.fail(f"formgrader did not list {AID}; the server's log ends:\n{server.log()}")
    return row


def click_and_confirm(fg, button, what: str) -> str:
    """Click one of formgrader's buttons, wait for its answer, and return the success
    dialog's text; an error dialog fails the test with formgrader's log and traceback."""
    button.click()
    dialog = fg.locator("#success-modal, #error-modal")
    dialog.wait_for(state="visible", timeout=WAIT_MS)
    text = dialog.inner_text()
    assert dialog.get_attribute("id") == "success-modal", f"{what} failed in formgrader:\n{text}"
    dialog.locator(".modal-footer button").click()
    dialog.wait_for(state="detached", timeout=WAIT_MS)
    return text


def manage_assignments(page, server: LabServer, fg):
    """Back to formgrader's Manage Assignments (its grading view has no side menu)."""
    frame = next(f for f in page.frames if "/formgrader" in f.url)
    frame.goto(f"{server.url}/formgrader/manage_assignments")
    return assignment_row(fg, server)


def manage_submissions_score(page, server: LabServer, fg) -> tuple[float, float]:
    """STUDENT's ``score / max`` in formgrader's Manage Submissions page of AID, reached by
    the number of submissions in Manage Assignments."""
    manage_assignments(page, server, fg).locator("td.num-submissions a").click()
    row = fg.locator("#main-table tr", has=fg.locator("td.student-id", has_text=STUDENT))
    row.wait_for(timeout=WAIT_MS)
    found = re.fullmatch(r"\s*([0-9.]+) / ([0-9.]+)\s*", row.locator("td.score").inner_text())
    assert found, row.inner_text()
    return float(found.group(1)), float(found.group(2))


def saved_manual_score(db_url: str, grade_id: str) -> float | None:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, COURSE_ID) as gb:
        return gb.find_grade(grade_id, AID, AID, STUDENT).manual_score


def test_formgrader_buttons_release_collect_grade_and_feedback(tmp_path):
    out, exchange, home = tmp_path / "out", tmp_path / "exchange", tmp_path / STUDENT
    exchange.mkdir()
    (home / ".jupyter").mkdir(parents=True)
    course = out / "nbgrader"  # COURSE_OUT's course directory (nbgrader_config.py)
    collected = course / "collected"
    db_url = f"sqlite:///{out / 'gradebook.db'}"
    env = {"COURSE_OUT": str(out), "NBGRADER_EXCHANGE": str(exchange)}
    with LabServer(tmp_path, python=instructor_lab(tmp_path), env=env) as server:
        with browser() as page:
            fg = open_formgrader(page, server)

            # 1. Generate and Release.
            click_and_confirm(fg, assignment_row(fg, server).locator("td.assign a"), "Generate")
            assert (course / "release" / AID / f"{AID}.ipynb").is_file()
            click_and_confirm(fg, assignment_row(fg, server).locator("td.release a"), "Release")
            outbound = exchange / COURSE_ID / "outbound" / AID
            assert (outbound / f"{AID}.ipynb").is_file(), sorted(exchange.rglob("*"))
            status = assignment_row(fg, server).locator("td.status")
            assert status.inner_text().strip() == "released"

            # 2. A student fetches, works and submits; the instructor collects.
            as_student(home, exchange, "fetch_assignment", AID)
            solved = functions()[::2]
            handed_in = home / AID / f"{AID}.ipynb"
            nbformat.write(student_notebook(AID, solved, release=home), handed_in)
            as_student(home, exchange, "submit", AID, f"--student={STUDENT}")
            inbound = list((exchange / COURSE_ID / "inbound").glob(f"{STUDENT}+{AID}+*"))
            assert len(inbound) == 1, inbound
            click_and_confirm(fg, assignment_row(fg, server).locator("td.collect a"), "Collect")
            got = collected / STUDENT / AID
            assert (got / f"{AID}.ipynb").read_bytes() == handed_in.read_bytes()
            secret = (got / "submission_secret.txt").read_text()
            assert secret == (inbound[0] / "submission_secret.txt").read_text()
            assert (got / "timestamp.txt").is_file()

            # 3. The course's grader; formgrader shows what grades.csv says.
            grade(collected, out, tmp_path)
            row = grades(out)[(STUDENT, AID)]
            first = float(row["score"])
            assert 0 < first < float(row["max_score"])  # every other function answered
            assert manage_submissions_score(page, server, fg) == (
                round(first, 2),
                round(float(row["max_score"]), 2),
            )

            # 4. A manual grade typed in the grading view, kept by the next grade run.
            cell = f"{next(f for f in functions() if f not in solved)}__hidden"
            before = cells(out)[(STUDENT, AID, cell)]
            assert before["status"] != "passed" and float(before["score"]) == 0
            typed = float(before["max_score"]) / 2
            submissions = fg.locator("#main-table tr", has=fg.locator("td.student-id"))
            submissions.locator("td.student-name a").click()
            fg.locator("#main-table td.name a", has_text=AID).click()
            score_box = fg.locator(f"input.score[id='{cell}']")
            score_box.wait_for(timeout=WAIT_MS)
            score_box.fill(f"{typed:g}")
            score_box.press("Tab")  # formgrader saves a score when its input changes
            deadline = time.monotonic() + 30
            while saved_manual_score(db_url, cell) != typed and time.monotonic() < deadline:
                time.sleep(0.2)
            assert saved_manual_score(db_url, cell) == typed

            grade(collected, out, tmp_path)
            after = cells(out)[(STUDENT, AID, cell)]
            assert float(after["manual_score"]) == typed and float(after["auto_score"]) == 0
            assert float(after["score"]) == typed and "manual grade" in after["message"]
            row = grades(out)[(STUDENT, AID)]
            assert float(row["score"]) == pytest.approx(first + typed)
            assert manage_submissions_score(page, server, fg) == (
                round(float(row["score"]), 2),
                round(float(row["max_score"]), 2),
            )

            # 5. Generate feedback and Release feedback.
            generate = manage_assignments(page, server, fg).locator("td.generate-feedback a")
            click_and_confirm(fg, generate, "Generate feedback")
            release = assignment_row(fg, server).locator("td.release-feedback a")
            click_and_confirm(fg, release, "Release feedback")
        # nbgrader names the released page after the hand-in's secret (nbgrader.utils.notebook_hash)
        name = hashlib.md5((secret + AID).encode()).hexdigest()
        released = exchange / COURSE_ID / "feedback" / f"{name}.html"
        assert released.is_file(), sorted((exchange / COURSE_ID).rglob("*.html"))
        assert page_total(released) == pytest.approx(float(row["score"]))
        as_student(home, exchange, "fetch_feedback", AID, f"--student={STUDENT}")
        fetched = list((home / AID / "feedback").glob(f"*/{AID}.html"))
        assert len(fetched) == 1 and fetched[0].read_bytes() == released.read_bytes()
