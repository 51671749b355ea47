"""Output shared with teaching assistants, and no orphan process (issue 12, deliver 7).

* ``grade --group NAME``: another account in that group reads everything under OUT (the
  autograded notebooks formgrader shows, the gradebook); an account outside it reads neither.
* The feedback side process dies with the grader, even when the grader is killed with SIGKILL.
"""

from __future__ import annotations

import grp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course import ROOT
from tests.course_outputs import AID, functions, write_hand_in

NOBODY = 65534


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_feedback_process_dies_with_a_killed_grader(tmp_path):
    """The grader (here a process that started one feedback writer, as grade_all does) is
    killed with SIGKILL: its feedback process must be gone within seconds."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from autograder.feedback import FeedbackWriter\n"
        "w = FeedbackWriter(Path(sys.argv[1]), 'sqlite://')\n"
        "w.CODE = 'import time; time.sleep(120)'\n"
        "w.schedule('01_numpy_basics')\n"
        "print(w.process.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    grader = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        stdout=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        start_new_session=True,  # the test's own kill reaches the grader alone
    )
    child = int(grader.stdout.readline())
    assert _alive(child)
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = _alive(child)
    if alive:  # clean up what the test started before failing
        os.kill(child, signal.SIGKILL)
    assert not alive, "the feedback process outlived the grader"


def _group() -> grp.struct_group | None:
    for name in ("users", "staff"):
        try:
            return grp.getgrnam(name)
        except KeyError:
            continue
    return None


def _reads(path: Path, gid: int) -> bool:
    """Whether uid ``nobody`` with primary group ``gid`` (and no other) can read ``path``."""
    done = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={gid}", "--clear-groups", "cat", str(path)],
        capture_output=True,
    )
    return done.returncode == 0


@pytest.fixture
def public_tmp():
    """A folder every account can traverse (pytest's own is the owner's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="share-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another account")
@pytest.mark.skipif(_group() is None, reason="no 'users' or 'staff' group on this machine")
def test_group_reads_the_output_and_others_do_not(public_tmp):
    group = _group()
    subs, out = public_tmp / "in", public_tmp / "out"
    write_hand_in(subs, "ada", functions())
    assert main(["grade", str(subs), "--out", str(out), "--unsafe", "--group", group.gr_name]) == 0
    autograded = out / "nbgrader" / "autograded" / "ada" / AID / f"{AID}.ipynb"
    for path in (out / "grades.csv", out / "gradebook.db", autograded):
        assert _reads(path, group.gr_gid), path
    assert not _reads(out / "gradebook.db", NOBODY)
    assert not _reads(autograded, NOBODY)

    # Without --group the working folder is the owner's alone (the documented default).
    plain = public_tmp / "plain"
    assert main(["grade", str(subs), "--out", str(plain), "--unsafe"]) == 0
    assert not _reads(
        plain / "nbgrader" / "autograded" / "ada" / AID / f"{AID}.ipynb", group.gr_gid
    )
