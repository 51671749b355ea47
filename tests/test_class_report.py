"""The class report (issue 12, deliver 6): ``OUT/report.html`` offline, with plots, the named
mistakes per function (a ``mistake`` column in ``cell_grades.csv``), who is stuck where, and
similar solutions found by copydetect."""

from __future__ import annotations

import csv
import re

import nbformat
import pytest

from autograder.cli import main
from autograder.mistakes import MISTAKES, mistake_code
from autograder.report_charts import score_counts
from tests.course_outputs import AID, cells, functions, write_hand_in

WRONG_AXIS = "def column_percentages(A):\n    return 100 * A / np.sum(A)\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    subs, out = tmp_path_factory.mktemp("class_in"), tmp_path_factory.mktemp("class_out")
    every = functions()
    write_hand_in(subs, "ada", every)
    write_hand_in(subs, "ada_twin", every)  # the same code: a pair to list
    write_hand_in(subs, "blaise", every[::2])
    write_hand_in(subs, "carmen", [])
    dana = write_hand_in(subs, "dana", every)
    nb = nbformat.read(dana, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "column_percentages":
            cell.source = WRONG_AXIS
    nbformat.write(nb, dana)
    assert main(["grade", str(subs), "--out", str(out), "--unsafe", "--workers", "2"]) == 0
    return out, (out / "report.html").read_text(encoding="utf-8")


def test_report_is_offline_with_inline_figures(report):
    _, page = report
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)  # nothing fetched
    assert "<script" not in page
    assert page.count("<svg role='img'") == 2  # one assignment: pass rates and scores


def test_charts_draw_the_rates_and_scores_of_the_csv_files(report):
    out, page = report
    with (out / "cell_grades.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    expected = {}
    for row in rows:
        passed, total = expected.get(row["grade_id"], (0, 0))
        expected[row["grade_id"]] = (passed + (row["status"] == "passed"), total + 1)
    bars = re.findall(
        r"class='pass-rate' data-exercise='([^']+)' data-passed='(\d+)' "
        r"data-submissions='(\d+)' x='[\d.]+' y='[\d.]+' width='([\d.]+)'",
        page,
    )
    assert {gid: (int(p), int(t)) for gid, p, t, _ in bars} == expected
    for _, passed, total, width in bars:  # a bar's length is its share of the full width
        assert float(width) == pytest.approx(int(passed) / int(total) * 300, abs=0.06)
    with (out / "grades.csv").open(newline="", encoding="utf-8") as f:
        grades = list(csv.DictReader(f))
    top = float(grades[0]["max_score"])
    bins = re.findall(r"data-low='([\d.]+)' data-high='([\d.]+)' data-count='(\d+)'", page)
    assert len(bins) == 10
    for low, high, count in bins:  # every student's score in exactly one tenth of the range
        inside = [
            g
            for g in grades
            if float(low) <= float(g["score"]) < float(high)
            or float(g["score"]) == float(high) == top
        ]
        assert int(count) == len(inside)
    assert sum(int(c) for *_, c in bins) == len(grades) == 5


def test_similar_solutions_are_listed_and_different_ones_not(report):
    _, page = report
    pairs = re.findall(r"<h3 class='pair'>[^:]*: (\S+) and (\S+) ", page)
    # dana is ada's code with one function changed: similar too. blaise answered half the
    # functions (half of ada's code is not in his) and carmen none: never listed.
    assert ("ada", "ada_twin") in pairs
    assert not {name for pair in pairs for name in pair} & {"blaise", "carmen"}
    assert "<mark>" in page


def test_stuck_where_names_the_first_function_not_passed(report):
    _, page = report
    every = functions()
    assert f"<td>blaise</td><td>{AID}</td><td>{every[1]}</td>" in page
    assert f"<td>carmen</td><td>{AID}</td><td>{every[0]}</td>" in page
    assert "<td>ada</td>" not in page.split("Who is stuck where")[1].split("Similar")[0]


def test_named_mistakes_in_cell_grades_and_report(report):
    out, page = report
    rows = cells(out)
    assert rows[("carmen", AID, f"{functions()[0]}__visible")]["mistake"] == "not_implemented"
    dana = {k[2]: r for k, r in rows.items() if k[0] == "dana" and r["status"] != "passed"}
    assert dana and all(g.startswith("column_percentages") for g in dana)
    assert "wrong_axis" in {r["mistake"] for r in dana.values()}, dana
    assert "<code>wrong_axis</code>" in page


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (
            "dw has shape (3,). That is a rank-1 array (np.sum without keepdims=True)",
            "missing_keepdims",
        ),
        ("A has shape (4,). That is a rank-1 array; the course keeps vectors 2-D", "rank1"),
        ("Z: The result is transposed: check the order of the factors or a `.T`.", "transposed"),
        (
            "This is the shape that `*` (element-wise product) where a matrix product"
            " (np.dot or @) was meant gives.",
            "elementwise_for_matmul",
        ),
        ("cost: wrong value. This is what a missing 1/m gives.", "missing_1_over_m"),
        ("Z1: This is what forgetting to add b to Z gives.", "bias_not_added"),
        ("W1: They are all equal (zero initialisation?): draw them at random.", "zero_init"),
        (
            "update_parameters changed its input `parameters` in place. Work on new arrays",
            "in_place",
        ),
        ("Draw every random number from the `rng` argument, never from np.random.*", "rng_global"),
        ("dZ: This is what s instead of s(1-s) gives.", "wrong_derivative"),
        ("all good", ""),
    ],
)
def test_mistake_codes(message, code):
    assert mistake_code(message) == code


def test_mistake_codes_are_unique_and_stable():
    codes = [code for code, _, _ in MISTAKES]
    assert len(codes) == len(set(codes))
    required = {"rank1", "transposed", "elementwise_for_matmul", "missing_1_over_m",
                "missing_keepdims", "wrong_derivative", "bias_not_added", "zero_init",
                "in_place", "rng_global"}  # fmt: skip
    assert required <= set(codes)


def test_score_bins_are_tenths_of_the_maximum_the_top_one_closed():
    # [0, 1) [1, 2) ... [9, 10]: 1.5 is in the second tenth, 10 (full marks) in the last,
    # extra credit (11) joins the last and a negative score the first.
    assert score_counts([0, 1.4, 1.5, 9.99, 10, 11, -1], 10) == [2, 2, 0, 0, 0, 0, 0, 0, 0, 3]
    assert score_counts([], 15) == [0] * 10
