"""Feedback a student can read: a summary by graded function on top of the page, and the
page's contents list named by function instead of nbgrader's "Test cell".

:class:`FunctionSummary` is a ``GenerateFeedback`` preprocessor (it runs after ``GetGrades``,
which puts each grade cell's ``score`` into its metadata; it changes no cell, and runs right
before ``SanitizeStudentOutputs``, which stays last). It groups the grade cells by the function in
their grade id, ``<function>__<check>`` (COURSE_SPEC), and stores in ``resources`` one row per
function: points, maximum and the first thing to fix (the one-line message of the first check
that lost points). The template ``templates/feedback/index.html.j2`` draws the rows as
a table above nbgrader's page and names each entry of the contents by its function and check;
every text from the hand-in is escaped there.

:func:`configure_feedback` sets it all on a configuration (see ``autograder/course.py``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import nbgrader
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets.config import Config

from autograder.feedback_exporter import FeedbackExporter

#: Folder of this course's nbconvert templates, and of nbgrader's (its Bootstrap CSS is
#: under static/, which GenerateFeedback adds to the template paths itself).
TEMPLATES = Path(__file__).resolve().parent / "templates"
NBGRADER_FORMGRADER = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader"
#: nbgrader's API asks for the template "feedback" by name: the course's has that name and comes
#: first among the template folders, so it replaces nbgrader's.
TEMPLATE_NAME = "feedback"
#: Longest "first thing to fix" shown in the summary (the cell below has the whole message).
MAX_MESSAGE = 240


@dataclass
class FunctionRow:
    """One graded function in the summary.

    Attributes
    ----------
    function : str
        The function's name (the part of the grade ids before ``__``).
    score, max_score : float
        Points earned and possible over the function's grade cells.
    fix : str
        The first thing to fix: the message of the first check that lost points ("" when
        every check passed).
    anchor : str
        The grade id of that check (or of the function's first check), a link target on the
        page.
    """

    function: str
    score: float
    max_score: float
    fix: str
    anchor: str


def first_message(cell) -> str:
    """The one line a student should read first from a grade cell's outputs."""
    lines: list[str] = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "error":
            value = str(output.get("evalue", "")).strip()
            name = str(output.get("ename", "Error"))
            if name == "NotImplementedError" and not value:
                return "not written yet: it still raises NotImplementedError"
            return f"{name}: {value.splitlines()[0]}" if value else name
        if kind == "stream":
            lines += str(output.get("text", "")).splitlines()
    failing = [line for line in lines if "fail" in line.lower() or "error" in line.lower()]
    chosen = (failing or [line for line in lines if line.strip()] or ["the check did not pass"])[0]
    return chosen.strip()


def _short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "\u2026"


def function_rows(cells) -> list[FunctionRow]:
    """Group the grade cells of a graded notebook by function, in the order of the page.

    Parameters
    ----------
    cells : list of notebook cells
        Cells whose ``metadata.nbgrader`` holds ``grade``, ``grade_id``, ``points`` and the
        ``score`` that ``GetGrades`` wrote.

    Returns
    -------
    list of FunctionRow
    """
    rows: dict[str, FunctionRow] = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade") or meta.get("solution"):
            continue
        grade_id = str(meta.get("grade_id", ""))
        function = grade_id.split("__", 1)[0]
        points = float(meta.get("points", 0) or 0)
        score = meta.get("score")
        score = 0.0 if score is None else float(score)
        row = rows.setdefault(function, FunctionRow(function, 0.0, 0.0, "", grade_id))
        row.score += score
        row.max_score += points
        if score < points and not row.fix:
            row.fix, row.anchor = _short(first_message(cell)), grade_id
    return list(rows.values())


class FunctionSummary(NbGraderPreprocessor):
    """Put the summary by function into ``resources["course_summary"]`` (see the module)."""

    def preprocess(self, nb, resources):
        rows = function_rows(nb.cells)
        resources["course_summary"] = [asdict(r) for r in rows]
        return nb, resources


def configure_feedback(c: Config, mathjax_url: str | None = None) -> Config:
    """Use the course's feedback page: the summary and the contents by function.

    Parameters
    ----------
    c : traitlets.config.Config
        The course's nbgrader settings, with ``GenerateFeedback.preprocessors`` already set
        (the summary goes right before ``SanitizeStudentOutputs``, or last).
    mathjax_url : str, optional
        Where the pages load MathJax from (nbconvert's ``HTMLExporter.mathjax_url``), for a
        copy served beside the pages instead of the CDN.

    Returns
    -------
    traitlets.config.Config
        ``c``, changed in place.
    """
    nbgrader_templates = NBGRADER_FORMGRADER / "templates"
    preprocessors = list(c.GenerateFeedback.get("preprocessors", []))
    if FunctionSummary not in preprocessors:
        # Before the sanitiser, which stays last: the summary changes no cell (it only reads the
        # messages, and the template escapes them).
        names = [getattr(p, "__name__", str(p)) for p in preprocessors]
        at = names.index("SanitizeStudentOutputs") if "SanitizeStudentOutputs" in names else None
        preprocessors.insert(len(preprocessors) if at is None else at, FunctionSummary)
    c.GenerateFeedback.preprocessors = preprocessors
    # nbconvert's HTML exporter without its second parse of every page (feedback_exporter).
    c.GenerateFeedback.exporter_class = FeedbackExporter
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
    if mathjax_url:
        c.HTMLExporter.mathjax_url = mathjax_url
    return c
