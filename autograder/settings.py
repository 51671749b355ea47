"""What an instructor configures for ``grade``: nbgrader settings, due dates and extensions.

* nbgrader settings come from ``nbgrader_config.py`` in the current directory, or else in the
  course root (the checkout), then from nbgrader-style options on the command line
  (``--LateSubmissionPlugin.penalty_method=zero``). The grader owns where things are (the
  ``CourseDirectory`` settings, the hook that writes support modules into the release) and how
  notebooks run (the autograde preprocessors), so those are ignored; everything else, such as
  the late-submission plugin, applies.
* Due dates: ``--due ASSIGNMENT=WHEN`` or a CSV with columns ``assignment, duedate``.
* Extensions: a CSV with columns ``student_id, assignment`` and any of ``minutes, hours,
  days, weeks`` (as ``nbgrader``'s ``grant_extension``).

Times are ISO 8601; without a zone they are UTC (as nbgrader reads ``timestamp.txt``).
"""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.utils import parse_utc
from traitlets import Float
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

from autograder.course import ROOT

#: ``--Class.trait=value``: an nbgrader-style setting on the command line.
SETTING = re.compile(r"^--[A-Za-z_]\w*\.[A-Za-z_]\w*=.*$", re.DOTALL)

#: Settings the grader owns: where the course lives and how notebooks are run.
_OWNED = {
    "CourseDirectory": None,  # every trait
    "Autograde": {"autograde_preprocessors", "sanitize_preprocessors"},
    "NbGrader": {"db_url", "course_directory"},
    # The checkout's nbgrader_config.py writes support modules into the checkout's release;
    # the grader writes them beside its own (Grader.prepare).
    "GenerateAssignment": {"post_convert_hook"},
}


class SettingsError(ValueError):
    """A settings file or option ``grade`` cannot use; the message says which and why."""


def config_file(folders: list[Path] | None = None) -> Path | None:
    """The ``nbgrader_config.py`` that applies: the current directory's, else the course's."""
    for folder in folders if folders is not None else [Path.cwd(), ROOT]:
        candidate = Path(folder) / "nbgrader_config.py"
        if candidate.is_file():
            return candidate
    return None


def user_config(options: list[str], folders: list[Path] | None = None) -> Config:
    """nbgrader settings from ``nbgrader_config.py`` and ``--Class.trait=value`` options,
    without the settings the grader owns.

    Parameters
    ----------
    options : list of str
        Command-line options of the form ``--Class.trait=value``.
    folders : list of Path, optional
        Where to look for ``nbgrader_config.py`` (default: the current directory, then the
        course root).

    Raises
    ------
    SettingsError
        If an option is not of that form or the file cannot be read.
    """
    config = Config()
    found = config_file(folders)
    if found is not None:
        try:
            config.merge(PyFileConfigLoader(found.name, path=str(found.parent)).load_config())
        except Exception as err:  # a broken file: say which, do not grade with half of it
            raise SettingsError(f"{found} could not be read: {err}") from err
    bad = [o for o in options if not SETTING.match(o)]
    if bad:
        raise SettingsError(f"not an option of grade: {' '.join(bad)}")
    if options:
        config.merge(KVArgParseConfigLoader(argv=list(options)).load_config())
    for section, traits in _OWNED.items():
        if section in config:
            if traits is None:
                del config[section]
            else:
                for trait in traits & set(config[section]):
                    del config[section][trait]
    return config


def parse_time(text: str) -> datetime.datetime:
    """An ISO 8601 time as naive UTC (nbgrader's convention); UTC when no zone is given."""
    try:
        return parse_utc(text.strip())
    except (ValueError, OverflowError, TypeError) as err:
        raise SettingsError(f"not a time: {text!r}") from err


def _rows(path: Path, required: set[str]) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        columns = {c.strip() for c in reader.fieldnames or []}
        if not required <= columns:
            missing = ", ".join(sorted(required - columns))
            raise SettingsError(f"{path} lacks the column(s) {missing}")
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def due_dates(
    pairs: list[str] | None = None, csv_file: Path | None = None
) -> dict[str, datetime.datetime]:
    """Assignment id to due date, from ``ASSIGNMENT=WHEN`` pairs and/or a CSV file."""
    found = {}
    if csv_file is not None:
        for row in _rows(Path(csv_file), {"assignment", "duedate"}):
            found[row["assignment"]] = parse_time(row["duedate"])
    for pair in pairs or []:
        aid, sep, when = pair.partition("=")
        if not sep:
            raise SettingsError(f"--due wants ASSIGNMENT=WHEN, not {pair!r}")
        found[aid.strip()] = parse_time(when)
    return found


_UNITS = ("minutes", "hours", "days", "weeks")


def extensions(csv_file: Path) -> dict[tuple[str, str], datetime.timedelta]:
    """``(student_id, assignment)`` to the extension granted, from a CSV file."""
    found = {}
    for row in _rows(Path(csv_file), {"student_id", "assignment"}):
        try:
            amounts = {u: float(row[u]) for u in _UNITS if row.get(u)}
        except ValueError as err:
            raise SettingsError(f"{csv_file}: not a number in {row}") from err
        if not amounts:
            raise SettingsError(f"{csv_file}: no amount ({', '.join(_UNITS)}) in {row}")
        found[(row["student_id"], row["assignment"])] = datetime.timedelta(**amounts)
    return found


class PercentPerDay(LateSubmissionPlugin):
    """A late-submission plugin: ``percent_per_day`` of the score off for each started day
    late, at most ``max_percent``.

    Use it with ``--AssignLatePenalties.plugin_class=autograder.settings.PercentPerDay
    --PercentPerDay.percent_per_day=10`` (or the same in ``nbgrader_config.py``).
    """

    percent_per_day = Float(10.0, help="Percent of the score taken off per started day late.").tag(
        config=True
    )
    max_percent = Float(100.0, help="The most taken off, in percent of the score.").tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        """The points taken off ``score`` for ``total_seconds_late`` (see the class)."""
        if total_seconds_late <= 0:
            return None
        days = -(-total_seconds_late // 86400)  # a day started counts as a day
        return score * min(self.max_percent, self.percent_per_day * days) / 100.0
