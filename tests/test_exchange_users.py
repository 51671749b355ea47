"""nbgrader's exchange with real unprivileged local users: one instructor, two students.

The instructor releases ``01_numpy_basics``; each student fetches it, works it (student a
answers every function, student b hands in the release unchanged) and submits; the instructor
collects, grades with the course's own grader (``python -m autograder grade``) and releases the
feedback; each student fetches their own feedback and cannot see the other's hand-in. Every
step is a real ``nbgrader`` command run as that user (``setpriv``, a clean environment).
Runs as root (to create the users and switch to them); skipped otherwise.
"""

from __future__ import annotations

import csv
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest

from autograder.course import COURSE_ID, ROOT
from autograder.samples import student_notebook
from autograder.sandbox import sandbox_problem

AID = "01_numpy_basics"
INSTRUCTOR = "course-instructor"
STUDENTS = ("course-student-a", "course-student-b")
VENV = ROOT / ".venv" / "bin"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to create and switch to users"),
    pytest.mark.skipif(
        shutil.which("useradd") is None or shutil.which("setpriv") is None,
        reason="needs useradd and setpriv (Debian packages passwd and util-linux)",
    ),
]


def ensure_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--create-home",
                "--user-group",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            check=True,
        )
        return pwd.getpwnam(name)


def run_as(user: pwd.struct_passwd, home: Path, cmd: list[str], cwd: Path, check=True):
    """``cmd`` as ``user`` with a clean environment (as scripts/as_user.sh does)."""
    env = [
        f"HOME={home}",
        f"USER={user.pw_name}",
        f"LOGNAME={user.pw_name}",
        f"PATH={VENV}:/usr/local/bin:/usr/bin:/bin",
        "LANG=C.UTF-8",
        f"TMPDIR={home / 'tmp'}",
        f"XDG_CACHE_HOME={home / 'cache'}",
        f"PYTHONPYCACHEPREFIX={home / 'cache' / 'pycache'}",
    ]
    full = [
        "setpriv",
        f"--reuid={user.pw_uid}",
        f"--regid={user.pw_gid}",
        "--init-groups",
        "env",
        "-i",
        *env,
        *cmd,
    ]
    done = subprocess.run(full, cwd=cwd, capture_output=True, text=True, timeout=150)
    if check and done.returncode != 0:
        pytest.fail(
            f"{user.pw_name}: {' '.join(cmd)} exited {done.returncode}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def test_release_fetch_submit_collect_grade_feedback():
    users = {name: ensure_user(name) for name in (INSTRUCTOR, *STUDENTS)}
    instructor = users[INSTRUCTOR]
    base = Path(tempfile.mkdtemp(prefix="exchange-users-", dir="/tmp"))
    try:
        base.chmod(0o755)
        exchange = base / "exchange"
        exchange.mkdir()
        exchange.chmod(0o1777)  # nbgrader's docs: every user writes the exchange root
        homes = {}
        for name, user in users.items():
            home = base / name
            (home / "tmp").mkdir(parents=True)
            for p in (home, home / "tmp"):
                os.chown(p, user.pw_uid, user.pw_gid)
                p.chmod(0o700)
            homes[name] = home
        course = homes[INSTRUCTOR] / "course"
        shutil.copytree(ROOT / "source" / AID, course / "source" / AID)
        (course / "nbgrader_config.py").write_text(
            "from autograder.course import nbgrader_config\n"
            "c = get_config()\n"
            f"c.merge(nbgrader_config({str(course)!r}, 'release', "
            f"'sqlite:///{course}/gradebook.db'))\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(exchange)!r}\n",
            encoding="utf-8",
        )
        subprocess.run(
            ["chown", "-R", f"{instructor.pw_uid}:{instructor.pw_gid}", course], check=True
        )
        probe = run_as(
            instructor,
            homes[INSTRUCTOR],
            ["python", "-c", "import autograder"],
            course,
            check=False,
        )
        if probe.returncode != 0:
            pytest.skip(
                "other users cannot run the checkout's .venv (run scripts/as_user.sh "
                f"once, or scripts/setup.sh): {probe.stderr.strip()[-300:]}"
            )

        def nbgrader(name, *args, cwd=None):
            return run_as(users[name], homes[name], ["nbgrader", *args], cwd or homes[name])

        nbgrader(INSTRUCTOR, "generate_assignment", AID, cwd=course)
        nbgrader(INSTRUCTOR, "release_assignment", AID, cwd=course)
        for name in STUDENTS:
            # A student has no course config: the course and exchange come on the command line.
            flags = [f"--course={COURSE_ID}", f"--Exchange.root={exchange}"]
            nbgrader(name, "fetch_assignment", AID, *flags)
            fetched = homes[name] / AID / f"{AID}.ipynb"
            assert fetched.is_file()
            if name == STUDENTS[0]:
                nbformat.write(student_notebook(AID, release=homes[name]), fetched)
            nbgrader(name, "submit", AID, *flags)
        nbgrader(INSTRUCTOR, "collect", AID, cwd=course)
        for name in STUDENTS:
            assert (course / "submitted" / name / AID / f"{AID}.ipynb").is_file()

        # The course's grader, as the instructor; sandboxed when the sandbox works here.
        out = course / "graded"
        grade = [
            "python",
            "-m",
            "autograder",
            "grade",
            str(course / "submitted"),
            "--out",
            str(out),
            "--workers",
            "1",
        ]
        if sandbox_problem() is not None:
            grade.append("--unsafe")
        run_as(instructor, homes[INSTRUCTOR], grade, ROOT)
        with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
            scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
        assert scores == {STUDENTS[0]: 15.0, STUDENTS[1]: 0.0}

        # The wiring README documents: the grader's pages into the course's feedback/, with the
        # submission's timestamp.txt and submission_secret.txt, then nbgrader release_feedback.
        wire = (
            f"for d in submitted/*/{AID}; do s=${{d#submitted/}}; s=${{s%%/*}}; "
            f"mkdir -p feedback/$s/{AID} && "
            f"cp {out}/feedback/$s/{AID}/{AID}.html $d/timestamp.txt $d/submission_secret.txt "
            f"feedback/$s/{AID}/; done"
        )
        run_as(instructor, homes[INSTRUCTOR], ["sh", "-c", wire], course)
        nbgrader(INSTRUCTOR, "release_feedback", AID, cwd=course)

        for name in STUDENTS:
            flags = [f"--course={COURSE_ID}", f"--Exchange.root={exchange}"]
            nbgrader(name, "fetch_feedback", AID, *flags)
            pages = list((homes[name] / AID / "feedback").glob(f"*/{AID}.html"))
            assert len(pages) == 1, pages
            html = pages[0].read_text(encoding="utf-8")
            own = "15.0" if name == STUDENTS[0] else "0.0"
            assert f"Score: {own} / 15.0" in html or f"{own} / 15" in html, html[:2000]

        # Student b cannot list the hand-ins or the released feedback. nbgrader's exchange hides
        # them by name only: the files are readable by all (the instructor, another user, must
        # read a hand-in; the student a released page), in folders others may enter but not
        # list (inbound 733, feedback 711), under names with a random part (hand-ins) or the
        # hash of the submission's secret (feedback pages), which b cannot learn.
        a_inbound = list((exchange / COURSE_ID / "inbound").glob(f"{STUDENTS[0]}+{AID}+*"))
        assert len(a_inbound) == 1 and len(a_inbound[0].name.split("+")) == 4  # random part
        peek = (
            "import os, sys\n"
            "for d in sys.argv[1:]:\n"
            "    try: os.listdir(d); print('listed', d)\n"
            "    except PermissionError: pass\n"
        )
        done = run_as(
            users[STUDENTS[1]],
            homes[STUDENTS[1]],
            [
                "python",
                "-c",
                peek,
                str(exchange / COURSE_ID / "inbound"),
                str(exchange / COURSE_ID / "feedback"),
                str(homes[STUDENTS[0]]),
                str(homes[INSTRUCTOR]),
            ],
            homes[STUDENTS[1]],
        )
        assert done.stdout == "", done.stdout
        b_pages = list((homes[STUDENTS[1]] / AID / "feedback").glob(f"*/{AID}.html"))
        assert "15.0 / 15" not in b_pages[0].read_text(encoding="utf-8")
    finally:
        shutil.rmtree(base, ignore_errors=True)
