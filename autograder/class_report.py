"""The class report, ``OUT/report.html``: one page, readable offline (charts are inline SVG,
:mod:`autograder.report_charts`; no script, no CDN), for the instructor after a batch.

* per-exercise pass rates and the score distribution of each assignment;
* the named mistakes most made per graded function (codes of :mod:`autograder.mistakes`,
  counted once per student);
* who is stuck where: for each student and assignment, the first graded function not passed;
* similar solutions: the solution cells of each pair of students compared with copydetect
  (winnowed fingerprints, as MOSS), the release's own text as boilerplate; pairs above
  :data:`SIMILARITY` are listed with the shared code marked side by side.

Every id and text is escaped (:func:`autograder.safe_text.for_html`).
"""

from __future__ import annotations

import io
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np

from autograder.course import graded_function
from autograder.mistakes import MEANING, mistake_code
from autograder.report_charts import assignment_charts
from autograder.safe_text import for_html

#: Share of each solution's tokens found in the other above which a pair is listed.
SIMILARITY = 0.8
#: copydetect's noise threshold (k-gram length) and window for short solution cells.
NOISE, GUARANTEE = 12, 16


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


@dataclass
class SimilarPair:
    """Two students' solutions of one assignment that share most of their code."""

    assignment: str
    first: str
    second: str
    similarity: tuple[float, float]
    texts: tuple[str, str]
    slices: tuple


def solution_text(notebook: Path, boilerplate: dict[str, str]) -> str:
    """The student's solution cells of a notebook, those changed from the release, joined."""
    nb = nbformat.read(notebook, as_version=4)
    parts = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            if cell.source.strip() != boilerplate.get(meta.get("grade_id"), "").strip():
                parts.append(cell.source)
    return "\n\n".join(parts)


def similar_pairs(
    notebooks: dict[tuple[str, str], Path], release: Path, threshold: float = SIMILARITY
) -> list[SimilarPair]:
    """Pairs of students whose solutions of one assignment share at least ``threshold`` of
    their tokens both ways (copydetect; the release's cells are boilerplate)."""
    from copydetect import CodeFingerprint, compare_files

    by_assignment = defaultdict(dict)
    for (sid, aid), path in notebooks.items():
        by_assignment[aid][sid] = path
    pairs = []
    for aid, students in sorted(by_assignment.items()):
        released = release / aid / f"{aid}.ipynb"
        stubs = {}
        if released.is_file():
            for cell in nbformat.read(released, as_version=4).cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution"):
                    stubs[meta.get("grade_id")] = cell.source
        # language="python": copydetect otherwise finds the lexer from the file name, by
        # matching it against every lexer pygments has (a quarter of the report's time).
        base = CodeFingerprint(
            "release.py",
            NOISE,
            GUARANTEE - NOISE + 1,
            language="python",
            fp=io.StringIO("\n\n".join(stubs.values())),
        )
        prints = {}
        for sid, path in sorted(students.items()):
            try:
                text = solution_text(path, stubs)
            except Exception:  # an unreadable notebook has nothing to compare
                continue
            if len(text) < 40:
                continue
            prints[sid] = (
                text,
                CodeFingerprint(
                    f"{sid}.py",
                    NOISE,
                    GUARANTEE - NOISE + 1,
                    boilerplate=np.array(sorted(base.hashes)),
                    language="python",
                    fp=io.StringIO(text),
                ),
            )
        for (a, (_, fa)), (b, (_, fb)) in itertools.combinations(sorted(prints.items()), 2):
            _, (sa, sb), slices = compare_files(fa, fb)
            if min(sa, sb) >= threshold:
                pairs.append(
                    SimilarPair(
                        aid, a, b, (float(sa), float(sb)), (fa.raw_code, fb.raw_code), slices
                    )
                )
    return pairs


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


def write_class_report(out: Path, grades, notebooks, release: Path) -> Path:
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
    pairs = similar_pairs(notebooks, release)
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
