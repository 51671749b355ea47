"""Ids and messages are data: no terminal escape is printed, no CSV cell runs as a formula.

On the code before this change ``autograder.safe_text`` did not exist, and ``write_reports``,
``summary_table`` and ``ProgressBar`` wrote ids as they were: the report tests below failed on
it (a cell read back as ``=1+1``; ``ESC]0;`` and ``ESC[2J`` in the printed table).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from autograder.reports import ProgressBar, summary_table, write_reports
from autograder.results import CellGrade, SubmissionGrade
from autograder.safe_text import for_csv, for_html, for_terminal, from_csv

SPREADSHEET_IDS = [
    "=1+1",
    "+1",
    "-1",
    "-2",
    "@SUM(A1)",
    "\tx",
    "\rx",
    '=HYPERLINK("http://x","y")',
    " =1+1",
    "'quoted",
    "a;=1+1",
    'a,"=1+1',
    "\uff1d1+1",
]
TERMINAL_IDS = [
    "\x1b]0;title\x07alice",
    "\x1b[2Jbob",
    "\x9b2Jcarol",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "dave\x1bc",
    "erin\x07\x08\x7f",
    "frank\u202egnp.exe",
    "\x1bPq#0;2;0;0;0\x1b\\gina",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def _is_terminal_safe(text: str) -> bool:
    return not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u202e\u2066" for ch in text)


# --------------------------------------------------------------------------------------------
# The functions
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", TERMINAL_IDS)
def test_for_terminal_strips_escapes_and_controls(text):
    shown = for_terminal(text)
    assert _is_terminal_safe(shown)
    assert "title" not in shown and "2J" not in shown and "evil" not in shown
    assert "q#0" not in shown


def test_for_terminal_keeps_printable_unicode_and_makes_tabs_spaces():
    assert for_terminal("Zoë 学生 αβ ✓") == "Zoë 学生 αβ ✓"
    assert for_terminal("a\tb\nc") == "a b c"
    assert for_terminal("\x1b[31mred\x1b[0m") == "red"
    assert for_terminal(42) == "42"


@pytest.mark.parametrize("value", SPREADSHEET_IDS)
def test_for_csv_neutralises_formulas_reversibly(value):
    cell = for_csv(value)
    assert cell.lstrip(" ")[:1] not in FORMULA_START
    assert from_csv(cell) == value


def test_for_csv_leaves_ordinary_text_alone():
    for value in ["alice", "01_numpy_basics", "feedback/alice/a/a.html", "3.5", "a = b", ""]:
        assert for_csv(value) == value
    assert for_csv("-2") == "'-2"
    assert for_csv("'x") == "''x"
    assert for_csv("ok\x1b]0;t\x07!") == "ok!"


def test_for_html_escapes():
    assert for_html('<img src=x onerror="a">&') == "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;"


# --------------------------------------------------------------------------------------------
# The reports
# --------------------------------------------------------------------------------------------
def _grades(ids, out: Path):
    grades = []
    for sid in ids:
        cells = [
            CellGrade(sid, "01_numpy_basics", "sigmoid", 1.0, 1.0, "passed"),
            CellGrade(sid, "01_numpy_basics", "flatten", 0.0, 2.0, "error", "=cmd|' /C calc'!A0"),
        ]
        grades.append(
            SubmissionGrade(
                sid, "01_numpy_basics", cells, note="@note", feedback=out / "feedback" / "x.html"
            )
        )
    return grades


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("separator", [",", ";"])
def test_no_csv_cell_starts_like_a_formula(tmp_path, separator):
    """Read back with the csv module, with ',' and with the ';' many spreadsheets guess."""
    ids = SPREADSHEET_IDS + ["plain"]
    write_reports(tmp_path, _grades(ids, tmp_path))
    for name in ("grades", "cell_grades", "exercise_stats"):
        with open(tmp_path / f"{name}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f, delimiter=separator))
        for row in rows:
            for cell in row:
                assert cell.lstrip(" ")[:1] not in FORMULA_START, (name, row)


def test_the_csv_round_trip_gives_the_ids_back(tmp_path):
    ids = SPREADSHEET_IDS + ["plain"]
    write_reports(tmp_path, _grades(ids, tmp_path))
    header, *rows = _read(tmp_path / "grades.csv")
    # The columns of the spec first; lateness and raw score follow (issue 12).
    assert header[:6] == ["student_id", "assignment", "score", "max_score", "note", "feedback"]
    assert sorted(from_csv(r[0]) for r in rows) == sorted(ids)
    assert {r[4] for r in rows} == {"'@note"}
    assert {(r[2], r[3]) for r in rows} == {("1", "3")}
    assert {r[5] for r in rows} == {"feedback/x.html"}
    cells = _read(tmp_path / "cell_grades.csv")[1:]
    assert sorted({from_csv(r[0]) for r in cells}) == sorted(ids)
    assert {r[6] for r in cells} == {"", "'=cmd|' /C calc'!A0"}


def test_csv_files_carry_no_terminal_escapes(tmp_path):
    write_reports(tmp_path, _grades(TERMINAL_IDS, tmp_path))
    for name in ("grades", "cell_grades"):
        text = (tmp_path / f"{name}.csv").read_text(encoding="utf-8")
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text


def test_the_summary_table_prints_no_escapes(tmp_path):
    grades = _grades(TERMINAL_IDS + ["plain"], tmp_path)
    table = summary_table(grades)
    assert all(_is_terminal_safe(line) for line in table.splitlines())
    assert "alice" in table and "plain" in table
    first, second = table.splitlines()[1:3]  # columns still line up
    assert first.index("01_numpy_basics") == second.index("01_numpy_basics")


def test_the_progress_bar_prints_no_escapes():
    stream = io.StringIO()
    bar = ProgressBar(len(TERMINAL_IDS), stream=stream)
    for sid in TERMINAL_IDS:
        bar.update(f"{sid}/01_numpy_basics")
    written = stream.getvalue()
    assert _is_terminal_safe(written.replace("\r", "").replace("\n", ""))
    assert "title" not in written and "2J" not in written
