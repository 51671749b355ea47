"""What the grader writes and prints: CSV files, a progress bar and a summary table.

Student ids, notes and messages are student-chosen text. Every text cell of the CSV files goes
through :func:`autograder.safe_text.for_csv` (a spreadsheet shows it, never runs it; ids such
as ``-2`` or ``=1+1`` are written ``'-2``, ``'=1+1``: read them back with
:func:`autograder.safe_text.from_csv`), and every field is quoted. Everything printed goes
through :func:`autograder.safe_text.for_terminal`.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from autograder.mistakes import mistake_code
from autograder.results import STATUSES, SubmissionGrade
from autograder.safe_text import for_csv, for_terminal

#: The specification's columns first, then the grader's own (lateness, manual grades, mistakes).
GRADE_COLUMNS = [
    "student_id",
    "assignment",
    "score",
    "max_score",
    "note",
    "feedback",
    "timestamp",
    "seconds_late",
    "late_penalty",
    "raw_score",
]
CELL_COLUMNS = [
    "student_id",
    "assignment",
    "grade_id",
    "score",
    "max_score",
    "status",
    "message",
    "auto_score",
    "manual_score",
    "mistake",
]
STAT_COLUMNS = ["assignment", "grade_id", "max_score", "submissions", "mean_score", *STATUSES]


def _writer(f):
    """A CSV writer that quotes every field (OWASP: a value is one cell whatever separator a
    spreadsheet guesses)."""
    return csv.writer(f, quoting=csv.QUOTE_ALL)


def write_reports(out: Path, grades: Iterable[SubmissionGrade]) -> dict[str, Path]:
    """Write ``grades.csv``, ``cell_grades.csv`` and ``exercise_stats.csv`` into ``out``.

    Text cells are neutralised for spreadsheets (:func:`autograder.safe_text.for_csv`): a
    ``student_id`` that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or
    ``'`` is written with one more ``'`` in front. The original id is
    ``safe_text.from_csv(cell)`` (strip exactly one leading ``'``); the ``feedback`` column
    holds the real path of the page, whose folder is the original id. Ids are not written a
    second time unescaped: that copy would be the formula the escaping removes.

    Returns
    -------
    dict
        File kind to path.
    """
    grades = sorted(grades, key=lambda g: (g.student_id, g.assignment))
    paths = {name: out / f"{name}.csv" for name in ("grades", "cell_grades", "exercise_stats")}
    with open(paths["grades"], "w", newline="", encoding="utf-8") as f:
        writer = _writer(f)
        writer.writerow(GRADE_COLUMNS)
        for g in grades:
            feedback = g.feedback.relative_to(out) if g.feedback else ""
            writer.writerow(
                [
                    for_csv(g.student_id),
                    for_csv(g.assignment),
                    f"{g.score:g}",
                    f"{g.max_score:g}",
                    for_csv(g.note),
                    for_csv(feedback),
                    for_csv(g.timestamp),
                    f"{g.seconds_late:g}",
                    f"{g.penalty:g}",
                    f"{g.raw_score:g}",
                ]
            )
    with open(paths["cell_grades"], "w", newline="", encoding="utf-8") as f:
        writer = _writer(f)
        writer.writerow(CELL_COLUMNS)
        for g in grades:
            for c in g.cells:
                writer.writerow(
                    [
                        for_csv(c.student_id),
                        for_csv(c.assignment),
                        for_csv(c.grade_id),
                        f"{c.score:g}",
                        f"{c.max_score:g}",
                        for_csv(c.status),
                        for_csv(c.message),
                        "" if c.auto_score is None else f"{c.auto_score:g}",
                        "" if c.manual is None else f"{c.manual:g}",
                        for_csv(c.mistake or mistake_code(c.message)),
                    ]
                )
    with open(paths["exercise_stats"], "w", newline="", encoding="utf-8") as f:
        writer = _writer(f)
        writer.writerow(STAT_COLUMNS)
        for row in exercise_statistics(grades):
            writer.writerow(
                [for_csv(row[c]) if isinstance(row[c], str) else row[c] for c in STAT_COLUMNS]
            )
    return paths


def exercise_statistics(grades: Iterable[SubmissionGrade]) -> list[dict]:
    """Per grade cell: submissions, mean score and how many ended in each status."""
    table: dict[tuple[str, str], dict] = {}
    for g in grades:
        for c in g.cells:
            row = table.setdefault(
                (c.assignment, c.grade_id),
                {
                    "assignment": c.assignment,
                    "grade_id": c.grade_id,
                    "max_score": c.max_score,
                    "submissions": 0,
                    "total": 0.0,
                    **{s: 0 for s in STATUSES},
                },
            )
            row["submissions"] += 1
            row["total"] += c.score
            row[c.status] += 1
    rows = []
    for row in table.values():
        row["mean_score"] = f"{row.pop('total') / row['submissions']:.2f}"
        rows.append(row)
    return rows


class ProgressBar:
    """A one-line progress bar on stderr: ``[#####-----] 12/40  alice/02_logistic_regression``.

    The label is shown through :func:`autograder.safe_text.for_terminal`."""

    def __init__(self, total: int, width: int = 30, stream=None) -> None:
        # The stderr of the moment, not of import time (a test, or a caller, may swap it).
        self.total, self.width, self.stream = total, width, stream or sys.stderr
        self.done = 0
        self.start = time.perf_counter()

    def update(self, label: str) -> None:
        self.done += 1
        filled = int(self.width * self.done / max(self.total, 1))
        elapsed = time.perf_counter() - self.start
        bar = "#" * filled + "-" * (self.width - filled)
        label = for_terminal(label)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {elapsed:5.0f}s  {label[:50]:<50}")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def summary_table(grades: list[SubmissionGrade], limit: int = 60) -> str:
    """The grade table (one line per submission, up to ``limit``) and per-assignment figures.

    Ids, assignments and grade ids are shown through :func:`autograder.safe_text.for_terminal`.
    """
    grades = sorted(grades, key=lambda g: (g.student_id, g.assignment))
    lines = []
    if len(grades) <= limit:
        width = max([len("student")] + [len(for_terminal(g.student_id)) for g in grades])
        lines.append(f"{'student':<{width}}  {'assignment':<28} {'score':>11}  failed checks")
        for g in grades:
            bad = [c for c in g.cells if c.status != "passed"]
            detail = ", ".join(f"{for_terminal(c.grade_id)} ({c.status})" for c in bad[:3])
            if len(bad) > 3:
                detail += f", +{len(bad) - 3} more"
            score = f"{g.score:g}/{g.max_score:g}"
            sid, aid = for_terminal(g.student_id), for_terminal(g.assignment)
            lines.append(f"{sid:<{width}}  {aid:<28} {score:>11}  {for_terminal(detail)}")
        lines.append("")
    per_assignment: dict[str, list[SubmissionGrade]] = defaultdict(list)
    for g in grades:
        per_assignment[g.assignment].append(g)
    lines.append(f"{'assignment':<28} {'graded':>6} {'mean':>7} {'min':>6} {'max':>6} {'of':>5}")
    for aid, group in sorted(per_assignment.items()):
        scores = [g.score for g in group]
        mean = sum(scores) / len(scores)
        lines.append(
            f"{for_terminal(aid):<28} {len(group):>6} {mean:>7.2f} {min(scores):>6g} "
            f"{max(scores):>6g} {group[0].max_score:>5g}"
        )
    return "\n".join(lines)
