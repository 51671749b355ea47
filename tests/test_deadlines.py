"""Deadlines (issue 12, deliver 3): nbgrader's ``timestamp.txt`` is kept, due dates and
per-student extensions count, late penalties come from nbgrader's late-submission plugin as
configured (``nbgrader_config.py`` in the current directory, ``--Class.trait=value``), and
``grades.csv`` shows time, lateness and penalty as ``nbgrader export`` does."""

from __future__ import annotations

import datetime

import pytest

from autograder.cli import main
from autograder.settings import PercentPerDay, SettingsError, user_config
from tests.course_outputs import AID, functions, grades, nbgrader_export, points, write_hand_in

DUE = datetime.datetime(2026, 3, 1, 12, 0, 0)
DAY = 86400.0


def _grade(subs, out, *extra) -> int:
    return main(["grade", str(subs), "--out", str(out), "--unsafe", "--workers", "2", *extra])


@pytest.fixture(scope="module")
def late(tmp_path_factory):
    """ada: everything right, handed in 10 days late; blaise: right, on time."""
    subs = tmp_path_factory.mktemp("late_in")
    for student, delay in (
        ("ada", datetime.timedelta(days=10)),
        ("blaise", -datetime.timedelta(hours=1)),
    ):
        nb = write_hand_in(subs, student, functions())
        stamp = (DUE + delay).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        (nb.parent / "timestamp.txt").write_text(stamp, encoding="utf-8")
    return subs


def test_late_hand_in_scores_zero_with_penalty_zero(late, tmp_path):
    out = tmp_path / "out"
    due = f"--due={AID}={DUE.isoformat()}"
    assert _grade(late, out, due, "--LateSubmissionPlugin.penalty_method=zero") == 0
    full = sum(points().values())
    rows = grades(out)
    ada, blaise = rows[("ada", AID)], rows[("blaise", AID)]
    assert ada["timestamp"].startswith("2026-03-11T12:00:00")
    assert float(ada["seconds_late"]) == 10 * DAY
    assert float(ada["late_penalty"]) == full and float(ada["raw_score"]) == full
    assert float(ada["score"]) == 0
    assert float(blaise["seconds_late"]) == 0 and float(blaise["score"]) == full
    exported = nbgrader_export(f"sqlite:///{out / 'gradebook.db'}", tmp_path)
    assert float(exported[("ada", AID)]["score"]) == 0
    assert exported[("ada", AID)]["timestamp"].startswith("2026-03-11 12:00:00")

    # An extension of 11 days for ada (a CSV): on time, no penalty, nothing run again.
    granted = tmp_path / "extensions.csv"
    granted.write_text(f"student_id,assignment,days\nada,{AID},11\n", encoding="utf-8")
    results = sorted((out / "nbgrader" / "results").rglob("*.json"))
    stamps = [p.stat().st_mtime_ns for p in results]
    assert (
        _grade(
            late, out, due, "--LateSubmissionPlugin.penalty_method=zero", f"--extensions={granted}"
        )
        == 0
    )
    assert [p.stat().st_mtime_ns for p in results] == stamps
    ada = grades(out)[("ada", AID)]
    assert float(ada["seconds_late"]) == 0 and float(ada["score"]) == full


def test_penalty_plugin_from_the_current_directory_config(late, tmp_path, monkeypatch):
    """A course's own nbgrader_config.py picks a plugin: 10 % per started day, 2.5 days late
    is 3 days, 30 % off."""
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.AssignLatePenalties.plugin_class = 'autograder.settings.PercentPerDay'\n"
        "c.PercentPerDay.percent_per_day = 10\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    due = DUE + datetime.timedelta(days=7, hours=12)  # ada is 2.5 days late
    assert _grade(late, out, f"--due={AID}={due.isoformat()}") == 0
    full = sum(points().values())
    ada = grades(out)[("ada", AID)]
    assert float(ada["seconds_late"]) == 2.5 * DAY
    assert float(ada["late_penalty"]) == pytest.approx(0.3 * full)
    assert float(ada["score"]) == pytest.approx(0.7 * full)


def test_unknown_options_are_refused(late, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        _grade(late, tmp_path / "out", "--no-such-option")
    assert stop.value.code == 2
    with pytest.raises(SettingsError):
        user_config(["--LateSubmissionPlugin.penalty_method"])


def test_the_grader_keeps_its_own_course_directory(tmp_path):
    """A course's nbgrader_config.py may say where its own gradebook is: grade ignores that."""
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.db_url = 'sqlite:////elsewhere.db'\n"
        "c.LateSubmissionPlugin.penalty_method = 'zero'\n",
        encoding="utf-8",
    )
    config = user_config([], folders=[tmp_path])
    assert "CourseDirectory" not in config
    assert config.LateSubmissionPlugin.penalty_method == "zero"


def test_percent_per_day_arithmetic():
    plugin = PercentPerDay(percent_per_day=10, max_percent=50)
    assert plugin.late_submission_penalty("s", 20.0, 0) is None
    assert plugin.late_submission_penalty("s", 20.0, 1) == pytest.approx(2.0)  # a started day
    assert plugin.late_submission_penalty("s", 20.0, 2 * DAY) == pytest.approx(4.0)
    assert plugin.late_submission_penalty("s", 20.0, 30 * DAY) == pytest.approx(10.0)  # capped
