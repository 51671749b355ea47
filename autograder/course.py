"""Where the course lives and the nbgrader settings every command shares."""

from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests
from traitlets.config import Config

from autograder.feedback import MATHJAX_URL, ShortenHiddenTracebacks
from autograder.feedback_summary import configure_feedback
from autograder.nbgrader_steps import GetGradesAtOnce
from autograder.safe_feedback import SanitizeStudentOutputs
from utils.course import ASSIGNMENT_IDS

#: The checkout: the folder holding ``source/``, ``notebooks/``, ``utils/`` and ``autograder/``.
ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"
RELEASE = ROOT / "notebooks"
COURSE_ID = "dl-course"

#: What the release stub of a graded function's body becomes.
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

#: Seconds one cell may run at grading before it is interrupted and marked ``timeout``.
CELL_TIMEOUT = 60


def assignment_ids(source: Path = SOURCE) -> list[str]:
    """The assignments of a source folder, in course order.

    Parameters
    ----------
    source : Path
        The course's ``source/`` (the default), or another folder laid out like it.

    Returns
    -------
    list of str
        For the course's own ``source/``, :data:`utils.course.ASSIGNMENT_IDS` (a test holds them
        to the notebooks there); for another folder, every ``<id>`` holding ``<id>/<id>.ipynb``.
    """
    if Path(source).resolve() == SOURCE.resolve():
        return list(ASSIGNMENT_IDS)
    return sorted(p.parent.name for p in source.glob("*/*.ipynb") if p.stem == p.parent.name)


def nbgrader_config(root: Path, release_directory: str | Path, db_url: str) -> Config:
    """The nbgrader settings of the course.

    Parameters
    ----------
    root : Path
        nbgrader's course directory (``source/``, ``submitted/``, ``autograded/``... under it).
    release_directory : str or Path
        Where the student release goes (relative to ``root``, or absolute).
    db_url : str
        The gradebook's SQLAlchemy URL.

    Returns
    -------
    traitlets.config.Config
    """
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = "source"
    c.CourseDirectory.release_directory = str(release_directory)
    c.CourseDirectory.db_url = db_url
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.enforce_metadata = True
    # A deleted grade cell is put back and graded rather than left for manual grading.
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = CELL_TIMEOUT
    c.Execute.interrupt_on_timeout = True
    # Quiet kernels: their start-up warnings would interleave with the progress bar.
    c.Execute.extra_arguments = [
        "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.log_level=50",
    ]
    # A kernel that stops answering on iopub must not fail the whole notebook.
    c.Execute.raise_on_iopub_timeout = False
    # nbgrader gives 0 to a grade cell with any stderr output: a NumPy warning from correct
    # code must not cost points, so warnings are dropped before scoring.
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = r"Warning"
    # Feedback shows the student's answers and the visible checks, never hidden check code.
    c.GenerateFeedback.preprocessors = [
        GetGradesAtOnce,  # nbgrader's GetGrades, two queries per page
        CSSHTMLHeaderPreprocessor,
        ShortenHiddenTracebacks,
        ClearHiddenTests,
        # Student outputs and markdown as data: no script runs when a page is opened.
        SanitizeStudentOutputs,
    ]
    # nbconvert validates the whole notebook after each of an exporter's preprocessors by
    # default (five times per feedback page); once, after the last one, says the same: the
    # notebook was valid when the grader staged it, and only this list changes it.
    c.Exporter.optimistic_validation = True
    # A summary by function on top of each page (points, first thing to fix), contents by function.
    # Formulas render offline, from a copy of MathJax beside the pages (feedback.install_mathjax).
    configure_feedback(c, mathjax_url=MATHJAX_URL)
    return c


#: Why nbgrader's own autograde is turned off in the checkout's ``nbgrader_config.py``.
UNSANDBOXED_AUTOGRADE = (
    "nbgrader's autograde runs each student's notebook in a kernel of yours, outside the "
    "course's sandbox, so this course turns it off (formgrader's Autograde button and "
    "`nbgrader autograde` alike). Grade with the course's grader: `python -m autograder grade "
    "SUBMISSIONS --out OUT` (hand-ins collected by formgrader with COURSE_OUT=OUT are in "
    "OUT/nbgrader/collected); formgrader then shows its grades."
)


def refuse_nbgraders_autograde() -> None:
    """Make nbgrader's ``Autograde`` converter refuse to start, with
    :data:`UNSANDBOXED_AUTOGRADE` in its log, before it records or runs anything.

    The checkout's ``nbgrader_config.py`` calls this, so it holds in every process that reads
    the course's nbgrader settings: ``nbgrader autograde`` and the Jupyter server behind
    formgrader. The converter class is not an nbgrader setting, hence the replaced method.
    ``python -m autograder grade --unsafe`` stays the one way to run student code unsandboxed.
    """
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import NbGraderException

    def refused(converter) -> None:
        converter.log.error(UNSANDBOXED_AUTOGRADE)
        raise NbGraderException(UNSANDBOXED_AUTOGRADE)

    Autograde.start = refused


def grade_cells(notebook_path: Path) -> list[tuple[str, float]]:
    """The grade cells of a source notebook, in order.

    Parameters
    ----------
    notebook_path : Path
        An instructor notebook with nbgrader metadata.

    Returns
    -------
    list of (grade_id, points)
    """
    import nbformat

    nb = nbformat.read(notebook_path, as_version=4)
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            cells.append((meta["grade_id"], float(meta.get("points", 0))))
    return cells


def graded_function(grade_id: str) -> str:
    """The graded function a grade cell belongs to: ``"propagate__hidden"`` -> ``"propagate"``."""
    return grade_id.split("__", 1)[0]
