"""The feedback page a student reads: a summary by function on top (points and the first thing
to fix) and a contents list named by function, rendered by nbconvert with the course's template
on a graded notebook (scores as ``GetGrades`` writes them)."""

from __future__ import annotations

import pathlib
import re

import nbformat
from traitlets.config import Config

from autograder.course import nbgrader_config
from autograder.feedback_summary import (
    NBGRADER_FORMGRADER,
    FunctionSummary,
    configure_feedback,
    function_rows,
)


def grade_cell(grade_id: str, points: float, score: float, outputs=()) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(f"check_{grade_id}()")
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": grade_id,
        "points": points,
        "score": score,
    }
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def graded_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 02 · Logistic regression\n\n$J = -\\frac{1}{m}\\sum$"),
        grade_cell("initialize_with_zeros__visible", 1, 1),
        grade_cell("initialize_with_zeros__hidden", 1, 1),
        grade_cell(
            "propagate__visible",
            2,
            0,
            [
                {
                    "output_type": "error",
                    "ename": "CheckFailure",
                    "evalue": "propagate: dw has shape (2,), expected (2, 1): a rank-1 array\n"
                    "second line",
                    "traceback": [],
                }
            ],
        ),
        grade_cell(
            "propagate__hidden",
            2,
            0,
            [
                {
                    "output_type": "error",
                    "ename": "CheckFailure",
                    "evalue": "hidden",
                    "traceback": [],
                }
            ],
        ),
        grade_cell(
            "predict__visible",
            1,
            0,
            [
                {
                    "output_type": "error",
                    "ename": "NotImplementedError",
                    "evalue": "",
                    "traceback": [],
                }
            ],
        ),
        grade_cell(
            "model__visible",
            1,
            0,
            [
                {
                    "output_type": "error",
                    "ename": "ValueError",
                    "evalue": "<script>alert(1)</script>",
                    "traceback": [],
                }
            ],
        ),
    ]
    return nb


def render(nb) -> str:
    c = configure_feedback(Config())
    nb, resources = FunctionSummary().preprocess(nb, {})
    resources["nbgrader"] = {
        "notebook": "02_logistic_regression",
        "score": 2.0,
        "max_score": 8.0,
        "late_penalty": 0,
    }
    # As GenerateFeedback does: Bootstrap's CSS on the template path.
    css = NBGRADER_FORMGRADER / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    c.HTMLExporter.extra_template_paths = [str(css)]
    exporter = c.GenerateFeedback.exporter_class(config=c)  # the course's exporter
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def test_rows_group_the_checks_by_function_with_the_first_thing_to_fix():
    rows = {r.function: r for r in function_rows(graded_notebook().cells)}
    assert list(rows) == ["initialize_with_zeros", "propagate", "predict", "model"]
    assert (rows["initialize_with_zeros"].score, rows["initialize_with_zeros"].max_score) == (2, 2)
    assert rows["initialize_with_zeros"].fix == ""
    assert (rows["propagate"].score, rows["propagate"].max_score) == (0, 4)
    assert rows["propagate"].fix == (
        "CheckFailure: propagate: dw has shape (2,), expected (2, 1): a rank-1 array"
    )
    assert rows["propagate"].anchor == "propagate__visible"
    assert rows["predict"].fix == "not written yet: it still raises NotImplementedError"


def test_page_has_the_summary_on_top_and_contents_by_function():
    page = render(graded_notebook())
    summary = page.index("course-summary")
    assert (
        summary < page.index('id="toc"') < page.index('Logistic regression<a class="anchor-link"')
    )
    table = page[summary : page.index('id="toc"')]
    assert re.search(r"<code>propagate</code>.*?0\.0 / 4\.0.*?a rank-1 array", table, re.S)
    assert re.search(
        r"<code>initialize_with_zeros</code>.*?2\.0 / 2\.0.*?all checks passed", table, re.S
    )
    assert 'href="#propagate__visible"' in table
    toc = page[page.index('id="toc"') : page.index("</ol>", page.index('id="toc"'))]
    assert "Test cell" not in toc
    assert "<code>propagate</code> hidden" in toc and "<code>model</code> visible" in toc
    # Text from the hand-in is escaped, never markup.
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table


def test_configure_feedback_appends_the_summary_and_sets_the_template():
    c = Config()
    c.GenerateFeedback.preprocessors = ["A", "B"]
    configure_feedback(c, mathjax_url="mathjax/tex-chtml.js")
    assert c.GenerateFeedback.preprocessors == ["A", "B", FunctionSummary]
    course = nbgrader_config(pathlib.Path("/tmp"), "release", "sqlite://")
    names = [p.__name__ for p in course.GenerateFeedback.preprocessors]
    assert names[-2:] == ["FunctionSummary", "SanitizeStudentOutputs"]
    assert c.HTMLExporter.template_name == "feedback"
    assert c.HTMLExporter.extra_template_basedirs[0].endswith("autograder/templates")
    assert c.HTMLExporter.mathjax_url == "mathjax/tex-chtml.js"
    configure_feedback(c)
    assert c.GenerateFeedback.preprocessors.count(FunctionSummary) == 1
