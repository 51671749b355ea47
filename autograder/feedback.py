"""Feedback: what a student may see of a hidden check that failed, and the pages themselves,
written by nbgrader in a side process (or plainly, where nbgrader could not record a hand-in)."""

from __future__ import annotations

import contextlib
import ctypes
import html
import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor


class ShortenHiddenTracebacks(NbGraderPreprocessor):
    """Replace the traceback of a hidden-test cell by its one-line message.

    A traceback would show the hidden call and the grader's own source lines; the message
    (``"dw: wrong values on a random 7x23 input, max relative error 0.41"``) says what failed
    without them. Runs before ``ClearHiddenTests``, while the hidden block is still there.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and "BEGIN HIDDEN TESTS" in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
        return cell, resources


def feedback_batch(course: Path, db_url: str, assignment_id: str) -> None:
    """Write nbgrader's feedback for every graded hand-in of one assignment."""
    # (nbgrader_api imports the course's settings, which import this module)
    from autograder.nbgrader_api import one_engine_per_gradebook, open_api

    with one_engine_per_gradebook():
        open_api(course, "release", db_url).generate_feedback(assignment_id, force=True)


def feedback_batches(course: Path, db_url: str, assignment_ids: Iterable[str]) -> None:
    """:func:`feedback_batch` for each assignment id as it comes (one per line of a stream).

    An assignment whose pages nbgrader cannot write does not stop the next ones: the grader
    writes a plain page wherever nbgrader made none.
    """
    # nbgrader and nbconvert load now, while the grader waits for its first hand-ins.
    import nbconvert.exporters.html  # noqa: F401

    import autograder.nbgrader_api  # noqa: F401

    for line in assignment_ids:
        assignment_id = line.strip()
        if not assignment_id:
            continue
        try:
            feedback_batch(course, db_url, assignment_id)
        except Exception:  # said on stderr; the grader falls back to plain pages
            traceback.print_exc()


class FeedbackWriter:
    """Writes feedback one assignment at a time in one side process, while the grading goes
    on. The process loads nbconvert and nbgrader once for the whole batch (each load costs
    seconds of CPU that the workers need) and takes assignment ids on its stdin. A page nbgrader
    does not write becomes a plain page."""

    CODE = (
        "import sys; from pathlib import Path; from autograder.feedback import feedback_batches; "
        "feedback_batches(Path(sys.argv[1]), sys.argv[2], sys.stdin)"
    )

    def __init__(self, course: Path, db_url: str) -> None:
        self.course, self.db_url = course, db_url
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the process now (it is started at the first request otherwise)."""
        if self.process is None:
            self.process = subprocess.Popen(
                [sys.executable, "-c", self.CODE, str(self.course), self.db_url],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
                preexec_fn=_die_with_parent(os.getpid()),
            )

    def schedule(self, assignment_id: str) -> None:
        """Ask for every page of an assignment."""
        self.start()
        try:
            self.process.stdin.write(assignment_id + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:  # it died: the pages it did not write become plain pages
            pass

    def wait(self) -> None:
        if self.process is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
            self.process.wait()


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int):
    """A ``preexec_fn`` that makes the child get SIGKILL when the grader dies, however it dies
    (``kill -9`` included): a feedback process must not outlive the grader and write into its
    folder afterwards. If the grader died before the setting took effect, the child ends."""

    def preexec() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def plain_page(grade, target: Path) -> Path:
    """A feedback page written without nbgrader, for submissions it could not record.

    Parameters
    ----------
    grade : SubmissionGrade
    target : Path
        Where the page goes.
    """
    rows = "".join(
        f"<tr><td>{html.escape(c.grade_id)}</td><td>{c.score:g} / {c.max_score:g}</td>"
        f"<td>{html.escape(c.status)}</td><td>{html.escape(c.message)}</td></tr>"
        for c in grade.cells
    )
    note = f"<p>{html.escape(grade.note)}</p>" if grade.note else ""
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{grade.assignment}</title>"
        f"</head><body><h1>{html.escape(grade.assignment)}: {grade.score:g} / "
        f"{grade.max_score:g}</h1>{note}<table border='1'><tr><th>check</th><th>score</th>"
        f"<th>status</th><th>message</th></tr>{rows}</table></body></html>"
    )
    target.write_text(page, encoding="utf-8")
    return target


#: Where feedback pages load MathJax from: a copy two folders up from each page
#: (``feedback/<student>/<assignment>/<assignment>.html``), so formulas render offline.
MATHJAX_URL = "../../mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"


def install_mathjax(feedback_root: Path) -> Path:
    """Copy MathJax (from the pinned ``jupyter-server-mathjax``) to ``feedback_root/mathjax``.

    Returns
    -------
    Path
        The copy's folder (left as it is when it is there already).
    """
    import shutil

    import jupyter_server_mathjax

    target = feedback_root / "mathjax"
    if not (target / "MathJax.js").is_file():
        source = Path(jupyter_server_mathjax.__file__).parent / "static"
        # Copied, never hard-linked: ``grade --group`` changes the group and mode of every
        # file under OUT, which through a link would change the installed package's files.
        shutil.copytree(source, target, dirs_exist_ok=True)
    return target
