"""The class report, ``OUT/report.html``: one page, readable offline (charts are inline SVG,
:mod:`autograder.report_charts`; no script, no CDN), for the instructor after a batch.

* per-exercise pass rates and the score distribution of each assignment;
* the named mistakes most made per graded function (codes of :mod:`autograder.mistakes`,
  counted once per student);
* who is stuck where: for each student and assignment, the first graded function not passed;
* similar solutions (:mod:`autograder.similarity`): pairs above
  :data:`~autograder.similarity.SIMILARITY` are listed with the shared code marked side by
  side.

Every id and text is escaped (:func:`autograder.safe_text.for_html`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from autograder.course import graded_function
from autograder.mistakes import MEANING, mistake_code
from autograder.report_charts import assignment_charts
from autograder.safe_text import for_html
from autograder.similarity import SIMILARITY, SimilarityRun


def mistakes_per_function(grades) -> dict[tuple[str, str], Counter]:
    """``(assignment, function)`` to a count of mistake codes (once per student)."""
    seen = set()
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for g in grades:
        for c in g.cells:
            code = c.mistake or mistake_code(c.message)
            key = (g.student_id, g.assignment, graded_function(c.grade_id), code)
            if code and c.status != "passed" and key not in seen:
                seen.add(key)
                table[(g.assignment, graded_function(c.grade_id))][code] += 1
    return table


def stuck(grades) -> list[tuple[str, str, str, int]]:
    """``(student, assignment, first function not passed, functions not passed)``."""
    rows = []
    for g in sorted(grades, key=lambda g: (g.assignment, g.student_id)):
        failing = []
        for c in g.cells:
            f = graded_function(c.grade_id)
            if c.status != "passed" and f not in failing:
                failing.append(f)
        if failing:
            rows.append((g.student_id, g.assignment, failing[0], len(failing)))
    return rows


def _marked(text: str, slices) -> str:
    if slices is None or len(slices) == 0 or len(slices[0]) == 0:
        return for_html(text)
    out, last = [], 0
    for start, end in zip(slices[0], slices[1], strict=False):
        start, end = int(start), int(end)
        out.append(for_html(text[last:start]))
        out.append(f"<mark>{for_html(text[start:end])}</mark>")
        last = end
    out.append(for_html(text[last:]))
    return "".join(out)


def write_class_report(
    out: Path, grades, notebooks, release: Path, similarity: SimilarityRun | None = None
) -> Path:
    """Write ``out/report.html`` (see the module) and return its path.

    Parameters
    ----------
    out : Path
    grades : list of SubmissionGrade
        Every submission of the course (:meth:`autograder.grading.Grader.course_grades`).
    notebooks : dict
        ``(student_id, assignment)`` to the notebook graded (for the similarity check).
    release : Path
        The student release (its cells are the boilerplate of the similarity check).
    similarity : SimilarityRun, optional
        A similarity check started earlier (while the last hand-ins ran) on these notebooks,
        or more; by default it runs now.
    """
    grades = list(grades)
    sections = ["<h2>Pass rates and scores</h2>", assignment_charts(grades)]
    sections.append("<h2>Named mistakes most made, per function</h2><table border='1'>")
    sections.append("<tr><th>assignment</th><th>function</th><th>mistake</th><th>students</th>")
    sections.append("<th>meaning</th></tr>")
    for (aid, function), counts in sorted(mistakes_per_function(grades).items()):
        for code, n in counts.most_common(3):
            sections.append(
                f"<tr><td>{for_html(aid)}</td><td>{for_html(function)}</td>"
                f"<td><code>{for_html(code)}</code></td><td>{n}</td>"
                f"<td>{for_html(MEANING.get(code, ''))}</td></tr>"
            )
    sections.append("</table><h2>Who is stuck where</h2><table border='1'>")
    sections.append(
        "<tr><th>student</th><th>assignment</th><th>first function not passed</th>"
        "<th>functions not passed</th></tr>"
    )
    for sid, aid, function, n in stuck(grades):
        sections.append(
            f"<tr><td>{for_html(sid)}</td><td>{for_html(aid)}</td><td>{for_html(function)}</td>"
            f"<td>{n}</td></tr>"
        )
    sections.append("</table><h2>Similar solutions (copydetect)</h2>")
    pairs = (similarity or SimilarityRun().start(notebooks, release)).pairs(notebooks)
    if not pairs:
        sections.append(f"<p>No pair shares {SIMILARITY:.0%} of its solution code.</p>")
    for pair in pairs:
        sections.append(
            f"<h3 class='pair'>{for_html(pair.assignment)}: {for_html(pair.first)} and "
            f"{for_html(pair.second)} ({pair.similarity[0]:.0%} / {pair.similarity[1]:.0%})</h3>"
            "<table><tr>"
            f"<td><pre>{_marked(pair.texts[0], pair.slices[0])}</pre></td>"
            f"<td><pre>{_marked(pair.texts[1], pair.slices[1])}</pre></td>"
            "</tr></table>"
        )
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Class report</title>"
        "<style>body{font-family:sans-serif} td{vertical-align:top} mark{background:#fd7}"
        "</style></head><body><h1>Class report</h1>" + "".join(sections) + "</body></html>"
    )
    target = Path(out) / "report.html"
    target.write_text(page, encoding="utf-8")
    return target
