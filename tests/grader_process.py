"""The grader in a process of its own (``python -m autograder grade``), killed halfway through
a batch as a crash or an impatient instructor would kill it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from autograder.cli import grade_command
from autograder.course import ROOT
from tests.course_outputs import result_files


def start_grader(
    submissions: Path, out: Path, *options: str, stderr=subprocess.DEVNULL
) -> subprocess.Popen:
    """Start ``grade SUBMISSIONS --out OUT OPTIONS`` in a new session, so that one kill reaches
    the grader and every process it started (``stderr=subprocess.PIPE`` keeps its messages)."""
    return subprocess.Popen(
        grade_command(submissions, out, *options),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )


def kill_after(grader: subprocess.Popen, out: Path, recorded: int, seconds: float) -> None:
    """Wait until the grader has recorded ``recorded`` hand-ins under ``out``, then kill it and
    everything it started with SIGKILL. Fails if it ended first or ``seconds`` went by."""
    deadline = time.monotonic() + seconds
    while len(result_files(out)) < recorded and grader.poll() is None:
        assert time.monotonic() < deadline, f"fewer than {recorded} hand-ins in {seconds} s"
        time.sleep(0.2)
    if grader.poll() is not None:
        said = grader.stderr.read().decode(errors="replace") if grader.stderr else ""
        raise AssertionError(f"the grader finished before it could be killed. {said}")
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
