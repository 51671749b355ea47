"""The class report's charts, drawn as inline SVG: per-exercise pass rates and the score
distribution of an assignment.

SVG written here instead of matplotlib PNGs: the charts are a few rectangles, and importing
matplotlib and rendering five figures cost seconds of CPU at the end of every batch, after the
last hand-in (the instructor waited for it). SVG also stays sharp when zoomed and printed, and
each bar carries its number (``data-*`` attributes and a ``<title>`` shown on hover), so the
page can be checked against ``cell_grades.csv``. Every label is escaped.
"""

from __future__ import annotations

from collections import Counter

from autograder.safe_text import for_html

#: Pixel sizes of the charts.
BAR_HEIGHT, LABEL_WIDTH, PLOT_WIDTH, AXIS = 18, 260, 300, 24
HIST_WIDTH, HIST_HEIGHT, BINS = 360, 160, 10
COLOUR = "#4c72b0"


def pass_rates(grades) -> dict[str, tuple[int, int]]:
    """Grade id to (submissions that passed it, submissions), in the order first met.

    Parameters
    ----------
    grades : list of SubmissionGrade
        The submissions of one assignment.
    """
    passed: Counter = Counter()
    total: Counter = Counter()
    for grade in grades:
        for cell in grade.cells:
            total[cell.grade_id] += 1
            passed[cell.grade_id] += cell.status == "passed"
    return {gid: (passed[gid], total[gid]) for gid in total}


def pass_rate_chart(rates: dict[str, tuple[int, int]]) -> str:
    """Horizontal bars, one per exercise: the share of submissions that passed it."""
    height = BAR_HEIGHT * len(rates) + AXIS
    rows = []
    for i, (gid, (passed, total)) in enumerate(rates.items()):
        rate = passed / total if total else 0.0
        y = i * BAR_HEIGHT
        name = for_html(gid)
        rows.append(
            f"<text x='{LABEL_WIDTH - 6}' y='{y + BAR_HEIGHT - 5}' text-anchor='end'>{name}</text>"
            f"<rect class='pass-rate' data-exercise='{name}' data-passed='{passed}' "
            f"data-submissions='{total}' x='{LABEL_WIDTH}' y='{y + 2}' "
            f"width='{rate * PLOT_WIDTH:.1f}' height='{BAR_HEIGHT - 4}' fill='{COLOUR}'>"
            f"<title>{name}: {passed} of {total} passed</title></rect>"
            f"<text x='{LABEL_WIDTH + rate * PLOT_WIDTH + 4:.1f}' y='{y + BAR_HEIGHT - 5}'>"
            f"{rate:.0%}</text>"
        )
    axis = (
        f"<line x1='{LABEL_WIDTH}' y1='0' x2='{LABEL_WIDTH}' y2='{height - AXIS}' "
        "stroke='#444'/>"
        f"<text x='{LABEL_WIDTH}' y='{height - 6}'>0%</text>"
        f"<text x='{LABEL_WIDTH + PLOT_WIDTH}' y='{height - 6}' text-anchor='end'>100%</text>"
    )
    width = LABEL_WIDTH + PLOT_WIDTH + 50
    return (
        f"<svg role='img' aria-label='pass rate per exercise' width='{width}' "
        f"height='{height}' font-size='12' font-family='sans-serif'>"
        f"{''.join(rows)}{axis}</svg>"
    )


def score_counts(scores: list[float], max_score: float, bins: int = BINS) -> list[int]:
    """How many scores fall in each of ``bins`` equal ranges of ``[0, max_score]`` (the top
    range includes ``max_score``; a score outside, as extra credit, joins the nearest end)."""
    counts = [0] * bins
    top = max_score or 1.0
    for score in scores:
        counts[min(bins - 1, max(0, int(score / top * bins)))] += 1
    return counts


def score_histogram(scores: list[float], max_score: float) -> str:
    """Columns: how many submissions scored in each tenth of ``max_score``."""
    counts = score_counts(scores, max_score)
    tallest = max(counts) or 1
    width = (HIST_WIDTH - 20) / len(counts)
    plot = HIST_HEIGHT - AXIS
    columns = []
    for i, n in enumerate(counts):
        low, high = i * max_score / len(counts), (i + 1) * max_score / len(counts)
        h = n / tallest * (plot - 14)
        columns.append(
            f"<rect class='score-bin' data-low='{low:g}' data-high='{high:g}' data-count='{n}' "
            f"x='{10 + i * width:.1f}' y='{plot - h:.1f}' width='{width - 2:.1f}' "
            f"height='{h:.1f}' fill='{COLOUR}'><title>{low:g} to {high:g}: {n}</title></rect>"
            + (
                f"<text x='{10 + (i + 0.5) * width:.1f}' y='{plot - h - 3:.1f}' "
                f"text-anchor='middle'>{n}</text>"
                if n
                else ""
            )
        )
    axis = (
        f"<line x1='10' y1='{plot}' x2='{HIST_WIDTH - 10}' y2='{plot}' stroke='#444'/>"
        f"<text x='10' y='{HIST_HEIGHT - 6}'>0</text>"
        f"<text x='{HIST_WIDTH - 10}' y='{HIST_HEIGHT - 6}' text-anchor='end'>"
        f"{max_score:g}</text>"
    )
    return (
        f"<svg role='img' aria-label='scores (of {max_score:g})' width='{HIST_WIDTH}' "
        f"height='{HIST_HEIGHT}' font-size='12' font-family='sans-serif'>"
        f"{''.join(columns)}{axis}</svg>"
    )


def assignment_charts(grades) -> str:
    """Both charts of every assignment in ``grades``, under a heading each."""
    by_assignment: dict[str, list] = {}
    for grade in grades:
        by_assignment.setdefault(grade.assignment, []).append(grade)
    parts = []
    for aid, group in sorted(by_assignment.items()):
        max_score = group[0].max_score
        parts.append(
            f"<h3>{for_html(aid)}</h3><div class='charts'>"
            f"<figure><figcaption>pass rate per exercise</figcaption>"
            f"{pass_rate_chart(pass_rates(group))}</figure>"
            f"<figure><figcaption>scores (of {max_score:g})</figcaption>"
            f"{score_histogram([g.score for g in group], max_score)}</figure></div>"
        )
    return "".join(parts)
